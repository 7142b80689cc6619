import { CHANGE_COLUMNS, type ChangeRow, type PeriodLockRow } from './changes';
import { entityKey } from './entity-key';
import type {
  ActivityVersion, CampaignRow, DisbursementRow, DistributionItemRow, DistributionRow, DonationRow, FactStore, GoodsValuationRow,
  HoursMove, HourVersion, LinkedActivity, OrgUnitRow, RefundRow, VolunteerRow,
} from './fold';
import { OpenEntryCache, type RebuildEntry } from './rebuild-open-entries';
import {
  RebuildOp, rowStatementId, tableId, VERSION_TABLES, type RebuildLookup, type RowStatement,
} from './rebuild-ops';
import { WriteBehind, type PendingVersion } from './write-behind';

/** An activity version as this thread knows it: rowid 0 while held here, its rowid once sent to the rebuild thread. */
type HeldActivity = ActivityVersion & PendingVersion;

/**
 * What this thread knows of an activity: the link hours follow (its recorded position and latest campaign, open or
 * closed), and its open version: `undefined` when it has none, `null` when not known here (the link came from the
 * rebuild thread). One record serves both questions, so recording an activity is one map update.
 */
interface ActivityRecord extends LinkedActivity { open: HeldActivity | undefined | null }

/** Held back before writing: every close on the bench's ledger came within 8,192 rows of its version (write-behind.ts). */
const HELD_VERSIONS = 8_192;
/**
 * Open hour entries and activities kept here, each: a miss costs a round trip to the rebuild thread that waits for
 * every write sent before it. On the bench's ledger verifications came within 10,000 events, corrections and voids
 * within 25,000 (~6,500 activities) and hours named activities recorded within 50,000, so 20,000 of each missed
 * nothing there.
 */
const CACHE_LIMIT = 20_000;

/** How much the store holds back and caches (tests make them small, to exercise the misses). */
export interface RebuildFactStoreLimits {
  heldVersions: number;
  cachedEntries: number;
  cachedActivities: number;
}

const DEFAULT_LIMITS: RebuildFactStoreLimits = {
  heldVersions: HELD_VERSIONS, cachedEntries: CACHE_LIMIT, cachedActivities: CACHE_LIMIT,
};

/**
 * The fact tables of a SQLite rebuild as the fold sees them on the thread that reads the log: decisions become
 * RebuildOp writes for the rebuild thread (rebuild-ops.ts), and what the fold reads back comes from caches of what
 * it wrote. A miss sends every held row and asks the rebuild thread (`lookup`, synchronous); the rebuild began with
 * empty tables, so anything not cached here was written through these ops.
 */
export class RebuildFactStore implements FactStore<HeldActivity, RebuildEntry> {
  private ops: unknown[] = [];
  private readonly heldActivities: WriteBehind<HeldActivity>;
  private readonly heldHours: WriteBehind<RebuildEntry>;
  private readonly activities = new Map<string, ActivityRecord>();
  private readonly openEntries: OpenEntryCache;
  /** The model starts empty; undefined after a lock is recorded, until asked again. */
  private locks: readonly PeriodLockRow[] | undefined = [];

  constructor(
    private readonly lookup: (query: RebuildLookup) => unknown,
    private readonly limits: RebuildFactStoreLimits = DEFAULT_LIMITS,
  ) {
    const sink = (table: keyof typeof VERSION_TABLES) => (params: unknown[], count: number) => {
      this.ops.push(RebuildOp.Rows, tableId(table), count, params);
    };
    this.heldActivities = new WriteBehind<HeldActivity>(sink('activity_versions'),
      VERSION_TABLES.activity_versions, limits.heldVersions);
    this.heldHours = new WriteBehind<RebuildEntry>(sink('hour_versions'), VERSION_TABLES.hour_versions, limits.heldVersions);
    this.openEntries = new OpenEntryCache(limits.cachedEntries);
  }

