import { randomBytes } from 'node:crypto';
import { Client, type PoolClient } from 'pg';
import { createEventStore } from '../create-event-store';
import { NO_STREAM, StoreUnavailableError, type EventStore } from '../event-store';
import { createTestDatabase, describeEventStoreContract, type TestDatabase } from '../testing';
import { appendInTransaction } from './postgres-append';
import { PostgresEventStore } from './postgres-event-store';
import { SCHEMA_VERSION } from './postgres-schema';

const adminUrl = process.env.POSTGRES_URL;

if (!adminUrl) {
  console.warn('PostgresEventStore integration tests skipped: set POSTGRES_URL (CI: postgres://postgres@127.0.0.1:5432/postgres)');
  describe.skip('PostgresEventStore (POSTGRES_URL is not set)', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  describe('PostgresEventStore', () => {
    // Databases of the suite's own, so parallel runs and other suites on the server never meet.
    const created: TestDatabase[] = [];
    const createDatabase = async (prefix: string) => {
      const database = (await createTestDatabase(prefix))!;
      created.push(database);
      return database.url;
    };
    let url: string;

    beforeAll(async () => {
      url = await createDatabase('tongxin_es_test');
    });
    afterAll(async () => {
      for (const database of created) await database.drop();
    });

    // Every open shares the database: the contract never assumes an empty log.
    describeEventStoreContract('postgres', async () => ({
      store: await PostgresEventStore.open(url),
      reopen: () => PostgresEventStore.open(url),
      cleanup: async () => undefined,
    }));

    describe('global log with commits out of position order', () => {
      let store: EventStore;
      beforeEach(async () => { store = await PostgresEventStore.open(url); });
      afterEach(() => store.close());

      it('hides a later position until every earlier one has committed, then shows both in order', async () => {
        const suffix = randomBytes(4).toString('hex');
        const base = await store.headPosition();
        // 1. A real append, held open just before COMMIT on a connection of its own: it holds the lower position.
        const connection = new Client({ connectionString: url });
        await connection.connect();
        let reachCommit!: () => void;
        let allowCommit!: () => void;
        const atCommit = new Promise<void>((resolve) => { reachCommit = resolve; });
        const commitAllowed = new Promise<void>((resolve) => { allowCommit = resolve; });
        const held = heldAtCommit(connection, reachCommit, commitAllowed);
        const slow = appendInTransaction(held, {
          streamId: `slow-${suffix}`, events: [{ type: 'Slow', data: '{}', metadata: '{}' }], expectedRevision: NO_STREAM, uniqueKeys: [],
        });
        await atCommit;
        try {
          // 2. Another writer appends and commits: a higher position, committed first.
          const fast = await store.appendToStream(`fast-${suffix}`, [{ type: 'Fast', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
          expect(fast.position).toBeGreaterThan(base + 1);
          // 3. Readers of the global log must not pass the open transaction's position.
          expect(await store.readAll({ after: base, limit: 100 })).toEqual([]);
          expect(await store.headPosition()).toBe(base);
          const streamed = [];
          for await (const event of store.streamAll({ after: base })) streamed.push(event);
          expect(streamed).toEqual([]);
          // A stream's own events are appended under its lock, so reading a stream need not wait.
          expect(await store.readStream(`fast-${suffix}`)).toHaveLength(1);

          // 4. Once the earlier append commits, both appear, in position order, with no gap.
          allowCommit();
          const slowResult = await slow;
          expect(slowResult.position).toBeLessThan(fast.position);
          const all = await store.readAll({ after: base, limit: 100 });
          expect(all.map((event) => [event.position, event.type])).toEqual([[base + 1, 'Slow'], [base + 2, 'Fast']]);
          expect(slowResult.position).toBe(base + 1);
          expect(await store.headPosition()).toBe(base + 2);
        } finally {
          allowCommit();
          await slow.catch(() => undefined);
          await connection.end();
        }
      });

      it('refuses to change or delete a recorded event', async () => {
        const suffix = randomBytes(4).toString('hex');
        await store.appendToStream(`fixed-${suffix}`, [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
        const client = new Client({ connectionString: url });
        await client.connect();
        try {
          await expect(client.query(`UPDATE events SET type = 'X' WHERE stream_id = $1`, [`fixed-${suffix}`])).rejects.toThrow(/append-only/);
          await expect(client.query('DELETE FROM events WHERE stream_id = $1', [`fixed-${suffix}`])).rejects.toThrow(/append-only/);
        } finally {
          await client.end();
        }
      });
    });

    describe('opening', () => {
      it('migrates once when several stores open a fresh database at the same moment', async () => {
        const freshUrl = await createDatabase('tongxin_es_test_m');
        const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresEventStore.open(freshUrl)));
        await stores[0].appendToStream('s', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
        for (const store of stores) await store.close();
        const again = await PostgresEventStore.open(freshUrl);
        expect(await again.headPosition()).toBe(1);
        await again.close();
        const client = new Client({ connectionString: freshUrl });
        await client.connect();
        const { rows } = await client.query<{ version: number }>('SELECT version FROM event_store_migrations ORDER BY version');
        await client.end();
        expect(rows.map((row) => row.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, index) => index + 1));
      });

      it('is what createEventStore returns for postgres:// and postgresql:// URLs', async () => {
        for (const storeUrl of [url, url.replace(/^postgres:/, 'postgresql:')]) {
          const store = await createEventStore(storeUrl);
          expect(store).toBeInstanceOf(PostgresEventStore);
          await expect(store.ping()).resolves.toBeUndefined();
          await store.close();
          await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
        }
      });

      it('reports an unreachable server as StoreUnavailableError', async () => {
        await expect(PostgresEventStore.open('postgres://postgres@127.0.0.1:1/nowhere')).rejects.toBeInstanceOf(StoreUnavailableError);
      });
    });
  });
}



/** `client`, but its COMMIT waits for `allowed`, after signalling `reached`: an append held open at the last step. */
function heldAtCommit(client: Client, reached: () => void, allowed: Promise<void>): PoolClient {
  const query = async (text: string, values?: unknown[]) => {
    if (text === 'COMMIT') {
      reached();
      await allowed;
    }
    return client.query(text, values);
  };
  return { query } as unknown as PoolClient;
}
