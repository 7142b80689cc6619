import { LedgerTestApp } from './support/ledger-app';

describe('the HTTP surface', () => {
  let ledger: LedgerTestApp;

  beforeAll(async () => {
    ledger = await LedgerTestApp.start();
  });
  afterAll(() => ledger.stop());

  it('answers health and docs without a token, everything else needs one', async () => {
    const health = await ledger.request('GET', '/api/v1/health', undefined, { authorization: '' });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', position: expect.any(Number) });
    expect((await ledger.request('GET', '/docs-json', undefined, { authorization: '' })).status).toBe(200);
    for (const [method, url] of [['GET', '/api/v1/stats/totals'], ['POST', '/api/v1/activities'], ['GET', '/api/v1/events']]) {
      const none = await ledger.request(method, url, method === 'POST' ? {} : undefined, { authorization: '' });
      expect(none.status).toBe(401);
      expect(none.headers['content-type']).toMatch(/problem\+json/);
      const wrong = await ledger.request(method, url, method === 'POST' ? {} : undefined, { authorization: 'Bearer not-the-token' });
      expect(wrong.status).toBe(401);
    }
  });

  it('describes every contract endpoint in OpenAPI', async () => {
    const doc = (await ledger.request('GET', '/docs-json')).body;
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/api/v1/org-units', '/api/v1/org-units/{id}', '/api/v1/campaigns', '/api/v1/campaigns/{id}', '/api/v1/activities',
      '/api/v1/activities/{id}/corrections', '/api/v1/activities/{id}/void', '/api/v1/activities/{id}', '/api/v1/volunteers',
      '/api/v1/volunteers/{id}/hours', '/api/v1/volunteers/{id}/hours/{entryId}/verify', '/api/v1/volunteers/{id}/hours/{entryId}/reject',
      '/api/v1/volunteers/{id}', '/api/v1/donations', '/api/v1/donations/{id}/refunds', '/api/v1/disbursements',
      '/api/v1/stats/totals', '/api/v1/stats/breakdown', '/api/v1/events', '/api/v1/streams/{streamId}', '/api/v1/health',
    ]) expect(paths).toContain(path);
  });

  it('serves entities, the org tree, streams and the global log with full metadata', async () => {
    const root = await ledger.ok('/org-units', { id: 'county', name: '通道县', level: 'county' });
    await ledger.ok('/org-units', { id: 'town', name: '双江镇', level: 'township', parentId: 'county' });
    const created = await ledger.ok('/org-units', { id: 'village', name: '芋头村', level: 'village', parentId: 'town' }, { 'x-correlation-id': 'sync-batch-7' });
    const unit = await ledger.get(`/org-units/town?minPosition=${created.position}`);
    expect(unit.body).toMatchObject({ id: 'town', name: '双江镇', level: 'township', parentId: 'county', path: ['county', 'town'], children: ['village'] });
    expect(root).toMatchObject({ id: 'county', streamId: 'org-unit-county', revision: 0 });

    const stream = await ledger.get('/streams/org-unit-village');
    expect(stream.body.events).toHaveLength(1);
    const [event] = stream.body.events;
    expect(event).toMatchObject({ position: created.position, streamId: 'org-unit-village', revision: 0, type: 'OrgUnitRegistered', recordedAt: expect.any(String) });
    expect(event.metadata).toMatchObject({ actor: 'admin', commandId: expect.any(String), correlationId: 'sync-batch-7', orgUnitId: 'village', schemaVersion: 1 });

    const page = await ledger.get('/events?after=0&limit=2');
    expect(page.body.events.map((e: { position: number }) => e.position)).toEqual([1, 2]);
    expect(page.body.next).toBe(2);
    const rest = await ledger.get(`/events?after=${page.body.next}&limit=1000`);
    expect(rest.body.events.map((e: { position: number }) => e.position)).toEqual([3]);
    expect(rest.body.next).toBeNull();
    expect((await ledger.get('/events?limit=1001')).status).toBe(400);
    expect((await ledger.get('/streams/nothing-here')).status).toBe(404);
    expect((await ledger.get('/no-such-route')).headers['content-type']).toMatch(/problem\+json/);
  });

  it('shows a volunteer with entry statuses and minutes logged and verified', async () => {
    await ledger.ok('/volunteers', { id: 'v9', orgUnitId: 'village', name: '杨八', phone: '13912345678' });
    await ledger.ok('/volunteers/v9/hours', { entryId: 'a', servedOn: '2026-03-01', minutes: 90 });
    await ledger.ok('/volunteers/v9/hours', { entryId: 'b', servedOn: '2026-03-02', minutes: 30 });
    await ledger.ok('/volunteers/v9/hours/a/verify');
    const volunteer = await ledger.get('/volunteers/v9');
    expect(volunteer.body).toMatchObject({ id: 'v9', name: '杨八', minutesLogged: 120, minutesVerified: 90 });
    expect(volunteer.body.entries.map((e: { entryId: string; status: string }) => [e.entryId, e.status])).toEqual([['a', 'verified'], ['b', 'pending']]);
  });

  it('a filter naming an unknown org unit or campaign is 422, not a ledger of zeros', async () => {
    const unit = await ledger.get('/stats/totals?orgUnitId=no-such-unit');
    expect(unit.status).toBe(422);
    expect(unit.body.errors).toEqual([{ path: 'orgUnitId', message: expect.any(String) }]);
    const campaign = await ledger.get('/stats/breakdown?by=month&campaignId=no-such-campaign');
    expect(campaign.status).toBe(422);
    expect(campaign.body.errors[0].path).toBe('campaignId');
  });

  it('minPosition beyond the log answers 503 with Retry-After', async () => {
    const reply = await ledger.get(`/stats/totals?minPosition=${(await ledger.head()) + 1000}`);
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBeDefined();
  }, 15_000);

  it('campaign answers carry its current totals and money balance', async () => {
    await ledger.ok('/campaigns', { id: 'camp', name: '石榴籽', orgUnitId: 'county' });
    const donation = await ledger.ok('/donations', { campaignId: 'camp', orgUnitId: 'village', donor: { name: '某公司', kind: 'organisation' }, kind: 'money', amount: 123456, receivedOn: '2026-06-01' });
    const campaign = await ledger.get(`/campaigns/camp?minPosition=${donation.position}`);
    expect(campaign.body).toMatchObject({ id: 'camp', name: '石榴籽', balance: 123456, totals: { moneyReceived: 123456, fundsRaised: 123456, donations: 1 } });
  });
});
