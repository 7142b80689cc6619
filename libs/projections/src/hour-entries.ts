import { entityKey } from './entity-key';
import type { Statements } from './statements';

/** The open version of an hour entry, as the projection needs it to open the next one. */
interface OpenEntry {
  rowid: number; entry_key: number; activity_pos: number | null; volunteer_id: string; entry_id: string; activity_id: string | null; org_path: string;
  campaign_id: string | null; served_on: string; minutes: number; verified: number;
}

/** Bounds the cache; verifications mostly follow their entry within days, i.e. within a few batches. */
const CACHE_LIMIT = 200_000;

/**
 * Hour-entry row versions. Open versions are cached by (volunteer, entry) with their rowid, so a
 * verification or rejection is an UPDATE by rowid plus at most one INSERT, with no lookup; on a miss
 * the partial index of open versions answers. The cache only ever mirrors committed-or-current rows:
 * the owner clears it when a batch rolls back.
 */
export class HourEntries {
  private readonly open = new Map<string, OpenEntry>();

  constructor(private readonly sql: Statements) {}

  clear(): void {
    this.open.clear();
  }

  logged(entry: Omit<OpenEntry, 'rowid' | 'entry_key'>, pos: number, at: number): void {
    const keyed = { ...entry, rowid: 0, entry_key: entityKey(entry.volunteer_id, entry.entry_id) };
    keyed.rowid = this.insert(keyed, pos, at);
    this.remember(keyed);
  }

  verified(volunteerId: string, entryId: string, pos: number, at: number): void {
    const entry = this.find(volunteerId, entryId);
    if (!entry || entry.verified === 1) return;
    this.sql.closeHourRow.run(pos, at, entry.rowid);
    entry.verified = 1;
    entry.rowid = this.insert(entry, pos, at);
  }

  /** Only a rejection takes hours out of the totals. */
  rejected(volunteerId: string, entryId: string, pos: number, at: number): void {
    const entry = this.find(volunteerId, entryId);
    if (!entry) return;
    this.sql.closeHourRow.run(pos, at, entry.rowid);
    this.open.delete(key(volunteerId, entryId));
  }

  /** Linked hours follow their activity's campaign; new versions keep "as of before" on the old one. */
  activityMoved(activityId: string, activityPos: number, campaignId: string | null, pos: number, at: number): void {
    for (const row of this.sql.selectOpenHoursOfActivity.all(activityPos, activityId) as OpenEntry[]) {
      this.sql.closeHourRow.run(pos, at, row.rowid);
      const cached = this.open.get(key(row.volunteer_id, row.entry_id));
      const next = cached ?? row;
      next.campaign_id = campaignId;
      next.rowid = this.insert(next, pos, at);
    }
  }

  private find(volunteerId: string, entryId: string): OpenEntry | undefined {
    const cached = this.open.get(key(volunteerId, entryId));
    if (cached) return cached;
    const row = this.sql.selectOpenHours.get(entityKey(volunteerId, entryId), volunteerId, entryId) as OpenEntry | undefined;
    if (row) this.remember(row);
    return row;
  }

  private insert(e: Omit<OpenEntry, 'rowid'>, pos: number, at: number): number {
    return Number(this.sql.insertHours.run(e.entry_key, e.activity_pos, e.volunteer_id, e.entry_id, e.activity_id, e.org_path, e.campaign_id,
      e.served_on, e.minutes, e.verified, pos, at).lastInsertRowid);
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
