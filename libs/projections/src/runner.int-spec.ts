import type { RecordedEvent } from '../../event-store/src/event-store';
import { openReadModel, type LedgerReadModel } from './read-model';
import { ProjectionRunner } from './runner';
import { ArrayEventStore } from './testing/array-event-store';
import { ReferenceFold } from './testing/reference-fold';
import { syntheticLog } from './testing/synthetic-ledger';
import { tempDir } from './testing/temp-read-model';
import { BREAKDOWN_DIMENSIONS } from './types';

const dir = tempDir();
afterAll(() => dir.remove());
const quiet = { log: jest.fn(), error: jest.fn() };
const log = syntheticLog(12_000);
const expected = (() => {
  const fold = new ReferenceFold();
  for (const event of log) fold.apply(event.type, event.data);
  return fold.result();
})();

function everyAnswer(model: LedgerReadModel) {
  return {
    totals: model.totals(), county: model.totals({ orgUnitId: 'hh-3' }), campaign: model.totals({ campaignId: 'camp-city-1' }),
    asOf: model.totals({ asOf: log[6000].recordedAt }),
    breakdowns: BREAKDOWN_DIMENSIONS.map((by) => model.breakdown(by, { orgUnitId: 'hh' })),
  };
}

describe('ProjectionRunner', () => {
  let uninterrupted: ReturnType<typeof everyAnswer>;

  it('catches up from 0 in batches to the same totals as a plain fold of the log', async () => {
    const model = openReadModel(dir.path('whole.db'));
    const runner = new ProjectionRunner(new ArrayEventStore(log), model, { batchSize: 997, logger: quiet });
    expect(await runner.catchUp()).toBe(log.length);
    expect(model.checkpoint()).toBe(log.length);
    const { position, ...figures } = model.totals();
    expect(position).toBe(log.length);
    expect(figures).toEqual(expected);
    expect(await runner.catchUp()).toBe(0);
    uninterrupted = everyAnswer(model);
    model.close();
  });

  it('resumes after a restart mid-way: the same answers, nothing counted twice', async () => {
    const path = dir.path('restart.db');
    const store = new ArrayEventStore(log);
    store.visible = 4321;
    let model = openReadModel(path);
    await new ProjectionRunner(store, model, { batchSize: 500, logger: quiet }).catchUp();
    expect(model.checkpoint()).toBe(4321);
    model.close();
    store.visible = 8000;
    model = openReadModel(path);
    expect(model.checkpoint()).toBe(4321);
    await new ProjectionRunner(store, model, { batchSize: 733, logger: quiet }).catchUp();
    model.close();
    store.visible = log.length;
    model = openReadModel(path);
    // A reader that hands back pages from before the checkpoint (an overlapping retry) changes nothing.
    const overlapping = { ...store, readAll: async ({ after = 0, limit }: { after?: number; limit: number }) =>
      log.slice(Math.max(0, after - 300), Math.min(after + limit, log.length)) } as ArrayEventStore;
    await new ProjectionRunner(overlapping, model, { batchSize: 1000, logger: quiet }).catchUp();
    expect(everyAnswer(model)).toEqual(uninterrupted);
    model.close();
  });

  it('never moves the checkpoint past a batch that failed, and retries it with backoff', async () => {
    const model = openReadModel(dir.path('poison.db'));
    const store = new ArrayEventStore(log);
    let poisoned = true;
    // Event 2500 has no minutes: the insert fails in the middle of the third batch.
    const target = log.findIndex((event, i) => i >= 2500 && event.type === 'HoursLogged');
    store.onRead = (page) => page.map((event) => (poisoned && event.position === target + 1
      ? { ...event, data: { ...event.data, minutes: null } } as RecordedEvent : event));
    const errors = jest.fn();
    const runner = new ProjectionRunner(store, model, { batchSize: 1000, backoffMs: 5, logger: { log: jest.fn(), error: errors } });
    const failure = await runner.catchUp().then((applied) => `resolved after ${applied}`, (error: Error) => error.message);
    expect(failure).toMatch(/NOT NULL/);
    const batchStart = Math.floor(target / 1000) * 1000;
    expect(model.checkpoint()).toBe(batchStart);
    expect(model.totals().position).toBe(batchStart);

    runner.start();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(errors.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(model.checkpoint()).toBe(batchStart);
    poisoned = false;
    expect(await runner.waitForPosition(log.length, 5000)).toBe(true);
    await runner.stop();
    const { position: _, ...figures } = model.totals();
    expect(figures).toEqual(expected);
    model.close();
  });

  it('waits for a position: true once projected, false on timeout', async () => {
    const model = openReadModel(dir.path('wait.db'));
    const store = new ArrayEventStore(log);
    store.visible = 100;
    const runner = new ProjectionRunner(store, model, { pollIntervalMs: 10_000, logger: quiet });
    runner.start();
    expect(await runner.waitForPosition(100, 2000)).toBe(true);
    expect(await runner.waitForPosition(150, 50)).toBe(false);
    const waiting = runner.waitForPosition(150, 5000);
    store.visible = 200;
    runner.wake();
    expect(await waiting).toBe(true);
    expect(model.checkpoint()).toBe(200);
    await runner.stop();
    model.close();
  });

  it('rebuilds from 0 without query indexes and builds them at the end', async () => {
    const model = openReadModel(dir.path('bulk.db'));
    const store = new ArrayEventStore(log);
    let sawRebuilding = false;
    store.onRead = (page) => {
      sawRebuilding ||= model.isRebuilding();
      return page;
    };
    await new ProjectionRunner(store, model, { batchSize: 2000, bulkReplayThreshold: 1000, logger: quiet }).catchUp();
    expect(sawRebuilding).toBe(true);
    expect(model.isRebuilding()).toBe(false);
    expect(everyAnswer(model)).toEqual(uninterrupted);
    model.close();
  });
});
