import { chineseCount, chineseYuan, englishCount, englishYuan, exactDuration, exactYuan, groupDigits, wordedDate } from './figure-wording';

describe('chineseCount: counts worded as the published reports word them', () => {
  it.each([
    // The Huaihua report's own figures, from plausible exact counts behind them.
    [23_456, '2.3万余'],
    [163_012, '16.3万余'],
    [109_345, '10.9万余'],
    [186_050, '18.6万余'],
    [1_304_567, '130余万'],
    [1_823, '1820余'],
    // Exact figures keep no 余.
    [23_000, '2.3万'],
    [1_300_000, '130万'],
    [1_820, '1820'],
    [30_000, '3万'],
    [100_500, '10万余'],
    // Small counts are exact.
    [0, '0'],
    [23, '23'],
    [999, '999'],
    [1_000, '1000'],
    [9_999, '9990余'],
    [999_999, '99.9万余'],
    [1_000_000, '100万'],
    [99_999_999, '9999余万'],
    [156_000_000, '1.56亿'],
    [156_012_345, '1.56亿余'],
    [200_000_001, '2亿余'],
  ])('given %i, when worded, then "%s"', (count, wording) => {
    expect(chineseCount(count)).toBe(wording);
  });

  it('given a remainder the count does not show (minutes under an hour), when worded, then 余 is added even to an exact count', () => {
    expect(chineseCount(41_000, true)).toBe('4.1万余');
    expect(chineseCount(12, true)).toBe('12余');
    expect(chineseCount(1_300_000, true)).toBe('130余万');
  });
});

describe('englishCount: the same rounding in English', () => {
  it.each([
    [23_456, 'over 23 thousand'],
    [163_012, 'over 163 thousand'],
    [23_000, '23 thousand'],
    [1_304_567, 'over 1.3 million'],
    [1_300_000, '1.3 million'],
    [1_823, 'over 1,820'],
    [999, '999'],
    [156_012_345, 'over 156 million'],
    [2_500_000_000, '2.5 billion'],
  ])('given %i, when worded, then "%s"', (count, wording) => {
    expect(englishCount(count)).toBe(wording);
  });
});

describe('chineseYuan: money in 分 worded with 约', () => {
  it.each([
    // 约1.56亿元, as published.
    [15_601_234_567, '约1.56亿元'],
    [15_600_000_000, '1.56亿元'],
    // 4878.18万元 (the Guangxi tourism figure), to the hundredth of a 万.
    [4_878_180_000, '4878.18万元'],
    [4_878_184_999, '约4878.18万元'],
    [4_878_185_000, '约4878.19万元'],
    [876_550, '约8766元'],
    [876_500, '8765元'],
    [0, '0元'],
    [1, '0.01元'],
    [50, '0.5元'],
    // A figure that rounds up to the next unit is written in it.
    [999_999, '约1万元'],
    [9_999_999_999, '约1亿元'],
  ])('given %i 分, when worded, then "%s"', (fen, wording) => {
    expect(chineseYuan(fen)).toBe(wording);
  });
});

describe('englishYuan', () => {
  it.each([
    [15_601_234_567, 'about ¥156 million'],
    // To the hundred yuan, as 约4878.18万元 and 约12.35万元 are (not to the ten thousand or the thousand).
    [4_878_184_999, 'about ¥48,781,800'],
    [12_345_678, 'about ¥123,500'],
    [1_548_620, 'about ¥15,500'],
    [99_990_000, '¥999,900'],
    [9_999_999_999, 'about ¥100 million'],
    [15_600_000_000, '¥156 million'],
    [123_412_345_678, 'about ¥1.234 billion'],
    [876_500, '¥8,765'],
    [37, '¥0.37'],
    [250_000_000_000, '¥2.5 billion'],
  ])('given %i 分, when worded, then "%s"', (fen, wording) => {
    expect(englishYuan(fen)).toBe(wording);
  });
});

/** The number a wording states, in yuan or in units counted: "约1.55万元" → 15500, "about ¥1.234 billion" → 1234000000. */
function stated(wording: string): number {
  const scale: Record<string, number> = { 万: 1e4, 亿: 1e8, thousand: 1e3, million: 1e6, billion: 1e9, '': 1 };
  const match = /(\d[\d,.]*)\s*(万|亿|thousand|million|billion|)/.exec(wording)!;
  return Math.round(Number(match[1].replace(/,/g, '')) * scale[match[2]] * 100) / 100;
}

describe('the Chinese and English wordings of a figure', () => {
  const samples = [
    0, 7, 999, 1_000, 1_823, 9_999, 15_486, 23_456, 99_999, 163_012, 999_999, 1_304_567, 48_781_849, 99_999_999,
    156_012_345, 1_234_123_456, 2_500_000_000,
  ];

  it.each(samples.flatMap((value) => [value, value * 100 + 37]))('given %i 分, when worded in each language, then both state the same amount, and both or neither say it is rounded', (fen) => {
    const [zh, en] = [chineseYuan(fen), englishYuan(fen)];
    expect([en, stated(en)]).toEqual([en, stated(zh)]);
    expect(zh.startsWith('约')).toBe(en.startsWith('about '));
  });

  it.each(samples)('given a count of %i, when worded in each language, then both state the same number, and both or neither say "more"', (count) => {
    const [zh, en] = [chineseCount(count), englishCount(count)];
    expect([en, stated(en)]).toEqual([en, stated(zh.replace('余万', '万余'))]);
    expect(zh.includes('余')).toBe(en.startsWith('over '));
  });
});

describe('exact figures beside the worded ones', () => {
  it('groups digits and writes 分 as yuan with two decimals, never through a float', () => {
    expect(groupDigits(1_304_567)).toBe('1,304,567');
    expect(exactYuan(15_601_234_567)).toBe('156,012,345.67');
    expect(exactYuan(5)).toBe('0.05');
    expect(exactYuan(900_719_925_474_099)).toBe('9,007,199,254,740.99');
  });

  it('writes minutes as hours and minutes', () => {
    expect(exactDuration(2_474_430, 'zh-CN')).toBe('41,240小时30分钟');
    expect(exactDuration(120, 'zh-CN')).toBe('2小时');
    expect(exactDuration(2_474_430, 'en')).toBe('41,240 h 30 min');
  });

  it('writes calendar dates in either language', () => {
    expect(wordedDate('2026-01-05', 'zh-CN')).toBe('2026年1月5日');
    expect(wordedDate('2026-11-30', 'en')).toBe('30 November 2026');
  });
});
