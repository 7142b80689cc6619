import type { LedgerReadModelPort } from './read-model';
import { LedgerLog } from './testing/ledger-log';
import { describeReadModel } from './testing/read-model-engines';
import { ReferenceFold } from './testing/reference-fold';
import { figures } from './testing/temp-read-model';

/**
 * Goods handed on, on both engines:
 *
 *   R 怀化市 ─ K 麻阳县 ─ V1 新营村, V2 高村; campaigns A and B at R
 *   rice  A, V1: 10,000 分 for 30 袋 大米            x1 10 → V1 (06-10, 10 people), x2 10 → V2 (07-01, 8), x3 10 → V2 (07-02, 5)
 *   lots  A, V1: 1,000 分 for 2 + 1 袋 面粉 (one good)  y1 1 + 1 → V1 (06-20, 3), y2 the last 1 → V1 (07-03, 2)
 *   mixed B, V2: 50,000 分 for 20 袋 大米 and 10 床 棉被 z1 20 袋 + 5 床 → V2 (07-05, 20): no value per unit
 *   valued B, V2: 30,000 分 for 20 袋 大米, 20,000 for 10 床 棉被  w1 10 袋 + 3 床 → V2 (07-06, 6)
 *
 * Values: the first c units of rice are worth ⌊10,000·c/30⌋: 3,333, 3,333, 3,334; of the flour ⌊1,000·c/3⌋: 666, 334;
 * w1 ⌊30,000·10/20⌋ + ⌊20,000·3/10⌋ = 15,000 + 6,000.
 */
function goodsLog(): { log: LedgerLog; afterX1: string } {
  const log = new LedgerLog().at('2024-06-01T00:00:00.000Z')
    .orgUnit('R', '怀化市', 'city').orgUnit('K', '麻阳县', 'county', 'R')
    .orgUnit('V1', '新营村', 'village', 'K').orgUnit('V2', '高村', 'village', 'K')
    .campaign('A', '同心', 'R').campaign('B', '送温暖', 'R')
    .activity('act', { orgUnitId: 'V1', campaignId: 'A', occurredOn: '2024-06-01', participants: 30, beneficiaries: 40, materialsDistributed: 100 })
    .donate('rice', 'A', 'V1', 'goods', 10_000, '2024-06-01', [{ description: '大米', quantity: 30, unit: '袋' }])
    .donate('lots', 'A', 'V1', 'goods', 1_000, '2024-06-01',
      [{ description: '面粉', quantity: 2, unit: '袋' }, { description: '面粉', quantity: 1, unit: '袋' }])
    .donate('mixed', 'B', 'V2', 'goods', 50_000, '2024-06-01',
      [{ description: '大米', quantity: 20, unit: '袋' }, { description: '棉被', quantity: 10, unit: '床' }])
    .donate('valued', 'B', 'V2', 'goods', 50_000, '2024-06-01',
      [{ description: '大米', quantity: 20, unit: '袋', value: 30_000 }, { description: '棉被', quantity: 10, unit: '床', value: 20_000 }])
    .distribute('x1', 'rice', 'V1', { 0: 10 }, '2024-06-10', 10);
  const afterX1 = log.lastRecordedAt;
  log.distribute('y1', 'lots', 'V1', { 0: 1, 1: 1 }, '2024-06-20', 3)
    .distribute('x2', 'rice', 'V2', { 0: 10 }, '2024-07-01', 8)
    .distribute('x3', 'rice', 'V2', { 0: 10 }, '2024-07-02', 5)
    .distribute('y2', 'lots', 'V1', { 0: 1 }, '2024-07-03', 2)
    .distribute('z1', 'mixed', 'V2', { 0: 20, 1: 5 }, '2024-07-05', 20)
    .distribute('w1', 'valued', 'V2', { 0: 10, 1: 3 }, '2024-07-06', 6);
  return { log, afterX1 };
}

