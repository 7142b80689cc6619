/** Volunteers (stream volunteer-{id}) and their hour entries; each entry is one participation (人次). */
import { Map as PersistentMap, OrderedMap } from 'immutable';
import type { EraseVolunteer, LogHours, RegisterVolunteer, RejectHours, VerifyHours, VolunteerCommand } from '../commands';
import type { Decider } from '../decider';
import { DomainError } from '../errors';
import type {
  HoursLogged, HoursRejected, HoursVerified, VolunteerErased, VolunteerEvent, VolunteerRegistered,
} from '../events';
import { requireOpenPeriod } from '../periods/period';
import { requireNotAfterToday, requireOrgUnit } from '../rules';

/** A volunteer's entries on one calendar day, not rejected, may not add up to more than a day. */
export const MAX_MINUTES_PER_DAY = 1440;
/** An erasure must say why, in at most this many characters. */
export const MAX_ERASURE_REASON_LENGTH = 500;

export interface HourEntryState {
  entryId: string;
  activityId: string | null;
  orgUnitId: string;
  orgPath: string[];
  campaignId: string | null;
  servedOn: string;
  minutes: number;
  description: string | null;
  status: 'pending' | 'verified' | 'rejected';
  rejectionReason: string | null;
}

export interface VolunteerState {
  exists: boolean;
  volunteerId: string;
  orgUnitId: string;
  orgPath: string[];
  /** Null once erased, and when the log is read after the volunteer's key was destroyed. */
  name: string | null;
  phone: string | null;
  /** A VolunteerErased was recorded: the personal data is gone; the hours still count. */
  erased: boolean;
  /**
   * In the order logged. Years of hours make a long stream, so entries and minutes per day are persistent maps: an
   * event shares the rest of the state instead of copying it.
   */
  entries: OrderedMap<string, HourEntryState>;
  /** Minutes of entries not rejected, per `servedOn`: the daily limit is checked without a pass over every entry. */
  minutesByDay: PersistentMap<string, number>;
  /** Minutes of entries not rejected. */
  minutesLogged: number;
  minutesVerified: number;
}

function decideRegister(command: RegisterVolunteer, state: VolunteerState): VolunteerRegistered[] {
  const { data } = command;
  if (state.exists) throw new DomainError('ALREADY_EXISTS', `volunteer ${data.volunteerId} already exists`);
  const orgUnit = requireOrgUnit(command.orgUnit, data.orgUnitId);
  return [{
    type: 'VolunteerRegistered',
    data: { volunteerId: data.volunteerId, orgUnitId: data.orgUnitId, orgPath: [...orgUnit.orgPath], name: data.name, phone: data.phone },
  }];
}

function decideLogHours(command: LogHours, state: VolunteerState): HoursLogged[] {
  const { data, today, activity } = command;
  if (!state.exists) throw new DomainError('NOT_FOUND', `volunteer ${data.volunteerId} does not exist`);
  if (state.entries.has(data.entryId)) {
    throw new DomainError('DUPLICATE_ENTRY', `hour entry ${data.entryId} already recorded`, 'entryId');
  }
  let where = { orgUnitId: state.orgUnitId, orgPath: state.orgPath, campaignId: null as string | null };
  if (data.activityId !== null) {
    if (!activity || !activity.exists || activity.activityId !== data.activityId) {
      throw new DomainError('UNKNOWN_REFERENCE', `activity ${data.activityId} does not exist`, 'activityId');
    }
    if (activity.voided) {
      throw new DomainError('INVALID_REFERENCE', `activity ${data.activityId} is void`, 'activityId');
    }
    where = { orgUnitId: activity.orgUnitId, orgPath: activity.orgPath, campaignId: activity.campaignId };
  }
  requireNotAfterToday(data.servedOn, today, 'servedOn');
  requireOpenPeriod(command.period, data.servedOn, where.orgPath, 'servedOn');
  const minutesThatDay = state.minutesByDay.get(data.servedOn, 0);
  if (minutesThatDay + data.minutes > MAX_MINUTES_PER_DAY) {
    throw new DomainError(
      'INVALID_VALUE',
      `${data.servedOn} already holds ${minutesThatDay} minutes; ${data.minutes} more exceed ${MAX_MINUTES_PER_DAY}`,
      'minutes',
    );
  }
  return [{
    type: 'HoursLogged',
    data: {
      volunteerId: data.volunteerId, entryId: data.entryId, activityId: data.activityId,
      orgUnitId: where.orgUnitId, orgPath: [...where.orgPath], campaignId: where.campaignId,
      servedOn: data.servedOn, minutes: data.minutes, description: data.description,
    },
  }];
}

function requireEntry(state: VolunteerState, volunteerId: string, entryId: string): HourEntryState {
  const entry = state.exists ? state.entries.get(entryId) : undefined;
  if (!state.exists) throw new DomainError('NOT_FOUND', `volunteer ${volunteerId} does not exist`);
  if (!entry) throw new DomainError('NOT_FOUND', `hour entry ${entryId} does not exist`);
  return entry;
}

