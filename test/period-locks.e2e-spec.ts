import { LedgerTestApp, type Reply } from './support/ledger-app';

/**
 * Period locks over HTTP on a real SQLite store: once 2026-03 is locked for county A, new facts dated in
 * March under county A are refused with 409 and append nothing; county B, April, and corrections with a
 * reason go on as before.
 */
describe('period locks', () => {
  let ledger: LedgerTestApp;

  const activity = (orgUnitId: string, occurredOn: string, extra: Record<string, unknown> = {}) =>
    ({ orgUnitId, title: '民族团结宣讲', category: 'lecture', occurredOn, participants: 30, ...extra });
  const donation = (orgUnitId: string, receivedOn: string, extra: Record<string, unknown> = {}) => ({
    campaignId: 'c1', orgUnitId, donor: { name: '爱心企业', kind: 'organisation' }, kind: 'money', amount: 100_000,
    receivedOn, ...extra,
  });
  const disbursement = (orgUnitId: string, paidOn: string) =>
    ({ campaignId: 'c1', orgUnitId, amount: 1_000, purpose: '慰问困难群众', paidOn });

  /** A refused write: 409 PERIOD_LOCKED naming the date field, and nothing appended anywhere. */
  async function expectLocked(write: () => Promise<Reply>, field: string): Promise<void> {
    const head = await ledger.head();
    const reply = await write();
    expect(reply.status).toBe(409);
    expect(reply.headers['content-type']).toMatch(/problem\+json/);
    expect(reply.body).toMatchObject({ status: 409, code: 'PERIOD_LOCKED', errors: [{ path: field, message: expect.stringMatching(/2026-03.*county-a/) }] });
    expect(await ledger.head()).toBe(head);
  }

  beforeAll(async () => {
    ledger = await LedgerTestApp.start();
    await ledger.ok('/org-units', { id: 'city', name: '怀化市', level: 'city' });
    await ledger.ok('/org-units', { id: 'county-a', name: '麻阳县', level: 'county', parentId: 'city' });
    await ledger.ok('/org-units', { id: 'county-b', name: '芷江县', level: 'county', parentId: 'city' });
    await ledger.ok('/org-units', { id: 'village-a', name: '新营村', level: 'village', parentId: 'county-a' });
    await ledger.ok('/org-units', { id: 'village-b', name: '岩桥村', level: 'village', parentId: 'county-b' });
    await ledger.ok('/campaigns', { id: 'c1', name: '民族团结进步创建', orgUnitId: 'city' });
    await ledger.ok('/volunteers', { id: 'vol-a', orgUnitId: 'village-a', name: '阿依古丽' });

    // Facts of March, recorded before the lock.
    await ledger.ok('/donations', donation('village-a', '2026-02-10', { id: 'd-feb' }));
    await ledger.ok('/donations', donation('village-a', '2026-03-08', { id: 'd-march' }));
    await ledger.ok('/activities', activity('village-a', '2026-03-05', { id: 'act-a' }));
    await ledger.ok('/activities', activity('village-b', '2026-03-05', { id: 'act-b' }));
    await ledger.ok('/volunteers/vol-a/hours', { entryId: 'e1', servedOn: '2026-03-06', minutes: 60 });
    await ledger.ok('/volunteers/vol-a/hours', { entryId: 'e2', servedOn: '2026-03-07', minutes: 45 });
  });
  afterAll(async () => {
    await ledger.stop();
  });

  it('locks 2026-03 for county A (201 command response) and lists the lock', async () => {
    const locked = await ledger.post('/periods/2026-03/lock', { orgUnitId: 'county-a', reason: '一季度报表已上报' });
    expect(locked.status).toBe(201);
    expect(locked.body).toEqual({ id: '2026-03', streamId: 'period-2026-03', revision: 0, position: expect.any(Number) });
    expect(locked.headers.etag).toBe('"0"');

    const period = await ledger.get('/periods/2026-03');
    expect(period.status).toBe(200);
    expect(period.body).toEqual({
      month: '2026-03', streamId: 'period-2026-03', revision: 0,
      locks: [{
        orgUnitId: 'county-a', orgPath: ['city', 'county-a'], reason: '一季度报表已上报',
        lockedAt: expect.any(String), actor: 'admin', position: locked.body.position,
      }],
    });
    expect(Number.isNaN(Date.parse(period.body.locks[0].lockedAt))).toBe(false);
    expect((await ledger.get('/periods/2026-02')).body).toEqual({ month: '2026-02', streamId: 'period-2026-02', revision: -1, locks: [] });
  });

  it('refuses new facts dated in March under county A with 409 PERIOD_LOCKED and appends nothing', async () => {
    await expectLocked(() => ledger.post('/activities', activity('village-a', '2026-03-10')), 'occurredOn');
    await expectLocked(() => ledger.post('/activities', activity('county-a', '2026-03-31')), 'occurredOn');
    await expectLocked(() => ledger.post('/volunteers/vol-a/hours', { servedOn: '2026-03-10', minutes: 30 }), 'servedOn');
    await expectLocked(() => ledger.post('/volunteers/vol-a/hours', { servedOn: '2026-03-10', minutes: 30, activityId: 'act-a' }), 'servedOn');
    await expectLocked(() => ledger.post('/donations', donation('village-a', '2026-03-10')), 'receivedOn');
    await expectLocked(() => ledger.post('/disbursements', disbursement('village-a', '2026-03-10')), 'paidOn');
    await expectLocked(() => ledger.post('/disbursements', disbursement('county-a', '2026-03-01')), 'paidOn');
  });

  it('accepts the same facts under county B, and in April under county A', async () => {
    expect((await ledger.post('/activities', activity('village-b', '2026-03-10'))).status).toBe(201);
    expect((await ledger.post('/donations', donation('village-b', '2026-03-10'))).status).toBe(201);
    expect((await ledger.post('/disbursements', disbursement('village-b', '2026-03-10'))).status).toBe(201);
    // A volunteer of county A serving at a county B activity counts under county B.
    expect((await ledger.post('/volunteers/vol-a/hours', { servedOn: '2026-03-10', minutes: 30, activityId: 'act-b' })).status).toBe(201);

    expect((await ledger.post('/activities', activity('village-a', '2026-04-01'))).status).toBe(201);
    expect((await ledger.post('/volunteers/vol-a/hours', { servedOn: '2026-04-01', minutes: 30 })).status).toBe(201);
    expect((await ledger.post('/donations', donation('village-a', '2026-04-01'))).status).toBe(201);
    expect((await ledger.post('/disbursements', disbursement('village-a', '2026-04-01'))).status).toBe(201);
  });

  it('still accepts corrections, voids, rejections and refunds of March facts under county A', async () => {
    expect((await ledger.post('/activities/act-a/corrections', { participants: 35, reason: '核对签到表' })).status).toBe(200);
    expect((await ledger.post('/activities/act-a/void', { reason: '重复录入' })).status).toBe(200);
    expect((await ledger.post('/volunteers/vol-a/hours/e2/reject', { reason: '未到场' })).status).toBe(200);
    expect((await ledger.post('/donations/d-march/refunds', { amount: 500, reason: '多转' })).status).toBe(201);
  });

  it('verifies a March entry under county A only with a reason, and records the reason', async () => {
    const head = await ledger.head();
    const bare = await ledger.post('/volunteers/vol-a/hours/e1/verify');
    expect(bare.status).toBe(409);
    expect(bare.body).toMatchObject({ code: 'PERIOD_LOCKED', errors: [{ path: 'reason' }] });
    expect(await ledger.head()).toBe(head);

    const withReason = await ledger.post('/volunteers/vol-a/hours/e1/verify', { reason: '补审核：签到表迟交' });
    expect(withReason.status).toBe(200);
    const stream = await ledger.get('/streams/volunteer-vol-a');
    expect(stream.body.events.at(-1)).toMatchObject({
      type: 'HoursVerified', data: { volunteerId: 'vol-a', entryId: 'e1', reason: '补审核：签到表迟交' },
    });
    const volunteer = await ledger.get('/volunteers/vol-a');
    expect(volunteer.body.entries.find((entry: { entryId: string }) => entry.entryId === 'e1').status).toBe('verified');
  });

  it('verifies an entry outside the lock without a reason and records none', async () => {
    const entry = await ledger.ok('/volunteers/vol-a/hours', { servedOn: '2026-04-02', minutes: 20 });
    expect((await ledger.post(`/volunteers/vol-a/hours/${entry.id}/verify`)).status).toBe(200);
    const last = (await ledger.get('/streams/volunteer-vol-a')).body.events.at(-1);
    expect(last).toMatchObject({ type: 'HoursVerified', data: { entryId: entry.id } });
    expect(last.data).not.toHaveProperty('reason');
    expect((await ledger.post(`/volunteers/vol-a/hours/${entry.id}/verify`, { extra: 1 })).status).toBe(400);
  });

  it('refuses to lock the month again for the unit or a descendant (409), but locks an ancestor', async () => {
    const head = await ledger.head();
    const again = await ledger.post('/periods/2026-03/lock', { orgUnitId: 'county-a' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'PERIOD_ALREADY_LOCKED' });
    expect((await ledger.post('/periods/2026-03/lock', { orgUnitId: 'village-a' })).body).toMatchObject({ status: 409, code: 'PERIOD_ALREADY_LOCKED' });
    expect(await ledger.head()).toBe(head);

    const city = await ledger.post('/periods/2026-03/lock', { orgUnitId: 'city' });
    expect(city.status).toBe(201);
    expect(city.body.revision).toBe(1);
    // Now county B is closed for March too.
    const refused = await ledger.post('/activities', activity('village-b', '2026-03-11'));
    expect(refused.body).toMatchObject({ status: 409, code: 'PERIOD_LOCKED', errors: [{ path: 'occurredOn', message: expect.stringContaining('city') }] });
    expect((await ledger.get('/periods/2026-03')).body.locks.map((lock: { orgUnitId: string }) => lock.orgUnitId)).toEqual(['county-a', 'city']);
  });

  it('answers a bad month with 400 naming it, a future month with 422, an unknown unit with 422, and appends nothing', async () => {
    const head = await ledger.head();
    for (const month of ['2026-13', '2026-3', '26-03', '2026-00', 'march']) {
      const reply = await ledger.post(`/periods/${month}/lock`, { orgUnitId: 'county-a' });
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toEqual([{ path: 'month', message: expect.any(String) }]);
    }
    expect((await ledger.get('/periods/2026-3')).body).toMatchObject({ status: 400, errors: [{ path: 'month' }] });
    const next = new Date();
    next.setUTCDate(1);
    next.setUTCMonth(next.getUTCMonth() + 2); // past next month whatever the time zone: always in the future
    const futureMonth = next.toISOString().slice(0, 7);
    expect((await ledger.post(`/periods/${futureMonth}/lock`, { orgUnitId: 'county-a' })).body).toMatchObject({ status: 422, errors: [{ path: 'month' }] });
    expect((await ledger.post('/periods/2026-05/lock', { orgUnitId: 'nowhere' })).body).toMatchObject({ status: 422, code: 'UNKNOWN_REFERENCE' });
    const invalid = await ledger.post('/periods/2026-05/lock', { orgUnitId: 'bad id!', reason: '', note: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['note', 'orgUnitId', 'reason']);
    expect((await ledger.post('/periods/2026-05/lock', {})).body).toMatchObject({ status: 400, errors: [{ path: 'orgUnitId' }] });
    expect(await ledger.head()).toBe(head);
  });

  it('respects Idempotency-Key and If-Match like every other command', async () => {
    const first = await ledger.post('/periods/2026-05/lock', { orgUnitId: 'county-b' }, { 'idempotency-key': 'close-may-b' });
    expect(first.status).toBe(201);
    const head = await ledger.head();
    const replay = await ledger.post('/periods/2026-05/lock', { orgUnitId: 'county-b' }, { 'idempotency-key': 'close-may-b' });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await ledger.post('/periods/2026-05/lock', { orgUnitId: 'county-a' }, { 'idempotency-key': 'close-may-b' })).status).toBe(422);
    expect(await ledger.head()).toBe(head);

    const stale = await ledger.post('/periods/2026-05/lock', { orgUnitId: 'county-a' }, { 'if-match': '"-1"' });
    expect(stale.status).toBe(412);
    const current = await ledger.post('/periods/2026-05/lock', { orgUnitId: 'county-a' }, { 'if-match': '"0"' });
    expect(current.status).toBe(201);
    expect(current.headers.etag).toBe('"1"');
  });

  it('describes the period endpoints in OpenAPI', async () => {
    const doc = (await ledger.request('GET', '/docs-json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/periods/{month}/lock', '/api/v1/periods/{month}']));
    expect(doc.paths['/api/v1/periods/{month}/lock'].post.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'month', in: 'path' })]),
    );
  });
});
