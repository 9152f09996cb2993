import { LOCALES, type Locale } from "./catalogue.js";

/** A stored or configured value that names one of our languages. */
export function asLocale(value: string | null | undefined): Locale | undefined {
  return LOCALES.find((l) => l === value);
}

/**
 * The language an Accept-Language header asks for among ours (RFC 9110 §12.5.4): ranges by
 * q-value, highest first (ties keep the header's order), a range matching a language by its
 * primary subtag (`de-CH` → de), `*` matching the fallback; q=0 refuses. Undefined when
 * nothing in it is ours.
 */
export function acceptedLocale(header: string | undefined, fallback: Locale): Locale | undefined {
  if (!header) return undefined;
  const ranges: { tag: string; q: number; order: number }[] = [];
  for (const [order, part] of header.split(",").slice(0, 32).entries()) {
    const [range = "", ...params] = part.trim().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => /^q=/i.test(p));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0 || q > 1) continue;
    ranges.push({ tag: range.trim().toLowerCase(), q, order });
  }
  ranges.sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { tag } of ranges) {
    if (tag === "*") return fallback;
    const found = asLocale(tag.split("-")[0]);
    if (found) return found;
  }
  return undefined;
}

/**
 * The reader's language: their own choice (stored on the account), else what their browser
 * asks for, else the installation's default (DEFAULT_LOCALE).
 */
export function chooseLocale(input: {
  chosen?: string | null | undefined;
  acceptLanguage?: string | undefined;
  fallback: Locale;
}): Locale {
  return (
    asLocale(input.chosen) ?? acceptedLocale(input.acceptLanguage, input.fallback) ?? input.fallback
  );
}
