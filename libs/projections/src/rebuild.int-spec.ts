import Database from 'better-sqlite3';
import { createEventStore, NO_STREAM, type EventStore } from '@tongxin/event-store';
import { rebuildReadModel } from './rebuild';
import { ProjectionRunner } from './runner';
import type { LedgerReadModelPort } from './read-model';
import { describeReadModel } from './testing/read-model-engines';
import { syntheticLedger } from './testing/synthetic-ledger';
import { tempDir } from './testing/temp-read-model';
import { verifyReadModel } from './verify';
import { BREAKDOWN_DIMENSIONS } from './types';

const EVENTS = 6_000;
const quiet = { log: jest.fn(), error: jest.fn() };

/** Appends the synthetic ledger's events [from, to) through the store port, a window at a time. */
async function append(store: EventStore, from: number, to: number): Promise<void> {
  let pending: ReturnType<typeof syntheticLedger> extends Generator<infer E> ? E[] : never = [];
  const flush = async () => {
    await Promise.all(pending.map((e) => store.appendToStream(e.streamId, [{ type: e.type, data: e.data, metadata: e.metadata }],
      { expectedRevision: e.revision === 0 ? NO_STREAM : e.revision - 1 })));
    pending = [];
  };
  let index = 0;
  for (const event of syntheticLedger(to)) {
    if (index++ < from) continue;
    if (pending.length >= 512 || pending.some((e) => e.streamId === event.streamId)) await flush();
    pending.push(event);
  }
  await flush();
}

async function answers(model: LedgerReadModelPort) {
  return {
    totals: await model.totals(), county: await model.totals({ orgUnitId: 'hh-3' }),
    breakdowns: await Promise.all(BREAKDOWN_DIMENSIONS.map((by) => model.breakdown(by, { orgUnitId: 'hh' }))),
  };
}

describeReadModel('rebuildReadModel and verifyReadModel', (engine) => {
  // Two rebuilds, a verify and every breakdown on both engines: past Jest's 5 s default on a loaded machine.
  jest.setTimeout(30_000);
  const dir = tempDir('tongxin-rebuild-store-');
  let store: EventStore;
  beforeAll(async () => {
    store = await createEventStore(`sqlite:${dir.path('events.db')}`);
    await append(store, 0, EVENTS / 2);
  });
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  it('two rebuilds at once take turns, and a runner kept open across them forgets the rows it cached', async () => {
    const location = engine.location();
    // 1. The API's model and runner, caught up: its caches now mirror the rows a rebuild is about to replace.
    const live = await engine.open(location);
    if (engine.name === 'sqlite') {
      // A stray row first, so the runner's rows (and the rowids it caches) sit one place later than a rebuild's.
      const db = new Database(location);
      db.prepare(`INSERT INTO hour_versions (entry_key, volunteer_id, entry_id, org_path, served_on, minutes, known_from_pos, known_from_at)
        VALUES (0, 'stray', 'stray', '/stray/', '2020-01-01', 0, 0, 0)`).run();
      db.close();
    }
    const runner = new ProjectionRunner(store, live, { batchSize: 500, logger: quiet });
    await runner.catchUp();
    // 2. Two rebuilds at once: one waits for the other's lock (it says so), both finish at the head. On SQLite each
    // opens the model on a thread of its own, which may start late: the one holding the lock reads no page (by
    // `readAll` or `readPages`) before the other has said it waits, so they overlap however fast each thread starts.
    // (PostgreSQL's rebuilds meet on the server, where the second blocks before it could say so.)
    const waits: string[] = [];
    let someoneWaits!: () => void;
    const waiting = new Promise<void>((resolve) => (someoneWaits = resolve));
    const onWait = (message: string) => {
      waits.push(message);
      someoneWaits();
    };
    const gated = engine.name !== 'sqlite' ? store : new Proxy(store, {
      get(target, name) {
        if (name === 'readAll') return async (options: Parameters<EventStore['readAll']>[0]) => waiting.then(() => target.readAll(options));
        if (name === 'readPages' && target.readPages) {
          const readPages = target.readPages.bind(target);
          return async function* (options: Parameters<NonNullable<EventStore['readPages']>>[0]) {
            await waiting;
            yield* readPages(options);
          };
        }
        const value = Reflect.get(target, name) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const [first, second] = await Promise.all([
      rebuildReadModel(gated, location, { batchSize: 700, onWait }),
      rebuildReadModel(gated, location, { batchSize: 700, onWait }),
    ]);
    expect([first.position, second.position]).toEqual([EVENTS / 2, EVENTS / 2]);
    expect(waits).toHaveLength(1);
    // 3. The rest of the log, applied by the runner that was open all along, matches a replay from scratch.
    await append(store, EVENTS / 2, EVENTS);
    await runner.catchUp();
    const fresh = await engine.open();
    await new ProjectionRunner(store, fresh, { logger: quiet }).catchUp();
    expect(await answers(live)).toEqual(await answers(fresh));
    expect(await verifyReadModel(store, location)).toMatchObject({ position: EVENTS, differing: {}, differences: [] });
  });
});
