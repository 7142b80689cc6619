import { isWithin } from '@tongxin/domain';
import type { Principal, Role } from '../auth/principal';
import { problem, ProblemException } from '../http/problem';

/**
 * The access seam (CONTRACT §6) until scoped tokens arrive: the caller's role must be one of `roles`, and
 * a caller bound to an org unit may act only on that unit's subtree (`orgPath` of the unit acted on; null
 * when the unit is unknown, which no scoped caller may act on). Otherwise 403, before anything is decided.
 */
export function requireAccess(principal: Principal, roles: readonly Role[], orgPath: readonly string[] | null): void {
  if (!roles.includes(principal.role)) {
    throw forbidden(`The ${principal.role} role may not do this; it needs one of: ${roles.join(', ')}.`);
  }
  const scope = principal.scopeOrgUnitId;
  if (scope !== null && (orgPath === null || !isWithin(orgPath, scope))) {
    throw forbidden(`The org unit lies outside the caller's scope (${scope} and everything under it).`);
  }
}

function forbidden(detail: string): ProblemException {
  return new ProblemException(problem(403, detail, { code: 'FORBIDDEN' }));
}
