import type { LaunchCampaign } from '../commands';
import { fold } from '../decider';
import type { CampaignEvent } from '../events';
import { donationReceived, donationRefunded, fundsDisbursed, goodsDistributed } from '../testing/campaign-events';
import { deciderSpec, expectEvolveLeavesInputUnchanged, looksIntoCollections } from '../testing/decider-spec';
import { campaignLaunched, noOrgUnit, org } from '../testing/fixtures';
import { OrderedMap, Set as PersistentSet } from 'immutable';
import { campaignDecider } from './campaign';

const spec = deciderSpec(campaignDecider);

function launch(overrides: Partial<LaunchCampaign['data']> = {}, orgUnit = org.mayang): LaunchCampaign {
  return {
    type: 'LaunchCampaign',
    data: { campaignId: 'c1', name: '民族团结进步月', orgUnitId: 'mayang', startsOn: '2024-05-01', endsOn: '2024-05-31', ...overrides },
    orgUnit,
  };
}

describe('LaunchCampaign', () => {
  it('launches a campaign carrying its org unit path', () => {
    spec.given([]).when(launch()).then([{
      type: 'CampaignLaunched',
      data: {
        campaignId: 'c1', name: '民族团结进步月', orgUnitId: 'mayang', orgPath: ['hunan', 'huaihua', 'mayang'],
        startsOn: '2024-05-01', endsOn: '2024-05-31',
      },
    }]);
  });

  it('launches without dates, and with a one-day span', () => {
    spec.given([]).when(launch({ startsOn: null, endsOn: null })).then([expect.objectContaining({ type: 'CampaignLaunched' })]);
    spec.given([]).when(launch({ startsOn: '2024-05-01', endsOn: '2024-05-01' }))
      .then([expect.objectContaining({ type: 'CampaignLaunched' })]);
  });

  it('refuses a campaign id already launched', () => {
    spec.given([campaignLaunched('c1', org.mayang)]).when(launch()).thenThrows('ALREADY_EXISTS');
  });

  it('refuses an org unit that does not exist', () => {
    spec.given([]).when(launch({ orgUnitId: 'nowhere' }, noOrgUnit)).thenThrows('UNKNOWN_REFERENCE', 'orgUnitId');
  });

  it('refuses an end before the start', () => {
    spec.given([]).when(launch({ startsOn: '2024-05-02', endsOn: '2024-05-01' })).thenThrows('INVALID_VALUE', 'endsOn');
  });
});

describe('campaign evolve', () => {
  it('starts from a campaign that does not exist, with nothing received', () => {
    expect(spec.given([]).state()).toEqual({
      exists: false, campaignId: '', name: '', orgUnitId: '', orgPath: [], startsOn: null, endsOn: null,
      donations: OrderedMap(), disbursementIds: PersistentSet(), moneyReceived: 0, moneyRefunded: 0, goodsValueReceived: 0, disbursed: 0,
      balance: 0,
    });
  });

  it('keeps the totals and a balance of money received − refunded − disbursed', () => {
    const state = spec.given([
      campaignLaunched('c1', org.mayang), donationReceived('d1', 10_000), donationReceived('d2', 5_000, 'goods'),
      donationReceived('d3', 2_000), donationRefunded('d1', 'r1', 1_500), fundsDisbursed('p1', 3_000),
    ]).state();
    expect(state).toMatchObject({
      exists: true, campaignId: 'c1', orgUnitId: 'mayang', orgPath: ['hunan', 'huaihua', 'mayang'],
      moneyReceived: 12_000, moneyRefunded: 1_500, goodsValueReceived: 5_000, disbursed: 3_000, balance: 7_500,
    });
    expect(state.disbursementIds.toArray()).toEqual(['p1']);
  });

  it('keeps each donation with its refunds', () => {
    const state = spec.given([
      campaignLaunched('c1', org.mayang), donationReceived('d1', 10_000), donationRefunded('d1', 'r1', 1_500),
      donationRefunded('d1', 'r2', 500),
    ]).state();
    expect(state.donations.get('d1')).toEqual({
      donationId: 'd1', kind: 'money', amount: 10_000, refunded: 2_000, orgUnitId: 'gaocun',
      orgPath: ['hunan', 'huaihua', 'mayang', 'gaocun'], receivedOn: '2024-06-01',
      donor: { name: '张三', kind: 'individual', anonymous: false }, method: 'wechat_pay', reference: null,
      items: [], refundIds: ['r1', 'r2'], distributed: [], distributionIds: [],
    });
  });

  it.each([
    ['a launch', [], campaignLaunched('c1', org.mayang)],
    ['a donation', [campaignLaunched('c1', org.mayang)], donationReceived('d1', 100)],
    ['a refund', [campaignLaunched('c1', org.mayang), donationReceived('d1', 100)], donationRefunded('d1', 'r1', 50)],
    ['a disbursement', [campaignLaunched('c1', org.mayang), donationReceived('d1', 100)], fundsDisbursed('p1', 50)],
  ] as const)('leaves the state it is given unchanged by %s', (_, given, event) => {
    expectEvolveLeavesInputUnchanged(campaignDecider, [...given], event);
  });

  describe('on a long campaign', () => {
    // 2,000 donations and 2,000 disbursements; each event after them must touch O(1) of what they left, not copy it all.
    const long = fold(campaignDecider, [
      campaignLaunched('c1', org.mayang), donationReceived('g1', 5_000, 'goods'),
      ...Array.from({ length: 2_000 }, (_, i) => donationReceived(`d${i}`, 100)),
      ...Array.from({ length: 2_000 }, (_, i) => fundsDisbursed(`p${i}`, 1)),
    ] as CampaignEvent[]);

    it.each([
      ['a donation', donationReceived('d-new', 100)],
      ['a refund', donationRefunded('d7', 'r1', 50)],
      ['a disbursement', fundsDisbursed('p-new', 1)],
      ['a distribution', goodsDistributed('g1', 'x1', { 0: 5 })],
    ] as const)('evolves %s without copying the donations and disbursements it holds', (_, event) => {
      expect(looksIntoCollections(campaignDecider, long, ['donations', 'disbursementIds'], event)).toBeLessThan(100);
    });
  });
});
