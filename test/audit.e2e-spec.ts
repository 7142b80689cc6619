import { LedgerTestApp } from './support/ledger-app';

const TODAY = new Date().toISOString().slice(0, 10);

/** GET /audit: what an actor did, for admins over everything and organisers over their own scope. */
describe('GET /api/v1/audit', () => {
  jest.setTimeout(60_000);
  let app: LedgerTestApp;
  const secret: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${secret[who]}` });
  let middle = '';

  beforeAll(async () => {
    app = await LedgerTestApp.start();
    await app.ok('/org-units', { id: 'city', name: '市', level: 'city' });
    for (const county of ['k1', 'k2']) await app.ok('/org-units', { id: county, name: county, level: 'county', parentId: 'city' });
    for (const [who, role, unit] of [['rec', 'recorder', 'city'], ['org1', 'organiser', 'k1']]) {
      secret[who] = (await app.post('/tokens', { id: who, name: who, role, orgUnitId: unit })).body.token;
    }
    // The recorder (scoped to the city) records two activities in k1 and one in k2, with a pause between.
    await app.ok('/activities', { id: 'a1', orgUnitId: 'k1', title: '宣讲', category: 'lecture', occurredOn: TODAY, participants: 1 }, as('rec'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    middle = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await app.ok('/activities', { id: 'a2', orgUnitId: 'k2', title: '宣讲', category: 'lecture', occurredOn: TODAY, participants: 2 }, as('rec'));
    await app.ok('/activities/a1/corrections', { participants: 3, reason: '更正' }, as('rec'));
  });
  afterAll(async () => app?.stop());

  const ids = (reply: { body: { events: { streamId: string; type: string }[] } }) => reply.body.events.map((e) => `${e.type}:${e.streamId}`);

  it('lists every action of the actor for an admin, in log order, with since and paging', async () => {
    const all = await app.get('/audit?actor=rec');
    expect(all.status).toBe(200);
    expect(ids(all)).toEqual(['ActivityRecorded:activity-a1', 'ActivityRecorded:activity-a2', 'ActivityCorrected:activity-a1']);
    expect(all.body.events.every((e: { metadata: { actor: string } }) => e.metadata.actor === 'rec')).toBe(true);
    expect(ids(await app.get(`/audit?actor=rec&since=${encodeURIComponent(middle)}`))).toEqual(['ActivityRecorded:activity-a2', 'ActivityCorrected:activity-a1']);
    expect(ids(await app.get(`/audit?actor=rec&until=${encodeURIComponent(middle)}`))).toEqual(['ActivityRecorded:activity-a1']);
    const first = await app.get('/audit?actor=rec&limit=2');
    expect(first.body.events).toHaveLength(2);
    const second = await app.get(`/audit?actor=rec&limit=2&after=${first.body.next}`);
    expect(ids(second)).toEqual(['ActivityCorrected:activity-a1']);
    expect(second.body.next).toBeNull();
    // Token issuance is an action too, and its actor is the bootstrap admin.
    expect(ids(await app.get('/audit?actor=admin'))).toContain('TokenIssued:token-rec');
  });

  it('shows an organiser only what the actor did inside the organiser\'s scope', async () => {
    const reply = await app.get('/audit?actor=rec', as('org1'));
    expect(reply.status).toBe(200);
    expect(ids(reply)).toEqual(['ActivityRecorded:activity-a1', 'ActivityCorrected:activity-a1']);
  });

  it('is refused to recorders and analysts, and names bad fields', async () => {
    expect((await app.get('/audit?actor=rec', as('rec'))).status).toBe(403);
    const bad = await app.get('/audit?since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['actor', 'since']);
  });
});
