import { LedgerTestApp } from './support/ledger-app';

/** Every malformed body gets 400 problem+json naming the field, never a 500, and the log does not move. */
describe('malformed input', () => {
  let ledger: LedgerTestApp;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start();
    await ledger.ok('/org-units', { id: 'city', name: '怀化市', level: 'city' });
    await ledger.ok('/org-units', { id: 'village', name: '某村', level: 'village', parentId: 'city' });
    await ledger.ok('/campaigns', { id: 'c1', name: '民族团结进步创建', orgUnitId: 'city' });
    await ledger.ok('/activities', { id: 'a1', orgUnitId: 'village', title: '宣讲', category: 'lecture', occurredOn: '2026-05-01', participants: 10 });
    await ledger.ok('/volunteers', { id: 'v1', orgUnitId: 'village', name: '张三' });
    await ledger.ok('/donations', {
      id: 'd1', campaignId: 'c1', orgUnitId: 'city', donor: { name: '某企业', kind: 'organisation' },
      kind: 'money', amount: 10000, receivedOn: '2026-05-01',
    });
  });
  afterAll(() => ledger.stop());

  const activity = { orgUnitId: 'village', title: '宣讲', category: 'lecture', occurredOn: '2026-05-01', participants: 10 };
  const donation = { campaignId: 'c1', orgUnitId: 'city', donor: { name: '张三', kind: 'individual' }, kind: 'money', amount: 100, receivedOn: '2026-05-01' };
  const huge = 'x'.repeat(100_000);

  const cases: [string, string, unknown, string[]][] = [
    ['participants as a string', '/activities', { ...activity, participants: '12' }, ['participants']],
    ['negative participants', '/activities', { ...activity, participants: -1 }, ['participants']],
    ['fractional participants', '/activities', { ...activity, participants: 1.5 }, ['participants']],
    ['participants over ten million', '/activities', { ...activity, participants: 10_000_001 }, ['participants']],
    ['null participants', '/activities', { ...activity, participants: null }, ['participants']],
    ['impossible date', '/activities', { ...activity, occurredOn: '2023-02-30' }, ['occurredOn']],
    ['date in another format', '/activities', { ...activity, occurredOn: '01/05/2026' }, ['occurredOn']],
    ['unknown category', '/activities', { ...activity, category: 'party' }, ['category']],
    ['unknown venue type', '/activities', { ...activity, venueType: 'moon' }, ['venueType']],
    ['unknown field', '/activities', { ...activity, colour: 'red' }, ['colour']],
    ['huge title', '/activities', { ...activity, title: huge }, ['title']],
    ['empty title', '/activities', { ...activity, title: '' }, ['title']],
    ['blank title', '/activities', { ...activity, title: '   ' }, ['title']],
    ['bad id', '/activities', { ...activity, id: '../etc' }, ['id']],
    ['several bad fields at once', '/activities', { ...activity, participants: 'x', category: 'y', occurredOn: 'z' }, ['participants', 'category', 'occurredOn']],
    ['missing required fields', '/activities', {}, ['orgUnitId', 'title', 'category', 'occurredOn', 'participants']],
    ['correction without reason', '/activities/a1/corrections', { participants: 3 }, ['reason']],
    ['correction with a string count', '/activities/a1/corrections', { participants: '3', reason: 'typo' }, ['participants']],
    ['correction of an unknown field', '/activities/a1/corrections', { orgUnitId: 'city', reason: 'x' }, ['orgUnitId']],
    ['void without reason', '/activities/a1/void', {}, ['reason']],
    ['unknown org level', '/org-units', { name: 'x', level: 'planet' }, ['level']],
    ['zero minutes', '/volunteers/v1/hours', { servedOn: '2026-05-01', minutes: 0 }, ['minutes']],
    ['minutes over a day', '/volunteers/v1/hours', { servedOn: '2026-05-01', minutes: 1441 }, ['minutes']],
    ['volunteer without name', '/volunteers', { orgUnitId: 'village' }, ['name']],
    ['money as a float', '/donations', { ...donation, amount: 12.5 }, ['amount']],
    ['money as a string', '/donations', { ...donation, amount: '1250' }, ['amount']],
    ['zero money', '/donations', { ...donation, amount: 0 }, ['amount']],
    ['money over 10^12', '/donations', { ...donation, amount: 1_000_000_000_001 }, ['amount']],
    ['donor with an unknown kind', '/donations', { ...donation, donor: { name: 'x', kind: 'alien' } }, ['donor.kind']],
    ['donor as a string', '/donations', { ...donation, donor: 'x' }, ['donor']],
    ['donor with an unknown field', '/donations', { ...donation, donor: { name: 'x', kind: 'individual', age: 3 } }, ['donor.age']],
    ['goods item with a fractional quantity', '/donations', { ...donation, kind: 'goods', items: [{ description: '米', quantity: 1.5, unit: '袋' }] }, ['items[0].quantity']],
    ['refund as a float', '/donations/d1/refunds', { amount: 1.1, reason: 'x' }, ['amount']],
    ['disbursement with a negative amount', '/disbursements', { campaignId: 'c1', orgUnitId: 'city', amount: -5, purpose: 'x', paidOn: '2026-05-01' }, ['amount']],
  ];

  it.each(cases)('%s → 400 naming the field, nothing appended', async (_name, url, body, paths) => {
    const before = await ledger.head();
    const reply = await ledger.post(url, body);
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({ status: 400, title: expect.any(String), type: expect.any(String) });
    const reported = (reply.body.errors as { path: string }[]).map((e) => e.path);
    for (const path of paths) expect(reported).toContain(path);
    expect(await ledger.head()).toBe(before);
  });

  it.each([
    ['broken JSON', '{"title": '],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"hello"'],
    ['JSON null', 'null'],
  ])('%s → 400 problem+json', async (_name, raw) => {
    const before = await ledger.head();
    const reply = await ledger.post('/activities', raw, { 'content-type': 'application/json' });
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.body.errors.length).toBeGreaterThan(0);
    expect(await ledger.head()).toBe(before);
  });

  it('a body over 1 MiB → 413 problem+json', async () => {
    const reply = await ledger.post('/activities', { ...activity, notes: 'x'.repeat(1_100_000) });
    expect(reply.status).toBe(413);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('bad query parameters on totals → 400 naming them', async () => {
    const reply = await ledger.get('/stats/totals?from=2026-13-01&asOf=yesterday&minPosition=-1&colour=red');
    expect(reply.status).toBe(400);
    const paths = (reply.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['from', 'asOf', 'minPosition', 'colour']));
  });

  it('a malformed Idempotency-Key or If-Match → 400 naming the header', async () => {
    expect((await ledger.post('/activities', activity, { 'idempotency-key': 'x'.repeat(129) })).body.errors[0].path).toBe('Idempotency-Key');
    expect((await ledger.post('/activities/a1/void', { reason: 'x' }, { 'if-match': 'yesterday' })).body.errors[0].path).toBe('If-Match');
  });
});
