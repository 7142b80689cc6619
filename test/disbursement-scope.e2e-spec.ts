/**
 * A disbursement may name the activity it paid for. That activity must lie in the caller's scope like the unit it is
 * paid under: otherwise a county's organiser could tie its spending to another county's activity, and could tell
 * from 422 against 201 whether an activity outside its scope exists.
 */
import { LedgerTestApp, type Reply } from './support/ledger-app';
import { seedTwoCounties } from './support/two-counties';

let app: LedgerTestApp;
let organiserA = '';
const TODAY = new Date().toISOString().slice(0, 10);

function disburse(activityId: string, id: string): Promise<Reply> {
  return app.request('POST', '/api/v1/disbursements', {
    id, campaignId: 'camp', orgUnitId: 'village-a', amount: 1_000, purpose: '慰问困难群众', paidOn: TODAY, activityId,
  }, { authorization: `Bearer ${organiserA}` });
}

beforeAll(async () => {
  app = await LedgerTestApp.start();
  await seedTwoCounties(app);
  for (const county of ['a', 'b']) {
    await app.ok('/activities', {
      id: `act-${county}`, orgUnitId: `village-${county}`, title: '宣讲', category: 'lecture', occurredOn: TODAY, participants: 10,
    });
  }
  await app.ok('/campaigns', { id: 'camp', name: '民族团结进步创建', orgUnitId: 'city' });
  await app.ok('/donations', {
    campaignId: 'camp', orgUnitId: 'city', donor: { name: '某商会', kind: 'organisation' }, kind: 'money', amount: 100_000, receivedOn: TODAY,
  });
  organiserA = ((await app.ok('/tokens', { name: '县a组织者', role: 'organiser', orgUnitId: 'county-a' })) as unknown as { token: string }).token;
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

describe('a disbursement naming an activity', () => {
  it.each([['act-b', 'another county\'s activity'], ['act-none', 'an activity that does not exist']])(
    'is refused with 403 for %s (%s), and nothing is appended',
    async (activityId) => {
      const head = await app.head();
      const reply = await disburse(activityId, `pay-${activityId}`);
      expect(reply.status).toBe(403);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await app.head()).toBe(head);
    },
  );

  it('is recorded for an activity in the caller\'s scope', async () => {
    expect((await disburse('act-a', 'pay-act-a')).status).toBe(201);
  });
});
