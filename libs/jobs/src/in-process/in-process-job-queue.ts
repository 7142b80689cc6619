import { JOB_QUEUES, QUEUE_NAMES, queueOf, type JobName, type QueueName } from '../job-names';
import {
  JOB_RETENTION_SECONDS, serializePayload, type EnqueueResult, type JobError, type JobOrigin, type JobQueue, type JobView,
} from '../job-queue';
import { SILENT_LOGGER, type JobLogger } from '../logger';
import { describeFailure, isPermanentFailure, throttledProgress, type JobContext } from '../processor';
import type { JobProcessorRegistry } from '../registry';
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy } from '../retry';
import { SqliteJobStore, type JobRow } from './sqlite-job-store';

export interface InProcessJobQueueOptions {
  retry?: RetryPolicy;
  /** How long close() waits for running jobs to finish before leaving them to be resumed on the next start. */
  closeGraceMs?: number;
  retentionSeconds?: number;
  logger?: JobLogger;
}

/**
 * Jobs without Redis: kept in a SQLite file and run in this process, one at a time per queue, with the same retries
 * and backoff as BullMQ. Jobs that were queued or running when the process stopped run again on the next start, so
 * processors must be safe to re-run. One process per file: the embedded API owns its data directory.
 */
export class InProcessJobQueue implements JobQueue {
  private readonly store: SqliteJobStore;
  private readonly retry: RetryPolicy;
  private readonly logger: JobLogger;
  private readonly running = new Map<QueueName, Promise<void>>();
  private readonly timers = new Map<QueueName, NodeJS.Timeout>();
  private unsubscribe: (() => void) | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  /** No new job starts once set; writes of jobs still running go on until `closed`. */
  private closing = false;
  private closed = false;

  constructor(file: string, private readonly registry: JobProcessorRegistry, private readonly options: InProcessJobQueueOptions = {}) {
    this.store = new SqliteJobStore(file);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  /** Resumes what a previous process left unfinished and starts serving every registered job name. */
  start(): void {
    const interrupted = this.store.requeueInterrupted();
    if (interrupted > 0) this.logger.warn(`${interrupted} job(s) interrupted by the last stop are queued again`);
    this.purge();
    this.purgeTimer = setInterval(() => this.purge(), 3600_000).unref();
    this.unsubscribe = this.registry.onRegister((name) => this.wake(queueOf(name)));
    for (const queue of QUEUE_NAMES) this.wake(queue);
  }

  async enqueue<P>(name: JobName, id: string, payload: P, origin: JobOrigin): Promise<EnqueueResult> {
    const json = serializePayload(id, payload);
    const created = this.store.insert({
      id, name, queue: queueOf(name), payload: json, actor: origin.actor, orgUnitId: origin.orgUnitId, createdAt: new Date().toISOString(),
    });
    if (created) this.wake(queueOf(name));
    return { id, created };
  }

  async get<R = unknown>(id: string): Promise<JobView<R> | undefined> {
    const row = this.store.get(id);
    return row && toView<R>(row);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    this.unsubscribe?.();
    for (const timer of this.timers.values()) clearTimeout(timer);
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    const grace = new Promise<void>((resolve) => setTimeout(resolve, this.options.closeGraceMs ?? 5000).unref());
    await Promise.race([Promise.allSettled([...this.running.values()]), grace]);
    if (this.running.size > 0) this.logger.warn(`${this.running.size} job(s) still running at shutdown will resume on the next start`);
    this.closed = true;
    this.store.close();
  }

  /** Starts the queue's next due job unless one of its jobs runs already; else sleeps until the next one falls due. */
  private wake(queue: QueueName): void {
    if (this.closing || this.running.has(queue)) return;
    const names = this.servedNames(queue);
    const job = this.store.nextDue(queue, names, Date.now());
    if (!job) {
      this.sleepUntilDue(queue, names);
      return;
    }
    const run = this.run(job, job.payload.toString('utf8')).catch((error: Error) => {
      this.logger.error(`job ${job.id} could not be recorded as finished: ${error.message}`);
    }).finally(() => {
      this.running.delete(queue);
      this.wake(queue);
    });
    this.running.set(queue, run);
  }

  private sleepUntilDue(queue: QueueName, names: JobName[]): void {
    const dueAt = this.store.nextDueAt(queue, names);
    clearTimeout(this.timers.get(queue));
    if (dueAt === undefined) return;
    this.timers.set(queue, setTimeout(() => this.wake(queue), Math.max(0, dueAt - Date.now())).unref());
  }

  private async run(job: JobRow, payloadJson: string): Promise<void> {
    const attempt = job.attempts + 1;
    const processor = this.registry.get(job.name);
    if (attempt > this.retry.attempts || !processor) {
      // A job that kept taking the process down with it (or lost its processor) fails instead of looping.
      const error = new Error(processor ? `the job was interrupted ${job.attempts} times without finishing` : `no processor for job "${job.name}"`);
      this.store.fail(job.id, JSON.stringify(describeFailure(error, true)), new Date().toISOString());
      return;
    }
    this.store.markRunning(job.id, attempt);
    const ctx: JobContext = {
      jobId: job.id, actor: job.actor, orgUnitId: job.org_unit_id, attempt,
      progress: throttledProgress(async (done, total) => {
        if (!this.closed) this.store.progress(job.id, done, total);
      }),
    };
    try {
      const result = await processor.process(JSON.parse(payloadJson), ctx);
      if (!this.closed) this.store.complete(job.id, JSON.stringify(result ?? null), new Date().toISOString());
    } catch (error) {
      if (this.closed) return;
      const permanent = isPermanentFailure(error);
      const failure = JSON.stringify(describeFailure(error, permanent));
      if (permanent || attempt >= this.retry.attempts) {
        this.store.fail(job.id, failure, new Date().toISOString());
      } else {
        this.logger.warn(`job ${job.id} (${job.name}) failed on attempt ${attempt}, retrying: ${(error as Error)?.message ?? error}`);
        this.store.retryLater(job.id, failure, Date.now() + backoffDelay(this.retry, attempt));
      }
    }
  }

  private servedNames(queue: QueueName): JobName[] {
    return this.registry.names().filter((name) => JOB_QUEUES[name] === queue);
  }

  private purge(): void {
    const seconds = this.options.retentionSeconds ?? JOB_RETENTION_SECONDS;
    this.store.purgeFinishedBefore(new Date(Date.now() - seconds * 1000).toISOString());
  }
}

function toView<R>(row: JobRow): JobView<R> {
  const view: JobView<R> = {
    id: row.id, name: row.name, state: row.state, progress: { done: row.progress_done, total: row.progress_total },
    actor: row.actor, orgUnitId: row.org_unit_id, createdAt: row.created_at, attempts: row.attempts,
  };
  if (row.state === 'completed' && row.result !== null) view.result = JSON.parse(row.result) as R;
  if (row.state === 'failed' && row.error !== null) view.error = JSON.parse(row.error) as JobError;
  if (row.finished_at !== null) view.finishedAt = row.finished_at;
  return view;
}
