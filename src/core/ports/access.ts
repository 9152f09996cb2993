import type { Role } from "./runtime.js";

/** Forward-auth: the roles that may pass to one host (`vestibule access set`). */
export interface AccessRule {
  /** Lower-case host name without a port, e.g. "wiki.example.org". */
  host: string;
  roles: Role[];
  updatedAt: number;
}

export interface AccessRuleStore {
  /** Creates or replaces the host's rule; returns the rule it replaced, if any. */
  set(rule: AccessRule): Promise<AccessRule | undefined>;
  find(host: string): Promise<AccessRule | undefined>;
  /** Every rule, by host. */
  list(): Promise<AccessRule[]>;
  /** Deletes the host's rule; false when there was none. */
  remove(host: string): Promise<boolean>;
}
