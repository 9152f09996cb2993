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

export interface ChallengesTable {
  id_hash: string;
  user_id: string;
  state: string;
  created_at: number;
  expires_at: number;
  failed_codes: number;
  /** Email/SMS code on this pending sign-in (migration 0004): HMAC only, never the code. */
  code_hmac: string | null;
  code_method: string | null;
  code_sent_at: number | null;
  code_expires_at: number | null;
  /** The set-up screen's key for this sign-in (migration 0005): a SecretBox, never clear. */
  pending_secret_box: string | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
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
  challenges: ChallengesTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
}

export type Dialect = "sqlite" | "postgres";
