import { createHash } from 'node:crypto';
import { DomainError } from '../errors';
import type { HoursLogged, VolunteerEvent } from '../events';
import { foldFrozen } from '../testing/decider-spec';
import { org } from '../testing/fixtures';
import { hoursLogged, hoursRejected, hoursVerified, volunteerErased, volunteerRegistered, volunteerRegisteredErased } from '../testing/volunteer-events';
import {
  certifiableEntries, chineseDate, chineseDuration, chinesePlaces, describeCertificate, type CertificateRequest,
} from './certificate';
import { volunteerDecider } from './volunteer';

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** An entry served at activity a1, held at grid-1. */
function atActivity(entryId: string, minutes: number, servedOn: string): HoursLogged {
  const logged = hoursLogged(entryId, minutes, servedOn);
  return { ...logged, data: { ...logged.data, activityId: 'a1', orgUnitId: 'grid-1', orgPath: [...org.grid1.orgPath], description: '布置会场' } };
}

/** e1 90 min at a1 (verified), e2 35 min (verified), e3 60 min (pending), e4 45 min (rejected), e5 (verified, then rejected). */
const history: VolunteerEvent[] = [
  volunteerRegistered,
  atActivity('e1', 90, '2026-03-01'), hoursVerified('e1'),
  hoursLogged('e2', 35, '2026-03-05'), hoursVerified('e2'),
  hoursLogged('e3', 60, '2026-03-04'),
  hoursLogged('e4', 45, '2026-03-02'), hoursRejected('e4'),
  hoursLogged('e5', 20, '2026-03-03'), hoursVerified('e5'), hoursRejected('e5', '重复登记'),
];

function request(events: VolunteerEvent[], overrides: Partial<CertificateRequest> = {}): CertificateRequest {
  return {
    volunteer: foldFrozen(volunteerDecider, events),
    issuer: { orgUnitId: 'gaocun', name: '高村镇' },
    from: null, to: null,
    activityTitles: { a1: '民族团结宣讲' },
    unitNames: { xinying: '新营村', 'grid-1': '新营村一组' },
    issuedOn: '2026-03-06', position: 42, sha256Hex,
    ...overrides,
  };
}

function refusal(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}

describe('a volunteer service record certificate', () => {
  it('given verified, pending, rejected and verified-then-rejected entries, when described, then only the verified count', () => {
    const certificate = describeCertificate(request(history));
    expect(certificate.services.map((service) => service.entryId)).toEqual(['e1', 'e2']);
    expect(certificate.totalMinutes).toBe(125);
    expect(certificate.totalText).toBe('2小时5分钟');
    expect(certificate.serviceCount).toBe(2);
  });

  it('given an entry at an activity, when described, then its row names the activity\'s title and unit', () => {
    const [atA1, own] = describeCertificate(request(history)).services;
    expect(atA1).toMatchObject({ servedOn: '2026-03-01', servedOnText: '2026年3月1日', activityTitle: '民族团结宣讲', unitName: '新营村一组', description: '布置会场', durationText: '1小时30分钟' });
    expect(own).toMatchObject({ activityId: null, activityTitle: null, unitName: '新营村', durationText: '35分钟' });
  });

  it('given no period, when described, then the statement spans the first to the last verified service', () => {
    const certificate = describeCertificate(request(history));
    expect(certificate.statement).toBe(
      '兹证明阿依古丽同志于2026年3月1日至2026年3月5日期间，在新营村一组、新营村参加志愿服务，经审核累计服务时长2小时5分钟（共2次）。特此证明。',
    );
    expect(certificate).toMatchObject({ volunteerName: '阿依古丽', volunteerUnitName: '新营村', issuedOnText: '2026年3月6日', position: 42 });
  });

  it('given from and to, when described, then only services in those inclusive dates count and the statement names them', () => {
    const certificate = describeCertificate(request(history, { from: '2026-03-02', to: '2026-03-05' }));
    expect(certificate.services.map((service) => service.entryId)).toEqual(['e2']);
    expect(certificate.statement).toContain('于2026年3月2日至2026年3月5日期间');
    expect(certifiableEntries(request(history).volunteer.entries, '2026-03-01', '2026-03-01').map((e) => e.entryId)).toEqual(['e1']);
  });

  it('given the same records and request, when described twice, then the number is the same and well-formed', () => {
    const first = describeCertificate(request(history)).number;
    expect(first).toMatch(/^TXZM-20260306-[0-9A-F]{10}$/);
    expect(describeCertificate(request(history)).number).toBe(first);
  });

  it('given a newly verified entry, another period, issuer, position or day, when described, then the number changes', () => {
    const first = describeCertificate(request(history)).number;
    const others = [
      request([...history, hoursVerified('e3')], { position: 42 }),
      request(history, { to: '2026-03-05' }),
      request(history, { issuer: { orgUnitId: 'xinying', name: '新营村' } }),
      request(history, { position: 43 }),
      request(history, { issuedOn: '2026-03-07' }),
    ];
    const numbers = others.map((other) => describeCertificate(other).number);
    expect(new Set([first, ...numbers]).size).toBe(numbers.length + 1);
  });

  it('given an erased volunteer, or a name unreadable after its key was destroyed, when described, then VOLUNTEER_ERASED', () => {
    expect(refusal(() => describeCertificate(request([...history, volunteerErased()])))).toBe('VOLUNTEER_ERASED');
    expect(refusal(() => describeCertificate(request([volunteerRegisteredErased, ...history.slice(1)])))).toBe('VOLUNTEER_ERASED');
  });

  it('given no verified hours in the period, or no volunteer, when described, then NO_VERIFIED_HOURS or NOT_FOUND', () => {
    expect(refusal(() => describeCertificate(request(history, { from: '2026-03-06' })))).toBe('NO_VERIFIED_HOURS');
    expect(refusal(() => describeCertificate(request([volunteerRegistered, hoursLogged('e1', 30)])))).toBe('NO_VERIFIED_HOURS');
    expect(refusal(() => describeCertificate(request([])))).toBe('NOT_FOUND');
  });
});

describe('the certificate\'s wording', () => {
  it('writes durations in hours and minutes, dropping a zero part', () => {
    expect([125, 120, 45, 60, 1, 1440, 0].map(chineseDuration)).toEqual(['2小时5分钟', '2小时', '45分钟', '1小时', '1分钟', '24小时', '0分钟']);
  });

  it('writes dates without leading zeros', () => {
    expect(chineseDate('2026-03-05')).toBe('2026年3月5日');
    expect(chineseDate('2026-12-31')).toBe('2026年12月31日');
  });

  it('names up to three distinct places, then sums the rest up', () => {
    expect(chinesePlaces(['新营村', '新营村', '高村镇'])).toBe('新营村、高村镇');
    expect(chinesePlaces(['甲村', '乙村', '丙村', '丁村'])).toBe('甲村、乙村、丙村等单位');
  });
});
