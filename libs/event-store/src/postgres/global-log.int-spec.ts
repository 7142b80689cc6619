import { describeGlobalLogExactness } from '../testing/global-log-exactness';
import { createTestDatabase } from '../testing/postgres-database';
import { PostgresEventStore } from './postgres-event-store';

const adminUrl = process.env.POSTGRES_URL;
// The full run: 100,000 events take 20-30 s here since an append is one statement (65-100 s before).
// TONGXIN_GLOBAL_LOG_EVENTS overrides it; the test name states the count.
const events = Number(process.env.TONGXIN_GLOBAL_LOG_EVENTS ?? 100_000);

if (!adminUrl) {
  console.warn('PostgreSQL global-log exactness test skipped: set POSTGRES_URL (CI: postgres://postgres@127.0.0.1:5432/postgres)');
  describe.skip('Global-log exactness under concurrency: postgres (POSTGRES_URL is not set)', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  describeGlobalLogExactness('postgres', async () => {
    const database = (await createTestDatabase('tongxin_gl_test'))!;
    return { store: await PostgresEventStore.open(database.url), cleanup: () => database.drop() };
  }, { events, timeoutMs: 180_000 });
}
