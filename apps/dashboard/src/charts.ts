/** ECharts options for the dashboard's charts, built from breakdown rows; labels in the page's language. */
import type { BreakdownRow } from './api';
import { compactYuan, formatCount, formatFen, monthName, monthsBetween, sharePercent } from './format';

type Translate = (key: string, values?: Record<string, unknown>) => string;

export const FONT_FAMILY = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", system-ui, sans-serif';
export const PALETTE = ['#b8322a', '#2f5d8a', '#d4a017', '#3c8d7e', '#7a5195', '#e07b39', '#5b7083', '#9c6644', '#4f9d69', '#c2185b'];

const base = (locale: string) => ({
  color: PALETTE,
  textStyle: { fontFamily: FONT_FAMILY },
  animationDuration: 300,
  grid: { left: 12, right: 16, top: 40, bottom: 8, containLabel: true },
  tooltip: {
    trigger: 'axis' as const, axisPointer: { type: 'shadow' as const },
    valueFormatter: (value: unknown) => (typeof value === 'number' ? formatCount(value, locale) : String(value ?? '')),
  },
});

/**
 * What a row is called: API labels for units and campaigns, the page's language for the enumerations and for the row
 * of facts recorded on the unit shown itself (`own`: that unit's id and name), which the API labels in Chinese.
 */
export function rowLabel(dimension: string, row: BreakdownRow, t: Translate, locale: string, own?: { id: string; name: string }): string {
  if (row.key === null) return t('none');
  if (dimension === 'orgUnit' && own && row.key === own.id) return t('charts.ownLevel', { name: own.name });
  if (dimension === 'category') return t(`category.${row.key}`);
  if (dimension === 'venueType') return t(`venue.${row.key}`);
  if (dimension === 'month') return monthName(row.key, locale);
  return row.label;
}

/** The month rows from the first month with data to the last, a month without data as zeros (so a line never skips one). */
export function monthSeries(rows: BreakdownRow[]): { month: string; activitiesHeld: number; volunteerParticipations: number }[] {
  const byMonth = new Map(rows.filter((row) => row.key !== null).map((row) => [row.key!, row]));
  if (byMonth.size === 0) return [];
  const keys = [...byMonth.keys()].sort();
  return monthsBetween(keys[0], keys[keys.length - 1]).map((month) => ({
    month, activitiesHeld: byMonth.get(month)?.activitiesHeld ?? 0, volunteerParticipations: byMonth.get(month)?.volunteerParticipations ?? 0,
  }));
}

export function trendOption(rows: BreakdownRow[], t: Translate, locale: string) {
  const months = monthSeries(rows);
  return {
    ...base(locale),
    legend: { top: 0, textStyle: { fontFamily: FONT_FAMILY } },
    xAxis: { type: 'category', data: months.map((row) => monthName(row.month, locale)) },
    yAxis: [{ type: 'value', minInterval: 1 }, { type: 'value', minInterval: 1, splitLine: { show: false } }],
    series: [
      { name: t('cards.activitiesHeld'), type: 'bar', barMaxWidth: 28, data: months.map((row) => row.activitiesHeld) },
      {
        name: t('cards.volunteerParticipations'), type: 'line', yAxisIndex: 1, symbolSize: 7,
        data: months.map((row) => row.volunteerParticipations),
      },
    ],
  };
}

export function orgUnitOption(rows: BreakdownRow[], t: Translate, locale: string, own?: { id: string; name: string }) {
  return {
    ...base(locale),
    legend: { top: 0, textStyle: { fontFamily: FONT_FAMILY } },
    xAxis: { type: 'category', data: rows.map((row) => rowLabel('orgUnit', row, t, locale, own)), axisLabel: { interval: 0, hideOverlap: true } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: t('cards.activitiesHeld'), type: 'bar', barMaxWidth: 28, data: rows.map((row) => row.activitiesHeld), cursor: 'pointer' },
      { name: t('cards.volunteerParticipations'), type: 'bar', barMaxWidth: 28, data: rows.map((row) => row.volunteerParticipations), cursor: 'pointer' },
    ],
  };
}

/** Campaigns by funds raised (分; axis labels short, in 万/亿 or K/M, tooltips exact). */
export function campaignOption(rows: BreakdownRow[], t: Translate, locale: string) {
  const campaigns = rows.filter((row) => row.key !== null);
  return {
    ...base(locale),
    grid: { left: 12, right: 24, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (value: unknown) => formatFen(Number(value), locale) },
    xAxis: { type: 'value', splitNumber: 3, axisLabel: { formatter: (value: number) => compactYuan(value, locale), hideOverlap: true } },
    yAxis: { type: 'category', inverse: true, data: campaigns.map((row) => row.label), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [{ name: t('cards.fundsRaised'), type: 'bar', barMaxWidth: 22, data: campaigns.map((row) => row.fundsRaised) }],
  };
}

export function categoryOption(rows: BreakdownRow[], t: Translate, locale: string) {
  const shown = rows.filter((row) => row.key !== null && row.activitiesHeld > 0);
  const whole = shown.reduce((sum, row) => sum + row.activitiesHeld, 0);
  return {
    color: PALETTE,
    textStyle: { fontFamily: FONT_FAMILY },
    tooltip: { trigger: 'item', valueFormatter: (value: unknown) => formatCount(Number(value), locale) },
    series: [{
      name: t('cards.activitiesHeld'), type: 'pie', radius: ['38%', '64%'], center: ['50%', '52%'],
      // ECharts' own {d} splits ties by largest remainder; each share is rounded on its own instead.
      label: { formatter: (item: { name: string; value: number }) => `${item.name}\n${sharePercent(item.value, whole)}`, fontSize: 11, lineHeight: 14 },
      labelLine: { length: 8, length2: 6 },
      data: shown.map((row) => ({ name: rowLabel('category', row, t, locale), value: row.activitiesHeld })),
    }],
  };
}

export function venueOption(rows: BreakdownRow[], t: Translate, locale: string) {
  const shown = rows.filter((row) => row.activitiesHeld > 0).sort((a, b) => b.activitiesHeld - a.activitiesHeld);
  return {
    ...base(locale),
    grid: { left: 12, right: 24, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: shown.map((row) => rowLabel('venueType', row, t, locale)) },
    series: [{ name: t('cards.activitiesHeld'), type: 'bar', barMaxWidth: 22, data: shown.map((row) => row.activitiesHeld) }],
  };
}
