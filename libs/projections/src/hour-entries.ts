import type Database from 'better-sqlite3';
import { entityKey } from './entity-key';
import type { HourVersion } from './fold';
import type { Statements } from './statements';
import { WriteBehind, type PendingVersion } from './write-behind';

/** The open version of an hour entry with the rowid that closes it (0 while a rebuild's WriteBehind holds it). */
export interface OpenEntry extends HourVersion {
  rowid: number;
}

type HeldEntry = OpenEntry & PendingVersion;

const HOUR_COLUMNS = ['entry_key', 'activity_pos', 'volunteer_id', 'entry_id', 'activity_id', 'org_path', 'campaign_id',
  'served_on', 'minutes', 'verified'] as const;

/**
 * Hour versions a rebuild holds back. Verifications follow their entry within days: on a 1,000,000-event ledger
 * every verification or rejection came within 8,192 hour rows of its entry (88% within 4,096), so entries are written
 * once, already verified or rejected.
 */
const HELD_HOURS = 8_192;

function hourWriteBehind(db: Database.Database, written: (row: HeldEntry) => void): WriteBehind<HeldEntry> {
  return new WriteBehind<HeldEntry>(db, 'hour_versions', HOUR_COLUMNS, HELD_HOURS, written);
}

/**
 * Bounds the cache; verifications mostly follow their entry within days, and a miss is one indexed SELECT. 20,000 open
 * entries span ~50,000 events of the bench's ledger, where every verification came within 10,000; the 200,000 of before
 * held ~50 MiB, and their churn grew V8's old generation with the length of a rebuild.
 */
const CACHE_LIMIT = 20_000;

/**
 * Hour-entry row versions in SQLite. Open versions are cached by (volunteer, entry) with their rowid, so a
 * verification or rejection is an UPDATE by rowid plus at most one INSERT, with no lookup; on a miss
 * the partial index of open versions answers. The cache only ever mirrors committed-or-current rows:
 * the owner clears it when a batch rolls back.
 */
export class HourEntries {
  private readonly open = new Map<string, OpenEntry>();

  /** With write-behind (a rebuild's, write-behind.ts): the rows held, and those linked to an activity by its position. */
  private readonly held: WriteBehind<HeldEntry> | undefined;
  private readonly heldByActivity = new Map<number, HeldEntry[]>();

  /** `writeBehindOn`: hold new versions back in a rebuild's transaction (write-behind.ts); lookups here see them. */
  constructor(private readonly sql: Statements, writeBehindOn?: Database.Database) {
    if (writeBehindOn) this.held = hourWriteBehind(writeBehindOn, (row) => this.written(row));
  }

  clear(): void {
    this.open.clear();
    this.held?.clear();
    this.heldByActivity.clear();
  }

  /** Writes the held rows (a rebuild calls it before building indexes and committing). */
  flush(): void {
    this.held?.flush();
  }

  find(volunteerId: string, entryId: string): OpenEntry | undefined {
    const cached = this.open.get(key(volunteerId, entryId));
    if (cached) return cached;
    this.held?.flush();
    const row = this.sql.selectOpenHours.get(entityKey(volunteerId, entryId), volunteerId, entryId) as OpenEntry | undefined;
    if (row) this.remember(row);
    return row;
  }

  ofActivity(activityId: string, activityPos: number): OpenEntry[] {
    const written = this.sql.selectOpenHoursOfActivity.all(activityPos, activityId) as OpenEntry[];
    // Held rows are not in the table yet; a flush here instead would write every correction's window row by row.
    const held = this.heldByActivity.get(activityPos);
    return held ? [...written, ...held.filter((e) => e.known_until_pos === null && e.activity_id === activityId)] : written;
  }

  /** Inserts a version and remembers it (the object itself, given to keep) as the entry's open one. */
  insert(e: HourVersion, pos: number, at: number): void {
    const entry = e as OpenEntry;
    if (this.held) this.hold(entry as HeldEntry, pos, at);
    else entry.rowid = Number(this.sql.insertHours.run(e.entry_key, e.activity_pos, e.volunteer_id, e.entry_id, e.activity_id,
      e.org_path, e.campaign_id, e.served_on, e.minutes, e.verified, pos, at).lastInsertRowid);
    this.remember(entry);
  }

  close(entry: OpenEntry, pos: number, at: number): void {
    if (entry.rowid === 0) {
      // Still held: written once, already closed.
      (entry as HeldEntry).known_until_pos = pos;
      (entry as HeldEntry).known_until_at = at;
    } else {
      this.sql.closeHourRow.run(pos, at, entry.rowid);
    }
    this.open.delete(key(entry.volunteer_id, entry.entry_id));
  }

  private hold(entry: HeldEntry, pos: number, at: number): void {
    if (entry.activity_pos !== null) {
      const linked = this.heldByActivity.get(entry.activity_pos);
      if (linked) linked.push(entry);
      else this.heldByActivity.set(entry.activity_pos, [entry]);
    }
    this.held!.add(entry, pos, at);
  }

  /** Rows are written oldest first, so a written row is the first of its activity's. */
  private written(entry: HeldEntry): void {
    if (entry.activity_pos === null) return;
    const linked = this.heldByActivity.get(entry.activity_pos)!;
    if (linked.length === 1) this.heldByActivity.delete(entry.activity_pos);
    else linked.splice(linked.indexOf(entry), 1);
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
