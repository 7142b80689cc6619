import ExcelJS from 'exceljs';
import { exactYuan, wordedDate } from '@tongxin/domain';
import type { BreakdownRow, Figures, Totals } from '@tongxin/projections';
import type { BreakdownBy } from '../stats/stats-query.dto';

type FigureKey = keyof Figures;
type Measure = 'count' | 'yuan' | 'hours';

/** Every figure of §5 with its Chinese header; money in 元 and time in 小时 are converted from the ledger's 分 and minutes. */
const FIGURE_COLUMNS: { key: FigureKey; header: string; unit: string; measure: Measure }[] = [
  { key: 'activitiesHeld', header: '活动场次', unit: '场', measure: 'count' },
  { key: 'participants', header: '参与群众（人次）', unit: '人次', measure: 'count' },
  { key: 'beneficiaries', header: '受益群众（人次）', unit: '人次', measure: 'count' },
  { key: 'materialsDistributed', header: '发放宣传资料（份）', unit: '份', measure: 'count' },
  { key: 'volunteerParticipations', header: '志愿者参与（人次）', unit: '人次', measure: 'count' },
  { key: 'volunteerMinutesLogged', header: '志愿服务时长（小时，登记）', unit: '小时', measure: 'hours' },
  { key: 'volunteerMinutesVerified', header: '志愿服务时长（小时，已审核）', unit: '小时', measure: 'hours' },
  { key: 'distinctVolunteers', header: '志愿者人数', unit: '人', measure: 'count' },
  { key: 'moneyReceived', header: '收到善款（元）', unit: '元', measure: 'yuan' },
  { key: 'moneyRefunded', header: '退回善款（元）', unit: '元', measure: 'yuan' },
  { key: 'goodsValueReceived', header: '捐赠物资折价（元）', unit: '元', measure: 'yuan' },
  { key: 'fundsRaised', header: '筹集善款物资（元）', unit: '元', measure: 'yuan' },
  { key: 'disbursed', header: '支出善款（元）', unit: '元', measure: 'yuan' },
  { key: 'donations', header: '捐赠笔数', unit: '笔', measure: 'count' },
  { key: 'disbursementBeneficiaries', header: '支出受益（人次）', unit: '人次', measure: 'count' },
  { key: 'goodsDistributions', header: '发放物资（次）', unit: '次', measure: 'count' },
  { key: 'goodsDistributedValue', header: '发放物资折价（元）', unit: '元', measure: 'yuan' },
  { key: 'distributionBeneficiaries', header: '发放物资受益（人次）', unit: '人次', measure: 'count' },
];

const NUMBER_FORMATS: Record<Measure, string> = { count: '#,##0', yuan: '#,##0.00', hours: '#,##0.00' };

/** The cell value of a figure: counts as they are, 分 as 元 and minutes as hours (what the reader adds up in Excel). */
function cellValue(value: number, measure: Measure): number {
  if (measure === 'yuan') return value / 100;
  if (measure === 'hours') return value / 60;
  return value;
}

export const BREAKDOWN_SHEETS: { by: BreakdownBy; name: string; header: string }[] = [
  { by: 'orgUnit', name: '按单位', header: '单位' },
  { by: 'campaign', name: '按创建活动', header: '创建活动' },
  { by: 'category', name: '按活动类别', header: '活动类别' },
  { by: 'venueType', name: '按活动场所', header: '活动场所' },
  { by: 'month', name: '按月份', header: '月份' },
  { by: 'goodsUnit', name: '按物资单位', header: '物资单位' },
];

export interface TotalsWorkbookInput {
  unitName: string;
  campaignName?: string;
  from?: string;
  to?: string;
  asOf?: string;
  standsOn: string;
  generatedAt: Date;
  totals: Totals;
  breakdowns: Record<BreakdownBy, BreakdownRow[]>;
}

function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
}

