import type { Kysely } from "kysely";
import type { Random } from "../core/ports/runtime.js";
import type { SecretBox } from "../core/secrets.js";
import type { Database, OidcClientsTable } from "../store/schema.js";
import { arg, reusableOn } from "../store/sql.js";
import { checkRedirectUri } from "./redirect-uri.js";

// The applications that may sign people in through Vestibule. They are added by an
// operator (`vestibule client add`), never by dynamic registration, and every one is
// first-party: no consent screen. Secrets are sealed, not hashed: oidc-provider compares
// the presented secret with the stored one itself (and client_secret_jwt would need it
// as an HMAC key), so it must be able to read it; the box keeps a copy of the database
// alone from revealing any secret (docs/oidc.md).

export interface NewClient {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** A browser or native app that cannot keep a secret: no secret, PKCE only. */
  public: boolean;
  requireMfa: boolean;
}

export interface ClientInfo {
  clientId: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  public: boolean;
  requireMfa: boolean;
  createdAt: number;
}

export type ClientCheck = { ok: true; client: NewClient } | { ok: false; reason: string };

const MAX_NAME_LENGTH = 100;
const MAX_URIS = 20;

/** The sealed secret is bound to its client: a box copied to another row does not open. */
export function clientSecretAad(clientId: string): string {
  return `oidc-client:${clientId}`;
}

export function checkNewClient(input: NewClient): ClientCheck {
  const name = input.name.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    return { ok: false, reason: `NAME must be 1-${MAX_NAME_LENGTH} printable characters` };
  }
  if (input.redirectUris.length === 0) {
    return { ok: false, reason: "at least one --redirect-uri is required" };
  }
  if (input.redirectUris.length + input.postLogoutRedirectUris.length > MAX_URIS) {
    return { ok: false, reason: `at most ${MAX_URIS} URIs in all` };
  }
  for (const [flag, uris] of [
    ["--redirect-uri", input.redirectUris],
    ["--post-logout-redirect-uri", input.postLogoutRedirectUris],
  ] as const) {
    for (const uri of uris) {
      const check = checkRedirectUri(uri);
      if (!check.ok) return { ok: false, reason: `${flag} "${uri}" ${check.reason}` };
    }
  }
  return {
    ok: true,
    client: {
      ...input,
      name,
      redirectUris: [...new Set(input.redirectUris)],
      postLogoutRedirectUris: [...new Set(input.postLogoutRedirectUris)],
    },
  };
}

export interface ClientDeps {
  db: Kysely<Database>;
  box: SecretBox;
  random: Random;
}

function newSecret(random: Random): string {
  return random.bytes(32).toString("base64url");
}

/** Stores a checked client; the secret (confidential clients) is returned once, never again. */
export async function addClient(
  deps: ClientDeps,
  client: NewClient,
  now: number,
): Promise<{ clientId: string; clientSecret?: string }> {
  const clientId = deps.random.bytes(16).toString("base64url");
  const clientSecret = client.public ? undefined : newSecret(deps.random);
  await deps.db
    .insertInto("oidc_clients")
    .values({
      client_id: clientId,
      name: client.name,
      secret_box: clientSecret ? deps.box.seal(clientSecret, clientSecretAad(clientId)) : null,
      redirect_uris: JSON.stringify(client.redirectUris),
      post_logout_redirect_uris: JSON.stringify(client.postLogoutRedirectUris),
      public: client.public ? 1 : 0,
      require_mfa: client.requireMfa ? 1 : 0,
      created_at: now,
    })
    .execute();
  return clientSecret ? { clientId, clientSecret } : { clientId };
}

function toInfo(row: OidcClientsTable): ClientInfo {
  return {
    clientId: row.client_id,
    name: row.name,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    public: row.public === 1,
    requireMfa: row.require_mfa === 1,
    createdAt: Number(row.created_at),
  };
}

export async function listClients(db: Kysely<Database>): Promise<ClientInfo[]> {
  const rows = await db.selectFrom("oidc_clients").selectAll().orderBy("created_at").execute();
  return rows.map(toInfo);
}

/**
 * Removes the client and, in the same transaction, everything the provider stored for
 * it (codes, tokens, grants): its refresh tokens stop working at once.
 */
export async function removeClient(db: Kysely<Database>, clientId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom("oidc_clients")
      .where("client_id", "=", clientId)
      .executeTakeFirst();
    await trx.deleteFrom("oidc_models").where("client_id", "=", clientId).execute();
    return Number(removed.numDeletedRows) === 1;
  });
}

export type RotateResult =
  | { ok: true; clientSecret: string }
  | { ok: false; reason: "not_found" | "public_client" };

/** A new secret replaces the old one at once (the old one stops working). */
export async function rotateClientSecret(
  deps: ClientDeps,
  clientId: string,
): Promise<RotateResult> {
  const clientSecret = newSecret(deps.random);
  const result = await deps.db
    .updateTable("oidc_clients")
    .set({ secret_box: deps.box.seal(clientSecret, clientSecretAad(clientId)) })
    .where("client_id", "=", clientId)
    .where("public", "=", 0)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return { ok: true, clientSecret };
  const exists = await deps.db
    .selectFrom("oidc_clients")
    .select("client_id")
    .where("client_id", "=", clientId)
    .executeTakeFirst();
  return { ok: false, reason: exists ? "public_client" : "not_found" };
}

/** The client as oidc-provider's Client model reads it (adapter.ts serves it). */
/** The provider looks its client up on most of its requests: compiled once (store/sql.ts). */
const selectClient = reusableOn((db: Kysely<Database>) =>
  db.selectFrom("oidc_clients").selectAll().where("client_id", "=", arg(0)),
);

export async function clientMetadata(
  deps: Pick<ClientDeps, "db" | "box">,
  clientId: string,
): Promise<Record<string, unknown> | undefined> {
  const row = (await selectClient(deps.db, clientId)).rows[0];
  if (!row) return undefined;
  const info = toInfo(row);
  return {
    client_id: info.clientId,
    client_name: info.name,
    redirect_uris: info.redirectUris,
    post_logout_redirect_uris: info.postLogoutRedirectUris,
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    ...(info.public || !row.secret_box
      ? { token_endpoint_auth_method: "none" }
      : {
          token_endpoint_auth_method: "client_secret_basic",
          client_secret: deps.box.open(row.secret_box, clientSecretAad(info.clientId)),
        }),
    require_mfa: info.requireMfa,
  };
}
