import {
  upcast, type ActivityCorrected, type ActivityFacts, type ActivityRecorded, type ActivityVoided, type CampaignLaunched,
  type DonatedItem, type DonationReceived, type DonationRefunded, type FundsDisbursed, type GoodsDistributed, type HoursLogged,
  type HoursRejected, type HoursVerified, type OrgUnitRegistered, type PeriodLocked, type VolunteerRegistered,
} from '@tongxin/domain';
import type { RecordedEvent } from '@tongxin/event-store';
import { coveringLock, type ChangeEntityType, type ChangeKind, type ChangeRow, type PeriodLockRow } from './changes';
import { entityKey } from './entity-key';
import { encodeOrgPath } from './org-path';

/** A version of an activity's counted facts (a row of activity_versions without its known_* columns). */
export interface ActivityVersion {
  activity_key: number; activity_id: string; recorded_pos: number; org_path: string; campaign_id: string | null;
  category: string; venue_type: string | null; occurred_on: string; participants: number; beneficiaries: number;
  materials_distributed: number;
}

/**
 * A version of an hour entry (a row of hour_versions without its known_* columns). Its verification is not a new
 * version but a state it enters at (verified_pos, verified_at): verified "as of T" when verified_at <= T. An entry is
 * verified once, and a moved version keeps it, so the row needs no second copy for it.
 */
export interface HourVersion {
  entry_key: number; activity_pos: number | null; volunteer_id: string; entry_id: string; activity_id: string | null;
  org_path: string; campaign_id: string | null; served_on: string; minutes: number;
  verified_pos: number | null; verified_at: number | null;
}

/** A correction moving an activity's open hours to its new campaign, at the correction's position and instant. */
export interface HoursMove { campaignId: string | null; pos: number; at: number }

/** What an hour entry needs of the activity it is linked to. */
export interface LinkedActivity {
  /** The position that recorded the activity: its compact, time-ordered handle in hour_versions. */
  recordedPos: number;
  campaignId: string | null;
}

export interface DonationRow { donation_id: string; campaign_id: string; org_path: string; kind: string; amount: number; received_on: string }
export interface RefundRow {
  refund_id: string; donation_id: string; campaign_id: string; org_path: string; kind: string; amount: number; refunded_on: string;
}
export interface DisbursementRow {
  disbursement_id: string; campaign_id: string; org_path: string; amount: number; beneficiaries: number;
  activity_id: string | null; paid_on: string;
}
/**
 * A line of a goods donation in a lot of units that share one value: `amount` 分 over `quantity` units (goodsValuations).
 * The lines of one lot carry the same `lot`, `quantity` and `amount`.
 */
export interface GoodsValuationRow { donation_id: string; item_index: number; lot: number; quantity: number; amount: number }
export interface DistributionRow {
  distribution_id: string; donation_id: string; campaign_id: string; org_path: string; beneficiaries: number; distributed_on: string;
}
/** One line of a distribution, where and when the distribution counts. */
export interface DistributionItemRow {
  distribution_id: string; donation_id: string; item_index: number; campaign_id: string; org_path: string; unit: string;
  quantity: number; distributed_on: string;
}
export interface OrgUnitRow { id: string; name: string; level: string; parent_id: string | null; code: string | null; org_path: string }
export interface CampaignRow {
  id: string; name: string; org_unit_id: string; org_path: string; starts_on: string | null; ends_on: string | null;
}
export interface VolunteerRow { id: string; org_unit_id: string; org_path: string }

/**
 * The fact tables as the fold sees them, whichever engine holds them: SQLite writes through at once,
 * PostgreSQL collects a batch in memory over prefetched rows. `A`/`H` are the engine's open versions
 * (an ActivityVersion/HourVersion plus whatever handle it needs to close that row later).
 * An insert makes the row the open version of its entity (and, for activities, the link hours follow);
 * a close ends the open version at (pos, at). Rows passed in are fresh objects the store may keep and extend.
 */
export interface FactStore<A extends ActivityVersion = ActivityVersion, H extends HourVersion = HourVersion> {
  openActivity(activityId: string): A | undefined;
  /** The latest version, open or closed: hours linked to a voided activity still follow its campaign. */
  activityLink(activityId: string): LinkedActivity | undefined;
  insertActivity(row: ActivityVersion, pos: number, at: number): void;
  closeActivity(open: A, pos: number, at: number): void;

