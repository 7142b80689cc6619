import { breakdown, FIGURES, totals, type FactRow, type Filter } from './support/oracle';
import { describeOnEveryStore, type OpenedLedger } from './support/every-store';
import type { LedgerTestApp } from './support/ledger-app';

/**
 * Through the HTTP API only: a city → county → township → village tree, thousands of facts, then
 * corrections, voids, rejections, verifications, refunds and disbursements. Totals, breakdowns and
 * as-of answers must equal an independent model exactly, and a restart must change none of them.
 */
const SCALE = Number(process.env.TONGXIN_E2E_SCALE ?? 1);
const ACTIVITIES = 2000 * SCALE;
const HOUR_ENTRIES = 20000 * SCALE;
const DONATIONS = 300 * SCALE;
const CATEGORIES = ['lecture', 'public_welfare', 'performance', 'training', 'home_visit', 'festival', 'volunteer_service'];
const VENUES = ['agency', 'community', 'school', 'enterprise', 'religious_site', null];

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

interface Activity { id: string; orgPath: string[]; campaignId: string | null; category: string; venueType: string | null; occurredOn: string; participants: number; beneficiaries: number; materialsDistributed: number; voided: boolean }
interface Entry { volunteerId: string; entryId: string; activityId: string | null; orgPath: string[]; servedOn: string; minutes: number; status: 'pending' | 'verified' | 'rejected' }

class Model {
  activities = new Map<string, Activity>();
  entries: Entry[] = [];
  money: FactRow[] = [];

  rows(): FactRow[] {
    const rows: FactRow[] = [];
    for (const a of this.activities.values()) {
      if (!a.voided) rows.push({ kind: 'activity', orgPath: a.orgPath, campaignId: a.campaignId, category: a.category, venueType: a.venueType, date: a.occurredOn, participants: a.participants, beneficiaries: a.beneficiaries, materialsDistributed: a.materialsDistributed });
    }
    for (const e of this.entries) {
      if (e.status === 'rejected') continue;
      const campaignId = e.activityId ? this.activities.get(e.activityId)!.campaignId : null;
      rows.push({ kind: 'hour', orgPath: e.orgPath, campaignId, category: null, venueType: null, date: e.servedOn, volunteerId: e.volunteerId, minutes: e.minutes, verified: e.status === 'verified' });
    }
    return rows.concat(this.money);
  }
}

function pickFigures(body: Record<string, number>): Record<string, number> {
  return Object.fromEntries(FIGURES.map((f) => [f, body[f]]));
}

async function inChunks<T>(items: T[], size: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map((item, j) => fn(item, i + j)));
}

// The same writes, the same answers: on the embedded store, and on PostgreSQL (log and read model) when it is there.
describeOnEveryStore('tongxin_e2e_totals', describeLedgerTotals);

