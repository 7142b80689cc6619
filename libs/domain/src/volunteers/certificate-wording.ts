/** How a volunteer service record certificate words places and its number's date (dates and durations: ../wording). */
import type { IsoDate } from '../events';

export { chineseDate, chineseDuration } from '../wording';

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