  openHours(volunteerId: string, entryId: string): H | undefined;
  /**
   * The activity's open hour versions, which the fold then closes and re-inserts under the campaign it is `moving` them
   * to, at (pos, at). A store that keeps written rows out of reach (a rebuild's, rebuild-fact-store.ts) may move those
   * itself and return the rest.
   */
  openHoursOfActivity(activityId: string, activityPos: number, moving: HoursMove): H[];
  insertHours(row: HourVersion, pos: number, at: number): void;
  closeHours(open: H, pos: number, at: number): void;
  /** Marks the open version verified at (pos, at), on the row and on `open` itself. */
  verifyHours(open: H, pos: number, at: number): void;

  insertDonation(row: DonationRow, pos: number, at: number): void;
  insertRefund(row: RefundRow, pos: number, at: number): void;
  insertDisbursement(row: DisbursementRow, pos: number, at: number): void;
  /** First registration wins, as for org units: a donation is received once. */
  insertGoodsValuation(row: GoodsValuationRow, pos: number, at: number): void;
  insertDistribution(row: DistributionRow, items: readonly DistributionItemRow[], pos: number, at: number): void;
  /** First registration wins (ON CONFLICT DO NOTHING): a replayed registration changes nothing. */
  registerOrgUnit(row: OrgUnitRow, pos: number, at: number): void;
  registerCampaign(row: CampaignRow, pos: number, at: number): void;
  registerVolunteer(row: VolunteerRow, pos: number, at: number): void;

  /** Every period lock recorded so far (few: a handful per unit and month), in log order. */
  periodLocks(): readonly PeriodLockRow[];
  lockPeriod(row: PeriodLockRow, pos: number, at: number): void;
  insertChange(row: ChangeRow): void;
}

/** The counted fields of an activity version, as the API names them (before/after of a change). */
function activityFigures(a: ActivityVersion): Record<string, unknown> {
  return {
    campaignId: a.campaign_id, category: a.category, venueType: a.venue_type, occurredOn: a.occurred_on,
    participants: a.participants, beneficiaries: a.beneficiaries, materialsDistributed: a.materials_distributed,
  };
}

function hourFigures(h: HourVersion): Record<string, unknown> {
  return { status: h.verified_pos !== null ? 'verified' : 'pending', servedOn: h.served_on, minutes: h.minutes, campaignId: h.campaign_id };
}

/** One side of a change: where and when the figures it moves count. */
interface ChangeSide { campaign_id: string | null; category: string | null; venue_type: string | null; date: string }

function activitySide(a: ActivityVersion): ChangeSide {
  return { campaign_id: a.campaign_id, category: a.category, venue_type: a.venue_type, date: a.occurred_on };
}

function plainSide(campaignId: string | null, date: string): ChangeSide {
  return { campaign_id: campaignId, category: null, venue_type: null, date };
}

interface ChangeSpec {
  kind: ChangeKind;
  entity: [ChangeEntityType, string, string | null];
  orgPath: string;
  before: ChangeSide;
  after: ChangeSide;
  values: [Record<string, unknown> | null, Record<string, unknown> | null];
  reason: string | null;
}

/**
 * Whether a lock covers the month of `date` for the unit at `orgPath`. The domain refuses new facts there, so only one
 * that raced a lock on a store without atomic conditions, or an imported history, is; it is listed as a late change.
 */
function inLockedPeriod(store: Pick<FactStore, 'periodLocks'>, date: string, orgPath: string): boolean {
  const locks = store.periodLocks();
  return locks.length > 0 && coveringLock(locks, date.slice(0, 7), orgPath) !== undefined;
}

function lateEntry(entity: ChangeSpec['entity'], orgPath: string, side: ChangeSide, after: Record<string, unknown>): ChangeSpec {
  return { kind: 'late_entry', entity, orgPath, before: side, after: side, values: [null, after], reason: null };
}

/**
 * All the fold reads of an event's metadata: `actor` (changes, period locks) and `schemaVersion` (upcast). Replays ask
 * the store for these keys alone (ReadAllOptions.metadataKeys).
 */
export const FOLD_METADATA_KEYS: readonly string[] = ['actor', 'schemaVersion'];

/**
 * The lots of a goods donation whose units share a value: each line that states its value is a lot of its own; a
 * donation of one good (its lines the same description and unit: one line, or several lots of 大米) is one lot, its
 * assessed amount over all its units. A donation of different goods without values per line has none: its
 * distributions add nothing to goodsDistributedValue.
 */
