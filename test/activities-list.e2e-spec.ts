/**
 * GET /activities: the current activities under an org unit, newest held first, a page at a time. Voided ones are
 * gone, corrected ones current, a scoped caller sees its own subtree and gets 403 outside it. On every store.
 */
import { describeOnEveryStore, type OpenedLedger } from './support/every-store';
import type { LedgerTestApp } from './support/ledger-app';

describeOnEveryStore('activities_list', (store, open) => {
  describe(`GET /activities on ${store}`, () => {
    let opened: OpenedLedger;
    let app: LedgerTestApp;
    let last = 0;

    const record = async (id: string, orgUnitId: string, occurredOn: string, extra: Record<string, unknown> = {}) => {
      last = (await app.ok('/activities', {
        id, orgUnitId, title: `活动${id}`, category: 'lecture', occurredOn, participants: 10, ...extra,
      })).position;
    };
    const list = async (query = '', headers?: Record<string, string>) => {
      const reply = await app.get(`/activities?minPosition=${last}${query}`, headers);
      return reply;
    };
    const ids = async (query = '') => {
      const reply = await list(query);
      expect(reply.status).toBe(200);
      return reply.body.activities.map((activity: { id: string }) => activity.id);
    };

    beforeAll(async () => {
      opened = await open();
      app = opened.ledger;
      await app.ok('/org-units', { id: 'city', name: '怀化市', level: 'city' });
      await app.ok('/org-units', { id: 'k1', name: '麻阳县', level: 'county', parentId: 'city' });
      await app.ok('/org-units', { id: 'k2', name: '芷江县', level: 'county', parentId: 'city' });
      await app.ok('/org-units', { id: 't1', name: '兰里镇', level: 'township', parentId: 'k1' });
      await app.ok('/campaigns', { id: 'camp', name: '民族团结进步创建', orgUnitId: 'city' });
      await record('a1', 't1', '2026-03-01', { campaignId: 'camp', venueType: 'community', beneficiaries: 5 });
      await record('a2', 'k2', '2026-05-01');
      await record('a3', 'k1', '2026-04-01', { campaignId: 'camp' });
      await record('a4', 'k2', '2026-05-01');
      await record('gone', 'k1', '2026-06-01');
      last = (await app.ok('/activities/gone/void', { reason: '重复登记' })).position;
      last = (await app.ok('/activities/a1/corrections', { participants: 42, title: '民族团结宣讲进村寨', reason: '补登签到表' })).position;
    }, 60_000);

    afterAll(async () => {
      await app?.stop();
      await opened?.dropStore();
    });

    it('lists newest held first, ties by recording order, voided ones left out', async () => {
      expect(await ids()).toEqual(['a4', 'a2', 'a3', 'a1']);
    });

    it('answers each activity with its current facts and title', async () => {
      const reply = await list('&orgUnitId=t1');
      expect(reply.body.activities).toEqual([{
        id: 'a1', orgUnitId: 't1', campaignId: 'camp', title: '民族团结宣讲进村寨', category: 'lecture', venueType: 'community',
        occurredOn: '2026-03-01', participants: 42, beneficiaries: 5, materialsDistributed: 0,
        recordedPosition: expect.any(Number),
      }]);
      expect(reply.body.next).toBeNull();
      expect(reply.body.position).toBeGreaterThanOrEqual(last);
    });

    it('filters by subtree and campaign', async () => {
      expect(await ids('&orgUnitId=k1')).toEqual(['a3', 'a1']);
      expect(await ids('&campaignId=camp')).toEqual(['a3', 'a1']);
      expect(await ids('&orgUnitId=k2&campaignId=camp')).toEqual([]);
      expect(await ids('&from=2026-04-01&to=2026-04-30')).toEqual(['a3']);
      expect(await ids('&from=2026-05-01')).toEqual(['a4', 'a2']);
    });

    it('pages with next until the last page', async () => {
      const first = await list('&limit=3');
      expect(first.body.activities.map((a: { id: string }) => a.id)).toEqual(['a4', 'a2', 'a3']);
      expect(first.body.next).toMatch(/^2026-04-01_\d+$/);
      const second = await list(`&limit=3&before=${first.body.next}`);
      expect(second.body.activities.map((a: { id: string }) => a.id)).toEqual(['a1']);
      expect(second.body.next).toBeNull();
    });

    it('lists as the ledger knew it at an instant', async () => {
      expect(await ids(`&asOf=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).toEqual([]);
    });

    it('refuses bad queries with 400 naming the field, unknown references with 422', async () => {
      for (const [query, field] of [['&limit=0', 'limit'], ['&limit=101', 'limit'], ['&before=yesterday', 'before'], ['&asOf=soon', 'asOf'], ['&from=2026-02-30', 'from'], ['&from=2026-05-02&to=2026-05-01', 'to']]) {
        const reply = await list(query);
        expect(reply.status).toBe(400);
        expect(reply.body.errors.map((error: { path: string }) => error.path)).toContain(field);
      }
      expect((await list('&orgUnitId=nowhere')).status).toBe(422);
      expect((await list('&campaignId=nothing')).status).toBe(422);
    });

    it('cuts a scoped caller to its subtree and refuses units outside it with 403', async () => {
      const { token } = (await app.ok('/tokens', { name: '麻阳县分析员', role: 'analyst', orgUnitId: 'k1' })) as unknown as { token: string };
      const as = { authorization: `Bearer ${token}` };
      const own = await list('', as);
      expect(own.status).toBe(200);
      expect(own.body.activities.map((a: { id: string }) => a.id)).toEqual(['a3', 'a1']);
      expect((await list('&orgUnitId=t1', as)).status).toBe(200);
      expect((await list('&orgUnitId=k2', as)).status).toBe(403);
      expect((await list('&orgUnitId=nowhere', as)).status).toBe(403);
      expect((await app.request('GET', '/api/v1/activities', undefined, { authorization: 'Bearer nope-nope-nope-nope' })).status).toBe(401);
    });
  });
});
