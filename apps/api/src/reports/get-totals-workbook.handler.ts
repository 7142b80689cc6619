import { IQueryHandler, Query, QueryBus, QueryHandler } from '@nestjs/cqrs';
import type { BreakdownRow } from '@tongxin/projections';
import type { Principal } from '../auth/principal';
import { CommandExecutor } from '../ledger/command-executor';
import type { BreakdownBy } from '../stats/stats-query.dto';
import { consistentFigures } from './consistent-figures';
import { ReportFigures } from './report-figures';
import type { TotalsWorkbookQueryDto } from './reports.dto';
import { BREAKDOWN_SHEETS, totalsWorkbook } from './totals-workbook';

export interface TotalsWorkbook {
  file: Buffer;
  position: number;
}

export class GetTotalsWorkbookQuery extends Query<TotalsWorkbook> {
  constructor(readonly params: TotalsWorkbookQueryDto, readonly principal: Principal) {
    super();
  }
}

@QueryHandler(GetTotalsWorkbookQuery)
export class GetTotalsWorkbookHandler implements IQueryHandler<GetTotalsWorkbookQuery> {
  private readonly figures: ReportFigures;

  constructor(queryBus: QueryBus, executor: CommandExecutor) {
    this.figures = new ReportFigures(queryBus, executor);
  }

  async execute({ params, principal }: GetTotalsWorkbookQuery): Promise<TotalsWorkbook> {
    // Totals first (they check filters and scope), then each breakdown, all at one position so the sheets agree.
    const { totals, breakdowns } = await consistentFigures(async () => {
      const totals = await this.figures.totals(params, principal);
      const breakdowns = {} as Record<BreakdownBy, BreakdownRow[]>;
      const positions = [totals.position];
      for (const { by } of BREAKDOWN_SHEETS) {
        const answer = await this.figures.breakdown(by, params, principal);
        breakdowns[by] = answer.rows;
        positions.push(answer.position);
      }
      return { totals, breakdowns, positions };
    });
    const subject = await this.figures.subject(params, principal, async () => breakdowns.orgUnit);
    const file = await totalsWorkbook({
      unitName: subject.unitName ?? '全部单位', campaignName: subject.campaignName, from: params.from, to: params.to,
      asOf: params.asOf, standsOn: subject.standsOn, generatedAt: new Date(), totals, breakdowns,
    });
    return { file, position: totals.position };
  }
}