export function goodsValuations(donationId: string, amount: number, items: readonly DonatedItem[]): GoodsValuationRow[] {
  if (items.length > 0 && items.every((item) => item.value !== undefined)) {
    return items.map((item, index) => ({
      donation_id: donationId, item_index: index, lot: index, quantity: item.quantity, amount: item.value!,
    }));
  }
  const [first] = items;
  let quantity = 0;
  for (const item of items) {
    if (item.description !== first.description || item.unit !== first.unit) return [];
    quantity += item.quantity;
  }
  return items.map((_, index) => ({ donation_id: donationId, item_index: index, lot: 0, quantity, amount }));
}

/** Payloads are trusted: the domain decided them and the store recorded them as JSON objects. */
function dataOf<T>(event: RecordedEvent): T {
  return event.data as unknown as T;
}

/** Fields of an activity that a figure, filter or dimension reads; a correction of anything else is a no-op here. */
const COUNTED_FIELDS = ['campaignId', 'category', 'venueType', 'occurredOn', 'participants', 'beneficiaries',
  'materialsDistributed'] as const satisfies readonly (keyof ActivityFacts)[];

/** True when a correction changes something the read model counts (engines skip prefetching otherwise). */
export function correctsCountedFields(changes: object): boolean {
  return COUNTED_FIELDS.some((field) => Object.hasOwn(changes, field));
}

/**
 * Event → fact decisions, shared by every engine: which rows a event opens and closes. Engine-neutral and
 * synchronous; the FactStore decides how rows reach the database. Holds only caches of immutable things
 * (org paths, the last parsed instant), so one fold may serve any number of batches and stores.
 */
export class LedgerFold {
  /** Org unit id → encoded path: units never move, so a unit's path is fixed once registered. */
  private readonly paths = new Map<string, string>();
  private lastRecordedAt = '';
  private lastRecordedMs = 0;
  /** 'YYYY-MM-DDT' of the last instant parsed in full, and its midnight in ms (a NUL, matching nothing, until then). */
  private lastDay = '\u0000';
  private lastDayMs = 0;

