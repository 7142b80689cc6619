import type { ClientBase } from 'pg';
import type { AppendRequest } from '../append-request';
import {
  ANY, IdempotencyKeyReusedError, NO_STREAM, RecordedAtRefusedError, STREAM_EXISTS, UniqueKeyTakenError, WrongExpectedRevisionError,
  type AppendResult, type ExpectedRevision,
} from '../event-store';

/**
 * Advisory-lock classids, so a stream, an idempotency key and a unique key never share a lock. LOCK_POSITIONS
 * (1) is taken inside event_store_append (migration 2); the others are computed here and passed in.
 */
const LOCK_STREAM = 2;
const LOCK_IDEMPOTENCY = 3;
const LOCK_UNIQUE_KEY = 4;

/** SQLSTATEs raised by event_store_append for the port's domain errors. */
const WRONG_EXPECTED_REVISION = 'TX001';
const UNIQUE_KEY_TAKEN = 'TX002';
const IDEMPOTENCY_KEY_REUSED = 'TX003';
const RECORDED_AT_REFUSED = 'TX004';
const CONDITION_FAILED = 'TX005';

/**
 * Runs one append as one statement, the server-side function event_store_append, on `client`: one round trip.
 * Outside a transaction it commits on its own; inside one (tests) it commits with it.
 *
 * Why advisory locks rather than row locks: a row lock (or any write) assigns the transaction its xid, and
 * readers of the global log rely on xid order matching position order (see PostgresReader). So the checks
 * take only advisory locks, which assign no xid; the first write is the events INSERT, made while holding
 * the short session lock LOCK_POSITIONS. Inside that lock the transaction gets its xid, its positions
 * (contiguous, since nobody else can draw from the sequence meanwhile) and its recorded_at, so all three
 * grow together across appenders; the lock is released before commit, so commits still overlap. Holding it
 * costs no client round trip any more: the lock, the INSERT and the unlock run back to back in the server.
 *
 * Throws the port's domain errors for the function's own SQLSTATEs; anything else passes through, and the
 * caller must then destroy the connection (the function releases the session lock itself, but a broken
 * connection is no use to the pool).
 *
 * An import (`request.recordedAt`) runs event_store_import_append (migration 3) instead: the same steps and one
 * round trip, with the given recorded_at checked inside the position lock; with an idempotency createdAt, its
 * overload of migration 5, which also keeps that instant as the record's created_at. The normal path is the same call as
 * before, so its benchmarked cost does not change.
 */
export async function appendStatement(client: ClientBase, request: AppendRequest): Promise<AppendResult> {
  const { streamId, idempotency, uniqueKeys, events, conditions } = request;
  const locks = lockKeys(request);
  let row: AppendRow;
  const values: unknown[] = [
    streamId, encodeExpected(request.expectedRevision),
    events.map((event) => event.type), events.map((event) => event.data), events.map((event) => event.metadata),
    uniqueKeys, idempotency?.key ?? null, idempotency?.fingerprint ?? null, idempotency?.response ?? null,
    locks.map(([lockClass]) => lockClass), locks.map(([, lockHash]) => lockHash),
  ];
  // Named: parsed and planned once per connection, not on every append.
  let query: { name: string; text: string; values: unknown[] };
  if (request.recordedAt !== undefined && idempotency?.createdAt !== undefined) {
    query = {
      name: 'event_store_import_append_created',
      text: 'SELECT * FROM event_store_import_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)',
      values: [...values, request.recordedAt, idempotency.createdAt],
    };
  } else if (request.recordedAt !== undefined) {
    query = {
      name: 'event_store_import_append',
      text: 'SELECT * FROM event_store_import_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
      values: [...values, request.recordedAt],
    };
  } else if (conditions.length > 0) {
    query = {
      name: 'event_store_append_conditions',
      text: 'SELECT * FROM event_store_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)',
      values: [...values, locks.map(([, , shared]) => shared), conditions.map((c) => c.streamId), conditions.map((c) => c.revision)],
    };
  } else {
    query = { name: 'event_store_append', text: 'SELECT * FROM event_store_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)', values };
  }
  try {
    ({ rows: [row] } = await client.query<AppendRow>(query));
  } catch (error) {
    throw toDomainError(request, error);
  }
  if (row.replayed_result !== null) {
    const result = JSON.parse(row.replayed_result) as AppendResult;
    return { ...result, replayed: true, response: JSON.parse(row.replayed_response!) as Record<string, unknown> };
  }
  return { streamId, revision: Number(row.stream_revision), position: Number(row.last_position), firstPosition: Number(row.first_position) };
}

