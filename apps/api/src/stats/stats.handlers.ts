import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { BreakdownRow, ChangesPage, Totals, TotalsFilter } from '@tongxin/projections';
import { DomainError, streams } from '@tongxin/domain';
import { badRequest } from '../http/problem';
import { ReadSide } from '../ledger/read-side';
import type { BreakdownBy, ChangesQueryDto, StatsQueryDto } from './stats-query.dto';
import type { Principal } from '../auth/principal';
import { Scope } from '../auth/scope';

export class GetTotalsQuery extends Query<Totals> {
  constructor(readonly params: StatsQueryDto, readonly principal: Principal) {
    super();
  }
}

export class GetBreakdownQuery extends Query<{ rows: BreakdownRow[]; position: number }> {
  constructor(readonly by: BreakdownBy, readonly params: StatsQueryDto, readonly principal: Principal) {
    super();
  }
}

export class GetChangesQuery extends Query<ChangesPage> {
  constructor(readonly params: ChangesQueryDto, readonly principal: Principal) {
    super();
  }
}

/**
 * The §5 filters, checked: `from` not after `to`, and a named org unit or campaign must exist in the log
 * (422, like any unknown reference) — a typo must not read as a ledger of zeros. Then waits for minPosition.
 */
export async function resolveFilter(params: StatsQueryDto, principal: Principal, readSide: ReadSide, scope: Scope): Promise<TotalsFilter> {
  if (params.from && params.to && params.from > params.to) {
    throw badRequest([{ path: 'to', message: 'to must not be before from' }]);
  }
  // A scoped caller's figures are its subtree's: the unit it names must lie inside, and naming none means its root.
  const orgUnitId = await scope.readRoot(principal, params.orgUnitId);
  if (params.orgUnitId && !(await readSide.streamExists(streams.orgUnit(params.orgUnitId)))) {
    throw new DomainError('UNKNOWN_REFERENCE', `org unit ${params.orgUnitId} does not exist`, 'orgUnitId');
  }
  if (params.campaignId && !(await readSide.streamExists(streams.campaign(params.campaignId)))) {
    throw new DomainError('UNKNOWN_REFERENCE', `campaign ${params.campaignId} does not exist`, 'campaignId');
  }
  await readSide.caughtUp(params.minPosition === undefined ? undefined : Number(params.minPosition));
  return {
    orgUnitId, campaignId: params.campaignId, from: params.from, to: params.to,
    category: params.category, venueType: params.venueType,
    asOf: params.asOf === undefined ? undefined : new Date(params.asOf).toISOString(),
  };
}

@QueryHandler(GetTotalsQuery)
export class GetTotalsHandler implements IQueryHandler<GetTotalsQuery> {
  constructor(private readonly readSide: ReadSide, private readonly scope: Scope) {}

  async execute({ params, principal }: GetTotalsQuery): Promise<Totals> {
    const filter = await resolveFilter(params, principal, this.readSide, this.scope);
    const totals = await this.readSide.readModel.totals(filter);
    return filter.asOf ? { ...totals, position: await this.readSide.positionAsOf(filter.asOf) } : totals;
  }
}

@QueryHandler(GetBreakdownQuery)
export class GetBreakdownHandler implements IQueryHandler<GetBreakdownQuery> {
  constructor(private readonly readSide: ReadSide, private readonly scope: Scope) {}

  async execute({ by, params, principal }: GetBreakdownQuery): Promise<{ rows: BreakdownRow[]; position: number }> {
    const filter = await resolveFilter(params, principal, this.readSide, this.scope);
    const answer = await this.readSide.readModel.breakdown(by, filter);
    return filter.asOf ? { ...answer, position: await this.readSide.positionAsOf(filter.asOf) } : answer;
  }
}

/** What moved a figure after the fact, in log order: for auditors after a report was filed. */
@QueryHandler(GetChangesQuery)
export class GetChangesHandler implements IQueryHandler<GetChangesQuery> {
  constructor(private readonly readSide: ReadSide, private readonly scope: Scope) {}

  async execute({ params, principal }: GetChangesQuery): Promise<ChangesPage> {
    const since = params.since === undefined ? undefined : Date.parse(params.since);
    // asOf (the totals' "as the ledger knew it then") bounds the recorded time as `until` does.
    const bounds = [params.until, params.asOf].filter((instant): instant is string => instant !== undefined).map(Date.parse);
    const until = bounds.length === 0 ? undefined : Math.min(...bounds);
    if (since !== undefined && until !== undefined && since > until) {
      throw badRequest([{ path: params.until === undefined ? 'asOf' : 'until', message: 'until must not be before since' }]);
    }
    const { asOf: _, ...filter } = await resolveFilter(params, principal, this.readSide, this.scope);
    return this.readSide.readModel.changes({
      ...filter,
      since: since === undefined ? undefined : new Date(since).toISOString(),
      until: until === undefined ? undefined : new Date(until).toISOString(),
      late: params.late === 'true',
      after: params.after === undefined ? undefined : Number(params.after),
      limit: params.limit === undefined ? undefined : Number(params.limit),
    });
  }
}
