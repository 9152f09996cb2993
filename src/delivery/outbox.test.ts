import { describe, expect, it } from "vitest";
import { createOutbox } from "./outbox.js";

describe("createOutbox", () => {
  it("keeps emails and SMS newest first, with the time of sending", async () => {
    let now = 1_000;
    const outbox = createOutbox(10, { now: () => now });
    await outbox.mailer.send({ to: "bob@example.test", subject: "Code", text: "111111", html: "" });
    now = 2_000;
    await outbox.sms.send("+61412345678", "222222 is your code");

    const [latest, first] = outbox.list();
    expect(latest).toMatchObject({ channel: "sms", to: "+61412345678", at: 2_000 });
    expect(latest?.subject).toBeUndefined();
    expect(first).toMatchObject({
      channel: "email",
      to: "bob@example.test",
      subject: "Code",
      body: "111111",
      at: 1_000,
    });
    expect(latest?.id).not.toBe(first?.id);
  });

  it("drops the oldest messages beyond its limit", async () => {
    const outbox = createOutbox(3);
    for (let i = 1; i <= 5; i++) await outbox.sms.send("+61412345678", `message ${i}`);
    expect(outbox.list().map((m) => m.body)).toEqual(["message 5", "message 4", "message 3"]);
  });

  it("hands out copies, and clears", async () => {
    const outbox = createOutbox();
    await outbox.sms.send("+61412345678", "hello");
    const listed = outbox.list();
    listed.pop();
    expect(outbox.list()).toHaveLength(1);
    outbox.clear();
    expect(outbox.list()).toEqual([]);
  });
});
