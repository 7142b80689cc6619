import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createEventStore } from '../create-event-store';
import { ANY, NO_STREAM, RecordedAtRefusedError, StoreUnavailableError, WrongExpectedRevisionError, type EventStore } from '../event-store';
import { createTestDatabase, describeEventStoreContract, type TestDatabase } from '../testing';
import { appendStatement } from './postgres-append';
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
        const base = await committedHead(url, store);
        // 1. A real append, its statement run inside a transaction held open on a connection of its own: the
        //    same function, locks and INSERT as an autocommit append, stopped just before its COMMIT.
        const connection = new Client({ connectionString: url });
        await connection.connect();
        let open = false;
        try {
          await connection.query('BEGIN');
          open = true;
          const slowResult = await appendStatement(connection, {
            streamId: `slow-${suffix}`, events: [{ type: 'Slow', data: '{}', metadata: '{}' }], expectedRevision: NO_STREAM, uniqueKeys: [], conditions: [],
          });
          // 2. Another writer appends and commits: a higher position, committed first.
          const fast = await store.appendToStream(`fast-${suffix}`, [{ type: 'Fast', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
          expect(fast.position).toBeGreaterThan(base + 1);
          // 3. Readers of the global log must not pass the open transaction's position, however long they wait.
          expect(await store.readAll({ after: base, limit: 100 })).toEqual([]);
          expect(await store.headPosition()).toBe(base);
          const streamed = [];
          for await (const event of store.streamAll({ after: base })) streamed.push(event);
          expect(streamed).toEqual([]);
          // A stream's own events are appended under its lock, so reading a stream need not wait.
          expect(await store.readStream(`fast-${suffix}`)).toHaveLength(1);

          // 4. Once the earlier append commits, both appear, in position order, with no gap.
          await connection.query('COMMIT');
          open = false;
          expect(slowResult.position).toBeLessThan(fast.position);
          await visibleHead(store, base + 2);
          const all = await store.readAll({ after: base, limit: 100 });
          expect(all.map((event) => [event.position, event.type])).toEqual([[base + 1, 'Slow'], [base + 2, 'Fast']]);
          expect(slowResult.position).toBe(base + 1);
          expect(await store.headPosition()).toBe(base + 2);
        } finally {
          if (open) await connection.query('ROLLBACK').catch(() => undefined);
          await connection.end();
        }
        // Each read in step 3 first waits (2 s at most) for the horizon to pass what has committed, then answers what is safe.
      }, 30_000);

      it('checks an imported recordedAt against an earlier append that has its position but has not committed yet', async () => {
        const suffix = randomBytes(4).toString('hex');
        await new Promise((resolve) => setTimeout(resolve, 20)); // the last committed event is now well in the past
        const connection = new Client({ connectionString: url });
        await connection.connect();
        let open = false;
        try {
          // 1. An append holding its position and recorded_at, uncommitted (invisible to the import's reads).
          await connection.query('BEGIN');
          open = true;
          const slow = await appendStatement(connection, {
            streamId: `slow-${suffix}`, events: [{ type: 'Slow', data: '{}', metadata: '{}' }], expectedRevision: NO_STREAM, uniqueKeys: [], conditions: [],
          });
          const { rows: [{ recorded_at: slowAt }] } = await connection.query<{ recorded_at: Date }>(
            'SELECT recorded_at FROM events WHERE position = $1', [slow.position]);
          // 2. An import just before it: it must wait for that commit rather than slip in after it, going back in time.
          const instant = new Date(slowAt.getTime() - 1).toISOString();
          let settled = false;
          const importing = store.appendToStream(`import-${suffix}`, [{ type: 'Imported', data: {}, metadata: {} }], {
            expectedRevision: NO_STREAM, recordedAt: instant,
          }).finally(() => { settled = true; });
          importing.catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(settled).toBe(false);
          // 3. Once it commits, the import sees it and is refused, appending nothing.
          await connection.query('COMMIT');
          open = false;
          const error = await importing.then(() => undefined, (caught: unknown) => caught);
          expect(error).toBeInstanceOf(RecordedAtRefusedError);
          expect(error).toMatchObject({ reason: 'before-last-event', bound: slowAt.toISOString() });
          expect(await store.streamRevision(`import-${suffix}`)).toBe(-1);
        } finally {
          if (open) await connection.query('ROLLBACK').catch(() => undefined);
          await connection.end();
        }
      }, 30_000);

      it('lets a reader read an acknowledged append while a short transaction in another database holds the horizon', async () => {
        // The horizon is server-wide: a write in any database holds back events committed after it began.
        const elsewhere = new Client({ connectionString: adminUrl });
        await elsewhere.connect();
        try {
          const base = await store.headPosition();
          await elsewhere.query('BEGIN');
          await elsewhere.query('SELECT pg_current_xact_id()'); // takes an xid, as any write would
          const release = new Promise((resolve) => setTimeout(resolve, 300)).then(() => elsewhere.query('COMMIT'));
          const result = await store.appendToStream(`horizon-${randomBytes(4).toString('hex')}`, [{ type: 'Held', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
          // Asked while the other transaction is still open: the read waits for it rather than answer without the append.
          const read = await store.readAll({ after: base, limit: 10 });
          expect(read.map((event) => event.position)).toEqual([result.position]);
          await release;
          expect(await store.headPosition()).toBe(result.position);
        } finally {
          await elsewhere.end();
        }
      });

      it('gives concurrent appends xids, positions and recorded_at in one order', async () => {
        // What readers rely on (see PostgresReader): across all appenders, ordering by position orders
        // transaction ids and recordedAt too. 32 callers, single and multi-event appends, racing.
        const suffix = randomBytes(4).toString('hex');
        const wide = await PostgresEventStore.open(url, { maxConnections: 32 });
        try {
          await Promise.all(Array.from({ length: 32 }, async (_, caller) => {
            for (let index = 0; index < 20; index++) {
              await wide.appendToStream(`order-${suffix}-${caller}`, Array.from({ length: 1 + (index % 3) }, () => ({ type: 'T', data: {}, metadata: {} })), {
                expectedRevision: index === 0 ? NO_STREAM : ANY,
              });
            }
          }));
        } finally {
          await wide.close();
        }
        const client = new Client({ connectionString: url });
        await client.connect();
        try {
          const { rows } = await client.query<{ out_of_order: string; n: string }>(
            `SELECT count(*) FILTER (WHERE transaction_id < previous_xid OR recorded_at < previous_at) AS out_of_order, count(*) AS n
               FROM (SELECT transaction_id, recorded_at,
                            lag(transaction_id) OVER (ORDER BY position) AS previous_xid,
                            lag(recorded_at) OVER (ORDER BY position) AS previous_at
                       FROM events WHERE stream_id LIKE $1) ordered`,
            [`order-${suffix}-%`],
          );
          expect(Number(rows[0].n)).toBe(32 * (7 * 1 + 7 * 2 + 6 * 3));
          expect(Number(rows[0].out_of_order)).toBe(0);
        } finally {
          await client.end();
        }
      });

      it('releases the position lock when the INSERT fails, so the next append does not wait', async () => {
        const suffix = randomBytes(4).toString('hex');
        const client = new Client({ connectionString: url });
        await client.connect();
        try {
          // A stream row behind its events (never the case in use) makes the INSERT hit UNIQUE (stream_id, revision)
          // after every check has passed, i.e. inside the position lock.
          await client.query(`INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at) VALUES ($1, 0, 'T', '{}', '{}', now())`, [`broken-${suffix}`]);
          const failed = appendStatement(client, {
            streamId: `broken-${suffix}`, events: [{ type: 'T', data: '{}', metadata: '{}' }], expectedRevision: NO_STREAM, uniqueKeys: [], conditions: [],
          });
          await expect(failed).rejects.toMatchObject({ code: '23505' });
          const { rows } = await client.query<{ held: string }>(
            `SELECT count(*) AS held FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`,
          );
          expect(Number(rows[0].held)).toBe(0);
          // And another connection appends at once (the failed one is still open, so a leaked lock would block this).
          await client.query(`SET statement_timeout = '5s'`);
          await expect(store.appendToStream(`after-${suffix}`, [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM }))
            .resolves.toMatchObject({ revision: 0 });
        } finally {
          await client.end();
        }
      });

      it('leaves no lock behind when an append is cancelled while it waits for the position lock', async () => {
        const suffix = randomBytes(4).toString('hex');
        const holder = new Client({ connectionString: url });
        const waiter = new Client({ connectionString: url });
        await holder.connect();
        await waiter.connect();
        try {
          await holder.query('SELECT pg_advisory_lock(1, 0)');
          const { rows: [{ pid }] } = await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          const request = { streamId: `cancelled-${suffix}`, events: [{ type: 'T', data: '{}', metadata: '{}' }], expectedRevision: NO_STREAM, uniqueKeys: [], conditions: [] };
          const waiting = appendStatement(waiter, request);
          // Cancel once the waiter is queued on the position lock, i.e. after every check passed.
          for (let queued = false; !queued;) {
            const { rows } = await holder.query(`SELECT 1 FROM pg_locks WHERE pid = $1 AND locktype = 'advisory' AND classid = 1 AND NOT granted`, [pid]);
            queued = rows.length > 0;
          }
          await holder.query('SELECT pg_cancel_backend($1)', [pid]);
          await expect(waiting).rejects.toMatchObject({ code: '57014' });
          await holder.query('SELECT pg_advisory_unlock(1, 0)');
          const { rows } = await waiter.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`);
          expect(rows).toEqual([]);
          await expect(appendStatement(waiter, request)).resolves.toMatchObject({ revision: 0 });
        } finally {
          await holder.end();
          await waiter.end();
        }
      });

      it('answers the lost race on a broken stream row as a wrong expected revision', async () => {
        const suffix = randomBytes(4).toString('hex');
        const client = new Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`INSERT INTO events (stream_id, revision, type, data, metadata, recorded_at) VALUES ($1, 0, 'T', '{}', '{}', now())`, [`raced-${suffix}`]);
        } finally {
          await client.end();
        }
        await expect(store.appendToStream(`raced-${suffix}`, [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM }))
          .rejects.toBeInstanceOf(WrongExpectedRevisionError);
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
        expect(await visibleHead(again, 1)).toBe(1);
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



/**
 * The visible head once it reaches `atLeast`. Visibility follows the server-wide oldest open transaction, so
 * transactions of other databases on the same server (other suites, other processes) can hold it back briefly.
 */
async function visibleHead(store: EventStore, atLeast: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  let head = await store.headPosition();
  while (head < atLeast && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    head = await store.headPosition();
  }
  return head;
}

/** The last committed position, once readers of the global log see it (nothing of this file's is in flight). */
async function committedHead(url: string, store: EventStore): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ head: string }>('SELECT coalesce(max(position), 0) AS head FROM events');
    return await visibleHead(store, Number(rows[0].head));
  } finally {
    await client.end();
  }
}