  apply<A extends ActivityVersion, H extends HourVersion>(store: FactStore<A, H>, recorded: RecordedEvent): void {
    // Old shapes are raised to the current schema here, the one entry every engine folds through;
    // a current event comes back as the same object, so a replay pays a lookup, not a copy.
    const event = upcast(recorded);
    const pos = event.position;
    const at = this.recordedMs(event.recordedAt);
    switch (event.type) {
      case 'HoursLogged': {
        const d = dataOf<HoursLogged['data']>(event);
        // Not in this read model (the domain never allows it): trust the event's campaign.
        const activity = d.activityId === null ? undefined
          : store.activityLink(d.activityId) ?? { recordedPos: 0, campaignId: d.campaignId };
        const row: HourVersion = {
          entry_key: entityKey(d.volunteerId, d.entryId), activity_pos: activity ? activity.recordedPos : null,
          volunteer_id: d.volunteerId, entry_id: d.entryId, activity_id: d.activityId, org_path: this.path(d.orgPath),
          // The linked activity's campaign as the log knows it now; corrections re-version these rows later.
          campaign_id: activity ? activity.campaignId : null, served_on: d.servedOn, minutes: d.minutes,
          verified_pos: null, verified_at: null,
        };
        store.insertHours(row, pos, at);
        if (inLockedPeriod(store, d.servedOn, row.org_path)) {
          this.recordChange(store, event, at,
            lateEntry(['hourEntry', d.entryId, d.volunteerId], row.org_path, plainSide(row.campaign_id, d.servedOn), hourFigures(row)));
        }
        return;
      }
      case 'HoursVerified': {
        const d = dataOf<HoursVerified['data']>(event);
        const open = store.openHours(d.volunteerId, d.entryId);
        if (!open || open.verified_pos !== null) return;
        // Listed only when late: verifying on time is the normal course, not a change to a reported figure.
        const before = inLockedPeriod(store, open.served_on, open.org_path) ? hourFigures(open) : undefined;
        store.verifyHours(open, pos, at);
        if (before) {
          const side = plainSide(open.campaign_id, open.served_on);
          this.recordChange(store, event, at,
            { kind: 'verification', entity: ['hourEntry', d.entryId, d.volunteerId], orgPath: open.org_path, before: side,
              after: side, values: [before, { ...before, status: 'verified' }], reason: d.reason ?? null });
        }
        return;
      }
      case 'HoursRejected': {
        // Only a rejection takes hours out of the totals.
        const d = dataOf<HoursRejected['data']>(event);
        const open = store.openHours(d.volunteerId, d.entryId);
        if (!open) return;
        store.closeHours(open, pos, at);
        const side = plainSide(open.campaign_id, open.served_on);
        this.recordChange(store, event, at,
          { kind: 'rejection', entity: ['hourEntry', d.entryId, d.volunteerId], orgPath: open.org_path, before: side, after: side,
            values: [hourFigures(open), { status: 'rejected' }], reason: d.reason });
        return;
      }
      case 'ActivityRecorded': {
        const d = dataOf<ActivityRecorded['data']>(event);
        const row: ActivityVersion = {
          activity_key: entityKey(d.activityId), activity_id: d.activityId, recorded_pos: pos, org_path: this.path(d.orgPath),
          campaign_id: d.campaignId, category: d.category, venue_type: d.venueType, occurred_on: d.occurredOn,
          participants: d.participants, beneficiaries: d.beneficiaries, materials_distributed: d.materialsDistributed,
        };
        store.insertActivity(row, pos, at);
        if (inLockedPeriod(store, d.occurredOn, row.org_path)) {
          this.recordChange(store, event, at,
            lateEntry(['activity', d.activityId, null], row.org_path, activitySide(row), activityFigures(row)));
        }
        return;
      }
      case 'ActivityCorrected':
        return this.correctActivity(store, event, dataOf<ActivityCorrected['data']>(event), pos, at);
      case 'ActivityVoided': {
        // Hours logged against a voided activity keep counting: the volunteers served all the same,
        // and only a rejection of the entry itself removes hours.
        const d = dataOf<ActivityVoided['data']>(event);
        const open = store.openActivity(d.activityId);
        if (!open) return;
        store.closeActivity(open, pos, at);
        const side = activitySide(open);
        this.recordChange(store, event, at,
          { kind: 'void', entity: ['activity', d.activityId, null], orgPath: open.org_path, before: side, after: side,
            values: [activityFigures(open), null], reason: d.reason });
        return;
      }
      case 'DonationReceived': {
        const d = dataOf<DonationReceived['data']>(event);
        const orgPath = this.path(d.orgPath);
        store.insertDonation({ donation_id: d.donationId, campaign_id: d.campaignId, org_path: orgPath, kind: d.kind,
          amount: d.amount, received_on: d.receivedOn }, pos, at);
        if (d.kind === 'goods') {
          for (const lot of goodsValuations(d.donationId, d.amount, d.items)) store.insertGoodsValuation(lot, pos, at);
        }
        if (inLockedPeriod(store, d.receivedOn, orgPath)) {
          this.recordChange(store, event, at,
            lateEntry(['donation', d.donationId, null], orgPath, plainSide(d.campaignId, d.receivedOn),
              { kind: d.kind, amount: d.amount, receivedOn: d.receivedOn }));
        }
        return;
      }
      case 'DonationRefunded': {
        const d = dataOf<DonationRefunded['data']>(event);
        const orgPath = this.path(d.orgPath);
        store.insertRefund({ refund_id: d.refundId, donation_id: d.donationId, campaign_id: d.campaignId,
          org_path: orgPath, kind: d.kind, amount: d.amount, refunded_on: d.refundedOn }, pos, at);
        const side = plainSide(d.campaignId, d.refundedOn);
        this.recordChange(store, event, at,
          { kind: 'refund', entity: ['refund', d.refundId, d.donationId], orgPath, before: side, after: side,
            values: [null, { amount: d.amount, refundedOn: d.refundedOn }], reason: d.reason });
        return;
      }
      case 'FundsDisbursed': {
        const d = dataOf<FundsDisbursed['data']>(event);
        const orgPath = this.path(d.orgPath);
        store.insertDisbursement({ disbursement_id: d.disbursementId, campaign_id: d.campaignId, org_path: orgPath,
          amount: d.amount, beneficiaries: d.beneficiaries, activity_id: d.activityId, paid_on: d.paidOn }, pos, at);
        const side = plainSide(d.campaignId, d.paidOn);
        this.recordChange(store, event, at,
          { kind: 'disbursement', entity: ['disbursement', d.disbursementId, null], orgPath, before: side, after: side,
            values: [null, { amount: d.amount, paidOn: d.paidOn, purpose: d.purpose, beneficiaries: d.beneficiaries }], reason: null });
        return;
      }
      case 'GoodsDistributed': {
        const d = dataOf<GoodsDistributed['data']>(event);
        const orgPath = this.path(d.orgPath);
        store.insertDistribution(
          { distribution_id: d.distributionId, donation_id: d.donationId, campaign_id: d.campaignId, org_path: orgPath,
            beneficiaries: d.beneficiaries, distributed_on: d.distributedOn },
          d.items.map((item) => ({ distribution_id: d.distributionId, donation_id: d.donationId, item_index: item.index,
            campaign_id: d.campaignId, org_path: orgPath, unit: item.unit, quantity: item.quantity, distributed_on: d.distributedOn })),
          pos, at);
        if (inLockedPeriod(store, d.distributedOn, orgPath)) {
          this.recordChange(store, event, at,
            lateEntry(['distribution', d.distributionId, d.donationId], orgPath, plainSide(d.campaignId, d.distributedOn),
              { items: d.items, beneficiaries: d.beneficiaries, distributedOn: d.distributedOn }));
        }
        return;
      }
      case 'PeriodLocked': {
        const d = dataOf<PeriodLocked['data']>(event);
        const actor = event.metadata?.actor;
        store.lockPeriod({ month: d.month, org_unit_id: d.orgUnitId, org_path: this.path(d.orgPath), reason: d.reason,
          actor: typeof actor === 'string' ? actor : null }, pos, at);
        return;
      }
      case 'OrgUnitRegistered': {
        const d = dataOf<OrgUnitRegistered['data']>(event);
        store.registerOrgUnit({ id: d.orgUnitId, name: d.name, level: d.level, parent_id: d.parentId, code: d.code,
          org_path: this.path(d.orgPath) }, pos, at);
        return;
      }
      case 'CampaignLaunched': {
        const d = dataOf<CampaignLaunched['data']>(event);
        store.registerCampaign({ id: d.campaignId, name: d.name, org_unit_id: d.orgUnitId, org_path: this.path(d.orgPath),
          starts_on: d.startsOn, ends_on: d.endsOn }, pos, at);
        return;
      }
      case 'VolunteerRegistered': {
        const d = dataOf<VolunteerRegistered['data']>(event);
        store.registerVolunteer({ id: d.volunteerId, org_unit_id: d.orgUnitId, org_path: this.path(d.orgPath) }, pos, at);
        return;
      }
      default:
        // Event types this projection does not know (newer writers, other projections) move the checkpoint only.
        return;
    }
  }

