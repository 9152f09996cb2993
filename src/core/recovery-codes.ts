import type { Audit } from "./audit.js";
import type { PasswordHasher } from "./password.js";
import type { StoredRecoveryCode } from "./ports/recovery-codes.js";
import type { Clock, Random } from "./ports/runtime.js";
import type { Stores } from "./ports/stores.js";
import type { User } from "./ports/users.js";
import { hashToken } from "./secrets.js";

// Recovery codes (issue 11, docs/recovery.md): ten look-up secrets of 12 characters from
// an alphabet without look-alikes, shown as XXXX-XXXX-XXXX. The first group is the
// look-up part, kept in clear so an attempt finds at most one row and costs one argon2id
// hash, never ten; the whole code is stored only as its argon2id hash (NIST SP 800-63B
// §5.1.2.2: look-up secrets under 112 bits are stored salted and hashed).

/** No 0/O, 1/I/L: nothing that reads as another character. 31 symbols. */
export const RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const RECOVERY_CODE_COUNT = 10;
const GROUP = 4;
const LENGTH = 12;

export interface RecoveryDeps {
  stores: Pick<Stores, "recoveryCodes" | "atomically">;
  hasher: Pick<PasswordHasher, "hash">;
  random: Random;
  clock: Clock;
  /** recovery_codes_issued (the user is emailed: delivery/wire.ts). */
  audit: Audit;
}

/** A code as typed or pasted → its 12 characters, or undefined when it cannot be one. */
export function parseRecoveryCode(answer: string): string | undefined {
  const plain = answer.toUpperCase().replace(/[\s-]/g, "");
  if (plain.length !== LENGTH) return undefined;
  for (const c of plain) if (!RECOVERY_ALPHABET.includes(c)) return undefined;
  return plain;
}

/** The look-up part: the first group. */
export function recoveryLookup(plain: string): string {
  return plain.slice(0, GROUP);
}

/** "ABCD-EFGH-JKMN": grouped for reading and copying. */
export function formatRecoveryCode(plain: string): string {
  return [plain.slice(0, 4), plain.slice(4, 8), plain.slice(8)].join("-");
}

/** Ten new codes, no two with the same look-up part. */
export function generateRecoveryCodes(random: Random, count = RECOVERY_CODE_COUNT): string[] {
  const codes: string[] = [];
  const lookups = new Set<string>();
  while (codes.length < count) {
    let plain = "";
    for (let i = 0; i < LENGTH; i++)
      plain += RECOVERY_ALPHABET[random.int(RECOVERY_ALPHABET.length)];
    const lookup = recoveryLookup(plain);
    if (lookups.has(lookup)) continue;
    lookups.add(lookup);
    codes.push(plain);
  }
  return codes;
}

/**
 * A new set of recovery codes for the user, replacing the old set in one transaction with
 * its audit event (and the email it queues). Returns the codes, grouped, to be shown once:
 * nothing keeps them in clear. The set-up screen calls it after Save; the account page
 * for "New recovery codes" (after a step-up).
 */
export async function issueRecoveryCodes(
  deps: RecoveryDeps,
  user: Pick<User, "id" | "username">,
  context: { ip: string | null; via: "setup" | "account" | "cli" },
): Promise<string[]> {
  const plain = generateRecoveryCodes(deps.random);
  // Hashed before the transaction: argon2id takes a while, and a transaction must not.
  const stored: StoredRecoveryCode[] = await Promise.all(
    plain.map(async (code) => ({
      // The id says nothing about the code (a digest of random bytes).
      id: hashToken(deps.random.bytes(16).toString("hex")).slice(0, 32),
      lookup: recoveryLookup(code),
      codeHash: await deps.hasher.hash(code),
    })),
  );
  await deps.stores.atomically(async (tx) => {
    await tx.recoveryCodes.replace(user.id, stored, deps.clock.now());
    await deps.audit(
      {
        type: "recovery_codes_issued",
        userId: user.id,
        actorId: user.id,
        username: user.username,
        ip: context.ip,
        detail: { count: stored.length, via: context.via },
      },
      tx,
    );
  });
  return plain.map(formatRecoveryCode);
}
