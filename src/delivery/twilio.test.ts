import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejected as rejectedWith } from "../../test/support/delivery.js";
import { startTwilioServer, type TestTwilioServer } from "../../test/support/twilio.js";
import { createTwilioSender } from "./twilio.js";

/** Every failure must also keep the code out of its message. */
const rejected = (promise: Promise<unknown>) => rejectedWith(promise, "493817");

const accountSid = `AC${"0123456789abcdef".repeat(2)}`;
const authToken = "f0e1d2c3b4a5968778695a4b3c2d1e0f";
const from = "+15005550006";
const body = "493817 is your Vestibule verification code. It expires in 10 minutes.";

let twilio: TestTwilioServer;
beforeEach(async () => {
  twilio = await startTwilioServer({ accountSid, authToken });
});
afterEach(async () => {
  await twilio.close();
});

describe("createTwilioSender", () => {
  it("posts To, From and Body to the Messages API with basic auth", async () => {
    const sender = createTwilioSender({ accountSid, authToken, from, apiBase: twilio.apiBase });
    await sender.send("+61412345678", body);

    const message = await twilio.waitFor();
    expect(message).toMatchObject({ accountSid, to: "+61412345678", from, body });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it("reports Twilio's 401 / 20003 for a wrong auth token", async () => {
    const sender = createTwilioSender({
      accountSid,
      authToken: "wrong-token",
      from,
      apiBase: twilio.apiBase,
    });
    const error = await rejected(sender.send("+61412345678", body));
    expect(error.message).toBe("Twilio answered HTTP 401 (error 20003: Authenticate)");
    expect(twilio.messages).toHaveLength(0);
  });

  it("reports Twilio's own error for an invalid number", async () => {
    const sender = createTwilioSender({ accountSid, authToken, from, apiBase: twilio.apiBase });
    const error = await rejected(sender.send("12345", body));
    expect(error.message).toContain("400");
    expect(error.message).toContain("21211");
    // A 4xx is a refusal: nothing was sent, so the send quota may be given back.
    expect(error.definite).toBe(true);
  });

  it("rejects on a 500", async () => {
    const sender = createTwilioSender({ accountSid, authToken, from, apiBase: twilio.apiBase });
    twilio.failNext(500);
    const error = await rejected(sender.send("+61412345678", body));
    expect(error.message).toContain("HTTP 500 (error 20500");
    // A 5xx may come after Twilio accepted the message: not definite.
    expect(error.definite).toBe(false);
    // The failure is one-off: the next send goes through.
    await sender.send("+61412345678", body);
    expect(twilio.messages).toHaveLength(1);
  });

  it("gives up after timeoutMs when Twilio does not answer", async () => {
    const sender = createTwilioSender({
      accountSid,
      authToken,
      from,
      apiBase: twilio.apiBase,
      timeoutMs: 300,
    });
    twilio.hangNext();
    const error = await rejected(sender.send("+61412345678", body));
    expect(error.message).toBe("Twilio did not answer within 300 ms");
    expect(error.definite).toBe(false);
  });

  it("rejects when nothing listens", async () => {
    const apiBase = twilio.apiBase;
    await twilio.close();
    twilio = await startTwilioServer({ accountSid, authToken });
    const sender = createTwilioSender({ accountSid, authToken, from, apiBase });
    const error = await rejected(sender.send("+61412345678", body));
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.definite).toBe(true);
  });
});
