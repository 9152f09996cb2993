import type { Generated } from "kysely";

// Portable column types only: text, integer 0/1 for booleans, bigint milliseconds for
// times. The same queries run on SQLite and PostgreSQL.

export interface UsersTable {
  id: string;
  username: string;
  display_name: string | null;
  email: string | null;
  phone: string | null;
  role: string;
  password_hash: string;
  must_change_password: number;
  active: number;
  created_at: number;
  last_sign_in_at: number | null;
  /** Issue 12: the user's language; null follows the browser / DEFAULT_LOCALE. */
  locale: string | null;
  /** A temporary password set by staff stops working then (migration 0012). */
  password_expires_at: number | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface AuthenticatorsTable {
  user_id: string;
  secret_box: string;
  confirmed_at: number | null;
  last_step: number | null;
  created_at: number;
  /** JSON list of the steps of app codes refused as from ahead of time (0014). */
  refused_steps: string | null;
}

export interface FlowsTable {
  id_hash: string;
  user_id: string | null;
  purpose: string;
  state: string;
  /** JSON of a Continuation (core/ports/flows.ts). */
  continuation: string;
  session_id_hash: string | null;
  created_at: number;
  expires_at: number;
  failed_codes: number;
  /** Email/SMS code on this flow: HMAC only, never the code. */
  code_hmac: string | null;
  code_method: string | null;
  code_sent_at: number | null;
  code_expires_at: number | null;
  /** The set-up screen's key for this flow: a SecretBox, never clear. */
  setup_secret_box: string | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  auth_time: number;
  /** The Amr values, comma-separated ("pwd,otp"). */
  amr: string;
  /** sha256 of the forward-auth cookie's token naming this session (migration 0008). */
  forward_id_hash: string | null;
  /** Last request seen, written at most once a minute (the idle timeout). */
  last_seen_at: number;
  /** Where the session began (migration 0012): the client address and browser. */
  ip: string | null;
  user_agent: string | null;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: number;
  type: string;
  user_id: string | null;
  actor_id: string | null;
  username: string | null;
  ip: string | null;
  detail: string;
}

// OpenID Connect provider (migration 0007, src/oidc/).

/** Every artefact oidc-provider stores (sessions, codes, tokens, grants, interactions). */
export interface OidcModelsTable {
  model: string;
  id: string;
  /** The provider's payload as JSON text, without `consumed` (that is consumed_at). */
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  account_id: string | null;
  client_id: string | null;
  expires_at: number | null;
  consumed_at: number | null;
}

export interface OidcClientsTable {
  client_id: string;
  name: string;
  /** A SecretBox of the client secret; null for public clients. */
  secret_box: string | null;
  /** JSON arrays of absolute URIs. */
  redirect_uris: string;
  post_logout_redirect_uris: string;
  public: number;
  require_mfa: number;
  created_at: number;
}

export interface OidcKeysTable {
  kid: string;
  /** "current" (signs), "next" (published, not signing yet), "previous" (verifies only). */
  state: string;
  /** A SecretBox of the private JWK. */
  private_box: string;
  created_at: number;
  promoted_at: number | null;
}

/** Forward-auth: which roles may pass to a host (migration 0008). */
export interface ForwardAccessTable {
  /** Lower-case host name, no port. */
  host: string;
  /** Role names, comma-separated. */
  roles: string;
  updated_at: number;
}

// Issue 14 (migration 0010).

/** A notification queued with the change it tells about; sent after commit, retried. */
export interface OutboxTable {
  id: Generated<number>;
  created_at: number;
  kind: string;
  user_id: string | null;
  channel: string;
  recipient: string;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  attempts: number;
  next_attempt_at: number;
  claimed_until: number | null;
  last_error: string | null;
}

/** An authenticator that was removed: when added and confirmed, when removed, by whom. */
export interface AuthenticatorHistoryTable {
  id: Generated<number>;
  user_id: string;
  created_at: number;
  confirmed_at: number | null;
  removed_at: number;
  removed_by: string | null;
  reason: string;
}

/** A recovery code: its first group in clear (the look-up), the whole code argon2id-hashed. */
export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  lookup: string;
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

/** A remembered device: the SHA-256 of its cookie's token, what it is shown as. */
export interface RememberedDevicesTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  user_agent: string;
  ip: string;
}

export interface Database {
  users: UsersTable;
  settings: SettingsTable;
  authenticators: AuthenticatorsTable;
  flows: FlowsTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  oidc_models: OidcModelsTable;
  oidc_clients: OidcClientsTable;
  oidc_keys: OidcKeysTable;
  forward_access: ForwardAccessTable;
  outbox: OutboxTable;
  authenticator_history: AuthenticatorHistoryTable;
  recovery_codes: RecoveryCodesTable;
  remembered_devices: RememberedDevicesTable;
}

export type Dialect = "sqlite" | "postgres";
