/**
 * The event-store port. Every adapter (SQLite, PostgreSQL, KurrentDB) implements it and passes the one
 * contract suite in `testing/`. Revisions and positions are plain numbers (safe up to 2^53): revisions
 * count from 0 within a stream; positions count from 1 across the whole log and never repeat.
 */

/** The stream must not exist yet. */
export const NO_STREAM = 'no_stream' as const;
/** Append whatever the stream's state. */
export const ANY = 'any' as const;
/** The stream must exist, at any revision. */
export const STREAM_EXISTS = 'stream_exists' as const;
export type ExpectedRevision = typeof NO_STREAM | typeof ANY | typeof STREAM_EXISTS | number;

/** Whether a stream at `current` (-1: absent) satisfies `expected`; every adapter decides it the same way. */
export function revisionMatches(expected: ExpectedRevision, current: number): boolean {
  switch (expected) {
    case ANY:
      return true;
    case NO_STREAM:
      return current === -1;
    case STREAM_EXISTS:
      return current >= 0;
    default:
      return expected === current;
  }
}

export interface StreamCondition {
  streamId: string;
  /** The exact revision, or -1 for "the stream does not exist". */
  revision: number;
}

export interface NewEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface RecordedEvent {
  /** Global position in the ledger, from 1. */
  position: number;
  streamId: string;
  /** Revision within the stream, from 0. */
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** When the store committed it, ISO 8601 UTC with milliseconds; non-decreasing with position. */
  recordedAt: string;
}

/** The stored answer of a command, kept with its idempotency key so a retry gets it back. */
export interface IdempotencyRecord {
  key: string;
  /** A hash of what was asked; the same key with another fingerprint is a misuse (HTTP 422). */
  fingerprint: string;
  /** Opaque to the store: what the caller wants to answer again on a retry. */
  response: Record<string, unknown>;
  result: AppendResult;
  createdAt: string;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
  /**
   * Recorded in the same transaction as the events: a retry with the same key either finds this record
   * or finds nothing appended. If the key already exists, nothing is appended and the existing record
   * comes back (`replayed: true`) or, for another fingerprint, IdempotencyKeyReusedError is thrown.
   */
  idempotency?: {
    key: string;
    fingerprint: string;
    response: Record<string, unknown>;
    /**
     * For importing a history only, with `recordedAt`: the record's createdAt in the store it comes from (same
     * form as recordedAt), kept instead of the commit time, so retention counts from the first request, not the move.
     */
    createdAt?: string;
  };
  /**
   * Ledger-wide unique keys claimed atomically with the events (e.g. `donation:<id>` → its campaign's
   * stream). If any key is already claimed, nothing is appended and UniqueKeyTakenError is thrown.
   */
  uniqueKeys?: string[];
  /**
   * Other streams the decision read, each at the exact revision it saw (-1: the stream did not exist). Checked
   * atomically with the append, which fails with WrongExpectedRevisionError naming that stream if one has moved:
   * a fact decided against a month's period locks is never appended after a lock it did not see. Writers of a
   * condition's stream wait for the appends that hold it as a condition, and the reverse.
   */
  conditions?: StreamCondition[];
  /**
   * For importing a history only (`tongxin import-events`); the API never sets it. The instant the events
   * were first recorded, by the store they come from (ISO 8601 UTC with milliseconds, as `recordedAt` reads),
   * kept instead of the commit time, so `positionAt` and every as-of answer survive a move between stores.
   *
   * Why an option of appendToStream rather than a method of its own: an imported append must keep every
   * other guarantee (expected revision, unique keys, idempotency, atomicity, global-log order), and the one
   * code path that already gives them is the append; a second method would be a second copy of that
   * contract in every adapter. The option only moves the stamp, and only where it cannot break the rule
   * that recordedAt never decreases with position: an instant earlier than the last event's recordedAt, or
   * later than the store's clock (a later normal append would then be stamped before it), is refused with
   * RecordedAtRefusedError and nothing is appended. The check is made atomically with the append.
   */
  recordedAt?: string;
}

export interface AppendResult {
  streamId: string;
  /** Revision of the last event appended (the stream's new revision). */
  revision: number;
  /** Global position of the last event appended. */
  position: number;
  /** Global position of the first event appended. */
  firstPosition: number;
  /** True when an idempotency key matched and nothing new was appended. */
  replayed?: boolean;
  /** The stored response of the first call when `replayed`. */
  response?: Record<string, unknown>;
}

export interface ReadAllOptions {
  /** Exclusive: events with position > after. Default 0. */
  after?: number;
  /** At most this many events. */
  limit: number;
  /**
   * The metadata keys the caller reads (letters, digits and `_`). An adapter may then return only these in each
   * event's `metadata` (SQLite does: a replay that needs two keys skips parsing the rest, ~1 µs an event); absent,
   * the whole metadata.
   */
  metadataKeys?: readonly string[];
}

