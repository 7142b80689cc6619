import { randomUUID } from 'node:crypto';
import type { JSONEventData } from '@kurrent/kurrentdb-client';
import {
  IdempotencyKeyReusedError, NO_STREAM, RecordedAtRefusedError, StoreUnavailableError, UniqueKeyTakenError, WrongExpectedRevisionError,
  type AppendOptions, type AppendResult, type EventStore, type IdempotencyRecord, type NewEvent, type ReadAllOptions,
  pagesOfIdempotencyRecords, pagesOfReadAll, type RecordedEvent,
} from '../event-store';
import { toAppendRequest, type AppendRequest } from '../append-request';
import { isWrongExpectedVersion, toStoreError } from './kurrentdb-errors';
import {
  appendIdFor, eventIdFor, fromCurrentState, RESERVED_METADATA_KEYS, toClientConnectionString, toStoredMetadata,
  toStreamState,
} from './kurrentdb-mapping';
import { KurrentReader, type KurrentClient, type RawEvent } from './kurrentdb-reader';
import { openSideStore } from './side-store/open-side-store';
import type { PendingAppend, SideStore, StoredIdempotency } from './side-store/side-store';

export interface KurrentDbEventStoreOptions {
  /**
   * Where idempotency records and unique keys live (`TONGXIN_KURRENTDB_STATE`): `postgres://…` /
   * `postgresql://…`, needed when several API processes share the cluster, or a SQLite file path.
   * Default: `kurrentdb-state.db` in `dataDirectory`.
   */
  state?: string;
  /** Directory of the default SQLite side store. Default `./data`. */
  dataDirectory?: string;
  /** Deadline of one append call to KurrentDB. Default 10 s. */
  appendDeadlineMs?: number;
  /** A claim whose append has not settled after this long is resolved by checking the log. Default 30 s (> the deadline). */
  claimLeaseMs?: number;
  /** How long after its owner gave up on an append (the call failed) others wait before resolving it. Default 1 s. */
  abandonGraceMs?: number;
  /** Stand-ins for tests. */
  client?: KurrentClient;
  sideStore?: SideStore;
  now?: () => Date;
}

/**
 * The KurrentDB adapter. Events, revisions and positions are KurrentDB's own: a stream is a KurrentDB stream,
 * the expected revision is the append's `streamState`, and positions are `$all` commit positions (byte offsets:
 * strictly increasing, never repeated, with gaps). Idempotency records and unique keys, which KurrentDB has no
 * place for, live in a side store (SQLite or PostgreSQL, see the options).
 *
 * KurrentDB cannot share a transaction with the side store, so an append with an idempotency key or unique keys
 * runs in this order:
 *  1. Claim, in one side-store transaction, the idempotency key and the unique keys as *pending*, with a note of
 *     the append (stream, the revision its events will land at or after, event count). A settled record answers
 *     at once (replay or IdempotencyKeyReusedError); a final unique key refuses (UniqueKeyTakenError); a pending
 *     claim of another append is waited for, then looked at again.
 *  2. Append to KurrentDB. Event ids are uuid v5 of the idempotency key and the event's index, so every attempt
 *     of one command writes the same ids.
 *  3. Settle: on success the record gets its result and the keys become final; on WrongExpectedRevisionError the
 *     claims are removed (nothing was appended). When the call fails otherwise the outcome is unknown: the claim is
 *     marked abandoned and left for resolution.
 *  Resolution (by whoever meets the pending claim: a retry, a rival claimant, getIdempotencyRecord or
 *  lookupUniqueKey) reads the stream from the noted revision for the append's first event id: found, the claim
 *  is settled as a success with the positions found; not found, it is removed. It runs once the owner has given
 *  up (after a short grace) or the claim is older than the lease, i.e. after a crash between steps 1 and 3.
 *
 * Guarantees: an append is acknowledged only after KurrentDB has acknowledged it (durable on a quorum), so
 * nothing acknowledged is lost, even if step 3 then fails (the claim is resolved from the log later). A retry
 * with the same key replays the first result, whether the first attempt was settled or is found by resolution.
 * Best-effort: if an append is still in flight on the server when its claim is resolved (it outlived the lease or
 * the grace after its call failed), resolution may release the claims; should it then land, a retry of the same
 * key writes the same event ids again, which KurrentDB's idempotent-write check drops (reliably for an exact
 * expected revision or NO_STREAM, on a best-effort basis for ANY), and a released unique key may be claimed twice.
 * Appends without a key or unique keys never touch the side store.
 *
 * recordedAt is the server's `created` of the append's first event, to the millisecond, clamped to the latest
 * time among the 64 events before it in `$all`, so it never decreases with position unless the server clock steps
 * back and stays behind for longer than that (see stampRecordedAt). Stream reads clamp within the stream only.
 * An imported append (AppendOptions.recordedAt) cannot set `created`, which the server always stamps; the adapter
 * keeps the given instant in the first event's metadata under RECORDED_AT_KEY (`$tongxin.recordedAt`), reads it
 * back as that append's time in place of `created`, and strips the key, so the port's contract holds. Callers may
 * not use the key themselves. The import's order check is best-effort here (see checkImportedRecordedAt), and so are
 * AppendOptions.conditions: checked just before the append, not with it.
 * Reads of `$all` need the server's permission to read it (an admin user in a secure cluster).
 */
