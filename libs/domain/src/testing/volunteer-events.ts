/** Volunteer events for specs: volunteer v1 belongs to xinying (see fixtures). */
import type { HoursLogged, HoursRejected, HoursVerified, VolunteerErased, VolunteerRegistered } from '../events';
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

/** Decisions on entries logged by hoursLogged, which count under xinying. */
export const hoursVerified = (entryId: string): HoursVerified => ({ type: 'HoursVerified', data: { volunteerId: 'v1', entryId, orgUnitId: 'xinying' } });
export const hoursRejected = (entryId: string, reason = '未到场'): HoursRejected =>
  ({ type: 'HoursRejected', data: { volunteerId: 'v1', entryId, orgUnitId: 'xinying', reason } });
export const volunteerErased = (reason = '本人申请删除个人信息'): VolunteerErased =>
  ({ type: 'VolunteerErased', data: { volunteerId: 'v1', reason } });
/** The registration as read back after the volunteer's key was destroyed (see libs/privacy). */
export const volunteerRegisteredErased: VolunteerRegistered = {
  type: 'VolunteerRegistered',
  data: { ...volunteerRegistered.data, orgPath: [...volunteerRegistered.data.orgPath], name: null, phone: null, erased: true },
};
