import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@tongxin/event-store';
import { ActivityLinks } from './activity-links';
import { CHANGE_COLUMNS, type ChangeRow, type PeriodLockRow } from './changes';
import { entityKey } from './entity-key';
import {
  LedgerFold, type ActivityVersion, type CampaignRow, type DisbursementRow, type DistributionItemRow, type DistributionRow,
  type DonationRow, type FactStore, type GoodsValuationRow, type HourVersion, type LinkedActivity, type OrgUnitRow, type RefundRow,
  type VolunteerRow,
} from './fold';
import { HourEntries, type OpenEntry } from './hour-entries';
import { GENERATION_KEY, PROJECTION_NAME } from './schema';
import { prepareStatements, type Statements } from './statements';

/** An activity's open version and the rowid that closes it. */
interface OpenActivity extends ActivityVersion {
  rowid: number;
}

/**
 * The fact tables in SQLite, written through as the fold decides: each call is one prepared statement
 * (or a cache hit), inside the batch's transaction.
 */
class SqliteFactStore implements FactStore<OpenActivity, OpenEntry> {
  readonly activities: ActivityLinks;
  readonly hours: HourEntries;
  /** Every lock, read once (they are few) and again after a lock is recorded or the caches are dropped. */
  private locks: PeriodLockRow[] | undefined;
  constructor(private readonly sql: Statements) {
    this.activities = new ActivityLinks(sql);
    this.hours = new HourEntries(sql);
  }

  openActivity(activityId: string): OpenActivity | undefined {
    return this.sql.selectOpenActivity.get(entityKey(activityId), activityId) as OpenActivity | undefined;
  }

  activityLink(activityId: string): LinkedActivity | undefined {
    return this.activities.get(activityId);
  }

  insertActivity(a: ActivityVersion, pos: number, at: number): void {
    this.sql.insertActivity.run(a.activity_key, a.activity_id, a.recorded_pos, a.org_path, a.campaign_id, a.category,
      a.venue_type, a.occurred_on, a.participants, a.beneficiaries, a.materials_distributed, pos, at);
    this.activities.remember(a.activity_id, { recordedPos: a.recorded_pos, campaignId: a.campaign_id });
  }

  closeActivity(open: OpenActivity, pos: number, at: number): void {
    this.sql.closeActivityRow.run(pos, at, open.rowid);
  }

  openHours(volunteerId: string, entryId: string): OpenEntry | undefined {
    return this.hours.find(volunteerId, entryId);
  }

  openHoursOfActivity(activityId: string, activityPos: number): OpenEntry[] {
    return this.hours.ofActivity(activityId, activityPos);
  }

  insertHours(row: HourVersion, pos: number, at: number): void {
    this.hours.insert(row, pos, at);
  }

  closeHours(open: OpenEntry, pos: number, at: number): void {
    this.hours.close(open, pos, at);
  }

  verifyHours(open: OpenEntry, pos: number, at: number): void {
    this.hours.verify(open, pos, at);
  }

  insertDonation(d: DonationRow, pos: number, at: number): void {
    this.sql.insertDonation.run(d.donation_id, d.campaign_id, d.org_path, d.kind, d.amount, d.received_on, pos, at);
  }

  insertRefund(r: RefundRow, pos: number, at: number): void {
    this.sql.insertRefund.run(r.refund_id, r.donation_id, r.campaign_id, r.org_path, r.kind, r.amount, r.refunded_on, pos, at);
  }

  insertDisbursement(d: DisbursementRow, pos: number, at: number): void {
    this.sql.insertDisbursement.run(d.disbursement_id, d.campaign_id, d.org_path, d.amount, d.beneficiaries, d.activity_id,
      d.paid_on, pos, at);
  }

  insertGoodsValuation(v: GoodsValuationRow, pos: number, at: number): void {
    this.sql.insertGoodsValuation.run(v.donation_id, v.item_index, v.lot, v.quantity, v.amount, pos, at);
  }

