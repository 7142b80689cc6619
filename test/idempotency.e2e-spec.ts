import type { LedgerTestApp } from './support/ledger-app';
import { describeOnEveryStore, type OpenedLedger } from './support/every-store';

/** The same retries and conflicts on every store the API can run on. */
describeOnEveryStore('tongxin_e2e_retries', describeRetries);

function describeRetries(store: string, open: () => Promise<OpenedLedger>): void {
  describe(`retries, conflicts and preconditions on ${store}`, () => {
    let ledger: LedgerTestApp;
    let dropStore: () => Promise<void>;

    beforeAll(async () => {
      ({ ledger, dropStore } = await open());
      await ledger.ok('/org-units', { id: 'county', name: '麻阳县', level: 'county' });
      await ledger.ok('/volunteers', { id: 'v1', orgUnitId: 'county', name: '李四' });
    });
    afterAll(async () => {
      await ledger.stop();
      await dropStore();
    });

    const activity = { orgUnitId: 'county', title: '送法进村', category: 'lecture', occurredOn: '2026-04-02', participants: 40 };

    it('a retry with the same Idempotency-Key answers the same and appends nothing, also after a restart', async () => {
      const first = await ledger.post('/activities', activity, { 'idempotency-key': 'offline-42' });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ id: expect.any(String), streamId: `activity-${first.body.id}`, revision: 0, position: expect.any(Number) });
      expect(first.headers.etag).toBe('"0"');
      const head = await ledger.head();

      const again = await ledger.post('/activities', activity, { 'idempotency-key': 'offline-42' });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await ledger.head()).toBe(head);

      await ledger.restart();
      const afterRestart = await ledger.post('/activities', { participants: 40, title: '送法进村', category: 'lecture', occurredOn: '2026-04-02', orgUnitId: 'county' }, { 'idempotency-key': 'offline-42' });
      expect(afterRestart.status).toBe(201);
      expect(afterRestart.body).toEqual(first.body);
      expect(await ledger.head()).toBe(head);
    });

    it('concurrent retries with one key append once', async () => {
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => ledger.post('/volunteers/v1/hours', { servedOn: '2026-04-02', minutes: 30 }, { 'idempotency-key': 'burst-1' })),
      );
      expect(new Set(replies.map((r) => r.status))).toEqual(new Set([201]));
      expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
      const volunteer = await ledger.get('/volunteers/v1');
      expect(volunteer.body.entries).toHaveLength(1);
    });

    it('concurrent retries of a create with its own id answer 201 each, not 409', async () => {
      const body = { ...activity, id: 'offline-made-1' };
      const replies = await Promise.all(Array.from({ length: 8 }, () => ledger.post('/activities', body, { 'idempotency-key': 'offline-made-1' })));
      expect(replies.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
      expect((await ledger.get('/activities/offline-made-1')).body.revision).toBe(0);
    });

    it('the same key with another body → 422, nothing appended', async () => {
      await ledger.ok('/activities', activity, { 'idempotency-key': 'k-2' });
      const head = await ledger.head();
      const reply = await ledger.post('/activities', { ...activity, participants: 41 }, { 'idempotency-key': 'k-2' });
      expect(reply.status).toBe(422);
      expect(reply.headers['content-type']).toMatch(/problem\+json/);
      expect(await ledger.head()).toBe(head);
    });

    it('creating an id that exists → 409', async () => {
      await ledger.ok('/activities', { ...activity, id: 'dup-1' });
      expect((await ledger.post('/activities', { ...activity, id: 'dup-1' })).status).toBe(409);
      expect((await ledger.post('/org-units', { id: 'county', name: 'x', level: 'county' })).status).toBe(409);
      expect((await ledger.post('/volunteers', { id: 'v1', orgUnitId: 'county', name: 'x' })).status).toBe(409);
    });

    it('a donation or disbursement id is unique across campaigns', async () => {
      await ledger.ok('/campaigns', { id: 'camp-a', name: 'A', orgUnitId: 'county' });
      await ledger.ok('/campaigns', { id: 'camp-b', name: 'B', orgUnitId: 'county' });
      const donation = { id: 'don-1', orgUnitId: 'county', donor: { name: '王五', kind: 'individual' }, kind: 'money', amount: 5000, receivedOn: '2026-04-01' };
      await ledger.ok('/donations', { ...donation, campaignId: 'camp-a' });
      expect((await ledger.post('/donations', { ...donation, campaignId: 'camp-b' })).status).toBe(409);
      await ledger.ok('/disbursements', { id: 'dis-1', campaignId: 'camp-a', orgUnitId: 'county', amount: 100, purpose: '慰问', paidOn: '2026-04-03' });
      await ledger.ok('/donations', { ...donation, id: 'don-2', campaignId: 'camp-b' });
      expect((await ledger.post('/disbursements', { id: 'dis-1', campaignId: 'camp-b', orgUnitId: 'county', amount: 100, purpose: '慰问', paidOn: '2026-04-03' })).status).toBe(409);
    });

    it('a stale If-Match → 412 with the current ETag; the right one passes', async () => {
      const created = await ledger.ok('/activities', { ...activity, id: 'etag-1' });
      const corrected = await ledger.post('/activities/etag-1/corrections', { participants: 45, reason: '复核人数' }, { 'if-match': `"${created.revision}"` });
      expect(corrected.status).toBe(200);
      expect(corrected.headers.etag).toBe('"1"');
      const stale = await ledger.post('/activities/etag-1/corrections', { participants: 46, reason: '再次复核' }, { 'if-match': '"0"' });
      expect(stale.status).toBe(412);
      expect(stale.headers.etag).toBe('"1"');
      const history = await ledger.get('/activities/etag-1');
      expect(history.body.participants).toBe(45);
      expect(history.body.history.map((e: { type: string }) => e.type)).toEqual(['ActivityRecorded', 'ActivityCorrected']);
    });

    it('voiding twice → 409; verifying a rejected entry → 409', async () => {
      await ledger.ok('/activities', { ...activity, id: 'void-1' });
      expect((await ledger.post('/activities/void-1/void', { reason: '重复录入' })).status).toBe(200);
      expect((await ledger.post('/activities/void-1/void', { reason: '重复录入' })).status).toBe(409);
      const entry = await ledger.ok('/volunteers/v1/hours', { entryId: 'e-rej', servedOn: '2026-04-03', minutes: 60 });
      expect((await ledger.post(`/volunteers/v1/hours/${entry.id}/reject`, { reason: '未到岗' })).status).toBe(200);
      expect((await ledger.post(`/volunteers/v1/hours/${entry.id}/verify`)).status).toBe(409);
    });

    it('money rules: refund beyond the donation and disbursement beyond the balance → 409', async () => {
      await ledger.ok('/campaigns', { id: 'camp-m', name: 'M', orgUnitId: 'county' });
      await ledger.ok('/donations', { id: 'don-m', campaignId: 'camp-m', orgUnitId: 'county', donor: { name: '赵六', kind: 'individual' }, kind: 'money', amount: 10000, receivedOn: '2026-04-01' });
      expect((await ledger.post('/donations/don-m/refunds', { amount: 10001, reason: '多退' })).status).toBe(409);
      expect((await ledger.post('/donations/don-m/refunds', { amount: 4000, reason: '部分退回' })).status).toBe(201);
      expect((await ledger.post('/disbursements', { campaignId: 'camp-m', orgUnitId: 'county', amount: 6001, purpose: '超支', paidOn: '2026-04-05' })).status).toBe(409);
      expect((await ledger.post('/disbursements', { campaignId: 'camp-m', orgUnitId: 'county', amount: 6000, purpose: '慰问', paidOn: '2026-04-05' })).status).toBe(201);
      expect((await ledger.get('/campaigns/camp-m')).body.balance).toBe(0);
      expect((await ledger.post('/donations/no-such/refunds', { amount: 1, reason: 'x' })).status).toBe(404);
    });

    it('concurrent disbursements never overdraw the campaign', async () => {
      await ledger.ok('/campaigns', { id: 'camp-race', name: 'R', orgUnitId: 'county' });
      await ledger.ok('/donations', { campaignId: 'camp-race', orgUnitId: 'county', donor: { name: '孙七', kind: 'individual' }, kind: 'money', amount: 1000, receivedOn: '2026-04-01' });
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => ledger.post('/disbursements', { campaignId: 'camp-race', orgUnitId: 'county', amount: 100, purpose: '发放', paidOn: '2026-04-02' })),
      );
      expect(replies.filter((r) => r.status === 201)).toHaveLength(10);
      expect(replies.filter((r) => r.status !== 201).every((r) => r.status === 409)).toBe(true);
      expect((await ledger.get('/campaigns/camp-race')).body.balance).toBe(0);
    });

    it('unknown references → 422; unknown entities → 404', async () => {
      expect((await ledger.post('/org-units', { name: '孤村', level: 'village', parentId: 'nowhere' })).status).toBe(422);
      expect((await ledger.post('/activities', { ...activity, campaignId: 'nowhere' })).status).toBe(422);
      expect((await ledger.post('/volunteers/v1/hours', { servedOn: '2026-04-02', minutes: 5, activityId: 'nowhere' })).status).toBe(422);
      expect((await ledger.get('/activities/nowhere')).status).toBe(404);
      expect((await ledger.post('/activities/nowhere/void', { reason: 'x' })).status).toBe(404);
      expect((await ledger.post('/volunteers/nobody/hours', { servedOn: '2026-04-02', minutes: 5 })).status).toBe(404);
    });
  });
}
