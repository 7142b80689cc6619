/**
 * Figures as people read them. Money arrives in 分 and hours in minutes, both integers: they are split with integer
 * arithmetic and only the integer parts pass through the locale's grouping, so no float ever rounds a figure.
 */

const grouping = new Map<string, Intl.NumberFormat>();

function group(value: number, locale: string): string {
  let format = grouping.get(locale);
  if (!format) grouping.set(locale, (format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })));
  return format.format(value);
}

/** 12345 → "12,345". */
export function formatCount(value: number, locale: string): string {
  return group(value, locale);
}

/** 1250000 分 → "¥12,500.00". */
export function formatFen(fen: number, locale: string): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${group(Math.trunc(abs / 100), locale)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Minutes as hours to one decimal, half up: 150 → "2.5". */
export function formatHours(minutes: number, locale: string): string {
  const tenths = Math.trunc((minutes * 10 + 30) / 60);
  return `${group(Math.trunc(tenths / 10), locale)}.${tenths % 10}`;
}

/** A `datetime-local` value (the browser's zone) as an ISO instant; empty stays undefined. */
export function localToInstant(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
