import { upcast, type LedgerEvent } from '@tongxin/domain';
import type { EventStore } from '@tongxin/event-store';
import { evictOldest } from './bounded-map';

/** What folding a stream needs; every Decider is one (method parameters are bivariant). */
export interface Folder<S> {
  initialState(): S;
  evolve(state: S, event: LedgerEvent): S;
}

export interface StreamState<S> {
  state: S;
  /** Last revision, -1 when the stream does not exist. */
  revision: number;
  /** Global position of the stream's last event, 0 when it does not exist. */
  position: number;
}

/**
 * Folded states of recently used streams, so a command on a long stream (a campaign's money, a
 * volunteer's years of hours) reads only the events after the cached revision, never the whole stream.
 * Always correct with other writers: the tail is read from the store every time. States are never
 * mutated by `evolve`, so sharing them is safe.
 */
export class StreamStates {
  private readonly entries = new Map<string, StreamState<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly maxEntries = 10_000,
  ) {}

  async current<S>(streamId: string, folder: Folder<S>): Promise<StreamState<S>> {
    const cached = this.entries.get(streamId) as StreamState<S> | undefined;
    const tail = await this.store.readStream(streamId, { fromRevision: cached ? cached.revision + 1 : 0 });
    let { state, revision, position } = cached ?? { state: folder.initialState(), revision: -1, position: 0 };
    for (const recorded of tail) {
      // `evolve` knows only current shapes; older ones are raised on the way in.
      const event = upcast(recorded);
      state = folder.evolve(state, { type: event.type, data: event.data } as LedgerEvent);
      revision = event.revision;
      position = event.position;
    }
    const value = { state, revision, position };
    if (revision >= 0) this.remember(streamId, value);
    return value;
  }

  /** After an append: the state with the appended events folded in, without reading them back. */
  appended<S>(streamId: string, folder: Folder<S>, before: StreamState<S>, events: LedgerEvent[], revision: number, position: number): void {
    this.remember(streamId, { state: events.reduce((s, e) => folder.evolve(s, e), before.state), revision, position });
  }

  /**
   * First in, first out: an entry keeps its place when updated. Moving it to the end (delete, then set) on every use
   * made a Map rehash again and again (~15 µs a command); a busy stream evicted this way is read whole once more.
   */
  private remember(streamId: string, value: StreamState<unknown>): void {
    this.entries.set(streamId, value);
    evictOldest(this.entries, this.maxEntries);
  }
}
