/** Calendar dates as the ledger keeps them: `YYYY-MM-DD` strings, which also sort in date order. */
import type { IsoDate } from './events';

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Asia/Shanghai is UTC+8 all year round (no daylight saving since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True for a real calendar date `YYYY-MM-DD` in the years 1900–2999 (so `2023-02-30` is refused). */
export function isCalendarDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = CALENDAR_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || year > 2999 || month < 1 || month > 12) return false;
  return day >= 1 && day <= daysInMonth(year, month);
}

/** The ledger's calendar date at instant `now`: the date in Asia/Shanghai. */
export function ledgerToday(now: Date): IsoDate {
  return new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

const CALENDAR_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** True for a calendar month `YYYY-MM` in the years 1900–2999 (the key of period locks). */
export function isCalendarMonth(value: unknown): value is string {
  return typeof value === 'string' && CALENDAR_MONTH.test(value) && isCalendarDate(`${value}-01`);
}

/** The `YYYY-MM` month a calendar date falls in (the key of month breakdowns). */
export function monthOf(date: IsoDate): string {
  return date.slice(0, 7);
}

/** True when calendar date `date` lies after `today` (both `YYYY-MM-DD`, so string order is date order). */
export function isAfter(date: IsoDate, today: IsoDate): boolean {
  return date > today;
}
