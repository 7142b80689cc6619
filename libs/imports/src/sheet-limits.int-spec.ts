/**
 * Issue 20 §2: spreadsheet bombs. A small .xlsx that unpacks to 500 MiB of sheet XML (2.6 million rows) is refused
 * before it is parsed, even when its ZIP directory lies about the sizes; a sheet over the row limit is refused; and the
 * largest workbook the limits let through is parsed adding less than 250 MiB. Parsing runs in a child process so its
 * peak RSS is its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBigSheet, writeCsv, type FixtureRow } from './fixtures';
import { MAX_SHEET_ROWS, MAX_UNPACKED_BYTES, SheetTooLargeError } from './limits';
import { readSheet } from './read-sheet';
import { measureZip } from './zip-guard';

const MiB = 1024 * 1024;

const SMALL_ROW: FixtureRow = {
  orgUnitId: 'xinying-village', title: '民族团结进步宣讲进村', category: '宣讲', occurredOn: '2026-05-12', participants: 120,
};
const SMALL_FIELDS = Object.keys(SMALL_ROW);
/** A row of every column but notes (about 640 bytes of XML); notes fill it up to the unpacked limit. */
const FULL_ROW: FixtureRow = {
  id: 'activity-000001', orgUnitId: 'xinying-village', campaignId: 'hecheng-unity-month', title: '民族团结进步宣讲进村（鹤城区城南镇新营村）',
  category: '宣讲', venueType: '村/社区', occurredOn: '2026-05-12', participants: 120, beneficiaries: 300, materialsDistributed: 200,
  location: '新营村文化广场',
};

interface ChildOutcome {
  ok: boolean;
  rows?: number;
  problems?: { message: string; code?: string }[];
  baselineMiB: number;
  peakRssMiB: number;
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tongxin-sheet-limits-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Parses the file in a fresh Node process, as an import of activities. */
function parseInChild(file: Buffer, name: string): ChildOutcome {
  const path = join(dir, name);
  writeFileSync(path, file);
  const script = join(__dirname, 'testing', 'measure-parse.ts');
  const out = execFileSync(process.execPath, ['-r', '@swc-node/register', script, path, 'activities'], { encoding: 'utf8', maxBuffer: 16 * MiB });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildOutcome;
}

describe('spreadsheet bombs and limits', () => {
  let bomb: Buffer;
  let hiddenBomb: Buffer;

  beforeAll(async () => {
    bomb = await writeBigSheet('activities', SMALL_ROW, 2_600_000, { unnumbered: true, fields: SMALL_FIELDS });
    hiddenBomb = await writeBigSheet('activities', SMALL_ROW, 2_600_000, { unnumbered: true, fields: SMALL_FIELDS, declaredSize: 1_000 });
  }, 300_000);

  it('Given a 2.6-million-row workbook of a few MiB, When it is measured or read, Then it is refused as too large', async () => {
    expect(bomb.length).toBeLessThan(4 * MiB);
    await expect(measureZip(bomb)).rejects.toBeInstanceOf(SheetTooLargeError);
    const sheet = await readSheet(bomb, 'xlsx', 'activities');
    expect(sheet).toEqual({
      ok: false, kind: 'activities', language: 'zh-CN',
      problems: [{ column: null, code: 'SHEET_TOO_LARGE', message: SheetTooLargeError.unpacked().text['zh-CN'] }],
    });
    expect((await readSheet(bomb, 'xlsx', 'activities', { language: 'en' })).ok).toBe(false);
  });

  it('Given the same bomb with a ZIP directory that declares tiny sizes, Then the inflated bytes are counted and it is refused', async () => {
    await expect(measureZip(hiddenBomb)).rejects.toBeInstanceOf(SheetTooLargeError);
    const child = parseInChild(hiddenBomb, 'hidden-bomb.xlsx');
    expect(child).toMatchObject({ ok: false, problems: [{ code: 'SHEET_TOO_LARGE' }] });
    // The XML was never held: the inflated bytes were counted and dropped, and only rows up to the limit were kept.
    expect(child.peakRssMiB - child.baselineMiB).toBeLessThan(250);
  }, 120_000);

  it(`Given more than ${MAX_SHEET_ROWS} data rows, as CSV or XLSX, Then the sheet is refused naming the limit`, async () => {
    const rows = Array.from({ length: MAX_SHEET_ROWS + 1 }, () => SMALL_ROW);
    const csv = await readSheet(writeCsv('activities', rows), 'csv', 'activities');
    expect(csv).toMatchObject({ ok: false, problems: [{ code: 'SHEET_TOO_LARGE', message: SheetTooLargeError.rows().text['zh-CN'] }] });
    const xlsx = await readSheet(await writeBigSheet('activities', SMALL_ROW, MAX_SHEET_ROWS + 1, { fields: SMALL_FIELDS }), 'xlsx', 'activities');
    expect(xlsx).toMatchObject({ ok: false, problems: [{ code: 'SHEET_TOO_LARGE' }] });
  }, 120_000);

  it('Given the largest workbook the limits let through, Then it is read whole and the parsing process stays under 500 MiB', async () => {
    const mostRows = await writeBigSheet('activities', FULL_ROW, MAX_SHEET_ROWS);
    const room = Math.floor(0.97 * MAX_UNPACKED_BYTES / MAX_SHEET_ROWS) - (await measureZip(mostRows)) / MAX_SHEET_ROWS;
    const largest = await writeBigSheet('activities', { ...FULL_ROW, notes: '备'.repeat(Math.floor(room / 3) - 20) }, MAX_SHEET_ROWS);
    expect(await measureZip(largest)).toBeGreaterThan(0.9 * MAX_UNPACKED_BYTES);
    const child = parseInChild(largest, 'largest.xlsx');
    expect(child).toMatchObject({ ok: true, rows: MAX_SHEET_ROWS });
    // What parsing adds; the whole API's peak with such files is test/import-memory.e2e-spec.ts's.
    expect(child.peakRssMiB - child.baselineMiB).toBeLessThan(250);
  }, 300_000);
});
