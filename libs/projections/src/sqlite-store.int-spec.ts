import Database from 'better-sqlite3';
import { ANY } from '../../event-store/src/event-store';
import { SqliteEventStore } from '../../event-store/src/sqlite/sqlite-event-store';
import { openReadModel, type LedgerReadModel } from './read-model';
import { rebuildReadModel } from './rebuild';
import { ProjectionRunner } from './runner';
import { READ_MODEL_PAGE_SIZE } from './schema';
import { huaihuaScenario } from './testing/scenario';
import { tempDir } from './testing/temp-read-model';
import { BREAKDOWN_DIMENSIONS } from './types';

/** Through the real SQLite event store: appended events reach the read model via the runner, as in the app. */
const dir = tempDir();
afterAll(() => dir.remove());

describe('projection over SqliteEventStore', () => {
  it('Given events appended to the store When the runner is woken Then the totals match a direct projection', async () => {
    const scenario = huaihuaScenario();
    let clock = '';
    const store = new SqliteEventStore(dir.path('events.db'), { now: () => new Date(clock) });
    const model = openReadModel(dir.path('read.db'));
    const runner = new ProjectionRunner(store, model, { batchSize: 7, logger: { log: jest.fn(), error: jest.fn() } });
    runner.start();
    try {
      let position = 0;
      for (const [i, event] of scenario.log.events.entries()) {
        clock = event.recordedAt;
        const stream = `${event.type}-${i}`;
        position = (await store.appendToStream(stream, [{ type: event.type, data: event.data, metadata: event.metadata }],
          { expectedRevision: ANY })).position;
        if (i === 20) {
          runner.wake();
          expect(await runner.waitForPosition(position, 5000)).toBe(true);
          expect(model.checkpoint()).toBeGreaterThanOrEqual(position);
        }
      }
      runner.wake();
      expect(await runner.waitForPosition(position, 5000)).toBe(true);
      expect(position).toBe(scenario.log.head);

      const direct = openReadModel(dir.path('direct.db'));
      direct.applyBatch(scenario.log.events);
      const answers = (m: LedgerReadModel) => ({
        totals: m.totals(), asOf: m.totals({ asOf: scenario.beforeCorrection }),
        breakdowns: BREAKDOWN_DIMENSIONS.map((by) => m.breakdown(by, { orgUnitId: 'C-huaihua' })),
      });
      expect(answers(model)).toEqual(answers(direct));
      expect(model.totals()).toMatchObject({ activitiesHeld: 3, participants: 190, fundsRaised: 160_000, position });
      direct.close();
    } finally {
      await runner.stop();
      model.close();
      await store.close();
    }
  });
});

describe('read model files and their page size', () => {
  const pageSize = (path: string) => {
    const db = new Database(path, { readonly: true });
    const size = db.pragma('page_size', { simple: true });
    db.close();
    return size;
  };

  it('Given a new file, Then it has READ_MODEL_PAGE_SIZE pages; Given a file made with 4 KiB pages, When rebuilt, Then it keeps them and answers as the new one', async () => {
    const scenario = huaihuaScenario();
    const store = new SqliteEventStore(dir.path('paged-events.db'));
    try {
      for (const [i, event] of scenario.log.events.entries()) {
        await store.appendToStream(`${event.type}-${i}`, [{ type: event.type, data: event.data, metadata: event.metadata }], { expectedRevision: ANY });
      }
      const fresh = dir.path('paged-new.db');
      await rebuildReadModel(store, fresh);
      expect(pageSize(fresh)).toBe(READ_MODEL_PAGE_SIZE);

      // A model file an earlier version made: SQLite's default pages, already in WAL mode (its page size is then fixed).
      const old = dir.path('paged-old.db');
      const db = new Database(old);
      db.pragma('page_size = 4096');
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE older (x)');
      db.close();
      openReadModel(old).close();
      await rebuildReadModel(store, old);
      expect(pageSize(old)).toBe(4096);

      const [a, b] = [openReadModel(fresh), openReadModel(old)];
      expect(a.totals()).toEqual(b.totals());
      expect(a.totals({ asOf: scenario.beforeCorrection })).toEqual(b.totals({ asOf: scenario.beforeCorrection }));
      a.close();
      b.close();
    } finally {
      await store.close();
    }
  });
});
