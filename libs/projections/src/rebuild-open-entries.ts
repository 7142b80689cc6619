import type { HourVersion } from './fold';
import type { PendingVersion } from './write-behind';

/**
 * An hour entry's open version as a rebuild's fold knows it: rowid 0 while held back (write-behind.ts), its rowid once
 * sent to the rebuild thread; `cached` while in the cache.
 */
export type RebuildEntry = HourVersion & PendingVersion & { cached?: boolean };

/**
 * The open hour versions of a rebuild's fold, by entry key (entity-key.ts), bounded: FIFO, the oldest quarter forgotten
 * at once, with no per-hit bookkeeping. Keyed by the number the row already carries rather than a string built from
 * the two ids for every call (most of this cache's cost was hashing those). Two entries sharing a key (possible, never
 * seen) are told apart by their ids: the later one takes the slot and the earlier is no longer cached, which costs
 * it a lookup at most. Also lists, by their activity's position, every entry held back or cached, which a campaign
 * move must reach: held ones are nowhere else, and cached sent ones stand for rows the move re-versions.
 */
export class OpenEntryCache {
  private readonly entries = new Map<number, RebuildEntry>();
  /** Entries in the order they were cached; those since removed or replaced are skipped when reached. */
  private order: RebuildEntry[] = [];
  private head = 0;
  private readonly byActivity = new Map<number, RebuildEntry[]>();

  constructor(private readonly limit: number) {}

  get(key: number, volunteerId: string, entryId: string): RebuildEntry | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.entry_id === entryId && entry.volunteer_id === volunteerId ? entry : undefined;
  }

  /** Caches `entry` as its entry's open version (a new one, held, or one read back from the rebuild thread). */
  add(entry: RebuildEntry): void {
    if (entry.cached) return;
    if (this.entries.size >= this.limit) this.evict(Math.ceil(this.limit / 4));
    const key = entry.entry_key;
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      previous.cached = false;
      // The entry's earlier version is closed; another entry under the same key, if held, must stay listed.
      if (previous.rowid !== 0 || (previous.entry_id === entry.entry_id && previous.volunteer_id === entry.volunteer_id)) this.unlist(previous);
    }
    this.entries.set(key, entry);
    entry.cached = true;
    this.order.push(entry);
    if (entry.activity_pos !== null) {
      const linked = this.byActivity.get(entry.activity_pos);
      if (linked) linked.push(entry);
      else this.byActivity.set(entry.activity_pos, [entry]);
    }
    if (this.order.length - this.head > 4 * this.limit) this.compact();
  }

  /** `entry` is closed: no longer any entry's open version. */
  remove(entry: RebuildEntry): void {
    if (entry.cached) {
      this.entries.delete(entry.entry_key);
      entry.cached = false;
    }
    this.unlist(entry);
  }

  /** A held entry was sent: listed only while it is still cached. */
  sent(entry: RebuildEntry): void {
    if (!entry.cached) this.unlist(entry);
  }

  /** The entries listed under the activity recorded at `activityPos`. */
  ofActivity(activityPos: number, activityId: string): RebuildEntry[] {
    return (this.byActivity.get(activityPos) ?? []).filter((entry) => entry.activity_id === activityId);
  }

  /** Forgets the `count` oldest cached entries; held ones stay listed until sent. */
  private evict(count: number): void {
    const order = this.order;
    while (count > 0 && this.head < order.length) {
      const old = order[this.head++];
      if (!old.cached || this.entries.get(old.entry_key) !== old) continue;
      this.entries.delete(old.entry_key);
      old.cached = false;
      if (old.rowid !== 0) this.unlist(old);
      count--;
    }
    if (this.head >= 4096 && this.head * 2 >= order.length) {
      this.order = order.slice(this.head);
      this.head = 0;
    }
  }

  /** Drops the slots of entries no longer cached, so the order does not grow when few entries are ever evicted. */
  private compact(): void {
    this.order = this.order.slice(this.head).filter((entry) => entry.cached && this.entries.get(entry.entry_key) === entry);
    this.head = 0;
  }

  private unlist(entry: RebuildEntry): void {
    if (entry.activity_pos === null) return;
    const linked = this.byActivity.get(entry.activity_pos);
    const at = linked ? linked.indexOf(entry) : -1;
    if (at < 0) return;
    if (linked!.length === 1) this.byActivity.delete(entry.activity_pos);
    else linked!.splice(at, 1);
  }
}
