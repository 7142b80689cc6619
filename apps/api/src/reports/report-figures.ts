import { campaignDecider, ledgerToday, streams } from '@tongxin/domain';
import type { QueryBus } from '@nestjs/cqrs';
import type { BreakdownRow, Totals } from '@tongxin/projections';
import type { Principal } from '../auth/principal';
import type { CommandExecutor } from '../ledger/command-executor';
import { GetBreakdownQuery, GetTotalsQuery } from '../stats/stats.handlers';
import type { BreakdownBy, StatsQueryDto } from '../stats/stats-query.dto';

/** What a report is about, named: the unit (or the whole ledger), the campaign, and the date its figures stand on. */
export interface ReportSubject {
  unitName: string | null;
  campaignName?: string;
  standsOn: string;
}

/**
 * Totals and breakdowns as GET /stats answers them (the same filter checks, scope and minPosition), for reports
 * that put several of them in one document.
 */
export class ReportFigures {
  constructor(private readonly queryBus: QueryBus, private readonly executor: CommandExecutor) {}

  totals(params: StatsQueryDto, principal: Principal): Promise<Totals> {
    return this.queryBus.execute(new GetTotalsQuery(params, principal));
  }

  breakdown(by: BreakdownBy, params: StatsQueryDto, principal: Principal): Promise<{ rows: BreakdownRow[]; position: number }> {
    return this.queryBus.execute(new GetBreakdownQuery(by, params, principal));
  }

  /**
   * The report's subject. Without an org unit the subject is the caller's own unit, or — for a caller over the
   * whole ledger — its single root when it has one (`roots`: the by=orgUnit rows of the whole ledger), else null.
   */
  async subject(params: StatsQueryDto, principal: Principal, roots: () => Promise<BreakdownRow[]>): Promise<ReportSubject> {
    const unitId = params.orgUnitId ?? principal.scopeOrgUnitId ?? undefined;
    let unitName: string | null = null;
    if (unitId !== undefined) {
      unitName = (await this.executor.orgUnit(unitId)).name;
    } else {
      const named = (await roots()).filter((row) => row.key !== null);
      if (named.length === 1) unitName = named[0].label;
    }
    const campaignName = params.campaignId === undefined
      ? undefined
      : (await this.executor.current(streams.campaign(params.campaignId), campaignDecider)).name;
    const standsOn = ledgerToday(params.asOf === undefined ? new Date() : new Date(params.asOf));
    return { unitName, campaignName, standsOn };
  }
}
