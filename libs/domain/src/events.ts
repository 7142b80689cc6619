/**
 * Every fact the ledger records. Type names are explicit, versioned strings (never constructor.name);
 * payloads are plain JSON. Money is integer 分, counts are integers, dates are `YYYY-MM-DD` calendar dates.
 * Each event that a figure is counted under carries the org unit it counts under and that unit's path
 * (root … unit), so read models can roll it up over a subtree without looking anything up.
 */
import type { TokenEvent } from './access/token';

export type IsoDate = string;
export type OrgPath = string[];

export const ORG_UNIT_LEVELS = ['province', 'city', 'county', 'township', 'village', 'grid', 'unit'] as const;
export type OrgUnitLevel = (typeof ORG_UNIT_LEVELS)[number];

export const ACTIVITY_CATEGORIES = [
  'lecture', 'public_welfare', 'performance', 'training', 'home_visit', 'festival', 'sports',
  'knowledge_test', 'exhibition', 'study_tour', 'volunteer_service', 'meeting', 'other',
] as const;
export type ActivityCategory = (typeof ACTIVITY_CATEGORIES)[number];

export const VENUE_TYPES = [
  'agency', 'township', 'community', 'enterprise', 'school', 'religious_site', 'barracks', 'hospital',
  'scenic_area', 'education_base', 'household', 'online', 'other',
] as const;
export type VenueType = (typeof VENUE_TYPES)[number];

