import type Database from 'better-sqlite3';
import type {
  ActivityCorrected, ActivityFacts, ActivityRecorded, CampaignLaunched, DonationReceived, DonationRefunded,
  FundsDisbursed, HoursLogged, OrgUnitRegistered, VolunteerRegistered,
} from '@tongxin/domain';
import type { RecordedEvent } from '@tongxin/event-store';
import { ActivityLinks } from './activity-links';
import { entityKey } from './entity-key';
import { HourEntries } from './hour-entries';
import { encodeOrgPath } from './org-path';
import { PROJECTION_NAME } from './schema';
import { prepareStatements, type Statements } from './statements';

/** Payloads are trusted: the domain decided them and the store recorded them as JSON objects. */
function dataOf<T>(event: RecordedEvent): T {
  return event.data as unknown as T;
}

interface OpenActivity {
  rowid: number; activity_key: number; activity_id: string; recorded_pos: number; org_path: string; campaign_id: string | null; category: string;
  venue_type: string | null; occurred_on: string; participants: number; beneficiaries: number;
  materials_distributed: number;
}

/** Fields of an activity that a figure, filter or dimension reads; a correction of anything else is a no-op here. */
const COUNTED_FIELDS = ['campaignId', 'category', 'venueType', 'occurredOn', 'participants', 'beneficiaries',
  'materialsDistributed'] as const satisfies readonly (keyof ActivityFacts)[];

/**
 * Folds events into the fact tables. A batch is one IMMEDIATE transaction that also moves the checkpoint
 * (compare-and-set), so the rows and the checkpoint commit or vanish together; events at or below the
 * checkpoint are skipped, so a batch applied twice (a retry, a second process) counts nothing twice.
 */
export class LedgerProjection {
  private readonly sql: Statements;
  private readonly activities: ActivityLinks;
  private readonly hours: HourEntries;
  /** Org unit id → encoded path: units never move, so a unit's path is fixed once registered. */
  private readonly paths = new Map<string, string>();
  /** The checkpoint this process last committed; anything else means another writer moved it. */
  private lastCommitted = -1;
  private lastRecordedAt = '';
  private lastRecordedMs = 0;
  private readonly applyInTransaction: (events: readonly RecordedEvent[]) => number;

  constructor(private readonly db: Database.Database) {
    this.sql = prepareStatements(db);
    this.activities = new ActivityLinks(this.sql);
    this.hours = new HourEntries(this.sql);
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
    if (before !== this.lastCommitted) this.forget();
    let position = before;
    for (const event of events) {
      if (event.position <= position) continue;
      this.apply(event);
      position = event.position;
    }
    if (position !== before && this.sql.moveCheckpoint.run(position, PROJECTION_NAME, before).changes !== 1) {
      throw new Error(`checkpoint ${PROJECTION_NAME} moved under this batch`);
    }
    this.lastCommitted = position;
    return position;
  }

  /** Caches mirror committed rows only: after a rollback, or another writer's commit, they start over. */
  private forget(): void {
    this.activities.clear();
    this.hours.clear();
    this.lastCommitted = -1;
  }

  private path(orgPath: readonly string[]): string {
    const unit = orgPath[orgPath.length - 1];
    let path = this.paths.get(unit);
    if (path === undefined) {
      path = encodeOrgPath(orgPath);
      if (this.paths.size > 100_000) this.paths.clear();
      this.paths.set(unit, path);
    }
    return path;
  }

  private recordedMs(recordedAt: string): number {
    if (recordedAt !== this.lastRecordedAt) {
      const ms = Date.parse(recordedAt);
      if (Number.isNaN(ms)) throw new Error(`recordedAt ${recordedAt} is not an instant`);
      this.lastRecordedAt = recordedAt;
      this.lastRecordedMs = ms;
    }
    return this.lastRecordedMs;
  }

