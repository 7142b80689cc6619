/**
 * Issue 20 §10: workbooks as the tools offices use save them — exceljs, openpyxl (absolute part names), LibreOffice
 * (.xlsx, legacy .xls, .ods; made with `soffice --headless --convert-to` and kept in libs/imports/fixtures so the
 * tests need no LibreOffice) — all read to the same rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withAbsolutePartNames, writeXlsx, type FixtureRow } from './fixtures';
import { parseImport } from './parse-import';
import type { SheetFormat } from './read-sheet';

/** The rows the LibreOffice fixtures were converted from (an exceljs workbook). */
const ROWS: FixtureRow[] = [
  {
    orgUnitId: 'v1', campaignId: 'unity', title: '民族团结进步宣讲进村', category: '宣讲', venueType: '村/社区',
    occurredOn: new Date(Date.UTC(2026, 4, 12)), participants: 120, beneficiaries: 300, materialsDistributed: 200, location: '新营村文化广场',
  },
  { orgUnitId: 'v2', title: 'Unity festival & 庆典', category: 'festival', occurredOn: '2026-06-01', participants: 45 },
];

const EXPECTED = [
  {
    rowNumber: 2, errors: [], params: {},
    body: {
      orgUnitId: 'v1', campaignId: 'unity', title: '民族团结进步宣讲进村', category: 'lecture', venueType: 'community',
      occurredOn: '2026-05-12', participants: 120, beneficiaries: 300, materialsDistributed: 200, location: '新营村文化广场',
    },
  },
  {
    rowNumber: 3, errors: [], params: {},
    body: { orgUnitId: 'v2', title: 'Unity festival & 庆典', category: 'festival', occurredOn: '2026-06-01', participants: 45 },
  },
];

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name));

describe('workbooks as other tools save them', () => {
  it('Given a workbook written by exceljs, Then its rows are read', async () => {
    const parsed = await parseImport(await writeXlsx('activities', ROWS, 'zh-CN', { sharedStrings: true }), 'xlsx', 'activities');
    expect(parsed).toMatchObject({ ok: true, rows: EXPECTED, language: 'zh-CN' });
  });

  it('Given a workbook whose relationships name absolute parts, as openpyxl writes them, Then its rows are read', async () => {
    const openpyxl = await withAbsolutePartNames(await writeXlsx('activities', ROWS, 'zh-CN', { sharedStrings: true }));
    const parsed = await parseImport(openpyxl, 'xlsx', 'activities');
    expect(parsed).toMatchObject({ ok: true, rows: EXPECTED });
  });

  it.each([
    ['libreoffice-activities.xlsx', 'xlsx'],
    ['libreoffice-activities.xls', 'xls'],
    ['libreoffice-activities.ods', 'ods'],
  ] as [string, SheetFormat][])('Given %s saved by LibreOffice Calc, Then its rows are read', async (name, format) => {
    const parsed = await parseImport(fixture(name), format, 'activities');
    expect(parsed).toMatchObject({ ok: true, rows: EXPECTED });
  });
});
