import { isWithin } from '@tongxin/domain';
import { problem, ProblemException } from '../http/problem';
import type { Principal, Role } from './principal';

/**
 * CONTRACT §6 for one addressed org unit: the caller's role must be one of `roles`, and a caller bound to an org
 * unit may act only on that unit's subtree (`orgPath` of the unit acted on; null when the unit is unknown, which no
 * scoped caller may address — so a scoped caller cannot probe what exists outside its scope). Otherwise 403,
 * before anything is decided.
 */
export function requireAccess(principal: Principal, roles: readonly Role[], orgPath: readonly string[] | null): void {
  if (!roles.includes(principal.role)) {
    throw forbidden(`The ${principal.role} role may not do this; it needs one of: ${roles.join(', ')}.`);
  }
  requireScope(principal, orgPath);
}

/** The scope half of requireAccess, for routes whose roles the guard has already checked. */
export function requireScope(principal: Principal, orgPath: readonly string[] | null): void {
  if (!inScope(principal, orgPath)) {
    throw forbidden(`The org unit lies outside the caller's scope (${principal.scopeOrgUnitId} and everything under it).`);
  }
}

export function inScope(principal: Principal, orgPath: readonly string[] | null): boolean {
  const scope = principal.scopeOrgUnitId;
  return scope === null || (orgPath !== null && isWithin(orgPath, scope));
}

export function forbidden(detail: string): ProblemException {
  return new ProblemException(problem(403, detail, { code: 'FORBIDDEN' }));
}

/** The unit a command is about to record under, once it is known to lie in the caller's scope (403 otherwise). */
export function scoped<U extends { exists: boolean; orgPath: readonly string[] }>(principal: Principal, unit: U): U {
  requireScope(principal, unit.exists ? unit.orgPath : null);
  return unit;
}
