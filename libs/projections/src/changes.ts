/**
 * The changes read model: one row per event that moved a figure after the fact — a correction, void,
 * rejection, refund or disbursement — and every fact that reached a locked period (a late correction, or a
 * new fact that slipped past the lock). What an auditor asks after a report was filed: what changed, from
 * what to what, who did it, why and when.
 *
 * Each row carries both sides' dimensions (`b_*` before, `a_*` after): a correction that moves an activity
 * from one campaign, category or month to another moves figures on both sides, so a filter matching either
 * side lists it. Rows other than corrections have the same values on both sides.
 */
import { decodeOrgPath, subtreeEnd } from './org-path';
import { checkpointPlan, type ReadPlan } from './plans';
import type { TotalsFilter } from './types';

export const CHANGE_KINDS = ['correction', 'void', 'rejection', 'refund', 'disbursement', 'verification', 'late_entry'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
export type ChangeEntityType = 'activity' | 'hourEntry' | 'donation' | 'refund' | 'disbursement' | 'distribution';

/** A row of the `changes` table. Dates are `YYYY-MM-DD`; `recorded_at` is epoch ms; JSON columns hold objects or null. */
export interface ChangeRow {
  position: number;
  recorded_at: number;
  kind: ChangeKind;
  event_type: string;
  entity_type: ChangeEntityType;
  entity_id: string;
  /** The volunteer of an hour entry, the donation of a refund or distribution; null otherwise. */
  parent_id: string | null;
  org_path: string;
  b_campaign_id: string | null; b_category: string | null; b_venue_type: string | null; b_date: string;
  a_campaign_id: string | null; a_category: string | null; a_venue_type: string | null; a_date: string;
  before_json: string | null;
  after_json: string | null;
  reason: string | null;
  actor: string | null;
  /** The locked period (`YYYY-MM`) the change touched, and the unit whose lock covers it; null when none did. */
  locked_month: string | null;
  locked_org_unit_id: string | null;
}

export const CHANGE_COLUMNS = [
  'position', 'recorded_at', 'kind', 'event_type', 'entity_type', 'entity_id', 'parent_id', 'org_path',
  'b_campaign_id', 'b_category', 'b_venue_type', 'b_date', 'a_campaign_id', 'a_category', 'a_venue_type', 'a_date',
  'before_json', 'after_json', 'reason', 'actor', 'locked_month', 'locked_org_unit_id',
] as const satisfies readonly (keyof ChangeRow)[];

/** A lock as the fold sees it (a row of `period_locks`). */
export interface PeriodLockRow {
  month: string;
  org_unit_id: string;
  org_path: string;
  reason: string | null;
  actor: string | null;
}

export const PERIOD_LOCK_COLUMNS = ['month', 'org_unit_id', 'org_path', 'reason', 'actor'] as const satisfies readonly (keyof PeriodLockRow)[];

/** The lock among `locks` that covers `month` for the unit at `orgPath` (itself or an ancestor locked), if any. */
export function coveringLock(locks: readonly PeriodLockRow[], month: string, orgPath: string): PeriodLockRow | undefined {
  for (const lock of locks) if (lock.month === month && orgPath.startsWith(lock.org_path)) return lock;
  return undefined;
}

export interface ChangesFilter extends Omit<TotalsFilter, 'asOf'> {
  /** Instants, inclusive: changes recorded at or after `since` and at or before `until`. */
  since?: string;
  until?: string;
  /** Only changes that touched a locked period. */
  late?: boolean;
  /** Page after this global position (the previous page's `next`). */
  after?: number;
  /** 1–1000; default 100. */
  limit?: number;
}

export interface ChangeView {
  position: number;
  recordedAt: string;
  kind: ChangeKind;
  eventType: string;
  entity: { type: ChangeEntityType; id: string; volunteerId?: string; donationId?: string };
  orgUnitId: string;
  campaignId: string | null;
  /** The fact's own date (after the change, for a correction that moved it). */
  date: string;
  /** The values before and after, as the entity's fields (null: the entity did not count before / stopped counting). */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
  actor: string | null;
  /** True when the change touched a locked period: a late correction (or a fact that reached a locked month). */
  late: boolean;
  lockedPeriod: { month: string; orgUnitId: string } | null;
}

export interface ChangesPage {
  changes: ChangeView[];
  /** Pass as `after` for the next page; null on the last one. */
  next: number | null;
  /** The read model's checkpoint the answer was read at. */
  position: number;
}

export const DEFAULT_CHANGES_LIMIT = 100;

/**
 * The changes matching a filter, in log order. Refunds and disbursements get their before/after here, from the
 * fact tables as they stood just before the change's position (the donation's refunded amount, the campaign's
 * disbursed amount): the fold never reads back, so a replay keeps its pace.
 */
export function* changesPlan(filter: ChangesFilter): ReadPlan<ChangesPage> {
  const limit = filter.limit ?? DEFAULT_CHANGES_LIMIT;
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: limit + 1 };
  const use = (clause: string, name: string, value: string | number | undefined) => {
    if (value === undefined) return;
    where.push(clause);
    params[name] = value;
  };
  use('c.position > @after', 'after', filter.after);
  use('c.recorded_at >= @since', 'since', filter.since === undefined ? undefined : instantMillis(filter.since, 'since'));
  use('c.recorded_at <= @until', 'until', filter.until === undefined ? undefined : instantMillis(filter.until, 'until'));
  if (filter.late) where.push('c.locked_month IS NOT NULL');
  if (filter.orgUnitId !== undefined) {
    const [unit] = yield { sql: 'SELECT org_path FROM org_units WHERE id = @id', params: { id: filter.orgUnitId } };
    if (!unit) return { changes: [], next: null, position: yield* checkpointPlan() };
    where.push('c.org_path >= @pathFrom AND c.org_path < @pathTo');
    params.pathFrom = String(unit.org_path);
    params.pathTo = subtreeEnd(String(unit.org_path));
  }
  const sides = (['b', 'a'] as const).map((side) => {
    const clauses: string[] = [];
    const add = (clause: string, name: string, value: string | undefined) => {
      if (value === undefined) return;
      clauses.push(clause);
      params[name] = value;
    };
    add(`c.${side}_campaign_id = @campaignId`, 'campaignId', filter.campaignId);
    add(`c.${side}_date >= @from`, 'from', filter.from);
    add(`c.${side}_date <= @to`, 'to', filter.to);
    // As in the totals: a filter on a field only activities have leaves other facts unfiltered.
    add(`(c.entity_type <> 'activity' OR c.${side}_category = @category)`, 'category', filter.category);
    add(`(c.entity_type <> 'activity' OR c.${side}_venue_type = @venueType)`, 'venueType', filter.venueType);
    return clauses.join(' AND ');
  });
  if (sides[0]) where.push(`((${sides[0]}) OR (${sides[1]}))`);
  const sql = `SELECT c.*,
      CASE WHEN c.kind = 'refund' THEN (SELECT d.amount FROM donations d
        WHERE d.campaign_id = c.a_campaign_id AND d.donation_id = c.parent_id) END AS donation_amount,
      CASE WHEN c.kind = 'refund' THEN (SELECT COALESCE(SUM(r.amount), 0) FROM refunds r
        WHERE r.campaign_id = c.a_campaign_id AND r.donation_id = c.parent_id AND r.known_from_pos < c.position) END AS refunded_before,
      CASE WHEN c.kind = 'disbursement' THEN (SELECT COALESCE(SUM(x.amount), 0) FROM disbursements x
        WHERE x.campaign_id = c.a_campaign_id AND x.known_from_pos < c.position) END AS disbursed_before
    FROM changes c${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY c.position LIMIT @limit`;
  const rows = yield { sql, params };
  const page = rows.slice(0, limit).map(toView);
  return {
    changes: page,
    next: rows.length > limit ? page[page.length - 1].position : null,
    position: yield* checkpointPlan(),
  };
}

