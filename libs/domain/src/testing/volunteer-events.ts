/** Volunteer events for specs: volunteer v1 belongs to xinying (see fixtures). */
import type { HoursLogged, HoursRejected, HoursVerified, VolunteerRegistered } from '../events';
import { org } from './fixtures';

export const volunteerRegistered: VolunteerRegistered = {
  type: 'VolunteerRegistered',
  data: { volunteerId: 'v1', orgUnitId: 'xinying', orgPath: [...org.xinying.orgPath], name: '阿依古丽', phone: '13800000000' },
};

export function hoursLogged(entryId: string, minutes: number, servedOn = '2024-06-10'): HoursLogged {
  return {
    type: 'HoursLogged',
    data: {
      volunteerId: 'v1', entryId, activityId: null, orgUnitId: 'xinying', orgPath: [...org.xinying.orgPath],
      campaignId: null, servedOn, minutes, description: null,
    },
  };
}

export const hoursVerified = (entryId: string): HoursVerified => ({ type: 'HoursVerified', data: { volunteerId: 'v1', entryId } });
export const hoursRejected = (entryId: string, reason = '未到场'): HoursRejected =>
  ({ type: 'HoursRejected', data: { volunteerId: 'v1', entryId, reason } });
