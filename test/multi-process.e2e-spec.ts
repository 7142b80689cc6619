import { createTestDatabase, type TestDatabase } from '@tongxin/event-store/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerProcess, readWholeLog, sendUntilAnswered } from './support/processes';
import { expectedFigures, plannedWrite, seedTree, writeUntilAcknowledged, type Acknowledged, type PlannedWrite } from './support/write-load';

/**
 * Real processes on one PostgreSQL database: two API processes that do not project
 * (TONGXIN_PROJECTIONS=off) and one worker that runs the projection runner into the shared PostgreSQL
 * read model. Sixteen clients write to shared and separate streams through both APIs, with retries.
 */
const CLIENTS = 16;
const WRITES_PER_CLIENT = 24;
const CONTESTED_ROUNDS = 6;

let database: TestDatabase | undefined;
const dir = mkdtempSync(join(tmpdir(), 'tongxin-procs-'));
const processes: LedgerProcess[] = [];
let api: LedgerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase('tongxin_procs');
  if (!database) return;
  const shared = { TONGXIN_STORE: database.url, TONGXIN_PROJECTIONS: 'off' };
  // The worker first: it creates the read-model schema the APIs then open (both would cope either way).
  processes.push(await LedgerProcess.worker('worker', { TONGXIN_STORE: database.url, TONGXIN_DATA_DIR: join(dir, 'worker') }));
  api = await Promise.all([
    LedgerProcess.api('api-1', { ...shared, TONGXIN_DATA_DIR: join(dir, 'api-1') }),
    LedgerProcess.api('api-2', { ...shared, TONGXIN_DATA_DIR: join(dir, 'api-2') }),
  ]);
  processes.push(...api);
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((proc) => proc.stop()));
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const describeWithPostgres = process.env.POSTGRES_URL ? describe : describe.skip;
if (!process.env.POSTGRES_URL) console.warn('multi-process test skipped: set POSTGRES_URL to run it against a real PostgreSQL');

describeWithPostgres('two API processes and one projection worker on one PostgreSQL', () => {
  jest.setTimeout(300_000);
  const acknowledged: Acknowledged[] = [];
  const planned: PlannedWrite[] = [];
  let ids: { villages: string[]; campaignId: string };
  let contestedActivity: { participants: number };

  it('takes writes from 16 concurrent clients through both APIs, and each API reads the other\'s writes with minPosition', async () => {
    ids = await seedTree(api[0], CLIENTS);
    await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
      for (let n = 0; n < WRITES_PER_CLIENT; n++) {
        const writer = api[(client + n) % 2];
        const reader = api[(client + n + 1) % 2];
        const write = plannedWrite(client, n, ids);
        planned.push(write);
        const answer = await writeUntilAcknowledged(() => writer, write);
        acknowledged.push({ write, response: answer.body, via: writer.name });
        if (n % 4 === 3) {
          // A retry of an acknowledged write, through the other API: the first answer again, nothing appended.
          const again = await sendUntilAnswered(() => reader, write.path, write.body, { 'idempotency-key': write.idempotencyKey });
          expect(again.headers.get('idempotent-replayed')).toBe('true');
          expect(again.body).toEqual(answer.body);
          // The other process's read model answers only once it includes this write.
          const totals = await reader.get(`/stats/totals?minPosition=${answer.body.position}`);
          expect(totals.status).toBe(200);
          expect(totals.body.position).toBeGreaterThanOrEqual(answer.body.position);
        }
      }
    }));
    expect(acknowledged).toHaveLength(CLIENTS * WRITES_PER_CLIENT);
  });

  it('gives exactly one winner per expected revision when all clients correct one activity with If-Match', async () => {
    const created = await api[0].post('/activities', {
      id: 'act-contested', orgUnitId: 'v1', campaignId: 'camp', title: '文艺演出', category: 'performance', occurredOn: '2026-06-05', participants: 1,
    });
    expect(created.status).toBe(201);
    contestedActivity = { participants: 1 };
    let revision = created.body.revision as number;
    for (let round = 0; round < CONTESTED_ROUNDS; round++) {
      const answers = await Promise.all(Array.from({ length: CLIENTS }, (_, client) =>
        api[client % 2].post('/activities/act-contested/corrections',
          { participants: 100 * (round + 1) + client, reason: `人数核对 第${round + 1}轮` }, { 'if-match': `"${revision}"` })));
      const winners = answers.filter((answer) => answer.status === 200);
      expect(winners).toHaveLength(1);
      expect(answers.filter((answer) => answer.status === 412)).toHaveLength(CLIENTS - 1);
      expect(winners[0].body.revision).toBe(revision + 1);
      contestedActivity.participants = 100 * (round + 1) + answers.indexOf(winners[0]);
      revision += 1;
    }
  });

  it('loses and duplicates nothing: every acknowledged write is in the log once, where its answer said', async () => {
    const log = await readWholeLog(api[1]);
    const positions = log.map((event) => event.position);
    for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeGreaterThan(positions[i - 1]);
    const byPosition = new Map(log.map((event) => [event.position, event]));
    for (const { response } of acknowledged) {
      expect(byPosition.get(response.position)).toMatchObject({ streamId: response.streamId, revision: response.revision });
    }
    // One event per planned write (retries and replays appended nothing), each entity created once.
    const created = (type: string, field: string) => log.filter((event) => event.type === type).map((event) => event.data[field] as string);
    const activityIds = created('ActivityRecorded', 'activityId').filter((id) => id !== 'act-contested');
    const donationIds = created('DonationReceived', 'donationId');
    const entryIds = created('HoursLogged', 'entryId');
    expect(new Set(activityIds).size).toBe(activityIds.length);
    expect(new Set(donationIds).size).toBe(donationIds.length);
    expect(new Set(entryIds).size).toBe(entryIds.length);
    expect(activityIds.length + donationIds.length + entryIds.length).toBe(planned.length);
    // Every stream's revisions run 0, 1, 2, … with no gap or repeat, whichever process appended.
    const revisions = new Map<string, number[]>();
    for (const event of log) revisions.set(event.streamId, [...(revisions.get(event.streamId) ?? []), event.revision]);
    for (const [, list] of revisions) expect(list).toEqual(list.map((_, index) => index));
  });

  it('has exact totals on both APIs once the worker has caught up', async () => {
    const head = (await api[0].get('/health')).body.position as number;
    const expected = expectedFigures(planned);
    expected.activitiesHeld += 1;
    expected.participants += contestedActivity.participants;
    for (const proc of api) {
      const totals = await proc.get(`/stats/totals?minPosition=${head}`);
      expect(totals.status).toBe(200);
      expect(totals.body).toMatchObject({ ...expected, position: head });
    }
  });
});
