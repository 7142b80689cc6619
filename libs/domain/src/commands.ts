/**
 * What callers ask of each stream. Handlers in the API resolve references (parent org unit, campaign,
 * activity) by folding their streams and pass them in as states, so `decide` needs no I/O.
 * `today` is the ledger's calendar date at the time of the command (Asia/Shanghai), passed by the caller.
 */
import type {
  ActivityCategory, ActivityFacts, DonatedItem, DonationKind, DonorKind, IsoDate, OrgUnitLevel,
  PaymentMethod, VenueType,
} from './events';
import type { ActivityState } from './activities/activity';
import type { CampaignState } from './campaigns/campaign';
import type { OrgUnitState } from './org-units/org-unit';
import type { VolunteerState } from './volunteers/volunteer';

export interface RegisterOrgUnit {
  type: 'RegisterOrgUnit';
  data: { orgUnitId: string; name: string; level: OrgUnitLevel; parentId: string | null; code: string | null };
  /** The parent's folded state; null when no parentId was given. */
  parent: OrgUnitState | null;
}

export interface LaunchCampaign {
  type: 'LaunchCampaign';
  data: { campaignId: string; name: string; orgUnitId: string; startsOn: IsoDate | null; endsOn: IsoDate | null };
  orgUnit: OrgUnitState;
}

export interface RecordActivity {
  type: 'RecordActivity';
  /** The ledger's calendar date now; facts dated after it are refused. */
  today: IsoDate;
  data: {
    activityId: string; orgUnitId: string; campaignId: string | null; title: string; category: ActivityCategory;
    venueType: VenueType | null; occurredOn: IsoDate; participants: number; beneficiaries: number;
    materialsDistributed: number; location: string | null; notes: string | null;
  };
  orgUnit: OrgUnitState;
  /** The campaign's folded state when campaignId is given, else null. */
  campaign: CampaignState | null;
}
export interface CorrectActivity {
  type: 'CorrectActivity';
  /** The ledger's calendar date now; facts dated after it are refused. */
  today: IsoDate;
  data: { activityId: string; changes: Partial<ActivityFacts>; reason: string };
  /** The campaign's folded state when `changes.campaignId` is a string, else null. */
  campaign: CampaignState | null;
}
export interface VoidActivity {
  type: 'VoidActivity';
  data: { activityId: string; reason: string };
}
export type ActivityCommand = RecordActivity | CorrectActivity | VoidActivity;

export interface RegisterVolunteer {
  type: 'RegisterVolunteer';
  data: { volunteerId: string; orgUnitId: string; name: string; phone: string | null };
  orgUnit: OrgUnitState;
}
export interface LogHours {
  type: 'LogHours';
  /** The ledger's calendar date now; facts dated after it are refused. */
  today: IsoDate;
  data: { volunteerId: string; entryId: string; activityId: string | null; servedOn: IsoDate; minutes: number; description: string | null };
  /** The linked activity's folded state when activityId is given, else null. */
  activity: ActivityState | null;
}
export interface VerifyHours {
  type: 'VerifyHours';
  data: { volunteerId: string; entryId: string };
}
export interface RejectHours {
  type: 'RejectHours';
  data: { volunteerId: string; entryId: string; reason: string };
}
export type VolunteerCommand = RegisterVolunteer | LogHours | VerifyHours | RejectHours;

export interface ReceiveDonation {
  type: 'ReceiveDonation';
  /** The ledger's calendar date now; facts dated after it are refused. */
  today: IsoDate;
  data: {
    donationId: string; campaignId: string; orgUnitId: string;
    donor: { name: string; kind: DonorKind; anonymous: boolean };
    kind: DonationKind; amount: number; receivedOn: IsoDate; method: PaymentMethod | null;
    reference: string | null; items: DonatedItem[];
  };
  orgUnit: OrgUnitState;
}
export interface RefundDonation {
  type: 'RefundDonation';
  /** The ledger's calendar date now; facts dated after it are refused. */
  today: IsoDate;
  data: { donationId: string; refundId: string; amount: number; reason: string; refundedOn: IsoDate };
}
export interface DisburseFunds {
  type: 'DisburseFunds';
  /** The ledger's calendar date now; facts dated after it are refused. */
  today: IsoDate;
  data: {
    disbursementId: string; campaignId: string; orgUnitId: string; amount: number; purpose: string;
    paidOn: IsoDate; beneficiaries: number; activityId: string | null;
  };
  orgUnit: OrgUnitState;
  /** The linked activity's folded state when activityId is given, else null. */
  activity: ActivityState | null;
}
export type CampaignCommand = LaunchCampaign | ReceiveDonation | RefundDonation | DisburseFunds;
