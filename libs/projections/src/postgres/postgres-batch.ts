import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@tongxin/event-store';
import { CHANGE_COLUMNS, type ChangeRow, type PeriodLockRow } from '../changes';
import { entityKey } from '../entity-key';
import {
  correctsCountedFields, type ActivityVersion, type CampaignRow, type DisbursementRow, type DistributionItemRow, type DistributionRow,
  type DonationRow, type FactStore, type GoodsValuationRow, type HourVersion, type LinkedActivity, type OrgUnitRow, type RefundRow,
  type VolunteerRow,
} from '../fold';
import { copyRows } from './postgres-copy';

/** A row version as this batch holds it: `stored` rows came from the database; the others are to be inserted. */
interface Known {
  stored: boolean;
  known_from_pos: number | null;
  known_from_at: number | null;
  known_until_pos: number | null;
  known_until_at: number | null;
}
type BatchActivity = ActivityVersion & Known;
type BatchHours = HourVersion & Known;

/** Bounds each map of the cache; hours mostly follow recent activities and are verified within days. */
const CACHE_LIMIT = 200_000;

/**
 * What one writer knows of committed rows, carried from batch to batch (as the SQLite model's caches), so most
 * batches need no prefetch at all: an activity's latest link and open version, an hour entry's open version
 * (null: none open). Filled only after a COMMIT; the model clears it after a rollback or when the checkpoint
 * shows that another writer committed in between. Versions in it are stored rows; a batch changes one in place only
 * to verify it, as its write will (a failed batch clears the cache).
 */
export class PostgresFactCache {
  readonly activities = new Map<string, { open: BatchActivity | null; link: LinkedActivity }>();
  readonly hours = new Map<string, BatchHours | null>();
  /** Every period lock (they are few); undefined until read. */
  locks: PeriodLockRow[] | undefined;

  clear(): void {
    this.activities.clear();
    this.hours.clear();
    this.locks = undefined;
  }
}

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHE_LIMIT && !cache.has(key)) {
    // Forget the oldest quarter (Map iterates in insertion order): a FIFO with no per-hit bookkeeping.
    let drop = CACHE_LIMIT / 4;
    for (const old of cache.keys()) {
      cache.delete(old);
      if (--drop === 0) break;
    }
  }
  cache.set(key, value);
}
interface VersionChange { key: number; ids: string[]; pos: number; at: number }
type Inserted<T> = T & { known_from_pos: number; known_from_at: number };

/** Column name → PostgreSQL array element type, in the order of the unnest() parameters. */
type Columns = readonly (readonly [string, string])[];
const KNOWN_FROM: Columns = [['known_from_pos', 'bigint'], ['known_from_at', 'bigint']];
const KNOWN: Columns = [...KNOWN_FROM, ['known_until_pos', 'bigint'], ['known_until_at', 'bigint']];
const ACTIVITY_COLUMNS: Columns = [
  ['activity_key', 'bigint'], ['activity_id', 'text'], ['recorded_pos', 'bigint'], ['org_path', 'text'], ['campaign_id', 'text'],
  ['category', 'text'], ['venue_type', 'text'], ['occurred_on', 'text'], ['participants', 'integer'], ['beneficiaries', 'integer'],
  ['materials_distributed', 'integer'], ...KNOWN,
];
const HOUR_COLUMNS: Columns = [
  ['entry_key', 'bigint'], ['activity_pos', 'bigint'], ['volunteer_id', 'text'], ['entry_id', 'text'], ['activity_id', 'text'],
  ['org_path', 'text'], ['campaign_id', 'text'], ['served_on', 'text'], ['minutes', 'integer'], ['verified_pos', 'bigint'],
  ['verified_at', 'bigint'], ...KNOWN,
];
const DONATION_COLUMNS: Columns = [['donation_id', 'text'], ['campaign_id', 'text'], ['org_path', 'text'], ['kind', 'text'],
  ['amount', 'bigint'], ['received_on', 'text'], ...KNOWN_FROM];
const REFUND_COLUMNS: Columns = [['refund_id', 'text'], ['donation_id', 'text'], ['campaign_id', 'text'], ['org_path', 'text'],
  ['kind', 'text'], ['amount', 'bigint'], ['refunded_on', 'text'], ...KNOWN_FROM];
