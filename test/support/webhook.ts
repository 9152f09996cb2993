import { createServer } from "node:http";
import { verifyWebhookSignature } from "../../src/delivery/webhook.js";
import { closeServer, listenOnLoopback, readBody } from "./http.js";
import { createRecorder } from "./recorder.js";

export interface WebhookDelivery {
  to: string;
  body: string;
  signatureValid: boolean;
  timestamp: string;
  signature: string;
  rawBody: string;
}

export interface TestWebhookReceiver {
  url: string;
  messages: WebhookDelivery[];
  waitFor(
    predicate?: (d: WebhookDelivery) => boolean,
    timeoutMs?: number,
  ): Promise<WebhookDelivery>;
  /** The next request is answered with this status (default 500). */
  failNext(status?: number): void;
  /** The next request is never answered (until close). */
  hangNext(): void;
  close(): Promise<void>;
}

/**
 * An SMS gateway as an organisation would write one: it checks the signature as
 * verifyWebhookSignature does, answers 204 when valid and 401 when not, and records both.
 */
export async function startWebhookReceiver(options: {
  secret: string;
  nowSeconds?: () => number;
}): Promise<TestWebhookReceiver> {
  const recorder = createRecorder<WebhookDelivery>("webhook delivery");
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  let nextFailure: number | undefined;
  let hang = false;

  const server = createServer(async (request, response) => {
    const rawBody = await readBody(request);
    if (hang) {
      hang = false;
      return;
    }
    const timestamp = String(request.headers["x-vestibule-timestamp"] ?? "");
    const signature = String(request.headers["x-vestibule-signature"] ?? "");
    const signatureValid =
      request.method === "POST" &&
      verifyWebhookSignature(options.secret, timestamp, rawBody, signature, nowSeconds());
    let parsed: { to?: unknown; body?: unknown } = {};
    try {
      parsed = JSON.parse(rawBody) as typeof parsed;
    } catch {
      // Recorded with empty fields; the test sees what arrived.
    }
    recorder.add({
      to: typeof parsed.to === "string" ? parsed.to : "",
      body: typeof parsed.body === "string" ? parsed.body : "",
      signatureValid,
      timestamp,
      signature,
      rawBody,
    });
    const status = nextFailure ?? (signatureValid ? 204 : 401);
    nextFailure = undefined;
    response.writeHead(status).end();
  });

  const url = `${await listenOnLoopback(server)}/sms`;
  return {
    url,
    messages: recorder.items,
    waitFor: recorder.waitFor,
    failNext(status = 500): void {
      nextFailure = status;
    },
    hangNext(): void {
      hang = true;
    },
    close: () => closeServer(server),
  };
}
