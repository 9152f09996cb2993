// Reading the environment: shared by config.ts and delivery/config.ts.

export type Env = Record<string, string | undefined>;

/** A setting is missing or malformed; the message names the variable to set. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

/** NAME="a/b[/c]": `count` positive whole numbers separated by "/", or the fallback. */
export function numberList(
  env: Env,
  name: string,
  count: number,
  example: string,
): number[] | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  const parts = raw.split("/").map(Number);
  if (parts.length !== count || !parts.every((n) => Number.isInteger(n) && n > 0)) {
    throw new ConfigError(`${name} must be ${example}`);
  }
  return parts;
}
