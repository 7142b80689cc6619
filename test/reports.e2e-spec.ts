/**
 * Issue 7, points 2 and 3: the summary paragraph reads like the published reports and its numbers equal the totals;
 * the totals workbook, read back, holds the totals and every breakdown as numbers under Chinese headers.
 */
import ExcelJS from 'exceljs';
import { LedgerTestApp, TEST_TOKEN } from './support/ledger-app';

let app: LedgerTestApp;
let recorderToken: string;

const COUNTIES = [['hecheng', '鹤城区'], ['mayang', '麻阳苗族自治县']] as const;
const CATEGORIES = ['lecture', 'lecture', 'lecture', 'public_welfare', 'public_welfare', 'performance', 'other'] as const;

beforeAll(async () => {
  app = await LedgerTestApp.start();
  await app.ok('/org-units', { id: 'huaihua', name: '怀化市', level: 'city' });
  for (const [id, name] of COUNTIES) {
    await app.ok('/org-units', { id, name, level: 'county', parentId: 'huaihua' });
    await app.ok('/org-units', { id: `${id}-v1`, name: `${name}一村`, level: 'village', parentId: id });
  }
  await app.ok('/campaigns', { id: 'upgrade', name: '民族团结进步创建升级版', orgUnitId: 'huaihua' });
  // Large head counts so the wording rounds (万余), in several categories and two months.
  for (const [index, category] of CATEGORIES.entries()) {
    const [county] = COUNTIES[index % 2];
    await app.ok('/activities', {
      id: `act-${index}`, orgUnitId: `${county}-v1`, campaignId: 'upgrade', title: `铸牢中华民族共同体意识宣讲${index}`, category,
      venueType: index % 3 === 0 ? 'community' : 'school', occurredOn: index < 4 ? '2026-09-15' : '2026-10-20',
      participants: 23_456 + index, beneficiaries: 15_601 + index * 3, materialsDistributed: 100,
    });
  }
  await app.ok('/activities/act-6/void', { reason: '重复录入' });
  await app.ok('/volunteers', { id: 'vol-1', orgUnitId: 'hecheng-v1', name: '阿依古丽' });
  for (const [entryId, minutes] of [['e1', 125], ['e2', 600], ['e3', 60]] as const) {
    await app.ok('/volunteers/vol-1/hours', { entryId, activityId: 'act-0', servedOn: '2026-09-15', minutes });
  }
  await app.ok('/volunteers/vol-1/hours/e1/verify');
  await app.ok('/volunteers/vol-1/hours/e2/verify');
  await app.ok('/donations', {
    id: 'don-1', campaignId: 'upgrade', orgUnitId: 'hecheng', donor: { name: '某爱心企业', kind: 'organisation' }, kind: 'money',
    amount: 15_601_234_567, receivedOn: '2026-09-20', method: 'bank_transfer',
  });
  await app.ok('/donations', {
    id: 'don-2', campaignId: 'upgrade', orgUnitId: 'mayang', donor: { name: '张三', kind: 'individual' }, kind: 'goods', amount: 250_050,
    receivedOn: '2026-10-02', items: [{ description: '大米', quantity: 50, unit: '袋' }],
  });
  await app.ok('/donations/don-2/distributions', {
    items: [{ index: 0, quantity: 20 }], recipient: { orgUnitId: 'mayang-v1' }, beneficiaries: 20, distributedOn: '2026-10-05',
  });
  await app.ok('/donations/don-1/refunds', { amount: 1_000_000, reason: '捐赠人要求退回部分' });
  await app.ok('/disbursements', { campaignId: 'upgrade', orgUnitId: 'mayang', amount: 12_345_600, purpose: '慰问困难群众', paidOn: '2026-10-25' });
  recorderToken = (await app.post('/tokens', { name: '鹤城信息员', role: 'recorder', orgUnitId: 'hecheng' })).body.token;
  // Read-your-writes once: every report below then reads a read model that holds the whole seed.
  expect((await app.get(`/stats/totals?minPosition=${await app.head()}`)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

async function totals(query = ''): Promise<Record<string, number>> {
  const reply = await app.get(`/stats/totals?${query}`);
  expect(reply.status).toBe(200);
  return reply.body;
}

describe('GET /reports/summary', () => {
  it('reads like the published reports, each rounded figure with its exact one beside, and every number equals the totals', async () => {
    const reply = await app.get('/reports/summary?from=2026-09-01&to=2026-10-31&campaignId=upgrade');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    const expected = await totals('from=2026-09-01&to=2026-10-31&campaignId=upgrade');
    expect(expected.activitiesHeld).toBe(6);
    expect(reply.text).toBe(
      '2026年9月1日至2026年10月31日，怀化市围绕“民族团结进步创建升级版”，开展宣讲、公益等各类活动6场，'
      + `参与群众14万余人次（${expected.participants.toLocaleString('en-US')}人次），志愿者参与3人次，`
      + '经审核志愿服务时长12余小时（12小时5分钟），筹集善款物资约1.56亿元（156,014,846.17元），支出善款约12.35万元（123,456.00元），'
      + `各族受益群众达9.3万余人次（${expected.beneficiaries.toLocaleString('en-US')}人次）。\n`,
    );
    expect(expected.participants).toBe(6 * 23_456 + 15);
    // The refund was made today, after the period: it is not in this period's figures.
    expect(expected.fundsRaised).toBe(15_601_234_567 + 250_050);
  });

  it('answers JSON when asked, with the figures that make the paragraph equal to the totals', async () => {
    const expected = await totals('orgUnitId=huaihua');
    for (const request of [app.get('/reports/summary?orgUnitId=huaihua&format=json'), app.get('/reports/summary?orgUnitId=huaihua', { accept: 'application/json' })]) {
      const reply = await request;
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(reply.body.totals).toEqual(expected);
      expect(reply.body.position).toBe(expected.position);
      expect(reply.body.orgUnit).toEqual({ id: 'huaihua', name: '怀化市' });
      for (const figure of reply.body.figures) expect(figure.value).toBe(expected[figure.key]);
      expect(reply.body.figures.find((figure: { key: string }) => figure.key === 'fundsRaised')).toEqual({
        key: 'fundsRaised', value: expected.fundsRaised, unit: '元', wording: '约1.56亿元', exact: '156,004,846.17元', rounded: true,
      });
      expect(reply.body.text.startsWith('截至')).toBe(true);
    }
  });

  it('speaks English with lang=en', async () => {
    const reply = await app.get('/reports/summary?orgUnitId=huaihua&from=2026-09-01&to=2026-10-31&lang=en');
    expect(reply.status).toBe(200);
    expect(reply.text).toMatch(/^From 1 September 2026 to 31 October 2026, 怀化市 held 6 activities, mostly lectures and public welfare; /);
    expect(reply.text).toContain('funds and goods raised came to about ¥156 million (¥156,014,846.17)');
  });

  it('names the unit asked for and counts its subtree only; a scoped caller without a unit gets its own', async () => {
    const county = await totals('orgUnitId=mayang');
    const reply = await app.get('/reports/summary?orgUnitId=mayang&format=json');
    expect(reply.body.text).toContain('麻阳苗族自治县开展');
    expect(reply.body.totals).toEqual(county);
    const own = await app.get('/reports/summary?format=json', { authorization: `Bearer ${recorderToken}` });
    expect(own.status).toBe(200);
    expect(own.body.orgUnit).toEqual({ id: 'hecheng', name: '鹤城区' });
    expect(own.body.totals).toEqual(await totals('orgUnitId=hecheng'));
  });

  it('as the ledger knew it at an earlier instant, with that date as the date the figures stand on', async () => {
    const before = await app.get('/events?after=0&limit=1000');
    const voided = before.body.events.find((event: { type: string }) => event.type === 'ActivityVoided');
    const instant = new Date(Date.parse(voided.recordedAt) - 1).toISOString();
    const reply = await app.get(`/reports/summary?asOf=${encodeURIComponent(instant)}&orgUnitId=huaihua&format=json`);
    expect(reply.body.totals).toEqual(await totals(`asOf=${encodeURIComponent(instant)}&orgUnitId=huaihua`));
    expect(reply.body.totals.activitiesHeld).toBe(7);
    expect(reply.body.asOf).toBe(instant);
  });

  it('refuses bad filters with 400 naming each, unknown units with 422, units outside the scope with 403', async () => {
    const bad = await app.get('/reports/summary?lang=fr&format=pdf&from=2026-02-30');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['format', 'from', 'lang']);
    expect((await app.get('/reports/summary?orgUnitId=nowhere')).status).toBe(422);
    const outside = await app.get('/reports/summary?orgUnitId=mayang', { authorization: `Bearer ${recorderToken}` });
    expect(outside.status).toBe(403);
  });
});

describe('GET /reports/totals.xlsx', () => {
  async function workbook(query: string, headers?: Record<string, string>): Promise<ExcelJS.Workbook> {
    const response = await app.app.getHttpAdapter().getInstance().inject({
      method: 'GET', url: `/api/v1/reports/totals.xlsx?${query}`, headers: { authorization: headers?.authorization ?? `Bearer ${TEST_TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="tongxin-totals-\d+\.xlsx"/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(response.rawPayload as unknown as ArrayBuffer); // a Buffer, which exceljs takes
    return book;
  }

  /** A sheet as header → value rows. */
  function rowsOf(sheet: ExcelJS.Worksheet): Record<string, unknown>[] {
    const values = sheet.getSheetValues().filter(Boolean) as unknown[][];
    const [header, ...rows] = values.map((row) => row.slice(1));
    return rows.map((row) => Object.fromEntries((header as string[]).map((name, index) => [name, row[index]])));
  }

  it('holds the totals and every breakdown on their own sheets, Chinese headers, numbers as numbers equal to the API', async () => {
    const book = await workbook('orgUnitId=huaihua&campaignId=upgrade');
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['总计', '按单位', '按创建活动', '按活动类别', '按活动场所', '按月份', '按物资单位', '说明']);
    const expected = await totals('orgUnitId=huaihua&campaignId=upgrade');

    const total = Object.fromEntries(rowsOf(book.getWorksheet('总计')!).map((row) => [row['指标'], row['数值']]));
    expect(total['活动场次']).toBe(expected.activitiesHeld);
    expect(total['参与群众（人次）']).toBe(expected.participants);
    expect(total['受益群众（人次）']).toBe(expected.beneficiaries);
    // Money in 元 and time in hours are numbers that give back the ledger's 分 and minutes exactly.
    expect(typeof total['筹集善款物资（元）']).toBe('number');
    expect(Math.round((total['筹集善款物资（元）'] as number) * 100)).toBe(expected.fundsRaised);
    expect(Math.round((total['退回善款（元）'] as number) * 100)).toBe(expected.moneyRefunded);
    expect(Math.round((total['支出善款（元）'] as number) * 100)).toBe(expected.disbursed);
    expect(Math.round((total['志愿服务时长（小时，已审核）'] as number) * 60)).toBe(expected.volunteerMinutesVerified);
    expect(Math.round((total['志愿服务时长（小时，登记）'] as number) * 60)).toBe(expected.volunteerMinutesLogged);
    // 20 of 50 bags worth 250,050 分: ⌊250,050 × 20 / 50⌋ = 100,020 分.
    expect(total['发放宣传资料（份）']).toBe(expected.materialsDistributed);
    expect([total['发放物资（次）'], Math.round((total['发放物资折价（元）'] as number) * 100), total['发放物资受益（人次）']])
      .toEqual([1, 100_020, 20]);
    expect(expected).toMatchObject({ goodsDistributions: 1, goodsDistributedValue: 100_020, distributionBeneficiaries: 20 });
    expect(rowsOf(book.getWorksheet('按物资单位')!).map((row) => [row['物资单位'], row['发放数量'], row['发放物资折价（元）']]))
      .toEqual([['袋', 20, 1000.2], ['（无）', 0, 0]]);

    for (const [sheet, by, header] of [['按单位', 'orgUnit', '单位'], ['按创建活动', 'campaign', '创建活动'], ['按活动类别', 'category', '活动类别'],
      ['按活动场所', 'venueType', '活动场所'], ['按月份', 'month', '月份']] as const) {
      const api = (await app.get(`/stats/breakdown?by=${by}&orgUnitId=huaihua&campaignId=upgrade`)).body.rows;
      const rows = rowsOf(book.getWorksheet(sheet)!);
      expect(rows.map((row) => [row[header], row['编码'] === '' ? null : row['编码'], row['活动场次'], row['参与群众（人次）']]))
        .toEqual(api.map((row: Record<string, unknown>) => [row.label, row.key, row.activitiesHeld, row.participants]));
      expect(rows.map((row) => Math.round((row['筹集善款物资（元）'] as number) * 100)))
        .toEqual(api.map((row: Record<string, number>) => row.fundsRaised));
    }
    expect(rowsOf(book.getWorksheet('按单位')!).map((row) => row['单位'])).toEqual(['鹤城区', '麻阳苗族自治县']);

    const about = Object.fromEntries((book.getWorksheet('说明')!.getSheetValues().filter(Boolean) as unknown[][]).map((row) => [row[1], row[2]]));
    expect(about['单位']).toBe('怀化市（含全部下级单位）');
    expect(about['创建活动']).toBe('民族团结进步创建升级版');
    expect(about['账本位置']).toBe(expected.position);
  });

  it('follows the filters and the caller\'s scope like the totals', async () => {
    const book = await workbook('from=2026-10-01&to=2026-10-31');
    const expected = await totals('from=2026-10-01&to=2026-10-31');
    const total = Object.fromEntries(rowsOf(book.getWorksheet('总计')!).map((row) => [row['指标'], row['数值']]));
    expect(total['活动场次']).toBe(expected.activitiesHeld);
    expect(rowsOf(book.getWorksheet('按月份')!).map((row) => row['编码'])).toEqual(['2026-10']);

    const scoped = await workbook('', { authorization: `Bearer ${recorderToken}` });
    const own = Object.fromEntries(rowsOf(scoped.getWorksheet('总计')!).map((row) => [row['指标'], row['数值']]));
    expect(own['活动场次']).toBe((await totals('orgUnitId=hecheng')).activitiesHeld);
    const outside = await app.get('/reports/totals.xlsx?orgUnitId=mayang', { authorization: `Bearer ${recorderToken}` });
    expect(outside.status).toBe(403);
    const bad = await app.get('/reports/totals.xlsx?category=dancing');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: { path: string }) => error.path)).toEqual(['category']);
  });
});
