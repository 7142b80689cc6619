import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PoolClient } from 'pg';
import { isPostgresUrl, type EventStore } from '@tongxin/event-store';
import { openPostgresReadModel } from './postgres/postgres-read-model';
import { LedgerReadModel } from './read-model';
import { replayLog, type ReplayProgress } from './replay';
import {
  createQueryIndexes, dropQueryIndexes, GENERATION_KEY, prepareReadModelDatabase, PROJECTION_NAME, READ_MODEL_TABLES, READ_MODEL_VERSION,
} from './schema';

/** The projections a rebuild can name; today every figure comes from one. */
export const PROJECTIONS: readonly string[] = [PROJECTION_NAME];

/** The tables a rebuild empties: everything but the checkpoint (reset to 0) and the version row. */
export const FACT_TABLE_NAMES = READ_MODEL_TABLES.filter((table) => table !== 'checkpoints' && table !== 'read_model_meta');

export interface RebuildOptions {
  progress?: ReplayProgress;
  /** Told once, before waiting, when another rebuild or writer holds the lock. */
  onWait?: (message: string) => void;
  batchSize?: number;
}

export interface RebuildSummary {
  /** The last position the rebuilt model includes (the head when the rebuild began). */
  position: number;
  events: number;
}


/**
 * Empties the read model at `location` and replays the log from position 0 to the head, as ONE transaction
 * holding the model's write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock and the checkpoint
 * row). Runners and other rebuilds wait; queries keep answering from the old rows until the commit. Killed
 * half-way, nothing of the rebuild was committed: the model is the one before it, consistent at its
 * checkpoint, and a rerun starts over from 0. So a half-done rebuild can never be mistaken for a finished one.
 */
export async function rebuildReadModel(store: EventStore, location: string, options: RebuildOptions = {}): Promise<RebuildSummary> {
  return isPostgresUrl(location) ? rebuildPostgres(store, location, options) : rebuildSqlite(store, location, options);
}

/**
 * Events per page and per savepoint of a SQLite rebuild. Small pages die young: the store reads a page
 * synchronously and the model applies it at once, so a page of 10,000 parsed events outlived several scavenges,
 * was promoted, and V8 let that old-generation garbage grow to ~4x the live heap (peak RSS 1M: ~565 MiB, 5M: ~980 MiB).
 * The outer transaction is one either way; 2,000 was also ~5% faster than 10,000 here.
 */
const SQLITE_REBUILD_BATCH = 2_000;

async function rebuildSqlite(store: EventStore, path: string, options: RebuildOptions): Promise<RebuildSummary> {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    const onWait = once(() => options.onWait?.(`waiting for the write lock on ${path} (another rebuild or a runner holds it)`));
    await openForRebuild(db, onWait);
    // Memory flat in the log's length: with temp_store = MEMORY (the model's setting, for its queries) the sorts of
    // createQueryIndexes below and each batch's savepoint journal stay in RAM, and the sorts grow with the tables
    // (+170 MiB of peak RSS at 5,000,000 events). On files they go through the OS page cache instead.
    db.pragma('temp_store = FILE');
    await retryWhileBusy(() => db.exec('BEGIN IMMEDIATE'), onWait);
    try {
      // 1. Fix the end first: the rebuild is one consistent prefix of the log.
      const head = await store.headPosition();
      for (const { sql, params } of emptyingStatements(() => '?')) db.prepare(sql).run(...params);
      dropQueryIndexes(db);
      // 2. Replay; each batch is a savepoint inside the outer transaction, so nothing is visible until the commit.
      const model = new LedgerReadModel(db);
      const events = await replayLog(store, (batch) => model.applyBatch(batch), {
        until: head, batchSize: options.batchSize ?? SQLITE_REBUILD_BATCH, progress: options.progress,
      });
      createQueryIndexes(db);
      db.exec('COMMIT');
      return { position: head, events };
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
    }
  } finally {
    if (db.open) {
      tidyUp(db);
      db.close();
    }
  }
}

/**
 * After the commit: statistics for the planner, and the WAL (grown to the model's size by the replay) folded back
 * into the file. Best effort: if another rebuild or a runner holds the lock now, it is left for their turn.
 */
