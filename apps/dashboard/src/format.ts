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

/** A local date and time `YYYY-MM-DD HH:mm[:ss]` (the browser's zone; a space or a T between) as an ISO instant. */
export function localToInstant(value: string): string | undefined {
  if (!isLocalDateTime(value)) return undefined;
  const date = new Date(value.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** True for a real calendar date `YYYY-MM-DD` (no 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** True for `YYYY-MM-DD HH:mm` or `YYYY-MM-DD HH:mm:ss` (or with a T) on a real date and clock. */
export function isLocalDateTime(value: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})[ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.exec(value);
  return match !== null && isCalendarDate(match[1]);
}

/** '2026-03' → '2026年3月' or 'Mar 2026'. */
export function monthName(key: string, locale: string): string {
  const [year, month] = key.split('-').map(Number);
  if (!year || !month) return key;
  if (locale === 'zh-CN') return `${year}年${month}月`;
  return new Intl.DateTimeFormat('en', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 1));
}

/** Every `YYYY-MM` from `first` to `last`, both included: the months a trend spans, those without data too. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = first.split('-').map(Number);
  for (let key = first; key <= last; key = `${year}-${String(month).padStart(2, '0')}`) {
    months.push(key);
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
  }
  return months;
}

const compact = new Map<string, Intl.NumberFormat>();

/**
 * An axis label for 分, short enough not to run into its neighbours: "¥30万", "¥1.5亿" in Chinese, "¥300K", "¥1.5M"
 * in English. Only for axis ticks; figures people read stay exact (formatFen).
 */
export function compactYuan(fen: number, locale: string): string {
  let format = compact.get(locale);
  if (!format) compact.set(locale, (format = new Intl.NumberFormat(locale === 'zh-CN' ? 'zh-CN' : 'en', { notation: 'compact', maximumFractionDigits: 2 })));
  return `${fen < 0 ? '-' : ''}¥${format.format(Math.abs(fen) / 100)}`;
}

/**
 * `part` as a percentage of `whole` to two decimals, rounded half up on its own: equal parts always read the same
 * (a largest-remainder split would give one of two equal parts 20.84% and the other 20.83%).
 */
export function sharePercent(part: number, whole: number): string {
  if (whole <= 0) return '0.00%';
  const hundredths = Math.round((part * 10_000) / whole);
  return `${Math.trunc(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}%`;
}
