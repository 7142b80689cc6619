/**
 * PostgreSQL appends from 1, 8 and 32 concurrent callers, one event per append, against bare `pg` doing the same
 * work in the same process. By default each caller appends to its own long-lived stream at the exact revision
 * (BENCH_PG_STREAMS=new: each append to a new UUIDv7 stream with NO_STREAM). Raw: BEGIN; INSERT the event row;
 * upsert the stream row; COMMIT, on tables of the same shape, with no checks and no locks. Target: >= 0.8x raw.
 * Alone: POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres node -r @swc-node/register bench/postgres-appends.bench.ts
 */
import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { NO_STREAM, type NewEvent } from '../libs/event-store/src/event-store';
import { PostgresEventStore } from '../libs/event-store/src/postgres/postgres-event-store';
import { activityEvent, formatRate, throughputRatio, type BenchFigure } from './lib';
import { withDatabase } from './postgres-lib';

const CONCURRENCY = [1, 8, 32];
/** Seconds per side per concurrency, split into SLICES interleaved slices (raw, raw in one statement, store, …). */
const APPEND_SECONDS = Number(process.env.BENCH_PG_SECONDS ?? 4);
const SLICES = 4;
const STREAMS = (process.env.BENCH_PG_STREAMS ?? 'own') as 'own' | 'new';

/** The adapter's events and streams tables, copied into schema `raw` (same columns, defaults and indexes). */
const RAW_SCHEMA = `
  CREATE SCHEMA raw;
  CREATE TABLE raw.events (
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
  CREATE INDEX events_recorded_at ON raw.events (recorded_at, position);
  CREATE TABLE raw.streams (stream_id text PRIMARY KEY, revision bigint NOT NULL);`;

const RAW_INSERT = `INSERT INTO raw.events (stream_id, revision, type, data, metadata, recorded_at)
  VALUES ($1, $2, $3, $4, $5, date_trunc('milliseconds', statement_timestamp()))`;
const RAW_UPSERT = 'INSERT INTO raw.streams (stream_id, revision) VALUES ($1, $2) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision';
/** The same two writes as one autocommit statement: the fewest round trips bare `pg` can do this work in. */
const RAW_ONE_STATEMENT = `WITH event AS (${RAW_INSERT})
  INSERT INTO raw.streams (stream_id, revision) VALUES ($1, $2) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision`;

type Side = 'raw' | 'rawOneStatement' | 'store';

/**
 * One raw append: BEGIN; INSERT; upsert; COMMIT (the baseline), or `oneStatement`: both writes in one autocommit
 * statement, the one-round-trip shape the store's append now has, to show what is left of the ratio without
 * the round trips the baseline pays.
 */
async function rawAppend(pool: Pool, streamId: string, revision: number, event: NewEvent, oneStatement: boolean): Promise<void> {
  const values = [streamId, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)];
  if (oneStatement) {
    await pool.query(RAW_ONE_STATEMENT, values);
    return;
  }
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(RAW_INSERT, values);
    await client.query(RAW_UPSERT, [streamId, revision]);
    await client.query('COMMIT');
    client.release();
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/** `callers` concurrent callers for `seconds` on one side; each keeps its own stream and revision across slices. */
async function appendSlice(
  side: Side, callers: number, seconds: number, store: PostgresEventStore, pool: Pool, revisions: Map<string, number>,
): Promise<{ events: number; seconds: number }> {
  const deadline = Date.now() + seconds * 1000;
  let appended = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: callers }, async (_, caller) => {
    const ownStream = `${side}-c${callers}-caller-${caller}`;
    while (Date.now() < deadline) {
      const streamId = STREAMS === 'own' ? ownStream : `activity-${uuidv7()}`;
      const revision = (revisions.get(streamId) ?? -1) + 1;
      const event = activityEvent(revision);
      if (side === 'store') {
        await store.appendToStream(streamId, [event], { expectedRevision: revision === 0 ? NO_STREAM : revision - 1 });
      } else {
        await rawAppend(pool, streamId, revision, event, side === 'rawOneStatement');
      }
      if (STREAMS === 'own') revisions.set(streamId, revision);
      appended++;
    }
  }));
  return { events: appended, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

export async function benchAppends(url: string): Promise<BenchFigure[]> {
  const maxCallers = Math.max(...CONCURRENCY);
  // Both sides get a pool as large as the most callers, so no side waits for a connection the other would have.
  const store = await PostgresEventStore.open(url, { maxConnections: maxCallers });
  const pool = new Pool({ connectionString: url, max: maxCallers });
  pool.on('error', () => undefined);
  const figures: BenchFigure[] = [];
  try {
    await pool.query(RAW_SCHEMA);
    for (const callers of CONCURRENCY) {
      const revisions = new Map<string, number>();
      const totals: Record<Side, { events: number; seconds: number }> = {
        raw: { events: 0, seconds: 0 }, rawOneStatement: { events: 0, seconds: 0 }, store: { events: 0, seconds: 0 },
      };
      // Warm the connections on both pools.
      await appendSlice('raw', callers, 0.3, store, pool, revisions);
      await appendSlice('store', callers, 0.3, store, pool, revisions);
      for (let slice = 0; slice < SLICES; slice++) {
        const order: Side[] = slice % 2 === 0 ? ['raw', 'rawOneStatement', 'store'] : ['store', 'rawOneStatement', 'raw'];
        for (const side of order) {
          const r = await appendSlice(side, callers, APPEND_SECONDS / SLICES, store, pool, revisions);
          totals[side].events += r.events;
          totals[side].seconds += r.seconds;
        }
      }
      const rate = (side: Side) => totals[side].events / totals[side].seconds;
      const ratio = throughputRatio(rate('store'), rate('raw'));
      process.stdout.write(`  ${callers} caller(s): store ${formatRate(rate('store'))} events/s, raw ${formatRate(rate('raw'))}, `
        + `raw in one statement ${formatRate(rate('rawOneStatement'))} (store ${throughputRatio(rate('store'), rate('rawOneStatement'))}x of it), `
        + `ratio ${ratio}x\n`);
      figures.push({
        name: `postgres: ${callers} concurrent caller(s), one event per append, `
          + (STREAMS === 'own' ? 'each to its own stream at the exact revision' : 'each to a new stream (UUIDv7, NO_STREAM)'),
        value: rate('store'), unit: 'durable events/s', baseline: rate('raw'), ratio, target: '>= 0.8x raw', met: ratio >= 0.8,
        notes: `${totals.store.events} store / ${totals.raw.events} raw events in ${APPEND_SECONDS} s each, ${SLICES} interleaved slices; `
          + `raw = BEGIN, INSERT event, upsert stream, COMMIT on the same table shape; the store appends in one statement `
          + `(checks, position lock, INSERT, claims in a server-side function); raw doing its two writes in one autocommit `
          + `statement: ${formatRate(rate('rawOneStatement'))} events/s (store ${throughputRatio(rate('store'), rate('rawOneStatement'))}x of it)`,
      });
    }
    const { rows: [check] } = await pool.query<{ n: string; head: string }>('SELECT count(*) AS n, max(position) AS head FROM events');
    if (Number(check.n) !== Number(check.head)) throw new Error(`postgres bench: ${check.n} events but head ${check.head} (gap in positions)`);
  } finally {
    await store.close();
    await pool.end();
  }
  return figures;
}

if (require.main === module) {
  const url = process.env.POSTGRES_URL;
  if (!url) throw new Error('set POSTGRES_URL');
  withDatabase(url, 'appends', benchAppends).then(
    (figures) => process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`),
    (error: unknown) => { console.error(error); process.exitCode = 1; },
  );
}
