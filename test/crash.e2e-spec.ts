import { createEventStore } from '@tongxin/event-store';
import { createTestDatabase, type TestDatabase } from '@tongxin/event-store/testing';
import { openLedgerReadModel, ProjectionRunner } from '@tongxin/projections';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerProcess, readWholeLog } from './support/processes';
import { expectedFigures, plannedWrite, seedTree, writeUntilAcknowledged, type Acknowledged, type PlannedWrite } from './support/write-load';

/**
 * kill -9 of a real API process in the middle of a write load, twice, then a restart on the same store.
 * Clients keep retrying with the same Idempotency-Key, as a phone on a bad connection would. Afterwards
 * every acknowledged write is in the log exactly once, and the totals the restarted process answers
 * equal those of a fresh replay of the log into an empty read model.
 */
const CLIENTS = 8;
const WRITES_PER_CLIENT = 45;
const KILL_AFTER_ACKS = [60, 170];

interface Engine { name: string; setUp(dir: string): Promise<{ storeUrl: string; drop(): Promise<void> } | undefined> }

const engines: Engine[] = [
  { name: 'SQLite', setUp: async (dir) => ({ storeUrl: `sqlite:${join(dir, 'tongxin.db')}`, drop: async () => undefined }) },
  {
    name: 'PostgreSQL',
    setUp: async () => {
      const database: TestDatabase | undefined = await createTestDatabase('tongxin_crash');
      return database && { storeUrl: database.url, drop: () => database.drop() };
    },
  },
];

if (!process.env.POSTGRES_URL) console.warn('kill -9 test on PostgreSQL skipped: set POSTGRES_URL to run it');

describe.each(engines)('kill -9 in the middle of a write load ($name)', (engine) => {
  jest.setTimeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-crash-'));
  let setUp: { storeUrl: string; drop(): Promise<void> } | undefined;
  let proc: LedgerProcess | undefined;

  beforeAll(async () => {
    setUp = await engine.setUp(dir);
    if (setUp) proc = await LedgerProcess.api(`api (${engine.name})`, { TONGXIN_STORE: setUp.storeUrl, TONGXIN_DATA_DIR: dir });
  }, 120_000);

  afterAll(async () => {
    await proc?.stop();
    await setUp?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('keeps every acknowledged write exactly once, and its totals equal a fresh replay', async () => {
    if (!setUp || !proc) return; // PostgreSQL without POSTGRES_URL: warned above
    const api = proc;
    const ids = await seedTree(api, CLIENTS);
    const planned: PlannedWrite[] = [];
    const acknowledged: Acknowledged[] = [];
    const kills: Promise<void>[] = [];
    let killed = 0;
    let cutOff = 0;
    let replayed = 0;

    await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
      for (let n = 0; n < WRITES_PER_CLIENT; n++) {
        const write = plannedWrite(client, n, ids);
        planned.push(write);
        const answer = await writeUntilAcknowledged(() => api, write);
        cutOff += answer.unanswered ? 1 : 0;
        replayed += answer.headers.get('idempotent-replayed') === 'true' ? 1 : 0;
        acknowledged.push({ write, response: answer.body, via: api.name });
        if (killed < KILL_AFTER_ACKS.length && acknowledged.length >= KILL_AFTER_ACKS[killed]) {
          killed += 1;
          // Other clients' requests are in flight right now: some committed but unanswered, some not yet committed.
          kills.push(api.kill9().then(() => api.restart()));
        }
      }
    }));
    await Promise.all(kills);
    expect(killed).toBe(KILL_AFTER_ACKS.length);
    // The kills did cut requests off mid-flight (each client had one in flight), and they were retried.
    expect(cutOff).toBeGreaterThanOrEqual(KILL_AFTER_ACKS.length);
    process.stdout.write(`${engine.name}: ${cutOff} writes cut off by kill -9 and retried, ${replayed} of them had landed before the kill\n`);
    expect(acknowledged).toHaveLength(CLIENTS * WRITES_PER_CLIENT);

    // Every acknowledged write is where its answer said, and nothing was appended twice.
    const log = await readWholeLog(api);
    const byPosition = new Map(log.map((event) => [event.position, event]));
    for (const { response } of acknowledged) {
      expect(byPosition.get(response.position)).toMatchObject({ streamId: response.streamId, revision: response.revision });
    }
    const writesInLog = log.filter((event) => ['ActivityRecorded', 'DonationReceived', 'HoursLogged'].includes(event.type));
    expect(writesInLog).toHaveLength(planned.length);
    const entityIds = writesInLog.map((event) => String(event.data.activityId ?? event.data.donationId ?? event.data.entryId));
    expect(new Set(entityIds).size).toBe(planned.length);

    // The restarted process's totals: exact against the clients' own sums.
    const head = log[log.length - 1].position;
    const answered = await api.get(`/stats/totals?minPosition=${head}`);
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ ...expectedFigures(planned), position: head });

    // And equal, figure for figure, to an empty read model replaying the whole log.
    await api.stop();
    const store = await createEventStore(setUp.storeUrl);
    const fresh = await openLedgerReadModel(join(dir, 'fresh-replay.db'));
    try {
      await new ProjectionRunner(store, fresh).catchUp();
      expect(await fresh.totals()).toEqual(answered.body);
    } finally {
      await fresh.close();
      await store.close();
    }
  });
});