const DISBURSEMENT_COLUMNS: Columns = [['disbursement_id', 'text'], ['campaign_id', 'text'], ['org_path', 'text'],
  ['amount', 'bigint'], ['beneficiaries', 'integer'], ['activity_id', 'text'], ['paid_on', 'text'], ...KNOWN_FROM];
const GOODS_VALUATION_COLUMNS: Columns = [['donation_id', 'text'], ['item_index', 'integer'], ['lot', 'integer'], ['quantity', 'bigint'],
  ['amount', 'bigint'], ...KNOWN_FROM];
const DISTRIBUTION_COLUMNS: Columns = [['distribution_id', 'text'], ['donation_id', 'text'], ['campaign_id', 'text'],
  ['org_path', 'text'], ['beneficiaries', 'integer'], ['distributed_on', 'text'], ...KNOWN_FROM];
const DISTRIBUTION_ITEM_COLUMNS: Columns = [['distribution_id', 'text'], ['donation_id', 'text'], ['item_index', 'integer'],
  ['campaign_id', 'text'], ['org_path', 'text'], ['unit', 'text'], ['quantity', 'integer'], ['distributed_on', 'text'], ...KNOWN_FROM];
const ORG_UNIT_COLUMNS: Columns = [['id', 'text'], ['name', 'text'], ['level', 'text'], ['parent_id', 'text'], ['code', 'text'],
  ['org_path', 'text'], ...KNOWN_FROM];
const CAMPAIGN_COLUMNS: Columns = [['id', 'text'], ['name', 'text'], ['org_unit_id', 'text'], ['org_path', 'text'],
  ['starts_on', 'text'], ['ends_on', 'text'], ...KNOWN_FROM];
const VOLUNTEER_COLUMNS: Columns = [['id', 'text'], ['org_unit_id', 'text'], ['org_path', 'text'], ...KNOWN_FROM];
const PERIOD_LOCK_COLUMNS: Columns = [['month', 'text'], ['org_unit_id', 'text'], ['org_path', 'text'], ['reason', 'text'],
  ['actor', 'text'], ...KNOWN_FROM];

const ACTIVITY_SELECT = `activity_key, activity_id, recorded_pos, org_path, campaign_id, category, venue_type, occurred_on,
  participants, beneficiaries, materials_distributed, known_until_pos`;
const HOUR_SELECT = `entry_key, activity_pos, volunteer_id, entry_id, activity_id, org_path, campaign_id, served_on, minutes,
  verified_pos, verified_at`;

/**
 * One batch of the PostgreSQL projection, in memory. `prefetch` reads, in three queries, every stored row the
 * batch's events can touch; the shared fold then runs against this FactStore with no round trips; `write` sends
 * the result as a handful of multi-row statements. A row inserted and closed within the batch is inserted closed.
 * Open versions of rows never prefetched are a bug here, not "none": those lookups throw.
 */
export class PostgresBatch implements FactStore<BatchActivity, BatchHours> {
  /** activityId → its open version (null: none), for every activity the batch corrects, voids or links hours to. */
  private readonly activities = new Map<string, BatchActivity | null>();
  private readonly links = new Map<string, LinkedActivity | null>();
  /** volunteer\0entry → open version (null: none). */
  private readonly hours = new Map<string, BatchHours | null>();
  /** activityId → entries linked to it, for activities whose campaign a correction may move. */
  private readonly hoursOfActivity = new Map<string, Set<string>>();

  private readonly activityRows: BatchActivity[] = [];
  private readonly hourRows: BatchHours[] = [];
  private readonly activityCloses: VersionChange[] = [];
  private readonly hourCloses: VersionChange[] = [];
  /** Stored open hour versions the batch verifies (a new one is inserted verified). */
  private readonly hourVerifies: VersionChange[] = [];
  private readonly donations: Inserted<DonationRow>[] = [];
  private readonly refunds: Inserted<RefundRow>[] = [];
  private readonly disbursements: Inserted<DisbursementRow>[] = [];
  private readonly goodsValuations: Inserted<GoodsValuationRow>[] = [];
  private readonly distributions: Inserted<DistributionRow>[] = [];
  private readonly distributionItems: Inserted<DistributionItemRow>[] = [];
  private readonly orgUnits = new Map<string, Inserted<OrgUnitRow>>();
  private readonly campaigns = new Map<string, Inserted<CampaignRow>>();
  private readonly volunteers = new Map<string, Inserted<VolunteerRow>>();
  /** The locks known before this batch and those it records, in log order. */
  private locks: PeriodLockRow[] = [];
  private readonly lockRows: Inserted<PeriodLockRow>[] = [];
  private readonly changeRows: ChangeRow[] = [];

