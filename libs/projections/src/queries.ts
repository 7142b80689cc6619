import type Database from 'better-sqlite3';
import { changesPlan, type ChangesFilter, type ChangesPage } from './changes';
import { FACT_TABLES, keyExpression, SQLITE_DIALECT, type FactTable, type SqlDialect } from './fact-tables';
import { CATEGORY_LABELS, monthLabel, NO_DIMENSION_LABEL, ownLevelLabel, VENUE_TYPE_LABELS } from './labels';
import { decodeOrgPath, subtreeEnd } from './org-path';
import { checkpointPlan, runPlanSync, type ReadPlan, type Row, type SqlQuery } from './plans';
import { recentActivitiesPlan, type RecentActivitiesFilter, type RecentActivitiesPage } from './recent-activities';
import {
  emptyFigures, type Breakdown, type BreakdownDimension, type BreakdownRow, type Figures, type OrgUnitView, type Totals,
  type TotalsFilter,
} from './types';

export { checkpointPlan, runPlan, runPlanSync, type ReadPlan, type Row, type SqlQuery } from './plans';

/** A filter resolved against the org units: the instant in epoch ms and the unit whose subtree it covers. */
interface Scope { asOf?: number; unit?: { id: string; name: string; orgPath: string } }

/**
 * The read side: every figure is one SQL aggregate per fact table (SUM, COUNT, COUNT DISTINCT over an
 * indexed range), merged by key in JS. Engines run these plans in one read transaction, so all tables
 * and the checkpoint come from the same snapshot.
 */
export function* totalsPlan(filter: TotalsFilter, dialect: SqlDialect): ReadPlan<Totals> {
  const figures = yield* figuresPlan(filter, dialect);
  return { ...figures, position: yield* checkpointPlan() };
}

export function* breakdownPlan(by: BreakdownDimension, filter: TotalsFilter, dialect: SqlDialect): ReadPlan<Breakdown> {
  const { rows } = yield* breakdownRowsPlan(by, filter, dialect);
  return { rows, position: yield* checkpointPlan() };
}

/** The figures for a filter; all zero when its org unit is unknown (as of its instant). */
export function* figuresPlan(filter: TotalsFilter, dialect: SqlDialect): ReadPlan<Figures> {
  const scope = yield* scopePlan(filter);
  const figures = emptyFigures();
  if (!scope) return figures;
  for (const table of FACT_TABLES) {
    const [row] = yield factQuery(table, scope, filter, null, dialect);
    if (row) for (const figure of table.figures) figures[figure] = Number(row[figure]);
  }
  return finish(figures);
}

export function* breakdownRowsPlan(by: BreakdownDimension, filter: TotalsFilter, dialect: SqlDialect): ReadPlan<Omit<Breakdown, 'position'>> {
  const scope = yield* scopePlan(filter);
  if (!scope) return { rows: [] };
  const groups = new Map<string | null, Figures>();
  const group = (key: string | null) => {
    let figures = groups.get(key);
    if (!figures) groups.set(key, (figures = emptyFigures()));
    return figures;
  };
  /** By goodsUnit: the quantity handed out in each unit. */
  const quantities = new Map<string | null, number>();
  const children = by === 'orgUnit' ? yield* childrenPlan(scope.unit?.id ?? null, scope.asOf) : [];
  // Every direct child gets a row, even one with nothing recorded yet: a unit at zero is an answer too.
  for (const child of children) group(child.id);
  for (const table of FACT_TABLES) {
    for (const row of yield factQuery(table, scope, filter, by, dialect)) {
      let key = row.k === null ? null : String(row.k);
      if (by === 'orgUnit' && key !== null) key = key === '' ? scope.unit!.id : decodeOrgPath(`/${key}/`)[0];
      const figures = group(key);
      for (const figure of table.figures) figures[figure] += Number(row[figure]);
      if (by === 'goodsUnit' && row.goodsQuantity !== undefined) quantities.set(key, (quantities.get(key) ?? 0) + Number(row.goodsQuantity));
    }
  }
  const labels = yield* labellerPlan(by, scope, children, [...groups.keys()], dialect);
  const rows: BreakdownRow[] = [...groups].map(([key, figures]) => {
    const row: BreakdownRow = { key, label: labels(key), ...finish(figures) };
    if (by === 'goodsUnit') row.goodsQuantity = quantities.get(key) ?? 0;
    return row;
  });
  rows.sort((a, b) => (a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1));
  return { rows };
}

export function* orgUnitPlan(id: string): ReadPlan<OrgUnitView | undefined> {
  const [row] = yield { sql: 'SELECT id, name, level, parent_id, code, org_path FROM org_units WHERE id = @id', params: { id } };
  if (!row) return undefined;
  const children = (yield { sql: 'SELECT id FROM org_units WHERE parent_id = @id ORDER BY id', params: { id } })
    .map((child) => String(child.id));
  return {
    id: String(row.id), name: String(row.name), level: String(row.level), parentId: row.parent_id as string | null,
    code: row.code as string | null, path: decodeOrgPath(String(row.org_path)), children,
  };
}

function* scopePlan(filter: TotalsFilter): ReadPlan<Scope | undefined> {
  const asOf = filter.asOf === undefined ? undefined : asOfMillis(filter.asOf);
  if (filter.orgUnitId === undefined) return { asOf };
  const [unit] = yield {
    sql: 'SELECT id, name, org_path, known_from_at FROM org_units WHERE id = @id', params: { id: filter.orgUnitId },
  };
  if (!unit || (asOf !== undefined && Number(unit.known_from_at) > asOf)) return undefined;
  return { asOf, unit: { id: String(unit.id), name: String(unit.name), orgPath: String(unit.org_path) } };
}

