import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { createEventStore, type EventStore } from '@tongxin/event-store';
import { openReadModel, ProjectionRunner, type LedgerReadModel } from '@tongxin/projections';
import type { LedgerConfig } from '../config/config';
import { CommandExecutor } from './command-executor';
import { LedgerAppended } from './ledger-appended.event';
import { ReadSide } from './read-side';
import { EVENT_STORE, LEDGER_CONFIG, PROJECTION_RUNNER, READ_MODEL } from './tokens';

@EventsHandler(LedgerAppended)
export class WakeProjections implements IEventHandler<LedgerAppended> {
  constructor(@Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner) {}

  handle(): void {
    this.runner.wake();
  }
}

/** Starts the projection runner with the app and closes runner, read model and store on shutdown, in that order. */
class LedgerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ledger');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL) private readonly readModel: LedgerReadModel,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    this.readModel.close();
    await this.store.close();
    this.logger.log('event store and read models closed');
  }
}

/** The ports (event store, read model, projection runner) and the command/query plumbing over them. */
@Module({})
export class LedgerModule {
  static register(config: LedgerConfig): DynamicModule {
    return {
      module: LedgerModule,
      global: true,
      imports: [CqrsModule],
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: EVENT_STORE, useFactory: () => createEventStore(config.storeUrl) },
        { provide: READ_MODEL, useFactory: () => openReadModel(config.readModelPath) },
        {
          provide: PROJECTION_RUNNER,
          inject: [EVENT_STORE, READ_MODEL],
          useFactory: (store: EventStore, readModel: LedgerReadModel) => new ProjectionRunner(store, readModel),
        },
        LedgerLifecycle,
        WakeProjections,
        CommandExecutor,
        ReadSide,
      ],
      exports: [LEDGER_CONFIG, EVENT_STORE, READ_MODEL, PROJECTION_RUNNER, CommandExecutor, ReadSide],
    };
  }
}
