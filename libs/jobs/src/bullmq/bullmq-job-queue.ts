import { Queue, type Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { QUEUE_NAMES, queueOf, type JobName, type QueueName } from '../job-names';
import {
  InvalidJobIdError, JOB_RETENTION_SECONDS, JobPayloadTooLargeError, JobQueueUnavailableError, serializePayload,
  type EnqueueResult, type JobOrigin, type JobQueue, type JobState, type JobView,
} from '../job-queue';
import { SILENT_LOGGER, type JobLogger } from '../logger';
import { DEFAULT_RETRY, type RetryPolicy } from '../retry';
import { decodeFailure, payloadKeyOf, toBullJobId, type BullJobData, type RedisTarget } from './bull-job-data';

export interface BullJobQueueOptions extends RedisTarget {
  retry?: RetryPolicy;
  retentionSeconds?: number;
  /** How long an enqueue or a read waits on Redis before answering JobQueueUnavailableError. */
  timeoutMs?: number;
  logger?: JobLogger;
}

/**
 * The JobQueue on BullMQ: one Queue per queue name, all on one connection that fails fast (no offline queue), so a
 * request never hangs on a Redis that is down — it gets JobQueueUnavailableError and the API answers 503. The
 * connection keeps reconnecting in the background; nothing here waits for Redis at boot.
 */
export class BullJobQueue implements JobQueue {
  private readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly retry: RetryPolicy;
  private readonly logger: JobLogger;
  private down = false;

  constructor(private readonly options: BullJobQueueOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.logger = options.logger ?? SILENT_LOGGER;
    this.connection = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 500, 5000),
    });
    this.connection.on('error', (error: Error) => {
      if (this.down) return;
      this.down = true;
      this.logger.warn(`Redis is unreachable (${error.message}); jobs cannot be queued until it is back`);
    });
    this.connection.on('ready', () => {
      if (this.down) this.logger.log('Redis is reachable again; jobs are queued');
      this.down = false;
    });
  }

  /** Whether Redis answers now. */
  get available(): boolean {
    return this.connection.status === 'ready';
  }

  async enqueue<P>(name: JobName, id: string, payload: P, origin: JobOrigin): Promise<EnqueueResult> {
    const json = serializePayload(id, payload);
    const jobId = toBullJobId(id);
    const token = randomUUID();
    const retention = this.options.retentionSeconds ?? JOB_RETENTION_SECONDS;
    const payloadKey = payloadKeyOf(this.options.prefix, jobId);
    const data: BullJobData<P> = { id, payload: null, payloadKey, actor: origin.actor, orgUnitId: origin.orgUnitId, token };
    return this.call(async () => {
      // Before the job, so a worker never meets a job without its payload; NX: a taken id keeps its first payload.
      // The runner deletes it when the job finishes; the expiry is for a job nobody ever ran.
      await this.connection.set(payloadKey, json, 'EX', retention + 86_400, 'NX');
      // Ids are one namespace across job names, as in the in-process adapter.
      for (const other of QUEUE_NAMES) {
        if (other !== queueOf(name) && (await this.queue(other).getJob(jobId))) return { id, created: false };
      }
      const queue = this.queue(queueOf(name));
      await queue.add(name, data, {
        jobId,
        attempts: this.retry.attempts,
        backoff: { type: 'exponential', delay: this.retry.backoffMs },
        removeOnComplete: { age: retention },
        removeOnFail: { age: retention },
      });
      // An add with a taken id changes nothing; the stored token says whose add made the job.
      const stored = await queue.getJob(jobId);
      return { id, created: (stored?.data as BullJobData | undefined)?.token === token };
    });
  }

  async get<R = unknown>(id: string): Promise<JobView<R> | undefined> {
    const jobId = toBullJobId(id);
    return this.call(async () => {
      for (const name of QUEUE_NAMES) {
        // State first, then the job's hash: a hash read after a finished state holds that finish's result or error.
        const state = await this.queue(name).getJobState(jobId);
        if (state === 'unknown') continue;
        const job = await this.queue(name).getJob(jobId);
        if (job) return toView<R>(job, state);
      }
      return undefined;
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
    this.connection.disconnect();
  }

  /** Runs a Redis call when Redis is up, within the timeout; any Redis failure is JobQueueUnavailableError. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    if (!this.available) throw new JobQueueUnavailableError(`Redis is not connected (${this.connection.status})`);
    const timeoutMs = this.options.timeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new JobQueueUnavailableError(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([work(), timeout]);
    } catch (error) {
      if (error instanceof JobQueueUnavailableError || error instanceof InvalidJobIdError || error instanceof JobPayloadTooLargeError) throw error;
      throw new JobQueueUnavailableError((error as Error)?.message ?? String(error), error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Queues are made on first use, so a Redis that is down at boot delays nothing. */
  private queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.options.prefix });
      queue.on('error', () => undefined); // the connection's own listener reports outages once
      this.queues.set(name, queue);
    }
    return queue;
  }
}

const STATES: Record<string, JobState> = { active: 'running', completed: 'completed', failed: 'failed' };

function toView<R>(job: Job, bullState: string): JobView<R> {
  const data = job.data as BullJobData;
  const state = STATES[bullState] ?? 'queued';
  const progress = job.progress as { done?: unknown; total?: unknown } | number;
  const view: JobView<R> = {
    id: data.id, name: job.name as JobName, state,
    progress: typeof progress === 'object' && progress !== null
      ? { done: Number(progress.done ?? 0), total: Number(progress.total ?? 0) }
      : { done: 0, total: 0 },
    actor: data.actor, orgUnitId: data.orgUnitId ?? null,
    createdAt: new Date(job.timestamp).toISOString(),
    attempts: job.attemptsStarted ?? job.attemptsMade,
  };
  if (state === 'completed') view.result = (job.returnvalue ?? null) as R;
  if (state === 'failed') view.error = decodeFailure(job.failedReason);
  if (job.finishedOn && (state === 'completed' || state === 'failed')) view.finishedAt = new Date(job.finishedOn).toISOString();
  return view;
}