/** An instant as the rest of the workbook reads time, in Beijing time (UTC+8 all year): "2026-12-08 06:06:13". */
function beijingTime(instant: Date): string {
  const shifted = new Date(instant.getTime() + 8 * 60 * 60 * 1000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

function describe(workbook: ExcelJS.Workbook, input: TotalsWorkbookInput): void {
  const sheet = workbook.addWorksheet('说明');
  sheet.columns = [{ width: 16 }, { width: 60 }];
  const period = input.from || input.to
    ? `${input.from ? wordedDate(input.from, 'zh-CN') : '最早记录'}至${input.to ? wordedDate(input.to, 'zh-CN') : '今'}`
    : '全部';
  const rows: [string, string | number][] = [
    ['报表', '同心账本 统计报表'],
    ['单位', `${input.unitName}（含全部下级单位）`],
    ['创建活动', input.campaignName ?? '全部'],
    ['期间', period],
    ['数据截至', input.asOf ? `${beijingTime(new Date(input.asOf))}（北京时间，账本当时所知）` : wordedDate(input.standsOn, 'zh-CN')],
    ['账本位置', input.totals.position],
    ['生成时间', `${beijingTime(input.generatedAt)}（北京时间）`],
    ['金额', '单位为元，由账本以分记录的整数精确换算，保留两位小数'],
    ['时长', '单位为小时，由账本以分钟记录的整数换算'],
    ['口径', '每个单位的数字包含其全部下级单位；作废的活动、被驳回的时长不计入；筹集善款物资 = 收到善款 − 退回善款 + 捐赠物资折价'],
    ['物资', '发放物资计入接收单位（或接收活动所在单位），按发放日期；折价按每项物资的折价平均到每件，未分项折价时仅同一种物资的捐赠按总折价平均，'
      + '不同物资的捐赠不计折价；发放物资受益不计入受益群众；发放宣传资料是活动发放的宣传品，不是捐赠物资'],
  ];
  for (const [label, value] of rows) {
    const row = sheet.addRow([label, value]);
    row.getCell(1).font = { bold: true };
  }
}

function totalsSheet(workbook: ExcelJS.Workbook, totals: Totals): void {
  const sheet = workbook.addWorksheet('总计', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [{ width: 30 }, { width: 20 }, { width: 8 }, { width: 24 }];
  styleHeader(sheet.addRow(['指标', '数值', '单位', '精确值（账本原始单位）']));
  for (const column of FIGURE_COLUMNS) {
    const raw = totals[column.key];
    const exact = column.measure === 'yuan' ? `${exactYuan(raw)}元（${raw}分）` : column.measure === 'hours' ? `${raw}分钟` : String(raw);
    const row = sheet.addRow([column.header, cellValue(raw, column.measure), column.unit, exact]);
    row.getCell(2).numFmt = NUMBER_FORMATS[column.measure];
  }
}

/** By goods unit, each row also gives the quantity handed out in that unit (after the key: it reads as "袋 | 53"). */
function breakdownSheet(workbook: ExcelJS.Workbook, { by, name, header }: (typeof BREAKDOWN_SHEETS)[number], rows: BreakdownRow[]): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
  const quantity = by === 'goodsUnit';
  sheet.columns = [
    { width: 24 }, { width: 18 }, ...(quantity ? [{ width: 12, style: { numFmt: NUMBER_FORMATS.count } }] : []),
    ...FIGURE_COLUMNS.map((column) => ({ width: Math.max(12, column.header.length * 2), style: { numFmt: NUMBER_FORMATS[column.measure] } })),
  ];
  styleHeader(sheet.addRow([header, '编码', ...(quantity ? ['发放数量'] : []), ...FIGURE_COLUMNS.map((column) => column.header)]));
  for (const row of rows) {
    sheet.addRow([row.label, row.key ?? '', ...(quantity ? [row.goodsQuantity ?? 0] : []),
      ...FIGURE_COLUMNS.map((column) => cellValue(row[column.key], column.measure))]);
  }
}

/** The totals and every breakdown, one sheet each, Chinese headers, numbers as numbers. */
export async function totalsWorkbook(input: TotalsWorkbookInput): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '同心账本';
  workbook.created = input.generatedAt;
  totalsSheet(workbook, input.totals);
  for (const spec of BREAKDOWN_SHEETS) breakdownSheet(workbook, spec, input.breakdowns[spec.by]);
  describe(workbook, input);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
