import type { PoolClient } from 'pg';
import type { AppendRequest } from '../append-request';
import {
  IdempotencyKeyReusedError, revisionMatches, UniqueKeyTakenError, WrongExpectedRevisionError,
  type AppendResult,
} from '../event-store';


/** Advisory-lock classids, so a stream, an idempotency key and a unique key never share a lock. */
const LOCK_POSITIONS = 1;
const LOCK_STREAM = 2;
const LOCK_IDEMPOTENCY = 3;
const LOCK_UNIQUE_KEY = 4;

/**
 * Runs one append as one transaction on `client`, which the caller has checked out and will release
 * (destroying it if this throws anything but a domain error, since a transaction may still be open).
 *
 * Why advisory locks rather than row locks: a row lock (or any write) assigns the transaction its xid, and
 * readers of the global log rely on xid order matching position order (see PostgresReader). So the checks
 * take only advisory locks, which assign no xid; the first write is the events INSERT, made while holding
 * the short session lock LOCK_POSITIONS. Inside that lock the transaction gets its xid, its positions
 * (contiguous, since nobody else can draw from the sequence meanwhile) and its recorded_at, so all three
 * grow together across appenders; the lock is released before commit, so commits still overlap.
 */
export async function appendInTransaction(client: PoolClient, request: AppendRequest): Promise<AppendResult> {
  const { streamId, idempotency, uniqueKeys } = request;
  await client.query('BEGIN');
  // 1. Lock everything this append checks, in one global (classid, hash) order so two appends never deadlock.
  //    Until commit, nobody else can change what the checks below read.
  const locks = lockKeys(request);
  await client.query(
    'SELECT pg_advisory_xact_lock(class, hash) FROM unnest($1::int[], $2::int[]) AS l(class, hash)',
    [locks.map(([lockClass]) => lockClass), locks.map(([, hash]) => hash)],
  );
  // 2. Read the state the checks need in one statement, taken after the locks so it sees the last holder's commit.
  const { rows: [state] } = await client.query<StateRow>(STATE_SQL, [streamId, idempotency?.key ?? null, uniqueKeys]);
  // 3. A known idempotency key answers before anything else: a retry must not meet its own first write.
  if (idempotency && state.idempotency) {
    await client.query('ROLLBACK');
    if (state.idempotency.fingerprint !== idempotency.fingerprint) throw new IdempotencyKeyReusedError(idempotency.key);
    const result = JSON.parse(state.idempotency.result) as AppendResult;
    return { ...result, replayed: true, response: JSON.parse(state.idempotency.response) as Record<string, unknown> };
  }
  // 4. Expected revision, then unique keys (all or none).
  const current = state.revision === null ? -1 : Number(state.revision);
  if (!revisionMatches(request.expectedRevision, current)) {
    await client.query('ROLLBACK');
    throw new WrongExpectedRevisionError(streamId, request.expectedRevision, current);
  }
  const taken = uniqueKeys.map((key) => state.taken?.find((claim) => claim.key === key)).find((claim) => claim !== undefined);
  if (taken) {
    await client.query('ROLLBACK');
    throw new UniqueKeyTakenError(taken.key, taken.streamId);
  }
  // 5. All checks passed: take positions, xid and recorded_at under the position lock (see above).
  await client.query('SELECT pg_advisory_lock($1, 0)', [LOCK_POSITIONS]);
  const { rows: inserted } = await client.query<{ position: string; recorded_at: Date }>(INSERT_EVENTS_SQL, [
    streamId, current + 1,
    request.events.map((event) => event.type), request.events.map((event) => event.data), request.events.map((event) => event.metadata),
  ]);
  await client.query('SELECT pg_advisory_unlock($1, 0)', [LOCK_POSITIONS]);
  const positions = inserted.map((row) => Number(row.position));
  const revision = current + request.events.length;
  const result: AppendResult = { streamId, revision, position: Math.max(...positions), firstPosition: Math.min(...positions) };
  // 6. The stream's revision, the unique keys and the idempotency record, in the same transaction.
  await client.query(WRITE_CLAIMS_SQL, [
    streamId, revision, uniqueKeys,
    idempotency?.key ?? null, idempotency?.fingerprint ?? null, idempotency?.response ?? null, JSON.stringify(result),
    inserted[0].recorded_at,
  ]);
  await client.query('COMMIT');
  return result;
}

interface StateRow {
  revision: string | null;
  idempotency: { fingerprint: string; response: string; result: string } | null;
  taken: { key: string; streamId: string }[] | null;
}

const STATE_SQL = `
  SELECT
    (SELECT revision FROM streams WHERE stream_id = $1) AS revision,
    (SELECT json_build_object('fingerprint', fingerprint, 'response', response, 'result', result)
       FROM idempotency_records WHERE key = $2) AS idempotency,
    (SELECT json_agg(json_build_object('key', key, 'streamId', stream_id))
       FROM unique_keys WHERE key = ANY($3::text[])) AS taken`;

// statement_timestamp() is one instant for every row, taken inside the position lock; ms, like the port says.
const INSERT_EVENTS_SQL = `
  INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at)
  SELECT $1, $2 + e.ord - 1, e.type, e.data, e.metadata, date_trunc('milliseconds', statement_timestamp())
    FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS e(type, data, metadata, ord)
   ORDER BY e.ord
  RETURNING position, recorded_at`;

const WRITE_CLAIMS_SQL = `
  WITH stream AS (
    INSERT INTO streams (stream_id, revision) VALUES ($1, $2)
    ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision
  ), claims AS (
    INSERT INTO unique_keys (key, stream_id) SELECT key, $1 FROM unnest($3::text[]) AS k(key)
  )
  INSERT INTO idempotency_records (key, fingerprint, response, result, created_at)
  SELECT $4, $5, $6, $7, $8 WHERE $4::text IS NOT NULL`;

function lockKeys(request: AppendRequest): [number, number][] {
  const keys: [number, number][] = [[LOCK_STREAM, hash(request.streamId)]];
  if (request.idempotency) keys.push([LOCK_IDEMPOTENCY, hash(request.idempotency.key)]);
  for (const key of request.uniqueKeys) keys.push([LOCK_UNIQUE_KEY, hash(key)]);
  keys.sort(([classA, hashA], [classB, hashB]) => classA - classB || hashA - hashB);
  // Two keys hashing alike share a lock: harmless (they just serialise), but it must be taken once.
  return keys.filter(([lockClass, lockHash], index) => index === 0 || keys[index - 1][0] !== lockClass || keys[index - 1][1] !== lockHash);
}

/** FNV-1a to a signed 32-bit int: the same on every process, so all of them agree on the lock. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) value = Math.imul(value ^ byte, 0x01000193);
  return value | 0;
}

