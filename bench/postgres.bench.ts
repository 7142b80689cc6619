/**
 * PostgreSQL benchmark: the PostgreSQL event store against bare `pg` doing the same work in the same process,
 * on a database of its own (created from POSTGRES_URL, dropped at the end).
 *
 * 1. Appends from 1, 8 and 32 concurrent callers, one event per append. By default each caller appends to its
 *    own long-lived stream at the exact revision (BENCH_PG_STREAMS=new: each append to a new UUIDv7 stream with
 *    NO_STREAM). Raw: BEGIN; INSERT the event row; upsert the stream row; COMMIT, on tables of the same shape,
 *    with no checks and no locks. Target: >= 0.8x raw at each concurrency.
 * 2. Replay of the synthetic ledger from the PostgreSQL store through the projection runner into the SQLite read
 *    model, against raw `pg` reading the same rows in keyset pages + JSON.parse + the same totals folded in JS.
 *    Target: >= 0.5x raw.
 *
 *   POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres node -r @swc-node/register bench/postgres.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { NO_STREAM, type NewEvent } from '../libs/event-store/src/event-store';
import { PostgresEventStore } from '../libs/event-store/src/postgres/postgres-event-store';
import { openReadModel } from '../libs/projections/src/read-model';
import { ProjectionRunner } from '../libs/projections/src/runner';
import { ReferenceFold } from '../libs/projections/src/testing/reference-fold';
import { syntheticLedger } from '../libs/projections/src/testing/synthetic-ledger';
import { formatRate, peakRssMiB, throughputRatio, type BenchFigure } from './lib';

const CONCURRENCY = [1, 8, 32];
/** Seconds per side per concurrency, split into SLICES interleaved slices (raw, raw+lock, store, raw, …). */
const APPEND_SECONDS = Number(process.env.BENCH_PG_SECONDS ?? 4);
const SLICES = 4;
const STREAMS = (process.env.BENCH_PG_STREAMS ?? 'own') as 'own' | 'new';
/**
 * 250,000 by default: on the 2-core box 1,000,000 took ~3 min for this part alone (86 s to load, 15 s per raw
 * pass, 67 s for the projection). BENCH_PG_REPLAY_EVENTS=1000000 for the full log.
 */
const REPLAY_EVENTS = Number(process.env.BENCH_PG_REPLAY_EVENTS ?? 250_000);
const REPLAY_BATCH = 10_000;
const LOAD_BATCH = 10_000;

/** The same event the SQLite store bench appends. */
function activityEvent(index: number): NewEvent {
  return {
    type: 'ActivityRecorded',
    data: {
      activityId: `act-${index}`, orgUnitId: 'gaocun', orgPath: ['huaihua', 'mayang', 'gaocun'], campaignId: 'c1',
      title: '民族团结进步宣讲', category: 'lecture', venueType: 'community', occurredOn: '2026-05-01', participants: 42, beneficiaries: 10,
    },
    metadata: { actor: 'officer-7', commandId: `cmd-${index}`, correlationId: `req-${index}`, orgUnitId: 'gaocun', schemaVersion: 1 },
  };
}

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

type Side = 'raw' | 'rawLocked' | 'store';

/**
 * One raw append: BEGIN; INSERT; upsert; COMMIT. `positionLock` wraps the INSERT in the store's session-level
 * global position lock, to show what that lock alone costs.
 */
