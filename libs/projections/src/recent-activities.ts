/**
 * The list of activities behind the dashboard's table: the current versions (or those known at an instant) of the
 * activities under an org unit, newest held first. Voided activities have no open version, so they never appear;
 * a corrected one shows its current values. The read model keeps no titles (figures only): callers add them.
 */
import { decodeOrgPath, subtreeEnd } from './org-path';
import { checkpointPlan, type ReadPlan } from './plans';

export const MAX_RECENT_ACTIVITIES = 100;

/** Where a page ends: the last row's date held and the position that recorded it (the order's tie-break). */
export interface RecentActivitiesCursor {
  occurredOn: string;
  recordedPosition: number;
}

export interface RecentActivitiesFilter {
  /** That unit's whole subtree; absent: everything. */
  orgUnitId?: string;
  campaignId?: string;
  /** Inclusive `YYYY-MM-DD` bounds on occurredOn. */
  from?: string;
  to?: string;
  /** An instant: the activities as known from events recorded at or before it. */
  asOf?: string;
  /** 1–100. */
  limit: number;
  /** The previous page's `next`: only rows after it in the order. */
  before?: RecentActivitiesCursor;
}

export interface RecentActivityRow {
  activityId: string;
  orgUnitId: string;
  campaignId: string | null;
  category: string;
  venueType: string | null;
  occurredOn: string;
  participants: number;
  beneficiaries: number;
  materialsDistributed: number;
  /** The global position of the event that recorded the activity. */
  recordedPosition: number;
}

export interface RecentActivitiesPage {
  activities: RecentActivityRow[];
  /** Pass as `before` for the next page; null on the last one. */
  next: RecentActivitiesCursor | null;
  /** The read model's checkpoint, from the same snapshot. */
  position: number;
}

/** Newest held first (occurredOn, then recording position, both descending): one indexed range and a sort. */
export function* recentActivitiesPlan(filter: RecentActivitiesFilter): ReadPlan<RecentActivitiesPage> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit), 1), MAX_RECENT_ACTIVITIES);
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: limit + 1 };
  const asOf = filter.asOf === undefined ? undefined : Date.parse(filter.asOf);
  if (asOf !== undefined && Number.isNaN(asOf)) throw new RangeError(`asOf ${filter.asOf} is not an instant`);
  if (filter.orgUnitId !== undefined) {
    const [unit] = yield { sql: 'SELECT org_path, known_from_at FROM org_units WHERE id = @id', params: { id: filter.orgUnitId } };
    // An unknown unit (or one not yet known at asOf) holds nothing.
    if (!unit || (asOf !== undefined && Number(unit.known_from_at) > asOf)) {
      return { activities: [], next: null, position: yield* checkpointPlan() };
    }
    where.push('org_path >= @pathFrom AND org_path < @pathTo');
    params.pathFrom = String(unit.org_path);
    params.pathTo = subtreeEnd(String(unit.org_path));
  }
  if (asOf === undefined) where.push('known_until_pos IS NULL');
  else {
    where.push('known_from_at <= @asOf AND (known_until_at IS NULL OR known_until_at > @asOf)');
    params.asOf = asOf;
  }
  if (filter.campaignId !== undefined) {
    where.push('campaign_id = @campaignId');
    params.campaignId = filter.campaignId;
  }
  if (filter.from !== undefined) {
    where.push('occurred_on >= @from');
    params.from = filter.from;
  }
  if (filter.to !== undefined) {
    where.push('occurred_on <= @to');
    params.to = filter.to;
  }
  if (filter.before) {
    where.push('(occurred_on < @beforeOn OR (occurred_on = @beforeOn AND recorded_pos < @beforePos))');
    params.beforeOn = filter.before.occurredOn;
    params.beforePos = filter.before.recordedPosition;
  }
  const rows = yield {
    sql: 'SELECT activity_id, org_path, campaign_id, category, venue_type, occurred_on, participants, beneficiaries,'
      + ' materials_distributed, recorded_pos FROM activity_versions'
      + ` WHERE ${where.join(' AND ')} ORDER BY occurred_on DESC, recorded_pos DESC LIMIT @limit`,
    params,
  };
  const activities = rows.slice(0, limit).map((row): RecentActivityRow => {
    const path = decodeOrgPath(String(row.org_path));
    return {
      activityId: String(row.activity_id), orgUnitId: path[path.length - 1], campaignId: (row.campaign_id as string | null) ?? null,
      category: String(row.category), venueType: (row.venue_type as string | null) ?? null, occurredOn: String(row.occurred_on),
      participants: Number(row.participants), beneficiaries: Number(row.beneficiaries),
      materialsDistributed: Number(row.materials_distributed), recordedPosition: Number(row.recorded_pos),
    };
  });
  const last = activities[activities.length - 1];
  const next = rows.length > limit && last ? { occurredOn: last.occurredOn, recordedPosition: last.recordedPosition } : null;
  return { activities, next, position: yield* checkpointPlan() };
}
