/** Activities (stream activity-{id}): what was held, where, under which campaign, for how many people. */
import type { ActivityCommand, CorrectActivity, RecordActivity, VoidActivity } from '../commands';
import type { Decider } from '../decider';
import { DomainError } from '../errors';
import type {
  ActivityCorrected, ActivityEvent, ActivityFacts, ActivityRecorded, ActivityVoided, CorrectableActivityField,
} from '../events';
import type { CampaignState } from '../campaigns/campaign';
import { requireOpenPeriod } from '../periods/period';
import { isWithin, requireNotAfterToday, requireOrgUnit } from '../rules';

export interface ActivityState extends ActivityFacts {
  exists: boolean;
  activityId: string;
  orgUnitId: string;
  orgPath: string[];
  location: string | null;
  notes: string | null;
  voided: boolean;
  voidReason: string | null;
}

/** The facts a correction may change, in the order they appear in `changes`. */
export const CORRECTABLE_ACTIVITY_FIELDS = [
  'campaignId', 'title', 'category', 'venueType', 'occurredOn', 'participants', 'beneficiaries',
  'materialsDistributed',
] as const satisfies readonly CorrectableActivityField[];

/** An activity may count under a campaign only when its org unit lies in the campaign's subtree. */
function requireCampaignFor(campaign: CampaignState | null, campaignId: string, orgPath: string[]): void {
  if (!campaign || !campaign.exists || campaign.campaignId !== campaignId) {
    throw new DomainError('UNKNOWN_REFERENCE', `campaign ${campaignId} does not exist`, 'campaignId');
  }
  if (!isWithin(orgPath, campaign.orgUnitId)) {
    throw new DomainError(
      'INVALID_REFERENCE', `the activity's org unit is outside campaign ${campaignId}'s org unit`, 'campaignId',
    );
  }
}

function decideRecord(command: RecordActivity, state: ActivityState): ActivityRecorded[] {
  const { data, today } = command;
  if (state.exists) throw new DomainError('ALREADY_EXISTS', `activity ${data.activityId} already exists`);
  const orgUnit = requireOrgUnit(command.orgUnit, data.orgUnitId);
  if (data.campaignId !== null) requireCampaignFor(command.campaign, data.campaignId, orgUnit.orgPath);
  requireNotAfterToday(data.occurredOn, today, 'occurredOn');
  requireOpenPeriod(command.period, data.occurredOn, orgUnit.orgPath, 'occurredOn');
  return [{
    type: 'ActivityRecorded',
    data: {
      activityId: data.activityId, orgUnitId: data.orgUnitId, orgPath: [...orgUnit.orgPath],
      campaignId: data.campaignId, title: data.title, category: data.category, venueType: data.venueType,
      occurredOn: data.occurredOn, participants: data.participants, beneficiaries: data.beneficiaries,
      materialsDistributed: data.materialsDistributed, location: data.location, notes: data.notes,
    },
  }];
}

function requireLive(state: ActivityState, activityId: string): void {
  if (!state.exists) throw new DomainError('NOT_FOUND', `activity ${activityId} does not exist`);
  if (state.voided) throw new DomainError('ALREADY_VOIDED', `activity ${activityId} is void`);
}

function decideCorrect(command: CorrectActivity, state: ActivityState): ActivityCorrected[] {
  const { data, today } = command;
  requireLive(state, data.activityId);
  if (typeof data.changes.campaignId === 'string') {
    requireCampaignFor(command.campaign, data.changes.campaignId, state.orgPath);
  }
  if (data.changes.occurredOn !== undefined) requireNotAfterToday(data.changes.occurredOn, today, 'occurredOn');
  const changes: Record<string, unknown> = {};
  const previous: Record<string, unknown> = {};
  for (const field of CORRECTABLE_ACTIVITY_FIELDS) {
    const value = data.changes[field];
    if (value === undefined || value === state[field]) continue;
    changes[field] = value;
    previous[field] = state[field];
  }
  if (Object.keys(changes).length === 0) throw new DomainError('INVALID_VALUE', 'correction changes nothing');
  return [{
    type: 'ActivityCorrected',
    data: {
      activityId: data.activityId, changes: changes as Partial<ActivityFacts>,
      previous: previous as Partial<ActivityFacts>, reason: data.reason,
    },
  }];
}

function decideVoid(command: VoidActivity, state: ActivityState): ActivityVoided[] {
  requireLive(state, command.data.activityId);
  return [{ type: 'ActivityVoided', data: { activityId: command.data.activityId, reason: command.data.reason } }];
}

function applyCorrection(state: ActivityState, { data }: ActivityCorrected): ActivityState {
  const next: ActivityState = { ...state };
  for (const field of CORRECTABLE_ACTIVITY_FIELDS) {
    if (data.changes[field] !== undefined) (next as unknown as Record<string, unknown>)[field] = data.changes[field];
  }
  return next;
}

export const activityDecider: Decider<ActivityCommand, ActivityEvent, ActivityState> = {
  initialState: () => ({
    exists: false, activityId: '', orgUnitId: '', orgPath: [], campaignId: null, title: '', category: 'other',
    venueType: null, occurredOn: '', participants: 0, beneficiaries: 0, materialsDistributed: 0,
    location: null, notes: null, voided: false, voidReason: null,
  }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'ActivityRecorded': {
        const { data } = event;
        return {
          exists: true, activityId: data.activityId, orgUnitId: data.orgUnitId, orgPath: [...data.orgPath],
          campaignId: data.campaignId, title: data.title, category: data.category, venueType: data.venueType,
          occurredOn: data.occurredOn, participants: data.participants, beneficiaries: data.beneficiaries,
          materialsDistributed: data.materialsDistributed, location: data.location, notes: data.notes,
          voided: false, voidReason: null,
        };
      }
      case 'ActivityCorrected':
        return applyCorrection(state, event);
      case 'ActivityVoided':
        return { ...state, voided: true, voidReason: event.data.reason };
      default:
        return state;
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'RecordActivity':
        return decideRecord(command, state);
      case 'CorrectActivity':
        return decideCorrect(command, state);
      case 'VoidActivity':
        return decideVoid(command, state);
    }
  },
};