/** Verifying changes the verified figures of the entry's month, so inside a locked month it needs a reason. */
function decideVerify(command: VerifyHours, state: VolunteerState): HoursVerified[] {
  const { volunteerId, entryId, reason } = command.data;
  const entry = requireEntry(state, volunteerId, entryId);
  if (entry.status === 'rejected') {
    throw new DomainError('INVALID_TRANSITION', `hour entry ${entryId} was rejected and cannot be verified`);
  }
  if (entry.status === 'verified') return [];
  if (reason === null) requireOpenPeriod(command.period, entry.servedOn, entry.orgPath, 'reason');
  const { orgUnitId } = entry;
  return [{ type: 'HoursVerified', data: reason === null ? { volunteerId, entryId, orgUnitId } : { volunteerId, entryId, orgUnitId, reason } }];
}

function decideReject(command: RejectHours, state: VolunteerState): HoursRejected[] {
  const { volunteerId, entryId, reason } = command.data;
  const entry = requireEntry(state, volunteerId, entryId);
  if (entry.status === 'rejected') {
    throw new DomainError('INVALID_TRANSITION', `hour entry ${entryId} is already rejected`);
  }
  return [{ type: 'HoursRejected', data: { volunteerId, entryId, orgUnitId: entry.orgUnitId, reason } }];
}

/** Erasing is recorded once; the person's hours stay, and may still be logged and reviewed. */
function decideErase(command: EraseVolunteer, state: VolunteerState): VolunteerErased[] {
  const { volunteerId, reason } = command.data;
  if (!state.exists) throw new DomainError('NOT_FOUND', `volunteer ${volunteerId} does not exist`);
  if (state.erased) throw new DomainError('ALREADY_ERASED', `volunteer ${volunteerId} is already erased`);
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_ERASURE_REASON_LENGTH) {
    throw new DomainError('INVALID_VALUE', `an erasure needs a reason of 1 to ${MAX_ERASURE_REASON_LENGTH} characters`, 'reason');
  }
  return [{ type: 'VolunteerErased', data: { volunteerId, reason } }];
}

function withEntry(state: VolunteerState, entry: HourEntryState): VolunteerState {
  return { ...state, entries: state.entries.set(entry.entryId, entry) };
}

/** Adds `minutes` (negative: takes them away) to the minutes not rejected on `servedOn`. */
function withDayMinutes(state: VolunteerState, servedOn: string, minutes: number): VolunteerState {
  return { ...state, minutesByDay: state.minutesByDay.set(servedOn, state.minutesByDay.get(servedOn, 0) + minutes) };
}

function evolveVerified(state: VolunteerState, { data }: HoursVerified): VolunteerState {
  const entry = state.entries.get(data.entryId);
  if (!entry || entry.status !== 'pending') return state;
  const next = withEntry(state, { ...entry, status: 'verified' });
  return { ...next, minutesVerified: state.minutesVerified + entry.minutes };
}

function evolveRejected(state: VolunteerState, { data }: HoursRejected): VolunteerState {
  const entry = state.entries.get(data.entryId);
  if (!entry || entry.status === 'rejected') return state;
  const next = withDayMinutes(withEntry(state, { ...entry, status: 'rejected', rejectionReason: data.reason }), entry.servedOn, -entry.minutes);
  return {
    ...next,
    minutesLogged: state.minutesLogged - entry.minutes,
    minutesVerified: state.minutesVerified - (entry.status === 'verified' ? entry.minutes : 0),
  };
}

export const volunteerDecider: Decider<VolunteerCommand, VolunteerEvent, VolunteerState> = {
  initialState: () => ({
    exists: false, volunteerId: '', orgUnitId: '', orgPath: [], name: '', phone: null, erased: false,
    entries: OrderedMap(), minutesByDay: PersistentMap(), minutesLogged: 0, minutesVerified: 0,
  }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'VolunteerRegistered': {
        const { volunteerId, orgUnitId, orgPath, name, phone } = event.data;
        return { ...state, exists: true, volunteerId, orgUnitId, orgPath: [...orgPath], name, phone };
      }
      case 'HoursLogged': {
        const { data } = event;
        const entry: HourEntryState = {
          entryId: data.entryId, activityId: data.activityId, orgUnitId: data.orgUnitId, orgPath: [...data.orgPath],
          campaignId: data.campaignId, servedOn: data.servedOn, minutes: data.minutes,
          description: data.description, status: 'pending', rejectionReason: null,
        };
        return { ...withDayMinutes(withEntry(state, entry), data.servedOn, data.minutes), minutesLogged: state.minutesLogged + data.minutes };
      }
      case 'HoursVerified':
        return evolveVerified(state, event);
      case 'HoursRejected':
        return evolveRejected(state, event);
      case 'VolunteerErased':
        return { ...state, erased: true, name: null, phone: null };
      default:
        return state;
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'RegisterVolunteer':
        return decideRegister(command, state);
      case 'LogHours':
        return decideLogHours(command, state);
      case 'VerifyHours':
        return decideVerify(command, state);
      case 'RejectHours':
        return decideReject(command, state);
      case 'EraseVolunteer':
        return decideErase(command, state);
    }
  },
};
