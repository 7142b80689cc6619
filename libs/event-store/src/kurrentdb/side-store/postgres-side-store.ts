import { Pool, type PoolClient } from 'pg';
import { StoreUnavailableError, type AppendResult } from '../../event-store';
import { toStoreError } from '../../postgres/postgres-errors';
import {
  sortedKeys, type AppendClaim, type ClaimOutcome, type PendingAppend, type SideStore, type StoredIdempotency,
  type StoredUniqueKey,
} from './side-store';
import { checkout } from '../../postgres/checkout';

// Prefixed, so the side store may share a database with anything else, the PostgreSQL event store included.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS kurrentdb_pending_appends (
    append_id     text   PRIMARY KEY,
    stream_id     text   NOT NULL,
    from_revision bigint NOT NULL,
    event_count   int    NOT NULL,
    started_at    bigint NOT NULL,
    abandoned_at  bigint
  );
  CREATE TABLE IF NOT EXISTS kurrentdb_idempotency_records (
    key         text PRIMARY KEY,
    fingerprint text NOT NULL,
    response    text NOT NULL,
    result      text,
    append_id   text,
    created_at  timestamptz NOT NULL
  );
  CREATE INDEX IF NOT EXISTS kurrentdb_idempotency_records_append ON kurrentdb_idempotency_records (append_id) WHERE append_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS kurrentdb_idempotency_records_position ON kurrentdb_idempotency_records (((result::json ->> 'position')::bigint))
    WHERE result IS NOT NULL;
  CREATE TABLE IF NOT EXISTS kurrentdb_unique_keys (
    key       text PRIMARY KEY,
    stream_id text NOT NULL,
    append_id text
  );
  CREATE INDEX IF NOT EXISTS kurrentdb_unique_keys_append ON kurrentdb_unique_keys (append_id) WHERE append_id IS NOT NULL;`;

/** Advisory lock (classid, objid) held while creating the schema: CREATE … IF NOT EXISTS alone races on the catalog. */
const SCHEMA_LOCK: [number, number] = [0x7478, 0x6b64];

const IDEMPOTENCY_COLUMNS = `key, fingerprint, response, result, append_id AS "appendId",
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"`;

const PENDING_APPEND_SQL = `SELECT append_id AS "appendId", stream_id AS "streamId", from_revision::float8 AS "fromRevision",
  event_count AS "eventCount", started_at::float8 AS "startedAt", abandoned_at::float8 AS "abandonedAt" FROM kurrentdb_pending_appends`;

const UNIQUE_KEY_SQL = 'SELECT key, stream_id AS "streamId", append_id AS "appendId" FROM kurrentdb_unique_keys WHERE key = $1';

/**
 * The side store in PostgreSQL, for several API processes sharing one KurrentDB. A claim inserts with
 * ON CONFLICT DO NOTHING: a concurrent claim of the same key waits for the other transaction and then sees its
 * row, so exactly one claimer wins, without serialisation errors; keys go in one sorted order, so no deadlock.
 */
export class PostgresSideStore implements SideStore {
  private closing = false;

  private constructor(private readonly pool: Pool) {
    pool.on('error', () => undefined);
  }

