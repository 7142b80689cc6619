import { writeCsv } from '@tongxin/imports';
import { LedgerTestApp, TEST_TOKEN } from './support/ledger-app';
import { seedOneOfEach } from './support/one-of-each';

/**
 * Text is stored in NFC, without control characters, as valid Unicode, with at least one visible
 * character; the rest is refused with 400 naming the field, on every text field of every endpoint and in imports.
 * Prototype keys are unknown fields like any other, and the Bearer scheme is case-insensitive.
 */
describe('text hygiene', () => {
  let ledger: LedgerTestApp;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start();
    await seedOneOfEach(ledger);
    await ledger.ok('/donations', { id: 'd2', campaignId: 'c1', orgUnitId: 'city', donor: { name: '张三', kind: 'individual' }, kind: 'money', amount: 10000, receivedOn: '2026-05-01' });
  });
  afterAll(() => ledger.stop());

  const activity = { orgUnitId: 'city', title: '宣讲', category: 'lecture', occurredOn: '2026-05-01', participants: 10 };
  const donation = { campaignId: 'c1', orgUnitId: 'city', donor: { name: '李四', kind: 'individual' }, kind: 'money', amount: 100, receivedOn: '2026-05-01' };
  const goods = { ...donation, kind: 'goods', items: [{ description: '棉被', quantity: 1, unit: '床' }] };

  /** Every text field of every endpoint: the URL, a body with `text` in that field, and the field's path. */
  const fields: [string, (text: string) => Record<string, unknown>, string][] = [
    ['/org-units', (t) => ({ name: t, level: 'city' }), 'name'],
    ['/campaigns', (t) => ({ name: t, orgUnitId: 'city' }), 'name'],
    ['/activities', (t) => ({ ...activity, title: t }), 'title'],
    ['/activities', (t) => ({ ...activity, location: t }), 'location'],
    ['/activities', (t) => ({ ...activity, notes: t }), 'notes'],
    ['/activities/a1/corrections', (t) => ({ title: t, reason: '更正' }), 'title'],
    ['/activities/a1/corrections', (t) => ({ participants: 3, reason: t }), 'reason'],
    ['/activities/a1/void', (t) => ({ reason: t }), 'reason'],
    ['/volunteers', (t) => ({ orgUnitId: 'city', name: t }), 'name'],
    ['/volunteers/v1/hours', (t) => ({ servedOn: '2026-05-02', minutes: 30, description: t }), 'description'],
    ['/volunteers/v1/hours/e1/verify', (t) => ({ reason: t }), 'reason'],
    ['/volunteers/v1/hours/e1/reject', (t) => ({ reason: t }), 'reason'],
    ['/donations', (t) => ({ ...donation, donor: { name: t, kind: 'individual' } }), 'donor.name'],
    ['/donations', (t) => ({ ...donation, reference: t }), 'reference'],
    ['/donations', (t) => ({ ...goods, items: [{ description: t, quantity: 1, unit: '床' }] }), 'items[0].description'],
    ['/donations', (t) => ({ ...goods, items: [{ description: '棉被', quantity: 1, unit: t }] }), 'items[0].unit'],
    ['/donations/d2/refunds', (t) => ({ amount: 1, reason: t }), 'reason'],
    ['/donations/d1/distributions', (t) => ({ items: [{ index: 0, quantity: 1 }], recipient: { orgUnitId: 'city' }, beneficiaries: 1, distributedOn: '2026-05-02', notes: t }), 'notes'],
    ['/disbursements', (t) => ({ campaignId: 'c1', orgUnitId: 'city', amount: 1, purpose: t, paidOn: '2026-05-02' }), 'purpose'],
    ['/tokens', (t) => ({ name: t, role: 'analyst', orgUnitId: 'city' }), 'name'],
    ['/periods/2026-04/lock', (t) => ({ orgUnitId: 'city', reason: t }), 'reason'],
    ['/reconciliation/matches', (t) => ({ campaignId: 'c1', statementId: 'bank-x', line: 2, donationId: 'd2', action: 'match', reason: t }), 'reason'],
  ];

  const bad: [string, string][] = [
    ['only zero-width spaces', '\u200b\u200b\u200b'],
    ['a NUL character', '宣\u0000讲'],
    ['only a NUL character', '\u0000'],
    ['a lone surrogate', 'ab\ud800'],
    ['a bidirectional override', '宣讲\u202e'],
    ['an escape character', '\u001b[31m宣讲'],
    ['a C1 control', '宣讲\u0085'],
  ];

  describe.each(bad)('%s', (_name, text) => {
    it.each(fields)('POST %s → 400 naming %s', async (url, body, path) => {
      const before = await ledger.head();
      const reply = await ledger.post(url, body(text));
      expect({ url, path, status: reply.status }).toEqual({ url, path, status: 400 });
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reply.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await ledger.head()).toBe(before);
    });
  });

  it('a line break or tab in a single-line field is refused; multi-line fields keep them', async () => {
    for (const text of ['宣讲\n第二行', '宣讲\t会']) {
      const reply = await ledger.post('/activities', { ...activity, title: text });
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toEqual([{ path: 'title', message: 'title must be a single line (no tabs or line breaks)' }]);
    }
    const created = await ledger.ok('/activities', { ...activity, id: 'multi', notes: '第一行\r\n第二行\t备注', location: '某村\n文化广场' });
    const read = await ledger.get(`/activities/multi?minPosition=${created.position}`);
    expect(read.body).toMatchObject({ notes: '第一行\r\n第二行\t备注', location: '某村\n文化广场' });
  });

  it('text is stored in NFC', async () => {
    const decomposed = 'Cafe\u0301 宣讲';
    const created = await ledger.ok('/activities', { ...activity, id: 'nfc', title: decomposed });
    const read = await ledger.get(`/activities/nfc?minPosition=${created.position}`);
    expect(read.body.title).toBe('Caf\u00e9 宣讲');
  });

  it('a lone surrogate sent as a JSON escape is refused, not stored as U+FFFD', async () => {
    const reply = await ledger.post('/activities', '{"orgUnitId":"city","title":"\\ud800","category":"lecture","occurredOn":"2026-05-01","participants":1}', { 'content-type': 'application/json' });
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([{ path: 'title', message: expect.stringMatching(/^title must be valid Unicode/) }]);
  });

  it('text with a zero-width joiner or an emoji inside visible text is kept', async () => {
    const created = await ledger.ok('/activities', { ...activity, id: 'emoji', title: '家庭👨\u200d👩\u200d👧 宣讲' });
    expect((await ledger.get(`/activities/emoji?minPosition=${created.position}`)).body.title).toBe('家庭👨\u200d👩\u200d👧 宣讲');
  });

  it.each(['prototype', 'constructor', '__proto__'])('the unknown field %s is refused like any other, at any depth', async (key) => {
    const before = await ledger.head();
    const top = await ledger.post('/activities', `{"orgUnitId":"city","title":"t","category":"lecture","occurredOn":"2026-05-01","participants":1,"${key}":{}}`, { 'content-type': 'application/json' });
    expect(top.status).toBe(400);
    expect(top.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(top.body.errors).toEqual([{ path: key, message: 'unknown field' }]);
    const nested = await ledger.post('/donations', `{"campaignId":"c1","orgUnitId":"city","donor":{"name":"x","kind":"individual","${key}":1},"kind":"money","amount":1,"receivedOn":"2026-05-01"}`, { 'content-type': 'application/json' });
    expect(nested.status).toBe(400);
    expect(nested.body.errors).toEqual([{ path: `donor.${key}`, message: 'unknown field' }]);
    const query = await ledger.get(`/stats/totals?${key}=1`);
    expect(query.status).toBe(400);
    expect(query.body.errors).toEqual([{ path: key, message: 'unknown field' }]);
    expect(await ledger.head()).toBe(before);
  });

  it.each(['bearer', 'BEARER', 'Bearer  '])('the auth scheme %j is accepted, whatever its case', async (scheme) => {
    const reply = await ledger.get('/stats/totals', { authorization: `${scheme} ${TEST_TOKEN}` });
    expect(reply.status).toBe(200);
  });

  it('an imported row gets the same text rule, naming its column', async () => {
    const file = writeCsv('activities', [
      { id: 'imp-1', orgUnitId: 'city', title: '\u200b\u200b', category: 'lecture', occurredOn: '2026-05-01', participants: 3 },
      { id: 'imp-2', orgUnitId: 'city', title: 'Cafe\u0301', category: 'lecture', occurredOn: '2026-05-01', participants: 3 },
    ]);
    const started = await ledger.upload('/imports?kind=activities&mode=valid-rows', file, '活动.csv');
    const job = await ledger.finished(started.body.id);
    expect(job.result).toMatchObject({ recorded: 1, refused: 1 });
    expect(job.result.errors).toEqual([expect.objectContaining({ row: 2, field: 'title', message: 'title must contain at least one visible character' })]);
    expect((await ledger.get(`/activities/imp-2?minPosition=${await ledger.head()}`)).body.title).toBe('Caf\u00e9');
  });
});
