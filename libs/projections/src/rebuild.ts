import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PoolClient } from 'pg';
import { isPostgresUrl, type EventStore } from '@tongxin/event-store';
import { FOLD_METADATA_KEYS } from './fold';
import { openPostgresReadModel } from './postgres/postgres-read-model';
import { replayLog, type ReplayProgress } from './replay';
import { emptyingStatements, FACT_TABLE_NAMES, once } from './rebuild-steps';
import { RebuildWorker } from './rebuild-worker';
import { PROJECTION_NAME } from './schema';

export { emptyingStatements, FACT_TABLE_NAMES, once, retryWhileBusy } from './rebuild-steps';

/** The projections a rebuild can name; today every figure comes from one. */
export const PROJECTIONS: readonly string[] = [PROJECTION_NAME];

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
 * Events per page of a SQLite rebuild (read, folded, and sent to the rebuild thread as one page of writes). Small pages
 * die young: a page of 10,000 parsed events outlived several scavenges, was promoted, and V8 let that old-generation
 * garbage grow to ~4x the live heap (peak RSS 1M: ~565 MiB, 5M: ~980 MiB). 2,000 was also ~5% faster than 10,000.
 */
const SQLITE_REBUILD_BATCH = 2_000;

/**
 * The transaction runs on a thread of its own (sqlite-rebuild.ts, rebuild-thread.ts); this one reads the log and folds
 * it into the writes that thread runs (rebuild-worker.ts, rebuild-fact-store.ts).
 */
async function rebuildSqlite(store: EventStore, path: string, options: RebuildOptions): Promise<RebuildSummary> {
  mkdirSync(dirname(path), { recursive: true });
  const onWait = once(() => options.onWait?.(`waiting for the write lock on ${path} (another rebuild or a runner holds it)`));
  const rebuild = new RebuildWorker(path, onWait);
  try {
    await rebuild.begun;
    // 1. Fix the end once the lock is held: the rebuild is one consistent prefix of the log.
    const head = await store.headPosition();
    // 2. Replay into the thread's transaction: nothing is visible until the commit.
    const events = await replayLog(store, (batch) => rebuild.apply(batch), {
      until: head, batchSize: options.batchSize ?? SQLITE_REBUILD_BATCH, progress: options.progress, metadataKeys: FOLD_METADATA_KEYS,
    });
    await rebuild.commit();
    return { position: head, events };
  } finally {
    await rebuild.close();
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
      const events = await replayLog(store, (batch) => model.applyBatchWithin(client, batch), {
        until: head, batchSize: options.batchSize, progress: options.progress, metadataKeys: FOLD_METADATA_KEYS,
      });
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

/** The session advisory lock a rebuild or verify of `schema` holds; another one waits for it. */
export async function advisoryLock(client: PoolClient, schema: string, onWait: () => void): Promise<void> {
  const key = "hashtext('tongxin rebuild'), hashtext($1)";
  const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${key}) AS locked`, [schema]);
  if (rows[0].locked) return;
  onWait();
  await client.query(`SELECT pg_advisory_lock(${key})`, [schema]);
}
