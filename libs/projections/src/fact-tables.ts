import type { BreakdownDimension, Figures } from './types';

/**
 * How each fact table contributes to the figures: its aggregates (aliased to figure names), the date
 * `from`/`to` cut on, and the column behind each breakdown dimension it has. A dimension a table lacks is
 * absent here, so its figures fall into the key-null row; likewise `category`/`venueType` filters apply
 * only where `activityFilters` is set ("filters on fields a figure does not have leave it unfiltered").
 */
export interface FactTable {
  table: string;
  /** Row versions with known_until (revisable facts) or insert-only facts. */
  versioned: boolean;
  dateColumn: string;
  activityFilters: boolean;
  /**
   * Aliases are quoted: PostgreSQL folds unquoted names to lower case. `asOf`: the query binds @asOf, and a state a row
   * entered later (an entry's verification) does not count yet.
   */
  aggregates(asOf: boolean): string;
  /** Figures this table produces, for merging group rows. */
  figures: readonly (keyof Figures)[];
  dimensions: Partial<Record<'campaign' | 'category' | 'venueType', string>>;
}

const sum = (expression: string) => `COALESCE(SUM(${expression}), 0)`;

export const FACT_TABLES: readonly FactTable[] = [
  {
    table: 'activity_versions', versioned: true, dateColumn: 'occurred_on', activityFilters: true,
    aggregates: () => `COUNT(*) AS "activitiesHeld", ${sum('participants')} AS "participants",
      ${sum('beneficiaries')} AS "beneficiaries", ${sum('materials_distributed')} AS "materialsDistributed"`,
    figures: ['activitiesHeld', 'participants', 'beneficiaries', 'materialsDistributed'],
    dimensions: { campaign: 'campaign_id', category: 'category', venueType: 'venue_type' },
  },
  {
    // Each entry not rejected is one participation (人次); distinct people are counted apart.
    table: 'hour_versions', versioned: true, dateColumn: 'served_on', activityFilters: false,
    aggregates: (asOf) => `COUNT(*) AS "volunteerParticipations", ${sum('minutes')} AS "volunteerMinutesLogged",
      ${sum(`CASE WHEN ${asOf ? 'verified_at <= @asOf' : 'verified_pos IS NOT NULL'} THEN minutes ELSE 0 END`)} AS "volunteerMinutesVerified",
      COUNT(DISTINCT volunteer_id) AS "distinctVolunteers"`,
    figures: ['volunteerParticipations', 'volunteerMinutesLogged', 'volunteerMinutesVerified', 'distinctVolunteers'],
    dimensions: { campaign: 'campaign_id' },
  },
  {
    table: 'donations', versioned: false, dateColumn: 'received_on', activityFilters: false,
    aggregates: () => `${sum("CASE WHEN kind = 'money' THEN amount ELSE 0 END")} AS "moneyReceived",
      ${sum("CASE WHEN kind = 'goods' THEN amount ELSE 0 END")} AS "goodsValueReceived", COUNT(*) AS "donations"`,
    figures: ['moneyReceived', 'goodsValueReceived', 'donations'],
    dimensions: { campaign: 'campaign_id' },
  },
  {
    // Goods are never refunded in money (the campaign stream refuses it); the kind test keeps that explicit.
    table: 'refunds', versioned: false, dateColumn: 'refunded_on', activityFilters: false,
    aggregates: () => `${sum("CASE WHEN kind = 'money' THEN amount ELSE 0 END")} AS "moneyRefunded"`,
    figures: ['moneyRefunded'],
    dimensions: { campaign: 'campaign_id' },
  },
  {
    table: 'disbursements', versioned: false, dateColumn: 'paid_on', activityFilters: false,
    aggregates: () => `${sum('amount')} AS "disbursed", ${sum('beneficiaries')} AS "disbursementBeneficiaries"`,
    figures: ['disbursed', 'disbursementBeneficiaries'],
    dimensions: { campaign: 'campaign_id' },
  },
];

/** The SQL that differs between engines. */
export interface SqlDialect {
  /** The first path segment after a prefix of `prefixLength` characters; '' when the path is the prefix. */
  childSegment(column: string, prefixLengthParam: string): string;
  /** `column` is one of the list bound to `listParam` (bound with `listValue`). */
  inList(column: string, listParam: string): string;
  listValue(values: readonly string[]): unknown;
}

export const SQLITE_DIALECT: SqlDialect = {
  childSegment: (column, p) =>
    `CASE WHEN length(${column}) = ${p} THEN '' ELSE substr(${column}, ${p} + 1, instr(substr(${column}, ${p} + 1), '/') - 1) END`,
  // One statement whatever the list's length, so the statement cache stays small.
  inList: (column, p) => `${column} IN (SELECT value FROM json_each(${p}))`,
  listValue: (values) => JSON.stringify(values),
};

export const POSTGRES_DIALECT: SqlDialect = {
  childSegment: (column, p) => `split_part(substr(${column}, ${p} + 1), '/', 1)`,
  inList: (column, p) => `${column} = ANY(${p}::text[])`,
  listValue: (values) => values,
};

export function keyExpression(table: FactTable, by: BreakdownDimension, dialect: SqlDialect): string {
  if (by === 'orgUnit') return dialect.childSegment('org_path', '@prefixLength');
  if (by === 'month') return `substr(${table.dateColumn}, 1, 7)`;
  return table.dimensions[by] ?? 'NULL';
}
