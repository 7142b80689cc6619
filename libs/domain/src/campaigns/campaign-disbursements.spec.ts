import type { DisburseFunds } from '../commands';
import { activityDecider } from '../activities/activity';
import { donationReceived, donationRefunded, fundsDisbursed } from '../testing/campaign-events';
import { deciderSpec, deepFreeze } from '../testing/decider-spec';
import { activity, campaignLaunched, noActivity, noOrgUnit, org, TODAY, TOMORROW } from '../testing/fixtures';
import { lockedPeriod, THIS_MONTH } from '../testing/period-events';
import { campaignDecider } from './campaign';

const spec = deciderSpec(campaignDecider);
const funded = [campaignLaunched('c1', org.mayang), donationReceived('d1', 10_000)];
const heldActivity = activity('a1', org.gaocun, 'c1');

function disburse(overrides: Partial<DisburseFunds['data']> = {}, orgUnit = org.gaocun, linked = heldActivity): DisburseFunds {
  return {
    type: 'DisburseFunds',
    today: TODAY,
    data: {
      disbursementId: 'p1', campaignId: 'c1', orgUnitId: orgUnit.orgUnitId || 'nowhere', amount: 4_000,
      purpose: '购买宣传资料', paidOn: TODAY, beneficiaries: 30, activityId: 'a1', ...overrides,
    },
    orgUnit,
    activity: overrides.activityId === null ? null : linked,
    period: null,
  };
}

describe('DisburseFunds', () => {
  it('pays out of the balance, counted under an org unit inside the campaign', () => {
    spec.given(funded).when(disburse()).then([{
      type: 'FundsDisbursed',
      data: {
        disbursementId: 'p1', campaignId: 'c1', orgUnitId: 'gaocun', orgPath: ['hunan', 'huaihua', 'mayang', 'gaocun'],
        amount: 4_000, purpose: '购买宣传资料', paidOn: TODAY, beneficiaries: 30, activityId: 'a1',
      },
    }]);
  });

  it('pays without an activity, up to the whole balance', () => {
    spec.given([...funded, donationRefunded('d1', 'r1', 1_000), fundsDisbursed('p0', 2_000)])
      .when(disburse({ activityId: null, amount: 7_000 }))
      .then([expect.objectContaining({ data: expect.objectContaining({ activityId: null, amount: 7_000 }) })]);
  });

  it('refuses a campaign that does not exist', () => {
    spec.given([]).when(disburse()).thenThrows('UNKNOWN_REFERENCE', 'campaignId');
  });

  it('refuses a disbursement id already used', () => {
    spec.given([...funded, fundsDisbursed('p1', 100)]).when(disburse()).thenThrows('ALREADY_EXISTS');
  });

  it('refuses an org unit that does not exist or lies outside the campaign', () => {
    spec.given(funded).when(disburse({}, noOrgUnit)).thenThrows('UNKNOWN_REFERENCE', 'orgUnitId');
    spec.given(funded).when(disburse({}, org.zhijiang)).thenThrows('INVALID_REFERENCE', 'orgUnitId');
  });

  it('refuses an activity that was not resolved, does not exist or is void', () => {
    const voided = deepFreeze(activityDecider.evolve(heldActivity, { type: 'ActivityVoided', data: { activityId: 'a1', reason: '重复' } }));
    spec.given(funded).when({ ...disburse(), activity: null }).thenThrows('UNKNOWN_REFERENCE', 'activityId');
    spec.given(funded).when(disburse({}, org.gaocun, noActivity)).thenThrows('UNKNOWN_REFERENCE', 'activityId');
    spec.given(funded).when(disburse({}, org.gaocun, voided)).thenThrows('UNKNOWN_REFERENCE', 'activityId');
  });

  it('refuses a payment dated after today', () => {
    spec.given(funded).when(disburse({ paidOn: TOMORROW })).thenThrows('INVALID_VALUE', 'paidOn');
  });

  it('refuses more than the money balance; goods received do not count', () => {
    spec.given(funded).when(disburse({ amount: 10_001 })).thenThrows('INSUFFICIENT_BALANCE', 'amount');
    spec.given([...funded, donationReceived('d2', 50_000, 'goods'), donationRefunded('d1', 'r1', 1_000)])
      .when(disburse({ amount: 9_001 })).thenThrows('INSUFFICIENT_BALANCE', 'amount');
  });
});

describe('disbursements in a locked month', () => {
  it('refuses a payment dated inside a month locked for its unit or an ancestor', () => {
    spec.given(funded).when({ ...disburse(), period: lockedPeriod(THIS_MONTH, org.gaocun) }).thenThrows('PERIOD_LOCKED', 'paidOn');
    spec.given(funded).when({ ...disburse(), period: lockedPeriod(THIS_MONTH, org.hunan) }).thenThrows('PERIOD_LOCKED', 'paidOn');
  });

  it('pays under a unit outside the lock, or in another month', () => {
    const paid = [expect.objectContaining({ type: 'FundsDisbursed' })];
    spec.given(funded).when({ ...disburse(), period: lockedPeriod(THIS_MONTH, org.zhijiang) }).then(paid);
    // June's locks say nothing about a May payment.
    spec.given(funded).when({ ...disburse({ paidOn: '2024-05-31' }), period: lockedPeriod(THIS_MONTH, org.gaocun) }).then(paid);
  });
});
