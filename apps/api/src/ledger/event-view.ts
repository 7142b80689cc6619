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
  if (type === 'DonationReceived' && !SEES_DONOR_NAMES.includes(role)) {
    const donor = data.donor as Record<string, unknown> | undefined;
    return donor ? { ...data, donor: { ...donor, name: null } } : data;
  }
  // Payer names on a bank statement are donors' names as their bank shows them.
  if (type === 'BankStatementRecorded' && !SEES_DONOR_NAMES.includes(role) && Array.isArray(data.counterparties)) {
    return { ...data, counterparties: data.counterparties.map(() => null) };
  }
  return data;
}