  insertDistribution(d: DistributionRow, items: readonly DistributionItemRow[], pos: number, at: number): void {
    this.sql.insertDistribution.run(d.distribution_id, d.donation_id, d.campaign_id, d.org_path, d.beneficiaries, d.distributed_on, pos, at);
    for (const i of items) {
      this.sql.insertDistributionItem.run(i.distribution_id, i.donation_id, i.item_index, i.campaign_id, i.org_path, i.unit,
        i.quantity, i.distributed_on, pos, at);
    }
  }

  registerOrgUnit(u: OrgUnitRow, pos: number, at: number): void {
    this.sql.registerOrgUnit.run(u.id, u.name, u.level, u.parent_id, u.code, u.org_path, pos, at);
  }

  registerCampaign(c: CampaignRow, pos: number, at: number): void {
    this.sql.registerCampaign.run(c.id, c.name, c.org_unit_id, c.org_path, c.starts_on, c.ends_on, pos, at);
  }

  registerVolunteer(v: VolunteerRow, pos: number, at: number): void {
    this.sql.registerVolunteer.run(v.id, v.org_unit_id, v.org_path, pos, at);
  }

  periodLocks(): readonly PeriodLockRow[] {
    return (this.locks ??= this.sql.selectPeriodLocks.all() as PeriodLockRow[]);
  }

  lockPeriod(l: PeriodLockRow, pos: number, at: number): void {
    this.sql.lockPeriod.run(l.month, l.org_unit_id, l.org_path, l.reason, l.actor, pos, at);
    this.locks = undefined;
  }

  insertChange(c: ChangeRow): void {
    this.sql.insertChange.run(CHANGE_COLUMNS.map((column) => c[column]));
  }

  /** Caches mirror committed rows only: after a rollback, or another writer's commit, they start over. */
  forget(): void {
    this.activities.clear();
    this.hours.clear();
    this.locks = undefined;
  }
}

/**
 * Folds events into the fact tables. A batch is one IMMEDIATE transaction that also moves the checkpoint
 * (compare-and-set), so the rows and the checkpoint commit or vanish together; events at or below the
 * checkpoint are skipped, so a batch applied twice (a retry, a second process) counts nothing twice.
 */
export class LedgerProjection {
  private readonly sql: Statements;
  private readonly store: SqliteFactStore;
  private readonly fold = new LedgerFold();
  /** The checkpoint this process last committed; anything else means another writer moved it. */
  private lastCommitted = -1;
  /** The rebuild generation this process last committed under (a rebuild changes it; see GENERATION_KEY). */
  private lastGeneration: string | undefined;
  private readonly readGeneration: Database.Statement;
  private readonly applyInTransaction: (events: readonly RecordedEvent[]) => number;

  constructor(db: Database.Database) {
    this.sql = prepareStatements(db);
    this.store = new SqliteFactStore(this.sql);
    this.readGeneration = db.prepare('SELECT value FROM read_model_meta WHERE key = ?').pluck();
    this.applyInTransaction = db.transaction((events: readonly RecordedEvent[]) => this.applyAll(events)).immediate;
  }

  checkpoint(): number {
    return (this.sql.readCheckpoint.get(PROJECTION_NAME) as { position: number }).position;
  }

  /** Applies a batch in position order and returns the checkpoint after it. */
  applyBatch(events: readonly RecordedEvent[]): number {
    try {
      return this.applyInTransaction(events);
    } catch (error) {
      this.forget();
      throw error;
    }
  }

  private applyAll(events: readonly RecordedEvent[]): number {
    const before = this.checkpoint();
    const generation = (this.readGeneration.get(GENERATION_KEY) as string | undefined) ?? '';
    if (before !== this.lastCommitted || generation !== this.lastGeneration) this.forget();
    this.lastGeneration = generation;
    let position = before;
    for (const event of events) {
      if (event.position <= position) continue;
      this.fold.apply(this.store, event);
      position = event.position;
    }
    if (position !== before && this.sql.moveCheckpoint.run(position, PROJECTION_NAME, before).changes !== 1) {
      throw new Error(`checkpoint ${PROJECTION_NAME} moved under this batch`);
    }
    this.lastCommitted = position;
    return position;
  }

  private forget(): void {
    this.store.forget();
    this.lastCommitted = -1;
  }
}
