// better-auth 1.7.25 with its two-factor plugin, as its documentation sets it up:
// email + password on better-sqlite3, node:http through toNodeHandler. Started by
// bench/run-peer.js, never by the project. Only two things differ from the defaults,
// both said in the report: the rate limiter is off (its default allows 3 sign-ins per
// 10 s per address, and every simulated person signs in from 127.0.0.1) and telemetry
// stays off. BENCH_PEER_WAL=1 also puts its SQLite file in WAL mode, as Vestibule's is.
//
// /bench/* are the bench's own untimed helpers, answered before better-auth sees the
// request: seeding users with TOTP on (better-auth's internal adapter, its own
// hashPassword and symmetricEncrypt, so its tables hold what enabling 2FA writes) and
// preparing pending two-factor sign-ins the way its sign-in hook does.
import { randomBytes } from "node:crypto";
import http from "node:http";
import { betterAuth } from "better-auth";
import { hashPassword, symmetricEncrypt } from "better-auth/crypto";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import { twoFactor } from "better-auth/plugins/two-factor";
import { serializeSignedCookie } from "better-call";
import Database from "better-sqlite3";

const { PORT, PEER_DB_FILE, PEER_SECRET } = process.env;
const baseURL = `http://127.0.0.1:${PORT}`;
const sqlite = new Database(PEER_DB_FILE);
if (process.env.BENCH_PEER_WAL === "1") sqlite.pragma("journal_mode = WAL");

const auth = betterAuth({
  appName: "bench-peer",
  baseURL,
  secret: PEER_SECRET,
  database: sqlite,
  emailAndPassword: { enabled: true },
  plugins: [twoFactor()],
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();
const context = await auth.$context;
const handler = toNodeHandler(auth);

/** `count` users `${prefix}NNNNNN@bench.test` with TOTP confirmed; one shared password hash. */
async function seed({ prefix, count, password }) {
  const hash = await hashPassword(password);
  const users = [];
  for (let i = 0; i < count; i++) {
    const email = `${prefix}${String(i).padStart(6, "0")}@bench.test`;
    const user = await context.internalAdapter.createUser({
      email,
      name: email,
      emailVerified: true,
      twoFactorEnabled: true,
    });
    await context.internalAdapter.linkAccount({
      userId: user.id,
      providerId: "credential",
      accountId: user.id,
      password: hash,
    });
    // As /two-factor/enable: a 32-character random secret, sealed with the app secret.
    const secret = randomBytes(24).toString("base64url").slice(0, 32);
    await context.adapter.create({
      model: "twoFactor",
      data: {
        secret: await symmetricEncrypt({ key: context.secretConfig, data: secret }),
        backupCodes: await symmetricEncrypt({ key: context.secretConfig, data: "[]" }),
        userId: user.id,
        verified: true,
      },
    });
    users.push({ id: user.id, email, secret });
  }
  return users;
}

/**
 * Pending two-factor sign-ins, as the two-factor plugin's sign-in hook leaves them: a
 * verification value `2fa-…` naming the user, its attempt counter, and the signed
 * `two_factor` cookie. Answers the Cookie header value for each.
 */
async function pending({ userIds }) {
  const cookieName = context.createAuthCookie("two_factor").name;
  const expiresAt = new Date(Date.now() + 600_000);
  const cookies = [];
  for (const userId of userIds) {
    const identifier = `2fa-${randomBytes(15).toString("base64url")}`;
    await context.internalAdapter.createVerificationValue({ value: userId, identifier, expiresAt });
    await context.internalAdapter.createVerificationValue({
      value: "0",
      identifier: `2fa-attempts-${identifier}`,
      expiresAt,
    });
    const line = await serializeSignedCookie(cookieName, identifier, context.secret);
    cookies.push(line.split(";", 1)[0]);
  }
  return { cookieName, cookies };
}

const helpers = { "/bench/seed": seed, "/bench/pending": pending };

http
  .createServer((req, res) => {
    const helper = helpers[req.url];
    if (helper && req.method === "POST") {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", async () => {
        try {
          const out = await helper(JSON.parse(body));
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
        } catch (err) {
          res.writeHead(500).end(String(err?.stack ?? err));
        }
      });
      return;
    }
    if (req.url === "/bench/ok") return res.writeHead(200).end("ok");
    return handler(req, res);
  })
  .listen(Number(PORT), "127.0.0.1");
