import { upcast, type LedgerEvent } from '@tongxin/domain';
import type { EventStore } from '@tongxin/event-store';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { evictOldest } from './bounded-map';

/** Where an event lies: its revision in the stream and its global position. */
export interface EventPlace {
  revision: number;
  position: number;
}

/**
 * What folding a stream needs; every Decider is one (method parameters are bivariant). A folder that keeps an index
 * of where events lie (see DonationEvents) reads `at`; a decider ignores it.
 */
export interface Folder<S> {
  initialState(): S;
  evolve(state: S, event: LedgerEvent, at: EventPlace): S;
}

export interface StreamState<S> {
  state: S;
  /** Last revision, -1 when the stream does not exist. */
  revision: number;
  /** Global position of the stream's last event, 0 when it does not exist. */
  position: number;
}

/** Events folded between two turns of the event loop: a first read of a city campaign (10⁵ events) must not hold it. */
const EVENTS_PER_TURN = 2_000;

/**
 * Folded states of recently used streams, so a command on a long stream (a campaign's money, a
 * volunteer's years of hours) reads only the events after the cached revision, never the whole stream.
 * Always correct with other writers: the tail is read from the store every time. States are never
 * mutated by `evolve`, so sharing them is safe. Each folder has its own states (a stream read by two folders
 * holds two), bounded alike.
 */
export class StreamStates {
  private readonly byFolder = new Map<Folder<unknown>, Map<string, StreamState<unknown>>>();
  /** First reads in flight: a burst of reads of a stream not held yet folds it once, not once per request. */
  private readonly firstReads = new Map<Folder<unknown>, Map<string, Promise<unknown>>>();

  constructor(
    private readonly store: EventStore,
    private readonly maxEntries = 10_000,
  ) {}

  async current<S>(streamId: string, folder: Folder<S>): Promise<StreamState<S>> {
    if (!this.entries(folder).has(streamId)) {
      const pending = this.pendingOf(folder);
      const first = pending.get(streamId);
      if (first) {
        // Then read the tail as usual: what was appended after that read began is in no state yet.
        await first.catch(() => undefined);
      } else {
        const read = this.readTail(streamId, folder);
        pending.set(streamId, read);
        try {
          return await read;
        } finally {
          pending.delete(streamId);
        }
      }
    }
    return this.readTail(streamId, folder);
  }

  /**
   * After an append: the state with the appended event folded in, without reading it back. Several events of one
   * append have positions the result does not all give, so those are read back with the next tail instead.
   */
  appended<S>(streamId: string, folder: Folder<S>, before: StreamState<S>, events: LedgerEvent[], revision: number, position: number): void {
    if (events.length !== 1) return;
    this.remember(streamId, folder, { state: folder.evolve(before.state, events[0], { revision, position }), revision, position });
  }

  private async readTail<S>(streamId: string, folder: Folder<S>): Promise<StreamState<S>> {
    const cached = this.entries(folder).get(streamId) as StreamState<S> | undefined;
    const tail = await this.store.readStream(streamId, { fromRevision: cached ? cached.revision + 1 : 0 });
    let { state, revision, position } = cached ?? { state: folder.initialState(), revision: -1, position: 0 };
    for (let index = 0; index < tail.length; index++) {
      if (index > 0 && index % EVENTS_PER_TURN === 0) await nextTurn();
      // `evolve` knows only current shapes; older ones are raised on the way in.
      const event = upcast(tail[index]);
      revision = event.revision;
      position = event.position;
      state = folder.evolve(state, { type: event.type, data: event.data } as LedgerEvent, { revision, position });
    }
    const value = { state, revision, position };
    // Another read of the same stream may have kept a later state meanwhile; never go back to an earlier one.
    const kept = this.entries(folder).get(streamId);
    if (revision >= 0 && (!kept || kept.revision < revision)) this.remember(streamId, folder, value);
    return value;
  }

  private entries(folder: Folder<unknown>): Map<string, StreamState<unknown>> {
    let entries = this.byFolder.get(folder);
    if (!entries) this.byFolder.set(folder, (entries = new Map()));
    return entries;
  }

  private pendingOf(folder: Folder<unknown>): Map<string, Promise<unknown>> {
    let pending = this.firstReads.get(folder);
    if (!pending) this.firstReads.set(folder, (pending = new Map()));
    return pending;
  }

  /**
   * First in, first out: an entry keeps its place when updated. Moving it to the end (delete, then set) on every use
   * made a Map rehash again and again (~15 µs a command); a busy stream evicted this way is read whole once more.
   */
  private remember(streamId: string, folder: Folder<unknown>, value: StreamState<unknown>): void {
    const entries = this.entries(folder);
    entries.set(streamId, value);
    evictOldest(entries, this.maxEntries);
  }
}
