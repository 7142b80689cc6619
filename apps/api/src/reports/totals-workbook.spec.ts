import ExcelJS from 'exceljs';
import { emptyFigures, type BreakdownRow } from '@tongxin/projections';
import { BREAKDOWN_SHEETS, totalsWorkbook } from './totals-workbook';

describe('the totals workbook\'s 说明 sheet', () => {
  async function about(asOf?: string): Promise<Record<string, unknown>> {
    const totals = { ...emptyFigures(), position: 42 };
    const breakdowns = Object.fromEntries(BREAKDOWN_SHEETS.map(({ by }) => [by, [] as BreakdownRow[]])) as Record<string, BreakdownRow[]>;
    const file = await totalsWorkbook({
      unitName: '怀化市', standsOn: '2026-12-08', generatedAt: new Date('2026-12-07T22:06:13.500Z'), totals, breakdowns, asOf,
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file as unknown as ArrayBuffer);
    return Object.fromEntries((book.getWorksheet('说明')!.getSheetValues().filter(Boolean) as unknown[][]).map((row) => [row[1], row[2]]));
  }

  it('given a workbook made at 22:06 UTC, when read, then 生成时间 is the next morning in Beijing time, as every other time it shows', async () => {
    expect((await about())['生成时间']).toBe('2026-12-08 06:06:13（北京时间）');
  });

  it('given figures as of an instant sent in UTC, when read, then 数据截至 gives that instant in Beijing time too', async () => {
    expect((await about('2026-11-30T16:00:00.000Z'))['数据截至']).toBe('2026-12-01 00:00:00（北京时间，账本当时所知）');
  });
});
