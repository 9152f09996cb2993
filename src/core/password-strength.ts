import type { ZxcvbnFactory, ZxcvbnResult } from "@zxcvbn-ts/core";

// How guessable a new password is, by zxcvbn-ts with its common and English dictionaries
// (NIST SP 800-63B §3.1.1.2: dictionary words, repetitive or sequential characters,
// context-specific words). Judged in the same NFKC form the hasher stores.

/** Why a password is too guessable: one id per kind of zxcvbn warning, plus our own. */
export type Weakness =
  /** A common or breached password, or a near variant of one. */
  | "common"
  /** Repeated characters or patterns: "aaaa", "abcabc", a word twice. */
  | "repeated"
  /** Sequences: "abcd", "6543". */
  | "sequences"
  /** Keyboard rows and patterns: "qwerty", "zxcvbn". */
  | "keyboard"
  /** Dates and recent years. */
  | "dates"
  /** One dictionary word on its own. */
  | "single_word"
  /** First names and surnames. */
  | "names"
  /** The username, the person's name or email address, or the installation's name. */
  | "user_inputs"
  /**
   * Made of a few predictable parts (a word, a year, a run of "!") that reach score 3
   * only by zxcvbn's per-part allowance; see `patternGuesses`.
   */
  | "predictable"
  /** zxcvbn scored it below 3 without naming a reason. */
  | "guessable";

export type Strength =
  | { ok: true; score: number }
  | { ok: false; score: number; weakness: Weakness };

/** Characters zxcvbn looks at: the rest of a longer password is not judged. */
export const ZXCVBN_MAX_LENGTH = 64;

/** zxcvbn's score 3, "safely unguessable": at least 10^8 guesses. */
export const MIN_SCORE = 3;

// zxcvbn's warning keys (its translations.warnings) → our ids.
const WEAKNESS_BY_WARNING: Record<string, Weakness> = {
  straightRow: "keyboard",
  keyPattern: "keyboard",
  simpleRepeat: "repeated",
  extendedRepeat: "repeated",
  sequences: "sequences",
  recentYears: "dates",
  dates: "dates",
  topTen: "common",
  topHundred: "common",
  common: "common",
  similarToCommon: "common",
  pwned: "common",
  wordByItself: "single_word",
  namesByThemselves: "names",
  commonNames: "names",
  userInputs: "user_inputs",
};

/**
 * Passphrases printed as examples where everyone reads them, so every cracking list has
 * them; zxcvbn's dictionaries do not (it scores "correct horse battery staple" 4).
 * Each is matched with any of the usual separators, in any case.
 */
const PUBLISHED_EXAMPLES: readonly (readonly string[])[] = [
  ["correct", "horse", "battery", "staple"], // xkcd 936
  ["the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"],
  ["lorem", "ipsum", "dolor", "sit", "amet"],
  ["mary", "had", "a", "little", "lamb"],
];
const SEPARATORS = ["", " ", "-", "_", ".", "+"];

function publishedExamples(): string[] {
  return PUBLISHED_EXAMPLES.flatMap((words) => SEPARATORS.map((s) => words.join(s)));
}

export interface PasswordStrength {
  /** `password` as stored (NFKC); `contextWords` are the person's and the installation's. */
  judge(password: string, contextWords: readonly string[]): Strength;
}

let loading: Promise<PasswordStrength> | undefined;

/**
 * The shared judge. Building zxcvbn's ranked dictionaries (about 80,000 words) takes a
 * few hundred milliseconds, so it is done once, at the first call; call it at start to
 * pay that before the first request. The dictionaries are imported here, not at the top
 * of the module, so a process that never judges a password (the CLI's `user list`) does
 * not load them.
 */
export function loadPasswordStrength(): Promise<PasswordStrength> {
  loading ??= buildPasswordStrength();
  return loading;
}

async function buildPasswordStrength(): Promise<PasswordStrength> {
  const [{ ZxcvbnFactory }, common, en] = await Promise.all([
    import("@zxcvbn-ts/core"),
    import("@zxcvbn-ts/language-common"),
    import("@zxcvbn-ts/language-en"),
  ]);
  // No translations: zxcvbn then gives its feedback as keys ("simpleRepeat"), which we
  // map to our ids; the words a person reads come from our catalogue.
  const zxcvbn: ZxcvbnFactory = new ZxcvbnFactory({
    dictionary: {
      ...common.dictionary,
      ...en.dictionary,
      // "passwords" in the name: zxcvbn warns about a match as about a common password.
      "passwords-examples": publishedExamples(),
    },
    graphs: common.adjacencyGraphs,
    // zxcvbn runs on the event loop. Left at its defaults (256 characters, 100 l33t
    // substitutions) a 128-character "p@ssw0rd" × 16 took seconds; with these bounds the
    // worst input we found takes tens of milliseconds (docs/security.md). Judging the first
    // 64 characters can only be stricter: a weak start is refused even if more follows.
    maxLength: ZXCVBN_MAX_LENGTH,
    l33tMaxSubstitutions: 4,
  });

  return {
    judge(password, contextWords) {
      const result = zxcvbn.check(password, [...contextWords]);
      const score = Math.min(result.score, scoreOf(patternGuesses(result)));
      if (score >= MIN_SCORE) return { ok: true, score };
      return { ok: false, score, weakness: weaknessOf(result) };
    },
  };
}

/**
 * zxcvbn's warning as our id. It names no warning for several parts none of which stands
 * out: then a part that is a context word is said (the most useful thing to tell a person),
 * else "predictable" when only our parts rule refused it, else "guessable".
 */
function weaknessOf(result: ZxcvbnResult): Weakness {
  const warning = result.feedback.warning;
  const named = warning ? WEAKNESS_BY_WARNING[warning] : undefined;
  if (named) return named;
  const context = result.sequence.some(
    (match) => match.pattern === "dictionary" && match.dictionaryName === "userInputs",
  );
  if (context) return "user_inputs";
  return result.score >= MIN_SCORE ? "predictable" : "guessable";
}

/**
 * zxcvbn's estimate for a password of n parts is n! · ∏ guesses(part) + 10^4^(n−1): the
 * second term is its allowance for not knowing the shape, 10^4 per part after the first.
 * "Summer2024!!!" is a season (50 guesses), a recent year (50) and "!!!" (50): 750,000 by
 * its parts, yet the allowance alone (10^8) makes it score 3. Crackers' rules try exactly
 * that shape (word + year + symbols) first, so we also score the parts without the
 * allowance and keep the lower score.
 */
export function patternGuesses(result: Pick<ZxcvbnResult, "sequence">): number {
  let guesses = 1;
  result.sequence.forEach((match, i) => {
    guesses *= (i + 1) * match.guesses;
  });
  return guesses;
}

// zxcvbn's own thresholds (TimeEstimates.guessesToScore, with its DELTA of 5).
function scoreOf(guesses: number): number {
  const thresholds = [1e3, 1e6, 1e8, 1e10];
  const below = thresholds.findIndex((t) => guesses < t + 5);
  return below === -1 ? 4 : below;
}
