/**
 * Issue 20 §2, §10, §11 and the template's name (§13): an import reports every problem of every row in one pass, in
 * the language of the file's headers, and serves the refused rows as a sheet to fix and upload again; workbooks of
 * other tools (.xls) import; a spreadsheet bomb is refused at the upload with 413.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { MAX_UNPACKED_BYTES, readSheet, writeBigSheet, writeXlsx, type FixtureRow } from '@tongxin/imports';
import { LedgerTestApp, TEST_TOKEN } from './support/ledger-app';

const GOOD: FixtureRow = { orgUnitId: 'v1', title: '宣讲进村', category: '宣讲', occurredOn: '2026-05-12', participants: 30 };
/** The row the issue saw reported three problems, then one, then one more. */
const FIVE_PROBLEMS: FixtureRow = {
  orgUnitId: 'nowhere', title: '民族舞蹈展演', category: '舞蹈', occurredOn: '2026-02-30', participants: -5, beneficiaries: '很多',
};

describe('import problems, refused rows and workbook flavours', () => {
  let ledger: LedgerTestApp;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start();
    await ledger.ok('/org-units', { id: 'city', name: '怀化市', level: 'city' });
    await ledger.ok('/org-units', { id: 'v1', name: '新营村', level: 'village', parentId: 'city' });
    await ledger.ok('/org-units', { id: 'v2', name: '龙井村', level: 'village', parentId: 'city' });
    await ledger.ok('/campaigns', { id: 'unity', name: '民族团结进步创建', orgUnitId: 'city' });
  }, 60_000);

  afterAll(() => ledger?.stop());

  async function importOf(file: Buffer, name: string, query = 'kind=activities', headers: Record<string, string> = {}) {
    const started = await ledger.upload(`/imports?${query}`, file, name, headers);
    expect(started.status).toBe(202);
    return ledger.finished(started.body.id);
  }

  it('Given a row with five problems under Chinese headers, Then all five are reported at once, in Chinese', async () => {
    const head = await ledger.head();
    const job = await importOf(await writeXlsx('activities', [GOOD, FIVE_PROBLEMS]), '活动.xlsx');
    expect(job).toMatchObject({ state: 'failed', error: { permanent: true } });
    const errors = job.error.details.errors as { row: number; column: string; field: string; message: string }[];
    expect(errors.map(({ row, field }) => ({ row, field })).sort((a, b) => a.field.localeCompare(b.field))).toEqual([
      { row: 3, field: 'beneficiaries' }, { row: 3, field: 'category' }, { row: 3, field: 'occurredOn' },
      { row: 3, field: 'orgUnitId' }, { row: 3, field: 'participants' },
    ]);
    expect(errors.find((e) => e.field === 'participants')).toMatchObject({ column: '参与人数', message: '不能小于 0' });
    expect(errors.find((e) => e.field === 'orgUnitId')!.message).toBe('单位 nowhere 不存在');
    expect(errors.find((e) => e.field === 'category')!.message).toMatch(/^"舞蹈" 不是可选值之一：宣讲（lecture）/);
    expect(errors.every((e) => /\p{Script=Han}/u.test(e.message))).toBe(true);
    expect(job.error.details).toMatchObject({ language: 'zh-CN', refusedRows: 1, refusedSheet: { url: `/api/v1/imports/${job.id}/refused.xlsx`, rows: 1 } });
    // The job's view names the sheet; its bytes come only from that url, not with every poll of the job.
    expect(job.error.details.refusedSheet).not.toHaveProperty('xlsx');
    expect(await ledger.head()).toBe(head);
  });

  it('Given the same row under English headers, Then the five problems are in English', async () => {
    const job = await importOf(await writeXlsx('activities', [FIVE_PROBLEMS], 'en'), 'activities.xlsx');
    const messages = (job.error.details.errors as { field: string; message: string }[]).map((e) => [e.field, e.message]);
    expect(messages).toHaveLength(5);
    expect(Object.fromEntries(messages)).toMatchObject({
      participants: 'participants must not be less than 0', orgUnitId: 'org unit nowhere does not exist',
      occurredOn: '"2026-02-30" is not a real calendar date', beneficiaries: '"很多" is not a whole number',
    });
  });

  it('Given a file with no header row, Then its problem is in the language Accept-Language asks for', async () => {
    const job = await importOf(Buffer.from('\r\n\r\n'), 'empty.csv', 'kind=activities', { 'accept-language': 'en-GB,en;q=0.9,zh;q=0.5' });
    expect(job.error.details.errors).toEqual([expect.objectContaining({ row: null, message: 'the sheet is empty: no header row' })]);
  });

  it('serves the refused rows as a sheet with an error column; fixed there, it imports', async () => {
    const job = await importOf(await writeXlsx('activities', [GOOD, FIVE_PROBLEMS, { ...GOOD, participants: '三十' }]), '活动.xlsx', 'kind=activities&mode=valid-rows');
    expect(job.result).toMatchObject({ recorded: 1, refused: 2, language: 'zh-CN' });
    expect(job.result.refusedSheet).not.toHaveProperty('xlsx');
    const download = await ledger.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: job.result.refusedSheet.url, headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toContain('spreadsheetml');
    expect(download.headers['content-disposition']).toMatch(/filename\*=UTF-8''/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(download.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(-2)).toEqual(['原行号', '错误说明']);
    expect(sheet.rowCount).toBe(3);
    expect(sheet.getRow(2).getCell(header.length - 1).value).toBe(3);
    expect(String(sheet.getRow(2).getCell(header.length).value).split('\n')).toHaveLength(5);
    expect(sheet.getRow(3).getCell(header.length - 1).value).toBe(4);

    // The user fixes the rows in that sheet and uploads it as it is: the two added columns are ignored.
    sheet.getRow(2).getCell(header.indexOf('所属单位编号') + 1).value = 'v2';
    sheet.getRow(2).getCell(header.indexOf('活动类型') + 1).value = '文艺演出';
    sheet.getRow(2).getCell(header.indexOf('开展日期') + 1).value = '2026-02-28';
    sheet.getRow(2).getCell(header.indexOf('参与人数') + 1).value = 5;
    sheet.getRow(2).getCell(header.indexOf('受益人数') + 1).value = 80;
    sheet.getRow(3).getCell(header.indexOf('参与人数') + 1).value = 30;
    const fixed = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(await readSheet(fixed, 'xlsx', 'activities')).toMatchObject({ ok: true });
    const again = await importOf(fixed, '未导入的行.xlsx');
    expect(again).toMatchObject({ state: 'completed', result: { recorded: 2, refused: 0 } });
    expect(again.result.refusedSheet).toBeUndefined();
    const none = await ledger.get(`/imports/${encodeURIComponent(again.id)}/refused.xlsx`);
    expect(none.status).toBe(404);
    expect((await ledger.get('/imports/import-nothing/refused.xlsx')).status).toBe(404);
  });

  it('imports a legacy .xls saved by LibreOffice Calc', async () => {
    const xls = readFileSync(join(__dirname, '..', 'libs', 'imports', 'fixtures', 'libreoffice-activities.xls'));
    const job = await importOf(xls, 'activities.xls');
    expect(job).toMatchObject({ state: 'completed', result: { recorded: 2 } });
  });

  it('names the Chinese template in Chinese (RFC 6266 filename*), the English one in English', async () => {
    const http = ledger.app.getHttpAdapter().getInstance();
    const zh = await http.inject({ method: 'GET', url: '/api/v1/imports/templates/activities.xlsx', headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(zh.headers['content-disposition']).toBe(`attachment; filename="activities.xlsx"; filename*=UTF-8''${encodeURIComponent('活动导入模板.xlsx')}`);
    const sheet = await readSheet(zh.rawPayload, 'xlsx', 'activities');
    expect(sheet.ok && sheet.columns.find((c) => c.field === 'materialsDistributed')!.header).toBe('发放宣传资料（份）');
    const en = await http.inject({ method: 'GET', url: '/api/v1/imports/templates/activities.xlsx?lang=en', headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(en.headers['content-disposition']).toContain('filename="activities-en.xlsx"');
  });

  it('refuses a spreadsheet bomb at the upload with 413 problem+json, in the language asked for, its ZIP directory forged or not', async () => {
    const row = { orgUnitId: 'v1', title: '宣讲', category: '宣讲', occurredOn: '2026-05-12', participants: 1 };
    const fields = Object.keys(row);
    const head = await ledger.head();
    const limit = `${MAX_UNPACKED_BYTES / 1024 / 1024} MiB`;
    for (const declaredSize of [undefined, 1_000]) {
      const bomb = await writeBigSheet('activities', row, 600_000, { unnumbered: true, fields, declaredSize });
      const zh = await ledger.upload('/imports?kind=activities', bomb, 'bomb.xlsx');
      expect(zh.status).toBe(413);
      expect(zh.headers['content-type']).toContain('application/problem+json');
      expect(zh.body).toMatchObject({ code: 'SHEET_TOO_LARGE', detail: expect.stringContaining(`解压后超过 ${limit}`), messages: { en: expect.stringContaining(limit) } });
      const en = await ledger.upload('/bank-statements?campaignId=unity', bomb, 'bomb.xlsx', { 'accept-language': 'en' });
      expect(en.status).toBe(413);
      expect(en.body.detail).toMatch(new RegExp(`^the workbook unpacks to more than ${limit}`));
    }
    expect(await ledger.head()).toBe(head);
  }, 120_000);
});
