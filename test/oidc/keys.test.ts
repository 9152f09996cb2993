// The provider's signing keys: one key however many instances start at once, sealed
// with SECRET_KEY, and the rotation procedure end to end (JWKS at each step, tokens
// signed by the promoted key verify with the JWKS, a retired key's tokens no longer do).
import type { JsonWebKey } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KeyDeps, listKeys, loadSigningKeys, rotateKeys } from "../../src/oidc/keys.js";
import { KEY_RETIRE_DELAY_SECONDS } from "../../src/oidc/lifetimes.js";
import { oidcBox } from "../../src/oidc/sealing.js";
import { migrate, type OpenedDatabase, openDatabase } from "../../src/store/open.js";
import { systemRandom } from "../../src/system.js";
import {
  createTestDatabase,
  probeServices,
  reportUnavailable,
  type TestDatabase,
} from "../support/services.js";
import {
  ISSUER,
  type OidcServer,
  PUBLIC_URL,
  startOidcServer,
  TEST_SECRET,
} from "./support/oidc-server.js";
import { authorize, exchange, relyingParty } from "./support/relying-party.js";

const box = oidcBox([TEST_SECRET], "oidc-key", systemRandom);

function keysContract(label: string, handles: () => OpenedDatabase[]) {
  describe(label, () => {
    it("five instances starting at once create one signing key, and all sign with it", async () => {
      const deps = handles().map((h): KeyDeps => ({ db: h.db, box }));
      const loaded = await Promise.all(
        Array.from({ length: 5 }, (_, i) => loadSigningKeys(deps[i % deps.length]!, Date.now())),
      );
      const keys = await listKeys(deps[0]!.db);
      expect(keys.map((k) => k.state)).toEqual(["current"]);
      for (const jwks of loaded) expect(jwks.map((k) => k.kid)).toEqual([keys[0]!.kid]);
    });

    it("two rotations at once: one publishes, the other is told to look and run again", async () => {
      const [a, b] = handles().map((h): KeyDeps => ({ db: h.db, box }));
      const results = await Promise.all([
        rotateKeys(a!, Date.now()),
        rotateKeys(b ?? a!, Date.now()),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: "concurrent_rotation" });
      expect((await listKeys(a!.db)).map((k) => k.state)).toEqual(["current", "next"]);
    });

    it("the private key is sealed: no private parameter in the row, and another SECRET_KEY cannot open it", async () => {
      const [h] = handles();
      const rows = await h!.db.selectFrom("oidc_keys").selectAll().execute();
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        // Our sealed format and nothing else: v1.<key id>.<iv>.<tag>.<ciphertext>, base64url
        // parts, so no JSON member, PEM header or other text can sit beside the ciphertext.
        expect(row.private_box).toMatch(
          /^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/,
        );
        // It holds the private key, and none of the key's private values appears in the row
        // (each is at least 128 bytes: random ciphertext cannot contain one by chance).
        const jwk = JSON.parse(box.open(row.private_box, `oidc-key:${row.kid}`)) as JsonWebKey;
        expect(jwk.kty).toBe("RSA");
        const secrets = [jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi];
        for (const value of secrets) {
          expect(value?.length).toBeGreaterThanOrEqual(128);
          expect(row.private_box).not.toContain(value!);
        }
      }
      const otherBox = oidcBox(
        ["another-secret-key-0123456789abcdefghij"],
        "oidc-key",
        systemRandom,
      );
      await expect(loadSigningKeys({ db: h!.db, box: otherBox }, Date.now())).rejects.toThrow(
        /SECRET_KEY_PREVIOUS/,
      );
    });
  });
}

describe("SQLite", () => {
  let dir = "";
  const opened: OpenedDatabase[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vestibule-oidc-keys-"));
    const url = `sqlite:${join(dir, "v.db")}`;
    opened.push(openDatabase(url), openDatabase(url));
    await migrate(opened[0]!);
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    rmSync(dir, { recursive: true, force: true });
  });
  keysContract("signing keys on SQLite", () => opened);
});

