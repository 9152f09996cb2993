// What a sign-in proves, in the words an application reads in the ID token: amr
// (RFC 8176 method references) and one of two acr values. The acr follows from the amr
// here, in one place, so the two can never disagree.

/** acr of a sign-in with the password only. */
export const ACR_PASSWORD = "urn:vestibule:acr:password";
/** acr of a sign-in with the password and a second factor. */
export const ACR_MFA = "urn:vestibule:acr:mfa";
export const ACR_VALUES = [ACR_PASSWORD, ACR_MFA] as const;

/**
 * RFC 8176: pwd, otp (authenticator app), sms; "email" for a code sent by email, "rc" for
 * a recovery code (issue 11). A remembered device adds nothing: its sign-in is "pwd" only.
 */
export const SECOND_FACTOR_AMR = ["otp", "sms", "email", "rc"] as const;
const KNOWN_AMR = new Set<string>(["pwd", "mfa", ...SECOND_FACTOR_AMR]);

/** What the sign-in pages hand over when a person has signed in for an application. */
export interface LoginResult {
  /** The user's id: the ID token's `sub`. */
  accountId: string;
  /** Methods used, e.g. ["pwd"] or ["pwd", "otp"]; "mfa" is added when a second factor is there. */
  amr: string[];
  /** When the person last entered their credentials (milliseconds): `auth_time`. */
  authTimeMs: number;
}

export interface ProviderLogin {
  accountId: string;
  amr: string[];
  acr: string;
  /** Seconds, as the provider keeps it (`ts` of its login result). */
  ts: number;
  remember: boolean;
}

export function hasSecondFactor(amr: readonly string[] | undefined): boolean {
  return (amr ?? []).some((m) => (SECOND_FACTOR_AMR as readonly string[]).includes(m));
}

/**
 * The provider's login result for a sign-in. A malformed one is a programming mistake
 * in the caller (the sign-in pages), so it throws rather than mislabel a sign-in.
 */
export function providerLogin(login: LoginResult): ProviderLogin {
  if (!login.accountId) throw new Error("LoginResult.accountId is empty");
  if (!login.amr.includes("pwd")) throw new Error("LoginResult.amr must include pwd");
  const unknown = login.amr.filter((m) => !KNOWN_AMR.has(m));
  if (unknown.length > 0) throw new Error(`LoginResult.amr: unknown value ${unknown.join(",")}`);
  // Below 1e12 ms (2001) the caller almost surely passed seconds.
  if (!Number.isFinite(login.authTimeMs) || login.authTimeMs < 1e12) {
    throw new Error("LoginResult.authTimeMs must be a time in milliseconds");
  }
  const mfa = hasSecondFactor(login.amr);
  const amr = [...new Set(login.amr.filter((m) => m !== "mfa"))];
  return {
    accountId: login.accountId,
    amr: mfa ? [...amr, "mfa"] : amr,
    acr: mfa ? ACR_MFA : ACR_PASSWORD,
    ts: Math.floor(login.authTimeMs / 1000),
    remember: true,
  };
}

/**
 * Whether an authorization request must end in a sign-in with a second factor: the
 * client was added with --require-mfa, or acr_values asks for the MFA acr and does not
 * also accept the password one. acr_values never lowers a client's requirement.
 */
export function mfaRequired(requireMfa: boolean, acrValues: string | undefined): boolean {
  if (requireMfa) return true;
  const asked = (acrValues ?? "").split(" ");
  return asked.includes(ACR_MFA) && !asked.includes(ACR_PASSWORD);
}
