// The oidc-provider adapter contract, run against SQLite and PostgreSQL
// (adapter.test.ts): two storages on two connections to one database, as two instances.
import { errors } from "oidc-provider";
import { describe, expect, it } from "vitest";
import type { OidcStorage } from "../../src/oidc/adapter.js";
import type { fixedClock } from "../support/harness.js";

export interface AdapterUnderTest {
  storage: OidcStorage;
  /** The same database through another connection (pool). */
  other: OidcStorage;
  clock: ReturnType<typeof fixedClock>;
  /** Rows of oidc_models, for checks the adapter does not expose. */
  count(where?: { model?: string; grantId?: string }): Promise<number>;
}

let n = 0;
const id = (prefix: string) => `${prefix}-${++n}-${Math.random().toString(36).slice(2)}`;

export function adapterContract(name: string, sut: () => AdapterUnderTest): void {
  describe(`oidc adapter contract (${name})`, () => {
    it("stores and finds a payload; upsert replaces it and keeps the lookup columns", async () => {
      const { storage, other } = sut();
      const session = storage.adapter("Session");
      const sid = id("s");
      const uid = id("uid");
      await session.upsert(sid, { jti: sid, uid, accountId: "u1", kind: "Session" }, 60);
      expect(await other.adapter("Session").find(sid)).toEqual({
        jti: sid,
        uid,
        accountId: "u1",
        kind: "Session",
      });
      expect(await other.adapter("Session").findByUid(uid)).toMatchObject({ jti: sid });
      await session.upsert(sid, { jti: sid, uid, accountId: "u1", kind: "Session", x: 1 }, 60);
      expect(await storage.adapter("Session").find(sid)).toMatchObject({ x: 1 });
      // The model is part of the key: the same id under another model is another row.
      expect(await storage.adapter("AccessToken").find(sid)).toBeUndefined();
    });

    it("an expired row is not found and is swept; a live one stays", async () => {
      const { storage, clock, count } = sut();
      const at = storage.adapter("AccessToken");
      const short = id("at");
      const long = id("at");
      await at.upsert(short, { jti: short, kind: "AccessToken" }, 10);
      await at.upsert(long, { jti: long, kind: "AccessToken" }, 1000);
      clock.advance(10_000);
      expect(await at.find(short)).toBeUndefined();
      expect(await at.find(long)).toMatchObject({ jti: long });
      const before = await count({ model: "AccessToken" });
      expect(await storage.sweepExpired(clock.now())).toBeGreaterThanOrEqual(1);
      expect(await count({ model: "AccessToken" })).toBeLessThan(before);
      expect(await at.find(long)).toMatchObject({ jti: long });
    });

    it("finds a device code by user_code", async () => {
      const { storage } = sut();
      const dc = id("dc");
      await storage.adapter("DeviceCode").upsert(dc, { jti: dc, userCode: `UC${dc}` }, 60);
      expect(await storage.adapter("DeviceCode").findByUserCode(`UC${dc}`)).toMatchObject({
        jti: dc,
      });
      expect(await storage.adapter("DeviceCode").findByUserCode("nope")).toBeUndefined();
    });

    it("consume marks the row (find shows `consumed`); a second consume is invalid_grant (400)", async () => {
      const { storage, other } = sut();
      const code = id("code");
      const grant = id("g");
      await storage.adapter("AuthorizationCode").upsert(code, { jti: code, grantId: grant }, 60);
      await storage.adapter("AuthorizationCode").consume(code);
      const found = await other.adapter("AuthorizationCode").find(code);
      expect(found?.consumed).toEqual(expect.any(Number));
      // Saving a consumed artefact again (the provider re-saves models) does not revive it.
      await storage.adapter("AuthorizationCode").upsert(code, { jti: code, grantId: grant }, 60);
      expect((await storage.adapter("AuthorizationCode").find(code))?.consumed).toEqual(
        expect.any(Number),
      );
      const second = await other
        .adapter("AuthorizationCode")
        .consume(code)
        .catch((e: unknown) => e);
      expect(second).toBeInstanceOf(errors.InvalidGrant);
      expect(second).toMatchObject({ statusCode: 400, error: "invalid_grant" });
    });

    it("20 concurrent consumes of one refresh token on two connections: exactly one succeeds", async () => {
      const { storage, other } = sut();
      const rt = id("rt");
      await storage.adapter("RefreshToken").upsert(rt, { jti: rt, grantId: id("g") }, 60);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? storage : other).adapter("RefreshToken").consume(rt),
        ),
      );
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      const refused = outcomes.filter((o) => o.status === "rejected");
      expect(refused).toHaveLength(19);
      for (const r of refused)
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(errors.InvalidGrant);
    });

    it("losing a consume revokes that grant (its grant row and tokens), not another grant", async () => {
      const { storage, count } = sut();
      const grant = id("g");
      const otherGrant = id("g");
      const code = id("code");
      await storage.adapter("Grant").upsert(grant, { jti: grant, accountId: "u" }, 60);
      await storage.adapter("Grant").upsert(otherGrant, { jti: otherGrant, accountId: "u" }, 60);
      await storage.adapter("AuthorizationCode").upsert(code, { jti: code, grantId: grant }, 60);
      await storage.adapter("AccessToken").upsert(id("at"), { grantId: grant }, 60);
      await storage.adapter("AccessToken").upsert(id("at"), { grantId: otherGrant }, 60);
      await storage.adapter("AuthorizationCode").consume(code);
      await expect(storage.adapter("AuthorizationCode").consume(code)).rejects.toBeInstanceOf(
        errors.InvalidGrant,
      );
      expect(await count({ grantId: grant })).toBe(0);
      expect(await storage.adapter("Grant").find(grant)).toBeUndefined();
      expect(await storage.adapter("Grant").find(otherGrant)).toMatchObject({ jti: otherGrant });
      expect(await count({ grantId: otherGrant })).toBe(1);
    });

    it("consume of a missing row is invalid_grant too", async () => {
      const { storage } = sut();
      await expect(storage.adapter("AuthorizationCode").consume(id("none"))).rejects.toBeInstanceOf(
        errors.InvalidGrant,
      );
    });

    it("destroy and revokeByGrantId remove only their rows", async () => {
      const { storage, count } = sut();
      const grant = id("g");
      const [a, b, c] = [id("rt"), id("rt"), id("at")];
      await storage.adapter("RefreshToken").upsert(a, { jti: a, grantId: grant }, 60);
      await storage.adapter("RefreshToken").upsert(b, { jti: b, grantId: id("g") }, 60);
      await storage.adapter("AccessToken").upsert(c, { jti: c, grantId: grant }, 60);
      await storage.adapter("RefreshToken").revokeByGrantId(grant);
      expect(await storage.adapter("RefreshToken").find(a)).toBeUndefined();
      expect(await storage.adapter("RefreshToken").find(b)).toMatchObject({ jti: b });
      expect(await storage.adapter("AccessToken").find(c)).toMatchObject({ jti: c });
      await storage.adapter("AccessToken").destroy(c);
      expect(await count({ grantId: grant })).toBe(0);
    });

    it("endAccount deletes that account's sessions, grants, tokens and codes, nobody else's", async () => {
      const { storage, other } = sut();
      const mine = id("acct");
      const theirs = id("acct");
      const models = ["Session", "Grant", "RefreshToken", "AccessToken", "AuthorizationCode"];
      for (const model of models) {
        await storage.adapter(model).upsert(`${model}-${mine}`, { accountId: mine }, 60);
        await storage.adapter(model).upsert(`${model}-${theirs}`, { accountId: theirs }, 60);
      }
      expect(await other.endAccount(mine)).toBe(models.length);
      for (const model of models) {
        expect(await storage.adapter(model).find(`${model}-${mine}`)).toBeUndefined();
        expect(await storage.adapter(model).find(`${model}-${theirs}`)).toEqual({
          accountId: theirs,
        });
      }
    });

    it("the Client model reads clients and refuses writes", async () => {
      const { storage } = sut();
      const client = storage.adapter("Client");
      expect(await client.find("test-client")).toMatchObject({ client_id: "test-client" });
      expect(await client.find("unknown")).toBeUndefined();
      await expect(client.upsert("x", {}, 60)).rejects.toThrow(/vestibule client/);
    });
  });
}
