export interface AuditEvent {
  type: string;
  at: number;
  userId?: string | null;
  actorId?: string | null;
  username?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

export interface StoredAuditEvent extends Required<Omit<AuditEvent, "detail">> {
  id: number;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  userId?: string;
  type?: string;
  since?: number;
  /** Events strictly before this time (ms). */
  until?: number;
  /** Keyset paging: ids strictly below this one. */
  beforeId?: number;
  limit: number;
}

/** The append-only audit log: nothing updates or deletes its rows. */
export interface AuditStore {
  append(event: AuditEvent): Promise<void>;
  list(query: AuditQuery): Promise<StoredAuditEvent[]>;
}
