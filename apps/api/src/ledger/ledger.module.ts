import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule, EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { createEventStore, type EventStore } from '@tongxin/event-store';
import { openKeyStore, SealingEventStore, type SubjectKeyStore } from '@tongxin/privacy';
import { openLedgerReadModel, ProjectionRunner, type LedgerReadModelPort } from '@tongxin/projections';
import type { LedgerConfig } from '../config/config';
import { CheckpointWatcher, type ProjectionProgress } from './checkpoint-watcher';
import { CommandExecutor } from './command-executor';
import { LedgerAppended } from './ledger-appended.event';
import { ReadSide } from './read-side';
import { EVENT_STORE, KEY_STORE, LEDGER_CONFIG, PROJECTION_PROGRESS, RAW_EVENT_STORE, READ_MODEL } from './tokens';

@EventsHandler(LedgerAppended)
export class WakeProjections implements IEventHandler<LedgerAppended> {
  constructor(@Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress) {}

  handle(): void {
    this.progress.wake();
  }
}

/** Starts the projection runner (if this process projects) and closes runner, read model and store on shutdown, in that order. */
class LedgerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Ledger');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL) private readonly readModel: LedgerReadModelPort,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(KEY_STORE) private readonly keys: SubjectKeyStore,
  ) {}

  onApplicationBootstrap(): void {
    if (this.progress instanceof ProjectionRunner) this.progress.start();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.progress instanceof ProjectionRunner) await this.progress.stop();
    await this.readModel.close();
    await this.store.close();
    await this.keys.close();
    this.logger.log('event store, read models and key store closed');
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
        { provide: KEY_STORE, useFactory: () => openKeyStore(config.vaultLocation) },
        {
          provide: RAW_EVENT_STORE,
          useFactory: () => createEventStore(config.storeUrl, { kurrentdbState: config.kurrentdbState, dataDirectory: config.dataDir }),
        },
        // Commands and history read and write personal data sealed with each person's key; projections never need it.
        { provide: EVENT_STORE, inject: [RAW_EVENT_STORE, KEY_STORE], useFactory: (raw: EventStore, keys: SubjectKeyStore) => new SealingEventStore(raw, keys) },
        { provide: READ_MODEL, useFactory: () => openLedgerReadModel(config.readModelLocation) },
        {
          provide: PROJECTION_PROGRESS,
          inject: [RAW_EVENT_STORE, READ_MODEL],
          useFactory: (store: EventStore, readModel: LedgerReadModelPort): ProjectionProgress =>
            config.projections === 'inline'
              ? new ProjectionRunner(store, readModel, { pollIntervalMs: config.projectionPollMs })
              : new CheckpointWatcher(readModel),
        },
        LedgerLifecycle,
        WakeProjections,
        CommandExecutor,
        ReadSide,
      ],
      exports: [LEDGER_CONFIG, EVENT_STORE, KEY_STORE, READ_MODEL, PROJECTION_PROGRESS, CommandExecutor, ReadSide],
    };
  }
}
