import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_STREAM } from '../event-store';
import { describeEventStoreContract } from '../testing';
import { describeGlobalLogExactness } from '../testing/global-log-exactness';
import { FakeKurrentClient } from './testing/fake-kurrentdb-client';
import { KurrentDbEventStore } from './kurrentdb-event-store';
import { SqliteSideStore } from './side-store/sqlite-side-store';

const serverUrl = process.env.KURRENTDB_URL;

// A KurrentDB cluster cannot be wiped, so every open shares it; the side store is one SQLite file per suite.
if (!serverUrl) {
  console.warn('KurrentDbEventStore against a real server skipped: set KURRENTDB_URL (e.g. kurrentdb://127.0.0.1:2113?tls=false)');
  describe.skip('KurrentDbEventStore against a real server (KURRENTDB_URL is not set)', () => {
    it('needs a KurrentDB server', () => undefined);
  });
} else {
  const directory = mkdtempSync(join(tmpdir(), 'tongxin-kurrentdb-'));
  const open = () => KurrentDbEventStore.open(serverUrl, { state: join(directory, 'state.db') });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  describeEventStoreContract('kurrentdb', async () => ({ store: await open(), reopen: open, cleanup: async () => undefined }), { atomicConditions: false });
  describeGlobalLogExactness('kurrentdb', async () => ({ store: await open(), cleanup: async () => undefined }), {
    events: Number(process.env.TONGXIN_GLOBAL_LOG_EVENTS ?? 20_000), timeoutMs: 300_000,
  });
}

/** The adapter over the stand-in client: its own logic (claims, positions, stamps) checked without a server. */
describe('KurrentDbEventStore over a stand-in client', () => {
  let directory: string;
  let fake: FakeKurrentClient;
  const open = (options: { claimLeaseMs?: number; abandonGraceMs?: number } = {}) => KurrentDbEventStore.open('kurrentdb://fake:2113', {
    client: fake.asClient(), sideStore: new SqliteSideStore(join(directory, 'state.db')), ...options,
  });
  beforeAll(() => { directory = mkdtempSync(join(tmpdir(), 'tongxin-kurrentdb-fake-')); fake = new FakeKurrentClient(); });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  describeEventStoreContract('kurrentdb (stand-in client)', async () => ({ store: await open(), reopen: () => open(), cleanup: async () => undefined }), { atomicConditions: false });
  describeGlobalLogExactness('kurrentdb (stand-in client)', async () => ({ store: await open(), cleanup: async () => undefined }), { events: 5_000 });

  describe('when a process dies between the KurrentDB append and the side-store write', () => {
    it('replays a retry with the same key from the log, appending nothing twice', async () => {
      const store = await open({ abandonGraceMs: 0 });
      const idempotency = { key: `crash-${Date.now()}`, fingerprint: 'f', response: { id: 'a-1' } };
      fake.failAfterWrite = true;
      await expect(store.appendToStream('crash-stream', [{ type: 'T', data: { n: 1 }, metadata: {} }, { type: 'T', data: { n: 2 }, metadata: {} }], {
        expectedRevision: NO_STREAM, idempotency, uniqueKeys: ['crash:key'],
      })).rejects.toMatchObject({ name: 'StoreUnavailableError' });
      const retry = await store.appendToStream('crash-stream', [{ type: 'T', data: { n: 1 }, metadata: {} }, { type: 'T', data: { n: 2 }, metadata: {} }], {
        expectedRevision: NO_STREAM, idempotency, uniqueKeys: ['crash:key'],
      });
      expect(retry).toMatchObject({ revision: 1, replayed: true, response: { id: 'a-1' } });
      const stored = await store.readStream('crash-stream');
      expect(stored).toHaveLength(2);
      expect([retry.firstPosition, retry.position]).toEqual([stored[0].position, stored[1].position]);
      expect(await store.lookupUniqueKey('crash:key')).toBe('crash-stream');
      await store.close();
    });

    it('releases the claims of an append that never reached the log once the lease is over', async () => {
      const store = await open({ claimLeaseMs: 0 });
      fake.failBeforeWrite = true;
      await expect(store.appendToStream('lost-stream', [{ type: 'T', data: {}, metadata: {} }], {
        expectedRevision: NO_STREAM, uniqueKeys: ['lost:key'],
      })).rejects.toMatchObject({ name: 'StoreUnavailableError' });
      expect(await store.lookupUniqueKey('lost:key')).toBeUndefined();
      const result = await store.appendToStream('other-stream', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM, uniqueKeys: ['lost:key'] });
      expect(await store.lookupUniqueKey('lost:key')).toBe('other-stream');
      expect(result.revision).toBe(0);
      await store.close();
    });
  });

  it('keeps recordedAt from going back when the server clock steps back', async () => {
    const store = await open();
    const base = await store.headPosition();
    let time = Date.parse('2030-01-01T00:00:10.000Z');
    fake.clock = () => new Date(time);
    await store.appendToStream('clock-a', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
    time -= 5_000;
    await store.appendToStream('clock-b', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
    fake.clock = () => new Date();
    const [a, b] = await store.readAll({ after: base, limit: 10 });
    expect(b.recordedAt).toBe(a.recordedAt);
    expect(await store.positionAt('2030-01-01T00:00:09.000Z')).toBe(base);
    await store.close();
  });

  it('refuses metadata that uses the key the adapter reserves', async () => {
    const store = await open();
    await expect(store.appendToStream('reserved', [{ type: 'T', data: {}, metadata: { '$tongxin.appendIndex': 1 } }], { expectedRevision: NO_STREAM }))
      .rejects.toBeInstanceOf(TypeError);
    await store.close();
  });
});
