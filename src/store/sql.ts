// Small helpers every query file shares.

/** LIKE pattern text with its wildcards (and the escape character) escaped by "\". */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** PostgreSQL text cannot hold NUL, and no stored name or address contains one. */
export function withoutNul(value: string): string {
  return value.replace(/\0/g, "");
}