export function isDomainError(error: unknown): boolean {
  return error instanceof WrongExpectedRevisionError || error instanceof UniqueKeyTakenError || error instanceof IdempotencyKeyReusedError
    || error instanceof RecordedAtRefusedError;
}

interface AppendRow {
  replayed_result: string | null;
  replayed_response: string | null;
  first_position: string | null;
  last_position: string | null;
  stream_revision: string | null;
}

/** The function's encoding of an expected revision: >= 0 exact, -1 no stream, -2 any, -3 stream exists. */
function encodeExpected(expected: ExpectedRevision): number {
  switch (expected) {
    case NO_STREAM:
      return -1;
    case ANY:
      return -2;
    case STREAM_EXISTS:
      return -3;
    default:
      return expected;
  }
}

function toDomainError(request: AppendRequest, error: unknown): unknown {
  const { code, detail } = (error ?? {}) as { code?: unknown; detail?: unknown };
  switch (code) {
    case WRONG_EXPECTED_REVISION:
      return new WrongExpectedRevisionError(request.streamId, request.expectedRevision, Number(detail));
    case UNIQUE_KEY_TAKEN: {
      const taken = JSON.parse(String(detail)) as { key: string; streamId: string };
      return new UniqueKeyTakenError(taken.key, taken.streamId);
    }
    case IDEMPOTENCY_KEY_REUSED:
      return new IdempotencyKeyReusedError(request.idempotency!.key);
    case CONDITION_FAILED: {
      const failed = JSON.parse(String(detail)) as { streamId: string; actual: number };
      const condition = request.conditions.find((c) => c.streamId === failed.streamId)!;
      return new WrongExpectedRevisionError(failed.streamId, condition.revision, Number(failed.actual));
    }
    case RECORDED_AT_REFUSED: {
      const refused = JSON.parse(String(detail)) as { reason: RecordedAtRefusedError['reason']; bound: string };
      return new RecordedAtRefusedError(request.streamId, request.recordedAt!, refused.bound, refused.reason);
    }
    default:
      return error;
  }
}

/** (classid, objid, shared): the appended stream, key and unique keys exclusively; streams of conditions shared. */
function lockKeys(request: AppendRequest): [number, number, boolean][] {
  const keys: [number, number, boolean][] = [[LOCK_STREAM, hash(request.streamId), false]];
  if (request.idempotency) keys.push([LOCK_IDEMPOTENCY, hash(request.idempotency.key), false]);
  for (const key of request.uniqueKeys) keys.push([LOCK_UNIQUE_KEY, hash(key), false]);
  for (const condition of request.conditions) keys.push([LOCK_STREAM, hash(condition.streamId), true]);
  // Exclusive before shared within one key, so that when two keys hash alike the exclusive lock is the one kept.
  keys.sort(([classA, hashA, sharedA], [classB, hashB, sharedB]) => classA - classB || hashA - hashB || Number(sharedA) - Number(sharedB));
  // Two keys hashing alike share a lock: harmless (they just serialise), but it must be taken once.
  return keys.filter(([lockClass, lockHash], index) => index === 0 || keys[index - 1][0] !== lockClass || keys[index - 1][1] !== lockHash);
}

/** FNV-1a to a signed 32-bit int: the same on every process, so all of them agree on the lock. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) value = Math.imul(value ^ byte, 0x01000193);
  return value | 0;
}
