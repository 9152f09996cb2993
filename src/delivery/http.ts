import { DeliveryError } from "../core/ports/delivery.js";

export type FetchLike = typeof fetch;

/**
 * POSTs to an HTTP provider, turning "no answer" and network faults into DeliveryError.
 * The signal also bounds reading the response body, so a provider that sends headers and
 * then stalls cannot hold a sign-in request open past `timeoutMs`.
 */
export async function postToProvider(
  provider: string,
  url: string,
  init: { headers: Record<string, string>; body: string },
  timeoutMs: number,
  fetchImpl: FetchLike,
): Promise<{ status: number; text: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetchImpl(url, { method: "POST", ...init, signal, redirect: "error" });
    const text = await response.text();
    return { status: response.status, text };
  } catch (error) {
    if (signal.aborted) {
      throw new DeliveryError(`${provider} did not answer within ${timeoutMs} ms`);
    }
    // Only the error's code/name: the request (with the message body) is never quoted.
    const reason = describeNetworkError(error);
    throw new DeliveryError(`${provider} request failed: ${reason}`, {
      definite: NOTHING_SENT.has(reason),
    });
  }
}

/** Failures that happen before a byte of the request could reach the provider. */
const NOTHING_SENT = new Set(["ECONNREFUSED", "ENOTFOUND"]);

/**
 * A provider's HTTP answer: 4xx is a refusal of this request (bad number, bad credentials,
 * rate limited), so nothing was sent; 5xx (or anything odd) may come after the message
 * was accepted, so it is not a definite refusal.
 */
export function providerStatusError(provider: string, status: number, detail = ""): DeliveryError {
  return new DeliveryError(`${provider} answered HTTP ${status}${detail}`, {
    definite: status >= 400 && status < 500,
  });
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause as { code?: unknown } | undefined;
    if (cause && typeof cause.code === "string") return cause.code;
    return error.name;
  }
  return "unknown error";
}

export function requirePositiveTimeout(timeoutMs: number, what: string): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error(`${what}: timeoutMs must be a positive number of milliseconds`);
  }
  return timeoutMs;
}
