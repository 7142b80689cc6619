/**
 * What a volunteer service record certificate (志愿服务记录证明, 民政部令第67号《志愿服务记录与证明出具办法》) states:
 * who served, which services, the verified total, who issues it and when, and a number that checks it. An issuer
 * may certify only what its records hold, so only verified entries count — pending and rejected ones never do.
 */
import type { OrderedMap } from 'immutable';
import { DomainError } from '../errors';
import type { IsoDate } from '../events';
import { chineseDate, chineseDuration, chinesePlaces, compactDate } from './certificate-wording';
import type { HourEntryState, VolunteerState } from './volunteer';

export { chineseDate, chineseDuration, chinesePlaces, MAX_PLACES_NAMED } from './certificate-wording';

/** Prefix of every certificate number: 同心 (TX) 证明 (ZM). */
export const CERTIFICATE_NUMBER_PREFIX = 'TXZM';
/** Hex digits of the SHA-256 kept in a certificate number: 40 bits, plenty to tell one record state from another. */
export const CERTIFICATE_DIGEST_LENGTH = 10;

export interface CertificateRequest {
  volunteer: VolunteerState;
  /** The unit that issues: the volunteer's own, or one above it. */
  issuer: { orgUnitId: string; name: string };
  /** Inclusive limits on `servedOn`; null leaves that side open. */
  from: IsoDate | null;
  to: IsoDate | null;
  /** Current titles of the activities the entries name, by activity id. */
  activityTitles: Readonly<Record<string, string>>;
  /** Names of the units the entries count under, and of the volunteer's own unit, by org unit id. */
  unitNames: Readonly<Record<string, string>>;
  /** The ledger's date of issue (Asia/Shanghai), passed in so the same state gives the same certificate. */
  issuedOn: IsoDate;
  /** The last global position of the records read: the certificate states the ledger as of it. */
  position: number;
  /** SHA-256 of a UTF-8 text as lowercase hex; passed in so this library stays free of platform modules. */
  sha256Hex: (text: string) => string;
}

/** One verified service, as its table row shows it. */
export interface CertifiedService {
  entryId: string;
  servedOn: IsoDate;
  servedOnText: string;
  minutes: number;
  durationText: string;
  description: string | null;
  activityId: string | null;
  activityTitle: string | null;
  orgUnitId: string;
  unitName: string;
}

export interface VolunteerCertificate {
  /** `TXZM-<yyyymmdd of issue>-<10 upper hex>`: the same request on the same records gives the same number. */
  number: string;
  volunteerId: string;
  volunteerName: string;
  volunteerUnitName: string;
  issuer: { orgUnitId: string; name: string };
  issuedOn: IsoDate;
  issuedOnText: string;
  /** The period stated: the requested limits, else the first and last verified service. */
  periodFrom: IsoDate;
  periodTo: IsoDate;
  services: CertifiedService[];
  serviceCount: number;
  totalMinutes: number;
  totalText: string;
  position: number;
  /** 兹证明…特此证明。 */
  statement: string;
}

/** Verified entries served within [from, to], in date order (entry id breaks ties, so the order is stable). */
export function certifiableEntries(entries: OrderedMap<string, HourEntryState>, from: IsoDate | null, to: IsoDate | null): HourEntryState[] {
  return [...entries.values()]
    .filter((entry) => entry.status === 'verified')
    .filter((entry) => (from === null || entry.servedOn >= from) && (to === null || entry.servedOn <= to))
    .sort((a, b) => a.servedOn.localeCompare(b.servedOn) || (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0));
}

/**
 * The certificate for a request, or a DomainError: NOT_FOUND (no such volunteer), VOLUNTEER_ERASED (the person's name
 * is gone, and a certificate must name them), NO_VERIFIED_HOURS (nothing verified in the period: a certificate of
 * zero hours certifies nothing and could be mistaken for a record of service).
 */
export function describeCertificate(request: CertificateRequest): VolunteerCertificate {
  const { volunteer, issuer, from, to, issuedOn, position } = request;
  if (!volunteer.exists) throw new DomainError('NOT_FOUND', `volunteer ${volunteer.volunteerId} does not exist`);
  if (volunteer.erased || volunteer.name === null) {
    throw new DomainError('VOLUNTEER_ERASED', `volunteer ${volunteer.volunteerId} was erased; a certificate must name the person`);
  }
  const entries = certifiableEntries(volunteer.entries, from, to);
  if (entries.length === 0) {
    throw new DomainError('NO_VERIFIED_HOURS', `volunteer ${volunteer.volunteerId} has no verified hours${periodPhrase(from, to)}`);
  }
  const services = entries.map((entry) => certifiedService(entry, request));
  const totalMinutes = services.reduce((sum, service) => sum + service.minutes, 0);
  const periodFrom = from ?? services[0].servedOn;
  const periodTo = to ?? services[services.length - 1].servedOn;
  const statement = `兹证明${volunteer.name}同志于${chineseDate(periodFrom)}至${chineseDate(periodTo)}期间，`
    + `在${chinesePlaces(services.map((service) => service.unitName))}参加志愿服务，`
    + `经审核累计服务时长${chineseDuration(totalMinutes)}（共${services.length}次）。特此证明。`;
  return {
    number: certificateNumber(request, entries),
    volunteerId: volunteer.volunteerId, volunteerName: volunteer.name,
    volunteerUnitName: request.unitNames[volunteer.orgUnitId] ?? volunteer.orgUnitId,
    issuer: { ...issuer }, issuedOn, issuedOnText: chineseDate(issuedOn), periodFrom, periodTo,
    services, serviceCount: services.length, totalMinutes, totalText: chineseDuration(totalMinutes), position, statement,
  };
}

/**
 * Checkable without storing anything: whoever repeats the request on the same records (the same position) computes
 * the same number, and any change to what is certified — an entry verified, rejected or added — changes it.
 */
export function certificateNumber(request: CertificateRequest, entries: readonly HourEntryState[]): string {
  const fingerprint = [
    request.volunteer.volunteerId, request.issuer.orgUnitId, request.from ?? '', request.to ?? '',
    entries.map((entry) => `${entry.entryId}:${entry.minutes}`).join(','), String(request.position),
  ].join('|');
  const digest = request.sha256Hex(fingerprint).slice(0, CERTIFICATE_DIGEST_LENGTH).toUpperCase();
  return `${CERTIFICATE_NUMBER_PREFIX}-${compactDate(request.issuedOn)}-${digest}`;
}

function certifiedService(entry: HourEntryState, request: CertificateRequest): CertifiedService {
  const activityTitle = entry.activityId === null ? null : (request.activityTitles[entry.activityId] ?? null);
  return {
    entryId: entry.entryId, servedOn: entry.servedOn, servedOnText: chineseDate(entry.servedOn),
    minutes: entry.minutes, durationText: chineseDuration(entry.minutes), description: entry.description,
    activityId: entry.activityId, activityTitle, orgUnitId: entry.orgUnitId,
    unitName: request.unitNames[entry.orgUnitId] ?? entry.orgUnitId,
  };
}

function periodPhrase(from: IsoDate | null, to: IsoDate | null): string {
  if (from === null && to === null) return '';
  return ` between ${from ?? 'the start'} and ${to ?? 'today'}`;
}
