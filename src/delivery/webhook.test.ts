import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejected as rejectedWith } from "../../test/support/delivery.js";
import { startWebhookReceiver, type TestWebhookReceiver } from "../../test/support/webhook.js";
import { createWebhookSender, verifyWebhookSignature } from "./webhook.js";

/** Every failure must also keep the code out of its message. */
const rejected = (promise: Promise<unknown>) => rejectedWith(promise, "493817");

const secret = "whsec-test-0123456789abcdef";
const body = "493817 is your Vestibule verification code.";

let receiver: TestWebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver({ secret });
});
afterEach(async () => {
  await receiver.close();
});

describe("createWebhookSender", () => {
  it("posts signed JSON that the receiver verifies", async () => {
    await createWebhookSender({ url: receiver.url, secret }).send("+61412345678", body);
    const delivery = await receiver.waitFor();
    expect(delivery).toMatchObject({ to: "+61412345678", body, signatureValid: true });
    expect(JSON.parse(delivery.rawBody)).toEqual({ to: "+61412345678", body });
    expect(delivery.signature).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it("is refused by a receiver holding another secret", async () => {
    const sender = createWebhookSender({ url: receiver.url, secret: "another-secret-0123456789" });
    const error = await rejected(sender.send("+61412345678", body));
    expect(error.message).toMatch(/^SMS webhook 127\.0\.0\.1:\d+ answered HTTP 401$/);
    expect(error.definite).toBe(true);
    expect(receiver.messages[0]?.signatureValid).toBe(false);
  });

  it("rejects on a non-2xx answer and on no answer within timeoutMs", async () => {
    const sender = createWebhookSender({ url: receiver.url, secret, timeoutMs: 300 });
    receiver.failNext(503);
    const unavailable = await rejected(sender.send("+61412345678", body));
    expect(unavailable.message).toContain("HTTP 503");
    expect(unavailable.definite).toBe(false);

    receiver.hangNext();
    const error = await rejected(sender.send("+61412345678", body));
    expect(error.message).toContain("did not answer within 300 ms");
    expect(error.definite).toBe(false);
  });

  it("refuses a short secret at startup", () => {
    expect(() => createWebhookSender({ url: receiver.url, secret: "short" })).toThrow(/secret/);
  });
});

describe("verifyWebhookSignature", () => {
  const rawBody = '{"to":"+61412345678","body":"hello"}';
  const timestamp = "1700000000";
  const now = 1_700_000_000;
  const signature = `v1=${createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex")}`;

  it("accepts the signature of the exact timestamp and body", () => {
    expect(verifyWebhookSignature(secret, timestamp, rawBody, signature, now)).toBe(true);
    expect(verifyWebhookSignature(secret, timestamp, rawBody, `v1=00 ${signature}`, now)).toBe(
      true,
    );
  });

  it("refuses a tampered body, another timestamp or another secret", () => {
    const tampered = rawBody.replace("hello", "hellO");
    expect(verifyWebhookSignature(secret, timestamp, tampered, signature, now)).toBe(false);
    expect(verifyWebhookSignature(secret, "1700000001", rawBody, signature, now)).toBe(false);
    expect(verifyWebhookSignature(`${secret}x`, timestamp, rawBody, signature, now)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, rawBody, signature.slice(3), now)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, rawBody, "v1=abc", now)).toBe(false);
  });

  it("refuses a timestamp outside the tolerance, either way (replay, clock skew)", () => {
    expect(verifyWebhookSignature(secret, timestamp, rawBody, signature, now + 300)).toBe(true);
    expect(verifyWebhookSignature(secret, timestamp, rawBody, signature, now + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, rawBody, signature, now - 301)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, rawBody, signature, now + 30, 10)).toBe(false);
    expect(verifyWebhookSignature(secret, "17e8", rawBody, signature, now)).toBe(false);
  });
});
