// Security review: in production a plain-text SMTP server (or a network that strips the
// STARTTLS offer) must not receive codes in clear; and a failure after DATA may have
// delivered, so it is never a definite refusal.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { rejected } from "../../test/support/delivery.js";
import { startSmtpServer, type TestSmtpServer } from "../../test/support/smtp.js";
import { loadDeliveryConfig } from "./config.js";
import { codeEmail } from "./messages.js";
import { createSmtpMailer } from "./smtp.js";

const FROM = "Vestibule <no-reply@vestibule.test>";
const email = {
  to: "bob@example.test",
  ...codeEmail("en", { appName: "Vestibule", code: "493817", minutes: 10 }),
};

let smtp: TestSmtpServer | undefined;
let other: SMTPServer | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
  await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()));
  other = undefined;
});

describe("STARTTLS required in production", () => {
  it("production config requires TLS; development does not", () => {
    const env = { SMTP_URL: "smtp://mail.example.test:587", MAIL_FROM: FROM };
    expect(loadDeliveryConfig(env, true).smtp?.requireTls).toBe(true);
    expect(loadDeliveryConfig(env, false).smtp?.requireTls).toBe(false);
  });

  it("a server without STARTTLS gets nothing: a definite DeliveryError", async () => {
    // The test server offers no STARTTLS, as a downgrading network would make it look.
    smtp = await startSmtpServer();
    const config = loadDeliveryConfig({ SMTP_URL: smtp.url, MAIL_FROM: FROM }, true);
    const mailer = createSmtpMailer({ ...config.smtp!, timeoutMs: 2000 });
    const error = await rejected(mailer.send(email));
    expect(error.message).toContain("ETLS");
    expect(error.message).not.toContain("493817");
    expect(error.definite).toBe(true);
    expect(smtp.messages).toHaveLength(0);
  });

  it("?requireTLS=false in SMTP_URL is the operator's explicit opt-out", async () => {
    smtp = await startSmtpServer();
    const url = `${smtp.url}?requireTLS=false`;
    const config = loadDeliveryConfig({ SMTP_URL: url, MAIL_FROM: FROM }, true);
    await createSmtpMailer({ ...config.smtp!, timeoutMs: 2000 }).send(email);
    expect(smtp.messages).toHaveLength(1);
  });

  it("outside production an unencrypted server still works (development)", async () => {
    smtp = await startSmtpServer();
    const config = loadDeliveryConfig({ SMTP_URL: smtp.url, MAIL_FROM: FROM }, false);
    await createSmtpMailer({ ...config.smtp!, timeoutMs: 2000 }).send(email);
    expect(smtp.messages).toHaveLength(1);
  });
});

describe("a refusal after DATA is not definite", () => {
  it("451 after the message was sent: may have been delivered, so definite is false", async () => {
    other = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, _session, callback) {
        stream.resume();
        stream.on("end", () =>
          callback(Object.assign(new Error("try later"), { responseCode: 451 })),
        );
      },
    });
    const port = await new Promise<number>((resolve) =>
      other!.listen(0, "127.0.0.1", () => resolve((other!.server.address() as AddressInfo).port)),
    );
    const mailer = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM });
    const error = await rejected(mailer.send(email));
    expect(error.message).toContain("451");
    expect(error.definite).toBe(false);
  });
});