  private apply(event: RecordedEvent): void {
    const pos = event.position;
    const at = this.recordedMs(event.recordedAt);
    const s = this.sql;
    switch (event.type) {
      case 'HoursLogged': {
        const d = dataOf<HoursLogged['data']>(event);
        const activity = d.activityId === null ? undefined : this.activities.get(d.activityId, d.campaignId);
        this.hours.logged({
          activity_pos: activity ? activity.recordedPos : null, volunteer_id: d.volunteerId, entry_id: d.entryId,
          activity_id: d.activityId, org_path: this.path(d.orgPath),
          // The linked activity's campaign as the log knows it now; corrections re-version these rows later.
          campaign_id: activity ? activity.campaignId : null, served_on: d.servedOn, minutes: d.minutes, verified: 0,
        }, pos, at);
        return;
      }
      case 'HoursVerified': {
        const d = dataOf<{ volunteerId: string; entryId: string }>(event);
        this.hours.verified(d.volunteerId, d.entryId, pos, at);
        return;
      }
      case 'HoursRejected': {
        const d = dataOf<{ volunteerId: string; entryId: string }>(event);
        this.hours.rejected(d.volunteerId, d.entryId, pos, at);
        return;
      }
      case 'ActivityRecorded': {
        const d = dataOf<ActivityRecorded['data']>(event);
        s.insertActivity.run(entityKey(d.activityId), d.activityId, pos, this.path(d.orgPath), d.campaignId, d.category,
          d.venueType, d.occurredOn, d.participants, d.beneficiaries, d.materialsDistributed, pos, at);
        this.activities.remember(d.activityId, { recordedPos: pos, campaignId: d.campaignId });
        return;
      }
      case 'ActivityCorrected':
        return this.correctActivity(dataOf<ActivityCorrected['data']>(event), pos, at);
      case 'ActivityVoided': {
        // Hours logged against a voided activity keep counting: the volunteers served all the same,
        // and only a rejection of the entry itself removes hours.
        const { activityId } = dataOf<{ activityId: string }>(event);
        s.closeActivity.run(pos, at, entityKey(activityId), activityId);
        return;
      }
      case 'DonationReceived': {
        const d = dataOf<DonationReceived['data']>(event);
        s.insertDonation.run(d.donationId, d.campaignId, this.path(d.orgPath), d.kind, d.amount, d.receivedOn, pos, at);
        return;
      }
      case 'DonationRefunded': {
        const d = dataOf<DonationRefunded['data']>(event);
        s.insertRefund.run(d.refundId, d.donationId, d.campaignId, this.path(d.orgPath), d.kind, d.amount,
          d.refundedOn, pos, at);
        return;
      }
      case 'FundsDisbursed': {
        const d = dataOf<FundsDisbursed['data']>(event);
        s.insertDisbursement.run(d.disbursementId, d.campaignId, this.path(d.orgPath), d.amount, d.beneficiaries,
          d.activityId, d.paidOn, pos, at);
        return;
      }
      case 'OrgUnitRegistered': {
        const d = dataOf<OrgUnitRegistered['data']>(event);
        s.registerOrgUnit.run(d.orgUnitId, d.name, d.level, d.parentId, d.code, this.path(d.orgPath), pos, at);
        return;
      }
      case 'CampaignLaunched': {
        const d = dataOf<CampaignLaunched['data']>(event);
        s.registerCampaign.run(d.campaignId, d.name, d.orgUnitId, this.path(d.orgPath), d.startsOn, d.endsOn, pos, at);
        return;
      }
      case 'VolunteerRegistered': {
        const d = dataOf<VolunteerRegistered['data']>(event);
        s.registerVolunteer.run(d.volunteerId, d.orgUnitId, this.path(d.orgPath), pos, at);
        return;
      }
      default:
        // Event types this projection does not know (newer writers, other projections) move the checkpoint only.
        return;
    }
  }

  private correctActivity(d: ActivityCorrected['data'], pos: number, at: number): void {
    const changes = d.changes as Partial<Record<string, unknown>>;
    if (!COUNTED_FIELDS.some((field) => Object.hasOwn(changes, field))) return;
    const open = this.sql.selectOpenActivity.get(entityKey(d.activityId), d.activityId) as OpenActivity | undefined;
    if (!open) return; // voided (or never recorded): nothing current to correct
    const pick = <K extends keyof ActivityFacts>(field: K, current: ActivityFacts[K]): ActivityFacts[K] =>
      Object.hasOwn(changes, field) ? (changes[field] as ActivityFacts[K]) : current;
    const campaignId = pick('campaignId', open.campaign_id);
    this.sql.closeActivityRow.run(pos, at, open.rowid);
    this.sql.insertActivity.run(open.activity_key, open.activity_id, open.recorded_pos, open.org_path, campaignId, pick('category', open.category as never),
      pick('venueType', open.venue_type as never), pick('occurredOn', open.occurred_on),
      pick('participants', open.participants), pick('beneficiaries', open.beneficiaries),
      pick('materialsDistributed', open.materials_distributed), pos, at);
    if (campaignId !== open.campaign_id) {
      this.hours.activityMoved(d.activityId, open.recorded_pos, campaignId, pos, at);
    }
    this.activities.remember(d.activityId, { recordedPos: open.recorded_pos, campaignId });
  }
}
