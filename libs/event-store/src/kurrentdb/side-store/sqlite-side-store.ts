import Database from 'better-sqlite3';
import { StoreUnavailableError, type AppendResult } from '../../event-store';
import { toStoreError } from '../../sqlite/sqlite-errors';
import {
  sortedKeys, type AppendClaim, type ClaimOutcome, type PendingAppend, type SideStore, type StoredIdempotency,
  type StoredUniqueKey,
} from './side-store';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS kurrentdb_pending_appends (
    append_id     TEXT PRIMARY KEY,
    stream_id     TEXT    NOT NULL,
    from_revision INTEGER NOT NULL,
    event_count   INTEGER NOT NULL,
    started_at    INTEGER NOT NULL,
    abandoned_at  INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS kurrentdb_idempotency_records (
    key         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    response    TEXT NOT NULL,
    result      TEXT,
    append_id   TEXT,
    created_at  TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS kurrentdb_idempotency_records_append ON kurrentdb_idempotency_records (append_id) WHERE append_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS kurrentdb_idempotency_records_position ON kurrentdb_idempotency_records (json_extract(result, '$.position'))
    WHERE result IS NOT NULL;
  CREATE TABLE IF NOT EXISTS kurrentdb_unique_keys (
    key       TEXT PRIMARY KEY,
    stream_id TEXT NOT NULL,
    append_id TEXT
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS kurrentdb_unique_keys_append ON kurrentdb_unique_keys (append_id) WHERE append_id IS NOT NULL;`;

interface IdempotencyRow { key: string; fingerprint: string; response: string; result: string | null; append_id: string | null; created_at: string }
interface UniqueKeyRow { key: string; stream_id: string; append_id: string | null }
interface AppendRow { append_id: string; stream_id: string; from_revision: number; event_count: number; started_at: number; abandoned_at: number | null }

/**
 * The side store in a SQLite file (WAL, synchronous=FULL): the default, for one API process. Statements are
 * synchronous and each claim or settle is one IMMEDIATE transaction, so claims never interleave.
 */
export class SqliteSideStore implements SideStore {
  private readonly db: Database.Database;
  private closed = false;

  constructor(readonly path: string) {
    try {
      this.db = new Database(path);
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(SCHEMA);
    } catch (error) {
      this.db?.close();
      throw new StoreUnavailableError(`kurrentdb side store: cannot open ${path}: ${(error as Error).message}`, error);
    }
  }

  async claim(claim: AppendClaim): Promise<ClaimOutcome> {
    return this.run('claim', () => this.db.transaction((): ClaimOutcome => {
      const { idempotency } = claim;
      if (idempotency) {
        const held = this.db.prepare<[string], IdempotencyRow>('SELECT * FROM kurrentdb_idempotency_records WHERE key = ?').get(idempotency.key);
        if (held) return { claimed: false, idempotency: toIdempotency(held) };
      }
      const keys = sortedKeys(claim.uniqueKeys);
      const findKey = this.db.prepare<[string], UniqueKeyRow>('SELECT * FROM kurrentdb_unique_keys WHERE key = ?');
      // Report the first taken key in the caller's order, as the other adapters do.
      for (const key of claim.uniqueKeys) {
        const held = findKey.get(key);
        if (held) return { claimed: false, uniqueKey: toUniqueKey(held) };
      }
      this.db.prepare(`
        INSERT INTO kurrentdb_pending_appends (append_id, stream_id, from_revision, event_count, started_at, abandoned_at)
        VALUES (?, ?, ?, ?, ?, NULL)
        ON CONFLICT (append_id) DO UPDATE SET stream_id = excluded.stream_id, from_revision = excluded.from_revision,
          event_count = excluded.event_count, started_at = excluded.started_at, abandoned_at = NULL`,
      ).run(claim.appendId, claim.streamId, claim.fromRevision, claim.eventCount, claim.now.getTime());
      if (idempotency) {
        this.db.prepare('INSERT INTO kurrentdb_idempotency_records (key, fingerprint, response, result, append_id, created_at) VALUES (?, ?, ?, NULL, ?, ?)')
          .run(idempotency.key, idempotency.fingerprint, idempotency.response, claim.appendId, claim.now.toISOString());
      }
      const insertKey = this.db.prepare('INSERT INTO kurrentdb_unique_keys (key, stream_id, append_id) VALUES (?, ?, ?)');
      for (const key of keys) insertKey.run(key, claim.streamId, claim.appendId);
      return { claimed: true };
    }).immediate());
  }

  async settle(appendId: string, result: AppendResult | undefined, now: Date): Promise<void> {
    this.run('settle', () => this.db.transaction(() => {
      if (result) {
        this.db.prepare('UPDATE kurrentdb_idempotency_records SET result = ?, append_id = NULL, created_at = ? WHERE append_id = ?')
          .run(JSON.stringify(result), now.toISOString(), appendId);
        this.db.prepare('UPDATE kurrentdb_unique_keys SET append_id = NULL WHERE append_id = ?').run(appendId);
      } else {
        this.db.prepare('DELETE FROM kurrentdb_idempotency_records WHERE append_id = ?').run(appendId);
        this.db.prepare('DELETE FROM kurrentdb_unique_keys WHERE append_id = ?').run(appendId);
      }
      this.db.prepare('DELETE FROM kurrentdb_pending_appends WHERE append_id = ?').run(appendId);
    }).immediate());
  }

  async abandon(appendId: string, at: Date): Promise<void> {
    this.run('abandon', () => this.db.prepare('UPDATE kurrentdb_pending_appends SET abandoned_at = ? WHERE append_id = ?').run(at.getTime(), appendId));
  }

  async pendingAppend(appendId: string): Promise<PendingAppend | undefined> {
    const row = this.run('pendingAppend', () => this.db.prepare<[string], AppendRow>('SELECT * FROM kurrentdb_pending_appends WHERE append_id = ?').get(appendId));
    return row && toPendingAppend(row);
  }

  async idempotency(key: string): Promise<StoredIdempotency | undefined> {
    const row = this.run('idempotency', () => this.db.prepare<[string], IdempotencyRow>('SELECT * FROM kurrentdb_idempotency_records WHERE key = ?').get(key));
    return row && toIdempotency(row);
  }

  async settledIdempotency(after: number, limit: number): Promise<StoredIdempotency[]> {
    const rows = this.run('settledIdempotency', () => this.db.prepare<[number, number], IdempotencyRow>(
      `SELECT * FROM kurrentdb_idempotency_records WHERE result IS NOT NULL AND json_extract(result, '$.position') > ?
        ORDER BY json_extract(result, '$.position') LIMIT ?`,
    ).all(after, limit));
    return rows.map(toIdempotency);
  }

  async pendingAppends(): Promise<PendingAppend[]> {
    const rows = this.run('pendingAppends', () => this.db.prepare<[], AppendRow>('SELECT * FROM kurrentdb_pending_appends').all());
    return rows.map(toPendingAppend);
  }

  async uniqueKey(key: string): Promise<StoredUniqueKey | undefined> {
    const row = this.run('uniqueKey', () => this.db.prepare<[string], UniqueKeyRow>('SELECT * FROM kurrentdb_unique_keys WHERE key = ?').get(key));
    return row && toUniqueKey(row);
  }

  async ping(): Promise<void> {
    this.run('ping', () => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private run<T>(doing: string, work: () => T): T {
    if (this.closed) throw new StoreUnavailableError('kurrentdb side store is closed');
    try {
      return work();
    } catch (error) {
      throw toStoreError(error, `side store ${doing}`);
    }
  }
}

function toIdempotency(row: IdempotencyRow): StoredIdempotency {
  return { key: row.key, fingerprint: row.fingerprint, response: row.response, result: row.result, appendId: row.append_id, createdAt: row.created_at };
}

function toPendingAppend(row: AppendRow): PendingAppend {
  return {
    appendId: row.append_id, streamId: row.stream_id, fromRevision: row.from_revision, eventCount: row.event_count,
    startedAt: row.started_at, abandonedAt: row.abandoned_at,
  };
}

function toUniqueKey(row: UniqueKeyRow): StoredUniqueKey {
  return { key: row.key, streamId: row.stream_id, appendId: row.append_id };
}
