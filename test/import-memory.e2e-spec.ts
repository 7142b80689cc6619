/**
 * Issue 20 §2: the server's RSS stays under 500 MiB for any upload the limits let through. The API runs in a child
 * process (its peak RSS its own) and takes, one after the other: a spreadsheet bomb (2.6 million rows in a few MiB),
 * the most rows the limits allow, and the most bytes they allow — both with every row refused, the costliest path
 * (all rows held, checked, listed and written to the refused-rows sheet).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SHEET_ROWS, MAX_UNPACKED_BYTES, measureZip, writeBigSheet, type FixtureRow } from '@tongxin/imports';

const ROW: FixtureRow = {
  orgUnitId: 'xinying-village', campaignId: 'hecheng-unity-month', title: '民族团结进步宣讲进村（鹤城区城南镇新营村）', category: '宣讲',
  venueType: '村/社区', occurredOn: '2026-05-12', participants: -1, beneficiaries: 300, materialsDistributed: 200, location: '新营村文化广场',
};

describe('import memory', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tongxin-import-memory-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('Given a bomb and the largest files the limits allow, all rows refused, Then the server answers each and stays under 500 MiB', async () => {
    const small = { orgUnitId: ROW.orgUnitId, title: '宣讲', category: '宣讲', occurredOn: '2026-05-12', participants: 1 };
    const bomb = await writeBigSheet('activities', small, 2_600_000, { unnumbered: true, fields: Object.keys(small) });
    const mostRows = await writeBigSheet('activities', ROW, MAX_SHEET_ROWS);
    // Notes long enough that the rows come just under the unpacked limit.
    const perRow = Math.floor(0.97 * MAX_UNPACKED_BYTES / MAX_SHEET_ROWS) - (await measureZip(mostRows)) / MAX_SHEET_ROWS;
    const mostBytes = await writeBigSheet('activities', { ...ROW, notes: '备'.repeat(Math.floor(perRow / 3) - 20) }, MAX_SHEET_ROWS);
    expect(await measureZip(mostBytes)).toBeGreaterThan(0.9 * MAX_UNPACKED_BYTES);
    const files = { bomb, mostRows, mostBytes };
    for (const [name, file] of Object.entries(files)) writeFileSync(join(dir, `${name}.xlsx`), file);

    const child = join(__dirname, 'support', 'import-memory-child.ts');
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', child, ...Object.keys(files).map((name) => join(dir, `${name}.xlsx`))], {
      encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 600_000,
    });
    const { outcomes, peakRssMiB } = JSON.parse(out.trim().split('\n').pop()!) as { outcomes: Record<string, unknown>[]; peakRssMiB: number };
    expect(outcomes).toEqual([
      { status: 413, code: 'SHEET_TOO_LARGE' },
      { status: 202, state: 'failed', refusedRows: MAX_SHEET_ROWS, errorCount: MAX_SHEET_ROWS },
      { status: 202, state: 'failed', refusedRows: MAX_SHEET_ROWS, errorCount: MAX_SHEET_ROWS },
    ]);
    expect(peakRssMiB).toBeLessThan(500);
  }, 900_000);
});
