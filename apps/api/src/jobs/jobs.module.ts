import { Inject, Logger, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import {
  BullJobQueue, BullJobRunner, InProcessJobQueue, JobProcessorRegistry, JobQueueUnavailableError, type JobQueue,
} from '@tongxin/jobs';
import { redactUrl, type LedgerConfig } from '../config/config';
import { JOB_QUEUE } from './tokens';

const JOBS_HOST = Symbol('JOBS_HOST');

/** Which process hosts the module: the API (may run processors in-process) or the worker (runs them only on Redis). */
export type JobsHostKind = 'api' | 'worker';

/** The queue this process enqueues to and reads from, and what (if anything) runs processors here. */
interface JobsHost {
  queue: JobQueue;
  start(): void;
  close(): Promise<void>;
}

/** The worker without REDIS_URL: the API runs the jobs of the embedded default, the worker none. */
class NoJobQueue implements JobQueue {
  async enqueue(): Promise<never> {
    throw new JobQueueUnavailableError('without REDIS_URL jobs are queued and run by the API process');
  }
  async get(): Promise<undefined> {
    return undefined;
  }
  async close(): Promise<void> {}
}

function createJobsHost(config: LedgerConfig, registry: JobProcessorRegistry, kind: JobsHostKind, logger: Logger): JobsHost {
  const retry = config.jobRetry;
  if (!config.redisUrl) {
    if (kind === 'worker') {
      const queue = new NoJobQueue();
      return { queue, start: () => logger.log('no REDIS_URL: background jobs run in the API process, not here'), close: () => queue.close() };
    }
    const queue = new InProcessJobQueue(config.jobsLocation, registry, { retry, logger });
    return {
      queue,
      start: () => {
        queue.start();
        logger.log(`jobs run in this process, kept in ${config.jobsLocation}`);
      },
      close: () => queue.close(),
    };
  }
  const target = { url: config.redisUrl, prefix: config.redisPrefix };
  const queue = new BullJobQueue({ ...target, retry, logger });
  const runner = config.jobWorker === 'inline' || kind === 'worker' ? new BullJobRunner(registry, { ...target, logger }) : undefined;
  return {
    queue,
    start: () => {
      runner?.start();
      logger.log(`jobs go through Redis at ${redactUrl(config.redisUrl!)} (prefix ${config.redisPrefix}); ${runner ? `this process runs ${registry.names().join(', ') || 'no'} processors` : 'the worker runs them'}`);
    },
    close: async () => {
      await runner?.close();
      await queue.close();
    },
  };
}

/** Starts the runner once every module has registered its processors, and stops it before the ledger closes its stores. */
class JobsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(JOBS_HOST) private readonly host: JobsHost) {}

  onApplicationBootstrap(): void {
    this.host.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.host.close();
  }
}

/**
 * Background jobs (issue 6): the JobQueue port (inject JOB_QUEUE) and the JobProcessorRegistry feature modules
 * register their processors with, e.g. in `onModuleInit`. Global, so any feature module reaches both.
 */
@Module({})
export class JobsModule {
  static register(config: LedgerConfig, kind: JobsHostKind = 'api'): DynamicModule {
    const logger = new Logger('Jobs');
    return {
      module: JobsModule,
      global: true,
      providers: [
        { provide: JobProcessorRegistry, useValue: new JobProcessorRegistry() },
        { provide: JOBS_HOST, inject: [JobProcessorRegistry], useFactory: (registry: JobProcessorRegistry) => createJobsHost(config, registry, kind, logger) },
        { provide: JOB_QUEUE, inject: [JOBS_HOST], useFactory: (host: JobsHost) => host.queue },
        JobsLifecycle,
      ],
      exports: [JOB_QUEUE, JobProcessorRegistry],
    };
  }
}
