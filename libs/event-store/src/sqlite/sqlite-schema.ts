import type Database from 'better-sqlite3';

/**
 * Schema migrations, applied in order at open. `PRAGMA user_version` holds how many have run; each runs in
 * the same IMMEDIATE transaction that bumps it, so two processes opening one file at once apply it once.
 * Never edit a shipped migration: append a new one.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- position is the rowid: without AUTOINCREMENT SQLite assigns max(rowid)+1, and since no row is ever
  -- deleted (triggers below) positions are dense, never reused, and a rolled-back insert leaves no gap.
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY,
    stream_id   TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    UNIQUE (stream_id, revision)
  );
  CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
  CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
  CREATE TABLE IF NOT EXISTS streams (
    stream_id TEXT PRIMARY KEY,
    revision  INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS idempotency_records (
    key         TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    response    TEXT NOT NULL,
    result      TEXT NOT NULL,
    created_at  TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS unique_keys (
    key       TEXT PRIMARY KEY,
    stream_id TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- Exports list idempotency records in the order of their append's last event (EventStore.idempotencyRecords),
  -- a page at a time; the expression is the one SqliteReader pages on, so the planner uses the index.
  CREATE INDEX IF NOT EXISTS idempotency_records_position ON idempotency_records (json_extract(result, '$.position'));
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Durability settings first (they cannot change inside a transaction), then the migrations. */
export function prepareDatabase(db: Database.Database, inMemory: boolean, busyTimeoutMs: number): void {
  // Another process holding the write lock (a CLI import, a backup) is waited for this long, then 503.
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  const journalMode = db.pragma('journal_mode = WAL', { simple: true });
  if (!inMemory && journalMode !== 'wal') throw new Error(`cannot switch to WAL (journal_mode is ${String(journalMode)})`);
  // FULL: a WAL commit is fsynced before it returns, so an acknowledged append survives power loss.
  db.pragma('synchronous = FULL');
  const synchronous = db.pragma('synchronous', { simple: true });
  if (synchronous !== 2) throw new Error(`synchronous is ${String(synchronous)}, expected FULL (2)`);
  migrate(db);
}

function migrate(db: Database.Database): void {
  const current = () => db.pragma('user_version', { simple: true }) as number;
  if (current() >= SCHEMA_VERSION) return;
  db.transaction(() => {
    for (let version = current(); version < SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    }
  }).immediate();
}
