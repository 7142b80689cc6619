import { createHash } from 'node:crypto';
import { Inject, Optional } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import {
  activityDecider, certifiableEntries, describeCertificate, DomainError, ledgerToday, streams, volunteerDecider,
  type VolunteerCertificate,
} from '@tongxin/domain';
import type { RecordedEvent } from '@tongxin/event-store';
import { requireScope } from '../auth/access';
import type { Principal } from '../auth/principal';
import { badRequest } from '../http/problem';
import { CommandExecutor } from '../ledger/command-executor';
import { ReadSide } from '../ledger/read-side';
import { renderCertificatePdf } from './certificate-pdf';
import type { CertificateQueryDto } from './certificate.dto';

/** What time it is; a provider under this token replaces the system clock (tests pin the date of issue with it). */
export const CERTIFICATE_CLOCK = Symbol('CERTIFICATE_CLOCK');
export type Clock = () => Date;

export interface CertificateFile {
  certificate: VolunteerCertificate;
  pdf: Buffer;
}

export class GetCertificateQuery extends Query<CertificateFile> {
  constructor(readonly volunteerId: string, readonly params: CertificateQueryDto, readonly principal: Principal) {
    super();
  }
}

/**
 * A volunteer service record certificate (志愿服务记录证明) from the volunteer's own stream and the streams of the
 * activities it names — always current, so it needs no read model; `minPosition` is honoured all the same.
 */
@QueryHandler(GetCertificateQuery)
export class GetCertificateHandler implements IQueryHandler<GetCertificateQuery> {
  private readonly clock: Clock;

  constructor(
    private readonly executor: CommandExecutor,
    private readonly readSide: ReadSide,
    @Optional() @Inject(CERTIFICATE_CLOCK) clock?: Clock,
  ) {
    this.clock = clock ?? (() => new Date());
  }

  async execute({ volunteerId, params, principal }: GetCertificateQuery): Promise<CertificateFile> {
    const from = params.from ?? null;
    const to = params.to ?? null;
    if (from !== null && to !== null && from > to) throw badRequest([{ path: 'to', message: 'to must not be before from' }]);
    await this.readSide.caughtUp(params.minPosition === undefined ? undefined : Number(params.minPosition));

    // 1. The volunteer, in the caller's scope.
    const { state: volunteer, events } = await this.executor.load(streams.volunteer(volunteerId), volunteerDecider);
    requireScope(principal, volunteer.exists ? volunteer.orgPath : null);
    if (!volunteer.exists) throw new DomainError('NOT_FOUND', `volunteer ${volunteerId} does not exist`);

    // 2. The issuer: the volunteer's unit, or one above it that the caller may act for.
    const issuerId = params.orgUnitId ?? volunteer.orgUnitId;
    if (!volunteer.orgPath.includes(issuerId)) {
      throw new DomainError('INVALID_REFERENCE', `org unit ${issuerId} is neither volunteer ${volunteerId}'s unit nor above it`, 'orgUnitId');
    }
    const issuer = await this.executor.orgUnit(issuerId);
    requireScope(principal, issuer.exists ? issuer.orgPath : null);

    // 3. What the certified entries name: activities' current titles, units' names; and the position read up to.
    const entries = certifiableEntries(volunteer.entries, from, to);
    const activityTitles: Record<string, string> = {};
    let position = lastPosition(events);
    for (const activityId of new Set(entries.flatMap((entry) => (entry.activityId === null ? [] : [entry.activityId])))) {
      const activity = await this.executor.load(streams.activity(activityId), activityDecider);
      if (activity.state.exists) activityTitles[activityId] = activity.state.title;
      position = Math.max(position, lastPosition(activity.events));
    }
    const unitNames: Record<string, string> = {};
    for (const unitId of new Set([volunteer.orgUnitId, ...entries.map((entry) => entry.orgUnitId)])) {
      const unit = await this.executor.orgUnit(unitId);
      if (unit.exists) unitNames[unitId] = unit.name;
    }

    const certificate = describeCertificate({
      volunteer, issuer: { orgUnitId: issuerId, name: issuer.name }, from, to, activityTitles, unitNames,
      issuedOn: ledgerToday(this.clock()), position,
      sha256Hex: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
    });
    return { certificate, pdf: await renderCertificatePdf(certificate) };
  }
}

function lastPosition(events: readonly RecordedEvent[]): number {
  return events.length === 0 ? 0 : events[events.length - 1].position;
}
