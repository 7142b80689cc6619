import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JobName, QueueName } from '../job-names';
import type { JobState } from '../job-queue';

/** One job as the in-process adapter keeps it (payload aside, which only the runner reads). */
export interface JobRow {
  seq: number;
  id: string;
  name: JobName;
  queue: QueueName;
  actor: string;
  org_unit_id: string | null;
  state: JobState;
  progress_done: number;
  progress_total: number;
  /** JSON text. */
  result: string | null;
  /** JSON text of a JobError. */
  error: string | null;
  attempts: number;
  created_at: string;
  finished_at: string | null;
  /** Epoch ms before which a queued job waits (backoff). */
  run_after: number;
}

export interface NewJob {
  id: string;
  name: JobName;
  queue: QueueName;
  payload: string;
  actor: string;
  orgUnitId: string | null;
  createdAt: string;
}

const VIEW_COLUMNS = 'seq, id, name, queue, actor, org_unit_id, state, progress_done, progress_total, result, error, attempts, created_at, finished_at, run_after';

/**
 * The jobs of the embedded default, in a SQLite file of their own: an enqueue is answered only once its row is
 * committed (synchronous=FULL), so an acknowledged job survives a crash and is resumed on the next start.
 */
export class SqliteJobStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // A finished job's payload (an uploaded sheet, with names and phone numbers) is overwritten, not just unlinked.
    this.db.pragma('secure_delete = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS jobs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        queue TEXT NOT NULL,
        payload BLOB NOT NULL,
        actor TEXT NOT NULL,
        org_unit_id TEXT,
        state TEXT NOT NULL,
        progress_done INTEGER NOT NULL DEFAULT 0,
        progress_total INTEGER NOT NULL DEFAULT 0,
        result TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        run_after INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS jobs_due ON jobs (queue, state, run_after, seq);
      CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
    `);
  }

  /** False when the id exists already (nothing is written). */
  insert(job: NewJob): boolean {
    const info = this.db.prepare(`
      INSERT INTO jobs (id, name, queue, payload, actor, org_unit_id, state, created_at)
      VALUES (?, ?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT (id) DO NOTHING
    `).run(job.id, job.name, job.queue, Buffer.from(job.payload, 'utf8'), job.actor, job.orgUnitId, job.createdAt);
    return info.changes === 1;
  }

  get(id: string): JobRow | undefined {
    return this.db.prepare(`SELECT ${VIEW_COLUMNS} FROM jobs WHERE id = ?`).get(id) as JobRow | undefined;
  }

  /** The oldest job of `queue` that is due now and has a processor here. */
  nextDue(queue: QueueName, names: readonly JobName[], now: number): (JobRow & { payload: Buffer }) | undefined {
    if (names.length === 0) return undefined;
    return this.db.prepare(`
      SELECT ${VIEW_COLUMNS}, payload FROM jobs
      WHERE queue = ? AND state = 'queued' AND run_after <= ? AND name IN (${names.map(() => '?').join(', ')})
      ORDER BY seq LIMIT 1
    `).get(queue, now, ...names) as (JobRow & { payload: Buffer }) | undefined;
  }

  /** When the next waiting job of `queue` falls due, if any waits. */
  nextDueAt(queue: QueueName, names: readonly JobName[]): number | undefined {
    if (names.length === 0) return undefined;
    const row = this.db.prepare(`
      SELECT MIN(run_after) AS at FROM jobs WHERE queue = ? AND state = 'queued' AND name IN (${names.map(() => '?').join(', ')})
    `).get(queue, ...names) as { at: number | null };
    return row.at ?? undefined;
  }

  markRunning(id: string, attempts: number): void {
    this.db.prepare(`UPDATE jobs SET state = 'running', attempts = ? WHERE id = ?`).run(attempts, id);
  }

  progress(id: string, done: number, total: number): void {
    this.db.prepare(`UPDATE jobs SET progress_done = ?, progress_total = ? WHERE id = ?`).run(done, total, id);
  }

  /**
   * A finished job keeps its view (14 days) but not its payload, which no one reads again and which holds personal
   * data erasure must reach; the WAL is folded back so no old page keeps it either.
   */
  complete(id: string, result: string, finishedAt: string): void {
    this.db.prepare(`UPDATE jobs SET state = 'completed', result = ?, error = NULL, finished_at = ?, payload = X'' WHERE id = ?`).run(result, finishedAt, id);
    this.foldWal();
  }

  fail(id: string, error: string, finishedAt: string): void {
    this.db.prepare(`UPDATE jobs SET state = 'failed', error = ?, finished_at = ?, payload = X'' WHERE id = ?`).run(error, finishedAt, id);
    this.foldWal();
  }

  private foldWal(): void {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    }
  }

  retryLater(id: string, error: string, runAfter: number): void {
    this.db.prepare(`UPDATE jobs SET state = 'queued', error = ?, run_after = ? WHERE id = ?`).run(error, runAfter, id);
  }

  /** Jobs a stopped process left running go back to the queue; returns how many. */
  requeueInterrupted(): number {
    return this.db.prepare(`UPDATE jobs SET state = 'queued', run_after = 0 WHERE state = 'running'`).run().changes;
  }

  /** Forgets finished jobs older than `before` (an ISO instant); returns how many. */
  purgeFinishedBefore(before: string): number {
    return this.db.prepare(`DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?`).run(before).changes;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