  constructor(private readonly cache: PostgresFactCache = new PostgresFactCache()) {}

  /**
   * Reads what `events` need and the cache does not hold: latest activity versions, open hour entries, and
   * (always from the database) the open hours of activities whose campaign a correction moves.
   */
  async prefetch(client: PoolClient, events: readonly RecordedEvent[]): Promise<void> {
    const activityIds = new Set<string>();
    const movedActivityIds = new Set<string>();
    const entries = new Map<string, [string, string]>();
    // Activities recorded and entries logged earlier in this batch are in its maps by the time the fold needs them.
    const recordedHere = new Set<string>();
    const loggedHere = new Set<string>();
    const needActivity = (id: string) => {
      if (!recordedHere.has(id)) activityIds.add(id);
    };
    for (const event of events) {
      const data = event.data as Record<string, any>;
      switch (event.type) {
        case 'ActivityRecorded':
          recordedHere.add(data.activityId);
          break;
        case 'HoursLogged':
          loggedHere.add(entryKeyOf(data.volunteerId, data.entryId));
          if (data.activityId !== null) needActivity(data.activityId);
          break;
        case 'ActivityCorrected':
          if (!correctsCountedFields(data.changes)) break;
          needActivity(data.activityId);
          // Always from the database, even if recorded here: the fold asks for this activity's open hours.
          if (Object.hasOwn(data.changes, 'campaignId')) movedActivityIds.add(data.activityId);
          break;
        case 'ActivityVoided':
          needActivity(data.activityId);
          break;
        case 'HoursVerified':
        case 'HoursRejected': {
          const key = entryKeyOf(data.volunteerId, data.entryId);
          if (!loggedHere.has(key)) entries.set(key, [data.volunteerId, data.entryId]);
          break;
        }
        default:
      }
    }
    if (this.cache.locks === undefined) {
      const { rows } = await client.query<PeriodLockRow>(
        'SELECT month, org_unit_id, org_path, reason, actor FROM period_locks ORDER BY known_from_pos');
      this.cache.locks = rows;
    }
    this.locks = [...this.cache.locks];
    const uncachedActivities: string[] = [];
    for (const id of activityIds) {
      const cached = this.cache.activities.get(id);
      if (!cached) {
        uncachedActivities.push(id);
        continue;
      }
      this.activities.set(id, cached.open);
      this.links.set(id, cached.link);
    }
    if (uncachedActivities.length > 0) await this.prefetchActivities(client, uncachedActivities);
    for (const key of entries.keys()) {
      const cached = this.cache.hours.get(key);
      this.hours.set(key, cached ?? null);
      if (cached !== undefined) entries.delete(key);
    }
    if (entries.size > 0) {
      const { rows } = await client.query(`SELECT ${HOUR_SELECT} FROM hour_versions
        WHERE entry_key = ANY($1::bigint[]) AND known_until_pos IS NULL`,
      [[...entries.values()].map(([volunteerId, entryId]) => entityKey(volunteerId, entryId))]);
      for (const row of rows) {
        const key = entryKeyOf(row.volunteer_id, row.entry_id);
        if (entries.has(key)) this.hours.set(key, storedHours(row));
      }
    }
    if (movedActivityIds.size > 0) {
      const ids = [...movedActivityIds];
      for (const id of ids) this.hoursOfActivity.set(id, new Set());
      // Hours are found by the recorded position of their activity, as in SQLite (hour_versions_open_activity).
      const { rows } = await client.query(`SELECT ${HOUR_SELECT} FROM hour_versions
        WHERE known_until_pos IS NULL AND activity_id = ANY($2::text[]) AND activity_pos IN (
          SELECT recorded_pos FROM activity_versions WHERE activity_key = ANY($1::bigint[]) AND activity_id = ANY($2::text[]))`,
      [ids.map((id) => entityKey(id)), ids]);
      for (const row of rows) {
        const key = entryKeyOf(row.volunteer_id, row.entry_id);
        if (!this.hours.get(key)) this.hours.set(key, storedHours(row));
        this.hoursOfActivity.get(row.activity_id)!.add(key);
      }
    }
  }