function describeLedgerTotals(engine: string, open: () => Promise<OpenedLedger>): void {
  describe(`totals over a city tree, exact to the person and the 分 (${engine})`, () => {
    jest.setTimeout(600_000);
    let ledger: LedgerTestApp;
    let dropStore: () => Promise<void>;
    const model = new Model();
    const random = rng(20261123);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const date = () => `2026-${String(int(1, 10)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;
    const paths = new Map<string, string[]>();
    const villages: string[] = [];
    let asOfInstant = '';
    let asOfExpected: ReturnType<typeof totals>;
    let asOfCountyExpected: ReturnType<typeof totals>;

    beforeAll(async () => {
      ({ ledger, dropStore } = await open());
      await ledger.ok('/org-units', { id: 'huaihua', name: '怀化市', level: 'city', code: '431200' });
      paths.set('huaihua', ['huaihua']);
      for (const county of ['mayang', 'zhijiang']) {
        await ledger.ok('/org-units', { id: county, name: `${county}县`, level: 'county', parentId: 'huaihua' });
        paths.set(county, ['huaihua', county]);
        for (const t of [1, 2]) {
          const township = `${county}-t${t}`;
          await ledger.ok('/org-units', { id: township, name: `${township}镇`, level: 'township', parentId: county });
          paths.set(township, [...paths.get(county)!, township]);
          for (const v of [1, 2, 3]) {
            const village = `${township}-v${v}`;
            await ledger.ok('/org-units', { id: village, name: `${village}村`, level: 'village', parentId: township });
            paths.set(village, [...paths.get(township)!, village]);
            villages.push(village);
          }
        }
      }
      await ledger.ok('/campaigns', { id: 'unity', name: '民族团结进步创建', orgUnitId: 'huaihua', startsOn: '2026-01-01' });
      await ledger.ok('/campaigns', { id: 'mayang-fest', name: '麻阳节庆', orgUnitId: 'mayang' });
    });
    afterAll(async () => {
      await ledger.stop();
      await dropStore();
    });

    async function expectAgreement(filters: Filter[]): Promise<void> {
      const rows = model.rows();
      for (const filter of filters) {
        const query = new URLSearchParams(filter as Record<string, string>).toString();
        const reply = await ledger.get(`/stats/totals?${query}&minPosition=${await ledger.head()}`);
        expect(reply.status).toBe(200);
        expect({ filter, figures: pickFigures(reply.body) }).toEqual({ filter, figures: totals(rows, filter) });
        expect(reply.body.position).toBe(await ledger.head());
      }
      for (const by of ['orgUnit', 'campaign', 'category', 'venueType', 'month']) {
        for (const filter of [{}, { orgUnitId: 'mayang' }, { campaignId: 'unity', from: '2026-03-01', to: '2026-07-31' }] as Filter[]) {
          const query = new URLSearchParams({ by, ...filter } as Record<string, string>).toString();
          const reply = await ledger.get(`/stats/breakdown?${query}`);
          expect(reply.status).toBe(200);
          const expected = breakdown(rows, by, filter);
          const actual = new Map<string | null, Record<string, number>>(
            reply.body.rows.map((r: Record<string, unknown>) => [r.key as string | null, Object.fromEntries(FIGURES.map((f) => [f, r[f]]))]),
          );
          for (const [key, figures] of expected) expect({ by, filter, key, figures: actual.get(key) }).toEqual({ by, filter, key, figures });
          for (const [key, figures] of actual) {
            if (!expected.has(key)) expect({ by, filter, key, figures }).toEqual({ by, filter, key, figures: expect.objectContaining(Object.fromEntries(FIGURES.map((f) => [f, 0]))) });
          }
        }
      }
    }

    const FILTERS: Filter[] = [
      {}, { orgUnitId: 'huaihua' }, { orgUnitId: 'mayang' }, { orgUnitId: 'zhijiang-t2' }, { orgUnitId: 'mayang-t1-v2' },
      { campaignId: 'unity' }, { campaignId: 'mayang-fest' }, { from: '2026-04-01', to: '2026-06-30' },
      { category: 'lecture' }, { venueType: 'school', orgUnitId: 'zhijiang' }, { campaignId: 'unity', orgUnitId: 'mayang', from: '2026-02-01' },
    ];

    it('records thousands of facts through the API', async () => {
      const activityIds = Array.from({ length: ACTIVITIES }, (_, i) => `act-${i}`);
      await inChunks(activityIds, 32, async (id) => {
        const village = pick(villages);
        const campaignId = random() < 0.6 ? 'unity' : village.startsWith('mayang') && random() < 0.5 ? 'mayang-fest' : null;
        const a: Activity = {
          id, orgPath: paths.get(village)!, campaignId, category: pick(CATEGORIES), venueType: pick(VENUES), occurredOn: date(),
          participants: int(0, 300), beneficiaries: int(0, 500), materialsDistributed: int(0, 50), voided: false,
        };
        model.activities.set(id, a);
        await ledger.ok('/activities', {
          id, orgUnitId: village, title: `活动${id}`, category: a.category, occurredOn: a.occurredOn, participants: a.participants,
          beneficiaries: a.beneficiaries, materialsDistributed: a.materialsDistributed,
          ...(a.venueType ? { venueType: a.venueType } : {}), ...(campaignId ? { campaignId } : {}),
        });
      });
      const volunteers = Array.from({ length: 200 }, (_, i) => ({ id: `vol-${i}`, village: pick(villages) }));
      await inChunks(volunteers, 32, async (v) => { await ledger.ok('/volunteers', { id: v.id, orgUnitId: v.village, name: `志愿者${v.id}`, phone: '13800000000' }); });
      const entries = Array.from({ length: HOUR_ENTRIES }, (_, i) => i);
      await inChunks(entries, 32, async (i) => {
        const volunteer = volunteers[i % volunteers.length];
        const activityId = random() < 0.5 ? pick(activityIds) : null;
        const entry: Entry = {
          volunteerId: volunteer.id, entryId: `e-${i}`, activityId, orgPath: activityId ? model.activities.get(activityId)!.orgPath : paths.get(volunteer.village)!,
          servedOn: activityId ? model.activities.get(activityId)!.occurredOn : date(), minutes: int(1, 20), status: 'pending',
        };
        model.entries.push(entry);
        await ledger.ok(`/volunteers/${volunteer.id}/hours`, { entryId: entry.entryId, servedOn: entry.servedOn, minutes: entry.minutes, ...(activityId ? { activityId } : {}) });
      });
      await inChunks(Array.from({ length: DONATIONS }, (_, i) => i), 16, async (i) => {
        const campaignId = i % 4 === 0 ? 'mayang-fest' : 'unity';
        const unit = campaignId === 'mayang-fest' ? pick(villages.filter((v) => v.startsWith('mayang'))) : pick([...villages, 'huaihua', 'zhijiang']);
        const kind = i % 5 === 0 ? 'goods' : 'money';
        const amount = int(1, 5_000_000);
        const receivedOn = date();
        model.money.push({ kind: 'donation', orgPath: paths.get(unit)!, campaignId, category: null, venueType: null, date: receivedOn, donationKind: kind, amount });
        await ledger.ok('/donations', {
          id: `don-${i}`, campaignId, orgUnitId: unit, donor: { name: `捐赠人${i}`, kind: i % 3 ? 'individual' : 'organisation', anonymous: i % 7 === 0 },
          kind, amount, receivedOn, ...(kind === 'goods' ? { items: [{ description: '大米', quantity: int(1, 100), unit: '袋' }] } : { method: 'bank_transfer', reference: `BANK-${i}` }),
        });
      });
      await expectAgreement(FILTERS);
    });

    it('applies corrections, voids, verifications, rejections, refunds and disbursements', async () => {
      asOfExpected = totals(model.rows());
      asOfCountyExpected = totals(model.rows(), { orgUnitId: 'mayang', campaignId: 'unity' });
      await new Promise((r) => setTimeout(r, 20));
      asOfInstant = new Date(Date.now() - 10).toISOString().replace('Z', '+00:00');
      await new Promise((r) => setTimeout(r, 20));

      const all = [...model.activities.values()];
      await inChunks(all.filter((_, i) => i % 10 === 0), 16, async (a) => {
        const participants = int(0, 300);
        const campaignId = a.campaignId === 'unity' ? null : a.orgPath.includes('mayang') ? 'mayang-fest' : 'unity';
        const body = { participants, campaignId, category: pick(CATEGORIES), reason: '复核更正' };
        const reply = await ledger.post(`/activities/${a.id}/corrections`, body);
        if (reply.status === 422) return; // a correction that changes nothing
        expect(reply.status).toBe(200);
        Object.assign(a, { participants, campaignId, category: body.category });
      });
      await inChunks(all.filter((a, i) => i % 25 === 3 && !a.voided), 16, async (a) => {
        await ledger.ok(`/activities/${a.id}/void`, { reason: '重复录入' });
        a.voided = true;
      });
      await inChunks(model.entries.filter((_, i) => i % 3 === 0), 32, async (e) => {
        await ledger.ok(`/volunteers/${e.volunteerId}/hours/${e.entryId}/verify`);
        e.status = 'verified';
      });
      await inChunks(model.entries.filter((_, i) => i % 17 === 1 || i % 51 === 0), 32, async (e) => {
        await ledger.ok(`/volunteers/${e.volunteerId}/hours/${e.entryId}/reject`, { reason: '时长不实' });
        e.status = 'rejected';
      });
      const moneyDonations = model.money.map((row, i) => ({ row, i })).filter(({ row }) => row.donationKind === 'money').slice(0, 20);
      for (const { row, i } of moneyDonations) {
        const amount = Math.max(1, Math.floor(row.amount! / 3));
        const refundedOn = '2026-10-15';
        await ledger.ok(`/donations/don-${i}/refunds`, { amount, reason: '捐赠人要求退回', refundedOn });
        model.money.push({ kind: 'refund', orgPath: row.orgPath, campaignId: row.campaignId, category: null, venueType: null, date: refundedOn, amount });
      }
      for (let i = 0; i < 20; i++) {
        const campaignId = i % 2 ? 'unity' : 'mayang-fest';
        const unit = campaignId === 'unity' ? pick(villages) : 'mayang-t1-v1';
        const amount = int(1, 100_000);
        await ledger.ok('/disbursements', { campaignId, orgUnitId: unit, amount, purpose: '困难群众慰问', paidOn: '2026-10-20', beneficiaries: 3 });
        model.money.push({ kind: 'disbursement', orgPath: paths.get(unit)!, campaignId, category: null, venueType: null, date: '2026-10-20', amount });
      }
      await expectAgreement(FILTERS);
    });

    it('answers as of an earlier instant as the ledger knew it then', async () => {
      const whole = await ledger.get(`/stats/totals?asOf=${encodeURIComponent(asOfInstant)}`);
      expect(pickFigures(whole.body)).toEqual(asOfExpected);
      expect(whole.body.position).toBeLessThan(await ledger.head());
      const county = await ledger.get(`/stats/totals?orgUnitId=mayang&campaignId=unity&asOf=${encodeURIComponent(asOfInstant)}`);
      expect(pickFigures(county.body)).toEqual(asOfCountyExpected);
    });

    it('gives the same answers after a restart', async () => {
      const before = await ledger.get('/stats/totals');
      await ledger.restart();
      const after = await ledger.get(`/stats/totals?minPosition=${before.body.position}`);
      expect(after.body).toEqual(before.body);
      await expectAgreement(FILTERS);
      const asOf = await ledger.get(`/stats/totals?asOf=${encodeURIComponent(asOfInstant)}`);
      expect(pickFigures(asOf.body)).toEqual(asOfExpected);
    });
  });
}
