import { activityDecider } from '../activities/activity';
import type { DistributeGoods } from '../commands';
import { donationReceived, goodsDistributed, goodsReceived } from '../testing/campaign-events';
import { deciderSpec, deepFreeze, expectEvolveLeavesInputUnchanged } from '../testing/decider-spec';
import { activity, campaignLaunched, noActivity, noOrgUnit, org, TODAY, TOMORROW } from '../testing/fixtures';
import { lockedPeriod, THIS_MONTH } from '../testing/period-events';
import { campaignDecider } from './campaign';
import { itemBalances } from './campaign-goods';

const spec = deciderSpec(campaignDecider);
const launched = campaignLaunched('c1', org.mayang);
/** 50 袋 大米 (item 0) and 30 床 棉被 (item 1), received at gaocun on 2024-06-01. */
const received = [launched, goodsReceived('g1')];
const heldActivity = activity('a1', org.xinying, 'c1');

function distribute(overrides: Partial<DistributeGoods['data']> = {}, more: Partial<DistributeGoods> = {}): DistributeGoods {
  return {
    type: 'DistributeGoods',
    today: TODAY,
    data: {
      donationId: 'g1', distributionId: 'x1', items: [{ index: 0, quantity: 20 }], recipient: { orgUnitId: 'xinying' },
      beneficiaries: 20, distributedOn: TODAY, notes: '发放给困难户', ...overrides,
    },
    orgUnit: org.xinying,
    activity: null,
    period: null,
    ...more,
  };
}

const toActivity = (linked = heldActivity): [Partial<DistributeGoods['data']>, Partial<DistributeGoods>] =>
  [{ recipient: { activityId: 'a1' } }, { orgUnit: null, activity: linked }];