  /** The writes decided since the last call, in order. */
  take(): unknown[] {
    const ops = this.ops;
    this.ops = [];
    return ops;
  }

  /** Sends every held row (before the commit, and before asking the rebuild thread anything). */
  flush(): void {
    this.heldActivities.flush();
    this.heldHours.flush();
  }

  openActivity(activityId: string): HeldActivity | undefined {
    const known = this.activities.get(activityId);
    if (known !== undefined && known.open !== null) return known.open;
    const row = this.ask({ kind: 'openActivity', activityKey: entityKey(activityId), activityId }) as HeldActivity | undefined;
    if (known !== undefined) known.open = row;
    else if (row) this.remember(activityId, { recordedPos: row.recorded_pos, campaignId: row.campaign_id, open: row });
    return row;
  }

  activityLink(activityId: string): LinkedActivity | undefined {
    const known = this.activities.get(activityId);
    if (known !== undefined) return known;
    const row = this.ask({ kind: 'activityLink', activityKey: entityKey(activityId), activityId }) as
      { campaign_id: string | null; recorded_pos: number } | undefined;
    if (!row) return undefined;
    const record: ActivityRecord = { recordedPos: row.recorded_pos, campaignId: row.campaign_id, open: null };
    this.remember(activityId, record);
    return record;
  }

  insertActivity(row: ActivityVersion, pos: number, at: number): void {
    const held = row as HeldActivity;
    this.heldActivities.add(held, pos, at);
    const known = this.activities.get(row.activity_id);
    if (known === undefined) {
      this.remember(row.activity_id, { recordedPos: row.recorded_pos, campaignId: row.campaign_id, open: held });
    } else {
      known.campaignId = row.campaign_id;
      known.open = held;
    }
  }

  closeActivity(open: HeldActivity, pos: number, at: number): void {
    this.close(open, RebuildOp.CloseActivity, pos, at);
    const known = this.activities.get(open.activity_id);
    // The link stays: hours logged against a closed (voided) activity still follow its campaign.
    if (known !== undefined && known.open === open) known.open = undefined;
  }

  openHours(volunteerId: string, entryId: string): RebuildEntry | undefined {
    const key = entityKey(volunteerId, entryId);
    const cached = this.openEntries.get(key, volunteerId, entryId);
    if (cached) return cached;
    const row = this.ask({ kind: 'openHours', entryKey: key, volunteerId, entryId }) as RebuildEntry | undefined;
    if (row) this.openEntries.add(row);
    return row;
  }

  /**
   * Held entries (found among the held rows: a scan, but moves are rare) go back to the fold, which closes and re-inserts
   * them; entries already sent are moved by the rebuild thread (RebuildOp.MoveHours), and the cached ones among them come
   * to stand for their new versions, the new campaign and the rowid the move gives them, when next read (OpenEntryCache).
   */
  openHoursOfActivity(activityId: string, activityPos: number, moving: HoursMove): RebuildEntry[] {
    this.ops.push(RebuildOp.MoveHours, activityPos, activityId, moving.campaignId, moving.pos, moving.at);
    this.openEntries.moved(activityPos, activityId, moving.campaignId);
    return this.heldHours.heldTagged(activityPos, (entry) => entry.known_until_pos === null && entry.activity_id === activityId);
  }

  insertHours(row: HourVersion, pos: number, at: number): void {
    const entry = row as RebuildEntry;
    // Tagged with the activity's position (-1: none), which a campaign move finds the held ones by.
    this.heldHours.add(entry, pos, at, entry.activity_pos ?? -1);
    this.openEntries.add(entry);
  }

  closeHours(open: RebuildEntry, pos: number, at: number): void {
    this.close(open, RebuildOp.CloseHours, pos, at);
    this.openEntries.remove(open);
  }

  /** Still held, the row is written verified; else the rebuild thread updates it. The cached entry stays open. */
  verifyHours(open: RebuildEntry, pos: number, at: number): void {
    open.verified_pos = pos;
    open.verified_at = at;
    if (open.rowid !== 0) this.ops.push(RebuildOp.VerifyHours, open.rowid, pos, at);
  }

