import type { SmsSender } from "../core/ports/delivery.js";
import {
  type FetchLike,
  postToProvider,
  providerStatusError,
  requirePositiveTimeout,
} from "./http.js";

export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  /** A Twilio number in E.164, or a Messaging Service SID ("MG…"). */
  from: string;
  apiBase?: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

/**
 * Sends SMS through Twilio's Programmable Messaging REST API:
 * POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP basic auth.
 * https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 */
export function createTwilioSender(options: TwilioSenderOptions): SmsSender {
  const { accountSid, authToken, from } = options;
  if (!accountSid || !authToken || !from) {
    throw new Error("Twilio: set the account SID, auth token and sender (from) number");
  }
  const timeoutMs = requirePositiveTimeout(options.timeoutMs ?? 5000, "Twilio");
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const apiBase = (options.apiBase ?? "https://api.twilio.com").replace(/\/+$/, "");
  const url = `${apiBase}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
  // A Messaging Service SID goes in its own field; Twilio rejects it as From.
  const fromField = /^MG[0-9a-f]{32}$/i.test(from) ? "MessagingServiceSid" : "From";

  return {
    async send(to: string, body: string): Promise<void> {
      const form = new URLSearchParams({ To: to, [fromField]: from, Body: body });
      const { status, text } = await postToProvider(
        "Twilio",
        url,
        {
          headers: {
            authorization,
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
          },
          body: form.toString(),
        },
        timeoutMs,
        fetchImpl,
      );
      if (status >= 200 && status < 300) return;
      throw providerStatusError("Twilio", status, describeTwilioError(text));
    },
  };
}

/** Twilio error bodies look like {"code":21211,"message":"…","more_info":"…","status":400}. */
function describeTwilioError(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") {
      const { code, message } = parsed as { code?: unknown; message?: unknown };
      const parts: string[] = [];
      if (typeof code === "number" || typeof code === "string") parts.push(`error ${code}`);
      // Twilio's messages name the field at fault, not the SMS text; cap them anyway.
      if (typeof message === "string") parts.push(message.slice(0, 200));
      if (parts.length > 0) return ` (${parts.join(": ")})`;
    }
  } catch {
    // Not JSON (a proxy's HTML error page, say): the status alone must do.
  }
  return "";
}
