import { isAfter, isCalendarDate, ledgerToday, monthOf } from './dates';

describe('isCalendarDate', () => {
  it.each(['2024-01-01', '2024-02-29', '2000-02-29', '1900-01-01', '2999-12-31', '2023-04-30', '2023-12-31'])(
    'accepts the real date %s', (date) => {
      expect(isCalendarDate(date)).toBe(true);
    },
  );

  it.each([
    ['2023-02-30', 'a day the month lacks'],
    ['2023-02-29', '29 February in a common year'],
    ['1900-02-29', '29 February in a century year not divisible by 400'],
    ['2023-04-31', '31 April'],
    ['2023-13-01', 'month 13'],
    ['2023-00-10', 'month 0'],
    ['2023-01-00', 'day 0'],
    ['1899-12-31', 'a year before 1900'],
    ['3000-01-01', 'a year after 2999'],
    ['2023-1-01', 'a one-digit month'],
    ['2023-01-01T00:00:00Z', 'an instant'],
    [' 2023-01-01', 'surrounding blanks'],
    ['20230101', 'no dashes'],
    ['', 'the empty string'],
  ])('refuses %s (%s)', (date) => {
    expect(isCalendarDate(date)).toBe(false);
  });

  it('refuses values that are not strings', () => {
    expect(isCalendarDate(20230101)).toBe(false);
    expect(isCalendarDate(null)).toBe(false);
    expect(isCalendarDate(new Date('2023-01-01'))).toBe(false);
  });
});

describe('ledgerToday', () => {
  it('is the Asia/Shanghai date: 16:00 UTC is already the next day there', () => {
    expect(ledgerToday(new Date('2024-06-15T15:59:59.999Z'))).toBe('2024-06-15');
    expect(ledgerToday(new Date('2024-06-15T16:00:00Z'))).toBe('2024-06-16');
  });

  it('ignores the offset the instant was written with', () => {
    expect(ledgerToday(new Date('2024-06-15T23:30:00-05:00'))).toBe('2024-06-16');
    expect(ledgerToday(new Date('2024-06-16T00:30:00+08:00'))).toBe('2024-06-16');
  });

  it('crosses year ends and leap days', () => {
    expect(ledgerToday(new Date('2023-12-31T16:00:00Z'))).toBe('2024-01-01');
    expect(ledgerToday(new Date('2024-02-28T16:00:00Z'))).toBe('2024-02-29');
  });

  it('has no daylight saving: the offset is +8 in January and in July', () => {
    expect(ledgerToday(new Date('2024-01-10T15:59:00Z'))).toBe('2024-01-10');
    expect(ledgerToday(new Date('2024-07-10T15:59:00Z'))).toBe('2024-07-10');
  });
});

describe('monthOf', () => {
  it('is the YYYY-MM of a date', () => {
    expect(monthOf('2024-02-29')).toBe('2024-02');
    expect(monthOf('1999-12-31')).toBe('1999-12');
  });
});

describe('isAfter', () => {
  it('compares calendar dates', () => {
    expect(isAfter('2024-06-16', '2024-06-15')).toBe(true);
    expect(isAfter('2024-06-15', '2024-06-15')).toBe(false);
    expect(isAfter('2023-12-31', '2024-01-01')).toBe(false);
  });
});
