import { createTestDatabase, type TestDatabase } from '@tongxin/event-store/testing';
import { expectKilledRebuildToRecover, writeSyntheticLog } from './support/cli';

/** `tongxin rebuild` with the store and read model in PostgreSQL (the read model in the store's database, by default). */
(process.env.POSTGRES_URL ? describe : describe.skip)('tongxin rebuild (PostgreSQL; needs POSTGRES_URL)', () => {
  jest.setTimeout(80_000);
  const EVENTS = 25_000;
  let database: TestDatabase;
  const schema = (name: string) => {
    const url = new URL(database.url);
    url.searchParams.set('schema', name);
    return url.toString();
  };

  beforeAll(async () => {
    database = (await createTestDatabase('tongxin_cli_rebuild'))!;
    await writeSyntheticLog(database.url, EVENTS, 1024);
  });
  afterAll(async () => database?.drop());

  it('killed with SIGKILL half-way and run again, gives the read model an uninterrupted rebuild gives', async () => {
    await expectKilledRebuildToRecover(database.url, schema('tongxin_read'), schema('reference_read'), EVENTS);
  });
});
