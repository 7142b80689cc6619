import type { HourVersion } from './fold';
import type { PendingVersion } from './write-behind';

/**
 * An hour entry's open version as a rebuild's fold knows it: rowid 0 while held back (write-behind.ts), its rowid once
 * sent to the rebuild thread; `cached` while in the cache (saves building its key to ask).
 */
export type RebuildEntry = HourVersion & PendingVersion & { cached?: boolean };

/**
 * The open hour versions of a rebuild's fold, by (volunteer, entry), bounded: FIFO, the oldest quarter forgotten at
 * once, with no per-hit bookkeeping. Also lists, by their activity's position, every entry held back or cached, which
 * a campaign move must reach: held ones are nowhere else, and cached sent ones stand for rows the move re-versions.
 */
export class OpenEntryCache {
  private readonly entries = new Map<string, RebuildEntry>();
  private readonly byActivity = new Map<number, RebuildEntry[]>();

  constructor(private readonly limit: number) {}

  get(volunteerId: string, entryId: string): RebuildEntry | undefined {
    return this.entries.get(entryKey(volunteerId, entryId));
  }

  /** Caches `entry` as its entry's open version (a new one, held, or one read back from the rebuild thread). */
  add(entry: RebuildEntry): void {
    const cache = this.entries;
    if (cache.size >= this.limit) {
      let drop = Math.ceil(this.limit / 4);
      for (const [key, old] of cache) {
        cache.delete(key);
        old.cached = false;
        // Held ones stay listed until sent.
        if (old.rowid !== 0) this.unlist(old);
        if (--drop === 0) break;
      }
    }
    const key = entryKey(entry.volunteer_id, entry.entry_id);
    const previous = cache.get(key);
    if (previous && previous !== entry) {
      previous.cached = false;
      this.unlist(previous);
    }
    cache.set(key, entry);
    entry.cached = true;
    if (entry.activity_pos !== null) {
      const linked = this.byActivity.get(entry.activity_pos);
      if (linked) linked.push(entry);
      else this.byActivity.set(entry.activity_pos, [entry]);
    }
  }

  /** `entry` is closed: no longer any entry's open version. */
  remove(entry: RebuildEntry): void {
    if (entry.cached) {
      this.entries.delete(entryKey(entry.volunteer_id, entry.entry_id));
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

  private unlist(entry: RebuildEntry): void {
    if (entry.activity_pos === null) return;
    const linked = this.byActivity.get(entry.activity_pos);
    const at = linked ? linked.indexOf(entry) : -1;
    if (at < 0) return;
    if (linked!.length === 1) this.byActivity.delete(entry.activity_pos);
    else linked!.splice(at, 1);
  }
}

function entryKey(volunteerId: string, entryId: string): string {
  return `${volunteerId}\u0000${entryId}`;
}