export interface ReadPagesOptions {
  /** Exclusive: events with position > after. Default 0. */
  after?: number;
  /** Inclusive: no event after this position, even if the log has grown since. */
  until: number;
  /** Events per page, at most (a page may hold fewer). */
  batchSize: number;
  /** As in ReadAllOptions. */
  metadataKeys?: readonly string[];
}

export interface EventStore {
  /** Appends atomically; answered only after the transaction is durable. */
  appendToStream(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** The stream's events in revision order; [] when it does not exist. */
  readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]>;
  /** Current revision of a stream, or -1 when it does not exist. */
  streamRevision(streamId: string): Promise<number>;
  /** A page of the global log in position order. Never skips or repeats an event across calls. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Optional: the log from `after` to `until` as pages in position order, holding exactly what `readAll` pages would,
   * read ahead where the adapter can do so off the caller's thread (SQLite: a reader thread). A replay uses it when
   * present. Ending the iteration early releases whatever reads ahead.
   */
  readPages?(options: ReadPagesOptions): AsyncIterable<RecordedEvent[]>;
  /** The whole log from `after`, streamed in pages; memory does not grow with the log. */
  streamAll(options?: { after?: number; batchSize?: number }): AsyncIterable<RecordedEvent>;
  /** The last position a reader of the global log may see (0 when empty). */
  headPosition(): Promise<number>;
  /** The last position whose event was recorded at or before `instant` (0 if none). */
  positionAt(instant: string): Promise<number>;
  getIdempotencyRecord(key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * The settled idempotency records whose append's last event lies after `after`, in the order of that position
   * (`result.position`), streamed in pages: an export puts each with the append it belongs to, so a moved ledger
   * answers retries as before. A record whose append is still in flight is left out until it settles.
   * Optional only so test doubles over a plain array need not carry it; every adapter implements it.
   */
  idempotencyRecords(options?: { after?: number; batchSize?: number }): AsyncIterable<IdempotencyRecord>;
  /** The stream a unique key was claimed for, if it was. */
  lookupUniqueKey(key: string): Promise<string | undefined>;
  /** Cheap liveness check for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** -1 when the stream does not exist. */
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${actual}`);
  }
}

export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor(readonly key: string) {
    super(`idempotency key ${key} was used with a different request`);
  }
}

export class UniqueKeyTakenError extends Error {
  override readonly name = 'UniqueKeyTakenError';
  constructor(readonly key: string, readonly streamId: string) {
    super(`unique key ${key} is already claimed by ${streamId}`);
  }
}

/** An imported recordedAt that would make recordedAt decrease with position; nothing was appended. */
export class RecordedAtRefusedError extends Error {
  override readonly name = 'RecordedAtRefusedError';
  constructor(
    readonly streamId: string,
    readonly recordedAt: string,
    /** The instant it may not pass: the last event's recordedAt, or the store's clock. */
    readonly bound: string,
    readonly reason: 'before-last-event' | 'in-the-future',
  ) {
    super(reason === 'before-last-event'
      ? `stream ${streamId}: recordedAt ${recordedAt} is earlier than the last event's ${bound}; recordedAt must not decrease with position`
      : `stream ${streamId}: recordedAt ${recordedAt} is later than the store's clock (${bound}); only a history can be imported`);
  }
}

/** The store cannot be reached or refused to work; nothing was acknowledged (HTTP 503). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}

/**
 * `streamAll` over `readAll`: pages of `batchSize` (default 500) from `after`, until a short page. Adapters
 * share it, so every one pages the global log the same way (positions may have gaps: each page starts after
 * the last position seen, never at a computed one).
 */
export async function* pagesOfReadAll(
  store: Pick<EventStore, 'readAll'>, options: { after?: number; batchSize?: number } = {},
): AsyncIterable<RecordedEvent> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
  let after = options.after ?? 0;
  for (;;) {
    const page = await store.readAll({ after, limit: batchSize });
    yield* page;
    if (page.length < batchSize) return;
    after = page[page.length - 1].position;
  }
}

/**
 * `idempotencyRecords` over a page query: pages of `batchSize` (default 500) keyed on `result.position`, which
 * no two records share (each is the last event of its own append), so no record is skipped or repeated.
 */
export async function* pagesOfIdempotencyRecords(
  page: (after: number, limit: number) => Promise<IdempotencyRecord[]>, options: { after?: number; batchSize?: number } = {},
): AsyncIterable<IdempotencyRecord> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 500));
  let after = options.after ?? 0;
  for (;;) {
    const records = await page(after, batchSize);
    yield* records;
    if (records.length < batchSize) return;
    after = records[records.length - 1].result.position;
  }
}
