import { type Kysely, sql } from "kysely";
import { errors } from "oidc-provider";
import type { Clock } from "../core/ports/runtime.js";
import type { Database } from "../store/schema.js";
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
    const findWhere = async (column: "id" | "uid" | "user_code", value: string) => {
      const row = await db
        .selectFrom("oidc_models")
        .select(["payload", "consumed_at"])
        .where("model", "=", model)
        .where(column, "=", value)
        .where(live(clock.now()))
        .executeTakeFirst();
      return row ? toPayload(row) : undefined;
    };
    return {
      async upsert(id, payload, expiresIn) {
        const { consumed: _consumed, ...stored } = payload;
        const now = clock.now();
        const columns = {
          payload: JSON.stringify(stored),
          grant_id: GRANTABLE.has(model) ? text(payload.grantId) : null,
          uid: text(payload.uid),
          user_code: text(payload.userCode),
          account_id: text(payload.accountId),
          client_id: text(payload.clientId),
          expires_at: typeof expiresIn === "number" ? now + expiresIn * 1000 : null,
        };
        // consumed_at is left as it is: saving a consumed artefact again never revives it.
        await db
          .insertInto("oidc_models")
          .values({ model, id, consumed_at: null, ...columns })
          .onConflict((oc) => oc.columns(["model", "id"]).doUpdateSet(columns))
          .execute();
      },
      find: (id) => findWhere("id", id),
      findByUid: (uid) => findWhere("uid", uid),
      findByUserCode: (userCode) => findWhere("user_code", userCode),
      async consume(id) {
        // Single use in one conditional statement: of any number of concurrent
        // redemptions, on any number of instances, exactly one sees an affected row.
        // The provider's own check (`consumed` from find, then consume) is not atomic.
        const result = await db
          .updateTable("oidc_models")
          .set({ consumed_at: clock.now() })
          .where("model", "=", model)
          .where("id", "=", id)
          .where("consumed_at", "is", null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) return;
        // Lost the race (or a replay the provider did not see): treat it as the provider
        // treats a code or refresh token used twice (RFC 6749 §4.1.2, RFC 9700 §4.14.2):
        // revoke the grant, then refuse with invalid_grant (400).
        await revokeGrantOf(model, id);
        throw new errors.InvalidGrant(`${model} already consumed`);
      },
      async destroy(id) {
        await db
          .deleteFrom("oidc_models")
          .where("model", "=", model)
          .where("id", "=", id)
          .execute();
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
