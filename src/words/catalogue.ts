import { de } from "./de.js";
import { en } from "./en.js";
import { fr } from "./fr.js";

/** The languages Vestibule speaks; English is the source every other table follows. */
export type Locale = "en" | "de" | "fr";
export const LOCALES: readonly Locale[] = ["en", "de", "fr"];

/** Forms by plural category (Intl.PluralRules), chosen by the word's numeric `{count}`. */
export type PluralWord = { readonly [C in Intl.LDMLPluralRule]?: string } & {
  readonly other: string;
};
export type Word = string | PluralWord;

export type WordId = keyof typeof en;
/** A translation: every English id, no other. */
export type WordTable = { readonly [Id in WordId]: Word };

type Placeholders<S> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;
type Forms<W> = W extends string ? W : W[keyof W];
type ParamName<Id extends WordId> =
  | Placeholders<Forms<(typeof en)[Id]>>
  | ((typeof en)[Id] extends string ? never : "count");

/** The values a word's placeholders take; `count` (which picks a plural form) is a number. */
export type Params<Id extends WordId, V = string | number> = {
  readonly [Name in ParamName<Id>]: Name extends "count" ? number : V;
};
/** No argument for a word without placeholders, the params object for one with. */
export type ParamArgs<Id extends WordId, V = string | number> = [ParamName<Id>] extends [never]
  ? []
  : [params: Params<Id, V>];

const TABLES: Record<Locale, WordTable> = { en, de, fr };

const pluralRules = new Map<Locale, Intl.PluralRules>();

/** The template a locale has for an id: the plural form for `count` when the word has forms. */
export function template(locale: Locale, id: WordId, count?: unknown): string {
  const word = TABLES[locale][id];
  if (typeof word === "string") return word;
  if (typeof count !== "number") throw new Error(`The word ${id} needs a numeric {count}`);
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return word[rules.select(count)] ?? word.other;
}

/**
 * Fills `{name}` placeholders with render(value). A missing value is a programmer's
 * mistake (the types of t() forbid it), so it throws rather than show "{name}".
 */
export function interpolate<V>(
  text: string,
  params: Readonly<Record<string, V>> | undefined,
  render: (value: V) => string,
): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!params || !Object.hasOwn(params, name)) throw new Error(`No value for {${name}}`);
    return render(params[name] as V);
  });
}

/**
 * The words for id in locale, placeholders filled. Plain text: it escapes nothing, the
 * page or email template that places it does (words/html.ts).
 */
export function t<Id extends WordId>(locale: Locale, id: Id, ...params: ParamArgs<Id>): string {
  const values = params[0] as Readonly<Record<string, string | number>> | undefined;
  return interpolate(template(locale, id, values?.count), values, String);
}

/** The table of a locale, for the completeness test. */
export function wordTable(locale: Locale): WordTable {
  return TABLES[locale];
}
