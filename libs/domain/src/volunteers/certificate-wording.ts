/** How a volunteer service record certificate words dates, durations and places, in formal Chinese. */
import type { IsoDate } from '../events';

/** `2026-03-05` → `2026年3月5日`, as official documents write a date. */
export function chineseDate(date: IsoDate): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

/** 125 → `2小时5分钟`; whole hours drop the minutes (`2小时`), under an hour drops the hours (`45分钟`). */
export function chineseDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest}分钟`;
  return rest === 0 ? `${hours}小时` : `${hours}小时${rest}分钟`;
}

/** More places than this are summed up as "…等单位" in the statement; the table lists every one. */
export const MAX_PLACES_NAMED = 3;

/** The units served at, in order of first service: `新营村、高村镇`, or `A、B、C等单位` when there are more. */
export function chinesePlaces(unitNames: readonly string[]): string {
  const distinct = [...new Set(unitNames)];
  if (distinct.length <= MAX_PLACES_NAMED) return distinct.join('、');
  return `${distinct.slice(0, MAX_PLACES_NAMED).join('、')}等单位`;
}

/** `2026-03-05` → `20260305`, the issue date inside a certificate number. */
export function compactDate(date: IsoDate): string {
  return date.replaceAll('-', '');
}
