import { activityDecider, type ActivityState } from '../activities/activity';
import type { LogHours } from '../commands';
import { deciderSpec, deepFreeze } from '../testing/decider-spec';
import { activity, noActivity, org, TODAY, TOMORROW } from '../testing/fixtures';
import { hoursLogged, hoursRejected, volunteerRegistered } from '../testing/volunteer-events';
import { lockedPeriod, THIS_MONTH } from '../testing/period-events';
import { volunteerDecider } from './volunteer';

const spec = deciderSpec(volunteerDecider);
const registered = [volunteerRegistered];
/** Held at grid-1 under campaign c1, later moved to campaign c2. */
const gridActivity = deepFreeze(activityDecider.evolve(activity('a1', org.grid1, 'c1'), {
  type: 'ActivityCorrected', data: { activityId: 'a1', changes: { campaignId: 'c2' }, previous: { campaignId: 'c1' }, reason: '归属调整' },
}));

function logHours(overrides: Partial<LogHours['data']> = {}, linked: ActivityState | null = null): LogHours {
  return {
    type: 'LogHours',
    today: TODAY,
    data: { volunteerId: 'v1', entryId: 'e1', activityId: null, servedOn: TODAY, minutes: 90, description: '布置会场', ...overrides },
    activity: linked,
    period: null,
  };
}

describe('LogHours', () => {
  it('logs hours without an activity under the volunteer\'s org unit and no campaign', () => {
    spec.given(registered).when(logHours()).then([{
      type: 'HoursLogged',
      data: {
        volunteerId: 'v1', entryId: 'e1', activityId: null, orgUnitId: 'xinying',
        orgPath: ['hunan', 'huaihua', 'mayang', 'gaocun', 'xinying'], campaignId: null, servedOn: TODAY, minutes: 90,
        description: '布置会场',
      },
    }]);
  });

  it('logs hours at an activity under its org unit and its current campaign', () => {
    spec.given(registered).when(logHours({ activityId: 'a1' }, gridActivity)).then([{
      type: 'HoursLogged',
      data: {
        volunteerId: 'v1', entryId: 'e1', activityId: 'a1', orgUnitId: 'grid-1',
        orgPath: ['hunan', 'huaihua', 'mayang', 'gaocun', 'xinying', 'grid-1'], campaignId: 'c2', servedOn: TODAY,
        minutes: 90, description: '布置会场',
      },
    }]);
  });

  it('refuses a volunteer that does not exist', () => {
    spec.given([]).when(logHours()).thenThrows('NOT_FOUND');
  });

  it('refuses an entry id already used by the volunteer', () => {
    spec.given([...registered, hoursLogged('e1', 30)]).when(logHours()).thenThrows('DUPLICATE_ENTRY', 'entryId');
  });

  it('refuses an activity that was not resolved or does not exist', () => {
    spec.given(registered).when(logHours({ activityId: 'a1' })).thenThrows('UNKNOWN_REFERENCE', 'activityId');
    spec.given(registered).when(logHours({ activityId: 'a1' }, noActivity)).thenThrows('UNKNOWN_REFERENCE', 'activityId');
  });

  it('refuses a void activity', () => {
    const voided = activity('a1', org.grid1, 'c1', [{ type: 'ActivityVoided', data: { activityId: 'a1', reason: '重复' } }]);
    spec.given(registered).when(logHours({ activityId: 'a1' }, voided)).thenThrows('INVALID_REFERENCE', 'activityId');
  });

  it('refuses service dated after today', () => {
    spec.given(registered).when(logHours({ servedOn: TOMORROW })).thenThrows('INVALID_VALUE', 'servedOn');
  });

  it('allows up to 1440 minutes a day, not counting rejected entries or other days', () => {
    spec.given([...registered, hoursLogged('e0', 1000, TODAY), hoursLogged('e2', 300, TODAY), hoursRejected('e2'), hoursLogged('e3', 600, '2024-06-14')])
      .when(logHours({ minutes: 440 })).then([expect.objectContaining({ type: 'HoursLogged' })]);
  });

  it('refuses more than 1440 minutes on one day', () => {
    spec.given([...registered, hoursLogged('e0', 1000, TODAY)]).when(logHours({ minutes: 441 }))
      .thenThrows('INVALID_VALUE', 'minutes');
  });
});

describe('LogHours in a locked month', () => {
  const zhijiangActivity = activity('a2', org.zhijiang);

  it('refuses service dated inside a month locked where the entry counts: the volunteer\'s unit', () => {
    spec.given(registered).when({ ...logHours(), period: lockedPeriod(THIS_MONTH, org.mayang) })
      .thenThrows('PERIOD_LOCKED', 'servedOn');
  });

  it('refuses it where the linked activity counts, even when the volunteer\'s unit is open', () => {
    spec.given(registered).when({ ...logHours({ activityId: 'a2' }, zhijiangActivity), period: lockedPeriod(THIS_MONTH, org.zhijiang) })
      .thenThrows('PERIOD_LOCKED', 'servedOn');
  });

  it('logs it when the lock covers only the volunteer\'s unit but the activity counts elsewhere, or in another month', () => {
    const logged = [expect.objectContaining({ type: 'HoursLogged' })];
    spec.given(registered).when({ ...logHours({ activityId: 'a2' }, zhijiangActivity), period: lockedPeriod(THIS_MONTH, org.mayang) })
      .then(logged);
    spec.given(registered).when({ ...logHours({ servedOn: '2024-05-02' }), period: lockedPeriod('2024-05', org.zhijiang) })
      .then(logged);
  });
});
