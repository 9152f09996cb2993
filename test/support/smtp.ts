import type { AddressInfo } from "node:net";
import { type AddressObject, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { createRecorder } from "./recorder.js";

export interface ReceivedMail {
  /** SMTP envelope, as the client gave it in MAIL FROM / RCPT TO. */
  envelopeFrom: string;
  envelopeTo: string[];
  /** Addresses from the From and To headers (several To addresses joined by ", "). */
  from: string;
  fromName: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  raw: string;
}

export interface TestSmtpServer {
  /** smtp://[user:pass@]127.0.0.1:PORT, ready for createSmtpMailer. */
  url: string;
  messages: ReceivedMail[];
  waitFor(predicate?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** The next RCPT TO is refused with this SMTP reply code (default 550). */
  rejectNext(responseCode?: number): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server) on loopback. No STARTTLS, so nodemailer's opportunistic
 * TLS stays plain; with `auth`, the URL carries the credentials and wrong ones are refused.
 */
export async function startSmtpServer(
  options: { auth?: { user: string; pass: string } } = {},
): Promise<TestSmtpServer> {
  const recorder = createRecorder<ReceivedMail>("email");
  let rejectCode: number | undefined;
  const server = new SMTPServer({
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.auth?.user && auth.password === options.auth?.pass;
      if (!ok) return callback(new Error("Invalid username or password"));
      callback(null, { user: auth.username });
    },
    onRcptTo(_address, _session, callback) {
      if (rejectCode === undefined) return callback();
      const error = Object.assign(new Error("Recipient refused"), { responseCode: rejectCode });
      rejectCode = undefined;
      callback(error);
    },
    onData(stream, session, callback) {
      // The client's send resolves only after this callback, so a test can read
      // `messages` right after `await mailer.send(...)`.
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw).then(
          (parsed) => {
            recorder.add({
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              from: parsed.from?.value[0]?.address ?? "",
              fromName: parsed.from?.value[0]?.name ?? "",
              to: addresses(parsed.to),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: typeof parsed.html === "string" ? parsed.html : "",
              raw,
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const credentials = options.auth
    ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@`
    : "";
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    messages: recorder.items,
    waitFor: recorder.waitFor,
    rejectNext(responseCode = 550): void {
      rejectCode = responseCode;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function addresses(value: AddressObject | AddressObject[] | undefined): string {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((object) => object.value.map((entry) => entry.address ?? "")).join(", ");
}
