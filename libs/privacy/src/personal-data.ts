import type { LedgerEventType } from '@tongxin/domain';

/** The subject of a volunteer's personal data: erasing the volunteer destroys this subject's key. */
export const volunteerSubject = (volunteerId: string): string => `volunteer:${volunteerId}`;
/**
 * The subject of a donor's name: one per donation, since the ledger has no donor identity across donations.
 * An anonymous donation still carries the name (the organiser knows who gave; only publication hides it), and
 * that name is the one the donor most wants kept, so it is sealed like any other.
 */
export const donorSubject = (donationId: string): string => `donor:${donationId}`;

/**
 * The subject of the payer names on one bank statement of a campaign: the names of individual donors as their bank
 * shows them. One key per statement (the event holds them all); erasing a donor destroys the key of every statement
 * line matched to their donation, and with it that statement's payer names — amounts, dates and matches stay.
 */
export const bankStatementSubject = (campaignId: string, statementId: string): string => `bank-statement:${campaignId}:${statementId}`;

export interface PersonalDataRule {
  /** The subject whose key seals the event's fields, from ids the event keeps in plain. */
  subjectOf(data: Record<string, unknown>): string | undefined;
  /** Dotted paths inside `data`. */
  fields: readonly string[];
}

const idOf = (data: Record<string, unknown>, field: string): string | undefined =>
  typeof data[field] === 'string' && data[field] !== '' ? (data[field] as string) : undefined;

/**
 * Every field of every event type that holds personal data. The one place to change: a new field is one more path,
 * a new event type one more entry. No other event type carries a name or a phone of a person (org units and
 * campaigns have names, but of institutions; reasons, notes and descriptions are free text the API does not ask
 * personal data for).
 */
export const PERSONAL_DATA: Readonly<Partial<Record<LedgerEventType, PersonalDataRule>>> = {
  VolunteerRegistered: {
    subjectOf: (data) => { const id = idOf(data, 'volunteerId'); return id && volunteerSubject(id); },
    fields: ['name', 'phone'],
  },
  DonationReceived: {
    subjectOf: (data) => { const id = idOf(data, 'donationId'); return id && donorSubject(id); },
    fields: ['donor.name'],
  },
  BankStatementRecorded: {
    subjectOf: (data) => {
      const campaignId = idOf(data, 'campaignId');
      const statementId = idOf(data, 'statementId');
      return campaignId && statementId && bankStatementSubject(campaignId, statementId);
    },
    fields: ['counterparties'],
  },
};

export function personalDataRule(type: string): PersonalDataRule | undefined {
  return Object.hasOwn(PERSONAL_DATA, type) ? PERSONAL_DATA[type as LedgerEventType] : undefined;
}
