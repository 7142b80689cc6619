import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '@tongxin/event-store';
import type { LedgerReadModelPort } from '@tongxin/projections';
import { createServer, type Server } from 'node:http';
import type { LedgerConfig } from '../../api/src/config/config';
import { LedgerCommandsModule } from '../../api/src/app.module';
import { JobProcessorsModule } from '../../api/src/jobs/job-processors.module';
import { JobsModule } from '../../api/src/jobs/jobs.module';
import { LedgerModule } from '../../api/src/ledger/ledger.module';
import { EVENT_STORE, READ_MODEL } from '../../api/src/ledger/tokens';

export interface WorkerConfig extends LedgerConfig {
  /** Port of the worker's health endpoint (GET /health); 0 picks a free one. */
  healthPort: number;
}

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

/**
 * GET /health for orchestrators: 200 with the log head and the read model's checkpoint while the store
 * answers, 503 otherwise. The worker serves nothing else over HTTP.
 */
class WorkerHealth implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private server: Server | undefined;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL) private readonly readModel: LedgerReadModelPort,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url !== '/health') {
        response.writeHead(404).end();
        return;
      }
      this.status().then(
        (body) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
        (error: Error) => response.writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'unavailable', detail: error.message })),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.healthPort, this.config.host, () => resolve());
    });
    this.server = server;
    const address = server.address();
    this.logger.log(`health at http://${this.config.host}:${typeof address === 'object' && address ? address.port : this.config.healthPort}/health`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }

  private async status() {
    await this.store.ping();
    const [position, checkpoint] = await Promise.all([this.store.headPosition(), this.readModel.checkpoint()]);
    return { status: 'ok', position, projections: { checkpoint, behind: Math.max(0, position - checkpoint) } };
  }
}

/**
 * The background process of a server deployment: the one projection runner that keeps the shared read
 * model current while the API processes run with TONGXIN_PROJECTIONS=off, and, with REDIS_URL, the BullMQ workers
 * that run every job processor (hosting the command handlers the processors dispatch to).
 */
@Module({})
export class WorkerModule {
  static register(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CqrsModule.forRoot(), LedgerModule.register({ ...config, projections: 'inline' }),
        JobsModule.register(config, 'worker'), LedgerCommandsModule, JobProcessorsModule,
      ],
      providers: [{ provide: WORKER_CONFIG, useValue: config }, WorkerHealth],
    };
  }
}
