import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  StoreUnavailableError,
  type AppendOptions, type AppendResult, type EventStore, type IdempotencyRecord, type NewEvent, type ReadAllOptions,
  pagesOfIdempotencyRecords, pagesOfReadAll, type ReadPagesOptions, type RecordedEvent,
} from '../event-store';
import { toAppendRequest } from '../append-request';
import { toStoreError } from './sqlite-errors';
import { readPagesOnThread } from './sqlite-pages';
import { SqliteReader } from './sqlite-reader';
import { prepareDatabase } from './sqlite-schema';
import { inlineWriter, WorkerWriter, type AppendWriter } from './sqlite-writer';

export interface SqliteEventStoreOptions {
  /** The clock behind `recordedAt`; tests may pin it. */
  now?: () => Date;
  /** Most appends committed in one transaction. */
  maxGroupSize?: number;
  /** How long to wait for another connection's write lock before answering StoreUnavailableError. Default 5 s. */
  busyTimeoutMs?: number;
  /**
   * Where appends are committed. 'inline' (the default): group commit on this thread's connection.
   * 'worker': on a writer thread with its own connection, so fsyncs never block this thread's event loop;
   * measured here it costs ~150 µs per append in thread hand-offs and gained little over HTTP, so it is an
   * option for slow disks (`sqlite:…?writer=worker`), not the default. ':memory:' and a custom `now` need 'inline': neither a private in-memory database nor a
   * function can cross to another thread.
   */
  writer?: 'inline' | 'worker';
}

/**
 * The embedded default adapter: one SQLite file in WAL mode with synchronous=FULL. Appends are group
 * committed (concurrent callers share one fsync), inline or on a writer thread (sqlite-writer.ts); reads
 * run directly on this thread's connection and see only committed transactions, which SQLite makes visible
 * atomically and in position order (WAL lets them run while the writer commits).
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly reader: SqliteReader;
  private readonly writer: AppendWriter;
  private closing: Promise<void> | undefined;
  private closed = false;
  readonly writerMode: 'inline' | 'worker';

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
    const needsInline = inMemory || options.now !== undefined;
    this.writerMode = options.writer ?? 'inline';
    if (this.writerMode === 'worker' && needsInline) {
      this.db.close();
      throw new TypeError("writer: 'worker' cannot serve ':memory:' or a custom now(); use writer: 'inline'");
    }
    if (this.writerMode === 'inline') {
      this.writer = inlineWriter(this.db, options.now, options.maxGroupSize);
      return;
    }
    try {
      // The schema is already migrated above, on this thread, so the writer's open only sets its pragmas.
      this.writer = new WorkerWriter({ path, busyTimeoutMs: options.busyTimeoutMs ?? 5000, maxGroupSize: options.maxGroupSize });
    } catch (error) {
      this.db.close();
      throw new StoreUnavailableError(`sqlite event store: cannot start the writer thread: ${(error as Error).message}`, error);
    }
  }

  /** The writer thread in 'worker' mode (tests terminate it to simulate a crash). */
  get writerThread(): Worker | undefined {
    return this.writer instanceof WorkerWriter ? this.writer.thread : undefined;
  }

  /**
   * Rejects with TypeError('no events') for an empty array (an append that appends nothing has no revision or
   * position to answer with) and for malformed arguments. An exact expected revision of -1 means the same as
   * NO_STREAM, since -1 is what `streamRevision` answers for a missing stream.
   */
  async appendToStream(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (this.closing) throw new StoreUnavailableError('sqlite event store is closed');
    return this.writer.submit(toAppendRequest(streamId, events, options));
  }

  async readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    return this.read('readStream', () => this.reader.readStream(streamId, options.fromRevision ?? 0));
  }

  async streamRevision(streamId: string): Promise<number> {
    return this.read('streamRevision', () => this.reader.streamRevision(streamId));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.read('readAll', () => this.reader.readAll(options.after ?? 0, options.limit, options.metadataKeys));
  }

  /**
   * Read ahead on a reader thread with its own connection (sqlite-pages.ts), which also makes the pages' text in C:
   * this thread only decodes them, ~2 µs an event less than readAll here. ':memory:' cannot be opened from another
   * thread, so there the pages are readAll's.
   */
  async *readPages(options: ReadPagesOptions): AsyncIterable<RecordedEvent[]> {
    if (this.closed) throw new StoreUnavailableError('sqlite event store is closed');
    if ((options.after ?? 0) >= options.until) return; // nothing to read: no thread started for it
    if (this.path !== ':memory:') return yield* readPagesOnThread(this.path, options);
    let after = options.after ?? 0;
    while (after < options.until) {
      const page = (await this.readAll({ after, limit: options.batchSize, metadataKeys: options.metadataKeys }))
        .filter((event) => event.position <= options.until);
      if (page.length === 0) return;
      yield page;
      after = page[page.length - 1].position;
    }
  }

  /** Keyset pages on position: each page is one short query, so neither memory nor a lock grows with the log. */
  streamAll(options: { after?: number; batchSize?: number } = {}): AsyncIterable<RecordedEvent> {
    return pagesOfReadAll(this, options);
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

  idempotencyRecords(options: { after?: number; batchSize?: number } = {}): AsyncIterable<IdempotencyRecord> {
    return pagesOfIdempotencyRecords(async (after, limit) => this.read('idempotencyRecords', () => this.reader.idempotencyRecords(after, limit)), options);
  }

  async lookupUniqueKey(key: string): Promise<string | undefined> {
    return this.read('lookupUniqueKey', () => this.reader.uniqueKeyOwner(key));
  }

  async ping(): Promise<void> {
    this.read('ping', () => this.reader.ping());
    // Reads still work after the writer thread died, but the store can no longer acknowledge appends.
    this.writer.check();
  }

  /** Commits every accepted append, then stops the writer and closes. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.writer.close();
      } finally {
        this.closed = true;
        this.db.close();
      }
    })();
    return this.closing;
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
