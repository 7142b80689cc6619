/**
 * The summary paragraph of a ledger's figures, in the style of the published campaign reports ("开展宣讲及公益活动
 * 2.3万余场，志愿者参与16.3万余人次，筹集善款物资约1.56亿元，各族受益群众达10.9万余人次"), with each exact figure beside
 * its worded one. Pure: the caller brings the totals, names and labels.
 */
import {
  chineseCount, chineseYuan, englishCount, englishYuan, exactDuration, exactYuan, groupDigits, wordedDate,
} from './figure-wording';

export const REPORT_LANGUAGES = ['zh-CN', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/** The totals a summary speaks of (a subset of the read model's totals). */
export interface SummaryTotals {
  activitiesHeld: number;
  participants: number;
  beneficiaries: number;
  volunteerParticipations: number;
  volunteerMinutesVerified: number;
  fundsRaised: number;
  disbursed: number;
}

export interface SummaryInput {
  lang: ReportLanguage;
  unitName: string;
  campaignName?: string;
  /** Inclusive `YYYY-MM-DD` bounds of the period, when the report has them. */
  from?: string;
  to?: string;
  /** The date the figures stand at ("截至…"), used when the period has no end. */
  standsOn: string;
  totals: SummaryTotals;
  /** Activity categories held, largest first, with their labels in the report's language. */
  categories: { label: string; activitiesHeld: number }[];
}

export interface SummaryFigure {
  key: keyof SummaryTotals;
  value: number;
  /** '场', '人次', '小时', '元' (or their English). */
  unit: string;
  /** The rounded wording: "2.3万余场", "约1.56亿元", "over 23 thousand". */
  wording: string;
  /** The exact figure: "23,456场", "156,012,345.67元". */
  exact: string;
  /** Whether the wording rounded the figure (余, 约, over, about); the text gives the exact figure beside only then. */
  rounded: boolean;
}

export interface Summary {
  text: string;
  figures: SummaryFigure[];
}

const ZH_UNITS: Record<keyof SummaryTotals, string> = {
  activitiesHeld: '场', participants: '人次', beneficiaries: '人次', volunteerParticipations: '人次',
  volunteerMinutesVerified: '小时', fundsRaised: '元', disbursed: '元',
};
const EN_UNITS: Record<keyof SummaryTotals, string> = {
  activitiesHeld: 'activities', participants: 'person-times', beneficiaries: 'person-times',
  volunteerParticipations: 'person-times', volunteerMinutesVerified: 'hours', fundsRaised: 'yuan', disbursed: 'yuan',
};
const FIGURE_ORDER: (keyof SummaryTotals)[] = [
  'activitiesHeld', 'participants', 'volunteerParticipations', 'volunteerMinutesVerified', 'fundsRaised', 'disbursed', 'beneficiaries',
];

/** One figure, worded and exact, in the report's language. */
export function summaryFigure(key: keyof SummaryTotals, value: number, lang: ReportLanguage): SummaryFigure {
  const figure = wordFigure(key, value, lang);
  // The wordings mark every rounding with one of these words, and only a rounding.
  return { ...figure, rounded: lang === 'en' ? /^(over|about) /.test(figure.wording) : /[余约]/.test(figure.wording) };
}

function wordFigure(key: keyof SummaryTotals, value: number, lang: ReportLanguage): Omit<SummaryFigure, 'rounded'> {
  const zh = lang === 'zh-CN';
  const unit = (zh ? ZH_UNITS : EN_UNITS)[key];
  if (key === 'fundsRaised' || key === 'disbursed') {
    return zh
      ? { key, value, unit, wording: chineseYuan(value), exact: `${exactYuan(value)}元` }
      : { key, value, unit, wording: englishYuan(value), exact: `¥${exactYuan(value)}` };
  }
  if (key === 'volunteerMinutesVerified') {
    // Under an hour, hours rounded down say "0余小时": the minutes are the figure, and exact.
    if (value < 60) {
      return zh
        ? { key, value, unit, wording: `${value}分钟`, exact: exactDuration(value, lang) }
        : { key, value, unit, wording: `${value} ${value === 1 ? 'minute' : 'minutes'}`, exact: exactDuration(value, lang) };
    }
    const hours = Math.floor(value / 60);
    const more = value % 60 > 0;
    return zh
      ? { key, value, unit, wording: `${chineseCount(hours, more)}小时`, exact: exactDuration(value, lang) }
      : { key, value, unit, wording: `${englishCount(hours, more)} ${hours === 1 ? 'hour' : 'hours'}`, exact: exactDuration(value, lang) };
  }
  return zh
    ? { key, value, unit, wording: `${chineseCount(value)}${unit}`, exact: `${groupDigits(value)}${unit}` }
    : { key, value, unit, wording: englishCount(value), exact: groupDigits(value) };
}

/** The period the report covers, as its opening words. */
function period(input: SummaryInput): string {
  const { from, to, standsOn, lang } = input;
  if (lang === 'en') {
    if (from && to) return `From ${wordedDate(from, lang)} to ${wordedDate(to, lang)}`;
    if (from) return `Since ${wordedDate(from, lang)}`;
    return `As of ${wordedDate(to ?? standsOn, lang)}`;
  }
  if (from && to) return `${wordedDate(from, lang)}至${wordedDate(to, lang)}`;
  if (from) return `${wordedDate(from, lang)}以来`;
  return `截至${wordedDate(to ?? standsOn, lang)}`;
}

/**
 * The categories a report names: the two largest, fewer where a tie at the cut would make the choice arbitrary
 * (ten categories of one activity each name none); 其他 ("other") is never named.
 */
function namedCategories(categories: SummaryInput['categories'], other: string): { named: string[]; held: number } {
  const held = categories.filter((category) => category.activitiesHeld > 0).sort((a, b) => b.activitiesHeld - a.activitiesHeld);
  let count = Math.min(2, held.length);
  while (count > 0 && held.length > count && held[count - 1].activitiesHeld === held[count].activitiesHeld) count--;
  return { named: held.slice(0, count).map((category) => category.label).filter((label) => label !== other), held: held.length };
}

/** "宣讲活动", "宣讲及公益活动", "宣讲、公益等各类活动", "各类活动". */
function chineseActivities(categories: SummaryInput['categories']): string {
  const { named, held } = namedCategories(categories, '其他');
  if (named.length === 0) return '各类活动';
  if (held === 1) return `${named[0]}活动`;
  if (held === 2 && named.length === 2) return `${named[0]}及${named[1]}活动`;
  return `${named.join('、')}等各类活动`;
}

function englishActivities(categories: SummaryInput['categories']): string {
  const { named } = namedCategories(categories, 'other');
  if (named.length === 0) return '';
  return `, mostly ${named.join(' and ')}`;
}

function chineseText(input: SummaryInput, figure: (key: keyof SummaryTotals) => SummaryFigure): string {
  const { totals } = input;
  const both = (key: keyof SummaryTotals): string => (figure(key).rounded ? `${figure(key).wording}（${figure(key).exact}）` : figure(key).wording);
  const clauses = [
    totals.activitiesHeld > 0 ? `开展${chineseActivities(input.categories)}${both('activitiesHeld')}` : '暂无活动记录',
  ];
  if (totals.participants > 0) clauses.push(`参与群众${both('participants')}`);
  if (totals.volunteerParticipations > 0) clauses.push(`志愿者参与${both('volunteerParticipations')}`);
  if (totals.volunteerMinutesVerified > 0) clauses.push(`经审核志愿服务时长${both('volunteerMinutesVerified')}`);
  if (totals.fundsRaised > 0) clauses.push(`筹集善款物资${both('fundsRaised')}`);
  if (totals.disbursed > 0) clauses.push(`支出善款${both('disbursed')}`);
  if (totals.beneficiaries > 0) clauses.push(`各族受益群众达${both('beneficiaries')}`);
  const campaign = input.campaignName ? `围绕“${input.campaignName}”，` : '';
  return `${period(input)}，${input.unitName}${campaign}${clauses.join('，')}。`;
}

function englishText(input: SummaryInput, figure: (key: keyof SummaryTotals) => SummaryFigure): string {
  const { totals } = input;
  const both = (key: keyof SummaryTotals): string => (figure(key).rounded ? `${figure(key).wording} (${figure(key).exact})` : figure(key).wording);
  // "1 activity", "2 activities", "over 1 thousand activities": the noun is singular only for exactly one.
  const counted = (key: keyof SummaryTotals, singular: string, plural: string): string =>
    `${both(key)} ${figure(key).wording === '1' ? singular : plural}`;
  const campaign = input.campaignName ? ` for the campaign “${input.campaignName}”` : '';
  const clauses = [
    totals.activitiesHeld > 0
      ? `${input.unitName}${campaign} held ${counted('activitiesHeld', 'activity', 'activities')}${englishActivities(input.categories)}`
      : `${input.unitName}${campaign} has no activities on record`,
  ];
  if (totals.participants > 0) clauses.push(`participants numbered ${counted('participants', 'person-time', 'person-times')}`);
  if (totals.volunteerParticipations > 0) clauses.push(`volunteers took part ${counted('volunteerParticipations', 'time', 'times')}`);
  if (totals.volunteerMinutesVerified > 0) clauses.push(`verified volunteer service came to ${both('volunteerMinutesVerified')}`);
  if (totals.fundsRaised > 0) clauses.push(`funds and goods raised came to ${both('fundsRaised')}`);
  if (totals.disbursed > 0) clauses.push(`${both('disbursed')} was disbursed`);
  if (totals.beneficiaries > 0) clauses.push(`beneficiaries reached ${counted('beneficiaries', 'person-time', 'person-times')}`);
  return `${period(input)}, ${clauses.join('; ')}.`;
}

/** The paragraph and every figure behind it (zeros included), in the report's language. */
export function summarise(input: SummaryInput): Summary {
  const figures = FIGURE_ORDER.map((key) => summaryFigure(key, input.totals[key], input.lang));
  const byKey = (key: keyof SummaryTotals): SummaryFigure => figures.find((figure) => figure.key === key)!;
  const text = input.lang === 'en' ? englishText(input, byKey) : chineseText(input, byKey);
  return { text, figures };
}
