import type { HourVersion } from './fold';
import { movedRowid } from './rebuild-ops';
import type { PendingVersion } from './write-behind';

/**
 * An hour entry's open version as a rebuild's fold knows it: rowid 0 while held back (write-behind.ts), its rowid once
 * sent to the rebuild thread; while in the cache, `cached`, `cachedAt` (the cache's clock when it came in) and `tick`
 * (the clock it is up to date with: the campaign moves it has taken in).
 */
export type RebuildEntry = HourVersion & PendingVersion & { cached?: boolean; cachedAt?: number; tick?: number };

/** A campaign move of an activity's open hours, as the rebuild thread ran it on the rows already sent. */
interface CampaignMove { activityPos: number; activityId: string; campaignId: string | null; tick: number }

/**
 * The cache's slot for an entry key (entity-key.ts): its low 30 bits, a small integer V8 keeps unboxed, where the 53-bit
 * key would be a heap number per call. Entries that share a slot are told apart by their ids.
 */
const slot = (entryKey: number): number => entryKey % 1_073_741_824;

/**
 * The open hour versions of a rebuild's fold, by entry key, bounded: FIFO, the oldest quarter forgotten at once, with no
 * per-hit bookkeeping. Two entries sharing a slot (about one add in 50,000 with 20,000 cached) are told apart by their
 * ids: the later one takes the slot and the earlier is no longer cached, which costs it a lookup at most.
 *
 * A campaign move (an activity corrected to another campaign) re-versions the activity's open rows already sent, on the
 * rebuild thread; the cached ones among them are brought up to date when next read (`get`) rather than searched for at
 * the move: moves are rare, and an index of entries by activity cost every entry two map updates. Held entries are not
 * the cache's concern there: the fold closes and re-inserts them itself (RebuildFactStore finds them among the held rows).
 */
export class OpenEntryCache {
  private readonly entries = new Map<number, RebuildEntry>();
  /** Entries in the order they were cached; those since removed or replaced are skipped when reached. */
  private order: RebuildEntry[] = [];
  private head = 0;
  /** Counts entries cached and moves recorded: a move applies to the entries cached before it. */
  private clock = 0;
  /** Moves by their activity's position, each list oldest first; `movesInOrder` holds all of them, oldest first. */
  private readonly moves = new Map<number, CampaignMove[]>();
  private movesInOrder: CampaignMove[] = [];

  constructor(private readonly limit: number) {}

  get(key: number, volunteerId: string, entryId: string): RebuildEntry | undefined {
    const entry = this.entries.get(slot(key));
    if (entry === undefined || entry.entry_id !== entryId || entry.volunteer_id !== volunteerId) return undefined;
    if (this.movesInOrder.length !== 0 && entry.activity_pos !== null) this.catchUp(entry);
    return entry;
  }

  /** Caches `entry` as its entry's open version (a new one, held, or one read back from the rebuild thread). */
  add(entry: RebuildEntry): void {
    if (entry.cached) return;
    if (this.entries.size >= this.limit) this.evict(Math.ceil(this.limit / 4), 0);
    // An entry already in the slot is displaced without being told: every read of the slot checks who holds it.
    this.entries.set(slot(entry.entry_key), entry);
    entry.cached = true;
    entry.cachedAt = entry.tick = ++this.clock;
    this.order.push(entry);
    if (this.order.length - this.head > 4 * this.limit) this.compact();
  }

  /** `entry` is closed: no longer any entry's open version. */
  remove(entry: RebuildEntry): void {
    if (!entry.cached) return;
    entry.cached = false;
    const key = slot(entry.entry_key);
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }

  /**
   * The open hours of the activity recorded at `activityPos` that were already sent moved to `campaignId`, each to a new
   * row at movedRowid(its rowid): what the cached ones among them become when next read. At most `limit` moves are kept:
   * past that, the entries cached before the oldest are forgotten with it.
   */
  moved(activityPos: number, activityId: string, campaignId: string | null): void {
    const move: CampaignMove = { activityPos, activityId, campaignId, tick: ++this.clock };
    const moves = this.moves.get(activityPos);
    if (moves) moves.push(move);
    else this.moves.set(activityPos, [move]);
    this.movesInOrder.push(move);
    if (this.movesInOrder.length > this.limit) this.evict(0, this.movesInOrder[this.movesInOrder.length - Math.max(1, this.limit >> 1)].tick);
  }

  /** Applies to a cached entry the moves of its activity recorded since it was cached, in order. */
  private catchUp(entry: RebuildEntry): void {
    const moves = this.moves.get(entry.activity_pos!);
    if (moves === undefined) return;
    for (const move of moves) {
      if (move.tick <= entry.tick! || move.activityId !== entry.activity_id) continue;
      // Open and cached before the move, so sent by then: the fold closes the held ones at the move.
      entry.campaign_id = move.campaignId;
      entry.rowid = movedRowid(entry.rowid);
      entry.tick = move.tick;
    }
  }

  /**
   * Forgets the `count` oldest cached entries and any cached before the tick `before`, then the moves older than every
   * entry still cached.
   */
  private evict(count: number, before: number): void {
    const order = this.order;
    while (this.head < order.length) {
      const old = order[this.head];
      const live = this.holds(old);
      if (live && count <= 0 && old.cachedAt! >= before) break;
      this.head++;
      if (!live) continue;
      this.entries.delete(slot(old.entry_key));
      old.cached = false;
      count--;
    }
    if (this.head >= 4096 && this.head * 2 >= order.length) {
      this.order = order.slice(this.head);
      this.head = 0;
    }
    this.forgetMoves();
  }

  /** Drops the moves that no cached entry predates (order[head] is the oldest cached entry, after an eviction). */
  private forgetMoves(): void {
    const oldest = this.head < this.order.length ? this.order[this.head].cachedAt! : this.clock + 1;
    let stale = 0;
    while (stale < this.movesInOrder.length && this.movesInOrder[stale].tick < oldest) {
      const move = this.movesInOrder[stale++];
      // Each list is in tick order too, so its stale moves lead it.
      const moves = this.moves.get(move.activityPos)!;
      if (moves.length === 1) this.moves.delete(move.activityPos);
      else moves.shift();
    }
    if (stale > 0) this.movesInOrder = this.movesInOrder.slice(stale);
  }

  /** Drops the slots of entries no longer cached, so the order does not grow when few entries are ever evicted. */
  private compact(): void {
    this.order = this.order.slice(this.head).filter((entry) => this.holds(entry));
    this.head = 0;
  }

  /** Whether `entry` is still cached: not removed, evicted, or displaced from its slot by another entry. */
  private holds(entry: RebuildEntry): boolean {
    return entry.cached === true && this.entries.get(slot(entry.entry_key)) === entry;
  }
}
