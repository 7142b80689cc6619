import { numberText, serialToDate, toBoolean, toCalendarDate, toInteger, toItems, toText, yuanToFen } from './cells';

const value = <T>(result: { ok: true; value: T } | { ok: false; message: string }) => (result.ok ? result.value : `error: ${result.message}`);

describe('yuan → 分', () => {
  it.each([
    ['12.5', 1250],
    ['12.50', 1250],
    ['0.1', 10],
    ['0.2', 20],
    ['0.30', 30],
    ['.5', 50],
    ['1,250.00', 125000],
    ['1,250', 125000],
    ['12,345,678.9', 1234567890],
    ['¥1,250.00', 125000],
    ['￥８８.８８', 8888],
    ['30元', 3000],
    ['12.500', 1250],
    ['  7  ', 700],
    ['0', 0],
    ['9999999999999.99', 999999999999999],
  ])('Given the text %j, it is %d 分', (text, fen) => {
    expect(yuanToFen(text)).toEqual({ ok: true, value: fen });
  });

  it.each([
    [12.35, 1235],
    [12.5, 1250],
    [0.1, 10],
    [1250, 125000],
    [1e3, 100000],
    [0.1 + 0.2, 30],
    [1.1 * 3, 330],
  ])('Given the numeric cell %p, it is %d 分 without float rounding of the amount', (cell, fen) => {
    expect(yuanToFen(cell)).toEqual({ ok: true, value: fen });
  });

  it.each([
    ['12.345', /more than two decimals/],
    [12.345, /more than two decimals/],
    ['-1', /negative/],
    [-1, /negative/],
    ['(12.00)', /negative/],
    ['1e3', /not an amount/],
    ['1,25', /not an amount/],
    ['1.250,00', /not an amount/],
    ['12,50.00', /not an amount/],
    ['abc', /not an amount/],
    ['.', /not an amount/],
    ['10000000000000000', /too large/],
    [true, /not an amount/],
  ])('Given %p, it is an error naming the value', (cell, message) => {
    const result = yuanToFen(cell);
    expect(result.ok).toBe(false);
    expect(value(result)).toMatch(message);
    expect(value(result)).toContain(typeof cell === 'string' ? JSON.stringify(cell) : String(cell));
  });

  it('keeps the sum of 0.1 and 0.2 yuan exact in 分', () => {
    expect(value(yuanToFen('0.1')) as number + (value(yuanToFen('0.2')) as number)).toBe(30);
  });
});

describe('numberText', () => {
  it('is the shortest round-trip text, cut to 15 significant digits only for formula noise', () => {
    expect(numberText(12.35)).toBe('12.35');
    expect(numberText(0.30000000000000004)).toBe('0.3');
    expect(numberText(123456789012345)).toBe('123456789012345');
    expect(numberText(1e21)).toBe('1e+21');
  });
});

describe('integers', () => {
  it.each([
    [120, 120], ['120', 120], ['1,200', 1200], ['30.0', 30], ['１２', 12], [' 7 ', 7], [-3, -3], [29.999999999999996, 30],
  ])('Given %p, it is %d', (cell, n) => {
    expect(toInteger(cell)).toEqual({ ok: true, value: n });
  });

  it.each([[12.5], ['12.5'], ['十二'], ['12人'], [new Date(0)], ['99999999999999999999']])('Given %p, it is a type error', (cell) => {
    expect(toInteger(cell)).toMatchObject({ ok: false });
  });
});

describe('dates', () => {
  it.each([
    [new Date(Date.UTC(2026, 4, 1)), '2026-05-01'],
    [new Date(Date.UTC(2026, 4, 1, 23, 59)), '2026-05-01'],
    [45000, '2023-03-15'],
    [46143, '2026-05-01'],
    [46143.75, '2026-05-01'],
    [61, '1900-03-01'],
    [1, '1900-01-01'],
    ['2026-05-01', '2026-05-01'],
    ['2026/5/1', '2026-05-01'],
    ['2026/05/01 0:00', '2026-05-01'],
    ['2026.5.1', '2026-05-01'],
    ['2026年5月1日', '2026-05-01'],
    ['2026年05月01号', '2026-05-01'],
    ['２０２６－０５－０１', '2026-05-01'],
    ['20260501', '2026-05-01'],
    [20260501, '2026-05-01'],
    ['2024-02-29', '2024-02-29'],
  ])('Given %p, it is the calendar date %s', (cell, date) => {
    expect(toCalendarDate(cell)).toEqual({ ok: true, value: date });
  });

  it('counts 1904-system serials from 1904-01-01', () => {
    expect(toCalendarDate(44561, true)).toEqual({ ok: true, value: '2026-01-01' });
  });

  it.each([
    ['2026-02-30', /not a real calendar date/],
    ['2025-02-29', /not a real calendar date/],
    ['2026-13-01', /not a real calendar date/],
    ['2026年5月32日', /not a real calendar date/],
    [60, /not a date/],
    [0, /not a date/],
    [-5, /not a date/],
    ['05/01/2026', /not a date/],
    ['下周一', /not a date/],
    [true, /not a date/],
  ])('Given %p, it is an error', (cell, message) => {
    const result = toCalendarDate(cell);
    expect(result.ok).toBe(false);
    expect(value(result)).toMatch(message);
  });

  it('reads serials without a time zone: the same day in any TZ', () => {
    expect(serialToDate(46143)).toBe('2026-05-01');
  });
});

describe('booleans, text and items', () => {
  it.each([['是', true], ['否', false], ['Y', true], ['no', false], [true, true], [0, false], ['TRUE', true]])('%p → %p', (cell, flag) => {
    expect(toBoolean(cell)).toEqual({ ok: true, value: flag });
  });

  it('refuses a boolean it cannot read', () => {
    expect(toBoolean('也许')).toMatchObject({ ok: false });
  });

  it('reads a numeric code as its digits', () => {
    expect(toText(431202)).toEqual({ ok: true, value: '431202' });
    expect(toText('  新营村  ')).toEqual({ ok: true, value: '新营村' });
  });

  it('Given goods as one cell, it lists description, quantity and unit', () => {
    expect(toItems('棉被×30床; 大米×20袋')).toEqual({
      ok: true,
      value: [{ description: '棉被', quantity: 30, unit: '床' }, { description: '大米', quantity: 20, unit: '袋' }],
    });
    expect(toItems('T恤XL x 3件；食用油*10 桶、Books X2 boxes')).toEqual({
      ok: true,
      value: [
        { description: 'T恤XL', quantity: 3, unit: '件' },
        { description: '食用油', quantity: 10, unit: '桶' },
        { description: 'Books', quantity: 2, unit: 'boxes' },
      ],
    });
  });

  it.each([['棉被30床'], ['棉被×30'], ['×30床'], [' ; '], [12]])('Given the items %p, it is an error', (cell) => {
    expect(toItems(cell)).toMatchObject({ ok: false });
  });
});
