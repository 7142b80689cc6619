/** Folded reference states for specs: an org tree, campaigns and activities built from their events. */
import { activityDecider, type ActivityState } from '../activities/activity';
import { campaignDecider, type CampaignState } from '../campaigns/campaign';
import { fold } from '../decider';
import type {
  ActivityEvent, ActivityRecorded, CampaignEvent, CampaignLaunched, OrgUnitLevel, OrgUnitRegistered,
} from '../events';
import { orgUnitDecider, type OrgUnitState } from '../org-units/org-unit';
import { deepFreeze } from './decider-spec';

export const TODAY = '2024-06-15';
export const TOMORROW = '2024-06-16';

export function orgUnitRegistered(orgUnitId: string, level: OrgUnitLevel, parent?: OrgUnitState): OrgUnitRegistered {
  return {
    type: 'OrgUnitRegistered',
    data: {
      orgUnitId, name: `${orgUnitId} name`, level, parentId: parent?.orgUnitId ?? null, code: null,
      orgPath: [...(parent?.orgPath ?? []), orgUnitId],
    },
  };
}

export function orgUnit(orgUnitId: string, level: OrgUnitLevel, parent?: OrgUnitState): OrgUnitState {
  return deepFreeze(fold(orgUnitDecider, [orgUnitRegistered(orgUnitId, level, parent)]));
}

/** hunan › huaihua › mayang › gaocun › xinying › grid-1, a school under mayang, and zhijiang beside mayang. */
const hunan = orgUnit('hunan', 'province');
const huaihua = orgUnit('huaihua', 'city', hunan);
const mayang = orgUnit('mayang', 'county', huaihua);
const gaocun = orgUnit('gaocun', 'township', mayang);
const xinying = orgUnit('xinying', 'village', gaocun);
const grid1 = orgUnit('grid-1', 'grid', xinying);
const school = orgUnit('school', 'unit', mayang);
const zhijiang = orgUnit('zhijiang', 'county', huaihua);
export const org = { hunan, huaihua, mayang, gaocun, xinying, grid1, school, zhijiang } as const;
export const noOrgUnit: OrgUnitState = deepFreeze(orgUnitDecider.initialState());

export function campaignLaunched(campaignId: string, unit: OrgUnitState): CampaignLaunched {
  return {
    type: 'CampaignLaunched',
    data: {
      campaignId, name: `${campaignId} name`, orgUnitId: unit.orgUnitId, orgPath: [...unit.orgPath],
      startsOn: '2024-01-01', endsOn: '2024-12-31',
    },
  };
}

export function campaign(campaignId: string, unit: OrgUnitState, more: CampaignEvent[] = []): CampaignState {
  return deepFreeze(fold(campaignDecider, [campaignLaunched(campaignId, unit), ...more]));
}
export const noCampaign: CampaignState = deepFreeze(campaignDecider.initialState());

export function activityRecorded(
  activityId: string, unit: OrgUnitState, campaignId: string | null = null,
): ActivityRecorded {
  return {
    type: 'ActivityRecorded',
    data: {
      activityId, orgUnitId: unit.orgUnitId, orgPath: [...unit.orgPath], campaignId, title: '民族团结宣讲',
      category: 'lecture', venueType: 'community', occurredOn: '2024-06-01', participants: 120,
      beneficiaries: 80, materialsDistributed: 200, location: '村委会', notes: null,
    },
  };
}

export function activity(
  activityId: string, unit: OrgUnitState, campaignId: string | null = null, more: ActivityEvent[] = [],
): ActivityState {
  return deepFreeze(fold(activityDecider, [activityRecorded(activityId, unit, campaignId), ...more]));
}
export const noActivity: ActivityState = deepFreeze(activityDecider.initialState());
