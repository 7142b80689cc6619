import { createEventStore, type EventStore, type RecordedEvent } from '@tongxin/event-store';
import { defaultVaultLocation, openKeyStore, SealingEventStore } from '@tongxin/privacy';
import { createTestDatabase, type TestDatabase } from '@tongxin/event-store/testing';
import { dirname, join } from 'node:path';
import { importEvents } from '../apps/cli/src/import-events';
import { LedgerTestApp } from './support/ledger-app';
import { BREAKDOWNS, ledgerFigures, runCli, writeRealisticLedger } from './support/cli';

/**
 * The move the CLI exists for: a ledger written through the API on the embedded SQLite store, exported,
 * imported into an empty PostgreSQL database, and served from there with every figure unchanged.
 */
/** The store as the CLI and the API open it: personal data sealed with the keys of the store's own vault. */
async function withSealedStore<T>(storeUrl: string, work: (store: EventStore) => Promise<T>): Promise<T> {
  const dataDir = storeUrl.startsWith('sqlite:') ? dirname(storeUrl.slice('sqlite:'.length)) : '/unused';
  const keys = await openKeyStore(defaultVaultLocation(storeUrl, dataDir));
  const store = new SealingEventStore(await createEventStore(storeUrl), keys);
  try {
    return await work(store);
  } finally {
    await store.close();
    await keys.close();
  }
}

/** The whole log as read through the vault: a move seals names again with the target's keys, so ciphertexts differ. */
async function wholeLog(storeUrl: string): Promise<RecordedEvent[]> {
  return withSealedStore(storeUrl, async (store) => {
    const events: RecordedEvent[] = [];
    for await (const event of store.streamAll()) events.push(event);
    return events;
  });
}

/** What the ledger knew at an instant: totals and every breakdown with `asOf` (positions are renumbered by a move). */
async function asOfFigures(ledger: LedgerTestApp, asOf: string): Promise<Record<string, unknown>> {
  const head = await ledger.head();
  const figures: Record<string, unknown> = {};
  for (const path of ['/stats/totals?', ...BREAKDOWNS.map((by) => `/stats/breakdown?by=${by}&`)]) {
    const reply = await ledger.get(`${path}asOf=${encodeURIComponent(asOf)}&minPosition=${head}`);
    if (reply.status !== 200) throw new Error(`GET ${path}asOf=${asOf} answered ${reply.status}: ${reply.text}`);
    const { position: _position, ...rest } = reply.body;
    figures[path] = rest;
  }
  return figures;
}