describeReadModel('goods distributions', (engine) => {
  const { log, afterX1 } = goodsLog();
  let model: LedgerReadModelPort;
  beforeAll(async () => {
    model = await engine.open();
    await model.applyBatch(log.events);
  });

  const received = { goodsValueReceived: 111_000, donations: 4, activitiesHeld: 1, participants: 30, beneficiaries: 40, materialsDistributed: 100 };

  it('Given goods handed out When totalled Then distributions, their value and the people reached count apart from activities and disbursements', async () => {
    const { position, ...totals } = await model.totals();
    expect(position).toBe(log.head);
    expect(totals).toEqual(figures({
      ...received, goodsDistributions: 7, goodsDistributedValue: 11_000 + 21_000, distributionBeneficiaries: 54,
    }));
    // The reference fold, the tests' oracle, agrees.
    const reference = new ReferenceFold();
    for (const event of log.events) reference.apply(event.type, event.data);
    expect(reference.result()).toEqual(totals);
  });

  it('counts each distribution under its recipient and campaign, on its own date', async () => {
    expect(await model.totals({ orgUnitId: 'V1' })).toMatchObject({
      goodsDistributions: 3, goodsDistributedValue: 3_333 + 1_000, distributionBeneficiaries: 15,
    });
    expect(await model.totals({ orgUnitId: 'V2' })).toMatchObject({
      goodsDistributions: 4, goodsDistributedValue: 6_667 + 21_000, distributionBeneficiaries: 39, goodsValueReceived: 100_000,
    });
    expect(await model.totals({ campaignId: 'B' })).toMatchObject({ goodsDistributions: 2, goodsDistributedValue: 21_000, distributionBeneficiaries: 26 });
    expect(await model.totals({ from: '2024-07-01', to: '2024-07-02' })).toMatchObject({
      goodsDistributions: 2, goodsDistributedValue: 6_667, distributionBeneficiaries: 13, goodsValueReceived: 0,
    });
    // Activity filters leave goods figures unfiltered, as every figure without the field.
    expect(await model.totals({ category: 'performance' })).toMatchObject({ activitiesHeld: 0, goodsDistributions: 7 });
  });

  it('answers as of an instant from the rows known then, each value as it was decided', async () => {
    const { position: _, ...then } = await model.totals({ asOf: afterX1 });
    expect(then).toEqual(figures({ ...received, goodsDistributions: 1, goodsDistributedValue: 3_333, distributionBeneficiaries: 10 }));
  });

  it('breaks down by goods unit with the quantity of each, and by month and org unit', async () => {
    const byUnit = await model.breakdown('goodsUnit');
    expect(byUnit.rows.map(({ key, label, goodsQuantity, goodsDistributedValue, goodsDistributions }) =>
      ({ key, label, goodsQuantity, goodsDistributedValue, goodsDistributions }))).toEqual([
      { key: '床', label: '床', goodsQuantity: 5 + 3, goodsDistributedValue: 6_000, goodsDistributions: 0 },
      { key: '袋', label: '袋', goodsQuantity: 53 + 10, goodsDistributedValue: 11_000 + 15_000, goodsDistributions: 0 },
      // Distributions and people are counted once each, not per unit: they have no unit.
      { key: null, label: expect.any(String), goodsQuantity: 0, goodsDistributedValue: 0, goodsDistributions: 7 },
    ]);
    const byMonth = await model.breakdown('month');
    expect(byMonth.rows.map(({ key, goodsDistributions, goodsDistributedValue, distributionBeneficiaries }) =>
      ({ key, goodsDistributions, goodsDistributedValue, distributionBeneficiaries }))).toEqual([
      { key: '2024-06', goodsDistributions: 2, goodsDistributedValue: 3_333 + 666, distributionBeneficiaries: 13 },
      { key: '2024-07', goodsDistributions: 5, goodsDistributedValue: 6_667 + 334 + 21_000, distributionBeneficiaries: 41 },
    ]);
    expect(byMonth.rows.every((row) => row.goodsQuantity === undefined)).toBe(true);
    const byOrgUnit = await model.breakdown('orgUnit', { orgUnitId: 'K' });
    expect(byOrgUnit.rows.map(({ key, goodsDistributions, goodsDistributedValue }) => ({ key, goodsDistributions, goodsDistributedValue })))
      .toEqual([{ key: 'V1', goodsDistributions: 3, goodsDistributedValue: 4_333 }, { key: 'V2', goodsDistributions: 4, goodsDistributedValue: 27_667 }]);
  });

  it('Given a replay of the same log into another model Then it answers the same', async () => {
    const again = await engine.open();
    for (let i = 0; i < log.events.length; i += 3) await again.applyBatch(log.events.slice(i, i + 3));
    expect(await again.totals()).toEqual(await model.totals());
    expect(await again.breakdown('goodsUnit', { asOf: afterX1 })).toEqual(await model.breakdown('goodsUnit', { asOf: afterX1 }));
  });
});
