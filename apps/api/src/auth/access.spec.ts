import type { Principal } from './principal';
import { ProblemException } from '../http/problem';
import { MAY_LOCK_PERIODS } from '../periods/lock-period.handler';
import { requireAccess } from './access';

const principal = (role: Principal['role'], scopeOrgUnitId: string | null = null): Principal => ({ tokenId: 't1', role, scopeOrgUnitId });
const countyA = ['city', 'county-a'];
const villageA = ['city', 'county-a', 'village-a'];

function refusal(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof ProblemException ? error.problem : error;
  }
  return undefined;
}

describe('requireAccess (who may lock a period)', () => {
  it('lets an admin lock anywhere, and an organiser inside its own subtree', () => {
    expect(refusal(() => requireAccess(principal('admin'), MAY_LOCK_PERIODS, countyA))).toBeUndefined();
    expect(refusal(() => requireAccess(principal('admin'), MAY_LOCK_PERIODS, null))).toBeUndefined();
    expect(refusal(() => requireAccess(principal('organiser', 'county-a'), MAY_LOCK_PERIODS, countyA))).toBeUndefined();
    expect(refusal(() => requireAccess(principal('organiser', 'county-a'), MAY_LOCK_PERIODS, villageA))).toBeUndefined();
  });

  it('refuses recorders and analysts with 403 FORBIDDEN', () => {
    for (const role of ['recorder', 'analyst'] as const) {
      expect(refusal(() => requireAccess(principal(role), MAY_LOCK_PERIODS, countyA))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    }
  });

  it('refuses an organiser outside its subtree, above it, or on an unknown unit', () => {
    const organiser = principal('organiser', 'county-a');
    expect(refusal(() => requireAccess(organiser, MAY_LOCK_PERIODS, ['city', 'county-b']))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(refusal(() => requireAccess(organiser, MAY_LOCK_PERIODS, ['city']))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(refusal(() => requireAccess(organiser, MAY_LOCK_PERIODS, null))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});
