import type Database from 'better-sqlite3';
import {
  IdempotencyKeyReusedError, RecordedAtRefusedError, revisionMatches, UniqueKeyTakenError, WrongExpectedRevisionError,
  type AppendResult,
} from '../event-store';
import type { AppendRequest } from '../append-request';
import type { Outcome } from './group-commit';
import { isUnavailable, toStoreError } from './sqlite-errors';


/**
 * The SQL of appending. Each request in a group is checked against the database as it stands inside the
 * open transaction, which already includes the writes of the requests before it in the same group: a
 * second append to one stream sees the first one's revision, a second claim of a unique key or an
 * idempotency key sees the first claim. Every check runs before the request's first write, so a request
 * that fails a check has written nothing and needs no SAVEPOINT; its neighbours commit normally.
 */
export class SqliteAppender {
  private readonly streamRevision: Database.Statement<[string], { revision: number }>;
  private readonly idempotencyRecord: Database.Statement<[string], { fingerprint: string; response: string; result: string }>;
  private readonly uniqueKeyOwner: Database.Statement<[string], { stream_id: string }>;
  private readonly lastRecordedAt: Database.Statement<[], { recorded_at: string }>;
  private readonly insertEvent: Database.Statement<[string, number, string, string, string, string]>;
  private readonly upsertStream: Database.Statement<[string, number]>;
  private readonly insertUniqueKey: Database.Statement<[string, string]>;
  private readonly insertIdempotency: Database.Statement<[string, string, string, string, string]>;
  private readonly groupTransaction: Database.Transaction<(requests: AppendRequest[]) => Outcome<AppendResult>[]>;

  constructor(db: Database.Database, private readonly now: () => Date = () => new Date()) {
    this.streamRevision = db.prepare('SELECT revision FROM streams WHERE stream_id = ?');
    this.idempotencyRecord = db.prepare('SELECT fingerprint, response, result FROM idempotency_records WHERE key = ?');
    this.uniqueKeyOwner = db.prepare('SELECT stream_id FROM unique_keys WHERE key = ?');
    this.lastRecordedAt = db.prepare('SELECT recorded_at FROM events ORDER BY position DESC LIMIT 1');
    this.insertEvent = db.prepare(
      'INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.upsertStream = db.prepare(
      'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
    );
    this.insertUniqueKey = db.prepare('INSERT INTO unique_keys (key, stream_id) VALUES (?, ?)');
    this.insertIdempotency = db.prepare(
      'INSERT INTO idempotency_records (key, fingerprint, response, result, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.groupTransaction = db.transaction((requests: AppendRequest[]) => {
      const now = this.now().toISOString();
      // The last event's recordedAt as this transaction sees it, moved on by each request of the group that
      // writes, so an imported instant is checked against its neighbours in the group too.
      let last = this.lastRecordedAt.get()?.recorded_at;
      return requests.map((request) => {
        // Fixed-width ISO UTC strings order lexicographically as instants.
        const recordedAt = request.recordedAt ?? (last !== undefined && last > now ? last : now);
        const outcome = this.apply(request, recordedAt, last, now);
        if (outcome.ok && !outcome.value.replayed) last = recordedAt;
        return outcome;
      });
    });
  }

  /**
   * Commits a group in one IMMEDIATE transaction (the write lock is taken up front, so another process
   * cannot slip a commit between our reads and writes). If the transaction throws for a reason that is not
   * the database being unavailable (a bug, a constraint we did not foresee), the group is rolled back and
   * each request is retried in a transaction of its own, so only the culprit fails.
   */
  commitGroup(requests: AppendRequest[]): Outcome<AppendResult>[] {
    try {
      return this.groupTransaction.immediate(requests);
    } catch (error) {
      if (isUnavailable(error)) throw toStoreError(error, 'append');
      if (requests.length === 1) return [{ ok: false, error }];
      return requests.map((request) => {
        try {
          return this.groupTransaction.immediate([request])[0];
        } catch (alone) {
          return { ok: false, error: toStoreError(alone, 'append') };
        }
      });
    }
  }

  /**
   * `recordedAt` is the group's commit time (now, but never earlier than the last event's, so it is monotone)
   * or the request's imported instant, which must lie between the last event's recordedAt and now.
   */
  private apply(request: AppendRequest, recordedAt: string, last: string | undefined, now: string): Outcome<AppendResult> {
    const { streamId, idempotency } = request;
    // 1. A known idempotency key answers before anything else: a retry must not meet its own first write.
    if (idempotency) {
      const stored = this.idempotencyRecord.get(idempotency.key);
      if (stored) {
        if (stored.fingerprint !== idempotency.fingerprint) {
          return { ok: false, error: new IdempotencyKeyReusedError(idempotency.key) };
        }
        const result = JSON.parse(stored.result) as AppendResult;
        return { ok: true, value: { ...result, replayed: true, response: JSON.parse(stored.response) } };
      }
    }
    // 2. Expected revision against the stream as it stands, earlier appends of this group included.
    const current = this.streamRevision.get(streamId)?.revision ?? -1;
    if (!revisionMatches(request.expectedRevision, current)) {
      return { ok: false, error: new WrongExpectedRevisionError(streamId, request.expectedRevision, current) };
    }
    // 2b. The other streams the decision read, as it saw them (the write lock keeps them so until commit).
    for (const condition of request.conditions) {
      const actual = this.streamRevision.get(condition.streamId)?.revision ?? -1;
      if (actual !== condition.revision) {
        return { ok: false, error: new WrongExpectedRevisionError(condition.streamId, condition.revision, actual) };
      }
    }
    // 3. Unique keys, all or none.
    for (const key of request.uniqueKeys) {
      const owner = this.uniqueKeyOwner.get(key);
      if (owner) return { ok: false, error: new UniqueKeyTakenError(key, owner.stream_id) };
    }
    // 4. An imported instant must keep recordedAt non-decreasing, now and for the appends after it.
    if (request.recordedAt !== undefined) {
      if (last !== undefined && request.recordedAt < last) {
        return { ok: false, error: new RecordedAtRefusedError(streamId, request.recordedAt, last, 'before-last-event') };
      }
      if (request.recordedAt > now) return { ok: false, error: new RecordedAtRefusedError(streamId, request.recordedAt, now, 'in-the-future') };
    }
    // 5. All checks passed: write.
    let firstPosition = 0;
    let position = 0;
    request.events.forEach((event, index) => {
      const info = this.insertEvent.run(streamId, current + 1 + index, event.type, event.data, event.metadata, recordedAt);
      position = Number(info.lastInsertRowid);
      if (index === 0) firstPosition = position;
    });
    const revision = current + request.events.length;
    this.upsertStream.run(streamId, revision);
    for (const key of request.uniqueKeys) this.insertUniqueKey.run(key, streamId);
    const result: AppendResult = { streamId, revision, position, firstPosition };
    if (idempotency) {
      this.insertIdempotency.run(idempotency.key, idempotency.fingerprint, idempotency.response, JSON.stringify(result), idempotency.createdAt ?? recordedAt);
    }
    return { ok: true, value: result };
  }
}

