import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAudit } from "../core/audit.js";
import { DeliveryError } from "../core/ports/delivery.js";
import { migrate, type OpenedDatabase, openDatabase } from "../store/open.js";
import { createNoticeSender, retryDelayMs } from "./notices.js";

const NOW = Date.UTC(2030, 0, 1);

describe("the outbox's sender", () => {
  let opened: OpenedDatabase;
  let now = NOW;
  const clock = { now: () => now };
  const mails: string[] = [];
  const texts: string[] = [];
  let failures = 0;

  beforeEach(async () => {
    opened = openDatabase("sqlite::memory:");
    await migrate(opened);
    now = NOW;
    mails.length = 0;
    texts.length = 0;
    failures = 0;
  });
  afterEach(async () => {
    await opened.close();
  });

  const sender = (channels: { mail?: boolean; sms?: boolean } = { mail: true, sms: true }) =>
    createNoticeSender({
      outbox: opened.stores.outbox,
      mailer: channels.mail
        ? {
            async send(m) {
              if (failures > 0) {
                failures--;
                throw new DeliveryError("smtp: 451 try later");
              }
              mails.push(m.to);
            },
          }
        : undefined,
      sms: channels.sms
        ? {
            async send(to, body) {
              texts.push(`${to}: ${body}`);
            },
          }
        : undefined,
      clock,
      audit: createAudit(opened.stores.audit, clock),
    });

  const queue = (to: string, channel: "email" | "sms" = "email") =>
    opened.stores.outbox.enqueue(
      { kind: "user_changed", userId: "u1", channel, to, subject: "s", text: "body-7f3a" },
      now,
    );

  it("sends by each channel and empties the outbox", async () => {
    await queue("a@example.test");
    await queue("+61412345678", "sms");
    expect(await sender().drain()).toBe(2);
    expect(mails).toEqual(["a@example.test"]);
    expect(texts).toEqual(["+61412345678: body-7f3a"]);
    expect(await opened.stores.outbox.pending()).toEqual([]);
  });

  it("retries later, waiting longer each time, until it is sent; each failure audited", async () => {
    await queue("b@example.test");
    failures = 3;
    const s = sender();
    expect(await s.drain()).toBe(0);
    expect(retryDelayMs(0)).toBe(30_000);
    now += 29_000;
    expect(await s.drain()).toBe(0); // not due yet: nothing tried
    now += 1000;
    expect(await s.drain()).toBe(0); // second failure: next in a minute
    now += 60_000;
    expect(await s.drain()).toBe(0); // third: next in two
    now += 120_000;
    expect(await s.drain()).toBe(1);
    expect(mails).toEqual(["b@example.test"]);
    const failed = await opened.stores.audit.list({ type: "notice_send_failed", limit: 10 });
    expect(failed.map((e) => e.detail.attempt)).toEqual([3, 2, 1]);
    expect(JSON.stringify(failed)).not.toContain("body-7f3a");
    expect(retryDelayMs(20)).toBe(3_600_000);
  });

  it("a channel without a provider keeps its messages for when there is one", async () => {
    await queue("+61412345678", "sms");
    expect(await sender({ mail: true }).drain()).toBe(0);
    expect(await opened.stores.outbox.pending()).toMatchObject([{ attempts: 1 }]);
    now += 30_000;
    expect(await sender().drain()).toBe(1);
  });

  it("drains called at once share one pass and send each message once", async () => {
    for (let i = 0; i < 5; i++) await queue(`c${i}@example.test`);
    const s = sender();
    const results = await Promise.all([s.drain(), s.drain(), s.drain()]);
    expect(results.every((n) => n === 5)).toBe(true);
    expect(mails.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `c${i}@example.test`));
  });

  it("start sends what was queued before (a restart); stop waits for a pass in progress", async () => {
    await queue("d@example.test");
    const s = sender();
    s.start(60_000);
    await s.stop();
    expect(mails).toEqual(["d@example.test"]);
  });
});