  static async open(url: string): Promise<PostgresSideStore> {
    const store = new PostgresSideStore(new Pool({ connectionString: url, max: 10 }));
    try {
      await store.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', SCHEMA_LOCK);
        await client.query(SCHEMA);
      });
    } catch (error) {
      await store.pool.end().catch(() => undefined);
      throw toStoreError(error, 'kurrentdb side store: migrate');
    }
    return store;
  }

  async claim(claim: AppendClaim): Promise<ClaimOutcome> {
    for (;;) {
      const outcome = await this.tryClaim(claim);
      // Undefined: the claim that stood in the way was settled away between the two statements; try again.
      if (outcome) return outcome;
    }
  }

  private tryClaim(claim: AppendClaim): Promise<ClaimOutcome | undefined> {
    return this.transaction(async (client) => {
      const { idempotency } = claim;
      if (idempotency) {
        const { rowCount } = await client.query(
          `INSERT INTO kurrentdb_idempotency_records (key, fingerprint, response, result, append_id, created_at)
           VALUES ($1, $2, $3, NULL, $4, $5) ON CONFLICT (key) DO NOTHING`,
          [idempotency.key, idempotency.fingerprint, idempotency.response, claim.appendId, claim.now],
        );
        if (rowCount === 0) return this.blocked(client, claim);
      }
      const keys = sortedKeys(claim.uniqueKeys);
      if (keys.length > 0) {
        const { rowCount } = await client.query(
          `INSERT INTO kurrentdb_unique_keys (key, stream_id, append_id)
           SELECT key, $2, $3 FROM unnest($1::text[]) WITH ORDINALITY AS k(key, ord) ORDER BY ord
           ON CONFLICT (key) DO NOTHING`,
          [keys, claim.streamId, claim.appendId],
        );
        if (rowCount !== keys.length) return this.blocked(client, claim);
      }
      await client.query(
        `INSERT INTO kurrentdb_pending_appends (append_id, stream_id, from_revision, event_count, started_at, abandoned_at)
         VALUES ($1, $2, $3, $4, $5, NULL)
         ON CONFLICT (append_id) DO UPDATE SET stream_id = excluded.stream_id, from_revision = excluded.from_revision,
           event_count = excluded.event_count, started_at = excluded.started_at, abandoned_at = NULL`,
        [claim.appendId, claim.streamId, claim.fromRevision, claim.eventCount, claim.now.getTime()],
      );
      return { claimed: true } as const;
    });
  }

  settle(appendId: string, result: AppendResult | undefined, now: Date): Promise<void> {
    return this.transaction(async (client) => {
      if (result) {
        await client.query(
          'UPDATE kurrentdb_idempotency_records SET result = $1, append_id = NULL, created_at = $2 WHERE append_id = $3',
          [JSON.stringify(result), now, appendId],
        );
        await client.query('UPDATE kurrentdb_unique_keys SET append_id = NULL WHERE append_id = $1', [appendId]);
      } else {
        await client.query('DELETE FROM kurrentdb_idempotency_records WHERE append_id = $1', [appendId]);
        await client.query('DELETE FROM kurrentdb_unique_keys WHERE append_id = $1', [appendId]);
      }
      await client.query('DELETE FROM kurrentdb_pending_appends WHERE append_id = $1', [appendId]);
    });
  }

  async abandon(appendId: string, at: Date): Promise<void> {
    await this.query('UPDATE kurrentdb_pending_appends SET abandoned_at = $1 WHERE append_id = $2', [at.getTime(), appendId]);
  }

  async pendingAppend(appendId: string): Promise<PendingAppend | undefined> {
    return (await this.query<PendingAppend>(`${PENDING_APPEND_SQL} WHERE append_id = $1`, [appendId]))[0];
  }

  pendingAppends(): Promise<PendingAppend[]> {
    return this.query<PendingAppend>(PENDING_APPEND_SQL, []);
  }

  settledIdempotency(after: number, limit: number): Promise<StoredIdempotency[]> {
    return this.query<StoredIdempotency>(
      `SELECT ${IDEMPOTENCY_COLUMNS} FROM kurrentdb_idempotency_records
        WHERE result IS NOT NULL AND (result::json ->> 'position')::bigint > $1
        ORDER BY (result::json ->> 'position')::bigint LIMIT $2`,
      [after, limit],
    );
  }

  async idempotency(key: string): Promise<StoredIdempotency | undefined> {
    return (await this.query<StoredIdempotency>(`SELECT ${IDEMPOTENCY_COLUMNS} FROM kurrentdb_idempotency_records WHERE key = $1`, [key]))[0];
  }

  async uniqueKey(key: string): Promise<StoredUniqueKey | undefined> {
    return (await this.query<StoredUniqueKey>(UNIQUE_KEY_SQL, [key]))[0];
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1', []);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.pool.end();
  }

  /** Rolls the claim back and reads, on the same connection, the row that stopped it. */
  private async blocked(client: PoolClient, claim: AppendClaim): Promise<ClaimOutcome | undefined> {
    await client.query('ROLLBACK');
    if (claim.idempotency) {
      const { rows: [held] } = await client.query<StoredIdempotency>(
        `SELECT ${IDEMPOTENCY_COLUMNS} FROM kurrentdb_idempotency_records WHERE key = $1`, [claim.idempotency.key],
      );
      if (held) return { claimed: false, idempotency: held };
    }
    for (const key of claim.uniqueKeys) {
      const { rows: [held] } = await client.query<StoredUniqueKey>(UNIQUE_KEY_SQL, [key]);
      if (held) return { claimed: false, uniqueKey: held };
    }
    return undefined;
  }

  private async query<T>(text: string, values: unknown[]): Promise<T[]> {
    if (this.closing) throw new StoreUnavailableError('kurrentdb side store is closed');
    try {
      return (await this.pool.query(text, values)).rows as T[];
    } catch (error) {
      throw toStoreError(error, 'kurrentdb side store');
    }
  }

  /** BEGIN … COMMIT on one client; a work function that already rolled back (claim conflicts) is left as it is. */
  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    if (this.closing) throw new StoreUnavailableError('kurrentdb side store is closed');
    let client: PoolClient | undefined;
    try {
      client = await checkout(this.pool);
      await client.query('BEGIN');
      let finished = false;
      const checkedOut = client;
      const tracked = {
        query: (text: string, values?: unknown[]) => {
          if (text === 'ROLLBACK') finished = true;
          return checkedOut.query(text, values);
        },
      } as unknown as PoolClient;
      const result = await work(tracked);
      if (!finished) await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      // A transaction may still be open on it: destroy rather than return it to the pool.
      client?.release(error instanceof Error ? error : true);
      throw toStoreError(error, 'kurrentdb side store');
    }
  }
}
