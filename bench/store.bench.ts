import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { NO_STREAM, type NewEvent } from '../libs/event-store/src/event-store';
import { SqliteEventStore } from '../libs/event-store/src/sqlite/sqlite-event-store';
import { activityEvent, formatRate, peakRssMiB, throughputRatio, type BenchFigure } from './lib';

/** Sized for ~3-8 s per part on 2 cores with a ~1 ms fsync; override with env for slower or faster disks. */
const SINGLE_APPENDS = Number(process.env.BENCH_STORE_SINGLE ?? 4000);
const BATCHES = Number(process.env.BENCH_STORE_BATCHES ?? 800);
const BATCH_SIZE = 100;
const CONCURRENT_CALLERS = 64;
const CONCURRENT_SECONDS = Number(process.env.BENCH_STORE_SECONDS ?? 5);
/** 'inline' (the store's default) or 'worker', to compare where the store commits. */
const WRITER = (process.env.BENCH_STORE_WRITER ?? 'inline') as 'worker' | 'inline';

/**
 * The baseline: bare better-sqlite3 on the store's table shape and pragmas, writing the same rows the store
 * writes (the event rows and the stream's revision row), with no checks, no promises and no grouping. So the
 * ratio measures the store's machinery, not its schema. `eventRowsOnly` drops the streams row, to show what
 * that row costs (one more B-tree page per commit).
 */
class RawLog {
  private readonly db: Database.Database;
  private readonly appendEvents: (streamId: string, events: NewEvent[]) => void;

