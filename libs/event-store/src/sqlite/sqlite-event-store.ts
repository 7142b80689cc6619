import Database from 'better-sqlite3';
import {
  ANY, NO_STREAM, STREAM_EXISTS, StoreUnavailableError,
  type AppendOptions, type AppendResult, type EventStore, type IdempotencyRecord, type NewEvent, type ReadAllOptions,
  type RecordedEvent,
} from '../event-store';
import { GroupCommitter } from './group-commit';
import { SqliteAppender, type AppendRequest } from './sqlite-append';
import { toStoreError } from './sqlite-errors';
import { SqliteReader } from './sqlite-reader';
import { prepareDatabase } from './sqlite-schema';

export interface SqliteEventStoreOptions {
  /** The clock behind `recordedAt`; tests may pin it. */
  now?: () => Date;
  /** Most appends committed in one transaction. */
  maxGroupSize?: number;
  /** How long to wait for another connection's write lock before answering StoreUnavailableError. Default 5 s. */
  busyTimeoutMs?: number;
}

/**
 * The embedded default adapter: one SQLite file in WAL mode with synchronous=FULL. Appends go through a
 * group committer (see group-commit.ts) so concurrent callers share one fsync; reads run directly on the
 * same connection and see only committed transactions, which SQLite makes visible atomically and in
 * position order.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly reader: SqliteReader;
  private readonly committer: GroupCommitter<AppendRequest, AppendResult>;
  private closed = false;

  constructor(readonly path: string, options: SqliteEventStoreOptions = {}) {
    const inMemory = path === ':memory:';
    try {
      this.db = new Database(path);
      prepareDatabase(this.db, inMemory, options.busyTimeoutMs ?? 5000);
    } catch (error) {
      this.db?.close();
      throw new StoreUnavailableError(`sqlite event store: cannot open ${path}: ${(error as Error).message}`, error);
    }
    this.reader = new SqliteReader(this.db);
    const appender = new SqliteAppender(this.db, options.now);
    this.committer = new GroupCommitter((requests) => appender.commitGroup(requests), options.maxGroupSize);
  }

  /**
   * Rejects with TypeError('no events') for an empty array (an append that appends nothing has no revision or
   * position to answer with) and for malformed arguments. An exact expected revision of -1 means the same as
   * NO_STREAM, since -1 is what `streamRevision` answers for a missing stream.
   */
  async appendToStream(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (this.closed) throw new StoreUnavailableError('sqlite event store is closed');
    return this.committer.submit(toRequest(streamId, events, options));
  }

  async readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    return this.read('readStream', () => this.reader.readStream(streamId, options.fromRevision ?? 0));
  }

  async streamRevision(streamId: string): Promise<number> {
    return this.read('streamRevision', () => this.reader.streamRevision(streamId));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.read('readAll', () => this.reader.readAll(options.after ?? 0, options.limit));
  }

  /** Keyset pages on position: each page is one short query, so neither memory nor a lock grows with the log. */
  async *streamAll(options: { after?: number; batchSize?: number } = {}): AsyncIterable<RecordedEvent> {
    let after = options.after ?? 0;
    const batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
    for (;;) {
      const page = await this.readAll({ after, limit: batchSize });
      for (const event of page) yield event;
      if (page.length < batchSize) return;
      after = page[page.length - 1].position;
    }
  }

  async headPosition(): Promise<number> {
    return this.read('headPosition', () => this.reader.headPosition());
  }

  async positionAt(instant: string): Promise<number> {
    const cut = new Date(instant);
    if (Number.isNaN(cut.getTime())) throw new TypeError(`not an instant: ${instant}`);
    return this.read('positionAt', () => this.reader.positionAt(cut.toISOString()));
  }

  async getIdempotencyRecord(key: string): Promise<IdempotencyRecord | undefined> {
    return this.read('getIdempotencyRecord', () => this.reader.idempotencyRecord(key));
  }

  async lookupUniqueKey(key: string): Promise<string | undefined> {
    return this.read('lookupUniqueKey', () => this.reader.uniqueKeyOwner(key));
  }

  async ping(): Promise<void> {
    this.read('ping', () => this.reader.ping());
  }

  /** Commits every accepted append, then closes. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.committer.flush();
    this.closed = true;
    this.db.close();
  }

  /** A pragma's value on this store's own connection (synchronous is per connection). For tests and health. */
  pragma(name: string): unknown {
    return this.read('pragma', () => this.db.pragma(name, { simple: true }));
  }

  private read<T>(doing: string, query: () => T): T {
    if (this.closed) throw new StoreUnavailableError('sqlite event store is closed');
    try {
      return query();
    } catch (error) {
      throw toStoreError(error, doing);
    }
  }
}

function toRequest(streamId: string, events: NewEvent[], options: AppendOptions): AppendRequest {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('streamId must be a non-empty string');
  if (!Array.isArray(events) || events.length === 0) throw new TypeError('no events');
  const expected = options?.expectedRevision;
  const named = expected === NO_STREAM || expected === ANY || expected === STREAM_EXISTS;
  if (!named && !(Number.isSafeInteger(expected) && (expected as number) >= -1)) {
    throw new TypeError(`invalid expected revision: ${String(expected)}`);
  }
  const idempotency = options.idempotency;
  return {
    streamId,
    expectedRevision: expected === -1 ? NO_STREAM : expected,
    events: events.map((event) => {
      if (typeof event?.type !== 'string' || event.type.length === 0) throw new TypeError('event type must be a non-empty string');
      return { type: event.type, data: toJson(event.data, 'data'), metadata: toJson(event.metadata ?? {}, 'metadata') };
    }),
    idempotency: idempotency && {
      key: idempotency.key, fingerprint: idempotency.fingerprint, response: toJson(idempotency.response ?? {}, 'response'),
    },
    uniqueKeys: [...new Set(options.uniqueKeys ?? [])],
  };
}

function toJson(value: unknown, what: string): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${what} must be an object`);
  return JSON.stringify(value);
}
