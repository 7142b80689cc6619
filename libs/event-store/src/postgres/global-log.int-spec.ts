import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { describeGlobalLogExactness } from '../testing/global-log-exactness';
import { PostgresEventStore } from './postgres-event-store';

const adminUrl = process.env.POSTGRES_URL;
// 100,000 events take 65-100 s here on PostgreSQL (2 cores, more when the machine is busy), so the default is
// 50,000 (about 30-50 s); set TONGXIN_GLOBAL_LOG_EVENTS=100000 for the full run. The test name states the count.
const events = Number(process.env.TONGXIN_GLOBAL_LOG_EVENTS ?? 50_000);

if (!adminUrl) {
  console.warn('PostgreSQL global-log exactness test skipped: set POSTGRES_URL (CI: postgres://postgres@127.0.0.1:5432/postgres)');
  describe.skip('Global-log exactness under concurrency: postgres (POSTGRES_URL is not set)', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  // A database of the test's own, created and dropped around it.
  const database = `tongxin_gl_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  describeGlobalLogExactness('postgres', async () => {
    await admin((client) => client.query(`CREATE DATABASE ${database}`));
    return {
      store: await PostgresEventStore.open(databaseUrl(adminUrl, database)),
      cleanup: () => admin(async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
        await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      }),
    };
  }, { events, timeoutMs: 180_000 });
}

function databaseUrl(serverUrl: string, name: string): string {
  const parsed = new URL(serverUrl);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
