import type { RecordActivity, VoidActivity } from '../commands';
import type { ActivityVoided } from '../events';
import { deciderSpec, expectEvolveLeavesInputUnchanged } from '../testing/decider-spec';
import {
  activityRecorded, campaign, noCampaign, noOrgUnit, org, TODAY, TOMORROW,
} from '../testing/fixtures';
import { lockedPeriod, THIS_MONTH } from '../testing/period-events';
import { activityDecider } from './activity';

const spec = deciderSpec(activityDecider);
const mayangCampaign = campaign('c1', org.mayang);

function record(overrides: Partial<RecordActivity['data']> = {}, orgUnit = org.xinying, linked = mayangCampaign): RecordActivity {
  const data: RecordActivity['data'] = {
    activityId: 'a1', orgUnitId: orgUnit.orgUnitId || 'nowhere', campaignId: 'c1', title: '民族团结进步宣讲',
    category: 'lecture', venueType: 'community', occurredOn: TODAY, participants: 150, beneficiaries: 90,
    materialsDistributed: 300, location: '新营村文化广场', notes: null, ...overrides,
  };
  return { type: 'RecordActivity', today: TODAY, data, orgUnit, campaign: data.campaignId === null ? null : linked, period: null };
}
const voided = (reason = '重复录入'): ActivityVoided => ({ type: 'ActivityVoided', data: { activityId: 'a1', reason } });
const voidIt = (): VoidActivity => ({ type: 'VoidActivity', data: { activityId: 'a1', reason: '重复录入' } });

describe('RecordActivity', () => {
  it('records an activity under a campaign whose subtree holds its org unit', () => {
    spec.given([]).when(record()).then([{
      type: 'ActivityRecorded',
      data: {
        activityId: 'a1', orgUnitId: 'xinying', orgPath: ['hunan', 'huaihua', 'mayang', 'gaocun', 'xinying'],
        campaignId: 'c1', title: '民族团结进步宣讲', category: 'lecture', venueType: 'community', occurredOn: TODAY,
        participants: 150, beneficiaries: 90, materialsDistributed: 300, location: '新营村文化广场', notes: null,
      },
    }]);
  });

  it('records an activity with no campaign', () => {
    spec.given([]).when(record({ campaignId: null }, org.zhijiang))
      .then([expect.objectContaining({ data: expect.objectContaining({ campaignId: null, orgUnitId: 'zhijiang' }) })]);
  });

  it('refuses an activity id already recorded', () => {
    spec.given([activityRecorded('a1', org.xinying)]).when(record()).thenThrows('ALREADY_EXISTS');
  });

  it('refuses an org unit that does not exist', () => {
    spec.given([]).when(record({}, noOrgUnit)).thenThrows('UNKNOWN_REFERENCE', 'orgUnitId');
  });

  it('refuses a campaign that was not resolved or does not exist', () => {
    spec.given([]).when({ ...record(), campaign: null }).thenThrows('UNKNOWN_REFERENCE', 'campaignId');
    spec.given([]).when(record({}, org.xinying, noCampaign)).thenThrows('UNKNOWN_REFERENCE', 'campaignId');
  });

  it('refuses a campaign whose subtree does not hold the org unit', () => {
    spec.given([]).when(record({}, org.zhijiang)).thenThrows('INVALID_REFERENCE', 'campaignId');
    spec.given([]).when(record({}, org.huaihua)).thenThrows('INVALID_REFERENCE', 'campaignId');
  });

  it('refuses an activity dated after today', () => {
    spec.given([]).when(record({ occurredOn: TOMORROW })).thenThrows('INVALID_VALUE', 'occurredOn');
  });
});

describe('VoidActivity', () => {
  it('voids an activity with a reason', () => {
    spec.given([activityRecorded('a1', org.xinying)]).when(voidIt()).then([voided()]);
  });

  it('refuses an activity that does not exist', () => {
    spec.given([]).when(voidIt()).thenThrows('NOT_FOUND');
  });

  it('refuses to void twice', () => {
    spec.given([activityRecorded('a1', org.xinying), voided()]).when(voidIt()).thenThrows('ALREADY_VOIDED');
  });
});

describe('activity evolve', () => {
  it('folds a recorded activity into the state the API reads', () => {
    expect(spec.given([activityRecorded('a1', org.xinying, 'c1')]).state()).toEqual({
      exists: true, activityId: 'a1', orgUnitId: 'xinying', orgPath: ['hunan', 'huaihua', 'mayang', 'gaocun', 'xinying'],
      campaignId: 'c1', title: '民族团结宣讲', category: 'lecture', venueType: 'community', occurredOn: '2024-06-01',
      participants: 120, beneficiaries: 80, materialsDistributed: 200, location: '村委会', notes: null,
      voided: false, voidReason: null,
    });
  });

  it('applies corrections and voids', () => {
    const state = spec.given([
      activityRecorded('a1', org.xinying, 'c1'),
      { type: 'ActivityCorrected', data: { activityId: 'a1', changes: { participants: 99, campaignId: null }, previous: { participants: 120, campaignId: 'c1' }, reason: '点名' } },
      voided('作废'),
    ]).state();
    expect(state).toMatchObject({ participants: 99, campaignId: null, title: '民族团结宣讲', voided: true, voidReason: '作废' });
  });

  it('starts from an activity that does not exist', () => {
    expect(spec.given([]).state()).toMatchObject({ exists: false, voided: false, voidReason: null, orgPath: [] });
  });

  it('leaves the state it is given unchanged', () => {
    const recorded = activityRecorded('a1', org.xinying, 'c1');
    expectEvolveLeavesInputUnchanged(activityDecider, [], recorded);
    expectEvolveLeavesInputUnchanged(activityDecider, [recorded], voided());
    expectEvolveLeavesInputUnchanged(activityDecider, [recorded], {
      type: 'ActivityCorrected', data: { activityId: 'a1', changes: { title: '新' }, previous: { title: '民族团结宣讲' }, reason: '错字' },
    });
  });
});

describe('activities in a locked month', () => {
  const mayangJune = lockedPeriod(THIS_MONTH, org.mayang);

  it('refuses a new activity dated inside a month locked for its unit or an ancestor', () => {
    spec.given([]).when({ ...record(), period: mayangJune }).thenThrows('PERIOD_LOCKED', 'occurredOn');
    spec.given([]).when({ ...record({ occurredOn: '2024-06-01' }), period: lockedPeriod(THIS_MONTH, org.huaihua) })
      .thenThrows('PERIOD_LOCKED', 'occurredOn');
  });

  it('records one in another subtree, below a locked descendant, or in another month', () => {
    const recorded = [expect.objectContaining({ type: 'ActivityRecorded' })];
    spec.given([]).when({ ...record({ campaignId: null }, org.zhijiang), period: mayangJune }).then(recorded);
    spec.given([]).when({ ...record(), period: lockedPeriod(THIS_MONTH, org.grid1) }).then(recorded);
    spec.given([]).when({ ...record({ occurredOn: '2024-05-31' }), period: lockedPeriod('2024-05') }).then(recorded);
  });

  it('still corrects and voids one (they carry a reason)', () => {
    const given = [activityRecorded('a1', org.xinying, 'c1')];
    spec.given(given).when({ type: 'CorrectActivity', today: TODAY, data: { activityId: 'a1', changes: { participants: 7 }, reason: '核对' }, campaign: null })
      .then([expect.objectContaining({ type: 'ActivityCorrected' })]);
    spec.given(given).when(voidIt()).then([voided()]);
  });
});
