import { randomBytes, randomInt } from "node:crypto";
import { sql } from "kysely";
import { createPasswordHasher } from "../../dist/core/password.js";
import { setEnabledMethods } from "../../dist/core/policy.js";
import {
  createSecretBox,
  deriveKey,
  hashToken,
  hmacHex,
  keyId,
  newToken,
  totpSecretAad,
} from "../../dist/core/secrets.js";
import { generateTotpSecret } from "../../dist/core/totp.js";
import { migrate, openDatabase } from "../../dist/store/open.js";

const random = { bytes: (n) => randomBytes(n), int: (max) => randomInt(max) };
const BATCH = 400;

/**
 * The bench's handle on the database, with the same keys as the server (SECRET_KEY):
 * it seeds users whose password and TOTP secrets the load generator knows, sealed
 * exactly as the server seals them (system.ts: HKDF "totp-secret-box", AES-256-GCM).
 */
export async function openSeeder(databaseUrl, secretKey) {
  // Bulk seeding (a million rows) outlasts the server's 5 s query timeout.
  const opened = openDatabase(databaseUrl, { queryTimeoutMs: 600_000 });
  await migrate(opened);
  const boxKey = deriveKey(secretKey, "totp-secret-box");
  const box = createSecretBox([{ id: keyId(boxKey), key: boxKey }], random);
  const csrfKey = deriveKey(secretKey, "csrf");
  await setEnabledMethods(opened.stores.settings, ["app"]);
  let passwordHash;

  return {
    opened,
    /** argon2id with the server's parameters, once: every seeded user shares the hash. */
    async passwordHash(password) {
      if (!passwordHash) {
        const hasher = await createPasswordHasher({ maxConcurrent: 1 });
        passwordHash = await hasher.hash(password);
      }
      return passwordHash;
    },

    /** `count` users named `${prefix}NNNNNN`, each with a confirmed authenticator. */
    async seedUsers(prefix, count, password) {
      const hash = await this.passwordHash(password);
      const now = Date.now();
      const users = [];
      for (let i = 0; i < count; i++) {
        const secret = generateTotpSecret(random);
        const username = `${prefix}${String(i).padStart(6, "0")}`;
        // last_step 1: "confirmed long ago", so every current step is newer.
        users.push({ id: `bench-${username}`, username, secret, lastStep: 1 });
      }
      await opened.db.transaction().execute(async (trx) => {
        for (let i = 0; i < users.length; i += BATCH) {
          const chunk = users.slice(i, i + BATCH);
          await trx
            .insertInto("users")
            .values(chunk.map((u) => userRow(u.id, u.username, hash, now)))
            .execute();
          await trx
            .insertInto("authenticators")
            .values(
              chunk.map((u) => ({
                user_id: u.id,
                secret_box: box.seal(u.secret, totpSecretAad(u.id)),
                confirmed_at: now,
                last_step: 1,
                created_at: now,
              })),
            )
            .execute();
        }
      });
      return users;
    },

    /**
     * Bulk users for the 1,000 vs 1,000,000 comparison, in one statement each for
     * users and authenticators: generate_series on PostgreSQL, a recursive CTE on
     * SQLite. They share one password hash and one known TOTP secret.
     */
    async bulkUsers(prefix, from, to, password) {
      const hash = await this.passwordHash(password);
      const secret = generateTotpSecret(random);
      // Each box is bound to its user (AAD), so the bulk rows get a placeholder and
      // the users the bench signs in as are sealed properly by reseal().
      const sealed = "v1.placeholder";
      const now = Date.now();
      const series =
        opened.dialect === "postgres"
          ? sql`select n from generate_series(${from}::int, ${to}::int) as n`
          : sql`select n from (with recursive s(n) as (select cast(${from} as integer) union all select n + 1 from s where n < ${to}) select n from s)`;
      const name = sql`${prefix} || n`;
      await opened.db.transaction().execute(async (trx) => {
        await sql`insert into users (id, username, role, password_hash, must_change_password, active, created_at)
          select ${"bench-"} || ${name}, ${name}, 'user', ${hash}, 0, 1, ${now} from (${series}) as seq`.execute(
          trx,
        );
        await sql`insert into authenticators (user_id, secret_box, confirmed_at, last_step, created_at)
          select ${"bench-"} || ${name}, ${sealed}, ${now}, 1, ${now} from (${series}) as seq`.execute(
          trx,
        );
      });
      if (opened.dialect === "postgres") await sql`analyze`.execute(opened.db);
      return {
        secret,
        username: (n) => `${prefix}${n}`,
        reseal: async (numbers) => {
          await opened.db.transaction().execute(async (trx) => {
            for (const n of numbers) {
              const id = `bench-${prefix}${n}`;
              await trx
                .updateTable("authenticators")
                .set({ secret_box: box.seal(secret, totpSecretAad(id)) })
                .where("user_id", "=", id)
                .execute();
            }
          });
        },
      };
    },

    /**
     * Flows at the verification screen, as the password step leaves them (core/flow/flow.ts
     * enterNextStep → flows.create), without spending an argon2 hash on each: the cookie
     * token, and the CSRF token bound to it (web/http.ts).
     */
    async pendingSignIns(user, count, ttlMs = 600_000) {
      const now = Date.now();
      for (let i = 0; i < count; i++) {
        const token = newToken(random);
        await opened.stores.flows.create({
          idHash: hashToken(token),
          userId: user.id,
          purpose: "signin",
          state: "verify",
          continuation: { kind: "home" },
          sessionIdHash: null,
          createdAt: now,
          expiresAt: now + ttlMs,
          failedCodes: 0,
        });
        user.flows.push({ token, csrf: hmacHex(csrfKey, `c:${token}`) });
      }
    },

    async userCount() {
      const row = await opened.db
        .selectFrom("users")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    close: () => opened.close(),
  };
}

function userRow(id, username, passwordHash, now) {
  return {
    id,
    username,
    display_name: null,
    email: null,
    phone: null,
    role: "user",
    password_hash: passwordHash,
    must_change_password: 0,
    active: 1,
    created_at: now,
    last_sign_in_at: null,
  };
}