async function rawAppend(pool: Pool, streamId: string, revision: number, event: NewEvent, positionLock: boolean): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (positionLock) await client.query('SELECT pg_advisory_lock(1, 0)');
    await client.query(RAW_INSERT, [streamId, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)]);
    if (positionLock) await client.query('SELECT pg_advisory_unlock(1, 0)');
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
        await rawAppend(pool, streamId, revision, event, side === 'rawLocked');
      }
      if (STREAMS === 'own') revisions.set(streamId, revision);
      appended++;
    }
  }));
  return { events: appended, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

async function benchAppends(url: string): Promise<BenchFigure[]> {
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
        raw: { events: 0, seconds: 0 }, rawLocked: { events: 0, seconds: 0 }, store: { events: 0, seconds: 0 },
      };
      // Warm the connections on both pools.
      await appendSlice('raw', callers, 0.3, store, pool, revisions);
      await appendSlice('store', callers, 0.3, store, pool, revisions);
      for (let slice = 0; slice < SLICES; slice++) {
        const order: Side[] = slice % 2 === 0 ? ['raw', 'rawLocked', 'store'] : ['store', 'rawLocked', 'raw'];
        for (const side of order) {
          const r = await appendSlice(side, callers, APPEND_SECONDS / SLICES, store, pool, revisions);
          totals[side].events += r.events;
          totals[side].seconds += r.seconds;
        }
      }
      const rate = (side: Side) => totals[side].events / totals[side].seconds;
      const ratio = throughputRatio(rate('store'), rate('raw'));
      process.stdout.write(`  ${callers} caller(s): store ${formatRate(rate('store'))} events/s, raw ${formatRate(rate('raw'))}, `
        + `raw + position lock ${formatRate(rate('rawLocked'))}, ratio ${ratio}x\n`);
      figures.push({
        name: `postgres: ${callers} concurrent caller(s), one event per append, `
          + (STREAMS === 'own' ? 'each to its own stream at the exact revision' : 'each to a new stream (UUIDv7, NO_STREAM)'),
        value: rate('store'), unit: 'durable events/s', baseline: rate('raw'), ratio, target: '>= 0.8x raw', met: ratio >= 0.8,
        notes: `${totals.store.events} store / ${totals.raw.events} raw events in ${APPEND_SECONDS} s each, ${SLICES} interleaved slices; `
          + `raw = BEGIN, INSERT event, upsert stream, COMMIT on the same table shape; raw with the store's global position lock `
          + `around the INSERT: ${formatRate(rate('rawLocked'))} events/s (${throughputRatio(rate('rawLocked'), rate('raw'))}x raw)`,
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

/** Writes the synthetic ledger straight into the adapter's `events` table with multi-row INSERTs (unnest). */
async function writeLog(url: string, events: number): Promise<void> {
  await (await PostgresEventStore.open(url)).close(); // the schema exactly as the adapter makes it
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET synchronous_commit = off'); // loading the fixture is not what is measured
    const revisions = new Map<string, number>();
    let batch: { s: string[]; r: number[]; t: string[]; d: string[]; m: string[]; at: string[] } = { s: [], r: [], t: [], d: [], m: [], at: [] };
    const flush = async () => {
      if (batch.s.length === 0) return;
      // position and transaction_id come from their defaults, as in an append; one load transaction per batch.
      await client.query(
        `INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at)
         SELECT s, r, t, d, m, at
           FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) WITH ORDINALITY AS e(s, r, t, d, m, at, ord)
          ORDER BY ord`,
        [batch.s, batch.r, batch.t, batch.d, batch.m, batch.at],
      );
      batch = { s: [], r: [], t: [], d: [], m: [], at: [] };
    };
    for (const e of syntheticLedger(events)) {
      batch.s.push(e.streamId);
      batch.r.push(e.revision);
      batch.t.push(e.type);
      batch.d.push(JSON.stringify(e.data));
      batch.m.push(JSON.stringify(e.metadata));
      batch.at.push(e.recordedAt);
      revisions.set(e.streamId, e.revision);
      if (batch.s.length === LOAD_BATCH) await flush();
    }
    await flush();
    const ids = [...revisions.keys()];
    for (let i = 0; i < ids.length; i += 50_000) {
      const slice = ids.slice(i, i + 50_000);
      await client.query('INSERT INTO streams (stream_id, revision) SELECT * FROM unnest($1::text[], $2::bigint[])', [slice, slice.map((id) => revisions.get(id)!)]);
    }
    await client.query('VACUUM ANALYZE events');
  } finally {
    await client.end();
  }
}

/** (a) raw: keyset pages of (type, data) by position, JSON.parse, the same totals folded in plain JavaScript. */
async function rawReplay(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  const started = process.hrtime.bigint();
  const fold = new ReferenceFold();
  let count = 0;
  let after = 0;
  for (;;) {
    const { rows } = await client.query<{ position: string; type: string; data: string }>(
      'SELECT position, type, data FROM events WHERE position > $1 ORDER BY position LIMIT $2', [after, REPLAY_BATCH]);
    for (const row of rows) fold.apply(row.type, JSON.parse(row.data));
    count += rows.length;
    if (rows.length < REPLAY_BATCH) break;
    after = Number(rows[rows.length - 1].position);
  }
  const totals = fold.result();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await client.end();
  return { seconds, count, totals };
}

/** (b) the projection: the runner reads the PostgreSQL store through the port into an empty SQLite read model. */
async function projectionReplay(url: string, readPath: string) {
  const store = await PostgresEventStore.open(url);
  const model = openReadModel(readPath);
  const runner = new ProjectionRunner(store, model, { batchSize: REPLAY_BATCH });
  const started = process.hrtime.bigint();
  const count = await runner.catchUp();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { position, ...totals } = model.totals();
  model.close();
  await store.close();
  return { seconds, count, totals, position };
}

async function benchPgReplay(url: string, events: number): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-pg-replay-'));
  try {
    const loadStarted = Date.now();
    await writeLog(url, events);
    process.stdout.write(`  wrote ${formatRate(events)} events into PostgreSQL in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s\n`);
    await rawReplay(url); // warm the buffer cache and the JIT, so neither side pays for first reads
    const raw = await rawReplay(url);
    const projected = await projectionReplay(url, join(dir, 'read.db'));
    const rawRate = raw.count / raw.seconds;
    const rate = projected.count / projected.seconds;
    const ratio = throughputRatio(rate, rawRate);
    const sameTotals = JSON.stringify(raw.totals) === JSON.stringify(projected.totals);
    const rss = peakRssMiB();
    process.stdout.write(`  raw: ${formatRate(rawRate)} events/s (${raw.seconds.toFixed(2)} s); projection: ${formatRate(rate)} events/s `
      + `(${projected.seconds.toFixed(2)} s), ratio ${ratio}x; totals equal: ${sameTotals}\n`);
    if (!sameTotals) console.log({ raw: raw.totals, projected: projected.totals });
    return [{
      name: `postgres: replay ${formatRate(events)} events${events < 1_000_000 ? ' (not 1M: 1M takes ~3 min here)' : ''} from the PostgreSQL store into the SQLite read model (runner, batches of ${formatRate(REPLAY_BATCH)})`,
      value: Math.round(rate), unit: 'events/s', baseline: Math.round(rawRate), ratio, target: '>= 0.5x raw',
      met: ratio >= 0.5 && sameTotals && projected.count === events,
      notes: `raw = pg keyset pages of ${formatRate(REPLAY_BATCH)} (position, type, data) + JSON.parse(data) + the same totals folded in JS; `
        + `the store's pages also carry the visibility filter, metadata and recorded_at; totals equal raw: ${sameTotals}; peak RSS ${rss} MiB`,
    }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function admin<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A database of its own for each part, so neither part's tables or WAL colour the other. */
async function withDatabase<T>(adminUrl: string, suffix: string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `tongxin_bench_${process.pid}_${suffix}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  try {
    return await work(url.toString());
  } finally {
    await admin(adminUrl, async (c) => {
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
    });
  }
}

export async function benchPostgres(): Promise<BenchFigure[]> {
  const adminUrl = process.env.POSTGRES_URL;
  if (!adminUrl) throw new Error('benchPostgres needs POSTGRES_URL');
  const figures: BenchFigure[] = [];
  figures.push(...await withDatabase(adminUrl, 'appends', benchAppends));
  figures.push(...await withDatabase(adminUrl, 'replay', (url) => benchPgReplay(url, REPLAY_EVENTS)));
  return figures;
}

if (require.main === module) {
  benchPostgres().then((figures) => {
    for (const f of figures) {
      process.stdout.write(`${f.name}: ${formatRate(f.value)} ${f.unit} = ${f.ratio}x raw (${formatRate(f.baseline!)}) target ${f.target}: `
        + `${f.met ? 'met' : 'NOT met'} — ${f.notes}\n`);
    }
  }, (error) => {
    console.error(error);
    process.exit(1);
  });
}
