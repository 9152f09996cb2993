import { generateKeyPair as generateKeyPairCallback, type JsonWebKey } from "node:crypto";
import { promisify } from "node:util";
import { calculateJwkThumbprint } from "jose";
import type { Kysely } from "kysely";
import { ConfigError } from "../config-env.js";
import type { SecretBox } from "../core/secrets.js";
import type { Database } from "../store/schema.js";
import { KEY_RETIRE_DELAY_SECONDS } from "./lifetimes.js";

// The provider's RS256 signing keys live in oidc_keys, sealed with SECRET_KEY, so every
// instance signs with the same key. Each key is in one state; at most one key per state
// (a unique index):
//   current   signs, and is published in the JWKS
//   next      published in the JWKS, does not sign yet
//   previous  published in the JWKS for tokens it signed, does not sign
// `vestibule oidc keys rotate` moves one step each run (docs/oidc.md):
//   {current}            → publish:  a new key becomes next
//   {current, next}      → promote:  next becomes current, current becomes previous
//   {current, previous}  → retire:   previous is deleted
// Instances read the keys at start, hence a restart of every instance between steps.

export type KeyState = "current" | "next" | "previous";

export interface StoredKey {
  kid: string;
  state: KeyState;
  createdAt: number;
  promotedAt: number | null;
}

export interface KeyDeps {
  db: Kysely<Database>;
  box: SecretBox;
}

const generateKeyPair = promisify(generateKeyPairCallback);
const STATE_ORDER: KeyState[] = ["current", "next", "previous"];

function keyAad(kid: string): string {
  return `oidc-key:${kid}`;
}

async function newPrivateJwk(): Promise<JsonWebKey & { kid: string }> {
  const { privateKey } = await generateKeyPair("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  const kid = await calculateJwkThumbprint({ kty: "RSA", e: jwk.e, n: jwk.n }, "sha256");
  return { ...jwk, kid, alg: "RS256", use: "sig" };
}

async function insertKey(deps: KeyDeps, state: KeyState, now: number): Promise<string | null> {
  const jwk = await newPrivateJwk();
  // ON CONFLICT (state) DO NOTHING: of N instances starting at once (or two rotations),
  // one insert lands and the others change nothing.
  const result = await deps.db
    .insertInto("oidc_keys")
    .values({
      kid: jwk.kid,
      state,
      private_box: deps.box.seal(JSON.stringify(jwk), keyAad(jwk.kid)),
      created_at: now,
      promoted_at: state === "current" ? now : null,
    })
    .onConflict((oc) => oc.column("state").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1 ? jwk.kid : null;
}

export async function listKeys(db: Kysely<Database>): Promise<StoredKey[]> {
  const rows = await db.selectFrom("oidc_keys").selectAll().execute();
  return rows
    .map((r) => ({
      kid: r.kid,
      state: r.state as KeyState,
      createdAt: Number(r.created_at),
      promotedAt: r.promoted_at === null ? null : Number(r.promoted_at),
    }))
    .sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state));
}

/**
 * The private JWKS for the provider's `jwks` option, the signing key first: oidc-provider
 * signs with the first key that fits and publishes all of them. Creates the first key
 * when there is none.
 */
export async function loadSigningKeys(deps: KeyDeps, now: number): Promise<JsonWebKey[]> {
  await insertKey(deps, "current", now);
  const rows = await deps.db.selectFrom("oidc_keys").selectAll().execute();
  rows.sort(
    (a, b) => STATE_ORDER.indexOf(a.state as KeyState) - STATE_ORDER.indexOf(b.state as KeyState),
  );
  return rows.map((r) => {
    try {
      return JSON.parse(deps.box.open(r.private_box, keyAad(r.kid))) as JsonWebKey;
    } catch {
      throw new ConfigError(
        `the OpenID Connect signing key ${r.kid} does not open with SECRET_KEY: was SECRET_KEY changed? Put the old one in SECRET_KEY_PREVIOUS`,
      );
    }
  });
}

export type RotationResult =
  | { ok: true; step: "published" | "promoted" | "retired"; kid: string }
  | { ok: false; reason: "retire_too_soon"; retireAfter: number }
  | { ok: false; reason: "concurrent_rotation" };

class LostRace extends Error {}

/** One step of the rotation (see the top of this file); `now` in milliseconds. */
export async function rotateKeys(deps: KeyDeps, now: number): Promise<RotationResult> {
  const keys = await listKeys(deps.db);
  const current = keys.find((k) => k.state === "current");
  const next = keys.find((k) => k.state === "next");
  const previous = keys.find((k) => k.state === "previous");
  if (!current) {
    const kid = await insertKey(deps, "current", now);
    return kid
      ? { ok: true, step: "published", kid }
      : { ok: false, reason: "concurrent_rotation" };
  }
  if (previous) {
    const retireAfter = (current.promotedAt ?? current.createdAt) + KEY_RETIRE_DELAY_SECONDS * 1000;
    if (now < retireAfter) return { ok: false, reason: "retire_too_soon", retireAfter };
    const result = await deps.db
      .deleteFrom("oidc_keys")
      .where("kid", "=", previous.kid)
      .where("state", "=", "previous")
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1
      ? { ok: true, step: "retired", kid: previous.kid }
      : { ok: false, reason: "concurrent_rotation" };
  }
  if (!next) {
    const kid = await insertKey(deps, "next", now);
    return kid
      ? { ok: true, step: "published", kid }
      : { ok: false, reason: "concurrent_rotation" };
  }
  try {
    await deps.db.transaction().execute(async (trx) => {
      // Two statements in this order: the unique state index allows one key per state.
      const demoted = await trx
        .updateTable("oidc_keys")
        .set({ state: "previous" })
        .where("kid", "=", current.kid)
        .where("state", "=", "current")
        .executeTakeFirst();
      const promoted = await trx
        .updateTable("oidc_keys")
        .set({ state: "current", promoted_at: now })
        .where("kid", "=", next.kid)
        .where("state", "=", "next")
        .executeTakeFirst();
      if (Number(demoted.numUpdatedRows) !== 1 || Number(promoted.numUpdatedRows) !== 1) {
        throw new LostRace();
      }
    });
  } catch (err) {
    if (err instanceof LostRace) return { ok: false, reason: "concurrent_rotation" };
    throw err;
  }
  return { ok: true, step: "promoted", kid: next.kid };
}