  constructor(path: string, eventRowsOnly = false) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
      type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (stream_id, revision));
      CREATE TABLE streams (stream_id TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID`);
    const insert = this.db.prepare('INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?)');
    const upsert = this.db.prepare('INSERT OR REPLACE INTO streams (stream_id, revision) VALUES (?, ?)');
    this.appendEvents = this.db.transaction((streamId: string, events: NewEvent[]) => {
      const recordedAt = new Date().toISOString();
      events.forEach((event, revision) =>
        insert.run(streamId, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), recordedAt));
      if (!eventRowsOnly) upsert.run(streamId, events.length - 1);
    });
  }

  append(streamId: string, events: NewEvent[]): void {
    this.appendEvents(streamId, events);
  }

  close(): void {
    this.db.close();
  }
}

function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Runs `rounds` transactions of `eventsPerRound` events on each side, interleaved in ten slices (raw, raw event
 * rows, store, raw, …) so that the shared disk speeding up or slowing down during the run lands on every side
 * alike. Returns events/s for each.
 */
async function rawVersusStore(directory: string, label: string, rounds: number, eventsPerRound: number) {
  const raw = new RawLog(join(directory, `${label}-raw.db`));
  const rawEventRows = new RawLog(join(directory, `${label}-raw-events.db`), true);
  const store = new SqliteEventStore(join(directory, `${label}-store.db`), { writer: WRITER });
  const batch = Array.from({ length: eventsPerRound }, (_, index) => activityEvent(index));
  const slices = 10;
  let rawSeconds = 0;
  let rawEventRowsSeconds = 0;
  let storeSeconds = 0;
  for (let slice = 0; slice < slices; slice++) {
    const streamIds = Array.from({ length: rounds / slices }, (_, round) => `${label}-${slice}-${round}`);
    let start = process.hrtime.bigint();
    for (const streamId of streamIds) raw.append(streamId, batch);
    rawSeconds += secondsSince(start);
    start = process.hrtime.bigint();
    for (const streamId of streamIds) rawEventRows.append(streamId, batch);
    rawEventRowsSeconds += secondsSince(start);
    start = process.hrtime.bigint();
    for (const streamId of streamIds) await store.appendToStream(streamId, batch, { expectedRevision: NO_STREAM });
    storeSeconds += secondsSince(start);
  }
  raw.close();
  rawEventRows.close();
  await store.close();
  const total = rounds * eventsPerRound;
  return { raw: total / rawSeconds, rawEventRows: total / rawEventRowsSeconds, store: total / storeSeconds };
}

/**
 * 64 callers in a continuous pool, each appending one event at a time: either to its own long-lived stream
 * at its exact revision (a volunteer's hours), or each time to a new stream named by a time-ordered UUIDv7,
 * which is what POST /activities does when the server makes the id.
 */
async function concurrentCallers(directory: string, streams: 'own' | 'new'): Promise<{ rate: number; events: number }> {
  const store = new SqliteEventStore(join(directory, `concurrent-${streams}-store.db`), { writer: WRITER });
  const deadline = Date.now() + CONCURRENT_SECONDS * 1000;
  let appended = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENT_CALLERS }, async (_, caller) => {
    for (let revision = -1; Date.now() < deadline; revision++) {
      if (streams === 'own') {
        await store.appendToStream(`volunteer-${caller}`, [activityEvent(revision)], { expectedRevision: revision < 0 ? NO_STREAM : revision });
      } else {
        await store.appendToStream(`activity-${uuidv7()}`, [activityEvent(-1)], { expectedRevision: NO_STREAM });
      }
      appended++;
    }
  }));
  const seconds = secondsSince(start);
  if ((await store.headPosition()) !== appended) throw new Error('concurrent bench: head does not match acknowledged appends');
  await store.close();
  return { rate: appended / seconds, events: appended };
}

export async function benchStore(): Promise<BenchFigure[]> {
  const directory = mkdtempSync(join(tmpdir(), 'tongxin-store-bench-'));
  try {
    const single = await rawVersusStore(directory, 'single', SINGLE_APPENDS, 1);
    const batched = await rawVersusStore(directory, 'batched', BATCHES, BATCH_SIZE);
    const concurrentNew = await concurrentCallers(directory, 'new');
    const concurrent = await concurrentCallers(directory, 'own');
    const singleRatio = throughputRatio(single.store, single.raw);
    return [
      {
        name: 'store: sequential single-event appends (new stream, NO_STREAM)', value: single.store, unit: 'events/s',
        baseline: single.raw, ratio: singleRatio, target: '>= 0.8x raw', met: singleRatio >= 0.8,
        notes: `${WRITER} writer; ${SINGLE_APPENDS} appends each side, one event per transaction, WAL + synchronous=FULL; raw writes the same event and `
          + `stream rows; raw writing the event row alone: ${formatRate(single.rawEventRows)} events/s`,
      },
      {
        name: `store: sequential ${BATCH_SIZE}-event appends`, value: batched.store, unit: 'events/s',
        baseline: batched.raw, ratio: throughputRatio(batched.store, batched.raw),
        notes: `${BATCHES} transactions of ${BATCH_SIZE} events each side; raw writing the event rows alone: `
          + `${formatRate(batched.rawEventRows)} events/s`,
      },
      {
        name: `store: ${CONCURRENT_CALLERS} concurrent callers, one event per append to a new stream (UUIDv7 ids)`, value: concurrentNew.rate,
        unit: 'durable events/s', baseline: single.raw, ratio: throughputRatio(concurrentNew.rate, single.raw),
        target: '>= 20,000 events/s', met: concurrentNew.rate >= 20_000,
        notes: `${concurrentNew.events} events in ${CONCURRENT_SECONDS} s, group commit; baseline is raw one-event-per-transaction`,
      },
      {
        name: `store: ${CONCURRENT_CALLERS} concurrent callers, one event per append to their own long-lived streams`, value: concurrent.rate,
        unit: 'durable events/s', baseline: single.raw, ratio: throughputRatio(concurrent.rate, single.raw),
        target: '>= 20,000 events/s', met: concurrent.rate >= 20_000,
        notes: `${concurrent.events} events in ${CONCURRENT_SECONDS} s, each caller at its stream's exact revision; each group dirties `
          + `one index page per stream, so it is bound by WAL bytes per fsync; peak RSS ${peakRssMiB()} MiB`,
      },
    ];
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchStore().then((figures) => console.table(figures), (error) => {
    console.error(error);
    process.exit(1);
  });
}
