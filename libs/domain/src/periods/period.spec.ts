import type { LockPeriod } from '../commands';
import { DomainError } from '../errors';
import { deciderSpec, expectEvolveLeavesInputUnchanged } from '../testing/decider-spec';
import { noOrgUnit, org, TODAY } from '../testing/fixtures';
import { lockedPeriod, noLocks, periodLocked, THIS_MONTH } from '../testing/period-events';
import type { OrgUnitState } from '../org-units/org-unit';
import { periodDecider, requireOpenPeriod } from './period';

const spec = deciderSpec(periodDecider);

function lock(orgUnit: OrgUnitState = org.mayang, month = THIS_MONTH, reason: string | null = '半年报已上报'): LockPeriod {
  return { type: 'LockPeriod', today: TODAY, data: { month, orgUnitId: orgUnit.orgUnitId || 'nowhere', reason }, orgUnit };
}

describe('LockPeriod', () => {
  it('locks a month for an org unit with its path', () => {
    spec.given([]).when(lock()).then([{
      type: 'PeriodLocked',
      data: { month: '2024-06', orgUnitId: 'mayang', orgPath: ['hunan', 'huaihua', 'mayang'], reason: '半年报已上报' },
    }]);
  });

  it('locks a past month, with or without a reason', () => {
    spec.given([]).when(lock(org.zhijiang, '2023-12', null)).then([periodLocked(org.zhijiang, '2023-12', null)]);
  });

  it('locks another subtree, or a unit above one already locked', () => {
    spec.given([periodLocked(org.mayang)]).when(lock(org.zhijiang)).then([periodLocked(org.zhijiang)]);
    spec.given([periodLocked(org.xinying)]).when(lock(org.mayang)).then([periodLocked(org.mayang)]);
  });

  it('refuses an org unit that does not exist', () => {
    spec.given([]).when(lock(noOrgUnit)).thenThrows('UNKNOWN_REFERENCE', 'orgUnitId');
  });

  it('refuses a month after this month, and a malformed month', () => {
    spec.given([]).when(lock(org.mayang, '2024-07')).thenThrows('INVALID_VALUE', 'month');
    spec.given([]).when(lock(org.mayang, '2024-13')).thenThrows('INVALID_VALUE', 'month');
  });

  it('refuses a month already locked for the unit or one of its ancestors', () => {
    spec.given([periodLocked(org.mayang)]).when(lock(org.mayang)).thenThrows('PERIOD_ALREADY_LOCKED', 'orgUnitId');
    spec.given([periodLocked(org.huaihua)]).when(lock(org.xinying)).thenThrows('PERIOD_ALREADY_LOCKED', 'orgUnitId');
  });
});

describe('period evolve', () => {
  it('keeps every lock of the month in order', () => {
    expect(spec.given([periodLocked(org.mayang), periodLocked(org.zhijiang, THIS_MONTH, null)]).state()).toEqual({
      month: '2024-06',
      locks: [
        { orgUnitId: 'mayang', orgPath: ['hunan', 'huaihua', 'mayang'], reason: '半年报已上报' },
        { orgUnitId: 'zhijiang', orgPath: ['hunan', 'huaihua', 'zhijiang'], reason: null },
      ],
    });
  });

  it('starts with no lock and leaves the state it is given unchanged', () => {
    expect(spec.given([]).state()).toEqual({ month: '', locks: [] });
    expectEvolveLeavesInputUnchanged(periodDecider, [periodLocked(org.mayang)], periodLocked(org.zhijiang));
  });
});

describe('requireOpenPeriod', () => {
  const mayangJune = lockedPeriod(THIS_MONTH, org.mayang);

  it('refuses a date inside a month locked for the path or an ancestor, naming the month, the unit and the field', () => {
    let caught: unknown;
    try {
      requireOpenPeriod(mayangJune, '2024-06-03', org.xinying.orgPath, 'occurredOn');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ code: 'PERIOD_LOCKED', field: 'occurredOn' });
    expect((caught as Error).message).toMatch(/2024-06.*mayang/);
    expect(() => requireOpenPeriod(mayangJune, '2024-06-30', org.mayang.orgPath, 'paidOn')).toThrow(DomainError);
  });

  it('allows another subtree, a unit above the lock, another month, and no lock at all', () => {
    expect(() => requireOpenPeriod(mayangJune, '2024-06-03', org.zhijiang.orgPath, 'occurredOn')).not.toThrow();
    expect(() => requireOpenPeriod(mayangJune, '2024-06-03', org.huaihua.orgPath, 'occurredOn')).not.toThrow();
    expect(() => requireOpenPeriod(mayangJune, '2024-05-31', org.xinying.orgPath, 'occurredOn')).not.toThrow();
    expect(() => requireOpenPeriod(noLocks, '2024-06-03', org.xinying.orgPath, 'occurredOn')).not.toThrow();
    expect(() => requireOpenPeriod(null, '2024-06-03', org.xinying.orgPath, 'occurredOn')).not.toThrow();
  });
});
