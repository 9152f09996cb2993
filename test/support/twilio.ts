import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import { closeServer, listenOnLoopback, readBody } from "./http.js";
import { createRecorder } from "./recorder.js";

export interface TwilioMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
}

export interface TestTwilioServer {
  /** Pass as `apiBase` to createTwilioSender. */
  apiBase: string;
  messages: TwilioMessage[];
  waitFor(predicate?: (m: TwilioMessage) => boolean, timeoutMs?: number): Promise<TwilioMessage>;
  /** The next request is answered with this status and Twilio's error JSON (default 500). */
  failNext(status?: number): void;
  /** The next request is never answered (until close). */
  hangNext(): void;
  /**
   * Bodies of the requests failed by failNext or hangNext: what a real provider may have
   * delivered anyway (a late SMS).
   */
  unanswered: { to: string; body: string }[];
  close(): Promise<void>;
}

// Twilio's error codes for the statuses a test is likely to ask for.
// https://www.twilio.com/docs/api/errors
const ERRORS: Record<number, { code: number; message: string }> = {
  400: { code: 21211, message: "Invalid 'To' Phone Number" },
  401: { code: 20003, message: "Authenticate" },
  404: { code: 20404, message: "The requested resource was not found" },
  405: { code: 20004, message: "Method not allowed" },
  429: { code: 20429, message: "Too Many Requests" },
  500: { code: 20500, message: "Internal Server Error" },
  503: { code: 20503, message: "Service Unavailable" },
};

/**
 * A loopback stand-in for Twilio's Messages API, shaped like the documented one:
 * POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic auth with the account
 * SID and auth token, form-encoded To/From/Body, 201 with a message resource.
 */
export async function startTwilioServer(options: {
  accountSid: string;
  authToken: string;
}): Promise<TestTwilioServer> {
  const recorder = createRecorder<TwilioMessage>("Twilio message");
  const expectedAuth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString("base64")}`;
  const messagesPath = `/2010-04-01/Accounts/${options.accountSid}/Messages.json`;
  let nextFailure: number | undefined;
  let hang = false;
  const unanswered: { to: string; body: string }[] = [];
  const keep = (raw: string) => {
    const form = new URLSearchParams(raw);
    unanswered.push({ to: form.get("To") ?? "", body: form.get("Body") ?? "" });
  };

  const server = createServer(async (request, response) => {
    const raw = await readBody(request);
    if (hang) {
      hang = false;
      keep(raw);
      return;
    }
    if (nextFailure !== undefined) {
      const status = nextFailure;
      nextFailure = undefined;
      keep(raw);
      return sendError(response, status);
    }
    if (request.headers.authorization !== expectedAuth) return sendError(response, 401);
    if (request.url !== messagesPath) return sendError(response, 404);
    if (request.method !== "POST") return sendError(response, 405);
    if (!request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")) {
      return sendError(response, 400, 21601, "Invalid request body");
    }
    const form = new URLSearchParams(raw);
    const to = form.get("To") ?? "";
    const from = form.get("From") ?? "";
    const body = form.get("Body") ?? "";
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return sendError(response, 400);
    if (!from) return sendError(response, 400, 21603, "A 'From' phone number is required.");
    if (!body) return sendError(response, 400, 21602, "Message body is required.");

    const sid = `SM${randomBytes(16).toString("hex")}`;
    const now = new Date().toUTCString().replace("GMT", "+0000");
    recorder.add({ sid, accountSid: options.accountSid, to, from, body });
    const uri = `/2010-04-01/Accounts/${options.accountSid}/Messages/${sid}.json`;
    sendJson(response, 201, {
      account_sid: options.accountSid,
      api_version: "2010-04-01",
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: "outbound-api",
      error_code: null,
      error_message: null,
      from,
      messaging_service_sid: null,
      num_media: "0",
      num_segments: "1",
      price: null,
      price_unit: "USD",
      sid,
      status: "queued",
      subresource_uris: { media: uri.replace(".json", "/Media.json") },
      to,
      uri,
    });
  });

  const apiBase = await listenOnLoopback(server);
  return {
    apiBase,
    messages: recorder.items,
    waitFor: recorder.waitFor,
    unanswered,
    failNext(status = 500): void {
      nextFailure = status;
    },
    hangNext(): void {
      hang = true;
    },
    close: () => closeServer(server),
  };
}

function sendError(
  response: ServerResponse,
  status: number,
  code?: number,
  message?: string,
): void {
  const known = ERRORS[status] ?? { code: 20000 + status, message: "Error" };
  const errorCode = code ?? known.code;
  sendJson(response, status, {
    code: errorCode,
    message: message ?? known.message,
    more_info: `https://www.twilio.com/docs/errors/${errorCode}`,
    status,
  });
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(value));
}
