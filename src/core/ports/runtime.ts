// What every core module may be handed instead of reaching for globals: time and chance
// (STYLE: a fixed clock and random in tests), and the vocabulary of roles and methods.

export type Role = "user" | "supervisor" | "administrator";
export const ROLES: readonly Role[] = ["user", "supervisor", "administrator"];

/** The second-factor methods an administrator can enable (DESIGN §1). */
export type Method = "app" | "sms" | "email";
export const METHODS: readonly Method[] = ["app", "sms", "email"];

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface Random {
  bytes(length: number): Buffer;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}
