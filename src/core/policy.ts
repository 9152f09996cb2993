import { METHODS, type Method } from "./ports/runtime.js";
import type { SettingsStore } from "./ports/settings.js";

export const METHODS_KEY = "methods";
/** A new installation asks for the authenticator app, the strongest of the three. */
export const DEFAULT_METHODS: readonly Method[] = ["app"];

export async function getEnabledMethods(settings: Pick<SettingsStore, "get">): Promise<Method[]> {
  const value = await settings.get(METHODS_KEY);
  if (value === undefined) return [...DEFAULT_METHODS];
  return parseMethods(value) ?? [...DEFAULT_METHODS];
}

export async function setEnabledMethods(
  settings: SettingsStore,
  methods: readonly Method[],
): Promise<void> {
  await settings.set(METHODS_KEY, [...new Set(methods)].join(","));
}

/** "app,sms" → ["app","sms"]; "" → []; undefined when a word is not a method. */
export function parseMethods(list: string): Method[] | undefined {
  const words = list
    .split(",")
    .map((w) => w.trim())
    .filter((w) => w !== "");
  if (!words.every((w): w is Method => (METHODS as readonly string[]).includes(w))) {
    return undefined;
  }
  return [...new Set(words)].sort((a, b) => METHODS.indexOf(a) - METHODS.indexOf(b));
}

/** Usernames are compared in one form: trimmed, NFKC, lower case. */
export function normalizeUsername(input: string): string {
  return input.normalize("NFKC").trim().toLowerCase();
}

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

export function isValidUsername(username: string): boolean {
  return USERNAME_PATTERN.test(username);
}
