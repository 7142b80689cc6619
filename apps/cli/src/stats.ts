import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { ACTIVITY_CATEGORIES, isCalendarDate, streams, VENUE_TYPES } from '@tongxin/domain';
import {
  BREAKDOWN_DIMENSIONS, openLedgerReadModel, ProjectionRunner, type Breakdown, type BreakdownDimension, type ChangesPage,
  type Totals, type TotalsFilter,
} from '@tongxin/projections';
import { ID_PATTERN, isInstant } from '../../api/src/http/validators';
import { integer } from './arguments';
import { FIGURE_LABELS, formatTable, GOODS_QUANTITY_LABEL } from './stats-table';
import { storeAndModelOptions, withStoreAndModel, type StoreAndModelOptions } from './read-model-commands';

/** A question about the ledger that cannot be answered as asked (exit code 2), e.g. an org unit that does not exist. */
export class UnknownReferenceError extends Error {
  readonly exitCode = 2;
}

interface StatsOptions extends StoreAndModelOptions {
  by?: BreakdownDimension;
  orgUnit?: string;
  campaign?: string;
  from?: string;
  to?: string;
  category?: string;
  venueType?: string;
  asOf?: string;
  since?: string;
  until?: string;
  late?: boolean;
  after?: number;
  limit?: number;
  json?: boolean;
  catchUp: boolean;
}

type Question = 'totals' | 'breakdown' | 'changes';

/** `stats totals|breakdown`: the API's /stats answers, checked the same way, for scripts and terminals. */
export function addStatsCommand(program: Command): void {
  const command = storeAndModelOptions(program.command('stats')
    .description('the answers of GET /api/v1/stats/totals, /stats/breakdown and /stats/changes, as a table or JSON')
    .addArgument(new Argument('<question>', 'totals, breakdown or changes').choices(['totals', 'breakdown', 'changes'])))
    .addOption(new Option('--by <dimension>', 'breakdown dimension (required for breakdown)').choices(BREAKDOWN_DIMENSIONS))
    .option('--org-unit <id>', 'that org unit and everything under it', matching('org unit id', ID_PATTERN))
    .option('--campaign <id>', 'one campaign', matching('campaign id', ID_PATTERN))
    .option('--from <date>', 'inclusive YYYY-MM-DD, on each fact\'s own date', calendarDate)
    .option('--to <date>', 'inclusive YYYY-MM-DD', calendarDate)
    .addOption(new Option('--category <category>', 'activity figures only').choices(ACTIVITY_CATEGORIES))
    .addOption(new Option('--venue-type <type>', 'activity figures only').choices(VENUE_TYPES))
    .option('--as-of <instant>', 'the figures as the ledger knew them at this ISO 8601 instant (with an offset)', asOfInstant)
    .option('--since <instant>', 'changes: recorded at or after this ISO 8601 instant', asOfInstant)
    .option('--until <instant>', 'changes: recorded at or before this ISO 8601 instant', asOfInstant)
    .option('--late', 'changes: only those that touched a locked period')
    .option('--after <position>', 'changes: the page after this global position (the previous page\'s "next")', integer('position', 0))
    .option('--limit <n>', 'changes: at most this many (1–1000, default 100)', integer('limit', 1, 1000))
    .option('--json', 'print the API\'s JSON answer instead of a table')
    .option('--no-catch-up', 'answer from the read model as it is, without first applying events it has not seen')
    .addHelpText('after', `
The answer is the API's for the same filters: the read model is first brought up to the head of the log
(unless --no-catch-up), and "position" is the last event it includes. An org unit or campaign that does not
exist is an error (exit code 2), not a ledger of zeros.

Examples:
  $ npx tongxin stats totals --org-unit mayang --from 2026-01-01 --to 2026-06-30
  $ npx tongxin stats breakdown --by month --campaign unity --json
  $ npx tongxin stats changes --org-unit mayang --since 2026-06-01T00:00:00+08:00 --late`);
  command.action(async (question: Question, options: StatsOptions) => {
    if (question === 'breakdown' && !options.by) command.error('error: breakdown needs --by <dimension>', { exitCode: 2 });
    if (options.from && options.to && options.from > options.to) command.error('error: --to must not be before --from', { exitCode: 2 });
    await withStoreAndModel(options, async (store, location) => {
      // 1. Named references must exist in the log, as the API checks them.
      if (options.orgUnit && (await store.streamRevision(streams.orgUnit(options.orgUnit))) < 0) {
        throw new UnknownReferenceError(`org unit ${options.orgUnit} does not exist`);
      }
      if (options.campaign && (await store.streamRevision(streams.campaign(options.campaign))) < 0) {
        throw new UnknownReferenceError(`campaign ${options.campaign} does not exist`);
      }
      const model = await openLedgerReadModel(location);
      try {
        // 2. Up to the head, so a script run after a write sees it (the API's minPosition, without a server).
        if (options.catchUp) await new ProjectionRunner(store, model, { logger: { log: () => undefined, error: () => undefined } }).catchUp();
        const filter: TotalsFilter = {
          orgUnitId: options.orgUnit, campaignId: options.campaign, from: options.from, to: options.to,
          category: options.category, venueType: options.venueType, asOf: options.asOf,
        };
        // 3. As the API answers: an as-of answer's position is the last event recorded by then.
        const positionAsOf = async () => Math.min(await store.positionAt(options.asOf!), await model.checkpoint());
        if (question === 'changes') {
          const until = [options.until, options.asOf].filter((at): at is string => at !== undefined).sort()[0];
          const { asOf: _, ...filters } = filter;
          const page = await model.changes({
            ...filters, since: options.since, until, late: options.late, after: options.after, limit: options.limit,
          });
          process.stdout.write(options.json ? `${JSON.stringify(page)}\n` : changesTable(page));
        } else if (question === 'totals') {
          let totals: Totals = await model.totals(filter);
          if (options.asOf) totals = { ...totals, position: await positionAsOf() };
          process.stdout.write(options.json ? `${JSON.stringify(totals)}\n` : totalsTable(totals));
        } else {
          let breakdown: Breakdown = await model.breakdown(options.by!, filter);
          if (options.asOf) breakdown = { ...breakdown, position: await positionAsOf() };
          process.stdout.write(options.json ? `${JSON.stringify(breakdown)}\n` : breakdownTable(breakdown, options.by!));
        }
      } finally {
        await model.close();
      }
    });
  });
}