  private recordChange<A extends ActivityVersion, H extends HourVersion>(
    store: FactStore<A, H>, event: RecordedEvent, at: number, spec: ChangeSpec,
  ): void {
    const locks = store.periodLocks();
    const lock = locks.length === 0 ? undefined
      : coveringLock(locks, spec.before.date.slice(0, 7), spec.orgPath) ?? coveringLock(locks, spec.after.date.slice(0, 7), spec.orgPath);
    const actor = event.metadata?.actor;
    const [before, after] = spec.values;
    store.insertChange({
      position: event.position, recorded_at: at, kind: spec.kind, event_type: event.type,
      entity_type: spec.entity[0], entity_id: spec.entity[1], parent_id: spec.entity[2], org_path: spec.orgPath,
      b_campaign_id: spec.before.campaign_id, b_category: spec.before.category, b_venue_type: spec.before.venue_type,
      b_date: spec.before.date, a_campaign_id: spec.after.campaign_id, a_category: spec.after.category,
      a_venue_type: spec.after.venue_type, a_date: spec.after.date,
      before_json: before === null ? null : JSON.stringify(before), after_json: after === null ? null : JSON.stringify(after),
      reason: spec.reason, actor: typeof actor === 'string' ? actor : null,
      locked_month: lock ? lock.month : null, locked_org_unit_id: lock ? lock.org_unit_id : null,
    });
  }

