import type { BreakdownRow } from './api';
import { campaignOption, categoryOption, monthSeries, rowLabel, trendOption } from './charts';
import { compactYuan, isCalendarDate, isLocalDateTime, monthsBetween, sharePercent } from './format';

const t = (key: string, values?: Record<string, unknown>) => `${key}${values ? JSON.stringify(values) : ''}`;
const row = (key: string | null, figures: Partial<BreakdownRow> = {}): BreakdownRow => ({
  key, label: key ?? '（无）', activitiesHeld: 0, participants: 0, beneficiaries: 0, materialsDistributed: 0, volunteerParticipations: 0,
  volunteerMinutesLogged: 0, volunteerMinutesVerified: 0, distinctVolunteers: 0, moneyReceived: 0, moneyRefunded: 0,
  goodsValueReceived: 0, fundsRaised: 0, disbursed: 0, donations: 0, ...figures,
});

describe('the monthly trend', () => {
  it('given data in Jan, Feb, Mar and May, when charted, then April is there with zeros, not skipped', () => {
    const rows = ['2026-05', '2026-01', '2026-03', '2026-02'].map((key) => row(key, { activitiesHeld: 2, volunteerParticipations: 3 }));
    expect(monthSeries(rows).map((month) => [month.month, month.activitiesHeld])).toEqual([
      ['2026-01', 2], ['2026-02', 2], ['2026-03', 2], ['2026-04', 0], ['2026-05', 2],
    ]);
    const option = trendOption(rows, t, 'zh-CN');
    expect(option.xAxis.data).toEqual(['2026年1月', '2026年2月', '2026年3月', '2026年4月', '2026年5月']);
    expect(option.series[1].data).toEqual([3, 3, 3, 0, 3]);
  });

  it('spans a turn of the year, and leaves out the row of facts without a month', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthSeries([row('2025-12'), row(null, { activitiesHeld: 5 }), row('2026-01')]).map((month) => month.month)).toEqual(['2025-12', '2026-01']);
    expect(monthSeries([])).toEqual([]);
  });
});

describe('the campaign chart\'s money axis', () => {
  it.each([
    [30_000_000, 'zh-CN', '¥30万'], [150_000_000, 'zh-CN', '¥150万'], [15_000_000_000, 'zh-CN', '¥1.5亿'], [500_000, 'zh-CN', '¥5000'],
    [30_000_000, 'en', '¥300K'], [150_000_000, 'en', '¥1.5M'], [0, 'en', '¥0'],
  ])('given a tick at %i 分 on a %s page, then its label is the short "%s"', (fen, locale, label) => {
    expect(compactYuan(fen, locale)).toBe(label);
    expect(campaignOption([row('c', { fundsRaised: fen })], t, locale).xAxis.axisLabel.formatter(fen)).toBe(label);
  });
});

describe('the category shares', () => {
  it('given two categories of equal count, when labelled, then both show the same percentage', () => {
    const rows = [5, 5, 5, 5, 2, 2].map((activitiesHeld, index) => row(`c${index}`, { activitiesHeld }));
    const { formatter } = categoryOption(rows, t, 'zh-CN').series[0].label;
    const labels = rows.map((r) => formatter({ name: r.key!, value: r.activitiesHeld }));
    expect(labels.slice(0, 4)).toEqual(['c0\n20.83%', 'c1\n20.83%', 'c2\n20.83%', 'c3\n20.83%']);
    expect(labels.slice(4)).toEqual(['c4\n8.33%', 'c5\n8.33%']);
    expect(sharePercent(1, 8)).toBe('12.50%');
    expect(sharePercent(0, 0)).toBe('0.00%');
  });
});

describe('the row of facts recorded on the unit shown itself', () => {
  it('is named in the page\'s language, the API\'s Chinese label left aside', () => {
    const own = row('huaihua');
    own.label = '怀化市（本级）';
    expect(rowLabel('orgUnit', own, t, 'en', { id: 'huaihua', name: '怀化市' })).toBe('charts.ownLevel{"name":"怀化市"}');
    expect(rowLabel('orgUnit', row('mayang'), t, 'en', { id: 'huaihua', name: '怀化市' })).toBe('mayang');
  });
});

describe('typed dates', () => {
  it('takes real calendar dates and local instants only', () => {
    expect(['2026-02-28', '2024-02-29', '2026-02-30', '2026-13-01', '26-1-1', '2026-1-01'].map(isCalendarDate))
      .toEqual([true, true, false, false, false, false]);
    expect(['2020-01-01T08:00:00', '2020-01-01 08:00', '2020-01-01 24:00', '2020-02-30 08:00', '2020-01-01'].map(isLocalDateTime))
      .toEqual([true, true, false, false, false]);
  });
});
