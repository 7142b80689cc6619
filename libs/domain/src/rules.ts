/** Checks shared by several deciders. Each throws a DomainError naming the input field at fault. */
import { isAfter } from './dates';
import { DomainError } from './errors';
import type { IsoDate } from './events';
import type { OrgUnitState } from './org-units/org-unit';

/** Callers pass a referenced stream's folded state; a stream never written folds to `exists: false`. */
export function requireOrgUnit(orgUnit: OrgUnitState | null, orgUnitId: string, field = 'orgUnitId'): OrgUnitState {
  if (!orgUnit || !orgUnit.exists || orgUnit.orgUnitId !== orgUnitId) {
    throw new DomainError('UNKNOWN_REFERENCE', `org unit ${orgUnitId} does not exist`, field);
  }
  return orgUnit;
}

/** True when the unit with path `orgPath` is `ancestorId` itself or lies below it. */
export function isWithin(orgPath: readonly string[], ancestorId: string): boolean {
  return orgPath.includes(ancestorId);
}

/** Facts are recorded after they happen: a date after the ledger's today is refused. */
export function requireNotAfterToday(date: IsoDate, today: IsoDate, field: string): void {
  if (isAfter(date, today)) {
    throw new DomainError('INVALID_VALUE', `${field} ${date} is after today (${today})`, field);
  }
}