  private correctActivity<A extends ActivityVersion, H extends HourVersion>(
    store: FactStore<A, H>, event: RecordedEvent, d: ActivityCorrected['data'], pos: number, at: number,
  ): void {
    const changes = d.changes as Partial<Record<string, unknown>>;
    if (!correctsCountedFields(changes)) return;
    const open = store.openActivity(d.activityId);
    if (!open) return; // voided (or never recorded): nothing current to correct
    const pick = <K extends keyof ActivityFacts>(field: K, current: ActivityFacts[K]): ActivityFacts[K] =>
      Object.hasOwn(changes, field) ? (changes[field] as ActivityFacts[K]) : current;
    const campaignId = pick('campaignId', open.campaign_id);
    store.closeActivity(open, pos, at);
    const corrected: ActivityVersion = {
      activity_key: open.activity_key, activity_id: open.activity_id, recorded_pos: open.recorded_pos, org_path: open.org_path,
      campaign_id: campaignId, category: pick('category', open.category as never), venue_type: pick('venueType', open.venue_type as never),
      occurred_on: pick('occurredOn', open.occurred_on), participants: pick('participants', open.participants),
      beneficiaries: pick('beneficiaries', open.beneficiaries), materials_distributed: pick('materialsDistributed', open.materials_distributed),
    };
    // Before/after of the counted fields the correction changed (title and notes move no figure).
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const previous = activityFigures(open);
    const next = activityFigures(corrected);
    for (const field of COUNTED_FIELDS) {
      if (previous[field] === next[field]) continue;
      before[field] = previous[field];
      after[field] = next[field];
    }
    this.recordChange(store, event, at,
      { kind: 'correction', entity: ['activity', d.activityId, null], orgPath: open.org_path, before: activitySide(open),
        after: activitySide(corrected), values: [before, after], reason: d.reason });
    store.insertActivity(corrected, pos, at);
    if (campaignId !== open.campaign_id) {
      // Linked hours follow their activity's campaign; new versions keep "as of before" on the old one.
      for (const hours of store.openHoursOfActivity(d.activityId, open.recorded_pos, { campaignId, pos, at })) {
        store.closeHours(hours, pos, at);
        const moved = hourFields(hours);
        moved.campaign_id = campaignId;
        store.insertHours(moved, pos, at);
      }
    }
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
    if (recordedAt === this.lastRecordedAt) return this.lastRecordedMs;
    // Stores write recordedAt as 'YYYY-MM-DDTHH:MM:SS.mmmZ'; within a day only the time differs, and reading
    // it digit by digit costs a tenth of Date.parse, which every event of a replay would otherwise pay.
    let ms = recordedAt.length === 24 && recordedAt.startsWith(this.lastDay) ? timeOfDayMs(recordedAt) : -1;
    if (ms >= 0) {
      ms += this.lastDayMs;
    } else {
      ms = Date.parse(recordedAt);
      if (Number.isNaN(ms)) throw new Error(`recordedAt ${recordedAt} is not an instant`);
      const day = recordedAt.slice(0, 11);
      const dayMs = Date.parse(`${day}00:00:00.000Z`);
      if (recordedAt.length === 24 && day[10] === 'T' && timeOfDayMs(recordedAt) === ms - dayMs) {
        this.lastDay = day;
        this.lastDayMs = dayMs;
      }
    }
    this.lastRecordedAt = recordedAt;
    this.lastRecordedMs = ms;
    return ms;
  }
}

/** 'HH:MM:SS.mmmZ' at offset 11 of an ISO instant, in ms; -1 unless it is exactly that shape and in range. */
function timeOfDayMs(iso: string): number {
  if (iso.charCodeAt(13) !== 58 || iso.charCodeAt(16) !== 58 || iso.charCodeAt(19) !== 46 || iso.charCodeAt(23) !== 90) return -1;
  const hours = twoDigits(iso, 11);
  const minutes = twoDigits(iso, 14);
  const seconds = twoDigits(iso, 17);
  const millis = twoDigits(iso, 20) * 10 + digit(iso, 22);
  if (!(hours < 24 && minutes < 60 && seconds < 60 && millis >= 0)) return -1;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

/** NaN unless both characters are digits (NaN fails every range test above). */
function twoDigits(text: string, at: number): number {
  return digit(text, at) * 10 + digit(text, at + 1);
}

function digit(text: string, at: number): number {
  const d = text.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/** The HourVersion columns of an engine's open version (dropping its handle, e.g. a rowid). */
function hourFields(h: HourVersion): HourVersion {
  return {
    entry_key: h.entry_key, activity_pos: h.activity_pos, volunteer_id: h.volunteer_id, entry_id: h.entry_id,
    activity_id: h.activity_id, org_path: h.org_path, campaign_id: h.campaign_id, served_on: h.served_on,
    minutes: h.minutes, verified_pos: h.verified_pos, verified_at: h.verified_at,
  };
}
