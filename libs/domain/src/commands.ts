/**
 * What callers ask of each stream. Handlers in the API resolve references (parent org unit, campaign,
 * activity) by folding their streams and pass them in as states, so `decide` needs no I/O.
 * `today` is the ledger's calendar date at the time of the command (Asia/Shanghai), passed by the caller.
 * `period` is the folded state of the period stream of the month a new fact is dated in (see periods/period.ts).
 */
import type {
  ActivityCategory, ActivityFacts, BankLineFacts, DonatedItem, MatchMethod, DonationKind, DonorKind, GoodsRecipient, IsoDate, OrgUnitLevel,
  PaymentMethod, VenueType,
} from './events';
import type { ActivityState } from './activities/activity';
import type { CampaignState } from './campaigns/campaign';
import type { OrgUnitState } from './org-units/org-unit';
import type { PeriodState } from './periods/period';
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
  /** The lock state of occurredOn's month. */
  period: PeriodState | null;
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
  /** The lock state of servedOn's month. */
  period: PeriodState | null;
}
export interface VerifyHours {
  type: 'VerifyHours';
  /** `reason` is required only when the entry lies in a locked month: a late change must say why. */
  data: { volunteerId: string; entryId: string; reason: string | null };
  /** The lock state of the entry's servedOn month; null when the entry is unknown. */
  period: PeriodState | null;
}
export interface RejectHours {
  type: 'RejectHours';
  data: { volunteerId: string; entryId: string; reason: string };
}
/** Destroys the volunteer's personal data (crypto-shredding); `reason` is required, 1–500 characters. */
export interface EraseVolunteer {
  type: 'EraseVolunteer';
  data: { volunteerId: string; reason: string };
}
export type VolunteerCommand = RegisterVolunteer | LogHours | VerifyHours | RejectHours | EraseVolunteer;

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
  /** The lock state of receivedOn's month. */
  period: PeriodState | null;
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
  /** The lock state of paidOn's month. */
  period: PeriodState | null;
}
export interface DistributeGoods {
  type: 'DistributeGoods';
  /** The ledger's calendar date now; facts dated after it are refused. */
  today: IsoDate;
  data: {
    donationId: string; distributionId: string;
    /** `index`: the item's position in the donation's `items`. */
    items: { index: number; quantity: number }[];
    recipient: GoodsRecipient; beneficiaries: number; distributedOn: IsoDate; notes: string | null;
  };
  /** The recipient unit's folded state when the recipient is an org unit, else null. */
  orgUnit: OrgUnitState | null;
  /** The recipient activity's folded state when the recipient is an activity, else null. */
  activity: ActivityState | null;
  /** The lock state of distributedOn's month. */
  period: PeriodState | null;
}
export type CampaignCommand = LaunchCampaign | ReceiveDonation | RefundDonation | DisburseFunds | DistributeGoods;

export interface LockPeriod {
  type: 'LockPeriod';
  /** The ledger's calendar date now; months after its month cannot be locked. */
  today: IsoDate;
  data: { month: string; orgUnitId: string; reason: string | null };
  orgUnit: OrgUnitState;
}
export type PeriodCommand = LockPeriod;

export interface RecordBankStatement {
  type: 'RecordBankStatement';
  data: {
    statementId: string; campaignId: string; fileName: string;
    lines: (BankLineFacts & { counterparty: string | null })[];
  };
  /** The campaign's folded state: the statement belongs to its receiving account. */
  campaign: CampaignState;
}
export interface MatchDonations {
  type: 'MatchDonations';
  /** Decided in order, each against the state the earlier ones leave. */
  data: { matches: { statementId: string; line: number; donationId: string; by: MatchMethod; reason: string | null }[] };
  /** The campaign's folded state: where the donations are. A donation once received never changes what it matched. */
  campaign: CampaignState;
}
export interface UnmatchDonation {
  type: 'UnmatchDonation';
  data: { statementId: string; line: number; donationId: string; reason: string };
}
export type ReconciliationCommand = RecordBankStatement | MatchDonations | UnmatchDonation;
