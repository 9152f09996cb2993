import { type Locale, t } from "./catalogue.js";

export interface DateTimeOptions {
  /** An IANA zone ("Europe/Berlin"); UTC when absent. */
  timeZone?: string;
  seconds?: boolean;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale: Locale, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZone,
      timeZoneName: "short",
    });
    formats.set(key, format);
  }
  return format;
}

/**
 * The one date-and-time formatter of pages and emails: Intl gives the parts in the
 * reader's time zone, the catalogue orders them for the locale ("2030-01-01 00:00:10 UTC"
 * in English, the same on every page so log lines and pages can be compared).
 */
export function formatDateTime(
  locale: Locale,
  ms: number,
  { timeZone = "UTC", seconds = false }: DateTimeOptions = {},
): string {
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of dateTimeFormat(locale, timeZone).formatToParts(ms)) part[p.type] = p.value;
  const values = {
    year: part.year ?? "",
    month: part.month ?? "",
    day: part.day ?? "",
    hour: part.hour ?? "",
    minute: part.minute ?? "",
    zone: part.timeZoneName ?? timeZone,
  };
  return seconds
    ? t(locale, "time.date_time_seconds", { ...values, second: part.second ?? "" })
    : t(locale, "time.date_time", values);
}

/**
 * "Try again in 42 seconds." under 90 s, "… about 3 minutes." under 2 hours, else "… about
 * 4 hours." (a growing second-factor block lasts up to a day).
 */
export function formatWait(locale: Locale, ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 90) return t(locale, "wait.seconds", { count: seconds });
  if (seconds < 7200) return t(locale, "wait.minutes", { count: Math.ceil(seconds / 60) });
  return t(locale, "wait.hours", { count: Math.ceil(seconds / 3600) });
}
