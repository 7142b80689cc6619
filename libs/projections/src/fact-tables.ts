import type { BreakdownDimension, Figures } from './types';

/**
 * How each fact table contributes to the figures: its aggregates (aliased to figure names), the date
 * `from`/`to` cut on, and the column behind each breakdown dimension it has. A dimension a table lacks is
 * absent here, so its figures fall into the key-null row; likewise `category`/`venueType` filters apply
 * only where `activityFilters` is set ("filters on fields a figure does not have leave it unfiltered").
 */
export interface FactTable {
  /** A table, or a derived table with the columns the filters and dimensions name. */
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
  dimensions: Partial<Record<'campaign' | 'category' | 'venueType' | 'goodsUnit', string>>;
}

const sum = (expression: string) => `COALESCE(SUM(${expression}), 0)`;

/**
 * Each line of a distribution with its value in 分: the first c units handed out of a lot worth A over Q units
 * (goods_valuations) are worth ⌊A·c/Q⌋, so a line taking the units from c−q to c is worth ⌊A·c/Q⌋ − ⌊A·(c−q)/Q⌋. Whole
 * 分, each line within 1 分 of its exact share, never revised by later lines, and summing to A once all Q are handed out.
 * c counts the lot's lines in log order (then item order), over every recipient, which the filters outside then cut.
 * ⌊A·c/Q⌋ is computed as (A div Q)·c + ⌊(A mod Q)·c/Q⌋, whose products stay far inside 64 bits. Lines in no lot are 0.
 */
const DISTRIBUTION_LINES = `(SELECT l.org_path, l.campaign_id, l.distributed_on, l.unit, l.quantity, l.known_from_at,
    CASE WHEN l.lot_quantity IS NULL THEN 0 ELSE (l.lot_amount / l.lot_quantity) * l.quantity
      + ((l.lot_amount % l.lot_quantity) * l.cumulative) / l.lot_quantity
      - ((l.lot_amount % l.lot_quantity) * (l.cumulative - l.quantity)) / l.lot_quantity END AS value
  FROM (SELECT i.org_path, i.campaign_id, i.distributed_on, i.unit, i.quantity, i.known_from_at,
      v.quantity AS lot_quantity, v.amount AS lot_amount,
      SUM(i.quantity) OVER (PARTITION BY i.donation_id, v.lot ORDER BY i.known_from_pos, i.item_index ROWS UNBOUNDED PRECEDING) AS cumulative
    FROM distribution_items i LEFT JOIN goods_valuations v ON v.donation_id = i.donation_id AND v.item_index = i.item_index) l
  ) distribution_lines`;

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
  {
    // Counted under the recipient (a unit, or an activity's unit) and apart from the activities' beneficiaries.
    table: 'distributions', versioned: false, dateColumn: 'distributed_on', activityFilters: false,
    aggregates: () => `COUNT(*) AS "goodsDistributions", ${sum('beneficiaries')} AS "distributionBeneficiaries"`,
    figures: ['goodsDistributions', 'distributionBeneficiaries'],
    dimensions: { campaign: 'campaign_id' },
  },
  {
    // "goodsQuantity" adds up only within one unit: the breakdown by goodsUnit reads it, the totals leave it out.
    table: DISTRIBUTION_LINES, versioned: false, dateColumn: 'distributed_on', activityFilters: false,
    aggregates: () => `${sum('value')} AS "goodsDistributedValue", ${sum('quantity')} AS "goodsQuantity"`,
    figures: ['goodsDistributedValue'],
    dimensions: { campaign: 'campaign_id', goodsUnit: 'unit' },
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