const services = await probeServices();
reportUnavailable(services, "oidc signing keys on PostgreSQL", ["postgres"]);

describe.runIf(services.postgres)("PostgreSQL", () => {
  let database: TestDatabase;
  const opened: OpenedDatabase[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    for (let i = 0; i < 5; i++) opened.push(openDatabase(database.url, { poolSize: 2 }));
    await migrate(opened[0]!);
  });
  afterAll(async () => {
    for (const o of opened) await o.close();
    await database?.drop();
  });
  keysContract("signing keys on PostgreSQL (five pools)", () => opened);
});

describe("rotation end to end, with restarts between the steps", () => {
  let server: OidcServer;
  beforeAll(async () => {
    server = await startOidcServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const deps = (): KeyDeps => ({ db: server.system.database.db, box });
  const jwks = async (s: OidcServer) =>
    (await (await s.fetch(`${PUBLIC_URL}/oidc/jwks`)).json()) as JSONWebKeySet;
  const kids = async (s: OidcServer) => (await jwks(s)).keys.map((k) => k.kid);
  const idToken = async (s: OidcServer) => {
    const user = await s.addUser(`k${Math.random().toString(36).slice(2, 10)}`);
    const rp = await relyingParty(s, await s.addClient({}));
    const tokens = await exchange(rp, await authorize(rp, s.browser(), { user }));
    return { token: tokens.id_token!, audience: rp.clientId };
  };
  const verifies = async (s: OidcServer, t: { token: string; audience: string }) =>
    jwtVerify(t.token, createLocalJWKSet(await jwks(s)), {
      issuer: ISSUER,
      audience: t.audience,
    }).then(
      () => true,
      () => false,
    );
  const signer = (t: { token: string }) => decodeProtectedHeader(t.token).kid;

  it("publish → restart → promote → restart → retire (not before the ID token lifetime) → restart", async () => {
    const [first] = await listKeys(deps().db);
    expect(await kids(server)).toEqual([first!.kid]);
    for (const key of (await jwks(server)).keys) expect(key).not.toHaveProperty("d");
    const before = await idToken(server);
    expect(signer(before)).toBe(first!.kid);

    // 1. Publish: in the JWKS after a restart, not signing yet.
    const published = await rotateKeys(deps(), Date.now());
    expect(published).toMatchObject({ ok: true, step: "published" });
    const next = (published as { kid: string }).kid;
    expect(await kids(server)).toEqual([first!.kid]);
    server = await server.restart();
    expect(await kids(server)).toEqual([first!.kid, next]);
    expect(signer(await idToken(server))).toBe(first!.kid);

    // 2. Promote: signs after the restart; the old key stays published for its tokens.
    const promotedAt = Date.now();
    expect(await rotateKeys(deps(), promotedAt)).toEqual({ ok: true, step: "promoted", kid: next });
    server = await server.restart();
    expect(await kids(server)).toEqual([next, first!.kid]);
    const after = await idToken(server);
    expect(signer(after)).toBe(next);
    expect(await verifies(server, after)).toBe(true);
    expect(await verifies(server, before)).toBe(true);

    // 3. Retire: refused while ID tokens signed by the old key may still be checked.
    expect(await rotateKeys(deps(), promotedAt + 1000)).toMatchObject({
      ok: false,
      reason: "retire_too_soon",
    });
    const later = promotedAt + KEY_RETIRE_DELAY_SECONDS * 1000 + 1000;
    expect(await rotateKeys(deps(), later)).toEqual({ ok: true, step: "retired", kid: first!.kid });
    server = await server.restart();
    expect(await kids(server)).toEqual([next]);
    expect(await verifies(server, after)).toBe(true);
    expect(await verifies(server, before)).toBe(false);

    // And the cycle starts again.
    expect(await rotateKeys(deps(), later)).toMatchObject({ ok: true, step: "published" });
    expect(server.serverErrors).toEqual([]);
  });
});