function tidyUp(db: Database.Database): void {
  try {
    db.pragma('optimize');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
  }
}

async function rebuildPostgres(store: EventStore, url: string, options: RebuildOptions): Promise<RebuildSummary> {
  const model = await openPostgresReadModel(url, { maxConnections: 1 });
  const client = await model.connect();
  try {
    await advisoryLock(client, model.schema, () => options.onWait?.(`waiting for another rebuild or verify of schema ${model.schema}`));
    // 1. The head before the transaction takes a transaction id: the store reads only below the oldest open
    // transaction, and every event up to this head is below ours.
    const head = await store.headPosition();
    await client.query('BEGIN');
    try {
      // 2. Hold the checkpoint row: a runner's next batch waits here until the commit, then sees the new checkpoint.
      await client.query('SELECT position FROM checkpoints WHERE name = $1 FOR UPDATE', [PROJECTION_NAME]);
      // DELETE, not TRUNCATE: TRUNCATE would lock readers out until the commit; DELETE leaves them the old rows.
      for (const { sql, params } of emptyingStatements((n) => `$${n}`)) await client.query(sql, params);
      const events = await replayLog(store, (batch) => model.applyBatchWithin(client, batch), { until: head, batchSize: options.batchSize, progress: options.progress });
      await client.query('COMMIT');
      await client.query(`ANALYZE ${FACT_TABLE_NAMES.join(', ')}`);
      return { position: head, events };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    // Session advisory locks end with the session: released here, or by the server if the process is killed.
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    client.release();
    await model.close();
  }
}

/**
 * The tables emptied, the checkpoint at 0, and a new generation so other writers drop the rows they cached.
 * `param(n)` is the engine's placeholder for the n-th parameter.
 */
export function emptyingStatements(param: (n: number) => string): { sql: string; params: unknown[] }[] {
  return [
    ...FACT_TABLE_NAMES.map((table) => ({ sql: `DELETE FROM ${table}`, params: [] })),
    { sql: `UPDATE checkpoints SET position = 0 WHERE name = ${param(1)}`, params: [PROJECTION_NAME] },
    {
      sql: `INSERT INTO read_model_meta (key, value) VALUES (${param(1)}, ${param(2)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      params: [GENERATION_KEY, randomUUID()],
    },
  ];
}

/**
 * The model's tables as prepareReadModelDatabase leaves them. A file already of this version in WAL mode needs no
 * write (so no waiting on a rebuild in progress); else it is prepared, waiting for the lock off the event loop.
 */
async function openForRebuild(db: Database.Database, onWait: () => void): Promise<void> {
  db.pragma('busy_timeout = 100');
  let version: unknown;
  try {
    version = db.prepare("SELECT value FROM read_model_meta WHERE key = 'version'").pluck().get();
  } catch {
    version = undefined; // a new file
  }
  if (Number(version) === READ_MODEL_VERSION && db.pragma('journal_mode', { simple: true }) === 'wal') {
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
  } else {
    await retryWhileBusy(() => prepareReadModelDatabase(db, false), onWait);
  }
  // Short: better-sqlite3 sleeps synchronously while busy, which would stall this process's event loop.
  db.pragma('busy_timeout = 100');
}

/** Runs `work` (a statement needing the write lock) until no other connection holds the lock, waiting between tries. */
export async function retryWhileBusy(work: () => void, onWait: () => void): Promise<void> {
  for (;;) {
    try {
      work();
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      onWait();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export function once(callback: () => void): () => void {
  let called = false;
  return () => {
    if (!called) callback();
    called = true;
  };
}

/** The session advisory lock a rebuild or verify of `schema` holds; another one waits for it. */
export async function advisoryLock(client: PoolClient, schema: string, onWait: () => void): Promise<void> {
  const key = "hashtext('tongxin rebuild'), hashtext($1)";
  const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${key}) AS locked`, [schema]);
  if (rows[0].locked) return;
  onWait();
  await client.query(`SELECT pg_advisory_lock(${key})`, [schema]);
}
