import { entityKey } from './entity-key';
import type { HourVersion } from './fold';
import type { Statements } from './statements';

/** The open version of an hour entry with the rowid that closes it. */
export interface OpenEntry extends HourVersion {
  rowid: number;
}

/**
 * Bounds the cache; verifications mostly follow their entry within days, and a miss is one indexed SELECT. 20,000 open
 * entries span ~50,000 events of the bench's ledger, where every verification came within 10,000; the 200,000 of before
 * held ~50 MiB, and their churn grew V8's old generation with the length of a rebuild.
 */
const CACHE_LIMIT = 20_000;

/**
 * Hour-entry row versions in SQLite. Open versions are cached by (volunteer, entry) with their rowid, so a
 * verification or rejection is one UPDATE by rowid, with no lookup; on a miss
 * the partial index of open versions answers. The cache only ever mirrors committed-or-current rows:
 * the owner clears it when a batch rolls back.
 */
export class HourEntries {
  private readonly open = new Map<string, OpenEntry>();

  constructor(private readonly sql: Statements) {}

  clear(): void {
    this.open.clear();
  }

  find(volunteerId: string, entryId: string): OpenEntry | undefined {
    const cached = this.open.get(key(volunteerId, entryId));
    if (cached) return cached;
    const row = this.sql.selectOpenHours.get(entityKey(volunteerId, entryId), volunteerId, entryId) as OpenEntry | undefined;
    if (row) this.remember(row);
    return row;
  }

  ofActivity(activityId: string, activityPos: number): OpenEntry[] {
    return this.sql.selectOpenHoursOfActivity.all(activityPos, activityId) as OpenEntry[];
  }

  /** Inserts a version and remembers it (the object itself, given to keep) as the entry's open one. */
  insert(e: HourVersion, pos: number, at: number): void {
    const entry = e as OpenEntry;
    entry.rowid = Number(this.sql.insertHours.run(e.entry_key, e.activity_pos, e.volunteer_id, e.entry_id, e.activity_id,
      e.org_path, e.campaign_id, e.served_on, e.minutes, e.verified_pos, e.verified_at, pos, at).lastInsertRowid);
    this.remember(entry);
  }

  /** The version stays open (and cached), now verified. */
  verify(entry: OpenEntry, pos: number, at: number): void {
    this.sql.verifyHourRow.run(pos, at, entry.rowid);
    entry.verified_pos = pos;
    entry.verified_at = at;
  }

  close(entry: OpenEntry, pos: number, at: number): void {
    this.sql.closeHourRow.run(pos, at, entry.rowid);
    this.open.delete(key(entry.volunteer_id, entry.entry_id));
  }

  private remember(entry: OpenEntry): void {
    const cache = this.open;
    if (cache.size >= CACHE_LIMIT) {
      // Forget the oldest quarter (Map iterates in insertion order): a FIFO with no per-hit bookkeeping.
      let drop = CACHE_LIMIT / 4;
      for (const k of cache.keys()) {
        cache.delete(k);
        if (--drop === 0) break;
      }
    }
    cache.set(key(entry.volunteer_id, entry.entry_id), entry);
  }
}

function key(volunteerId: string, entryId: string): string {
  return `${volunteerId}\u0000${entryId}`;
}