describe('DistributeGoods', () => {
  it('hands part of an item to an org unit inside the campaign, recording what it was', () => {
    spec.given(received).when(distribute()).then([{
      type: 'GoodsDistributed',
      data: {
        distributionId: 'x1', donationId: 'g1', campaignId: 'c1', orgUnitId: 'xinying', orgPath: [...org.xinying.orgPath],
        recipient: { orgUnitId: 'xinying' }, items: [{ index: 0, description: '大米', quantity: 20, unit: '袋' }],
        beneficiaries: 20, distributedOn: TODAY, notes: '发放给困难户',
      },
    }]);
  });

  it('hands goods to an activity, counted under the activity\'s org unit', () => {
    spec.given(received).when(distribute(...toActivity())).then([expect.objectContaining({
      data: expect.objectContaining({ recipient: { activityId: 'a1' }, orgUnitId: 'xinying', orgPath: [...org.xinying.orgPath] }),
    })]);
  });

  it('hands on several items at once, up to exactly what remains of each', () => {
    spec.given([...received, goodsDistributed('g1', 'x0', { 0: 30, 1: 10 })])
      .when(distribute({ items: [{ index: 1, quantity: 20 }, { index: 0, quantity: 20 }] }))
      .then([expect.objectContaining({ data: expect.objectContaining({
        items: [{ index: 1, description: '棉被', quantity: 20, unit: '床' }, { index: 0, description: '大米', quantity: 20, unit: '袋' }],
      }) })]);
  });

  it('keeps what was handed on per item in the folded state', () => {
    const state = spec.given([...received, goodsDistributed('g1', 'x1', { 0: 30 }), goodsDistributed('g1', 'x2', { 0: 5, 1: 30 })]).state();
    expect(state.donations.get('g1')?.distributionIds).toEqual(['x1', 'x2']);
    expect(itemBalances(state.donations.get('g1')!)).toEqual([
      { index: 0, description: '大米', unit: '袋', received: 50, distributed: 35, remaining: 15 },
      { index: 1, description: '棉被', unit: '床', received: 30, distributed: 30, remaining: 0 },
    ]);
    expect(itemBalances(spec.given([launched, donationReceived('m1', 100)]).state().donations.get('m1')!)).toEqual([]);
    expectEvolveLeavesInputUnchanged(campaignDecider, received, goodsDistributed('g1', 'x1', { 0: 1 }));
  });

  it('leaves the campaign\'s money alone', () => {
    const before = spec.given(received).state();
    const after = spec.given([...received, goodsDistributed('g1', 'x1', { 0: 50 })]).state();
    expect({ ...after, donations: before.donations }).toEqual(before);
  });

  it('refuses a donation the campaign does not hold, or a campaign that does not exist', () => {
    spec.given(received).when(distribute({ donationId: 'g9' })).thenThrows('NOT_FOUND');
    spec.given([]).when(distribute()).thenThrows('NOT_FOUND');
  });

  it('refuses to distribute a money donation', () => {
    spec.given([launched, donationReceived('g1', 10_000)]).when(distribute()).thenThrows('INVALID_TRANSITION');
  });

  it('refuses a distribution id already used on the donation', () => {
    spec.given([...received, goodsDistributed('g1', 'x1', { 0: 1 })]).when(distribute()).thenThrows('DUPLICATE_ENTRY', 'distributionId');
  });

  it('refuses no items, an item the donation does not list, and an item listed twice', () => {
    spec.given(received).when(distribute({ items: [] })).thenThrows('INVALID_VALUE', 'items');
    for (const index of [2, -1, 0.5]) {
      spec.given(received).when(distribute({ items: [{ index, quantity: 1 }] })).thenThrows('UNKNOWN_REFERENCE', 'items[0].index');
    }
    spec.given(received).when(distribute({ items: [{ index: 0, quantity: 1 }, { index: 0, quantity: 2 }] }))
      .thenThrows('INVALID_VALUE', 'items[1].index');
  });

  it('refuses a quantity that is not a positive whole number', () => {
    for (const quantity of [0, -3, 1.5]) {
      spec.given(received).when(distribute({ items: [{ index: 1, quantity: 1 }, { index: 0, quantity }] }))
        .thenThrows('INVALID_VALUE', 'items[1].quantity');
    }
  });

  it('refuses a recipient that is neither or both an org unit and an activity', () => {
    spec.given(received).when(distribute({ recipient: {} as never })).thenThrows('INVALID_VALUE', 'recipient');
    spec.given(received).when(distribute({ recipient: { orgUnitId: 'xinying', activityId: 'a1' } as never }))
      .thenThrows('INVALID_VALUE', 'recipient');
  });

  it('refuses a recipient org unit that does not exist or lies outside the campaign', () => {
    spec.given(received).when(distribute({}, { orgUnit: noOrgUnit })).thenThrows('UNKNOWN_REFERENCE', 'recipient.orgUnitId');
    spec.given(received).when(distribute({}, { orgUnit: null })).thenThrows('UNKNOWN_REFERENCE', 'recipient.orgUnitId');
    spec.given(received).when(distribute({ recipient: { orgUnitId: 'zhijiang' } }, { orgUnit: org.zhijiang }))
      .thenThrows('INVALID_REFERENCE', 'recipient.orgUnitId');
    spec.given(received).when(distribute({ recipient: { orgUnitId: 'huaihua' } }, { orgUnit: org.huaihua }))
      .thenThrows('INVALID_REFERENCE', 'recipient.orgUnitId');
  });

  it('refuses a recipient activity that was not resolved, does not exist, is void or lies outside the campaign', () => {
    const voided = deepFreeze(activityDecider.evolve(heldActivity, { type: 'ActivityVoided', data: { activityId: 'a1', reason: '重复' } }));
    for (const linked of [null, noActivity, voided]) {
      spec.given(received).when(distribute(...toActivity(linked as never))).thenThrows('UNKNOWN_REFERENCE', 'recipient.activityId');
    }
    spec.given(received).when(distribute(...toActivity(activity('a1', org.zhijiang))))
      .thenThrows('INVALID_REFERENCE', 'recipient.activityId');
  });

  it('refuses a negative or fractional count of beneficiaries, and accepts none', () => {
    spec.given(received).when(distribute({ beneficiaries: -1 })).thenThrows('INVALID_VALUE', 'beneficiaries');
    spec.given(received).when(distribute({ beneficiaries: 2.5 })).thenThrows('INVALID_VALUE', 'beneficiaries');
    spec.given(received).when(distribute({ beneficiaries: 0 }))
      .then([expect.objectContaining({ data: expect.objectContaining({ beneficiaries: 0 }) })]);
  });

  it('refuses a distribution dated after today or before the goods were received', () => {
    spec.given(received).when(distribute({ distributedOn: TOMORROW })).thenThrows('INVALID_VALUE', 'distributedOn');
    spec.given(received).when(distribute({ distributedOn: '2024-05-31' })).thenThrows('INVALID_VALUE', 'distributedOn');
    spec.given(received).when(distribute({ distributedOn: '2024-06-01' }))
      .then([expect.objectContaining({ type: 'GoodsDistributed' })]);
  });
});

