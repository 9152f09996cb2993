import { createHmac, timingSafeEqual } from "node:crypto";
import type { SmsSender } from "../core/ports/delivery.js";
import type { Clock } from "../core/ports/runtime.js";
import {
  type FetchLike,
  postToProvider,
  providerStatusError,
  requirePositiveTimeout,
} from "./http.js";

export const TIMESTAMP_HEADER = "x-vestibule-timestamp";
export const SIGNATURE_HEADER = "x-vestibule-signature";

export interface WebhookSenderOptions {
  url: string;
  secret: string;
  timeoutMs?: number;
  clock?: Clock;
  fetch?: FetchLike;
}

/**
 * Hands each SMS to the organisation's own gateway as signed JSON {"to","body"}.
 * The signature covers the timestamp and the raw body (Stripe / Standard Webhooks style),
 * so a receiver can reject forged requests and, with a tolerance window, replays.
 */
export function createWebhookSender(options: WebhookSenderOptions): SmsSender {
  const { url, secret } = options;
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    throw new Error("SMS webhook: the URL is not a valid absolute URL");
  }
  if (secret.length < 16) {
    throw new Error("SMS webhook: the signing secret must be at least 16 characters");
  }
  const timeoutMs = requirePositiveTimeout(options.timeoutMs ?? 5000, "SMS webhook");
  const clock = options.clock ?? { now: Date.now };
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const provider = `SMS webhook ${host}`;

  return {
    async send(to: string, body: string): Promise<void> {
      const rawBody = JSON.stringify({ to, body });
      const timestamp = String(Math.floor(clock.now() / 1000));
      const { status } = await postToProvider(
        provider,
        url,
        {
          headers: {
            "content-type": "application/json",
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: `v1=${sign(secret, timestamp, rawBody)}`,
          },
          body: rawBody,
        },
        timeoutMs,
        fetchImpl,
      );
      if (status < 200 || status >= 300) {
        throw providerStatusError(provider, status);
      }
    },
  };
}

function sign(secret: string, timestamp: string, rawBody: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex");
}

/**
 * For receivers: true when `header` holds a v1 signature of `timestamp.rawBody` under
 * `secret` and the timestamp is within `toleranceSeconds` of now. Several space- or
 * comma-separated signatures are allowed so a secret can be rotated without downtime.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  rawBody: string,
  header: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, timestamp, rawBody), "hex");
  let valid = false;
  for (const part of header.split(/[\s,]+/)) {
    if (!part.startsWith("v1=")) continue;
    const candidate = Buffer.from(part.slice(3), "hex");
    // Equal length first: timingSafeEqual throws otherwise. Length is not secret.
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
      valid = true;
    }
  }
  return valid;
}