function totalsTable(totals: Totals): string {
  const rows = Object.entries(FIGURE_LABELS).map(([figure, label]) => [label, figure, String(totals[figure as keyof Totals])]);
  return `${formatTable(['指标', 'figure', '数值'], rows, [false, false, true])}截至位置 position ${totals.position}\n`;
}

/** By goodsUnit, the quantity handed out in each unit follows the key. */
function breakdownTable(breakdown: Breakdown, by: BreakdownDimension): string {
  const figures = Object.keys(FIGURE_LABELS) as (keyof typeof FIGURE_LABELS)[];
  const quantity = by === 'goodsUnit' ? [GOODS_QUANTITY_LABEL] : [];
  const rows = breakdown.rows.map((row) => [row.label, row.key ?? '', ...quantity.map(() => String(row.goodsQuantity ?? 0)),
    ...figures.map((figure) => String(row[figure]))]);
  const header = ['名称', by, ...quantity, ...figures.map((figure) => FIGURE_LABELS[figure])];
  return `${formatTable(header, rows, header.map((_, i) => i >= 2))}截至位置 position ${breakdown.position}\n`;
}

const CHANGE_LABELS: Record<string, string> = {
  correction: '更正', void: '作废', rejection: '驳回', refund: '退款', disbursement: '拨付', verification: '核实', late_entry: '补录',
};

function changesTable(page: ChangesPage): string {
  const values = (v: Record<string, unknown> | null) => (v === null ? '—' : Object.entries(v)
    .map(([k, x]) => `${k}=${typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x)}`).join(' '));
  const rows = page.changes.map((c) => [String(c.position), c.recordedAt, CHANGE_LABELS[c.kind] ?? c.kind, `${c.entity.type} ${c.entity.id}`,
    values(c.before), values(c.after), c.reason ?? '', c.actor ?? '', c.lockedPeriod ? `${c.lockedPeriod.month} ${c.lockedPeriod.orgUnitId}` : '']);
  const next = page.next === null ? '' : `，下一页 --after ${page.next}`;
  return `${formatTable(['位置', '记录时间', '类型', '对象', '变更前', '变更后', '原因', '操作人', '锁定期'], rows,
    [true, false, false, false, false, false, false, false, false])}截至位置 position ${page.position}${next}\n`;
}

function matching(name: string, pattern: RegExp): (value: string) => string {
  return (value) => {
    if (!pattern.test(value)) throw new InvalidArgumentError(`${name} must match ${pattern}`);
    return value;
  };
}

function calendarDate(value: string): string {
  if (!isCalendarDate(value)) throw new InvalidArgumentError('must be a real calendar date YYYY-MM-DD');
  return value;
}

function asOfInstant(value: string): string {
  if (!isInstant(value)) throw new InvalidArgumentError('must be an ISO 8601 instant with an offset, e.g. 2026-05-01T00:00:00+08:00');
  return new Date(value).toISOString();
}
