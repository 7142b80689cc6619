import type { KurrentDBClient, Position } from '@kurrent/kurrentdb-client';
import type { RecordedEvent } from '../event-store';
import { isStreamNotFound } from './kurrentdb-errors';
import { contextNeeded, eventsAfter, fromStoredMetadata, isLedgerEvent, stampRecordedAt, CLOCK_LOOKBACK } from './kurrentdb-mapping';

/** The part of the client the adapter uses, so tests can stand in for a server. */
export type KurrentClient = Pick<KurrentDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'dispose'>;

/** An event as KurrentDB returned it, before recordedAt is stamped. */
export interface RawEvent {
  id: string;
  position: number;
  streamId: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  appendIndex: number;
  created: number;
}

// The client's constants are these strings; spelled here so only types are imported from it.
const START = 'start';
const END = 'end';
const FORWARDS = 'forwards';
const BACKWARDS = 'backwards';
/** The client's excludeSystemEvents(): types starting with `$` are filtered out on the server. */
const USER_EVENTS = { filterOn: 'eventType', regex: '^[^$].*', checkpointInterval: 1 } as const;
const HEAD_PAGE = 32;
const SCAN_PAGE = 512;

/** The read side: stream reads, `$all` pages with positions and recordedAt, the head, and positionAt. */
export class KurrentReader {
  constructor(private readonly client: KurrentClient, private readonly lookback = CLOCK_LOOKBACK) {}

  /** A stream's events from a revision (all of them, or `maxCount`); [] when it does not exist. */
  async readStreamRaw(streamId: string, fromRevision: number, maxCount?: number): Promise<RawEvent[]> {
    const events: RawEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        fromRevision: BigInt(fromRevision), maxCount: maxCount ?? Number.MAX_SAFE_INTEGER, requiresLeader: true,
      })) {
        const event = toRaw(resolved.event, true);
        if (event) events.push(event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return events;
  }

  /**
   * Stamps from the stream itself: an append's followers take its first event's time, clamped by the earlier
   * events read. Equal to the `$all` stamp unless the server clock stepped back (then it may be earlier).
   */
  async readStream(streamId: string, fromRevision: number): Promise<RecordedEvent[]> {
    const events = await this.readStreamRaw(streamId, fromRevision);
    const before = Math.min(events[0]?.appendIndex ?? 0, fromRevision);
    const context = before > 0 ? await this.readStreamRaw(streamId, fromRevision - before, before) : [];
    return toRecorded(events, stampRecordedAt([...context, ...events], context.length, events.length + context.length));
  }

  async streamRevision(streamId: string): Promise<number> {
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision: END, direction: BACKWARDS, maxCount: 1, requiresLeader: true })) {
        if (resolved.event) return Number(resolved.event.revision);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return -1;
      throw error;
    }
    return -1;
  }

  /**
   * A page of ledger events with position > after. The forward read starts at `after` itself (inclusive) and
   * asks for one more than the limit, since the event at `after` comes back too and is dropped.
   */
  async readAll(after: number, limit: number): Promise<RecordedEvent[]> {
    if (limit <= 0) return [];
    const read: RawEvent[] = [];
    let page: RawEvent[] = [];
    for (let from = after; ;) {
      const batch = await this.readAllRaw(from > 0 ? at(from) : START, FORWARDS, limit + 1);
      // A batch read on from the last one starts with that one's last event again.
      for (const event of batch.events) if (read.length === 0 || event.position > read[read.length - 1].position) read.push(event);
      page = eventsAfter(read, after, limit);
      // Few ledger events but a full batch: `$`-streams took the room, so read on from where the batch ended.
      if (page.length >= limit || batch.exhausted) break;
      from = batch.lastPosition;
    }
    if (page.length === 0) return [];
    // Context for recordedAt: the events just before the page (see stampRecordedAt).
    const known = read.filter((event) => event.position <= after);
    const missing = after > 0 ? contextNeeded(page[0], this.lookback) - known.length : 0;
    const earlier = missing > 0 ? (await this.readAllRaw(at(after), BACKWARDS, missing)).events.reverse() : [];
    const context = [...earlier.filter((event) => event.position < (known[0]?.position ?? after + 1)), ...known];
    return toRecorded(page, stampRecordedAt([...context, ...page], context.length, this.lookback));
  }

  /** The last ledger event's position: a backward read of `$all` from the end. */
  async headPosition(): Promise<number> {
    let from: Position | typeof END = END;
    for (;;) {
      const batch = await this.readAllRaw(from, BACKWARDS, HEAD_PAGE);
      if (batch.events.length > 0) return batch.events[0].position;
      if (batch.exhausted) return 0;
      from = at(batch.lastPosition);
    }
  }

  /** The last ledger event's recordedAt (epoch ms), stamped as readAll would; undefined when the log is empty. */
  async lastRecordedAt(): Promise<number | undefined> {
    let from: Position | typeof END = END;
    for (;;) {
      const batch = await this.readAllRaw(from, BACKWARDS, this.lookback + 1);
      if (batch.events.length > 0) {
        const chronological = batch.events.reverse();
        return stampRecordedAt(chronological, chronological.length - 1, this.lookback)[0];
      }
      if (batch.exhausted) return undefined;
      from = at(batch.lastPosition);
    }
  }

  /**
   * The last position recorded at or before `cut` (epoch ms): reads `$all` backwards from the end in pages until
   * it meets one, so it costs a read of every event recorded after the instant (cheap for recent instants,
   * a long scan for old ones; KurrentDB has no index on time).
   */
  async positionAt(cut: number): Promise<number> {
    // Chronological; the first `unchecked` entries are not checked yet, the rest were and are dropped.
    let buffer: RawEvent[] = [];
    let unchecked = 0;
    let from: Position | typeof END = END;
    for (;;) {
      const batch = await this.readAllRaw(from, BACKWARDS, SCAN_PAGE);
      buffer = [...batch.events.reverse(), ...buffer.slice(0, unchecked)];
      unchecked = buffer.length;
      // An event is checked once its lookback window is in the buffer, or the log's start is.
      const lowest = batch.exhausted ? 0 : Math.min(unchecked, this.lookback);
      const stamps = stampRecordedAt(buffer, lowest, this.lookback);
      for (let index = unchecked - 1; index >= lowest; index--) {
        if (stamps[index - lowest] <= cut) return buffer[index].position;
      }
      if (batch.exhausted) return 0;
      unchecked = lowest;
      from = at(batch.lastPosition);
    }
  }

  /**
   * Ledger events of one `$all` read. `exhausted` when the server returned fewer than asked (the end of the log
   * in that direction); `lastPosition` is where it stopped, counting events that were not the ledger's.
   */
  private async readAllRaw(fromPosition: Position | typeof START | typeof END, direction: typeof FORWARDS | typeof BACKWARDS, maxCount: number) {
    const events: RawEvent[] = [];
    let count = 0;
    let lastPosition = 0;
    for await (const resolved of this.client.readAll({ fromPosition, direction, maxCount, filter: USER_EVENTS })) {
      const event = toRaw(resolved.event, false);
      count++;
      if (!event) continue;
      lastPosition = event.position;
      if (isLedgerEvent(event.streamId, event.type)) events.push(event);
    }
    return { events, exhausted: count < maxCount, lastPosition };
  }
}

