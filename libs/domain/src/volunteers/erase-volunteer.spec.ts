import type { EraseVolunteer, LogHours, VerifyHours } from '../commands';
import { deciderSpec, expectEvolveLeavesInputUnchanged } from '../testing/decider-spec';
import { TODAY } from '../testing/fixtures';
import {
  hoursLogged, hoursVerified, volunteerErased, volunteerRegistered, volunteerRegisteredErased,
} from '../testing/volunteer-events';
import { MAX_ERASURE_REASON_LENGTH, volunteerDecider } from './volunteer';

const spec = deciderSpec(volunteerDecider);
const erase = (reason = '本人申请删除个人信息', volunteerId = 'v1'): EraseVolunteer =>
  ({ type: 'EraseVolunteer', data: { volunteerId, reason } });
const logHours = (entryId: string): LogHours => ({
  type: 'LogHours', today: TODAY, activity: null, period: null,
  data: { volunteerId: 'v1', entryId, activityId: null, servedOn: '2024-06-11', minutes: 60, description: null },
});
const verify = (entryId: string): VerifyHours => ({ type: 'VerifyHours', data: { volunteerId: 'v1', entryId, reason: null }, period: null });

describe('EraseVolunteer', () => {
  it('records the erasure with its reason', () => {
    spec.given([volunteerRegistered, hoursLogged('e1', 120)]).when(erase()).then([volunteerErased()]);
  });

  it('refuses a volunteer that does not exist', () => {
    spec.given([]).when(erase()).thenThrows('NOT_FOUND');
  });

  it('refuses to erase twice', () => {
    spec.given([volunteerRegistered, volunteerErased()]).when(erase()).thenThrows('ALREADY_ERASED');
  });

  it('records an erasure whose key was destroyed before the event was appended (a retried erasure)', () => {
    spec.given([volunteerRegisteredErased]).when(erase()).then([volunteerErased()]);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['too long', '删'.repeat(MAX_ERASURE_REASON_LENGTH + 1)],
  ])('refuses a reason that is %s', (_, reason) => {
    spec.given([volunteerRegistered]).when(erase(reason)).thenThrows('INVALID_VALUE', 'reason');
  });

  it('accepts a reason of the longest length', () => {
    const reason = '删'.repeat(MAX_ERASURE_REASON_LENGTH);
    spec.given([volunteerRegistered]).when(erase(reason)).then([volunteerErased(reason)]);
  });
});

describe('an erased volunteer', () => {
  const erased = [volunteerRegistered, hoursLogged('e1', 120), hoursVerified('e1'), volunteerErased()];

  it('has no name or phone, and keeps every hour', () => {
    expect(spec.given(erased).state()).toMatchObject({
      exists: true, erased: true, volunteerId: 'v1', orgUnitId: 'xinying', name: null, phone: null,
      minutesLogged: 120, minutesVerified: 120,
    });
  });

  it('folds a registration read after the key was destroyed to no name or phone', () => {
    expect(spec.given([volunteerRegisteredErased, volunteerErased()]).state()).toMatchObject({
      exists: true, erased: true, name: null, phone: null,
    });
    expect(spec.given([volunteerRegisteredErased]).state()).toMatchObject({ exists: true, erased: false, name: null, phone: null });
  });

  it('can still log hours, and have them verified', () => {
    spec.given(erased).when(logHours('e2')).then([hoursLogged('e2', 60, '2024-06-11')]);
    spec.given([...erased, hoursLogged('e2', 60, '2024-06-11')]).when(verify('e2')).then([hoursVerified('e2')]);
  });

  it('leaves the state it is given unchanged by an erasure', () => {
    expectEvolveLeavesInputUnchanged(volunteerDecider, [volunteerRegistered, hoursLogged('e1', 60)], volunteerErased());
  });
});