function factQuery(table: FactTable, scope: Scope, filter: TotalsFilter, by: BreakdownDimension | null, dialect: SqlDialect): SqlQuery {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  const use = (clause: string, name: string, value: string | number | undefined) => {
    if (value === undefined) return;
    where.push(clause);
    params[name] = value;
  };
  const { asOf, unit } = scope;
  if (asOf === undefined) {
    if (table.versioned) where.push('known_until_pos IS NULL');
  } else {
    use('known_from_at <= @asOf', 'asOf', asOf);
    if (table.versioned) where.push('(known_until_at IS NULL OR known_until_at > @asOf)');
  }
  if (unit) {
    // The subtree as a range on the indexed path: [ '/a/b/', '/a/b0' ).
    where.push('org_path >= @pathFrom AND org_path < @pathTo');
    params.pathFrom = unit.orgPath;
    params.pathTo = subtreeEnd(unit.orgPath);
  }
  use('campaign_id = @campaignId', 'campaignId', filter.campaignId);
  use(`${table.dateColumn} >= @from`, 'from', filter.from);
  use(`${table.dateColumn} <= @to`, 'to', filter.to);
  if (table.activityFilters) {
    use('category = @category', 'category', filter.category);
    use('venue_type = @venueType', 'venueType', filter.venueType);
  }
  const key = by === null ? 'NULL' : keyExpression(table, by, dialect);
  if (by === 'orgUnit') params.prefixLength = unit ? unit.orgPath.length : 1;
  const sql = `SELECT ${key} AS k, ${table.aggregates(asOf !== undefined)} FROM ${table.table}`
    + (where.length ? ` WHERE ${where.join(' AND ')}` : '') + (by === null ? '' : ' GROUP BY k');
  return { sql, params };
}

function* childrenPlan(parentId: string | null, asOf: number | undefined): ReadPlan<{ id: string; name: string }[]> {
  const known = asOf === undefined ? '' : ' AND known_from_at <= @asOf';
  const sql = parentId === null
    ? `SELECT id, name FROM org_units WHERE parent_id IS NULL${known} ORDER BY id`
    : `SELECT id, name FROM org_units WHERE parent_id = @parentId${known} ORDER BY id`;
  const params: Record<string, unknown> = {};
  if (parentId !== null) params.parentId = parentId;
  if (asOf !== undefined) params.asOf = asOf;
  return (yield { sql, params }).map((row) => ({ id: String(row.id), name: String(row.name) }));
}

function* labellerPlan(
  by: BreakdownDimension, scope: Scope, children: readonly { id: string; name: string }[], keys: (string | null)[], dialect: SqlDialect,
): ReadPlan<(key: string | null) => string> {
  let label: (key: string) => string;
  if (by === 'orgUnit') {
    const names = new Map(children.map((c) => [c.id, c.name]));
    label = (key) => (scope.unit && key === scope.unit.id ? ownLevelLabel(scope.unit.name) : names.get(key) ?? key);
  } else if (by === 'campaign') {
    const ids = keys.filter((key): key is string => key !== null);
    const rows = ids.length === 0 ? [] : yield {
      sql: `SELECT id, name FROM campaigns WHERE ${dialect.inList('id', '@ids')}`, params: { ids: dialect.listValue(ids) },
    };
    const names = new Map(rows.map((row) => [String(row.id), String(row.name)]));
    label = (key) => names.get(key) ?? key;
  }
  else if (by === 'category') label = (key) => CATEGORY_LABELS[key] ?? key;
  else if (by === 'venueType') label = (key) => VENUE_TYPE_LABELS[key] ?? key;
  else if (by === 'goodsUnit') label = (key) => key;
  else label = monthLabel;
  return (key) => (key === null ? NO_DIMENSION_LABEL : label(key));
}

/** fundsRaised is derived, never stored: money received − refunded + goods' assessed value. */
function finish(figures: Figures): Figures {
  figures.fundsRaised = figures.moneyReceived - figures.moneyRefunded + figures.goodsValueReceived;
  return figures;
}

function asOfMillis(asOf: string): number {
  const ms = Date.parse(asOf);
  if (Number.isNaN(ms)) throw new RangeError(`asOf ${asOf} is not an instant`);
  return ms;
}

/** Runs the plans on SQLite, synchronously; the caller holds the read transaction. */
export class LedgerQueries {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly execute = (query: SqlQuery): Row[] => this.cached(query.sql).all(query.params) as Row[];

  constructor(private readonly db: Database.Database, private readonly dialect: SqlDialect = SQLITE_DIALECT) {}

  totals(filter: TotalsFilter): Totals {
    return runPlanSync(totalsPlan(filter, this.dialect), this.execute);
  }

  breakdown(by: BreakdownDimension, filter: TotalsFilter): Breakdown {
    return runPlanSync(breakdownPlan(by, filter, this.dialect), this.execute);
  }

  orgUnit(id: string): OrgUnitView | undefined {
    return runPlanSync(orgUnitPlan(id), this.execute);
  }

  changes(filter: ChangesFilter): ChangesPage {
    return runPlanSync(changesPlan(filter), this.execute);
  }

  recentActivities(filter: RecentActivitiesFilter): RecentActivitiesPage {
    return runPlanSync(recentActivitiesPlan(filter), this.execute);
  }

  private cached(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }
}
