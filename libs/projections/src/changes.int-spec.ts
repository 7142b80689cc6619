import type { ChangeView } from './changes';
import type { LedgerReadModelPort } from './read-model';
import { LedgerLog } from './testing/ledger-log';
import { describeReadModel } from './testing/read-model-engines';
import { huaihuaScenario } from './testing/scenario';

/** What a test compares: the change without its instant and position (checked apart). */
function gist(change: ChangeView) {
  return { kind: change.kind, entity: change.entity, before: change.before, after: change.after, reason: change.reason, late: change.late };
}

describeReadModel('changes read model', (engine) => {
  const scenario = huaihuaScenario();
  const { log } = scenario;
  // After the scenario: March is locked for 鹤城区 (K1); then a late correction in it, a late verification,
  // a fact that reached the locked month anyway (as an import or a race would bring it), and facts outside the lock.
  log.at('2024-06-01T00:00:00.000Z').lock('2024-03', 'K1-hecheng', 'reported to the city');
  const lockedAt = log.lastRecordedAt;
  log.correct('a1', { participants: 110 })
    .verify('vol1', 'e3', 'signed sheet found')
    .activity('late1', { orgUnitId: 'V2-v2', occurredOn: '2024-03-20', participants: 5 })
    .activity('open1', { orgUnitId: 'V3-v3', occurredOn: '2024-03-20', participants: 7 })
    .correct('a4', { participants: 31 });
  let model: LedgerReadModelPort;

  beforeAll(async () => {
    model = await engine.open();
    // Two batches: the lock is known from the table, not only within the batch that recorded it.
    const split = log.events.findIndex((event) => event.type === 'PeriodLocked') + 1;
    await model.applyBatch(log.events.slice(0, split));
    await model.applyBatch(log.events.slice(split));
  });

  it('Given the scenario When asked for changes Then each correction, void, rejection, refund and disbursement is listed in log order with before and after', async () => {
    const page = await model.changes({ until: scenario.afterReject });
    expect(page.position).toBe(log.head);
    expect(page.next).toBeNull();
    expect(page.changes.map(gist)).toEqual([
      {
        kind: 'refund', entity: { type: 'refund', id: 'r1', donationId: 'd1' }, reason: 'test', late: false,
        before: { donationAmount: 100_000, refunded: 0, unrefunded: 100_000 },
        after: { amount: 20_000, refundedOn: '2024-03-20', donationAmount: 100_000, refunded: 20_000, unrefunded: 80_000 },
      },
      {
        kind: 'disbursement', entity: { type: 'disbursement', id: 'p1' }, reason: null, late: false,
        before: { campaignDisbursed: 0 },
        after: { amount: 40_000, paidOn: '2024-04-10', purpose: 'test', beneficiaries: 15, campaignDisbursed: 40_000 },
      },
      {
        kind: 'correction', entity: { type: 'activity', id: 'a2' }, reason: 'test', late: false,
        before: { campaignId: 'B', participants: 50 }, after: { campaignId: 'A', participants: 60 },
      },
      {
        kind: 'void', entity: { type: 'activity', id: 'a3' }, reason: 'test', late: false, after: null,
        before: {
          campaignId: 'A', category: 'performance', venueType: 'school', occurredOn: '2024-04-02', participants: 300,
          beneficiaries: 300, materialsDistributed: 50,
        },
      },
      {
        kind: 'rejection', entity: { type: 'hourEntry', id: 'e6', volunteerId: 'vol2' }, reason: 'test', late: false,
        before: { status: 'pending', servedOn: '2024-03-05', minutes: 240, campaignId: 'A' }, after: { status: 'rejected' },
      },
    ]);
    const correction = page.changes[2];
    expect(correction).toMatchObject({ eventType: 'ActivityCorrected', orgUnitId: 'V2-v2', campaignId: 'A', date: '2024-03-10', actor: 'test' });
    expect(correction.recordedAt).toBe(scenario.afterCorrection);
    expect(correction.position).toBe(log.events.findIndex((event) => event.type === 'ActivityCorrected') + 1);
  });

  it('lists late corrections in a locked period, and facts that reached it, with the lock they touched', async () => {
    const late = await model.changes({ late: true });
    expect(late.changes.map((c) => [c.kind, c.entity.id, c.reason, c.lockedPeriod])).toEqual([
      ['correction', 'a1', 'test', { month: '2024-03', orgUnitId: 'K1-hecheng' }],
      ['verification', 'e3', 'signed sheet found', { month: '2024-03', orgUnitId: 'K1-hecheng' }],
      ['late_entry', 'late1', null, { month: '2024-03', orgUnitId: 'K1-hecheng' }],
    ]);
    expect(late.changes[1]).toMatchObject({ before: { status: 'pending' }, after: { status: 'verified', minutes: 90 } });
    expect(late.changes[2]).toMatchObject({ before: null, after: { occurredOn: '2024-03-20', participants: 5 } });
    // After the lock: the same three, plus a correction outside March; on-time facts elsewhere are not changes.
    const since = await model.changes({ since: lockedAt });
    expect(since.changes.map((c) => [c.kind, c.entity.id, c.late])).toEqual([
      ['correction', 'a1', true], ['verification', 'e3', true], ['late_entry', 'late1', true], ['correction', 'a4', false],
    ]);
  });

  it('lists a distribution of goods that reached a locked month as a late entry, naming its donation', async () => {
    const goods = new LedgerLog().orgUnit('R', 'root', 'city').campaign('A', 'a', 'R').donate('g', 'A', 'R', 'goods', 1_000, '2024-03-01')
      .lock('2024-03', 'R').distribute('x', 'g', 'R', { 0: 4 }, '2024-03-20', 6).distribute('y', 'g', 'R', { 0: 1 }, '2024-04-02', 1);
    const other = await engine.open();
    await other.applyBatch(goods.events);
    expect((await other.changes({ late: true })).changes.map((c) => [c.kind, c.entity, c.before, c.after, c.lockedPeriod])).toEqual([[
      'late_entry', { type: 'distribution', id: 'x', donationId: 'g' }, null,
      { items: [{ index: 0, description: 'rice', quantity: 4, unit: 'bag' }], beneficiaries: 6, distributedOn: '2024-03-20' },
      { month: '2024-03', orgUnitId: 'R' },
    ]]);
    await other.close();
  });

    it('filters as the totals do, matching a change by its values before or after', async () => {
    const ids = async (filter: Parameters<LedgerReadModelPort['changes']>[0]) =>
      (await model.changes({ until: scenario.afterReject, ...filter })).changes.map((c) => c.entity.id);
    // a2 moved from B to A: listed under both campaigns.
    expect(await ids({ campaignId: 'B' })).toEqual(['a2']);
    expect(await ids({ campaignId: 'A' })).toEqual(['r1', 'p1', 'a2', 'a3', 'e6']);
    expect(await ids({ orgUnitId: 'K2-zhijiang' })).toEqual(['a3']);
    expect(await ids({ orgUnitId: 'nowhere' })).toEqual([]);
    expect(await ids({ from: '2024-04-01' })).toEqual(['p1', 'a3']);
    // category applies to activities only: other changes stay.
    expect(await ids({ category: 'performance' })).toEqual(['r1', 'p1', 'a3', 'e6']);
    expect(await ids({ since: scenario.afterCorrection })).toEqual(['a2', 'a3', 'e6']);
  });

  it('pages in log order', async () => {
    const first = await model.changes({ limit: 3 });
    expect(first.changes).toHaveLength(3);
    expect(first.next).toBe(first.changes[2].position);
    const rest = await model.changes({ after: first.next!, limit: 1000 });
    expect([...first.changes, ...rest.changes].map((c) => c.entity.id)).toEqual(
      (await model.changes({ limit: 1000 })).changes.map((c) => c.entity.id));
    expect(rest.next).toBeNull();
  });
});
