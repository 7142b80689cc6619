/** Period locks for specs: months are locked by units of the org tree in fixtures. */
import { fold } from '../decider';
import type { PeriodLocked } from '../events';
import type { OrgUnitState } from '../org-units/org-unit';
import { periodDecider, type PeriodState } from '../periods/period';
import { deepFreeze } from './decider-spec';

/** TODAY's month (see fixtures). */
export const THIS_MONTH = '2024-06';

export function periodLocked(unit: OrgUnitState, month = THIS_MONTH, reason: string | null = '半年报已上报'): PeriodLocked {
  return { type: 'PeriodLocked', data: { month, orgUnitId: unit.orgUnitId, orgPath: [...unit.orgPath], reason } };
}

/** The folded lock state of `month` after locking it for `units`, in that order. */
export function lockedPeriod(month: string, ...units: OrgUnitState[]): PeriodState {
  return deepFreeze(fold(periodDecider, units.map((unit) => periodLocked(unit, month))));
}
export const noLocks: PeriodState = deepFreeze(periodDecider.initialState());