function toView(row: Record<string, unknown>): ChangeView {
  const kind = row.kind as ChangeKind;
  const path = decodeOrgPath(String(row.org_path));
  let before = parseJson(row.before_json);
  let after = parseJson(row.after_json);
  if (kind === 'refund') {
    const donationAmount = Number(row.donation_amount);
    const refunded = Number(row.refunded_before);
    const amount = Number((after as { amount: number }).amount);
    before = { donationAmount, refunded, unrefunded: donationAmount - refunded };
    after = { ...after, donationAmount, refunded: refunded + amount, unrefunded: donationAmount - refunded - amount };
  } else if (kind === 'disbursement') {
    const disbursed = Number(row.disbursed_before);
    before = { campaignDisbursed: disbursed };
    after = { ...after, campaignDisbursed: disbursed + Number((after as { amount: number }).amount) };
  }
  const entity: ChangeView['entity'] = { type: row.entity_type as ChangeEntityType, id: String(row.entity_id) };
  if (row.entity_type === 'hourEntry') entity.volunteerId = String(row.parent_id);
  if (row.entity_type === 'refund' || row.entity_type === 'distribution') entity.donationId = String(row.parent_id);
  const lockedMonth = row.locked_month as string | null;
  return {
    position: Number(row.position),
    recordedAt: new Date(Number(row.recorded_at)).toISOString(),
    kind,
    eventType: String(row.event_type),
    entity,
    orgUnitId: path[path.length - 1],
    campaignId: row.a_campaign_id as string | null,
    date: String(row.a_date),
    before,
    after,
    reason: row.reason as string | null,
    actor: row.actor as string | null,
    late: lockedMonth !== null,
    lockedPeriod: lockedMonth === null ? null : { month: lockedMonth, orgUnitId: String(row.locked_org_unit_id) },
  };
}

function parseJson(value: unknown): Record<string, unknown> | null {
  return value === null || value === undefined ? null : (JSON.parse(String(value)) as Record<string, unknown>);
}

function instantMillis(instant: string, name: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`${name} ${instant} is not an instant`);
  return ms;
}
