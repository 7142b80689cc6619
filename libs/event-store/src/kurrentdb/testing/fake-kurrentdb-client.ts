import type { KurrentClient } from '../kurrentdb-reader';

/**
 * A stand-in for the KurrentDB client, for tests on machines without a server. It models what the adapter relies
 * on, as KurrentDB documents it: positions are byte offsets (gaps between events, system events in between),
 * a forward `$all` read from a position includes the event there and a backward one excludes it, the append's
 * `streamState` check, idempotent writes of the same event ids, StreamNotFound on reading a missing stream, and
 * a per-event `created`. It is not KurrentDB: the real-server suite is kurrentdb-event-store.int-spec.ts.
 */
export class FakeKurrentClient {
  readonly log: FakeRecord[] = [];
  private nextPosition = 1_000;
  private readonly revisions = new Map<string, number>();
  /** Set to make the next append write its events and then fail as if the connection dropped. */
  failAfterWrite = false;
  /** Set to make the next append fail before writing anything. */
  failBeforeWrite = false;
  /** The server's clock. */
  clock: () => Date = () => new Date();

  constructor() {
    // The log never starts with a ledger event: epoch and settings records come first.
    this.write('$settings', '$metadata', {}, {}, '00000000-0000-4000-8000-000000000001');
  }

  asClient(): KurrentClient {
    return this as unknown as KurrentClient;
  }

  async appendToStream(streamId: string, events: FakeEventData[], options: { streamState?: unknown } = {}) {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failBeforeWrite) {
      this.failBeforeWrite = false;
      throw Object.assign(new Error('fake: unavailable'), { type: 'unavailable' });
    }
    const current = this.revisions.get(streamId) ?? -1;
    const own = this.log.filter((record) => record.streamId === streamId);
    // Idempotent write: the same event ids already written answer success without writing again.
    const existing = own.findIndex((record) => record.id === events[0].id);
    if (existing !== -1 && events.every((event, index) => own[existing + index]?.id === event.id)) {
      const last = own[existing + events.length - 1];
      return { success: true, nextExpectedRevision: BigInt(last.revision), position: { commit: BigInt(last.position), prepare: BigInt(last.position) } };
    }
    const state = options.streamState ?? 'any';
    const ok = state === 'any' || (state === 'no_stream' && current === -1) || (state === 'stream_exists' && current >= 0)
      || (typeof state === 'bigint' && Number(state) === current);
    if (!ok) {
      throw Object.assign(new Error('fake: wrong expected version'), {
        type: 'wrong-expected-version', streamName: streamId, expectedState: state, actualState: current === -1 ? 'no_stream' : BigInt(current),
      });
    }
    let last: FakeRecord | undefined;
    for (const event of events) last = this.write(streamId, event.type, event.data, event.metadata, event.id);
    if (this.failAfterWrite) {
      this.failAfterWrite = false;
      throw Object.assign(new Error('fake: connection lost after the write'), { type: 'unavailable' });
    }
    return { success: true, nextExpectedRevision: BigInt(last!.revision), position: { commit: BigInt(last!.position), prepare: BigInt(last!.position) } };
  }

  async *readStream(streamId: string, options: { fromRevision?: unknown; direction?: string; maxCount?: number | bigint } = {}) {
    await new Promise((resolve) => setImmediate(resolve));
    const own = this.log.filter((record) => record.streamId === streamId);
    if (own.length === 0) throw Object.assign(new Error(`fake: ${streamId} not found`), { type: 'stream-not-found' });
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision === 'end' || options.fromRevision === undefined
      ? (backwards ? Infinity : 0) : Number(options.fromRevision as bigint);
    const picked = backwards
      ? own.filter((record) => record.revision <= from).reverse()
      : own.filter((record) => record.revision >= from);
    for (const record of picked.slice(0, max)) yield { event: this.toRecorded(record) };
  }

  async *readAll(options: { fromPosition?: unknown; direction?: string; maxCount?: number | bigint; filter?: { regex?: string } } = {}) {
    await new Promise((resolve) => setImmediate(resolve));
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition;
    const at = typeof from === 'object' && from !== null ? Number((from as { commit: bigint }).commit) : undefined;
    const filter = options.filter?.regex ? new RegExp(options.filter.regex) : undefined;
    let picked = backwards
      ? this.log.filter((record) => at === undefined || record.position < at).reverse()
      : this.log.filter((record) => at === undefined || record.position >= at);
    if (filter) picked = picked.filter((record) => filter.test(record.type));
    for (const record of picked.slice(0, max)) yield { event: this.toRecorded(record) };
  }

  async dispose(): Promise<void> {}

  private write(streamId: string, type: string, data: unknown, metadata: unknown, id: string): FakeRecord {
    const revision = (this.revisions.get(streamId) ?? -1) + 1;
    const record: FakeRecord = {
      position: this.nextPosition, streamId, revision, type, id, created: this.clock(),
      data: JSON.stringify(data), metadata: JSON.stringify(metadata ?? {}),
    };
    // A record's size on disk: the next one starts after it, so positions have gaps.
    this.nextPosition += 150 + record.data.length + record.metadata.length;
    this.revisions.set(streamId, revision);
    this.log.push(record);
    return record;
  }

  private toRecorded(record: FakeRecord) {
    return {
      id: record.id, streamId: record.streamId, revision: BigInt(record.revision), type: record.type, isJson: true,
      data: JSON.parse(record.data) as unknown, metadata: JSON.parse(record.metadata) as unknown, created: record.created,
      position: { commit: BigInt(record.position), prepare: BigInt(record.position) },
    };
  }
}

export interface FakeRecord {
  position: number;
  streamId: string;
  revision: number;
  type: string;
  id: string;
  created: Date;
  data: string;
  metadata: string;
}

interface FakeEventData {
  id: string;
  type: string;
  data: unknown;
  metadata?: unknown;
}
