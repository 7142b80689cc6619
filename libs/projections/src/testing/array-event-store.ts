/** An EventStore over an array, for runner tests: shows only `visible` events and can fail reads on cue. */
import type {
  AppendResult, EventStore, IdempotencyRecord, NewEvent, ReadAllOptions, RecordedEvent,
} from '../../../event-store/src/event-store';

export class ArrayEventStore implements EventStore {
  /** How many events of the array a reader may see (the head). */
  visible: number;
  /** Called for each page read; may replace the page (to poison it) or throw. */
  onRead?: (page: RecordedEvent[]) => RecordedEvent[];
  reads = 0;

  constructor(readonly events: RecordedEvent[]) {
    this.visible = events.length;
  }

  async readAll({ after = 0, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    this.reads += 1;
    const page = this.events.slice(after, Math.min(after + limit, this.visible));
    return this.onRead ? this.onRead(page) : page;
  }

  async *streamAll(options: { after?: number; batchSize?: number } = {}): AsyncIterable<RecordedEvent> {
    yield* this.events.slice(options.after ?? 0, this.visible);
  }

  async headPosition(): Promise<number> {
    return this.visible;
  }

  async positionAt(instant: string): Promise<number> {
    return this.events.slice(0, this.visible).filter((event) => event.recordedAt <= instant).length;
  }

  appendToStream(_streamId: string, _events: NewEvent[]): Promise<AppendResult> {
    throw new Error('read-only test store');
  }
  async readStream(streamId: string): Promise<RecordedEvent[]> {
    return this.events.slice(0, this.visible).filter((event) => event.streamId === streamId);
  }
  async streamRevision(): Promise<number> {
    return -1;
  }
  async getIdempotencyRecord(): Promise<IdempotencyRecord | undefined> {
    return undefined;
  }
  async *idempotencyRecords(): AsyncIterable<IdempotencyRecord> {}
  async lookupUniqueKey(): Promise<string | undefined> {
    return undefined;
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