export const DONOR_KINDS = ['individual', 'organisation'] as const;
export type DonorKind = (typeof DONOR_KINDS)[number];
export const DONATION_KINDS = ['money', 'goods'] as const;
export type DonationKind = (typeof DONATION_KINDS)[number];
export const PAYMENT_METHODS = ['bank_transfer', 'cash', 'wechat_pay', 'alipay', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

// ---- org units: stream org-unit-{id}
export interface OrgUnitRegistered {
  type: 'OrgUnitRegistered';
  data: { orgUnitId: string; name: string; level: OrgUnitLevel; parentId: string | null; code: string | null; orgPath: OrgPath };
}

// ---- campaigns and their money: stream campaign-{id}
// The campaign stream is the consistency boundary of its money: donations, refunds and disbursements
// of one campaign are decided against one folded balance, so no two writers can overdraw it.
export interface CampaignLaunched {
  type: 'CampaignLaunched';
  data: { campaignId: string; name: string; orgUnitId: string; orgPath: OrgPath; startsOn: IsoDate | null; endsOn: IsoDate | null };
}
/**
 * One line of goods. `value` (分), when the donor's assessment gives one per line, is on every line or on none, and the
 * lines' values sum to the donation's `amount`; events recorded before it existed have none.
 */
export interface DonatedItem { description: string; quantity: number; unit: string; value?: number }
export interface DonationReceived {
  type: 'DonationReceived';
  data: {
    donationId: string; campaignId: string; orgUnitId: string; orgPath: OrgPath;
    donor: { name: string; kind: DonorKind; anonymous: boolean };
    kind: DonationKind; amount: number; receivedOn: IsoDate;
    method: PaymentMethod | null; reference: string | null; items: DonatedItem[];
  };
}
export interface DonationRefunded {
  type: 'DonationRefunded';
  data: {
    refundId: string; donationId: string; campaignId: string; orgUnitId: string; orgPath: OrgPath;
    kind: DonationKind; amount: number; refundedOn: IsoDate; reason: string;
  };
}
export interface FundsDisbursed {
  type: 'FundsDisbursed';
  data: {
    disbursementId: string; campaignId: string; orgUnitId: string; orgPath: OrgPath;
    amount: number; purpose: string; paidOn: IsoDate; beneficiaries: number; activityId: string | null;
  };
}
/** Exactly one: goods go to an org unit, or to an activity (counted under the activity's org unit). */
export type GoodsRecipient = { orgUnitId: string } | { activityId: string };
/** One line of a distribution: `index` is the position of the item in the donation's `items`. */
export interface DistributedItem { index: number; description: string; quantity: number; unit: string }
/**
 * Donated goods handed on. Decided on the campaign stream, so no two distributions can overdraw an item.
 * `orgUnitId`/`orgPath` are where it counts: the recipient unit, or the recipient activity's unit.
 */
export interface GoodsDistributed {
  type: 'GoodsDistributed';
  data: {
    distributionId: string; donationId: string; campaignId: string; orgUnitId: string; orgPath: OrgPath;
    recipient: GoodsRecipient; items: DistributedItem[]; beneficiaries: number; distributedOn: IsoDate; notes: string | null;
  };
}

// ---- activities: stream activity-{id}
export interface ActivityFacts {
  campaignId: string | null;
  title: string;
  category: ActivityCategory;
  venueType: VenueType | null;
  occurredOn: IsoDate;
  participants: number;
  beneficiaries: number;
  materialsDistributed: number;
}
export type CorrectableActivityField = keyof ActivityFacts;
export interface ActivityRecorded {
  type: 'ActivityRecorded';
  data: ActivityFacts & { activityId: string; orgUnitId: string; orgPath: OrgPath; location: string | null; notes: string | null };
}
export interface ActivityCorrected {
  type: 'ActivityCorrected';
  /** `changes` holds only fields whose value changed; `previous` their values before, for auditors. */
  data: { activityId: string; changes: Partial<ActivityFacts>; previous: Partial<ActivityFacts>; reason: string };
}
export interface ActivityVoided {
  type: 'ActivityVoided';
  data: { activityId: string; reason: string };
}

// ---- volunteers and hours: stream volunteer-{id}
export interface VolunteerRegistered {
  type: 'VolunteerRegistered';
  /**
   * `name` and `phone` are personal data, stored sealed with the volunteer's key (libs/privacy). Read after the
   * volunteer was erased (the key destroyed), both are null and `erased` is true; decide always writes a name.
   */
  data: { volunteerId: string; orgUnitId: string; orgPath: OrgPath; name: string | null; phone: string | null; erased?: boolean };
}
export interface HoursLogged {
  type: 'HoursLogged';
  /**
   * `orgUnitId`/`orgPath` are where the entry counts: the linked activity's unit, else the volunteer's.
   * `campaignId` is the linked activity's campaign when logged; read models follow later corrections of it.
   */
  data: {
    volunteerId: string; entryId: string; activityId: string | null; orgUnitId: string; orgPath: OrgPath;
    campaignId: string | null; servedOn: IsoDate; minutes: number; description: string | null;
  };
}
export interface HoursVerified {
  type: 'HoursVerified';
  /**
   * `reason` only when the entry lies in a locked period (a late correction must say why); absent otherwise.
   * `orgUnitId`: the unit the entry counts under (see HoursRejected).
   */
  data: { volunteerId: string; entryId: string; orgUnitId?: string; reason?: string };
}
export interface HoursRejected {
  type: 'HoursRejected';
  /**
   * `orgUnitId`: the unit the entry counts under (its activity's), so the decision is filed in the log where the entry
   * and the figures it moves are; absent from decisions recorded before it was added (filed under the volunteer's unit).
   */
  data: { volunteerId: string; entryId: string; orgUnitId?: string; reason: string };
}
/**
 * The volunteer's personal data was erased on request: the key sealing their name and phone is destroyed with it.
 * The events and the hours (and every total) stay; the actor who erased is in the metadata, as for every event.
 */
export interface VolunteerErased {
  type: 'VolunteerErased';
  data: { volunteerId: string; reason: string };
}

// ---- period locks: stream period-{YYYY-MM}
/**
 * A month closed for an org unit's subtree once its figures were reported: new facts dated inside it are
 * refused, and corrections (which carry a reason) are listed as late by the changes read model.
 */
export interface PeriodLocked {
  type: 'PeriodLocked';
  data: { month: string; orgUnitId: string; orgPath: OrgPath; reason: string | null };
}

// ---- bank reconciliation of a campaign's receiving account: stream reconciliation-{campaignId}
// One stream per campaign, so every match is decided against one folded state: a bank line is matched to at most
// one donation and a donation to at most one line.
export const MATCH_METHODS = ['reference', 'amount-date', 'counterparty', 'manual'] as const;
export type MatchMethod = (typeof MATCH_METHODS)[number];
/** A credit line of a statement; `line` is its row number in the uploaded file. */
export interface BankLineFacts { line: number; date: IsoDate; amount: number; reference: string | null }
export interface BankStatementRecorded {
  type: 'BankStatementRecorded';
  /**
   * `statementId` is derived from the file's hash, so the same file twice records one statement. `counterparties`
   * (the payer names, by index of `lines`) may name individual donors: personal data, sealed with the statement's
   * key (libs/privacy); null once erased. `duplicates`: lines left out because an earlier statement of the campaign
   * holds the same line (same reference, date and amount), so overlapping statements count each receipt once.
   */
  data: {
    statementId: string; campaignId: string; orgUnitId: string; orgPath: OrgPath; fileName: string;
    lines: BankLineFacts[]; counterparties: (string | null)[] | null;
    duplicates: { line: number; statementId: string; sameAs: number }[];
  };
}
export interface DonationMatched {
  type: 'DonationMatched';
  /** `reason` is required for manual matches, null for the matching job's. */
  data: { campaignId: string; statementId: string; line: number; donationId: string; by: MatchMethod; reason: string | null };
}
export interface DonationUnmatched {
  type: 'DonationUnmatched';
  data: { campaignId: string; statementId: string; line: number; donationId: string; reason: string };
}

export type OrgUnitEvent = OrgUnitRegistered;
export type PeriodEvent = PeriodLocked;
export type CampaignEvent = CampaignLaunched | DonationReceived | DonationRefunded | FundsDisbursed | GoodsDistributed;
export type ActivityEvent = ActivityRecorded | ActivityCorrected | ActivityVoided;
export type VolunteerEvent = VolunteerRegistered | HoursLogged | HoursVerified | HoursRejected | VolunteerErased;
export type ReconciliationEvent = BankStatementRecorded | DonationMatched | DonationUnmatched;
export type LedgerEvent = OrgUnitEvent | CampaignEvent | ActivityEvent | VolunteerEvent | PeriodEvent | TokenEvent | ReconciliationEvent;
export type LedgerEventType = LedgerEvent['type'];

/** Current schema version of each event type; upcasters (history issue) raise older shapes to these. */
export const EVENT_SCHEMA_VERSIONS: Record<LedgerEventType, number> = {
  OrgUnitRegistered: 1, CampaignLaunched: 1, DonationReceived: 1, DonationRefunded: 1, FundsDisbursed: 1, GoodsDistributed: 1,
  ActivityRecorded: 1, ActivityCorrected: 1, ActivityVoided: 1,
  VolunteerRegistered: 1, HoursLogged: 1, HoursVerified: 1, HoursRejected: 1, VolunteerErased: 1,
  PeriodLocked: 1,
  TokenIssued: 1, TokenRevoked: 1,
  BankStatementRecorded: 1, DonationMatched: 1, DonationUnmatched: 1,
};

/** Who and why, carried by every event. Time and ids come in here, so `decide` stays deterministic. */
export interface EventMetadata {
  actor: string;
  commandId: string;
  correlationId: string;
  causationId?: string;
  orgUnitId: string;
  schemaVersion: number;
  [key: string]: unknown;
}

export const streams = {
  orgUnit: (id: string) => `org-unit-${id}`,
  campaign: (id: string) => `campaign-${id}`,
  activity: (id: string) => `activity-${id}`,
  volunteer: (id: string) => `volunteer-${id}`,
  /** One stream per calendar month (`YYYY-MM`) holds every lock of that month. */
  period: (month: string) => `period-${month}`,
  token: (id: string) => `token-${id}`,
  /** Bank statements of a campaign's receiving account and every match decision on them. */
  reconciliation: (campaignId: string) => `reconciliation-${campaignId}`,
} as const;