describe('distributing more than remains', () => {
  it('refuses more than was received', () => {
    spec.given(received).when(distribute({ items: [{ index: 1, quantity: 31 }] }))
      .thenThrows('DISTRIBUTION_EXCEEDS_DONATION', 'items[0].quantity');
  });

  it('refuses more than remains after earlier distributions, naming the line at fault', () => {
    spec.given([...received, goodsDistributed('g1', 'x0', { 0: 50 })]).when(distribute({ items: [{ index: 0, quantity: 1 }] }))
      .thenThrows('DISTRIBUTION_EXCEEDS_DONATION', 'items[0].quantity');
    spec.given([...received, goodsDistributed('g1', 'x0', { 1: 25 })])
      .when(distribute({ items: [{ index: 0, quantity: 50 }, { index: 1, quantity: 6 }] }))
      .thenThrows('DISTRIBUTION_EXCEEDS_DONATION', 'items[1].quantity');
  });

  it('lets only one of two distributions that each fit, but together exceed, land', () => {
    // Both were decided against the same state: each alone fits (30 + 30 of 50 大米).
    const first = distribute({ distributionId: 'x1', items: [{ index: 0, quantity: 30 }] });
    const second = distribute({ distributionId: 'x2', items: [{ index: 0, quantity: 30 }] });
    spec.given(received).when(first).then([expect.objectContaining({ type: 'GoodsDistributed' })]);
    spec.given(received).when(second).then([expect.objectContaining({ type: 'GoodsDistributed' })]);
    // The second append fails its expected revision; decided again on the stream with the first, it is refused.
    const [landed] = campaignDecider.decide(first, spec.given(received).state());
    spec.given([...received, landed]).when(second).thenThrows('DISTRIBUTION_EXCEEDS_DONATION', 'items[0].quantity');
    spec.given([...received, landed]).when({ ...second, data: { ...second.data, items: [{ index: 0, quantity: 20 }] } })
      .then([expect.objectContaining({ type: 'GoodsDistributed' })]);
  });

  it('keeps each donation\'s items apart', () => {
    spec.given([...received, goodsReceived('g2'), goodsDistributed('g2', 'x0', { 0: 50 })])
      .when(distribute({ items: [{ index: 0, quantity: 50 }] }))
      .then([expect.objectContaining({ type: 'GoodsDistributed' })]);
  });
});

describe('distributions in a locked month', () => {
  it('refuses one dated inside a month locked for the recipient\'s unit or an ancestor', () => {
    spec.given(received).when(distribute({}, { period: lockedPeriod(THIS_MONTH, org.xinying) })).thenThrows('PERIOD_LOCKED', 'distributedOn');
    spec.given(received).when(distribute({}, { period: lockedPeriod(THIS_MONTH, org.mayang) })).thenThrows('PERIOD_LOCKED', 'distributedOn');
    spec.given(received).when(distribute(toActivity()[0], { ...toActivity()[1], period: lockedPeriod(THIS_MONTH, org.gaocun) }))
      .thenThrows('PERIOD_LOCKED', 'distributedOn');
  });

  it('hands on goods to a unit outside the lock, or in another month', () => {
    const handed = [expect.objectContaining({ type: 'GoodsDistributed' })];
    // The donation's own unit (gaocun) is locked; the school beside it is not.
    spec.given(received).when(distribute({ recipient: { orgUnitId: 'school' } }, { orgUnit: org.school, period: lockedPeriod(THIS_MONTH, org.gaocun) }))
      .then(handed);
    spec.given(received).when(distribute({ distributedOn: '2024-06-01' }, { period: lockedPeriod('2024-05', org.xinying) })).then(handed);
  });
});
