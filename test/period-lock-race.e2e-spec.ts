import { LedgerTestApp } from './support/ledger-app';
import { describeOnEveryStore, type OpenedLedger } from './support/every-store';

/**
 * A lock and new facts of its month sent at the same moment: each fact either lands before the lock, or is
 * refused (409 PERIOD_LOCKED) — none is appended after a lock it did not see. The store checks the month's lock
 * stream atomically with each fact's append, and a fact that lost the race is decided again.
 */
describeOnEveryStore('tongxin_e2e_lock_race', (store: string, open: () => Promise<OpenedLedger>) => {
  describe(`a period lock racing new facts on ${store}`, () => {
    let ledger: LedgerTestApp;
    let dropStore: () => Promise<void>;

    beforeAll(async () => {
      ({ ledger, dropStore } = await open());
      await ledger.ok('/org-units', { id: 'county', name: '麻阳县', level: 'county' });
      await ledger.ok('/org-units', { id: 'village', name: '兰里村', level: 'village', parentId: 'county' });
      await ledger.ok('/volunteers', { id: 'v1', orgUnitId: 'village', name: '滕小红' });
    });
    afterAll(async () => {
      await ledger.stop();
      await dropStore();
    });

    it.each(['2026-03', '2026-04', '2026-05'])('never appends a fact of %s after its lock', async (month) => {
      const fact = (i: number) => (i % 2 === 0
        ? ledger.post('/activities', { orgUnitId: 'village', title: '宣讲', category: 'lecture', occurredOn: `${month}-10`, participants: 10 })
        : ledger.post('/volunteers/v1/hours', { servedOn: `${month}-11`, minutes: 30 }));
      // The lock goes out in the middle of the burst.
      const before = Array.from({ length: 12 }, (_, i) => fact(i));
      const lock = ledger.post(`/periods/${month}/lock`, { orgUnitId: 'county', reason: '月报已上报' });
      const after = Array.from({ length: 12 }, (_, i) => fact(i));
      const [replies, locked] = await Promise.all([Promise.all([...before, ...after]), lock]);
      expect(locked.status).toBe(201);
      for (const reply of replies) {
        if (reply.status === 201) expect(reply.body.position).toBeLessThan(locked.body.position);
        else expect(reply).toMatchObject({ status: 409, body: { code: 'PERIOD_LOCKED' } });
      }
      // Nothing reached the locked month after the lock: no late entries.
      const late = await ledger.get(`/stats/changes?late=true&minPosition=${locked.body.position}`);
      expect(late.body.changes).toEqual([]);
    });

    it('refuses a fact in a month another process locked after this one last read it', async () => {
      // A second API on the same log: it reads June's (absent) locks, then the first API locks June.
      const other = await LedgerTestApp.start({ storeUrl: ledger.config.storeUrl });
      try {
        const june = { orgUnitId: 'village', title: '宣讲', category: 'lecture', occurredOn: '2026-06-10', participants: 10 };
        expect((await other.post('/activities', june)).status).toBe(201);
        expect((await ledger.post('/periods/2026-06/lock', { orgUnitId: 'county' })).status).toBe(201);
        const head = await ledger.head();
        expect(await other.post('/activities', june)).toMatchObject({ status: 409, body: { code: 'PERIOD_LOCKED' } });
        expect(await ledger.head()).toBe(head);
      } finally {
        await other.stop();
      }
    });
  });
});
