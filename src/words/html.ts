import { interpolate, type Locale, type ParamArgs, template, type WordId } from "./catalogue.js";

// A tagged template that escapes every interpolated value unless it is already Html.
// Pages and emails are built only with it, so user data cannot become markup.
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

type Value = Html | string | number | boolean | null | undefined | Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false || value === true) return "";
  if (Array.isArray(value)) return value.map(render).join("");
  if (value instanceof Html) return value.value;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** Trusted markup from our own code (e.g. the QR code SVG). */
export function raw(markup: string): Html {
  return new Html(markup);
}

/**
 * A catalogue word as markup: the word is escaped like any text, and a placeholder may
 * take Html (a link, <strong>) where the markup sits inside the sentence, so the words
 * stay whole for translators and the markup stays out of the catalogue.
 */
export function tHtml<Id extends WordId>(
  locale: Locale,
  id: Id,
  ...params: ParamArgs<Id, string | number | Html>
): Html {
  const values = params[0] as Readonly<Record<string, string | number | Html>> | undefined;
  return new Html(interpolate(escapeHtml(template(locale, id, values?.count)), values, render));
}
