/** Dates and durations as Chinese official documents write them: shared by reports and certificates. */
import type { IsoDate } from './events';

const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567". */
export function groupDigits(value: number): string {
  return grouping.format(value);
}

/** `2026-03-05` → `2026年3月5日`. */
export function chineseDate(date: IsoDate): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

/** 125 → `2小时5分钟`; whole hours drop the minutes (`2小时`), under an hour drops the hours (`45分钟`); hours grouped. */
export function chineseDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest}分钟`;
  return rest === 0 ? `${groupDigits(hours)}小时` : `${groupDigits(hours)}小时${rest}分钟`;
}
