import { LedgerTestApp } from './support/ledger-app';
import { seedOneOfEach } from './support/one-of-each';

/**
 * A body nested thousands deep is refused at the parser with 400 problem+json, never a 500 from a
 * validator's call stack, on every route that takes JSON, and the log does not move.
 */
describe('deeply nested JSON', () => {
  let ledger: LedgerTestApp;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start();
    await seedOneOfEach(ledger);
  });
  afterAll(() => ledger.stop());

  const arrays = (depth: number, inner: string): string => '['.repeat(depth) + inner + ']'.repeat(depth);
  const objects = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  async function expectRefused(url: string, raw: string): Promise<void> {
    const before = await ledger.head();
    const reply = await ledger.post(url, raw, { 'content-type': 'application/json' });
    expect({ url, status: reply.status }).toEqual({ url, status: 400 });
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.body.detail).toMatch(/nested deeper than 32 levels/);
    expect(reply.body.errors.length).toBeGreaterThan(0);
    expect(await ledger.head()).toBe(before);
  }

  it('a title 2,000 arrays deep → 400 naming the nesting', async () => {
    await expectRefused('/activities', `{"orgUnitId":"city","title":${arrays(2000, '"t"')},"category":"lecture","occurredOn":"2026-05-01","participants":1}`);
  });

  it('an unknown field holding an object 20,000 deep → 400', async () => {
    await expectRefused('/activities', `{"orgUnitId":"city","x":${objects(20_000)},"title":"t","category":"lecture","occurredOn":"2026-05-01","participants":1}`);
  });

  it.each([
    '/org-units', '/campaigns', '/activities', '/activities/a1/corrections', '/activities/a1/void', '/volunteers', '/volunteers/v1/hours',
    '/volunteers/v1/hours/e1/verify', '/volunteers/v1/hours/e1/reject', '/volunteers/v1/erase', '/donations', '/donations/d1/refunds',
    '/donations/d1/distributions', '/disbursements', '/tokens', '/periods/2026-05/lock', '/reconciliation/matches',
  ])('POST %s refuses a body nested 5,000 deep', async (url) => {
    await expectRefused(url, `{"x":${objects(5000)}}`);
  });

  it('a body nested within the limit is judged by its fields as before', async () => {
    const reply = await ledger.post('/activities', `{"x":${objects(30)}}`, { 'content-type': 'application/json' });
    expect(reply.status).toBe(400);
    expect(reply.body.errors.map((e: { path: string }) => e.path)).toContain('x');
    const donor = await ledger.post('/donations', {
      campaignId: 'c1', orgUnitId: 'city', donor: { name: '某企业', kind: 'organisation' }, kind: 'goods', amount: 100,
      receivedOn: '2026-05-01', items: [{ description: '棉被', quantity: 1, unit: '床' }],
    });
    expect(donor.status).toBe(201);
  });
});
