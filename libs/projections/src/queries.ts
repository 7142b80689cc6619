import type Database from 'better-sqlite3';
import { FACT_TABLES, keyExpression, SQLITE_DIALECT, type FactTable, type SqlDialect } from './fact-tables';
import { CATEGORY_LABELS, monthLabel, NO_DIMENSION_LABEL, ownLevelLabel, VENUE_TYPE_LABELS } from './labels';
import { decodeOrgPath, subtreeEnd } from './org-path';
import {
  emptyFigures, type Breakdown, type BreakdownDimension, type BreakdownRow, type Figures, type TotalsFilter,
} from './types';

type Params = Record<string, string | number>;
/** A filter resolved against the org units: the instant in epoch ms and the unit whose subtree it covers. */
interface Scope { asOf?: number; unit?: { id: string; name: string; orgPath: string } }

/**
 * The read side: every figure is one SQL aggregate per fact table (SUM, COUNT, COUNT DISTINCT over an
 * indexed range), merged by key in JS. Callers wrap calls in one read transaction so all tables and
 * the checkpoint come from the same snapshot.
 */
export class LedgerQueries {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database, private readonly dialect: SqlDialect = SQLITE_DIALECT) {}

  /** The figures for a filter; all zero when its org unit is unknown (as of its instant). */
  figures(filter: TotalsFilter): Figures {
    const scope = this.scope(filter);
    const figures = emptyFigures();
    if (!scope) return figures;
    for (const table of FACT_TABLES) {
      const row = this.run(table, scope, filter, null)[0];
      if (row) for (const figure of table.figures) figures[figure] = Number(row[figure]);
    }
    return finish(figures);
  }

  breakdown(by: BreakdownDimension, filter: TotalsFilter): Omit<Breakdown, 'position'> {
    const scope = this.scope(filter);
    if (!scope) return { rows: [] };
    const groups = new Map<string | null, Figures>();
    const group = (key: string | null) => {
      let figures = groups.get(key);
      if (!figures) groups.set(key, (figures = emptyFigures()));
      return figures;
    };
    // Every direct child gets a row, even one with nothing recorded yet: a unit at zero is an answer too.
    if (by === 'orgUnit') for (const child of this.children(scope.unit?.id ?? null, scope.asOf)) group(child.id);
    for (const table of FACT_TABLES) {
      for (const row of this.run(table, scope, filter, by)) {
        let key = row.k === null ? null : String(row.k);
        if (by === 'orgUnit' && key !== null) key = key === '' ? scope.unit!.id : decodeOrgPath(`/${key}/`)[0];
        const figures = group(key);
        for (const figure of table.figures) figures[figure] += Number(row[figure]);
      }
    }
    const labels = this.labeller(by, scope);
    const rows: BreakdownRow[] = [...groups].map(([key, figures]) => ({ key, label: labels(key), ...finish(figures) }));
    rows.sort((a, b) => (a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1));
    return { rows };
  }

  private scope(filter: TotalsFilter): Scope | undefined {
    const asOf = filter.asOf === undefined ? undefined : asOfMillis(filter.asOf);
    if (filter.orgUnitId === undefined) return { asOf };
    const unit = this.cached('SELECT id, name, org_path AS orgPath, known_from_at AS knownFromAt FROM org_units WHERE id = ?')
      .get(filter.orgUnitId) as { id: string; name: string; orgPath: string; knownFromAt: number } | undefined;
    if (!unit || (asOf !== undefined && unit.knownFromAt > asOf)) return undefined;
    return { asOf, unit };
  }

  private run(table: FactTable, scope: Scope, filter: TotalsFilter, by: BreakdownDimension | null) {
    const where: string[] = [];
    const params: Params = {};
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
    const key = by === null ? 'NULL' : keyExpression(table, by, this.dialect);
    if (by === 'orgUnit') params.prefixLength = unit ? unit.orgPath.length : 1;
    const sql = `SELECT ${key} AS k, ${table.aggregates} FROM ${table.table}`
      + (where.length ? ` WHERE ${where.join(' AND ')}` : '') + (by === null ? '' : ' GROUP BY k');
    return this.cached(sql).all(params) as Record<string, string | number | null>[];
  }

  private children(parentId: string | null, asOf: number | undefined): { id: string; name: string }[] {
    const known = asOf === undefined ? '' : ' AND known_from_at <= @asOf';
    const sql = parentId === null
      ? `SELECT id, name FROM org_units WHERE parent_id IS NULL${known} ORDER BY id`
      : `SELECT id, name FROM org_units WHERE parent_id = @parentId${known} ORDER BY id`;
    const params: Params = {};
    if (parentId !== null) params.parentId = parentId;
    if (asOf !== undefined) params.asOf = asOf;
    return this.cached(sql).all(params) as { id: string; name: string }[];
  }

  private labeller(by: BreakdownDimension, scope: Scope): (key: string | null) => string {
    let label: (key: string) => string;
    if (by === 'orgUnit') {
      const names = new Map(this.children(scope.unit?.id ?? null, scope.asOf).map((c) => [c.id, c.name]));
      label = (key) => (scope.unit && key === scope.unit.id ? ownLevelLabel(scope.unit.name) : names.get(key) ?? key);
    } else if (by === 'campaign') {
      const campaignName = this.cached('SELECT name FROM campaigns WHERE id = ?');
      label = (key) => (campaignName.get(key) as { name: string } | undefined)?.name ?? key;
    }
    else if (by === 'category') label = (key) => CATEGORY_LABELS[key] ?? key;
    else if (by === 'venueType') label = (key) => VENUE_TYPE_LABELS[key] ?? key;
    else label = monthLabel;
    return (key) => (key === null ? NO_DIMENSION_LABEL : label(key));
  }

  private cached(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }
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
