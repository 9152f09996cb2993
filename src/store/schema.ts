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

export interface Database {
  users: UsersTable;
  settings: SettingsTable;
  authenticators: AuthenticatorsTable;
  flows: FlowsTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
}

export type Dialect = "sqlite" | "postgres";