  private async prefetchActivities(client: PoolClient, ids: string[]): Promise<void> {
    for (const id of ids) {
      this.activities.set(id, null);
      this.links.set(id, null);
    }
    // The latest version of each: it is the open one if any is open, and the link hours follow either way.
    const { rows } = await client.query(`SELECT DISTINCT ON (activity_id) ${ACTIVITY_SELECT} FROM activity_versions
      WHERE activity_key = ANY($1::bigint[]) AND activity_id = ANY($2::text[])
      ORDER BY activity_id, known_from_pos DESC`, [ids.map((id) => entityKey(id)), ids]);
    for (const row of rows) {
      const recordedPos = Number(row.recorded_pos);
      this.links.set(row.activity_id, { recordedPos, campaignId: row.campaign_id });
      if (row.known_until_pos !== null) continue;
      this.activities.set(row.activity_id, {
        activity_key: Number(row.activity_key), activity_id: row.activity_id, recorded_pos: recordedPos, org_path: row.org_path,
        campaign_id: row.campaign_id, category: row.category, venue_type: row.venue_type, occurred_on: row.occurred_on,
        participants: row.participants, beneficiaries: row.beneficiaries, materials_distributed: row.materials_distributed,
        stored: true, known_from_pos: null, known_from_at: null, known_until_pos: null, known_until_at: null,
      });
    }
  }

  openActivity(activityId: string): BatchActivity | undefined {
    return prefetched(this.activities, activityId, 'activity') ?? undefined;
  }

  activityLink(activityId: string): LinkedActivity | undefined {
    return prefetched(this.links, activityId, 'activity link') ?? undefined;
  }

  insertActivity(row: ActivityVersion, pos: number, at: number): void {
    const version = opened(row as BatchActivity, pos, at);
    this.activityRows.push(version);
    this.activities.set(row.activity_id, version);
    this.links.set(row.activity_id, { recordedPos: row.recorded_pos, campaignId: row.campaign_id });
  }

  closeActivity(open: BatchActivity, pos: number, at: number): void {
    if (open.stored) this.activityCloses.push({ key: open.activity_key, ids: [open.activity_id], pos, at });
    else close(open, pos, at);
    this.activities.set(open.activity_id, null);
  }

  openHours(volunteerId: string, entryId: string): BatchHours | undefined {
    return prefetched(this.hours, entryKeyOf(volunteerId, entryId), 'hour entry') ?? undefined;
  }

  openHoursOfActivity(activityId: string, activityPos: number): BatchHours[] {
    const keys = prefetched(this.hoursOfActivity, activityId, 'hours of activity');
    const open: BatchHours[] = [];
    for (const key of keys) {
      const hours = this.hours.get(key);
      if (hours && hours.activity_pos === activityPos) open.push(hours);
    }
    return open;
  }

  insertHours(row: HourVersion, pos: number, at: number): void {
    const version = opened(row as BatchHours, pos, at);
    const key = entryKeyOf(row.volunteer_id, row.entry_id);
    this.hourRows.push(version);
    this.hours.set(key, version);
    if (row.activity_id !== null) {
      let linked = this.hoursOfActivity.get(row.activity_id);
      if (!linked) this.hoursOfActivity.set(row.activity_id, (linked = new Set()));
      linked.add(key);
    }
  }

  closeHours(open: BatchHours, pos: number, at: number): void {
    if (open.stored) this.hourCloses.push({ key: open.entry_key, ids: [open.volunteer_id, open.entry_id], pos, at });
    else close(open, pos, at);
    this.hours.set(entryKeyOf(open.volunteer_id, open.entry_id), null);
  }

  verifyHours(open: BatchHours, pos: number, at: number): void {
    // In place, stored or not: the row will say so once the batch commits, and a rollback clears the cache.
    open.verified_pos = pos;
    open.verified_at = at;
    if (open.stored) this.hourVerifies.push({ key: open.entry_key, ids: [open.volunteer_id, open.entry_id], pos, at });
  }

  insertDonation(row: DonationRow, pos: number, at: number): void {
    this.donations.push(knownFrom(row, pos, at));
  }

