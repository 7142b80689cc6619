import { ANY } from '../../event-store/src/event-store';
import { SqliteEventStore } from '../../event-store/src/sqlite/sqlite-event-store';
import { openReadModel, type LedgerReadModel } from './read-model';
import { ProjectionRunner } from './runner';
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