  insertDonation(d: DonationRow, pos: number, at: number): void {
    this.row('insertDonation', [d.donation_id, d.campaign_id, d.org_path, d.kind, d.amount, d.received_on, pos, at]);
  }

  insertRefund(r: RefundRow, pos: number, at: number): void {
    this.row('insertRefund', [r.refund_id, r.donation_id, r.campaign_id, r.org_path, r.kind, r.amount, r.refunded_on, pos, at]);
  }

  insertDisbursement(d: DisbursementRow, pos: number, at: number): void {
    this.row('insertDisbursement', [d.disbursement_id, d.campaign_id, d.org_path, d.amount, d.beneficiaries, d.activity_id, d.paid_on, pos, at]);
  }

  insertGoodsValuation(v: GoodsValuationRow, pos: number, at: number): void {
    this.row('insertGoodsValuation', [v.donation_id, v.item_index, v.lot, v.quantity, v.amount, pos, at]);
  }

  insertDistribution(d: DistributionRow, items: readonly DistributionItemRow[], pos: number, at: number): void {
    this.row('insertDistribution', [d.distribution_id, d.donation_id, d.campaign_id, d.org_path, d.beneficiaries, d.distributed_on, pos, at]);
    for (const i of items) {
      this.row('insertDistributionItem', [i.distribution_id, i.donation_id, i.item_index, i.campaign_id, i.org_path, i.unit, i.quantity,
        i.distributed_on, pos, at]);
    }
  }

  registerOrgUnit(u: OrgUnitRow, pos: number, at: number): void {
    this.row('registerOrgUnit', [u.id, u.name, u.level, u.parent_id, u.code, u.org_path, pos, at]);
  }

  registerCampaign(c: CampaignRow, pos: number, at: number): void {
    this.row('registerCampaign', [c.id, c.name, c.org_unit_id, c.org_path, c.starts_on, c.ends_on, pos, at]);
  }

  registerVolunteer(v: VolunteerRow, pos: number, at: number): void {
    this.row('registerVolunteer', [v.id, v.org_unit_id, v.org_path, pos, at]);
  }

  periodLocks(): readonly PeriodLockRow[] {
    // Locks are few and their rows go through `ops`, which the lookup sends first: no held row needs writing.
    return (this.locks ??= this.lookup({ kind: 'periodLocks' }) as PeriodLockRow[]);
  }

  lockPeriod(l: PeriodLockRow, pos: number, at: number): void {
    this.row('lockPeriod', [l.month, l.org_unit_id, l.org_path, l.reason, l.actor, pos, at]);
    this.locks = undefined;
  }

  insertChange(c: ChangeRow): void {
    this.row('insertChange', CHANGE_COLUMNS.map((column) => c[column]));
  }

  /** Ends a version: still held, it is written once, already closed; else the rebuild thread updates its row. */
  private close(open: PendingVersion, op: typeof RebuildOp.CloseActivity | typeof RebuildOp.CloseHours, pos: number, at: number): void {
    if (open.rowid === 0) {
      open.known_until_pos = pos;
      open.known_until_at = at;
    } else {
      this.ops.push(op, open.rowid, pos, at);
    }
  }

  private row(statement: RowStatement, params: unknown[]): void {
    this.ops.push(RebuildOp.Row, rowStatementId(statement), params);
  }

  /** Keeps `record` for `activityId`, forgetting the oldest quarter first when full (Map iterates in insertion order). */
  private remember(activityId: string, record: ActivityRecord): void {
    if (this.activities.size >= this.limits.cachedActivities) {
      let drop = Math.ceil(this.limits.cachedActivities / 4);
      for (const old of this.activities.keys()) {
        this.activities.delete(old);
        if (--drop === 0) break;
      }
    }
    this.activities.set(activityId, record);
  }

  private ask(query: RebuildLookup): unknown {
    this.flush();
    return this.lookup(query);
  }
}

