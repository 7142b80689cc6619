import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../testing/postgres-database';
import { openSideStore } from './open-side-store';
import type { AppendClaim, SideStore } from './side-store';

const result = { streamId: 's', revision: 0, position: 1200, firstPosition: 1200 };
const now = new Date('2025-03-01T08:00:00.000Z');
const claim = (appendId: string, extra: Partial<AppendClaim> = {}): AppendClaim => ({
  appendId, streamId: `stream-${appendId}`, fromRevision: 0, eventCount: 1, uniqueKeys: [], now, ...extra,
});

function sideStoreSuite(name: string, open: () => Promise<{ store: SideStore; cleanup: () => Promise<void> }>): void {
  describe(`KurrentDB side store: ${name}`, () => {
    let store: SideStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => ({ store, cleanup } = await open()));
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it('claims an idempotency key and unique keys as pending, and settles them as final with the result', async () => {
      const idempotency = { key: 'cmd-1', fingerprint: 'f', response: '{"id":"d-1"}' };
      expect(await store.claim(claim('a1', { idempotency, uniqueKeys: ['donation:1', 'receipt:9'] }))).toEqual({ claimed: true });
      expect(await store.idempotency('cmd-1')).toMatchObject({ result: null, appendId: 'a1' });
      expect(await store.uniqueKey('donation:1')).toEqual({ key: 'donation:1', streamId: 'stream-a1', appendId: 'a1' });
      expect(await store.pendingAppend('a1')).toMatchObject({ streamId: 'stream-a1', fromRevision: 0, eventCount: 1, startedAt: now.getTime(), abandonedAt: null });
      await store.settle('a1', result, now);
      expect(await store.idempotency('cmd-1')).toEqual({
        key: 'cmd-1', fingerprint: 'f', response: '{"id":"d-1"}', result: JSON.stringify(result), appendId: null, createdAt: now.toISOString(),
      });
      expect(await store.uniqueKey('receipt:9')).toEqual({ key: 'receipt:9', streamId: 'stream-a1', appendId: null });
      expect(await store.pendingAppend('a1')).toBeUndefined();
    });

    it('answers the row in the way and claims nothing when a key is held, pending or final', async () => {
      await store.claim(claim('a1', { uniqueKeys: ['donation:1'] }));
      const blocked = await store.claim(claim('a2', { uniqueKeys: ['fresh', 'donation:1'] }));
      expect(blocked).toEqual({ claimed: false, uniqueKey: { key: 'donation:1', streamId: 'stream-a1', appendId: 'a1' } });
      expect(await store.uniqueKey('fresh')).toBeUndefined();
      expect(await store.pendingAppend('a2')).toBeUndefined();
      await store.settle('a1', result, now);
      expect(await store.claim(claim('a3', { uniqueKeys: ['donation:1'] }))).toMatchObject({ claimed: false, uniqueKey: { appendId: null } });

      await store.claim(claim('a4', { idempotency: { key: 'cmd', fingerprint: 'f1', response: '{}' } }));
      expect(await store.claim(claim('a5', { idempotency: { key: 'cmd', fingerprint: 'f2', response: '{}' }, uniqueKeys: ['other'] })))
        .toMatchObject({ claimed: false, idempotency: { key: 'cmd', fingerprint: 'f1', appendId: 'a4', result: null } });
      expect(await store.uniqueKey('other')).toBeUndefined();
    });

    it('removes every claim of an append settled without a result, so the keys can be claimed again', async () => {
      await store.claim(claim('a1', { idempotency: { key: 'cmd', fingerprint: 'f', response: '{}' }, uniqueKeys: ['k'] }));
      await store.abandon('a1', new Date(now.getTime() + 5));
      expect((await store.pendingAppend('a1'))?.abandonedAt).toBe(now.getTime() + 5);
      await store.settle('a1', undefined, now);
      expect(await store.idempotency('cmd')).toBeUndefined();
      expect(await store.uniqueKey('k')).toBeUndefined();
      expect(await store.claim(claim('a2', { idempotency: { key: 'cmd', fingerprint: 'f', response: '{}' }, uniqueKeys: ['k'] }))).toEqual({ claimed: true });
    });

    it('gives a key to exactly one of many concurrent claims', async () => {
      const outcomes = await Promise.all(Array.from({ length: 12 }, (_, index) =>
        store.claim(claim(`c${index}`, { uniqueKeys: [`z-${index}`, 'contested', `a-${index}`] }))));
      expect(outcomes.filter((outcome) => outcome.claimed)).toHaveLength(1);
      const losers = outcomes.filter((outcome) => !outcome.claimed);
      for (const loser of losers) expect(loser).toMatchObject({ uniqueKey: { key: 'contested' } });
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

sideStoreSuite('sqlite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'tongxin-kdb-state-'));
  return { store: await openSideStore(undefined, directory), cleanup: async () => rmSync(directory, { recursive: true, force: true }) };
});

if (!process.env.POSTGRES_URL) {
  console.warn('KurrentDB side store on PostgreSQL skipped: set POSTGRES_URL (CI: postgres://postgres@127.0.0.1:5432/postgres)');
  describe.skip('KurrentDB side store: postgres (POSTGRES_URL is not set)', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  sideStoreSuite('postgres', async () => {
    const database: TestDatabase = (await createTestDatabase('tongxin_kdb_state'))!;
    return { store: await openSideStore(database.url, '/nonexistent'), cleanup: () => database.drop() };
  });
}
