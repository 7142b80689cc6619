/**
 * Period locks (stream period-{YYYY-MM}): once a month's figures are reported for an org unit's subtree,
 * the month is locked there. New facts dated inside it are refused; corrections, which carry a reason,
 * stay allowed.
 */
import type { LockPeriod, PeriodCommand } from '../commands';
import { isCalendarMonth, monthOf } from '../dates';
import type { Decider } from '../decider';
import { DomainError } from '../errors';
import type { IsoDate, PeriodEvent, PeriodLocked } from '../events';
import { isWithin, requireOrgUnit } from '../rules';

export interface PeriodLockState {
  orgUnitId: string;
  /** Root … the locked unit. */
  orgPath: string[];
  reason: string | null;
}

export interface PeriodState {
  /** `YYYY-MM`; empty while the month holds no lock. */
  month: string;
  /** In the order they were recorded. */
  locks: PeriodLockState[];
}

/** The lock of `period` that covers a unit with path `orgPath` (its own or an ancestor's), if any. */
export function lockCovering(period: PeriodState | null, orgPath: readonly string[]): PeriodLockState | undefined {
  return period?.locks.find((lock) => isWithin(orgPath, lock.orgUnitId));
}

/**
 * New facts may not be dated inside a month locked for their org subtree. `period` is the folded state of
 * the date's month (null when the caller has none to give); `field` names the date input at fault.
 */
export function requireOpenPeriod(period: PeriodState | null, date: IsoDate, orgPath: readonly string[], field: string): void {
  const month = monthOf(date);
  // A state folded from another month's stream says nothing about this date.
  if (!period || period.month !== month) return;
  const lock = lockCovering(period, orgPath);
  if (lock) {
    throw new DomainError(
      'PERIOD_LOCKED',
      `${month} is locked for org unit ${lock.orgUnitId} and everything under it; ${field} ${date} falls inside it, so only corrections with a reason may change it`,
      field,
    );
  }
}

function decideLock(command: LockPeriod, state: PeriodState): PeriodLocked[] {
  const { data, today } = command;
  if (!isCalendarMonth(data.month)) {
    throw new DomainError('INVALID_VALUE', `month ${data.month} is not a calendar month YYYY-MM`, 'month');
  }
  const orgUnit = requireOrgUnit(command.orgUnit, data.orgUnitId);
  if (data.month > monthOf(today)) {
    throw new DomainError('INVALID_VALUE', `month ${data.month} is after this month (${monthOf(today)})`, 'month');
  }
  const existing = state.month === data.month ? lockCovering(state, orgUnit.orgPath) : undefined;
  if (existing) {
    const by = existing.orgUnitId === data.orgUnitId ? 'it' : `its ancestor ${existing.orgUnitId}`;
    throw new DomainError(
      'PERIOD_ALREADY_LOCKED', `${data.month} is already locked for org unit ${data.orgUnitId} (by ${by})`, 'orgUnitId',
    );
  }
  return [{
    type: 'PeriodLocked',
    data: { month: data.month, orgUnitId: data.orgUnitId, orgPath: [...orgUnit.orgPath], reason: data.reason },
  }];
}

export const periodDecider: Decider<PeriodCommand, PeriodEvent, PeriodState> = {
  initialState: () => ({ month: '', locks: [] }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'PeriodLocked': {
        const { month, orgUnitId, orgPath, reason } = event.data;
        return { month, locks: [...state.locks, { orgUnitId, orgPath: [...orgPath], reason }] };
      }
      default:
        return state;
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'LockPeriod':
        return decideLock(command, state);
    }
  },
};
