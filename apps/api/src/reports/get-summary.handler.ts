import { IQueryHandler, Query, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { summarise, type ReportLanguage, type SummaryFigure } from '@tongxin/domain';
import type { Totals } from '@tongxin/projections';
import type { Principal } from '../auth/principal';
import { CommandExecutor } from '../ledger/command-executor';
import { consistentFigures } from './consistent-figures';
import { CATEGORY_LABELS_EN } from './labels';
import type { SummaryQueryDto } from './reports.dto';
import { ReportFigures } from './report-figures';

export interface SummaryReport {
  lang: ReportLanguage;
  /** The paragraph, in the style of the published reports, each exact figure beside its worded one. */
  text: string;
  figures: SummaryFigure[];
  orgUnit: { id: string | null; name: string | null };
  campaign: { id: string; name: string } | null;
  from: string | null;
  to: string | null;
  asOf: string | null;
  /** The date the figures stand on (Asia/Shanghai): today, or asOf's date. */
  standsOn: string;
  totals: Totals;
  position: number;
}

export class GetSummaryQuery extends Query<SummaryReport> {
  constructor(readonly params: SummaryQueryDto, readonly principal: Principal) {
    super();
  }
}

@QueryHandler(GetSummaryQuery)
export class GetSummaryHandler implements IQueryHandler<GetSummaryQuery> {
  private readonly figures: ReportFigures;

  constructor(queryBus: QueryBus, executor: CommandExecutor) {
    this.figures = new ReportFigures(queryBus, executor);
  }

  async execute({ params, principal }: GetSummaryQuery): Promise<SummaryReport> {
    const { lang = 'zh-CN', format: _, ...filters } = params;
    // The totals first: they check the filters and the caller's scope before anything is named.
    const { totals, categories, roots } = await consistentFigures(async () => {
      const totals = await this.figures.totals(filters, principal);
      const categories = await this.figures.breakdown('category', filters, principal);
      const roots = filters.orgUnitId === undefined && principal.scopeOrgUnitId === null
        ? await this.figures.breakdown('orgUnit', filters, principal) : undefined;
      return { totals, categories, roots, positions: [totals.position, categories.position, ...(roots ? [roots.position] : [])] };
    });
    const subject = await this.figures.subject(filters, principal, async () => roots?.rows ?? []);
    const held = categories.rows
      .filter((row) => row.key !== null && row.activitiesHeld > 0)
      .sort((a, b) => b.activitiesHeld - a.activitiesHeld)
      .map((row) => ({ label: lang === 'en' ? CATEGORY_LABELS_EN[row.key!] ?? row.key! : row.label, activitiesHeld: row.activitiesHeld }));
    const unitName = subject.unitName ?? (lang === 'en' ? 'All units' : '全部单位');
    const summary = summarise({
      lang, unitName, campaignName: subject.campaignName, from: filters.from, to: filters.to, standsOn: subject.standsOn,
      totals, categories: held,
    });
    return {
      lang, text: summary.text, figures: summary.figures,
      orgUnit: { id: filters.orgUnitId ?? principal.scopeOrgUnitId ?? null, name: subject.unitName },
      campaign: filters.campaignId === undefined ? null : { id: filters.campaignId, name: subject.campaignName ?? '' },
      from: filters.from ?? null, to: filters.to ?? null, asOf: filters.asOf ?? null, standsOn: subject.standsOn,
      totals, position: totals.position,
    };
  }
}
