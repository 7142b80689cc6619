import type Database from 'better-sqlite3';
import type { AppendResult, IdempotencyRecord, RecordedEvent } from '../event-store';
import { metadataExtracts } from './sqlite-pages';

/** An event row in COLUMNS order: read as an array (better-sqlite3 `raw` mode), not an object with named keys. */
type EventRow = [position: number, streamId: string, revision: number, type: string, data: string, metadata: string, recordedAt: string];

const COLUMNS = 'position, stream_id, revision, type, data, metadata, recorded_at';

/** The read side of the SQLite store: prepared statements over committed data. */
export class SqliteReader {
  private readonly byStream: Database.Statement<[string, number], EventRow>;
  private readonly page: Database.Statement<[number, number], EventRow>;
  private readonly revision: Database.Statement<[string], { revision: number }>;
  private readonly head: Database.Statement<[], { position: number }>;
  private readonly recordedAtFrom: Database.Statement<[number], { position: number; recorded_at: string }>;
  private readonly idempotency: Database.Statement<[string], IdempotencyRow>;
  private readonly idempotencyPage: Database.Statement<[number, number], IdempotencyRow>;
  private readonly uniqueKey: Database.Statement<[string], { stream_id: string }>;
  private readonly one: Database.Statement<[], unknown>;
  private readonly snapshot: <T>(query: () => T) => T;
  private readonly pagesWithKeys = new Map<string, Database.Statement<[number, number], unknown[]>>();

  constructor(private readonly db: Database.Database) {
    // Raw rows: better-sqlite3 then skips building an object with seven named keys per row, which a replay
    // would throw away at once (~1.5 µs an event measured on a 1,000,000-event log).
    this.byStream = db.prepare<[string, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision`).raw(true);
    this.page = db.prepare<[number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(true);
    this.revision = db.prepare('SELECT revision FROM streams WHERE stream_id = ?');
    this.head = db.prepare('SELECT position FROM events ORDER BY position DESC LIMIT 1');
    this.recordedAtFrom = db.prepare('SELECT position, recorded_at FROM events WHERE position >= ? ORDER BY position LIMIT 1');
    this.idempotency = db.prepare('SELECT key, fingerprint, response, result, created_at FROM idempotency_records WHERE key = ?');
    this.idempotencyPage = db.prepare(
      `SELECT key, fingerprint, response, result, created_at FROM idempotency_records
        WHERE json_extract(result, '$.position') > ? ORDER BY json_extract(result, '$.position') LIMIT ?`,
    );
    this.uniqueKey = db.prepare('SELECT stream_id FROM unique_keys WHERE key = ?');
    this.one = db.prepare('SELECT 1');
    // A deferred transaction pins one WAL snapshot, so a multi-query read sees a single state of the log.
    const transaction = db.transaction((query: () => unknown) => query());
    this.snapshot = <T>(query: () => T) => transaction.deferred(query) as T;
  }

  readStream(streamId: string, fromRevision: number): RecordedEvent[] {
    return this.byStream.all(streamId, Math.max(0, fromRevision)).map(toRecordedEvent);
  }

  readAll(after: number, limit: number, metadataKeys?: readonly string[]): RecordedEvent[] {
    if (!(limit > 0)) return [];
    if (metadataKeys) return this.pageWithKeys(metadataKeys).all(Math.max(0, after), Math.floor(limit)).map(toRecordedEventWithKeys(metadataKeys));
    return this.page.all(Math.max(0, after), Math.floor(limit)).map(toRecordedEvent);
  }

  /**
   * A page reading only `keys` of the metadata, each as JSON text (`->`), parsed here: the values are exactly the
   * stored ones, and a key the event lacks stays absent.
   */
  private pageWithKeys(keys: readonly string[]): Database.Statement<[number, number], unknown[]> {
    const id = keys.join(',');
    let statement = this.pagesWithKeys.get(id);
    if (!statement) {
      const extracted = metadataExtracts(keys).join(', ');
      statement = this.db.prepare<[number, number], unknown[]>(
        `SELECT position, stream_id, revision, type, data, recorded_at${keys.length ? `, ${extracted}` : ''}
           FROM events WHERE position > ? ORDER BY position LIMIT ?`,
      ).raw(true);
      if (this.pagesWithKeys.size >= 8) this.pagesWithKeys.clear();
      this.pagesWithKeys.set(id, statement);
    }
    return statement;
  }

  streamRevision(streamId: string): number {
    return this.revision.get(streamId)?.revision ?? -1;
  }

  headPosition(): number {
    return this.head.get()?.position ?? 0;
  }

  /**
   * Binary search over position rather than an index on recorded_at: the store writes recorded_at
   * non-decreasing with position, so the log is already sorted by it. That saves a second B-tree insert on
   * every append and an index the size of the log (10⁸ events), for ~27 primary-key probes per as-of query,
   * which are rare. Probing "first position >= mid" stays correct even if positions ever had gaps.
   */
  positionAt(cutIso: string): number {
    return this.snapshot(() => {
      let low = 0; // every event at a position <= low was recorded at or before the cut
      let high = this.headPosition(); // every event after high was recorded after it
      while (low < high) {
        const probe = this.recordedAtFrom.get(Math.floor((low + high + 1) / 2));
        if (probe && probe.recorded_at <= cutIso) low = probe.position;
        else high = Math.floor((low + high + 1) / 2) - 1;
      }
      return low;
    });
  }

  idempotencyRecord(key: string): IdempotencyRecord | undefined {
    const row = this.idempotency.get(key);
    return row && toIdempotencyRecord(row);
  }

  /** Records whose append's last event lies after `after`, by that position (a record is written with its events). */
  idempotencyRecords(after: number, limit: number): IdempotencyRecord[] {
    if (!(limit > 0)) return [];
    return this.idempotencyPage.all(Math.max(0, after), Math.floor(limit)).map(toIdempotencyRecord);
  }

  uniqueKeyOwner(key: string): string | undefined {
    return this.uniqueKey.get(key)?.stream_id;
  }

  ping(): void {
    this.one.get();
  }
}

interface IdempotencyRow { key: string; fingerprint: string; response: string; result: string; created_at: string }

function toIdempotencyRecord(row: IdempotencyRow): IdempotencyRecord {
  return {
    key: row.key,
    fingerprint: row.fingerprint,
    response: JSON.parse(row.response) as Record<string, unknown>,
    result: JSON.parse(row.result) as AppendResult,
    createdAt: row.created_at,
  };
}

function toRecordedEventWithKeys(keys: readonly string[]): (row: unknown[]) => RecordedEvent {
  return (row) => {
    const metadata: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) {
      const value = row[6 + k] as string | null;
      if (value !== null) metadata[keys[k]] = JSON.parse(value);
    }
    return {
      position: row[0] as number,
      streamId: row[1] as string,
      revision: row[2] as number,
      type: row[3] as string,
      data: JSON.parse(row[4] as string) as Record<string, unknown>,
      metadata,
      recordedAt: row[5] as string,
    };
  };
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    position: row[0],
    streamId: row[1],
    revision: row[2],
    type: row[3],
    data: JSON.parse(row[4]) as Record<string, unknown>,
    metadata: JSON.parse(row[5]) as Record<string, unknown>,
    recordedAt: row[6],
  };
}