(process.env.POSTGRES_URL ? describe : describe.skip)('SQLite → export → import into PostgreSQL (needs POSTGRES_URL)', () => {
  jest.setTimeout(120_000);
  let source: LedgerTestApp;
  let sourceStore: string;
  let sourceFigures: Record<string, unknown>;
  let sourceLog: RecordedEvent[];
  /** An instant in the middle of the original history, and what the source answered as of it. */
  let middle: string;
  let sourceAsOf: Record<string, unknown>;
  /** Requests an offline client sent with an Idempotency-Key, and the first answer each got from the source. */
  const retried: { path: string; body: Record<string, unknown>; key: string; first?: { status: number; body: unknown } }[] = [
    { path: '/activities', key: 'village-officer-0611-1', body: { id: 'act-keyed', orgUnitId: 'mayang-v1', title: '离线宣讲', category: 'lecture', occurredOn: '2026-06-11', participants: 42 } },
    { path: '/volunteers/vol-1/hours', key: 'village-officer-0611-2', body: { entryId: 'e-keyed', servedOn: '2026-06-11', minutes: 90 } },
    { path: '/donations', key: 'village-officer-0611-3', body: {
      id: 'don-keyed', campaignId: 'unity', orgUnitId: 'huaihua', donor: { name: '离线捐赠', kind: 'individual' }, kind: 'money', amount: 8800, receivedOn: '2026-06-11', method: 'cash',
    } },
  ];
  const databases: TestDatabase[] = [];
  const apps: LedgerTestApp[] = [];

  beforeAll(async () => {
    source = await LedgerTestApp.start();
    sourceStore = source.config.storeUrl;
    await writeRealisticLedger(source);
    for (const request of retried) {
      const reply = await source.post(request.path, request.body, { 'idempotency-key': request.key });
      expect(reply.status).toBe(201);
      request.first = { status: reply.status, body: reply.body };
    }
    sourceFigures = await ledgerFigures(source);
    // A comparison of zeros would prove nothing.
    expect(sourceFigures['totals?']).toMatchObject({ activitiesHeld: expect.any(Number), moneyRefunded: expect.any(Number) });
    expect(Object.values(sourceFigures['totals?'] as Record<string, number>).filter((v) => v > 0).length).toBeGreaterThan(5);
    // The recordedAt of the middle event: earlier appends count as of it, later ones do not.
    const written = await wholeLog(sourceStore);
    middle = written[Math.floor(written.length / 2)].recordedAt;
    sourceAsOf = await asOfFigures(source, middle);
    const { position: _position, ...sourceTotals } = (await source.get(`/stats/totals?minPosition=${await source.head()}`)).body;
    expect(sourceAsOf['/stats/totals?']).not.toEqual(sourceTotals);
    expect(Object.values(sourceAsOf['/stats/totals?'] as Record<string, number>).filter((v) => v > 0).length).toBeGreaterThan(3);
    // The source is closed, as it would be for a move: nothing is appended while the export runs.
    await source.app.close();
    sourceLog = await wholeLog(sourceStore);
  });
  afterAll(async () => {
    for (const app of apps) await app.stop();
    for (const database of databases) await database.drop();
    await source.stop({ keepFiles: false }).catch(() => undefined);
  });

  async function freshDatabase(): Promise<string> {
    const database = (await createTestDatabase('tongxin_cli_move'))!;
    databases.push(database);
    return database.url;
  }

  it('moves a CloudEvents export with the real `tongxin` processes and answers every figure the same', async () => {
    const file = join(source.dir, 'ledger.cloudevents.jsonl');
    const exported = await runCli(['export', '--format', 'cloudevents', '--out', file, '--store', sourceStore]);
    expect(exported).toMatchObject({ code: 0, stdout: '' });
    expect(exported.stderr).toContain(`exported ${sourceLog.length} events`);

    const target = await freshDatabase();
    const imported = await runCli(['import-events', file, '--store', target]);
    expect(imported).toMatchObject({ code: 0, stdout: '' });
    expect(imported.stderr).toContain(`imported ${sourceLog.length} events`);
    expect(imported.stderr).toContain(`with ${retried.length} idempotency records`);

    // 1. The log itself: same order, same streams and revisions, same facts, metadata and recordedAt.
    const targetLog = await wholeLog(target);
    const facts = (e: RecordedEvent) => [e.streamId, e.revision, e.type, e.data, e.metadata, e.recordedAt];
    expect(targetLog.map(facts)).toEqual(sourceLog.map(facts));

    // 2. The API on PostgreSQL (log and read model there) gives the same totals and breakdowns under every filter,
    //    and the same answers as of an instant in the middle of the history.
    const served = await LedgerTestApp.start({ storeUrl: target });
    apps.push(served);
    expect(await ledgerFigures(served)).toEqual(sourceFigures);
    expect(await asOfFigures(served, middle)).toEqual(sourceAsOf);

    // 3. A client retrying after the move gets its first answer again and records nothing twice; the same key with
    //    another request is still a misuse.
    const headBefore = await served.head();
    for (const request of retried) {
      const retry = await served.post(request.path, request.body, { 'idempotency-key': request.key });
      expect({ status: retry.status, body: retry.body }).toEqual(request.first);
      expect(retry.headers['idempotent-replayed']).toBe('true');
    }
    expect(await served.head()).toBe(headBefore);
    expect(await ledgerFigures(served)).toEqual(sourceFigures);
    const misuse = await served.post(retried[0].path, { ...retried[0].body, participants: 43 }, { 'idempotency-key': retried[0].key });
    expect(misuse.status).toBe(422);
    expect(await served.head()).toBe(headBefore);

    // 4. The moved ledger keeps working: a refund finds its donation, a donation id stays taken.
    await served.ok('/donations/don-1/refunds', { amount: 1, reason: '迁移后退款', refundedOn: '2026-10-16' });
    const reused = await served.post('/donations', {
      id: 'don-1', campaignId: 'unity', orgUnitId: 'huaihua', donor: { name: '重复', kind: 'individual' }, kind: 'money', amount: 100, receivedOn: '2026-10-16', method: 'cash',
    });
    expect(reused.status).toBe(409);
  });

  it('moves an ndjson export (in-process) with the same figures', async () => {
    const file = join(source.dir, 'ledger.ndjson');
    expect((await runCli(['export', '--out', file, '--store', sourceStore])).code).toBe(0);
    const target = await freshDatabase();
    await withSealedStore(target, async (store) => {
      // Small batches, so many batch boundaries fall inside one stream's run of events.
      expect(await importEvents(store, file, { batchSize: 3 })).toEqual({
        events: sourceLog.length, streams: new Set(sourceLog.map((e) => e.streamId)).size, idempotencyRecords: retried.length, format: 'ndjson',
      });
    });
    expect((await wholeLog(target)).map((e) => e.data)).toEqual(sourceLog.map((e) => e.data));
    const served = await LedgerTestApp.start({ storeUrl: target });
    apps.push(served);
    const retry = await served.post(retried[2].path, retried[2].body, { 'idempotency-key': retried[2].key });
    expect({ status: retry.status, body: retry.body, replayed: retry.headers['idempotent-replayed'] }).toEqual({ ...retried[2].first, replayed: 'true' });
    expect(await ledgerFigures(served)).toEqual(sourceFigures);
    expect(await asOfFigures(served, middle)).toEqual(sourceAsOf);
  });
});
