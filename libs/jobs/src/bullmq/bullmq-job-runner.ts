import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { queueOf, type JobName, type QueueName } from '../job-names';
import { SILENT_LOGGER, type JobLogger } from '../logger';
import { describeFailure, isPermanentFailure, PermanentJobError, throttledProgress, type JobContext } from '../processor';
import type { JobProcessorRegistry } from '../registry';
import { encodeFailure, type BullJobData, type RedisTarget } from './bull-job-data';

export interface BullJobRunnerOptions extends RedisTarget {
  logger?: JobLogger;
}

/**
 * Runs the registry's processors as BullMQ Workers, one per queue with a registered job name, one job at a time
 * each. Workers wait for Redis on their own (blocking connections retry forever), so a worker started while Redis is
 * down begins once it is back. A job whose worker died is retried by BullMQ's stalled-job check.
 */
export class BullJobRunner {
  private readonly workers = new Map<QueueName, Worker>();
  private readonly logger: JobLogger;
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  constructor(private readonly registry: JobProcessorRegistry, private readonly options: BullJobRunnerOptions) {
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  start(): void {
    for (const name of this.registry.names()) this.serve(queueOf(name));
    this.unsubscribe = this.registry.onRegister((name) => this.serve(queueOf(name)));
  }

  /** The queues served now. */
  queues(): QueueName[] {
    return [...this.workers.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    await Promise.allSettled([...this.workers.values()].map((worker) => worker.close()));
  }

  private serve(queue: QueueName): void {
    if (this.closed || this.workers.has(queue)) return;
    const worker: Worker = new Worker(queue, (job) => this.process(job, worker), {
      connection: { url: this.options.url, maxRetriesPerRequest: null },
      prefix: this.options.prefix,
      concurrency: 1,
      maxStalledCount: 2,
    });
    let reported = false;
    worker.on('error', (error) => {
      if (reported) return;
      reported = true;
      this.logger.warn(`worker of ${queue}: ${error.message}`);
    });
    worker.on('ready', () => { reported = false; });
    this.workers.set(queue, worker);
    this.logger.log(`processing ${queue}`);
  }

  private async process(job: Job, worker: Worker): Promise<unknown> {
    const data = job.data as BullJobData;
    const processor = this.registry.get(job.name as JobName);
    if (!processor) throw new UnrecoverableError(encodeFailure(describeFailure(new Error(`no processor for job "${job.name}"`), true)));
    const ctx: JobContext = {
      jobId: data.id, actor: data.actor, orgUnitId: data.orgUnitId ?? null, attempt: job.attemptsStarted,
      progress: throttledProgress((done, total) => job.updateProgress({ done, total })),
    };
    try {
      const result = (await processor.process(await this.payloadOf(data, worker), ctx)) ?? null;
      await this.forgetPayload(data, worker);
      return result;
    } catch (error) {
      const permanent = isPermanentFailure(error);
      if (!permanent) this.logger.warn(`job ${data.id} (${job.name}) failed on attempt ${job.attemptsStarted}: ${(error as Error)?.message ?? error}`);
      if (permanent || job.attemptsStarted >= (job.opts.attempts ?? 1)) await this.forgetPayload(data, worker);
      const reason = encodeFailure(describeFailure(error, permanent));
      throw permanent ? new UnrecoverableError(reason) : new Error(reason);
    }
  }

  /** A finished job's payload is deleted: an uploaded sheet holds personal data that erasure must be able to reach. */
  private async forgetPayload(data: BullJobData, worker: Worker): Promise<void> {
    if (!data.payloadKey) return;
    try {
      await (await worker.client).del(data.payloadKey);
    } catch (error) {
      this.logger.warn(`job ${data.id}: its payload could not be deleted now (${(error as Error).message}); it expires with the job`);
    }
  }

  /** The payload, from its own key (payloadKeyOf), or from the job's hash for a job queued before payloads moved out. */
  private async payloadOf(data: BullJobData, worker: Worker): Promise<unknown> {
    if (!data.payloadKey) return data.payload;
    const json = await (await worker.client).get(data.payloadKey);
    if (json === null) throw new PermanentJobError('the job\'s payload has expired from Redis; start the job again');
    return JSON.parse(json) as unknown;
  }
}