  insertRefund(row: RefundRow, pos: number, at: number): void {
    this.refunds.push(knownFrom(row, pos, at));
  }

  insertDisbursement(row: DisbursementRow, pos: number, at: number): void {
    this.disbursements.push(knownFrom(row, pos, at));
  }

  insertGoodsValuation(row: GoodsValuationRow, pos: number, at: number): void {
    this.goodsValuations.push(knownFrom(row, pos, at));
  }

  insertDistribution(row: DistributionRow, items: readonly DistributionItemRow[], pos: number, at: number): void {
    this.distributions.push(knownFrom(row, pos, at));
    for (const item of items) this.distributionItems.push(knownFrom(item, pos, at));
  }

  registerOrgUnit(row: OrgUnitRow, pos: number, at: number): void {
    if (!this.orgUnits.has(row.id)) this.orgUnits.set(row.id, knownFrom(row, pos, at));
  }

  registerCampaign(row: CampaignRow, pos: number, at: number): void {
    if (!this.campaigns.has(row.id)) this.campaigns.set(row.id, knownFrom(row, pos, at));
  }

  registerVolunteer(row: VolunteerRow, pos: number, at: number): void {
    if (!this.volunteers.has(row.id)) this.volunteers.set(row.id, knownFrom(row, pos, at));
  }

  periodLocks(): readonly PeriodLockRow[] {
    return this.locks;
  }

  lockPeriod(row: PeriodLockRow, pos: number, at: number): void {
    if (this.locks.some((lock) => lock.month === row.month && lock.org_unit_id === row.org_unit_id)) return;
    this.locks.push(row);
    this.lockRows.push(knownFrom({ ...row }, pos, at));
  }

  insertChange(row: ChangeRow): void {
    this.changeRows.push(row);
  }

  /** Writes the batch. Closes first: they match stored open versions, which the new rows must not be mistaken for. */
  async write(client: PoolClient): Promise<void> {
    // `key = ANY(keys)` beside the join: otherwise the planner hashes every open version of the table (a scan
    // that grows with the log) to join a few thousand closes; with it, the index finds just those rows.
    if (this.activityCloses.length > 0) {
      await client.query(`UPDATE activity_versions a SET known_until_pos = u.pos, known_until_at = u.at
        FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[]) AS u(key, id, pos, at)
        WHERE a.activity_key = ANY($1::bigint[]) AND a.known_until_pos IS NULL AND a.activity_key = u.key AND a.activity_id = u.id`,
      columnsOf(this.activityCloses, (c) => [c.key, c.ids[0], c.pos, c.at]));
    }
    // Verifications before closes: an entry verified and then rejected or moved in this batch keeps its verification on
    // the version the close ends.
    await updateOpenHours(client, 'verified_pos = u.pos, verified_at = u.at', this.hourVerifies);
    await updateOpenHours(client, 'known_until_pos = u.pos, known_until_at = u.at', this.hourCloses);
    // Plain inserts go as COPY; registrations need ON CONFLICT, which COPY lacks (and are few).
    await copyRows(client, 'activity_versions', namesOf(ACTIVITY_COLUMNS), this.activityRows);
    await copyRows(client, 'hour_versions', namesOf(HOUR_COLUMNS), this.hourRows);
    await copyRows(client, 'donations', namesOf(DONATION_COLUMNS), this.donations);
    await copyRows(client, 'refunds', namesOf(REFUND_COLUMNS), this.refunds);
    await copyRows(client, 'disbursements', namesOf(DISBURSEMENT_COLUMNS), this.disbursements);
    await copyRows(client, 'distributions', namesOf(DISTRIBUTION_COLUMNS), this.distributions);
    await copyRows(client, 'distribution_items', namesOf(DISTRIBUTION_ITEM_COLUMNS), this.distributionItems);
    await insertRows(client, 'goods_valuations', GOODS_VALUATION_COLUMNS, this.goodsValuations, 'ON CONFLICT (donation_id, item_index) DO NOTHING');
    await insertRows(client, 'org_units', ORG_UNIT_COLUMNS, [...this.orgUnits.values()], 'ON CONFLICT (id) DO NOTHING');
    await insertRows(client, 'campaigns', CAMPAIGN_COLUMNS, [...this.campaigns.values()], 'ON CONFLICT (id) DO NOTHING');
    await insertRows(client, 'volunteers', VOLUNTEER_COLUMNS, [...this.volunteers.values()], 'ON CONFLICT (id) DO NOTHING');
    await insertRows(client, 'period_locks', PERIOD_LOCK_COLUMNS, this.lockRows, 'ON CONFLICT (month, org_unit_id) DO NOTHING');
    await copyRows(client, 'changes', CHANGE_COLUMNS, this.changeRows);
  }