export class KurrentDbEventStore implements EventStore {
  private readonly reader: KurrentReader;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Appends of this process by id, so a second call with the same key waits for the first without polling. */
  private readonly ownAppends = new Map<string, Promise<unknown>>();
  private readonly appendDeadlineMs: number;
  private readonly claimLeaseMs: number;
  private readonly abandonGraceMs: number;
  private readonly now: () => Date;
  private closing: Promise<void> | undefined;

  private constructor(private readonly client: KurrentClient, private readonly side: SideStore, options: KurrentDbEventStoreOptions) {
    this.reader = new KurrentReader(client);
    this.appendDeadlineMs = options.appendDeadlineMs ?? 10_000;
    this.claimLeaseMs = options.claimLeaseMs ?? 30_000;
    this.abandonGraceMs = options.abandonGraceMs ?? 1_000;
    this.now = options.now ?? (() => new Date());
  }

  /** `kurrentdb://host:2113?tls=false` (or `esdb://…`, `kurrentdb+discover://…`); opens the side store too. */
  static async open(url: string, options: KurrentDbEventStoreOptions = {}): Promise<KurrentDbEventStore> {
    // Loaded here, not at import: the client and its native bridge cost every SQLite or PostgreSQL process ~0.4 s.
    const client = options.client ?? (await import('@kurrent/kurrentdb-client')).KurrentDBClient.connectionString(toClientConnectionString(url));
    let side: SideStore;
    try {
      side = options.sideStore ?? await openSideStore(options.state, options.dataDirectory ?? './data');
    } catch (error) {
      await client.dispose().catch(() => undefined);
      throw error;
    }
    const store = new KurrentDbEventStore(client, side, options);
    // Fail at start-up, like the PostgreSQL store's migration, rather than at the first request.
    try {
      await store.ping();
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
    return store;
  }

  appendToStream(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    let request: AppendRequest;
    try {
      request = toAppendRequest(streamId, events, options);
      const reserved = RESERVED_METADATA_KEYS.find((key) => events.some((event) => Object.hasOwn(event.metadata ?? {}, key)));
      if (reserved !== undefined) throw new TypeError(`metadata key ${reserved} is reserved by the KurrentDB adapter`);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!request.idempotency && request.uniqueKeys.length === 0) {
      return this.track('append', () => this.write(request, appendIdFor(undefined, randomUUID)));
    }
    return this.track('append', () => this.appendWithClaims(request));
  }

  readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    return this.track('readStream', () => this.reader.readStream(streamId, Math.max(0, options.fromRevision ?? 0)));
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
    const cut = new Date(instant).getTime();
    if (Number.isNaN(cut)) return Promise.reject(new TypeError(`positionAt: ${instant} is not an instant`));
    return this.track('positionAt', () => this.reader.positionAt(cut));
  }

  getIdempotencyRecord(key: string): Promise<IdempotencyRecord | undefined> {
    return this.track('getIdempotencyRecord', async () => {
      let held = await this.side.idempotency(key);
      if (held?.appendId && await this.resolveIfDue(held.appendId)) held = await this.side.idempotency(key);
      return held?.result ? toRecord(held) : undefined;
    });
  }

  /**
   * The side store's settled records. Claims whose owner is gone are resolved first, as getIdempotencyRecord
   * resolves the one it meets; a claim still in flight is left out (its append is not acknowledged yet).
   */
  async *idempotencyRecords(options: { after?: number; batchSize?: number } = {}): AsyncIterable<IdempotencyRecord> {
    await this.track('idempotencyRecords', async () => {
      for (const pending of await this.side.pendingAppends()) {
        if (!this.ownAppends.has(pending.appendId) && this.dueForResolution(pending)) await this.resolve(pending);
      }
    });
    yield* pagesOfIdempotencyRecords(
      (after, limit) => this.track('idempotencyRecords', async () => (await this.side.settledIdempotency(after, limit)).map(toRecord)),
      options,
    );
  }

