import { Pool, type PoolConfig } from 'pg';
import {
  IdempotencyKeyReusedError, StoreUnavailableError, UniqueKeyTakenError, WrongExpectedRevisionError,
  type AppendOptions, type AppendResult, type EventStore, type IdempotencyRecord, type NewEvent, type ReadAllOptions,
  pagesOfIdempotencyRecords, pagesOfReadAll, type RecordedEvent,
} from '../event-store';
import { toAppendRequest, type AppendRequest } from '../append-request';
import { appendStatement, isDomainError } from './postgres-append';
import { toStoreError, uniqueViolation } from './postgres-errors';
import { PostgresReader } from './postgres-reader';
import { migrate } from './postgres-schema';
import { checkout } from './checkout';

export interface PostgresEventStoreOptions {
  /** Connections in the pool; each in-flight append holds one until it commits. Default 10. */
  maxConnections?: number;
}

/**
 * The server event store on PostgreSQL, for several API and worker processes sharing one database.
 * Open it with `PostgresEventStore.open(url)`, which runs the migrations first. Commits use the server's
 * synchronous_commit (on by default), so an acknowledged append is durable.
 */
export class PostgresEventStore implements EventStore {
  private readonly reader: PostgresReader;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  private constructor(private readonly pool: Pool) {
    this.reader = new PostgresReader(pool);
    // An idle client losing its connection (server restart) must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
  }

  static async open(connectionString: string, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const config: PoolConfig = { connectionString, max: options.maxConnections ?? 10 };
    const store = new PostgresEventStore(new Pool(config));
    try {
      await migrate(store.pool);
    } catch (error) {
      await store.pool.end().catch(() => undefined);
      throw toStoreError(error, 'migrate');
    }
    return store;
  }

  appendToStream(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    // Checked and serialised before any connection is taken, so a bad payload fails its own caller only.
    let request: AppendRequest;
    try {
      request = toAppendRequest(streamId, events, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.track('append', async () => {
      const client = await checkout(this.pool);
      try {
        const result = await appendStatement(client, request);
        client.release();
        return result;
      } catch (error) {
        const domain = isDomainError(error);
        // A domain error is a clean failed statement; after anything else the connection may be broken.
        client.release(domain ? undefined : error instanceof Error ? error : true);
        if (domain) throw error;
        const explained = await this.explainRace(request, error);
        if ('replay' in explained) return explained.replay;
        throw explained.error;
      }
    });
  }

  readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    return this.track('readStream', () => this.reader.readStream(streamId, options.fromRevision ?? 0));
  }

  streamRevision(streamId: string): Promise<number> {
    return this.track('streamRevision', () => this.reader.streamRevision(streamId));
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.track('readAll', () => this.reader.readAll(options.after ?? 0, options.limit));
  }

  streamAll(options: { after?: number; batchSize?: number } = {}): AsyncIterable<RecordedEvent> {
    return pagesOfReadAll(this, options);
  }

  headPosition(): Promise<number> {
    return this.track('headPosition', () => this.reader.headPosition());
  }

  positionAt(instant: string): Promise<number> {
    const cut = new Date(instant);
    if (Number.isNaN(cut.getTime())) return Promise.reject(new TypeError(`positionAt: ${instant} is not an instant`));
    return this.track('positionAt', () => this.reader.positionAt(cut.toISOString()));
  }

  getIdempotencyRecord(key: string): Promise<IdempotencyRecord | undefined> {
    return this.track('getIdempotencyRecord', () => this.reader.idempotencyRecord(key));
  }

  idempotencyRecords(options: { after?: number; batchSize?: number } = {}): AsyncIterable<IdempotencyRecord> {
    return pagesOfIdempotencyRecords((after, limit) => this.track('idempotencyRecords', () => this.reader.idempotencyRecords(after, limit)), options);
  }

  lookupUniqueKey(key: string): Promise<string | undefined> {
    return this.track('lookupUniqueKey', () => this.reader.uniqueKeyOwner(key));
  }

  ping(): Promise<void> {
    return this.track('ping', () => this.reader.ping());
  }

  /** Lets calls already made finish (an append in flight commits), then ends the pool. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      await this.pool.end();
    })();
    return this.closing;
  }

  /** Refuses calls after close(), maps unavailability to StoreUnavailableError, and counts the call in flight. */
  private track<T>(doing: string, work: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new StoreUnavailableError(`postgres event store: ${doing} after close()`));
    const running = work().catch((error: unknown) => {
      throw toStoreError(error, doing);
    });
    this.inFlight.add(running);
    const forget = () => this.inFlight.delete(running);
    running.then(forget, forget);
    return running;
  }

  /**
   * The locks in event_store_append make these unreachable, but a unique violation is a lost race, never a
   * bug, so it is answered as the check that should have caught it would have, with the state read afresh.
   */
  private async explainRace(request: AppendRequest, error: unknown): Promise<{ replay: AppendResult } | { error: unknown }> {
    const constraint = uniqueViolation(error);
    if (constraint === undefined) return { error };
    if (constraint.startsWith('idempotency_records') && request.idempotency) {
      const record = await this.reader.idempotencyRecord(request.idempotency.key);
      if (record && record.fingerprint !== request.idempotency.fingerprint) return { error: new IdempotencyKeyReusedError(record.key) };
      if (record) return { replay: { ...record.result, replayed: true, response: record.response } };
    }
    if (constraint.startsWith('unique_keys')) {
      for (const key of request.uniqueKeys) {
        const owner = await this.reader.uniqueKeyOwner(key);
        if (owner !== undefined) return { error: new UniqueKeyTakenError(key, owner) };
      }
    }
    if (constraint.startsWith('events') || constraint.startsWith('streams')) {
      const actual = await this.reader.streamRevision(request.streamId);
      return { error: new WrongExpectedRevisionError(request.streamId, request.expectedRevision, actual) };
    }
    return { error };
  }
}