  /** Call after the batch committed: what it read and wrote becomes what the next batches know. */
  rememberCommitted(): void {
    this.cache.locks = this.locks;
    for (const [id, link] of this.links) {
      if (link === null) continue; // not in the read model: the next batch looks again
      const open = this.activities.get(id) ?? null;
      if (open) open.stored = true;
      remember(this.cache.activities, id, { open, link });
    }
    for (const [key, open] of this.hours) {
      if (open) open.stored = true;
      remember(this.cache.hours, key, open);
    }
  }
}

function namesOf(columns: Columns): string[] {
  return columns.map(([name]) => name);
}

/**
 * One UPDATE of the open hour versions named by `changes`. `key = ANY(keys)` beside the join, as for activities: the
 * index then finds just those rows.
 */
async function updateOpenHours(client: PoolClient, set: string, changes: readonly VersionChange[]): Promise<void> {
  if (changes.length === 0) return;
  await client.query(`UPDATE hour_versions h SET ${set}
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS u(key, volunteer_id, entry_id, pos, at)
    WHERE h.entry_key = ANY($1::bigint[]) AND h.known_until_pos IS NULL
      AND h.entry_key = u.key AND h.volunteer_id = u.volunteer_id AND h.entry_id = u.entry_id`,
  columnsOf(changes, (c) => [c.key, c.ids[0], c.ids[1], c.pos, c.at]));
}

/** One INSERT for all rows: a parameter per column, each an array (unnest keeps their order). */
async function insertRows(client: PoolClient, table: string, columns: Columns, rows: readonly object[], conflict = ''): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => name);
  const unnest = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  await client.query(`INSERT INTO ${table} (${names.join(', ')}) SELECT * FROM unnest(${unnest}) ${conflict}`,
    columnsOf(rows as Record<string, unknown>[], (row) => names.map((name) => row[name] ?? null)));
}

/** Row-major values → one array per column. */
function columnsOf<T>(rows: readonly T[], values: (row: T) => unknown[]): unknown[][] {
  const columns: unknown[][] = [];
  for (const row of rows) {
    const fields = values(row);
    for (let i = 0; i < fields.length; i++) (columns[i] ??= []).push(fields[i]);
  }
  return columns;
}

/*
 * The fold hands each row to the store to keep, so the batch extends it in place rather than copying
 * (object spread is the fold's largest cost at 10,000 events a batch).
 */
function opened<T extends Known>(version: T, pos: number, at: number): T {
  version.stored = false;
  version.known_from_pos = pos;
  version.known_from_at = at;
  version.known_until_pos = null;
  version.known_until_at = null;
  return version;
}

function knownFrom<T extends object>(row: T, pos: number, at: number): Inserted<T> {
  const inserted = row as Inserted<T>;
  inserted.known_from_pos = pos;
  inserted.known_from_at = at;
  return inserted;
}

function close(version: Known, pos: number, at: number): void {
  version.known_until_pos = pos;
  version.known_until_at = at;
}

function prefetched<K, V>(map: Map<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`${what} ${String(key)} was not prefetched for this batch`);
  return value;
}

function storedHours(row: Record<string, any>): BatchHours {
  return {
    entry_key: Number(row.entry_key), activity_pos: row.activity_pos === null ? null : Number(row.activity_pos),
    volunteer_id: row.volunteer_id, entry_id: row.entry_id, activity_id: row.activity_id, org_path: row.org_path,
    campaign_id: row.campaign_id, served_on: row.served_on, minutes: row.minutes,
    verified_pos: row.verified_pos === null ? null : Number(row.verified_pos),
    verified_at: row.verified_at === null ? null : Number(row.verified_at),
    stored: true, known_from_pos: null, known_from_at: null, known_until_pos: null, known_until_at: null,
  };
}

function entryKeyOf(volunteerId: string, entryId: string): string {
  return `${volunteerId}\u0000${entryId}`;
}
