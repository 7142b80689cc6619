import type { RegisterVolunteer, RejectHours, VerifyHours } from '../commands';
import { Map as PersistentMap, OrderedMap } from 'immutable';
import { fold } from '../decider';
import type { HoursLogged, VolunteerEvent } from '../events';
import { deciderSpec, expectEvolveLeavesInputUnchanged, looksIntoCollections } from '../testing/decider-spec';
import { noOrgUnit, org } from '../testing/fixtures';
import { hoursLogged, hoursRejected, hoursVerified, volunteerRegistered } from '../testing/volunteer-events';
import type { PeriodState } from '../periods/period';
import { lockedPeriod, THIS_MONTH } from '../testing/period-events';
import { volunteerDecider } from './volunteer';

const spec = deciderSpec(volunteerDecider);
const logged = [volunteerRegistered, hoursLogged('e1', 120)];

function register(orgUnit = org.xinying): RegisterVolunteer {
  return {
    type: 'RegisterVolunteer',
    data: { volunteerId: 'v1', orgUnitId: orgUnit.orgUnitId || 'nowhere', name: '阿依古丽', phone: null },
    orgUnit,
  };
}
const verify = (entryId = 'e1'): VerifyHours => ({ type: 'VerifyHours', data: { volunteerId: 'v1', entryId, reason: null }, period: null });
const reject = (entryId = 'e1'): RejectHours => ({ type: 'RejectHours', data: { volunteerId: 'v1', entryId, reason: '未到场' } });

describe('RegisterVolunteer', () => {
  it('registers a volunteer with the path of the org unit', () => {
    spec.given([]).when(register()).then([{
      type: 'VolunteerRegistered',
      data: { volunteerId: 'v1', orgUnitId: 'xinying', orgPath: ['hunan', 'huaihua', 'mayang', 'gaocun', 'xinying'], name: '阿依古丽', phone: null },
    }]);
  });

  it('refuses a volunteer id already registered', () => {
    spec.given([volunteerRegistered]).when(register()).thenThrows('ALREADY_EXISTS');
  });

  it('refuses an org unit that does not exist', () => {
    spec.given([]).when(register(noOrgUnit)).thenThrows('UNKNOWN_REFERENCE', 'orgUnitId');
  });
});

describe('VerifyHours', () => {
  it('verifies a pending entry', () => {
    spec.given(logged).when(verify()).then([hoursVerified('e1')]);
  });

  it('does nothing for an entry already verified', () => {
    spec.given([...logged, hoursVerified('e1')]).when(verify()).thenNothing();
  });

  it('refuses an unknown volunteer or entry', () => {
    spec.given([]).when(verify()).thenThrows('NOT_FOUND');
    spec.given(logged).when(verify('e9')).thenThrows('NOT_FOUND');
  });

  it('refuses a rejected entry', () => {
    spec.given([...logged, hoursRejected('e1')]).when(verify()).thenThrows('INVALID_TRANSITION');
  });
});

describe('RejectHours', () => {
  it('rejects a pending entry with a reason', () => {
    spec.given(logged).when(reject()).then([hoursRejected('e1')]);
  });

  it('rejects an entry already verified', () => {
    spec.given([...logged, hoursVerified('e1')]).when(reject()).then([hoursRejected('e1')]);
  });

  it('refuses an unknown volunteer or entry', () => {
    spec.given([]).when(reject()).thenThrows('NOT_FOUND');
    spec.given(logged).when(reject('e9')).thenThrows('NOT_FOUND');
  });

  it('refuses an entry already rejected', () => {
    spec.given([...logged, hoursRejected('e1')]).when(reject()).thenThrows('INVALID_TRANSITION');
  });
});

describe('a decision on an entry served at another unit\'s activity', () => {
  const atZhijiang: HoursLogged = {
    type: 'HoursLogged',
    data: { ...hoursLogged('e1', 60).data, activityId: 'a2', orgUnitId: 'zhijiang', orgPath: [...org.zhijiang.orgPath] },
  };

  it('is filed under the unit the entry counts under, not the volunteer\'s', () => {
    spec.given([volunteerRegistered, atZhijiang]).when(verify()).then([
      { type: 'HoursVerified', data: { volunteerId: 'v1', entryId: 'e1', orgUnitId: 'zhijiang' } },
    ]);
    spec.given([volunteerRegistered, atZhijiang]).when(reject()).then([
      { type: 'HoursRejected', data: { volunteerId: 'v1', entryId: 'e1', orgUnitId: 'zhijiang', reason: '未到场' } },
    ]);
  });
});

