/**
 * Replay benchmark: how fast the totals read model is rebuilt from a 1,000,000-event log, against a raw
 * baseline doing the same work without a read model (iterate the rows, JSON.parse, fold the same current
 * totals into a JS object). Target: the projection at >= 0.5x the raw rate.
 *
 *   node -r @swc-node/register bench/replay.bench.ts [events]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { openReadModel } from '../libs/projections/src/read-model';
import { ProjectionRunner } from '../libs/projections/src/runner';
import { ReferenceFold } from '../libs/projections/src/testing/reference-fold';
import { syntheticLedger } from '../libs/projections/src/testing/synthetic-ledger';
import { formatRate, peakRssMiB, throughputRatio, type BenchFigure } from './lib';

const BATCH_SIZE = 10_000;

/**
 * Writes the synthetic ledger straight into the adapter's `events` table, 50,000 rows a transaction; recordedAt is
 * the generator's unless `recordedAt(position)` gives another (non-decreasing, as the store keeps it).
 */
export function writeLog(path: string, events: number, recordedAt?: (position: number) => string): void {
  new SqliteEventStore(path).close(); // creates the schema exactly as the adapter does
  const db = new Database(path);
  db.pragma('synchronous = OFF'); // loading the fixture is not what is measured
  const insert = db.prepare('INSERT INTO events (position, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const revisions = new Map<string, number>();
  const rows: unknown[][] = [];
  const flush = db.transaction(() => {
    for (const row of rows) insert.run(...row);
  });
  let position = 0;
  for (const e of syntheticLedger(events)) {
    position += 1;
    rows.push([position, e.streamId, e.revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), recordedAt ? recordedAt(position) : e.recordedAt]);
    revisions.set(e.streamId, e.revision);
    if (rows.length === 50_000) {
      flush();
      rows.length = 0;
    }
  }
  flush();
  const stream = db.prepare('INSERT INTO streams (stream_id, revision) VALUES (?, ?)');
  db.transaction(() => {
    for (const [id, revision] of revisions) stream.run(id, revision);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** (a) raw: iterate every row, parse its data, fold the current totals in plain JavaScript. */
function rawReplay(path: string): { seconds: number; count: number; totals: ReturnType<ReferenceFold['result']> } {
  const db = new Database(path, { readonly: true });
  const started = process.hrtime.bigint();
  const fold = new ReferenceFold();
  let count = 0;
  for (const row of db.prepare('SELECT type, data FROM events ORDER BY position').iterate() as Iterable<{ type: string; data: string }>) {
    fold.apply(row.type, JSON.parse(row.data));
    count += 1;
  }
  const totals = fold.result();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return { seconds, count, totals };
}

/** (b) the projection: the runner reads the log through the store port into an empty read model. */
async function projectionReplay(eventsPath: string, readPath: string) {
  const store = new SqliteEventStore(eventsPath);
  const model = openReadModel(readPath);
  const runner = new ProjectionRunner(store, model, { batchSize: BATCH_SIZE });
  const started = process.hrtime.bigint();
  const count = await runner.catchUp();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { position, ...totals } = model.totals();
  const queryStarted = process.hrtime.bigint();
  model.breakdown('orgUnit', { orgUnitId: 'hh' });
  const breakdownMs = Number(process.hrtime.bigint() - queryStarted) / 1e6;
  model.close();
  await store.close();
  return { seconds, count, totals, position, breakdownMs };
}

export async function benchReplay(events = 1_000_000): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-replay-'));
  try {
    const eventsPath = join(dir, 'events.db');
    const loadStarted = Date.now();
    writeLog(eventsPath, events);
    console.log(`wrote ${formatRate(events)} events in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`);

    rawReplay(eventsPath); // warm the page cache and the JIT, so neither side pays for first reads
    const raw = rawReplay(eventsPath);
    const projected = await projectionReplay(eventsPath, join(dir, 'read.db'));
    const rawRate = raw.count / raw.seconds;
    const rate = projected.count / projected.seconds;
    const ratio = throughputRatio(rate, rawRate);
    const sameTotals = JSON.stringify(raw.totals) === JSON.stringify(projected.totals);
    const rss = peakRssMiB();
    console.log(`raw fold:   ${formatRate(rawRate)} events/s (${raw.seconds.toFixed(2)} s)`);
    console.log(`projection: ${formatRate(rate)} events/s (${projected.seconds.toFixed(2)} s), ratio ${ratio}x (target >= 0.5x raw)`);
    console.log(`totals equal the raw fold: ${sameTotals}; breakdown by orgUnit after replay: ${projected.breakdownMs.toFixed(0)} ms; peak RSS ${rss} MiB`);
    if (!sameTotals) console.log({ raw: raw.totals, projected: projected.totals });
    return [{
      name: `replay ${formatRate(events)} events into the totals read model (runner, batches of ${formatRate(BATCH_SIZE)})`,
      value: Math.round(rate), unit: 'events/s', baseline: Math.round(rawRate), ratio, target: '>= 0.5x raw',
      met: ratio >= 0.5 && sameTotals && projected.count === events,
      notes: `raw = better-sqlite3 iterate + JSON.parse(data) + the same totals folded in JS; `
        + `totals equal raw: ${sameTotals}; peak RSS ${rss} MiB; breakdown after replay ${projected.breakdownMs.toFixed(0)} ms`,
    }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchReplay(Number(process.argv[2] ?? 1_000_000)).then((figures) => console.log(JSON.stringify(figures, null, 2)), (error) => {
    console.error(error);
    process.exit(1);
  });
}
