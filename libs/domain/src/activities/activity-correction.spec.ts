import type { CorrectActivity } from '../commands';
import type { ActivityFacts } from '../events';
import { deciderSpec } from '../testing/decider-spec';
import { activityRecorded, campaign, noCampaign, org, TODAY, TOMORROW } from '../testing/fixtures';
import { activityDecider } from './activity';
import type { CampaignState } from '../campaigns/campaign';

const spec = deciderSpec(activityDecider);
const mayangCampaign = campaign('c1', org.mayang);
const gaocunCampaign = campaign('c2', org.gaocun);
const recorded = activityRecorded('a1', org.xinying, 'c1');

function correct(changes: Partial<ActivityFacts>, linked: CampaignState | null = null): CorrectActivity {
  return { type: 'CorrectActivity', today: TODAY, data: { activityId: 'a1', changes, reason: '核对签到表' }, campaign: linked };
}

describe('CorrectActivity', () => {
  it('records only the fields that change, with their previous values', () => {
    spec.given([recorded]).when(correct({ participants: 130, beneficiaries: 80, title: '民族团结宣讲', category: 'training' }))
      .then([{
        type: 'ActivityCorrected',
        data: {
          activityId: 'a1', changes: { category: 'training', participants: 130 },
          previous: { category: 'lecture', participants: 120 }, reason: '核对签到表',
        },
      }]);
  });

  it('moves the activity to another campaign whose subtree holds its org unit', () => {
    spec.given([recorded]).when(correct({ campaignId: 'c2' }, gaocunCampaign)).then([{
      type: 'ActivityCorrected',
      data: { activityId: 'a1', changes: { campaignId: 'c2' }, previous: { campaignId: 'c1' }, reason: '核对签到表' },
    }]);
  });

  it('detaches the activity from its campaign with null', () => {
    spec.given([recorded]).when(correct({ campaignId: null })).then([{
      type: 'ActivityCorrected',
      data: { activityId: 'a1', changes: { campaignId: null }, previous: { campaignId: 'c1' }, reason: '核对签到表' },
    }]);
  });

  it('sets a venue type or a date that was different', () => {
    spec.given([recorded]).when(correct({ venueType: null, occurredOn: TODAY })).then([{
      type: 'ActivityCorrected',
      data: {
        activityId: 'a1', changes: { venueType: null, occurredOn: TODAY },
        previous: { venueType: 'community', occurredOn: '2024-06-01' }, reason: '核对签到表',
      },
    }]);
  });

  it('refuses an activity that does not exist', () => {
    spec.given([]).when(correct({ participants: 1 })).thenThrows('NOT_FOUND');
  });

  it('refuses a void activity', () => {
    spec.given([recorded, { type: 'ActivityVoided', data: { activityId: 'a1', reason: '重复' } }])
      .when(correct({ participants: 1 })).thenThrows('ALREADY_VOIDED');
  });

  it('refuses a campaign that was not resolved or does not exist', () => {
    spec.given([recorded]).when(correct({ campaignId: 'c9' })).thenThrows('UNKNOWN_REFERENCE', 'campaignId');
    spec.given([recorded]).when(correct({ campaignId: 'c9' }, noCampaign)).thenThrows('UNKNOWN_REFERENCE', 'campaignId');
  });

  it('refuses a campaign whose subtree does not hold the activity\'s org unit', () => {
    spec.given([recorded]).when(correct({ campaignId: 'c3' }, campaign('c3', org.zhijiang)))
      .thenThrows('INVALID_REFERENCE', 'campaignId');
  });

  it('refuses a date after today', () => {
    spec.given([recorded]).when(correct({ occurredOn: TOMORROW })).thenThrows('INVALID_VALUE', 'occurredOn');
  });

  it('refuses a correction that changes nothing', () => {
    spec.given([recorded]).when(correct({ participants: 120, campaignId: 'c1' }, mayangCampaign)).thenThrows('INVALID_VALUE');
    spec.given([recorded]).when(correct({})).thenThrows('INVALID_VALUE');
  });
});