  lookupUniqueKey(key: string): Promise<string | undefined> {
    return this.track('lookupUniqueKey', async () => {
      let held = await this.side.uniqueKey(key);
      if (held?.appendId && await this.resolveIfDue(held.appendId)) held = await this.side.uniqueKey(key);
      // A claim still pending belongs to an append nobody has been told about yet.
      return held && held.appendId === null ? held.streamId : undefined;
    });
  }

  ping(): Promise<void> {
    return this.track('ping', async () => {
      await this.reader.headPosition();
      await this.side.ping();
    });
  }

  /** Lets calls already made finish (an append in flight settles), then disposes of the client and the side store. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      await this.client.dispose().catch(() => undefined);
      await this.side.close();
    })();
    return this.closing;
  }

  /** Steps 1-3 of the class comment. */
  private async appendWithClaims(request: AppendRequest): Promise<AppendResult> {
    const appendId = appendIdFor(request.idempotency?.key, randomUUID);
    // Another call of this process with the same key: let it finish, then the claim below finds its record.
    for (let own = this.ownAppends.get(appendId); own; own = this.ownAppends.get(appendId)) await own.catch(() => undefined);
    const running = this.claimAndWrite(request, appendId);
    this.ownAppends.set(appendId, running);
    try {
      return await running;
    } finally {
      if (this.ownAppends.get(appendId) === running) this.ownAppends.delete(appendId);
    }
  }

  private async claimAndWrite(request: AppendRequest, appendId: string): Promise<AppendResult> {
    const { streamId, idempotency } = request;
    // 1. Claim. The next revision bounds where a resolver looks for the events; under ANY it is read first.
    const fromRevision = typeof request.expectedRevision === 'number'
      ? request.expectedRevision + 1
      : request.expectedRevision === NO_STREAM ? 0 : await this.reader.streamRevision(streamId) + 1;
    for (;;) {
      const outcome = await this.side.claim({
        appendId, streamId, fromRevision, eventCount: request.events.length, idempotency, uniqueKeys: request.uniqueKeys, now: this.now(),
      });
      if (outcome.claimed) break;
      if ('idempotency' in outcome) {
        const held = outcome.idempotency;
        if (held.result !== null) {
          if (held.fingerprint !== idempotency?.fingerprint) throw new IdempotencyKeyReusedError(held.key);
          const record = toRecord(held);
          return { ...record.result, replayed: true, response: record.response };
        }
        // Our own append id on a pending record: an earlier attempt of this command (this process's one was awaited).
        await this.waitFor(held.appendId!, held.appendId === appendId);
      } else {
        const held = outcome.uniqueKey;
        if (held.appendId === null) throw new UniqueKeyTakenError(held.key, held.streamId);
        await this.waitFor(held.appendId, held.appendId === appendId);
      }
    }
    // 2. Append.
    let result: AppendResult;
    try {
      result = await this.write(request, appendId, fromRevision);
    } catch (error) {
      // 3. Settle a refusal; leave an unknown outcome to resolution.
      if (error instanceof WrongExpectedRevisionError || error instanceof RecordedAtRefusedError) {
        await this.side.settle(appendId, undefined, this.now());
      } else {
        await this.side.abandon(appendId, this.now()).catch(() => undefined);
      }
      throw error;
    }
    // 3. Settle. The events are durable already: if this fails, resolution settles the claim from the log later
    //    (stamping the record with the time of resolution, even for an import).
    const createdAt = idempotency?.createdAt !== undefined ? new Date(idempotency.createdAt) : this.now();
    await this.side.settle(appendId, result, createdAt).catch(() => undefined);
    return result;
  }

  private async write(request: AppendRequest, appendId: string, fromRevision?: number): Promise<AppendResult> {
    const { streamId } = request;
    if (request.recordedAt !== undefined) await this.checkImportedRecordedAt(streamId, request.recordedAt);
    // Conditions, best-effort: KurrentDB appends to one stream at a time, so another stream can still move between
    // this read and the append below (SQLite and PostgreSQL check them atomically). A refusal here is settled as any.
    for (const condition of request.conditions) {
      const actual = await this.reader.streamRevision(condition.streamId);
      if (actual !== condition.revision) throw new WrongExpectedRevisionError(condition.streamId, condition.revision, actual);
    }
    // The shape the client's jsonEvent() builds, made here so the client is not needed at import.
    const events: JSONEventData[] = request.events.map((event, index) => ({
      id: eventIdFor(appendId, index),
      contentType: 'application/json',
      type: event.type,
      data: JSON.parse(event.data) as Record<string, unknown>,
      metadata: JSON.parse(toStoredMetadata(event.metadata, index, request.recordedAt)) as Record<string, unknown>,
    }));
    let appended: Awaited<ReturnType<KurrentClient['appendToStream']>>;
    try {
      appended = await this.client.appendToStream(streamId, events, {
        streamState: toStreamState(request.expectedRevision), deadline: this.appendDeadlineMs,
      });
    } catch (error) {
      if (isWrongExpectedVersion(error)) {
        throw new WrongExpectedRevisionError(streamId, request.expectedRevision, fromCurrentState(error.actualState));
      }
      throw error;
    }
    const revision = Number(appended.nextExpectedRevision);
    const count = events.length;
    // One event written afresh: the append's position is the event's. Otherwise (several events, or a retry that
    // KurrentDB may have answered from its idempotency check) the positions are read back from the stream.
    if (count === 1 && request.idempotency === undefined && appended.position && appended.position.commit === appended.position.prepare) {
      const position = Number(appended.position.commit);
      return { streamId, revision, position, firstPosition: position };
    }
    let found = await this.reader.readStreamRaw(streamId, revision - count + 1, count);
    if (found[0]?.id !== eventIdFor(appendId, 0)) found = await this.findAppend(streamId, appendId, fromRevision ?? 0, count) ?? [];
    if (found.length !== count) throw new StoreUnavailableError(`kurrentdb event store: appended to ${streamId} but cannot read the events back`);
    return resultOf(streamId, found);
  }

