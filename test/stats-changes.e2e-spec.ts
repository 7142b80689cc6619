import type { LedgerTestApp } from './support/ledger-app';
import { describeOnEveryStore, type OpenedLedger } from './support/every-store';

/** GET /stats/changes over HTTP, on every store the API runs on: what an auditor asks after a report was filed. */
describeOnEveryStore('tongxin_e2e_changes', (store: string, open: () => Promise<OpenedLedger>) => {
  describe(`GET /stats/changes on ${store}`, () => {
    let ledger: LedgerTestApp;
    let dropStore: () => Promise<void>;
    let beforeCorrections: string;

    const changes = async (query = '') => {
      const reply = await ledger.get(`/stats/changes?minPosition=${await ledger.head()}${query}`);
      expect(reply.status).toBe(200);
      return reply.body as { changes: any[]; next: number | null; position: number };
    };

    beforeAll(async () => {
      ({ ledger, dropStore } = await open());
      await ledger.ok('/org-units', { id: 'city', name: '怀化市', level: 'city' });
      await ledger.ok('/org-units', { id: 'ka', name: '鹤城区', level: 'county', parentId: 'city' });
      await ledger.ok('/org-units', { id: 'kb', name: '芷江县', level: 'county', parentId: 'city' });
      await ledger.ok('/org-units', { id: 'va', name: '一村', level: 'village', parentId: 'ka' });
      await ledger.ok('/org-units', { id: 'vb', name: '三村', level: 'village', parentId: 'kb' });
      await ledger.ok('/campaigns', { id: 'c1', name: '民族团结进步月', orgUnitId: 'city' });
      const activity = { title: '宣讲', category: 'lecture', participants: 40 };
      await ledger.ok('/activities', { ...activity, id: 'act1', orgUnitId: 'va', campaignId: 'c1', occurredOn: '2026-03-05' });
      await ledger.ok('/activities', { ...activity, id: 'act2', orgUnitId: 'vb', occurredOn: '2026-03-06', participants: 20 });
      await ledger.ok('/activities', { ...activity, id: 'act3', orgUnitId: 'va', occurredOn: '2026-04-02', title: '走访' });
      await ledger.ok('/volunteers', { id: 'v1', orgUnitId: 'va', name: '李四' });
      await ledger.ok('/volunteers/v1/hours', { entryId: 'e1', activityId: 'act1', servedOn: '2026-03-05', minutes: 30 });
      await ledger.ok('/volunteers/v1/hours', { entryId: 'e2', activityId: 'act1', servedOn: '2026-03-05', minutes: 60 });
      await ledger.ok('/donations', {
        id: 'd1', campaignId: 'c1', orgUnitId: 'city', donor: { name: '某企业', kind: 'organisation' }, kind: 'money',
        amount: 100_000, receivedOn: '2026-03-01',
      });
      beforeCorrections = new Date().toISOString();
      // A few ms apart, so each change has an instant of its own for the since/until/asOf cuts below.
      const apart = async (url: string, body: unknown) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        await ledger.ok(url, body);
      };
      await apart('/donations/d1/refunds', { refundId: 'r1', amount: 20_000, reason: '捐赠人要求退回' });
      await apart('/disbursements', { id: 'p1', campaignId: 'c1', orgUnitId: 'va', amount: 30_000, purpose: '慰问困难群众', paidOn: '2026-03-10' });
      await apart('/activities/act1/corrections', { participants: 45, reason: '复核签到表' });
      await apart('/activities/act3/corrections', { title: '入户走访', reason: '标题笔误' });
      await apart('/activities/act2/void', { reason: '重复录入' });
      await apart('/volunteers/v1/hours/e2/reject', { reason: '时长无法核实' });
    });
    afterAll(async () => {
      await ledger.stop();
      await dropStore();
    });

    it('lists each refund, disbursement, correction, void and rejection that moved a figure, with before/after, reason, actor and time', async () => {
      const page = await changes();
      expect(page.next).toBeNull();
      expect(page.position).toBe(await ledger.head());
      // The title-only correction of act3 moved no figure: not listed.
      expect(page.changes.map((c) => [c.kind, c.entity, c.reason])).toEqual([
        ['refund', { type: 'refund', id: 'r1', donationId: 'd1' }, '捐赠人要求退回'],
        ['disbursement', { type: 'disbursement', id: 'p1' }, null],
        ['correction', { type: 'activity', id: 'act1' }, '复核签到表'],
        ['void', { type: 'activity', id: 'act2' }, '重复录入'],
        ['rejection', { type: 'hourEntry', id: 'e2', volunteerId: 'v1' }, '时长无法核实'],
      ]);
      const [refund, disbursement, correction, voided, rejection] = page.changes;
      expect(refund).toMatchObject({
        before: { donationAmount: 100_000, refunded: 0, unrefunded: 100_000 },
        after: { amount: 20_000, refunded: 20_000, unrefunded: 80_000 }, orgUnitId: 'city', campaignId: 'c1',
      });
      expect(disbursement).toMatchObject({ before: { campaignDisbursed: 0 }, after: { amount: 30_000, campaignDisbursed: 30_000 } });
      expect(correction).toMatchObject({ before: { participants: 40 }, after: { participants: 45 }, date: '2026-03-05' });
      expect(voided).toMatchObject({ before: { participants: 20, occurredOn: '2026-03-06' }, after: null, orgUnitId: 'vb' });
      expect(rejection).toMatchObject({ before: { status: 'pending', minutes: 60 }, after: { status: 'rejected' } });
      for (const change of page.changes) {
        expect(change).toMatchObject({ actor: 'admin', late: false, lockedPeriod: null });
        expect(Date.parse(change.recordedAt)).toBeGreaterThanOrEqual(Date.parse(beforeCorrections));
      }
      // Each change's position is the event's own, as /streams shows it.
      const stream = await ledger.get('/streams/activity-act1');
      const corrected = stream.body.events.find((e: any) => e.type === 'ActivityCorrected');
      expect(correction.position).toBe(corrected.position);
      expect(correction.recordedAt).toBe(corrected.recordedAt);
    });

    it('takes the totals\' filters and a recorded-time window', async () => {
      const ids = async (query: string) => (await changes(query)).changes.map((c) => c.entity.id);
      expect(await ids('&orgUnitId=kb')).toEqual(['act2']);
      expect(await ids('&orgUnitId=ka')).toEqual(['p1', 'act1', 'e2']);
      expect(await ids('&campaignId=c1')).toEqual(['r1', 'p1', 'act1', 'e2']);
      expect(await ids('&from=2026-03-06&to=2026-03-31')).toEqual(['p1', 'act2']);
      expect(await ids('&category=training')).toEqual(['r1', 'p1', 'e2']);
      expect(await ids(`&until=${encodeURIComponent(beforeCorrections)}`)).toEqual([]);
      const all = (await changes()).changes;
      expect(await ids(`&since=${encodeURIComponent(all[2].recordedAt)}`)).toEqual(['act1', 'act2', 'e2']);
      expect(await ids(`&asOf=${encodeURIComponent(all[1].recordedAt)}`)).toEqual(['r1', 'p1']);
      const first = await changes('&limit=2');
      expect(first.changes.map((c) => c.entity.id)).toEqual(['r1', 'p1']);
      expect(await ids(`&after=${first.next}&limit=2`)).toEqual(['act1', 'act2']);
    });

    it('lists late corrections to a locked period, flagged with the lock', async () => {
      const locked = await ledger.post('/periods/2026-03/lock', { orgUnitId: 'ka', reason: '三月报表已上报' });
      expect(locked.status).toBe(201);
      // A new fact in the locked month is refused and appends nothing; a correction with its reason is taken.
      const head = await ledger.head();
      const refused = await ledger.post('/activities', { orgUnitId: 'va', title: '补录', category: 'lecture', occurredOn: '2026-03-20', participants: 5 });
      expect(refused.status).toBe(409);
      expect(await ledger.head()).toBe(head);
      await ledger.ok('/activities/act1/corrections', { participants: 50, reason: '上报后发现漏记' });
      const late = await changes('&late=true');
      expect(late.changes).toHaveLength(1);
      expect(late.changes[0]).toMatchObject({
        kind: 'correction', entity: { id: 'act1' }, before: { participants: 45 }, after: { participants: 50 },
        reason: '上报后发现漏记', actor: 'admin', late: true, lockedPeriod: { month: '2026-03', orgUnitId: 'ka' },
      });
      expect((await changes()).changes).toHaveLength(6);
    });

    it('refuses bad filters with 400 naming each, and an unknown org unit with 422', async () => {
      const bad = await ledger.get('/stats/changes?since=yesterday&limit=0&late=yes&after=-1');
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['after', 'late', 'limit', 'since']);
      const backwards = await ledger.get('/stats/changes?since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z');
      expect(backwards.status).toBe(400);
      expect(backwards.body.errors).toEqual([{ path: 'until', message: expect.any(String) }]);
      expect((await ledger.get('/stats/changes?orgUnitId=nowhere')).status).toBe(422);
    });
  });
});
