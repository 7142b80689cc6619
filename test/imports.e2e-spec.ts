/**
 * Issue 6 §2 and §5: spreadsheet imports as jobs, end to end — templates, every row checked with the API's rules,
 * all-or-nothing or valid rows, re-uploads recording nothing twice, exact yuan → 分, scope per row. The same import
 * runs in the embedded mode (jobs in-process) and through BullMQ on the real Redis (REDIS_URL, a prefix of its own).
 */
import { readSheet, writeCsv, writeXlsx, type FixtureRow } from '@tongxin/imports';
import { REDIS_URL, startForJobs, type JobMode } from './support/job-modes';
import { LedgerTestApp } from './support/ledger-app';

const ROWS = Number(process.env.IMPORT_E2E_ROWS ?? 50_000);
const VILLAGES = ['v1', 'v2', 'v3', 'v4'];

function activityRows(count: number, prefix: string): FixtureRow[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`, orgUnitId: VILLAGES[i % VILLAGES.length], campaignId: 'unity', title: `民族团结进步宣讲第${i}场`,
    category: i % 3 === 0 ? '宣讲' : 'lecture', venueType: '村/社区', occurredOn: `2026-0${1 + (i % 9)}-1${i % 10}`,
    participants: 10 + (i % 90), beneficiaries: i % 50,
  }));
}

async function setUp(ledger: LedgerTestApp): Promise<void> {
  await ledger.ok('/org-units', { id: 'city', name: '怀化市', level: 'city' });
  await ledger.ok('/org-units', { id: 'k1', name: '麻阳县', level: 'county', parentId: 'city' });
  await ledger.ok('/org-units', { id: 'k2', name: '芷江县', level: 'county', parentId: 'city' });
  for (const [i, id] of VILLAGES.entries()) await ledger.ok('/org-units', { id, name: `村${i}`, level: 'village', parentId: i < 2 ? 'k1' : 'k2' });
  await ledger.ok('/campaigns', { id: 'unity', name: '民族团结进步创建', orgUnitId: 'city' });
}

function describeImports(mode: JobMode): void {
  let ledger: LedgerTestApp;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ ledger, stop } = await startForJobs(mode, 'imports'));
    await setUp(ledger);
  }, 60_000);

  afterAll(() => stop?.());

  it(`imports ${ROWS} activities from an XLSX with progress, and the same file again records nothing`, async () => {
    const rows = activityRows(ROWS, `big-${mode}`);
    const file = await writeXlsx('activities', rows);
    const head = await ledger.head();
    const started = await ledger.upload('/imports?kind=activities', file, '活动.xlsx');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ created: true });
    expect(started.headers.location).toBe(`/api/v1/jobs/${encodeURIComponent(started.body.id)}`);
    const progress: number[] = [];
    const job = await ledger.finished(started.body.id, (view) => progress.push(view.progress.done), 300_000);
    expect(job).toMatchObject({ state: 'completed', progress: { done: ROWS, total: ROWS } });
    expect(job.result).toMatchObject({ rows: ROWS, recorded: ROWS, alreadyRecorded: 0, refused: 0, errors: [] });
    // Progress was seen part-way, and never went back.
    expect(progress.some((done) => done > 0 && done < ROWS)).toBe(true);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await ledger.head()).toBe(head + ROWS);
    const totals = (await ledger.get(`/stats/totals?minPosition=${head + ROWS}`)).body;
    expect(totals.activitiesHeld).toBe(ROWS);
    expect(totals.participants).toBe(rows.reduce((sum, row) => sum + (row.participants as number), 0));

    // The same upload answers the same job; another uploader's copy runs and records nothing new.
    const again = await ledger.upload('/imports?kind=activities', file, '活动.xlsx');
    expect(again.body).toMatchObject({ id: started.body.id, created: false, state: 'completed' });
    const organiser = (await ledger.post('/tokens', { name: '县组织者', role: 'organiser', orgUnitId: 'city' })).body.token;
    const copy = await ledger.upload('/imports?kind=activities', file, '活动 (1).xlsx', { authorization: `Bearer ${organiser}` });
    expect(copy.body.created).toBe(true);
    const replayed = await ledger.finished(copy.body.id, undefined, 300_000);
    expect(replayed.result).toMatchObject({ recorded: 0, alreadyRecorded: ROWS });
    expect(await ledger.head()).toBe(head + ROWS + 1); // the token issued, nothing else
  }, 600_000);

  it('reports exactly the planted bad rows and records nothing; mode=valid-rows records the rest', async () => {
    const rows = activityRows(200, `planted-${mode}`).map((row, i) => {
      if (i === 17) return { ...row, occurredOn: '2026-02-30' }; // no such day
      if (i === 88) return { ...row, participants: '很多' }; // not a number
      if (i === 150) return { ...row, orgUnitId: 'nowhere' }; // no such unit
      return row;
    });
    const file = await writeXlsx('activities', rows);
    const head = await ledger.head();
    const refused = await ledger.finished((await ledger.upload('/imports?kind=activities', file, 'planted.xlsx')).body.id);
    expect(refused.state).toBe('failed');
    expect(refused.error.permanent).toBe(true);
    const errors = refused.error.details.errors as { row: number; column: string; field: string }[];
    // Sheet rows: the header is row 1, so data row i is row i + 2.
    expect(errors.map(({ row, column, field }) => ({ row, column, field }))).toEqual([
      { row: 19, column: '开展日期', field: 'occurredOn' },
      { row: 90, column: '参与人数', field: 'participants' },
      { row: 152, column: '所属单位编号', field: 'orgUnitId' },
    ]);
    expect(await ledger.head()).toBe(head);

    const partial = await ledger.finished((await ledger.upload('/imports?kind=activities&mode=valid-rows', file, 'planted.xlsx')).body.id);
    expect(partial.result).toMatchObject({ rows: 200, recorded: 197, refused: 3 });
    expect(partial.result.errors.map((e: { row: number }) => e.row)).toEqual([19, 90, 152]);
    expect(await ledger.head()).toBe(head + 197);
  }, 120_000);
}

describe('imports, embedded (jobs in-process)', () => {
  describeImports('embedded');
});

(REDIS_URL ? describe : describe.skip)(`imports through BullMQ on Redis${REDIS_URL ? '' : ' (skipped: set REDIS_URL)'}`, () => {
  describeImports('redis');
});

describe('imports: templates, kinds, amounts, scope and bad requests', () => {
  let ledger: LedgerTestApp;
  let recorderK1: string;
  let analyst: string;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start();
    await setUp(ledger);
    recorderK1 = (await ledger.post('/tokens', { name: '录入员', role: 'recorder', orgUnitId: 'k1' })).body.token;
    analyst = (await ledger.post('/tokens', { name: '分析员', role: 'analyst', orgUnitId: 'city' })).body.token;
  }, 60_000);

  afterAll(() => ledger?.stop());

  it('serves each template in Chinese and English, and it reads back as an empty import', async () => {
    for (const kind of ['activities', 'volunteers', 'hours', 'donations'] as const) {
      const zh = await ledger.app.getHttpAdapter().getInstance().inject({
        method: 'GET', url: `/api/v1/imports/templates/${kind}.xlsx`, headers: { authorization: `Bearer ${analyst}` },
      });
      expect(zh.statusCode).toBe(200);
      expect(zh.headers['content-type']).toContain('spreadsheetml');
      const sheet = await readSheet(zh.rawPayload, 'xlsx', kind);
      expect(sheet.ok).toBe(true);
      const en = await ledger.app.getHttpAdapter().getInstance().inject({
        method: 'GET', url: `/api/v1/imports/templates/${kind}.xlsx?lang=en`, headers: { authorization: `Bearer ${analyst}` },
      });
      const english = await readSheet(en.rawPayload, 'xlsx', kind);
      expect(english.ok && english.columns.every((c) => /^[\x20-\x7e]+$/.test(c.header))).toBe(true);
    }
    expect((await ledger.get('/imports/templates/salaries.xlsx')).status).toBe(404);
    expect((await ledger.get('/imports/templates/hours.xlsx', { authorization: '' })).status).toBe(401);
  });

  it('imports volunteers from a GBK CSV, then their hours, then donations with yuan converted exactly to 分', async () => {
    const volunteers = writeCsv('volunteers', [
      { id: 'vol-1', orgUnitId: 'v1', name: '滕小红', phone: '13800000001' },
      { id: 'vol-2', orgUnitId: 'v2', name: '龙建国', phone: '13800000002' },
    ], 'zh-CN', 'gb18030');
    const registered = await ledger.finished((await ledger.upload('/imports?kind=volunteers', volunteers, '志愿者.csv')).body.id);
    expect(registered.result).toMatchObject({ recorded: 2 });
    expect((await ledger.get('/volunteers/vol-1')).body).toMatchObject({ name: '滕小红' });

    const hours = await writeXlsx('hours', [
      { volunteerId: 'vol-1', entryId: 'e1', servedOn: '2026-05-01', minutes: 120 },
      { volunteerId: 'vol-2', entryId: 'e1', servedOn: '2026/5/2', minutes: 90 },
    ]);
    const logged = await ledger.finished((await ledger.upload('/imports?kind=hours', hours, '时长.xlsx')).body.id);
    expect(logged.result).toMatchObject({ recorded: 2 });

    const donations = await writeXlsx('donations', [
      { campaignId: 'unity', orgUnitId: 'v1', 'donor.name': '某商会', 'donor.kind': '单位', kind: '资金', amount: '12,500.35', receivedOn: '2026年5月3日', method: '银行转账', reference: 'BOC-1' },
      { campaignId: 'unity', orgUnitId: 'v2', 'donor.name': '张三', 'donor.kind': '个人', kind: '资金', amount: 0.1, receivedOn: '2026-05-04' },
      { campaignId: 'unity', orgUnitId: 'v2', 'donor.name': '李四', 'donor.kind': '个人', kind: '资金', amount: 0.2, receivedOn: '2026-05-04' },
      { campaignId: 'unity', orgUnitId: 'v1', 'donor.name': '某超市', 'donor.kind': '单位', kind: '物资', amount: 3000, receivedOn: '2026-05-05', items: '大米×20袋; 棉被×30床' },
    ]);
    const received = await ledger.finished((await ledger.upload('/imports?kind=donations', donations, '捐赠.xlsx')).body.id);
    expect(received.result).toMatchObject({ recorded: 4 });
    const totals = (await ledger.get(`/stats/totals?minPosition=${await ledger.head()}`)).body;
    expect(totals).toMatchObject({ moneyReceived: 1_250_035 + 10 + 20, goodsValueReceived: 300_000, volunteerMinutesLogged: 210 });
  });

  it('refuses, before recording anything, a row whose id another record has taken', async () => {
    await ledger.ok('/activities', { id: 'taken-1', orgUnitId: 'v1', title: '已录入', category: 'lecture', occurredOn: '2026-05-01', participants: 3 });
    await ledger.ok('/volunteers', { id: 'vol-taken', orgUnitId: 'v1', name: '已登记' });
    const head = await ledger.head();
    const activities = await writeXlsx('activities', [...activityRows(3, 'fresh'), { ...activityRows(1, 'x')[0], id: 'taken-1' }]);
    const refused = await ledger.finished((await ledger.upload('/imports?kind=activities', activities, 'a.xlsx')).body.id);
    // Issue 20 §11: messages in the language of the file's headers (Chinese here).
    expect(refused.error.details.errors).toEqual([expect.objectContaining({ row: 5, field: 'id', message: '编号 taken-1 已被使用' })]);
    const volunteers = await writeXlsx('volunteers', [{ id: 'vol-taken', orgUnitId: 'v1', name: '重名' }]);
    const refusedToo = await ledger.finished((await ledger.upload('/imports?kind=volunteers', volunteers, 'v.xlsx')).body.id);
    expect(refusedToo.error.details.errors).toEqual([expect.objectContaining({ row: 2, field: 'id' })]);
    expect(await ledger.head()).toBe(head);
  });

  it('checks each row against the uploader\'s scope and role', async () => {
    const head = await ledger.head();
    const file = await writeXlsx('activities', activityRows(4, 'scoped')); // v1, v2 in k1; v3, v4 in k2
    const started = await ledger.upload('/imports?kind=activities&mode=valid-rows', file, 'a.xlsx', { authorization: `Bearer ${recorderK1}` });
    const job = await ledger.finished(started.body.id);
    expect(job.result).toMatchObject({ recorded: 2, refused: 2 });
    expect(job.result.errors).toEqual([
      expect.objectContaining({ row: 4, field: 'orgUnitId', message: expect.stringContaining('不在你的管理范围内') }),
      expect.objectContaining({ row: 5, field: 'orgUnitId', message: expect.stringContaining('不在你的管理范围内') }),
    ]);
    expect(await ledger.head()).toBe(head + 2);
    // Donations are the organisers'; analysts import nothing.
    const donations = await writeXlsx('donations', []);
    expect((await ledger.upload('/imports?kind=donations', donations, 'd.xlsx', { authorization: `Bearer ${recorderK1}` })).status).toBe(403);
    expect((await ledger.upload('/imports?kind=activities', file, 'a.xlsx', { authorization: `Bearer ${analyst}` })).status).toBe(403);
  });

  it('answers bad requests with 400 naming the field, and a file over the limit with 413', async () => {
    const file = await writeXlsx('activities', activityRows(1, 'bad'));
    const noKind = await ledger.upload('/imports', file, 'a.xlsx');
    expect(noKind.status).toBe(400);
    expect(noKind.body.errors.map((e: { path: string }) => e.path)).toEqual(['kind']);
    expect((await ledger.upload('/imports?kind=salaries', file, 'a.xlsx')).body.errors.map((e: { path: string }) => e.path)).toEqual(['kind']);
    const json = await ledger.post('/imports?kind=activities', { rows: [] });
    expect(json.status).toBe(400);
    expect(json.body.errors.map((e: { path: string }) => e.path)).toEqual(['file']);
    const notSheet = await ledger.upload('/imports?kind=activities', Buffer.from('hello'), 'notes.txt');
    expect(notSheet.body.errors.map((e: { path: string }) => e.path)).toEqual(['file']);
    const huge = await ledger.upload('/imports?kind=activities', Buffer.alloc(11 * 1024 * 1024, 'a'), 'huge.csv');
    expect(huge.status).toBe(413);
    expect(huge.headers['content-type']).toContain('application/problem+json');
  });
});
