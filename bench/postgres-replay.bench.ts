/**
 * Replay of the synthetic ledger from the PostgreSQL store through the projection runner into a read model
 * (the SQLite one, then the PostgreSQL one), against raw `pg` reading the same rows in keyset pages + JSON.parse
 * + the same totals folded in JS. Target: >= 0.5x raw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresEventStore } from '../libs/event-store/src/postgres/postgres-event-store';
import { openPostgresReadModel } from '../libs/projections/src/postgres/postgres-read-model';
import { openReadModel, type LedgerReadModelPort } from '../libs/projections/src/read-model';
import { ProjectionRunner } from '../libs/projections/src/runner';
import { ReferenceFold } from '../libs/projections/src/testing/reference-fold';
import { syntheticLedger } from '../libs/projections/src/testing/synthetic-ledger';
import { formatRate, peakRssMiB, throughputRatio, type BenchFigure } from './lib';
import { withDatabase } from './postgres-lib';

/**
 * 250,000 by default: on the 2-core box 1,000,000 took ~3 min for this part alone (86 s to load, 15 s per raw
 * pass, 67 s for the projection). BENCH_PG_REPLAY_EVENTS=1000000 for the full log.
 */
export const REPLAY_EVENTS = Number(process.env.BENCH_PG_REPLAY_EVENTS ?? 250_000);
const REPLAY_BATCH = 10_000;
const LOAD_BATCH = 10_000;

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

/** (b) the projection: the runner reads the PostgreSQL store through the port into an empty read model. */
async function projectionReplay(url: string, model: LedgerReadModelPort) {
  const store = await PostgresEventStore.open(url);
  const runner = new ProjectionRunner(store, model, { batchSize: REPLAY_BATCH });
  const started = process.hrtime.bigint();
  const count = await runner.catchUp();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { position, ...totals } = await model.totals();
  const queryStarted = process.hrtime.bigint();
  await model.breakdown('orgUnit', { orgUnitId: 'hh' });
  const breakdownMs = Number(process.hrtime.bigint() - queryStarted) / 1e6;
  await model.close();
  await store.close();
  return { seconds, count, totals, position, breakdownMs };
}

export async function benchPgReplay(url: string, events: number): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-pg-replay-'));
  try {
    const loadStarted = Date.now();
    await writeLog(url, events);
    process.stdout.write(`  wrote ${formatRate(events)} events into PostgreSQL in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s\n`);
    await rawReplay(url); // warm the buffer cache and the JIT, so neither side pays for first reads
    const raw = await rawReplay(url);
    const rawRate = raw.count / raw.seconds;
    const engines: { engine: string; open: () => Promise<LedgerReadModelPort> }[] = [
      { engine: 'SQLite', open: async () => openReadModel(join(dir, 'read.db')) },
      // Its own schema in the log's database, as a deployment with one PostgreSQL server would have it.
      { engine: 'PostgreSQL', open: () => openPostgresReadModel(`${url}${url.includes('?') ? '&' : '?'}schema=bench_read`) },
    ];
    const figures: BenchFigure[] = [];
    for (const { engine, open } of engines) {
      const projected = await projectionReplay(url, await open());
      const rate = projected.count / projected.seconds;
      const ratio = throughputRatio(rate, rawRate);
      const sameTotals = JSON.stringify(raw.totals) === JSON.stringify(projected.totals);
      const rss = peakRssMiB();
      process.stdout.write(`  raw: ${formatRate(rawRate)} events/s (${raw.seconds.toFixed(2)} s); projection into ${engine}: `
        + `${formatRate(rate)} events/s (${projected.seconds.toFixed(2)} s), ratio ${ratio}x; totals equal: ${sameTotals}; `
        + `breakdown by orgUnit after replay ${projected.breakdownMs.toFixed(0)} ms\n`);
      if (!sameTotals) console.log({ raw: raw.totals, projected: projected.totals });
      figures.push({
        name: `postgres: replay ${formatRate(events)} events${events < 1_000_000 ? ' (not 1M: 1M takes ~3 min here)' : ''} from the PostgreSQL store into the ${engine} read model (runner, batches of ${formatRate(REPLAY_BATCH)})`,
        value: Math.round(rate), unit: 'events/s', baseline: Math.round(rawRate), ratio, target: '>= 0.5x raw',
        met: ratio >= 0.5 && sameTotals && projected.count === events,
        notes: `raw = pg keyset pages of ${formatRate(REPLAY_BATCH)} (position, type, data) + JSON.parse(data) + the same totals folded in JS; `
          + `the store's pages also carry the visibility filter, metadata and recorded_at; totals equal raw: ${sameTotals}; `
          + `breakdown by orgUnit after replay ${projected.breakdownMs.toFixed(0)} ms; peak RSS ${rss} MiB`,
      });
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `POSTGRES_URL=… node -r @swc-node/register bench/postgres-replay.bench.ts [events]`: this part alone, in a database of its own. */
if (require.main === module) {
  const adminUrl = process.env.POSTGRES_URL;
  if (!adminUrl) throw new Error('set POSTGRES_URL');
  withDatabase(adminUrl, 'replay', (url) => benchPgReplay(url, Number(process.argv[2] ?? REPLAY_EVENTS)))
    .then((figures) => console.log(JSON.stringify(figures, null, 2)), (error) => {
      console.error(error);
      process.exit(1);
    });
}
