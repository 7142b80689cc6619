import type { LedgerReadModelPort } from './read-model';
import { describeReadModel } from './testing/read-model-engines';
import { huaihuaScenario } from './testing/scenario';
import { figures } from './testing/temp-read-model';
import { BREAKDOWN_DIMENSIONS, type BreakdownRow, type Figures, type TotalsFilter } from './types';

const scenario = huaihuaScenario();
const row = (key: string | null, label: string, partial: Partial<Figures>): BreakdownRow => ({ key, label, ...figures(partial) });

describeReadModel('breakdown', (engine) => {
  let model: LedgerReadModelPort;
  beforeAll(async () => {
    model = await engine.open();
    await model.applyBatch(scenario.log.events);
  });

  /** Rows always add up to the totals, every figure but distinctVolunteers. */
  async function expectRowsSumToTotals(rows: BreakdownRow[], filter: TotalsFilter) {
    const { position: _, distinctVolunteers: __, ...totals } = await model.totals(filter);
    const summed = Object.fromEntries(Object.keys(totals).map((field) =>
      [field, rows.reduce((sum, r) => sum + (r[field as keyof Figures] as number), 0)]));
    expect(summed).toEqual(totals);
  }

  it('by orgUnit: one row per root without a unit', async () => {
    const { rows, position } = await model.breakdown('orgUnit');
    expect(position).toBe(scenario.log.head);
    const { position: _, ...totals } = await model.totals();
    expect(rows).toEqual([{ key: 'C-huaihua', label: '怀化市', ...totals }]);
  });

  it('by orgUnit: the direct children rolled up, and the unit itself when facts sit on it', async () => {
    const { rows } = await model.breakdown('orgUnit', { orgUnitId: 'C-huaihua' });
    expect(rows).toEqual([
      row('C-huaihua', '怀化市（本级）', { moneyReceived: 100_000, moneyRefunded: 20_000, donations: 1 }),
      row('K1-hecheng', '鹤城区', {
        activitiesHeld: 3, participants: 190, beneficiaries: 280, materialsDistributed: 20,
        volunteerParticipations: 3, volunteerMinutesLogged: 270, volunteerMinutesVerified: 180, distinctVolunteers: 2,
        moneyReceived: 50_000, donations: 1, disbursed: 40_000, disbursementBeneficiaries: 15,
      }),
      row('K2-zhijiang', '芷江县', {
        volunteerParticipations: 2, volunteerMinutesLogged: 75, volunteerMinutesVerified: 30, distinctVolunteers: 1,
        goodsValueReceived: 30_000, donations: 1,
      }),
    ]);
    const county = (await model.breakdown('orgUnit', { orgUnitId: 'K1-hecheng' })).rows;
    expect(county.map((r) => [r.key, r.label, r.activitiesHeld, r.participants])).toEqual([
      ['K1-hecheng', '鹤城区（本级）', 1, 30], ['T1-tw', '城南镇', 2, 160],
    ]);
    // A village with nothing recorded still gets its row (at zero); a leaf has no rows but its own.
    const township = (await model.breakdown('orgUnit', { orgUnitId: 'T2-tw' })).rows;
    expect(township.map((r) => r.key)).toEqual(['V3-v3']);
    expect((await model.breakdown('orgUnit', { orgUnitId: 'V1-v1' })).rows.map((r) => r.label)).toEqual(['一村（本级）']);
  });

  it('by campaign: hours without an activity and activities without a campaign go to the null row', async () => {
    const { rows } = await model.breakdown('campaign');
    expect(rows).toEqual([
      row('A', '同心共筑中国梦', {
        activitiesHeld: 2, participants: 160, beneficiaries: 280, materialsDistributed: 20,
        volunteerParticipations: 4, volunteerMinutesLogged: 300, volunteerMinutesVerified: 210, distinctVolunteers: 3,
        moneyReceived: 100_000, moneyRefunded: 20_000, goodsValueReceived: 30_000, donations: 2, disbursed: 40_000,
        disbursementBeneficiaries: 15,
      }),
      row('B', '鹤城民族团结月', { moneyReceived: 50_000, donations: 1 }),
      row(null, '（无）', { activitiesHeld: 1, participants: 30, volunteerParticipations: 1, volunteerMinutesLogged: 45, distinctVolunteers: 1 }),
    ]);
    // As known before the correction, a2 and its hours were still under B.
    const before = (await model.breakdown('campaign', { asOf: scenario.beforeCorrection })).rows;
    expect(before.find((r) => r.key === 'B')).toMatchObject({ activitiesHeld: 1, participants: 50, volunteerParticipations: 2 });
  });

  it('by category and venueType: Chinese labels, everything without the dimension in the null row', async () => {
    const { rows } = await model.breakdown('category');
    expect(rows.map((r) => [r.key, r.label, r.activitiesHeld, r.participants])).toEqual([
      ['lecture', '宣讲', 1, 100], ['meeting', '会议', 1, 30], ['public_welfare', '公益', 1, 60], [null, '（无）', 0, 0],
    ]);
    expect(rows[3]).toEqual(row(null, '（无）', {
      volunteerParticipations: 5, volunteerMinutesLogged: 345, volunteerMinutesVerified: 210, distinctVolunteers: 3,
      moneyReceived: 150_000, moneyRefunded: 20_000, goodsValueReceived: 30_000, disbursed: 40_000, donations: 3,
      disbursementBeneficiaries: 15,
    }));
    const venues = (await model.breakdown('venueType')).rows;
    expect(venues.map((r) => [r.key, r.label, r.activitiesHeld])).toEqual([
      ['agency', '机关', 1], ['community', '村/社区', 1], [null, '（无）', 1],
    ]);
  });

  it('by month on each fact\'s own date', async () => {
    const { rows } = await model.breakdown('month');
    expect(rows).toEqual([
      row('2024-03', '2024年3月', {
        activitiesHeld: 2, participants: 160, beneficiaries: 280, materialsDistributed: 20,
        volunteerParticipations: 3, volunteerMinutesLogged: 270, volunteerMinutesVerified: 180, distinctVolunteers: 2,
        moneyReceived: 150_000, moneyRefunded: 20_000, donations: 2,
      }),
      row('2024-04', '2024年4月', {
        activitiesHeld: 1, participants: 30,
        volunteerParticipations: 2, volunteerMinutesLogged: 75, volunteerMinutesVerified: 30, distinctVolunteers: 1,
        goodsValueReceived: 30_000, donations: 1, disbursed: 40_000, disbursementBeneficiaries: 15,
      }),
    ]);
  });

  const filters: TotalsFilter[] = [
    {}, { orgUnitId: 'C-huaihua' }, { orgUnitId: 'K1-hecheng' }, { campaignId: 'A' }, { category: 'lecture' },
    { venueType: 'community', from: '2024-03-06' }, { asOf: scenario.beforeCorrection }, { asOf: scenario.afterVoid, orgUnitId: 'T1-tw' },
  ];
  it.each(BREAKDOWN_DIMENSIONS.flatMap((by) => filters.map((filter) => [by, filter] as const)))(
    'by %s with %j sums to the totals', async (by, filter) => {
      await expectRowsSumToTotals((await model.breakdown(by, filter)).rows, filter);
    },
  );
});
