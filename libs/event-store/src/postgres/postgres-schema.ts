import type { Pool } from 'pg';
import { checkout } from './checkout';

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
  `
  -- The whole append in one statement (one round trip; see postgres-append.ts). Expected revision: >= 0 exact,
  -- -1 no stream, -2 any, -3 stream exists. Locks come sorted from the caller, which hashes the keys, so every
  -- process (and one still running the multi-statement append) takes the same locks in the same order.
  -- Domain failures are SQLSTATEs of our own, with what the error needs in DETAIL:
  -- TX001 wrong expected revision (DETAIL: actual revision), TX002 unique key taken (DETAIL: {"key","streamId"}),
  -- TX003 idempotency key reused with another fingerprint.
  CREATE FUNCTION event_store_append(
    p_stream_id text, p_expected bigint, p_types text[], p_data text[], p_metadata text[], p_unique_keys text[],
    p_idempotency_key text, p_fingerprint text, p_response text, p_lock_classes int[], p_lock_hashes int[],
    OUT replayed_result text, OUT replayed_response text,
    OUT first_position bigint, OUT last_position bigint, OUT stream_revision bigint
  ) LANGUAGE plpgsql AS $$
  DECLARE
    v_current bigint;
    v_fingerprint text;
    v_taken record;
    v_recorded_at timestamptz;
  BEGIN
    -- 1. Advisory xact locks only: they assign no xid, which must first be taken under the position lock.
    FOR i IN 1 .. coalesce(array_length(p_lock_classes, 1), 0) LOOP
      PERFORM pg_advisory_xact_lock(p_lock_classes[i], p_lock_hashes[i]);
    END LOOP;
    -- 2. A known idempotency key answers before anything else: a retry must not meet its own first write.
    IF p_idempotency_key IS NOT NULL THEN
      SELECT r.fingerprint, r.result, r.response INTO v_fingerprint, replayed_result, replayed_response
        FROM idempotency_records r WHERE r.key = p_idempotency_key;
      IF FOUND THEN
        IF v_fingerprint IS DISTINCT FROM p_fingerprint THEN
          RAISE EXCEPTION 'idempotency key % was used with a different request', p_idempotency_key USING ERRCODE = 'TX003';
        END IF;
        RETURN;
      END IF;
    END IF;
    -- 3. Expected revision, then unique keys (all or none; the first taken in the caller's order is reported).
    SELECT s.revision INTO v_current FROM streams s WHERE s.stream_id = p_stream_id;
    v_current := coalesce(v_current, -1);
    IF NOT (p_expected = -2 OR (p_expected = -1 AND v_current = -1) OR (p_expected = -3 AND v_current >= 0)
            OR (p_expected >= 0 AND p_expected = v_current)) THEN
      RAISE EXCEPTION 'stream %: expected revision %, actual %', p_stream_id, p_expected, v_current
        USING ERRCODE = 'TX001', DETAIL = v_current::text;
    END IF;
    IF cardinality(p_unique_keys) > 0 THEN
      SELECT k.key, u.stream_id INTO v_taken
        FROM unnest(p_unique_keys) WITH ORDINALITY AS k(key, ord) JOIN unique_keys u ON u.key = k.key
       ORDER BY k.ord LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'unique key % is already claimed by %', v_taken.key, v_taken.stream_id
          USING ERRCODE = 'TX002', DETAIL = json_build_object('key', v_taken.key, 'streamId', v_taken.stream_id)::text;
      END IF;
    END IF;
    -- 4. xid (the INSERT is the first write), contiguous positions and recorded_at, together under the session
    --    lock, released before commit so commits overlap. clock_timestamp(), not statement_timestamp(): the
    --    statement began before the lock waits, and recorded_at must not decrease with position. The block
    --    releases the lock on any failure, cancellation included, since a session lock outlives the statement.
    BEGIN
      PERFORM pg_advisory_lock(1, 0);
      v_recorded_at := date_trunc('milliseconds', clock_timestamp());
      WITH inserted AS (
        INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at)
        SELECT p_stream_id, v_current + e.ord, e.type, e.data, e.metadata, v_recorded_at
          FROM unnest(p_types, p_data, p_metadata) WITH ORDINALITY AS e(type, data, metadata, ord)
         ORDER BY e.ord
        RETURNING position
      )
      SELECT min(position), max(position) INTO first_position, last_position FROM inserted;
      PERFORM pg_advisory_unlock(1, 0);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
      PERFORM pg_advisory_unlock(1, 0);
      RAISE;
    END;
    -- 5. The stream's revision, the unique keys and the idempotency record, in the same transaction.
    stream_revision := v_current + cardinality(p_types);
    INSERT INTO streams (stream_id, revision) VALUES (p_stream_id, stream_revision)
      ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision;
    IF cardinality(p_unique_keys) > 0 THEN
      INSERT INTO unique_keys (key, stream_id) SELECT k, p_stream_id FROM unnest(p_unique_keys) AS k;
    END IF;
    IF p_idempotency_key IS NOT NULL THEN
      INSERT INTO idempotency_records (key, fingerprint, response, result, created_at)
      VALUES (p_idempotency_key, p_fingerprint, p_response,
              json_build_object('streamId', p_stream_id, 'revision', stream_revision, 'position', last_position,
                                'firstPosition', first_position)::text,
              v_recorded_at);
    END IF;
  END $$;
  `,
  `
  -- Imports keep the first store's recorded_at (AppendOptions.recordedAt). A function of its own rather than an
  -- overload or a parameter of event_store_append: the normal path keeps its benchmarked plan unchanged, and the
  -- import path alone pays for its check. Same arguments plus p_recorded_at (milliseconds, the port's format),
  -- same steps and SQLSTATEs, and one more: TX004 recorded_at before the last event's or
  -- after the server's clock (DETAIL: {"reason","bound"}).
  CREATE FUNCTION event_store_import_append(
    p_stream_id text, p_expected bigint, p_types text[], p_data text[], p_metadata text[], p_unique_keys text[],
    p_idempotency_key text, p_fingerprint text, p_response text, p_lock_classes int[], p_lock_hashes int[],
    p_recorded_at timestamptz,
    OUT replayed_result text, OUT replayed_response text,
    OUT first_position bigint, OUT last_position bigint, OUT stream_revision bigint
  ) LANGUAGE plpgsql AS $$
  DECLARE
    v_current bigint;
    v_fingerprint text;
    v_taken record;
    v_recorded_at timestamptz;
    v_last timestamptz;
    v_now timestamptz;
  BEGIN
    -- 1. Advisory xact locks only: they assign no xid, which must first be taken under the position lock.
    FOR i IN 1 .. coalesce(array_length(p_lock_classes, 1), 0) LOOP
      PERFORM pg_advisory_xact_lock(p_lock_classes[i], p_lock_hashes[i]);
    END LOOP;
    -- 2. A known idempotency key answers before anything else: a retry must not meet its own first write.
    IF p_idempotency_key IS NOT NULL THEN
      SELECT r.fingerprint, r.result, r.response INTO v_fingerprint, replayed_result, replayed_response
        FROM idempotency_records r WHERE r.key = p_idempotency_key;
      IF FOUND THEN
        IF v_fingerprint IS DISTINCT FROM p_fingerprint THEN
          RAISE EXCEPTION 'idempotency key % was used with a different request', p_idempotency_key USING ERRCODE = 'TX003';
        END IF;
        RETURN;
      END IF;
    END IF;
    -- 3. Expected revision, then unique keys (all or none; the first taken in the caller's order is reported).
    SELECT s.revision INTO v_current FROM streams s WHERE s.stream_id = p_stream_id;
    v_current := coalesce(v_current, -1);
    IF NOT (p_expected = -2 OR (p_expected = -1 AND v_current = -1) OR (p_expected = -3 AND v_current >= 0)
            OR (p_expected >= 0 AND p_expected = v_current)) THEN
      RAISE EXCEPTION 'stream %: expected revision %, actual %', p_stream_id, p_expected, v_current
        USING ERRCODE = 'TX001', DETAIL = v_current::text;
    END IF;
    IF cardinality(p_unique_keys) > 0 THEN
      SELECT k.key, u.stream_id INTO v_taken
        FROM unnest(p_unique_keys) WITH ORDINALITY AS k(key, ord) JOIN unique_keys u ON u.key = k.key
       ORDER BY k.ord LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'unique key % is already claimed by %', v_taken.key, v_taken.stream_id
          USING ERRCODE = 'TX002', DETAIL = json_build_object('key', v_taken.key, 'streamId', v_taken.stream_id)::text;
      END IF;
    END IF;
    -- 4. As event_store_append, but recorded_at is the caller's, checked inside the position lock. Whoever held
    --    that lock before has inserted already but may not have committed: SHARE waits for their commits (and
    --    keeps new inserts out until ours), so the last event read here is the last one there is. It takes no
    --    xid; the INSERT stays the first write. Migration 2's normal path is untouched: it needs none of this.
    BEGIN
      PERFORM pg_advisory_lock(1, 0);
      LOCK TABLE events IN SHARE MODE;
      SELECT e.recorded_at INTO v_last FROM events e ORDER BY e.position DESC LIMIT 1;
      v_now := date_trunc('milliseconds', clock_timestamp());
      IF p_recorded_at < v_last OR p_recorded_at > v_now THEN
        RAISE EXCEPTION 'stream %: recordedAt % is out of order', p_stream_id, p_recorded_at USING ERRCODE = 'TX004',
          DETAIL = json_build_object(
            'reason', CASE WHEN p_recorded_at < v_last THEN 'before-last-event' ELSE 'in-the-future' END,
            'bound', to_char(CASE WHEN p_recorded_at < v_last THEN v_last ELSE v_now END AT TIME ZONE 'UTC',
                             'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text;
      END IF;
      v_recorded_at := p_recorded_at;
      WITH inserted AS (
        INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at)
        SELECT p_stream_id, v_current + e.ord, e.type, e.data, e.metadata, v_recorded_at
          FROM unnest(p_types, p_data, p_metadata) WITH ORDINALITY AS e(type, data, metadata, ord)
         ORDER BY e.ord
        RETURNING position
      )
      SELECT min(position), max(position) INTO first_position, last_position FROM inserted;
      PERFORM pg_advisory_unlock(1, 0);
    EXCEPTION WHEN OTHERS OR query_canceled THEN
      PERFORM pg_advisory_unlock(1, 0);
      RAISE;
    END;
    -- 5. The stream's revision, the unique keys and the idempotency record, in the same transaction.
    stream_revision := v_current + cardinality(p_types);
    INSERT INTO streams (stream_id, revision) VALUES (p_stream_id, stream_revision)
      ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision;
    IF cardinality(p_unique_keys) > 0 THEN
      INSERT INTO unique_keys (key, stream_id) SELECT k, p_stream_id FROM unnest(p_unique_keys) AS k;
    END IF;
    IF p_idempotency_key IS NOT NULL THEN
      INSERT INTO idempotency_records (key, fingerprint, response, result, created_at)
      VALUES (p_idempotency_key, p_fingerprint, p_response,
              json_build_object('streamId', p_stream_id, 'revision', stream_revision, 'position', last_position,
                                'firstPosition', first_position)::text,
              v_recorded_at);
    END IF;
  END $$;
  `,
  `
  -- Appends with conditions (AppendOptions.conditions: other streams the decision read, each at the revision it saw).
  -- A lock with p_lock_shared true is taken shared: appends conditioned on one stream run side by side, while an
  -- append to that stream (which takes its lock exclusively) waits for them to commit, and they for it. Then each
  -- condition is checked (unless the idempotency key is already recorded: a retry answers as before), and the rest
  -- is migration 2's append, called with its locks already held. TX005: a condition failed (DETAIL {"streamId","actual"}).
  CREATE FUNCTION event_store_append(
    p_stream_id text, p_expected bigint, p_types text[], p_data text[], p_metadata text[], p_unique_keys text[],
    p_idempotency_key text, p_fingerprint text, p_response text, p_lock_classes int[], p_lock_hashes int[],
    p_lock_shared boolean[], p_condition_streams text[], p_condition_revisions bigint[],
    OUT replayed_result text, OUT replayed_response text,
    OUT first_position bigint, OUT last_position bigint, OUT stream_revision bigint
  ) LANGUAGE plpgsql AS $$
  DECLARE
    v_failed record;
  BEGIN
    FOR i IN 1 .. coalesce(array_length(p_lock_classes, 1), 0) LOOP
      IF p_lock_shared[i] THEN
        PERFORM pg_advisory_xact_lock_shared(p_lock_classes[i], p_lock_hashes[i]);
      ELSE
        PERFORM pg_advisory_xact_lock(p_lock_classes[i], p_lock_hashes[i]);
      END IF;
    END LOOP;
    IF cardinality(p_condition_streams) > 0 AND (p_idempotency_key IS NULL
        OR NOT EXISTS (SELECT 1 FROM idempotency_records r WHERE r.key = p_idempotency_key)) THEN
      SELECT c.stream_id, coalesce(s.revision, -1) AS actual INTO v_failed
        FROM unnest(p_condition_streams, p_condition_revisions) WITH ORDINALITY AS c(stream_id, expected, ord)
        LEFT JOIN streams s ON s.stream_id = c.stream_id
       WHERE coalesce(s.revision, -1) <> c.expected
       ORDER BY c.ord LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'condition on stream % failed: actual revision %', v_failed.stream_id, v_failed.actual
          USING ERRCODE = 'TX005', DETAIL = json_build_object('streamId', v_failed.stream_id, 'actual', v_failed.actual)::text;
      END IF;
    END IF;
    SELECT a.replayed_result, a.replayed_response, a.first_position, a.last_position, a.stream_revision
      INTO replayed_result, replayed_response, first_position, last_position, stream_revision
      FROM event_store_append(p_stream_id, p_expected, p_types, p_data, p_metadata, p_unique_keys,
                              p_idempotency_key, p_fingerprint, p_response, '{}'::int[], '{}'::int[]) AS a;
  END $$;
  `,
  `
  -- Exports list idempotency records in the order of their append's last event (EventStore.idempotencyRecords),
  -- a page at a time; the expression is the one PostgresReader pages on, so the planner uses the index.
  CREATE INDEX idempotency_records_position ON idempotency_records (((result::json ->> 'position')::bigint));
  -- An imported record keeps its first createdAt (AppendOptions.idempotency.createdAt): migration 3's import, then,
  -- in the same statement and transaction, the new record's created_at set to the given instant. A replay (the key
  -- was already there) changes nothing.
  CREATE FUNCTION event_store_import_append(
    p_stream_id text, p_expected bigint, p_types text[], p_data text[], p_metadata text[], p_unique_keys text[],
    p_idempotency_key text, p_fingerprint text, p_response text, p_lock_classes int[], p_lock_hashes int[],
    p_recorded_at timestamptz, p_created_at timestamptz,
    OUT replayed_result text, OUT replayed_response text,
    OUT first_position bigint, OUT last_position bigint, OUT stream_revision bigint
  ) LANGUAGE plpgsql AS $$
  BEGIN
    SELECT a.replayed_result, a.replayed_response, a.first_position, a.last_position, a.stream_revision
      INTO replayed_result, replayed_response, first_position, last_position, stream_revision
      FROM event_store_import_append(p_stream_id, p_expected, p_types, p_data, p_metadata, p_unique_keys,
                                     p_idempotency_key, p_fingerprint, p_response, p_lock_classes, p_lock_hashes,
                                     p_recorded_at) AS a;
    IF replayed_result IS NULL AND p_idempotency_key IS NOT NULL THEN
      UPDATE idempotency_records SET created_at = p_created_at WHERE key = p_idempotency_key;
    END IF;
  END $$;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Advisory-lock key (classid, objid) reserved for migrations; appends use other classids. */
const MIGRATION_LOCK: [number, number] = [0x7478, 0];

export async function migrate(pool: Pool): Promise<void> {
  const client = await checkout(pool);
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
