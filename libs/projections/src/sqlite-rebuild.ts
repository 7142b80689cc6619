import Database from 'better-sqlite3';
import { RebuildWrites, type RebuildLookup } from './rebuild-ops';
import { emptyingStatements, retryWhileBusy } from './rebuild-steps';
import { createQueryIndexes, dropLookupIndexes, dropQueryIndexes, PROJECTION_NAME, prepareReadModelDatabase, READ_MODEL_VERSION } from './schema';

/**
 * Page cache of the rebuild's connection, KiB. With the lookup and org-path indexes dropped, rows land near the right
 * edge of each B-tree; a miss re-reads a page from the OS page cache. 32 MiB saved
 * ~4% of the CPU at 5,000,000 events and put peak RSS over 300 MB; the model's 64 MiB is for its queries.
 */
const REBUILD_CACHE_KIB = 16 * 1024;

/**
 * The SQLite side of a rebuild (rebuild-thread.ts runs it on its own thread): one IMMEDIATE transaction that empties
 * the model, runs the writes the fold decided on the other thread (rebuild-ops.ts) and commits with the query indexes
 * rebuilt. Nothing is visible to other connections before `commit`; `close` without it rolls everything back.
 */
export class SqliteRebuild {
  private constructor(private readonly db: Database.Database, private readonly writes: RebuildWrites) {}

  /** Waits for the model's write lock (telling `onWait` once, first), then empties the model inside the transaction. */
  static async begin(path: string, onWait: () => void): Promise<SqliteRebuild> {
    const db = new Database(path);
    try {
      await openForRebuild(db, onWait);
      // Memory flat in the log's length: with temp_store = MEMORY (the model's setting, for its queries) the sorts of
      // createQueryIndexes stay in RAM, and they grow with the tables (+170 MiB of peak RSS at 5,000,000 events). On
      // files they go through the OS page cache instead.
      db.pragma('temp_store = FILE');
      db.pragma(`cache_size = -${REBUILD_CACHE_KIB}`);
      await retryWhileBusy(() => db.exec('BEGIN IMMEDIATE'), onWait);
      for (const { sql, params } of emptyingStatements(() => '?')) db.prepare(sql).run(...params);
      dropQueryIndexes(db, true);
      dropLookupIndexes(db);
      return new SqliteRebuild(db, new RebuildWrites(db));
    } catch (error) {
      close(db);
      throw error;
    }
  }

  /** A page of writes (rebuild-ops.ts), in order. */
  apply(ops: readonly unknown[]): void {
    this.writes.apply(ops);
  }

  /** What the fold asks on a cache miss, answered from every write applied so far. */
  lookup(query: RebuildLookup): unknown {
    return this.writes.lookup(query);
  }

  /** Moves the checkpoint to `position` (the last event folded) and commits with the query indexes and statistics. */
  commit(position: number): void {
    this.writes.moveCheckpoint(position, PROJECTION_NAME);
    this.writes.buildLookupIndexes();
    createQueryIndexes(this.db);
    // Statistics with samples of each index (stat4), committed with the rows: without them the planner guesses that an
    // org-path range is narrow and reads a whole subtree through the path index row by row (the root's breakdown by
    // org unit at 1,000,000 events: ~1.5 s that way, ~0.4 s scanning the table).
    this.db.exec('ANALYZE');
    this.db.exec('COMMIT');
  }

  /** Rolls back whatever was not committed, and closes the connection. */
  close(): void {
    close(this.db);
  }
}

function close(db: Database.Database): void {
  if (!db.open) return;
  if (db.inTransaction) db.exec('ROLLBACK');
  tidyUp(db);
  db.close();
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
    db.pragma('temp_store = MEMORY');
  } else {
    await retryWhileBusy(() => prepareReadModelDatabase(db, false), onWait);
  }
  // Short: better-sqlite3 sleeps synchronously while busy, which would stall this thread's event loop.
  db.pragma('busy_timeout = 100');
}

/**
 * After the transaction: the WAL (grown to the model's size by the replay) folded back into the file. Best effort: if
 * another rebuild or a runner holds the lock now, it is left for their turn.
 */
function tidyUp(db: Database.Database): void {
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
  }
}
