import type { Role } from '@tongxin/domain';
import type { RecordedEvent } from '@tongxin/event-store';

/** How an event is shown in every answer that lists events (/events, /streams, entity histories). */
export interface EventView {
  position: number;
  streamId: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

/**
 * Who sees which personal data (issue: "analysts and recorders never see phone numbers; names show only to roles
 * that need them"): recorders log hours for volunteers by name; money and its donors are organisers' business.
 */
export const SEES_VOLUNTEER_NAMES: readonly Role[] = ['admin', 'organiser', 'recorder'];
export const SEES_PHONES: readonly Role[] = ['admin', 'organiser'];
export const SEES_DONOR_NAMES: readonly Role[] = ['admin', 'organiser'];

/**
 * Whether `role` may read this donor's name over the API. An anonymous donor's name is read by no role at all, not
 * even an admin: it stays sealed in the log and leaves it only in the operator's `tongxin export` (docs/privacy.md).
 */
export function showsDonorName(role: Role, donor: { anonymous?: unknown } | null | undefined): boolean {
  return SEES_DONOR_NAMES.includes(role) && donor?.anonymous !== true;
}

/** The event as `role` may see it: personal fields it may not see are null, and nothing else changes. */
export function toEventView(event: RecordedEvent, role: Role): EventView {
  return {
    position: event.position, streamId: event.streamId, revision: event.revision, type: event.type,
    data: redactData(event.type, event.data, role), metadata: event.metadata, recordedAt: event.recordedAt,
  };
}

function redactData(type: string, data: Record<string, unknown>, role: Role): Record<string, unknown> {
  if (type === 'VolunteerRegistered') {
    const shown = { ...data };
    if (!SEES_VOLUNTEER_NAMES.includes(role)) shown.name = null;
    if (!SEES_PHONES.includes(role)) shown.phone = null;
    return shown;
  }
  if (type === 'DonationReceived') {
    const donor = data.donor as Record<string, unknown> | undefined;
    return donor && !showsDonorName(role, donor) ? { ...data, donor: { ...donor, name: null } } : data;
  }
  // Payer names on a bank statement are donors' names as their bank shows them, an anonymous donor's among them once
  // a line is matched (by a later event) to that donation: the log shows them to no role. The reconciliation report
  // shows organisers the payers of the lines still open, none that an anonymous donation could be.
  if (type === 'BankStatementRecorded' && Array.isArray(data.counterparties)) {
    return { ...data, counterparties: data.counterparties.map(() => null) };
  }
  return data;
}