describe('volunteer evolve', () => {
  it('starts from a volunteer that does not exist', () => {
    expect(spec.given([]).state()).toEqual({
      exists: false, volunteerId: '', orgUnitId: '', orgPath: [], name: '', phone: null, erased: false, entries: OrderedMap(),
      minutesByDay: PersistentMap(), minutesLogged: 0, minutesVerified: 0,
    });
  });

  it('keeps entries with their status and minutes logged (not rejected) and verified', () => {
    const state = spec.given([
      volunteerRegistered, hoursLogged('e1', 60), hoursLogged('e2', 90), hoursLogged('e3', 30), hoursLogged('e4', 45),
      hoursVerified('e1'), hoursVerified('e2'), hoursRejected('e2', '重复'), hoursRejected('e3'),
    ]).state();
    expect(state).toMatchObject({
      exists: true, volunteerId: 'v1', orgUnitId: 'xinying', name: '阿依古丽', phone: '13800000000',
      minutesLogged: 105, minutesVerified: 60,
    });
    expect([...state.entries.values()].map((entry) => entry.status)).toEqual(['verified', 'rejected', 'rejected', 'pending']);
    expect(state.entries.get('e2')).toEqual({
      entryId: 'e2', activityId: null, orgUnitId: 'xinying', orgPath: ['hunan', 'huaihua', 'mayang', 'gaocun', 'xinying'],
      campaignId: null, servedOn: '2024-06-10', minutes: 90, description: null, status: 'rejected', rejectionReason: '重复',
    });
  });

  it.each([
    ['a registration', [], volunteerRegistered],
    ['logged hours', [volunteerRegistered], hoursLogged('e1', 60)],
    ['a verification', [volunteerRegistered, hoursLogged('e1', 60)], hoursVerified('e1')],
    ['a rejection', [volunteerRegistered, hoursLogged('e1', 60), hoursVerified('e1')], hoursRejected('e1')],
  ] as const)('leaves the state it is given unchanged by %s', (_, given, event) => {
    expectEvolveLeavesInputUnchanged(volunteerDecider, [...given], event);
  });
});

describe('reviewing hours in a locked month', () => {
  /** e1 was served on 2024-06-10 at xinying. */
  const mayangJune = lockedPeriod(THIS_MONTH, org.mayang);
  const verifyWith = (reason: string | null, period: PeriodState | null = mayangJune): VerifyHours =>
    ({ type: 'VerifyHours', data: { volunteerId: 'v1', entryId: 'e1', reason }, period });

  it('refuses a verification without a reason', () => {
    spec.given(logged).when(verifyWith(null)).thenThrows('PERIOD_LOCKED', 'reason');
  });

  it('verifies with a reason and records it', () => {
    spec.given(logged).when(verifyWith('补录审核')).then([
      { type: 'HoursVerified', data: { volunteerId: 'v1', entryId: 'e1', orgUnitId: 'xinying', reason: '补录审核' } },
    ]);
  });

  it('verifies without a reason when the lock covers another subtree, and records a reason whenever one is given', () => {
    spec.given(logged).when(verifyWith(null, lockedPeriod(THIS_MONTH, org.zhijiang))).then([hoursVerified('e1')]);
    spec.given(logged).when(verifyWith('复核', null)).then([
      { type: 'HoursVerified', data: { volunteerId: 'v1', entryId: 'e1', orgUnitId: 'xinying', reason: '复核' } },
    ]);
  });

  it('does nothing for an entry already verified, and still rejects one (a rejection carries a reason)', () => {
    spec.given([...logged, hoursVerified('e1')]).when(verifyWith(null)).thenNothing();
    spec.given(logged).when(reject()).then([hoursRejected('e1')]);
  });
});

describe('a volunteer with years of hours', () => {
  // 2,000 entries over a year's days; each event after them must touch O(1) of what they left, not copy it all.
  const day = (i: number) => `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
  const long = fold(volunteerDecider, [
    volunteerRegistered, ...Array.from({ length: 2_000 }, (_, i) => hoursLogged(`e${i}`, 30, day(i))),
  ] as VolunteerEvent[]);

  it.each([
    ['an entry', hoursLogged('e-new', 30)],
    ['a verification', hoursVerified('e7')],
    ['a rejection', hoursRejected('e8')],
  ] as const)('evolves %s without copying the entries it holds', (_, event) => {
    expect(looksIntoCollections(volunteerDecider, long, ['entries', 'minutesByDay'], event)).toBeLessThan(100);
  });

  it('keeps the minutes of each day that count against the daily limit', () => {
    const rejected = fold(volunteerDecider, [hoursRejected('e0')], long);
    expect(long.minutesByDay.get(day(0))).toBe(rejected.minutesByDay.get(day(0))! + 30);
  });
});
