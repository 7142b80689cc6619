import Database from 'better-sqlite3';
import type { RecordedEvent } from '@tongxin/event-store';
import { LedgerFold } from './fold';
import { openReadModel } from './read-model';
import { RebuildFactStore, type RebuildFactStoreLimits } from './rebuild-fact-store';
import { RebuildWrites, type RebuildLookup } from './rebuild-ops';
import { createQueryIndexes, dropLookupIndexes, dropQueryIndexes, prepareReadModelDatabase, PROJECTION_NAME, READ_MODEL_TABLES } from './schema';
import { syntheticLedger } from './testing/synthetic-ledger';
import { tempDir } from './testing/temp-read-model';

const EVENTS = 20_000;

function ledger(): RecordedEvent[] {
  return [...syntheticLedger(EVENTS)].map((e, i) => ({
    position: i + 1, streamId: e.streamId, revision: e.revision, type: e.type, data: e.data, metadata: e.metadata, recordedAt: e.recordedAt,
  }));
}

/**
 * The rebuild's two halves on one thread: the fold writing through RebuildFactStore, its writes run by RebuildWrites in
 * one transaction, lookups answered after the writes sent before them (as rebuild-worker.ts does across threads).
 */
function rebuildInOneThread(path: string, events: readonly RecordedEvent[], limits?: RebuildFactStoreLimits): Record<string, number> {
  const db = new Database(path);
  prepareReadModelDatabase(db, false);
  db.exec('BEGIN IMMEDIATE');
  dropQueryIndexes(db, true);
  dropLookupIndexes(db);
  const writes = new RebuildWrites(db);
  const asked: Record<string, number> = {};
  const lookup = (query: RebuildLookup) => {
    asked[query.kind] = (asked[query.kind] ?? 0) + 1;
    writes.apply(store.take());
    return writes.lookup(query);
  };
  const store: RebuildFactStore = new RebuildFactStore(lookup, limits);
  const fold = new LedgerFold();
  for (const [i, event] of events.entries()) {
    fold.apply(store, event);
    if (i % 1_000 === 999) writes.apply(store.take());
  }
  store.flush();
  writes.apply(store.take());
  writes.moveCheckpoint(events.length, PROJECTION_NAME);
  writes.buildLookupIndexes();
  createQueryIndexes(db);
  db.exec('COMMIT');
  db.close();
  return asked;
}

/** Rows in one model and not the other, both ways, per table (rowids aside). */
function differences(a: string, b: string): Record<string, number> {
  const db = new Database(a, { readonly: true });
  db.prepare('ATTACH ? AS other').run(b);
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const result: Record<string, number> = {};
  for (const table of READ_MODEL_TABLES) {
    if (table === 'read_model_meta') continue;
    result[table] = count(`SELECT count(*) AS n FROM (SELECT * FROM main.${table} EXCEPT SELECT * FROM other.${table})`)
      + count(`SELECT count(*) AS n FROM (SELECT * FROM other.${table} EXCEPT SELECT * FROM main.${table})`)
      + Math.abs(count(`SELECT count(*) AS n FROM main.${table}`) - count(`SELECT count(*) AS n FROM other.${table}`));
  }
  db.close();
  return result;
}

describe('RebuildFactStore (the fold of a SQLite rebuild, its writes sent to another connection)', () => {
  const dir = tempDir('tongxin-rebuild-fact-store-');
  const events = ledger();
  const plain = dir.path('plain.db');
  const none = Object.fromEntries(READ_MODEL_TABLES.filter((t) => t !== 'read_model_meta').map((t) => [t, 0]));

  beforeAll(() => {
    const model = openReadModel(plain);
    for (let i = 0; i < events.length; i += 1_000) model.applyBatch(events.slice(i, i + 1_000));
    model.close();
  });
  afterAll(() => dir.remove());

  it('Given the default caches, When the ledger is rebuilt, Then every row equals a plain replay and nothing was asked', () => {
    const path = dir.path('default.db');
    const asked = rebuildInOneThread(path, events);
    expect(asked).toEqual({});
    expect(differences(plain, path)).toEqual(none);
  });

  it('Given caches of a few dozen rows, When the ledger is rebuilt, Then misses are asked for and every row still equals a plain replay', () => {
    // Held rows written before their close, closes and campaign moves of rows only the other connection has, lookups
    // of evicted entries, activities and links: every path a long log takes.
    const path = dir.path('small.db');
    const asked = rebuildInOneThread(path, events, { heldVersions: 16, cachedEntries: 40, cachedActivities: 20 });
    expect(asked.openHours).toBeGreaterThan(100);
    expect(asked.openActivity).toBeGreaterThan(10);
    expect(asked.activityLink).toBeGreaterThan(100);
    expect(differences(plain, path)).toEqual(none);
  });

  it('Given rows sent at once but kept cached, When corrections move their campaign and they are closed later, Then every row equals a plain replay', () => {
    // The rebuild thread re-versions the sent rows; the cached ones must follow to their new rowids to be closed later.
    const path = dir.path('sent.db');
    rebuildInOneThread(path, events, { heldVersions: 4, cachedEntries: 20_000, cachedActivities: 20_000 });
    expect(differences(plain, path)).toEqual(none);
  });
});
