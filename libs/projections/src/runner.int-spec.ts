import type { RecordedEvent } from '../../event-store/src/event-store';
import type { LedgerReadModelPort, ProjectionTarget } from './read-model';
import { ProjectionRunner } from './runner';
import { ArrayEventStore } from './testing/array-event-store';
import { describeReadModel } from './testing/read-model-engines';
import { ReferenceFold } from './testing/reference-fold';
import { syntheticLog } from './testing/synthetic-ledger';
import { BREAKDOWN_DIMENSIONS } from './types';

const quiet = { log: jest.fn(), error: jest.fn() };
const log = syntheticLog(12_000);
const expected = (() => {
  const fold = new ReferenceFold();
  for (const event of log) fold.apply(event.type, event.data);
  return fold.result();
})();

async function everyAnswer(model: LedgerReadModelPort) {
  return {
    totals: await model.totals(), county: await model.totals({ orgUnitId: 'hh-3' }),
    campaign: await model.totals({ campaignId: 'camp-city-1' }), asOf: await model.totals({ asOf: log[6000].recordedAt }),
    breakdowns: await Promise.all(BREAKDOWN_DIMENSIONS.map((by) => model.breakdown(by, { orgUnitId: 'hh' }))),
  };
}

describeReadModel('ProjectionRunner', (engine) => {
  let uninterrupted: Awaited<ReturnType<typeof everyAnswer>>;

  it('catches up from 0 in batches to the same totals as a plain fold of the log', async () => {
    const model = await engine.open();
    const runner = new ProjectionRunner(new ArrayEventStore(log), model, { batchSize: 997, logger: quiet });
    expect(await runner.catchUp()).toBe(log.length);
    expect(await model.checkpoint()).toBe(log.length);
    const { position, ...figures } = await model.totals();
    expect(position).toBe(log.length);
    expect(figures).toEqual(expected);
    expect(await runner.catchUp()).toBe(0);
    uninterrupted = await everyAnswer(model);
    await model.close();
  });

  it('resumes after a restart mid-way: the same answers, nothing counted twice', async () => {
    const location = engine.location();
    const store = new ArrayEventStore(log);
    store.visible = 4321;
    let model = await engine.open(location);
    await new ProjectionRunner(store, model, { batchSize: 500, logger: quiet }).catchUp();
    expect(await model.checkpoint()).toBe(4321);
    await model.close();
    store.visible = 8000;
    model = await engine.open(location);
    expect(await model.checkpoint()).toBe(4321);
    await new ProjectionRunner(store, model, { batchSize: 733, logger: quiet }).catchUp();
    await model.close();
    store.visible = log.length;
    model = await engine.open(location);
    // A reader that hands back pages from before the checkpoint (an overlapping retry) changes nothing.
    const overlapping = { ...store, readAll: async ({ after = 0, limit }: { after?: number; limit: number }) =>
      log.slice(Math.max(0, after - 300), Math.min(after + limit, log.length)) } as ArrayEventStore;
    await new ProjectionRunner(overlapping, model, { batchSize: 1000, logger: quiet }).catchUp();
    expect(await everyAnswer(model)).toEqual(uninterrupted);
    await model.close();
  });

  it('never moves the checkpoint past a batch that failed, and retries it with backoff', async () => {
    const model = await engine.open();
    const store = new ArrayEventStore(log);
    let poisoned = true;
    // Event 2500 has no minutes: the insert fails in the middle of the third batch.
    const target = log.findIndex((event, i) => i >= 2500 && event.type === 'HoursLogged');
    store.onRead = (page) => page.map((event) => (poisoned && event.position === target + 1
      ? { ...event, data: { ...event.data, minutes: null } } as RecordedEvent : event));
    const errors = jest.fn();
    const runner = new ProjectionRunner(store, model, { batchSize: 1000, backoffMs: 5, logger: { log: jest.fn(), error: errors } });
    const failure = await runner.catchUp().then((applied) => `resolved after ${applied}`, (error: Error) => error.message);
    // SQLite says "NOT NULL constraint failed", PostgreSQL "violates not-null constraint".
    expect(failure).toMatch(/NOT NULL|not-null/);
    const batchStart = Math.floor(target / 1000) * 1000;
    expect(await model.checkpoint()).toBe(batchStart);
    expect((await model.totals()).position).toBe(batchStart);

    runner.start();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(errors.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(await model.checkpoint()).toBe(batchStart);
    poisoned = false;
    expect(await runner.waitForPosition(log.length, 5000)).toBe(true);
    await runner.stop();
    const { position: _, ...figures } = await model.totals();
    expect(figures).toEqual(expected);
    await model.close();
  });

  it('reads the next page while a batch applies, and drops it when that batch fails', async () => {
    const model = await engine.open();
    const store = new ArrayEventStore(log);
    const reads: number[] = [];
    const readAll = store.readAll.bind(store);
    store.readAll = (options) => {
      reads.push(options.after ?? 0);
      return readAll(options);
    };
    let failing = true;
    const target: ProjectionTarget = {
      checkpoint: () => model.checkpoint(),
      applyBatch: async (events) => {
        // The third batch fails after its successor has been asked for.
        if (failing && events[0].position === 2001) throw new Error('batch refused');
        return model.applyBatch(events);
      },
    };
    const runner = new ProjectionRunner(store, target, { batchSize: 1000, logger: quiet });
    await expect(runner.catchUp()).rejects.toThrow('batch refused');
    expect(reads).toEqual([0, 1000, 2000, 3000]);
    expect(await model.checkpoint()).toBe(2000);
    expect((await model.totals()).position).toBe(2000);

    // The retry starts from the checkpoint: the page read ahead of the failure is read again, not reused.
    failing = false;
    reads.length = 0;
    expect(await runner.catchUp()).toBe(log.length - 2000);
    expect(reads.slice(0, 3)).toEqual([2000, 3000, 4000]);
    const { position, ...figures } = await model.totals();
    expect(position).toBe(log.length);
    expect(figures).toEqual(expected);
    await model.close();
  });

  it('fails a catch-up whose read-ahead failed, after committing the batch before it', async () => {
    const model = await engine.open();
    const store = new ArrayEventStore(log);
    const readAll = store.readAll.bind(store);
    let failing = true;
    store.readAll = async (options) => {
      if (failing && options.after === 3000) throw new Error('connection lost');
      return readAll(options);
    };
    const runner = new ProjectionRunner(store, model, { batchSize: 1000, logger: quiet });
    await expect(runner.catchUp()).rejects.toThrow('connection lost');
    expect(await model.checkpoint()).toBe(3000);
    failing = false;
    expect(await runner.catchUp()).toBe(log.length - 3000);
    const { position: _, ...figures } = await model.totals();
    expect(figures).toEqual(expected);
    await model.close();
  });

  it('stop() waits for the batch in flight and the page read ahead of it', async () => {
    const model = await engine.open();
    const store = new ArrayEventStore(log);
    const readAll = store.readAll.bind(store);
    let reading = 0;
    store.readAll = async (options) => {
      reading += 1;
      try {
        // Slow reads: stop() arrives while a batch applies and the next page is still being read.
        await new Promise((resolve) => setTimeout(resolve, 20));
        return await readAll(options);
      } finally {
        reading -= 1;
      }
    };
    let applying = false;
    let applied = 0;
    const target: ProjectionTarget = {
      checkpoint: () => model.checkpoint(),
      applyBatch: async (events) => {
        applying = true;
        await new Promise((resolve) => setTimeout(resolve, 5));
        const next = await model.applyBatch(events);
        applied += 1;
        applying = false;
        return next;
      },
    };
    const runner = new ProjectionRunner(store, target, { batchSize: 1000, logger: quiet });
    runner.start();
    while (applied < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    await runner.stop();
    expect(applying).toBe(false);
    expect(reading).toBe(0);
    const checkpoint = await model.checkpoint();
    expect(checkpoint % 1000).toBe(0);
    expect(checkpoint).toBeLessThan(log.length);
    expect((await model.totals()).position).toBe(checkpoint);
    await model.close();
  });

  it('waits for a position: true once projected, false on timeout', async () => {
    const model = await engine.open();
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
    expect(await model.checkpoint()).toBe(200);
    await runner.stop();
    await model.close();
  });

  it('rebuilds from 0 without query indexes and builds them at the end', async () => {
    const model = await engine.open() as LedgerReadModelPort & { isRebuilding(): boolean | Promise<boolean> };
    let sawRebuilding = false;
    // Looks before each batch is applied, i.e. while the runner is in the middle of the replay.
    const probe: ProjectionTarget = {
      checkpoint: () => model.checkpoint(),
      applyBatch: async (events) => {
        sawRebuilding ||= await model.isRebuilding();
        return model.applyBatch(events);
      },
      beginBulkReplay: () => model.beginBulkReplay!(),
      endBulkReplay: () => model.endBulkReplay!(),
    };
    await new ProjectionRunner(new ArrayEventStore(log), probe, { batchSize: 2000, bulkReplayThreshold: 1000, logger: quiet }).catchUp();
    expect(sawRebuilding).toBe(true);
    expect(await model.isRebuilding()).toBe(false);
    expect(await everyAnswer(model)).toEqual(uninterrupted);
    await model.close();
  });
});
