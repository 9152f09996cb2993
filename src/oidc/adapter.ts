import { type Kysely, sql } from "kysely";
import { errors } from "oidc-provider";
import type { Clock } from "../core/ports/runtime.js";
import type { Database } from "../store/schema.js";
import { arg, reusable } from "../store/sql.js";
import { endOidcAccount } from "./accounts.js";

// oidc-provider's storage on SQLite and PostgreSQL: one row per stored artefact in
// oidc_models (migration 0007). Clients are not stored here by the provider; the Client
// model reads them from oidc_clients through `findClient` (clients.ts).

type Payload = Record<string, unknown>;

/** The adapter interface oidc-provider calls (its example/my_adapter.js). */
export interface ProviderAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export interface OidcStorage {
  /** The provider's `adapter` option: one adapter per model name. */
  adapter(model: string): ProviderAdapter;
  /**
   * Ends everything the provider holds for one user: provider sessions (prompt=none then
   * answers login_required), grants, refresh and access tokens, authorization codes.
   * Call it on Sign out, Force New Password and deactivation. Returns the rows removed.
   */
  endAccount(accountId: string): Promise<number>;
  /** Deletes rows past their expiry (a sweep; safe on any number of instances at once). */
  sweepExpired(now: number): Promise<number>;
}

/** Models bound to a grant: revoking the grant deletes them (the memory adapter's set). */
const GRANTABLE = new Set([
  "AccessToken",
  "AuthorizationCode",
  "RefreshToken",
  "DeviceCode",
  "BackchannelAuthenticationRequest",
  "PreAuthorizedCode",
]);

function text(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

export function createOidcStorage(
  db: Kysely<Database>,
  clock: Clock,
  findClient: (clientId: string) => Promise<Payload | undefined>,
): OidcStorage {
  const live = (now: number) => sql<boolean>`(expires_at is null or expires_at > ${now})`;

  function toPayload(row: { payload: string; consumed_at: number | null }): Payload {
    const payload = JSON.parse(row.payload) as Payload;
    // The provider reads `consumed` (a truthy time in seconds) from find().
    if (row.consumed_at !== null) payload.consumed = Math.floor(Number(row.consumed_at) / 1000);
    return payload;
  }

  function modelAdapter(model: string): ProviderAdapter {
    // Every sign-in through the provider runs these: compiled once per model (the provider
    // keeps one adapter per model), run with each call's values (store/sql.ts).
    const selectWhere = (column: "id" | "uid" | "user_code") =>
      reusable(db, (d) =>
        d
          .selectFrom("oidc_models")
          .select(["payload", "consumed_at"])
          .where("model", "=", model)
          .where(column, "=", arg(0))
          .where(live(arg(1))),
      );
    const selects = {
      id: selectWhere("id"),
      uid: selectWhere("uid"),
      user_code: selectWhere("user_code"),
    };
    const findWhere = async (column: "id" | "uid" | "user_code", value: string) => {
      const row = (await selects[column](value, clock.now())).rows[0];
      return row ? toPayload(row) : undefined;
    };
    const columns = {
      payload: arg(0),
      grant_id: arg(1),
      uid: arg(2),
      user_code: arg(3),
      account_id: arg(4),
      client_id: arg(5),
      expires_at: arg(6),
    };
    const upsertRow = reusable(db, (d) =>
      d
        .insertInto("oidc_models")
        .values({ model, id: arg(7), consumed_at: null, ...columns })
        .onConflict((oc) => oc.columns(["model", "id"]).doUpdateSet(columns)),
    );
    const consumeRow = reusable(db, (d) =>
      d
        .updateTable("oidc_models")
        .set({ consumed_at: arg(0) })
        .where("model", "=", model)
        .where("id", "=", arg(1))
        .where("consumed_at", "is", null),
    );
    const deleteRow = reusable(db, (d) =>
      d.deleteFrom("oidc_models").where("model", "=", model).where("id", "=", arg(0)),
    );
    return {
      async upsert(id, payload, expiresIn) {
        const { consumed: _consumed, ...stored } = payload;
        const now = clock.now();
        // consumed_at is left as it is: saving a consumed artefact again never revives it.
        await upsertRow(
          JSON.stringify(stored),
          GRANTABLE.has(model) ? text(payload.grantId) : null,
          text(payload.uid),
          text(payload.userCode),
          text(payload.accountId),
          text(payload.clientId),
          typeof expiresIn === "number" ? now + expiresIn * 1000 : null,
          id,
        );
      },
      find: (id) => findWhere("id", id),
      findByUid: (uid) => findWhere("uid", uid),
      findByUserCode: (userCode) => findWhere("user_code", userCode),
      async consume(id) {
        // Single use in one conditional statement: of any number of concurrent
        // redemptions, on any number of instances, exactly one sees an affected row.
        // The provider's own check (`consumed` from find, then consume) is not atomic.
        const result = await consumeRow(clock.now(), id);
        if (Number(result.numAffectedRows ?? 0n) === 1) return;
        // Lost the race (or a replay the provider did not see): treat it as the provider
        // treats a code or refresh token used twice (RFC 6749 §4.1.2, RFC 9700 §4.14.2):
        // revoke the grant, then refuse with invalid_grant (400).
        await revokeGrantOf(model, id);
        throw new errors.InvalidGrant(`${model} already consumed`);
      },
      async destroy(id) {
        await deleteRow(id);
      },
      async revokeByGrantId(grantId) {
        await db
          .deleteFrom("oidc_models")
          .where("model", "=", model)
          .where("grant_id", "=", grantId)
          .execute();
      },
    };
  }

  /** One statement: the grant row and every artefact of the grant the consumed row belongs to. */
  async function revokeGrantOf(model: string, id: string): Promise<void> {
    const grantOf = db
      .selectFrom("oidc_models")
      .select("grant_id")
      .where("model", "=", model)
      .where("id", "=", id);
    await db
      .deleteFrom("oidc_models")
      .where((eb) =>
        eb.or([
          eb("grant_id", "=", grantOf),
          eb.and([eb("model", "=", "Grant"), eb("id", "=", grantOf)]),
        ]),
      )
      .execute();
  }

  const clientAdapter: ProviderAdapter = {
    find: (id) => findClient(id),
    // Clients come from `vestibule client add`; dynamic registration is off, so the
    // provider never writes one. Anything else is a bug worth hearing about.
    upsert: async () => {
      throw new Error("oidc clients are managed with `vestibule client`, not by the provider");
    },
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    consume: async () => {},
    destroy: async () => {},
    revokeByGrantId: async () => {},
  };

  return {
    adapter: (model) => (model === "Client" ? clientAdapter : modelAdapter(model)),
    endAccount: (accountId) => endOidcAccount(db, accountId),
    async sweepExpired(now) {
      const result = await db
        .deleteFrom("oidc_models")
        .where("expires_at", "<=", now)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
