import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { rejected } from "../../test/support/delivery.js";
import { startSmtpServer, type TestSmtpServer } from "../../test/support/smtp.js";
import { codeEmail } from "./messages.js";
import { createSmtpMailer } from "./smtp.js";

const FROM = "Vestibule <no-reply@vestibule.test>";
const email = {
  to: "bob@example.test",
  ...codeEmail("en", { appName: "Vestibule", code: "493817", minutes: 10 }),
};

let smtp: TestSmtpServer | undefined;
let silent: Server | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  silent = undefined;
});

describe("createSmtpMailer", () => {
  it("delivers text and html with the right headers through a real SMTP server", async () => {
    smtp = await startSmtpServer({ auth: { user: "mailer", pass: "s3cret pass" } });
    await createSmtpMailer({ url: smtp.url, from: FROM }).send(email);

    const mail = await smtp.waitFor((m) => m.envelopeTo.includes("bob@example.test"));
    expect(mail.envelopeFrom).toBe("no-reply@vestibule.test");
    expect(mail.from).toBe("no-reply@vestibule.test");
    expect(mail.fromName).toBe("Vestibule");
    expect(mail.to).toBe("bob@example.test");
    expect(mail.subject).toBe("Your Vestibule verification code");
    expect(mail.text).toContain("493817");
    expect(mail.html).toContain("493817");
  });

  it("rejects with DeliveryError on wrong credentials, naming the status but no code", async () => {
    smtp = await startSmtpServer({ auth: { user: "mailer", pass: "right" } });
    const url = smtp.url.replace(":right@", ":wrong@");
    const error = await rejected(createSmtpMailer({ url, from: FROM }).send(email));
    expect(error.message).toMatch(/^SMTP 127\.0\.0\.1:\d+ failed: EAUTH .*535/);
    expect(error.message).not.toContain("wrong");
    expect(error.definite).toBe(true);
    expect(smtp.messages).toHaveLength(0);
  });

  it("rejects when the server refuses the recipient, without quoting the message", async () => {
    smtp = await startSmtpServer();
    smtp.rejectNext(550);
    const error = await rejected(createSmtpMailer({ url: smtp.url, from: FROM }).send(email));
    expect(error.message).toContain("550");
    expect(error.definite).toBe(true);
    expect(error.message).not.toContain("493817");
    expect(error.message).not.toContain("bob@example.test");
  });

  it("fails fast when nothing listens on the port", async () => {
    const port = await closedPort();
    const error = await rejected(
      createSmtpMailer({ url: `smtp://u:p@127.0.0.1:${port}`, from: FROM }).send(email),
    );
    expect(error.message).toContain(`SMTP 127.0.0.1:${port} failed`);
    expect(error.definite).toBe(true);
    expect(error.message).not.toContain("493817");
  });

  it("gives up after timeoutMs when the server accepts but never greets", async () => {
    silent = createServer(() => {});
    const port = await new Promise<number>((resolve) =>
      silent!.listen(0, "127.0.0.1", () => resolve((silent!.address() as { port: number }).port)),
    );
    const error = await rejected(
      createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM, timeoutMs: 300 }).send(email),
    );
    expect(error.message).toContain("ETIMEDOUT");
    expect(error.definite).toBe(false);
  });

  it("gives up at timeoutMs overall when every reply comes just inside the phase timeouts", async () => {
    // Each reply takes 200 ms, under the 300 ms phase timeouts; a whole send is about
    // seven replies, so without one overall deadline it would succeed after ~1.4 s.
    const slow = (reply: (line: string) => void, line: string) =>
      setTimeout(() => reply(line), 200);
    silent = createServer((socket) => {
      const write = (line: string) => {
        if (!socket.destroyed) socket.write(`${line}\r\n`);
      };
      socket.on("error", () => {});
      slow(write, "220 slow.test ESMTP");
      let inData = false;
      let buffer = "";
      socket.on("data", (chunk) => {
        buffer += chunk.toString("latin1");
        let i = buffer.indexOf("\r\n");
        while (i >= 0) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          i = buffer.indexOf("\r\n");
          if (inData) {
            if (line === ".") {
              inData = false;
              slow(write, "250 queued");
            }
            continue;
          }
          const verb = line.slice(0, 4).toUpperCase();
          if (verb === "EHLO" || verb === "HELO") slow(write, "250 slow.test");
          else if (verb === "DATA") {
            inData = true;
            slow(write, "354 go on");
          } else if (verb === "QUIT") slow(write, "221 bye");
          else slow(write, "250 ok");
        }
      });
    });
    const port = await new Promise<number>((resolve) =>
      silent!.listen(0, "127.0.0.1", () => resolve((silent!.address() as { port: number }).port)),
    );
    const error = await rejected(
      createSmtpMailer({
        url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
        from: FROM,
        timeoutMs: 300,
      }).send(email),
    );
    expect(error.message).toContain("ETIMEDOUT");
    expect(error.definite).toBe(false);
    // The same server does deliver when the deadline allows it (the test server is sound).
    await createSmtpMailer({
      url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
      from: FROM,
      timeoutMs: 5000,
    }).send(email);
  });

  it("refuses a URL that is not smtp:// or smtps:// at startup", () => {
    expect(() => createSmtpMailer({ url: "http://mail.example.test", from: FROM })).toThrow(
      /smtp:\/\//,
    );
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