/** A `$all` position from the port's number: for events written without explicit transactions, commit = prepare. */
function at(position: number): Position {
  return { commit: BigInt(position), prepare: BigInt(position) };
}

type ClientRecorded = { id: string; streamId: string; revision: bigint; type: string; data: unknown; metadata: unknown; created: Date; position?: Position };

function toRaw(event: ClientRecorded | undefined, fromStream: boolean): RawEvent | undefined {
  if (!event) return undefined;
  if (!event.position) {
    // Servers before 22.6 leave positions out of stream reads; the ledger cannot answer without them.
    if (fromStream) throw new Error('kurrentdb event store: the server returned no event positions (KurrentDB/EventStoreDB 22.6 or later is required)');
    return undefined;
  }
  const { metadata, appendIndex, recordedAt } = fromStoredMetadata(event.metadata);
  const data = event.data !== null && typeof event.data === 'object' && !(event.data instanceof Uint8Array) ? event.data as Record<string, unknown> : {};
  return {
    id: event.id.toLowerCase(), position: Number(event.position.commit), streamId: event.streamId, revision: Number(event.revision),
    // An imported append's instant stands in for the server's `created` (see RECORDED_AT_KEY).
    type: event.type, data, metadata, appendIndex, created: recordedAt ?? event.created.getTime(),
  };
}

function toRecorded(events: RawEvent[], stamps: number[]): RecordedEvent[] {
  return events.map((event, index) => ({
    position: event.position, streamId: event.streamId, revision: event.revision, type: event.type,
    data: event.data, metadata: event.metadata, recordedAt: new Date(stamps[index]).toISOString(),
  }));
}
