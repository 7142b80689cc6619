import type { Pool } from 'pg';

/**
 * Schema migrations, applied in order at start-up. Each runs in the transaction that records it in
 * `event_store_migrations`, under a transaction-level advisory lock, so several processes starting at once
 * apply each migration exactly once (CREATE … IF NOT EXISTS alone races on the catalog). Never edit a
 * shipped migration: append a new one.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- JSON is kept as text, not jsonb: jsonb reorders keys and drops duplicates, and the ledger hands back
  -- exactly what it was given. transaction_id lets readers of the global log stay below the oldest open
  -- transaction (see PostgresReader); recorded_at is set by the append, inside its position lock.
  CREATE TABLE events (
    position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_id      text        NOT NULL,
    revision       bigint      NOT NULL,
    type           text        NOT NULL,
    data           text        NOT NULL,
    metadata       text        NOT NULL,
    recorded_at    timestamptz NOT NULL,
    transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
    UNIQUE (stream_id, revision)
  );
  CREATE INDEX events_recorded_at ON events (recorded_at, position);
  CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'events are append-only' USING ERRCODE = 'restrict_violation'; END $$;
  CREATE TRIGGER events_append_only_rows BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
  CREATE TRIGGER events_append_only_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
  CREATE TABLE streams (
    stream_id text   PRIMARY KEY,
    revision  bigint NOT NULL
  );
  CREATE TABLE idempotency_records (
    key         text        PRIMARY KEY,
    fingerprint text        NOT NULL,
    response    text        NOT NULL,
    result      text        NOT NULL,
    created_at  timestamptz NOT NULL
  );
  CREATE TABLE unique_keys (
    key       text PRIMARY KEY,
    stream_id text NOT NULL
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Advisory-lock key (classid, objid) reserved for migrations; appends use other classids. */
const MIGRATION_LOCK: [number, number] = [0x7478, 0];

export async function migrate(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', MIGRATION_LOCK);
    await client.query(
      'CREATE TABLE IF NOT EXISTS event_store_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM event_store_migrations');
    for (let version = rows[0].version; version < SCHEMA_VERSION; version++) {
      await client.query(MIGRATIONS[version]);
      await client.query('INSERT INTO event_store_migrations (version) VALUES ($1)', [version + 1]);
    }
    await client.query('COMMIT');
    client.release();
  } catch (error) {
    // A half-open transaction must not go back to the pool; destroying the client rolls it back.
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}
