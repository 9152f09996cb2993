import type { Kysely } from "kysely";
import type { Dialect } from "../schema.js";

// The OpenID Connect provider's storage (src/oidc/). One table holds every model the
// provider stores, keyed by (model, id), with the columns its lookups need beside the
// JSON payload: grant_id (revoke a grant), uid (sessions), user_code (device flow),
// account_id (end one user's sessions and grants), client_id (remove a client).
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable("oidc_models")
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("grant_id", "text")
    .addColumn("uid", "text")
    .addColumn("user_code", "text")
    .addColumn("account_id", "text")
    .addColumn("client_id", "text")
    .addColumn("expires_at", "bigint")
    .addColumn("consumed_at", "bigint")
    .addPrimaryKeyConstraint("oidc_models_pk", ["model", "id"])
    .execute();
  for (const column of ["grant_id", "uid", "user_code", "account_id", "client_id", "expires_at"]) {
    await db.schema.createIndex(`oidc_models_${column}`).on("oidc_models").column(column).execute();
  }

  await db.schema
    .createTable("oidc_clients")
    .addColumn("client_id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("secret_box", "text")
    .addColumn("redirect_uris", "text", (c) => c.notNull())
    .addColumn("post_logout_redirect_uris", "text", (c) => c.notNull())
    .addColumn("public", "integer", (c) => c.notNull())
    .addColumn("require_mfa", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  // At most one key per state: the first start of several instances at once inserts
  // one "current" key (the others' inserts conflict), and a rotation cannot leave two
  // signing keys behind.
  await db.schema
    .createTable("oidc_keys")
    .addColumn("kid", "text", (c) => c.primaryKey())
    .addColumn("state", "text", (c) => c.notNull().unique())
    .addColumn("private_box", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("promoted_at", "bigint")
    .execute();
}