  /**
   * An imported instant must lie between the last event's recordedAt and now. KurrentDB takes no lock we could
   * hold across this read and the append, so the check is best-effort against concurrent writers; an import
   * runs into a store nobody else writes to (import-events refuses a non-empty one).
   */
  private async checkImportedRecordedAt(streamId: string, recordedAt: string): Promise<void> {
    const now = this.now();
    if (recordedAt > now.toISOString()) throw new RecordedAtRefusedError(streamId, recordedAt, now.toISOString(), 'in-the-future');
    const last = await this.reader.lastRecordedAt();
    if (last !== undefined && Date.parse(recordedAt) < last) {
      throw new RecordedAtRefusedError(streamId, recordedAt, new Date(last).toISOString(), 'before-last-event');
    }
  }

  /** The events of an append, by its first event id, from `fromRevision` on; undefined when it is not in the log. */
  private async findAppend(streamId: string, appendId: string, fromRevision: number, count: number): Promise<RawEvent[] | undefined> {
    const events = await this.reader.readStreamRaw(streamId, fromRevision);
    const first = events.findIndex((event) => event.id === eventIdFor(appendId, 0));
    return first === -1 ? undefined : events.slice(first, first + count);
  }

  /** Waits until another append's claim is settled, resolving it from the log once its owner is gone. */
  private async waitFor(appendId: string, earlierAttempt: boolean): Promise<void> {
    const own = earlierAttempt ? undefined : this.ownAppends.get(appendId);
    if (own) {
      await own.catch(() => undefined);
      return;
    }
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      const pending = await this.side.pendingAppend(appendId);
      if (!pending) return;
      if (this.dueForResolution(pending)) {
        await this.resolve(pending);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** Resolves a pending claim if its owner is gone; true when it did. */
  private async resolveIfDue(appendId: string): Promise<boolean> {
    if (this.ownAppends.has(appendId)) return false;
    const pending = await this.side.pendingAppend(appendId);
    if (!pending || !this.dueForResolution(pending)) return false;
    await this.resolve(pending);
    return true;
  }

  private dueForResolution(pending: PendingAppend): boolean {
    const now = this.now().getTime();
    if (pending.abandonedAt !== null && now - pending.abandonedAt >= this.abandonGraceMs) return true;
    return now - pending.startedAt >= this.claimLeaseMs;
  }

  private async resolve(pending: PendingAppend): Promise<void> {
    const found = await this.findAppend(pending.streamId, pending.appendId, pending.fromRevision, pending.eventCount);
    const complete = found && found.length === pending.eventCount;
    await this.side.settle(pending.appendId, complete ? resultOf(pending.streamId, found) : undefined, this.now());
  }

  /** Refuses calls after close(), maps unavailability to StoreUnavailableError, and counts the call in flight. */
  private track<T>(doing: string, work: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new StoreUnavailableError(`kurrentdb event store: ${doing} after close()`));
    const running = work().catch((error: unknown) => {
      throw toStoreError(error, doing);
    });
    this.inFlight.add(running);
    const forget = () => this.inFlight.delete(running);
    running.then(forget, forget);
    return running;
  }
}

function resultOf(streamId: string, events: RawEvent[]): AppendResult {
  const last = events[events.length - 1];
  return { streamId, revision: last.revision, position: last.position, firstPosition: events[0].position };
}

function toRecord(held: StoredIdempotency): IdempotencyRecord {
  return {
    key: held.key, fingerprint: held.fingerprint, response: JSON.parse(held.response) as Record<string, unknown>,
    result: JSON.parse(held.result!) as AppendResult, createdAt: held.createdAt,
  };
}

