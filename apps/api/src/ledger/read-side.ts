import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@tongxin/event-store';
import type { LedgerReadModelPort } from '@tongxin/projections';
import type { LedgerConfig } from '../config/config';
import type { ProjectionProgress } from './checkpoint-watcher';
import { ReadModelLaggingError } from './errors';
import { EVENT_STORE, LEDGER_CONFIG, PROJECTION_PROGRESS, READ_MODEL } from './tokens';

/** The query side's door: read-your-writes (`minPosition`) and the position an as-of answer includes. */
@Injectable()
export class ReadSide {
  constructor(
    @Inject(READ_MODEL) readonly readModel: LedgerReadModelPort,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  /** Waits until the read model includes `minPosition`, or fails with 503 after the configured wait. */
  async caughtUp(minPosition?: number): Promise<void> {
    if (minPosition === undefined || (await this.readModel.checkpoint()) >= minPosition) return;
    this.progress.wake();
    const reached = await this.progress.waitForPosition(minPosition, this.config.minPositionWaitMs);
    if (!reached) throw new ReadModelLaggingError(minPosition, await this.readModel.checkpoint());
  }

  async streamExists(streamId: string): Promise<boolean> {
    return (await this.store.streamRevision(streamId)) >= 0;
  }

  /** The last position an as-of answer includes: recorded by `asOf` and already projected. */
  async positionAsOf(asOf: string): Promise<number> {
    return Math.min(await this.store.positionAt(new Date(asOf).toISOString()), await this.readModel.checkpoint());
  }
}
