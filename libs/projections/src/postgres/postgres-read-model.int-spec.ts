import { createTestDatabase, type TestDatabase } from '@tongxin/event-store/testing';
import type { RecordedEvent } from '@tongxin/event-store';
import { openReadModel, type LedgerReadModel } from '../read-model';
import { ProjectionRunner } from '../runner';
import { READ_MODEL_TABLES, READ_MODEL_VERSION } from '../schema';
import { ArrayEventStore } from '../testing/array-event-store';
import { ReferenceFold } from '../testing/reference-fold';
import { LedgerLog } from '../testing/ledger-log';
import { syntheticLog } from '../testing/synthetic-ledger';
import { BREAKDOWN_DIMENSIONS, type TotalsFilter } from '../types';
import { openPostgresReadModel, type PostgresReadModel } from './postgres-read-model';

const adminUrl = process.env.POSTGRES_URL;
const log = syntheticLog(15_000);
const expected = (() => {
  const fold = new ReferenceFold();
  for (const event of log) fold.apply(event.type, event.data);
  return fold.result();
})();
const quiet = { log: jest.fn(), error: jest.fn() };
const FACT_TABLES = ['activity_versions', 'hour_versions', 'donations', 'refunds', 'disbursements', 'org_units', 'campaigns', 'volunteers'];

if (!adminUrl) {
  console.warn('PostgresReadModel integration tests skipped: set POSTGRES_URL (CI: postgres://postgres@127.0.0.1:5432/postgres)');
  describe.skip('PostgresReadModel (POSTGRES_URL is not set)', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  describe('PostgresReadModel', () => {
    let database: TestDatabase;
    let schemas = 0;
    const opened: PostgresReadModel[] = [];
    const urlOf = (schema: string) => {
      const url = new URL(database.url);
      url.searchParams.set('schema', schema);
      return url.toString();
    };
    const open = async (url = urlOf(`rm_${++schemas}`)) => {
      const model = await openPostgresReadModel(url);
      opened.push(model);
      return model;
    };
    const counts = async (model: PostgresReadModel) => Object.fromEntries(await Promise.all(FACT_TABLES.map(async (table) =>
      [table, Number((await model.query(`SELECT count(*) AS n FROM ${table}`))[0].n)])));

    beforeAll(async () => {
      database = (await createTestDatabase('tongxin_pg_read_test'))!;
    });
    afterAll(async () => {
      for (const model of opened) await model.close();
      await database.drop();
    });

    describe('answers exactly as the SQLite read model over the synthetic ledger', () => {
      let sqlite: LedgerReadModel;
      let postgres: PostgresReadModel;
      beforeAll(async () => {
        sqlite = openReadModel(':memory:');
        postgres = await open();
        // Different batch sizes on each side: the answers may not depend on where batches split.
        for (let i = 0; i < log.length; i += 1000) sqlite.applyBatch(log.slice(i, i + 1000));
        await new ProjectionRunner(new ArrayEventStore(log), postgres, { batchSize: 1777, logger: quiet }).catchUp();
      });
      afterAll(() => sqlite.close());

      const filters: TotalsFilter[] = [
        {}, { orgUnitId: 'hh' }, { orgUnitId: 'hh-3' }, { orgUnitId: 'hh-3-7' }, { orgUnitId: 'hh-3-7-2' }, { orgUnitId: 'nowhere' },
        { campaignId: 'camp-city-1' }, { campaignId: 'camp-county-4', orgUnitId: 'hh-4' }, { from: '2023-01-05', to: '2023-01-09' },
        { category: 'lecture' }, { venueType: 'online', from: '2023-01-03' }, { category: 'sports', orgUnitId: 'hh-1' },
        { asOf: log[4000].recordedAt }, { asOf: log[9000].recordedAt, orgUnitId: 'hh-2', campaignId: 'camp-city-0' },
        { asOf: '2020-01-01T00:00:00Z' },
      ];
      it.each(filters)('totals %j', async (filter) => {
        expect(await postgres.totals(filter)).toEqual(sqlite.totals(filter));
      });
      it.each(BREAKDOWN_DIMENSIONS.flatMap((by) => filters.map((filter) => [by, filter] as const)))(
        'breakdown by %s with %j', async (by, filter) => {
          expect(await postgres.breakdown(by, filter)).toEqual(sqlite.breakdown(by, filter));
        },
      );
      it('the current totals equal a plain fold of the log', async () => {
        const { position, ...figures } = await postgres.totals();
        expect(position).toBe(log.length);
        expect(figures).toEqual(expected);
      });
      it('org units', async () => {
        for (const id of ['hh', 'hh-3', 'hh-3-7-2', 'missing']) expect(await postgres.orgUnit(id)).toEqual(sqlite.orgUnit(id));
      });
    });

    it('two models applying overlapping batches at once count every event exactly once', async () => {
      const url = urlOf('rm_concurrent');
      const [a, b] = await Promise.all([open(url), open(url)]);
      // 1. The same batches, at the same time, from two "processes".
      const batches = [log.slice(0, 2000), log.slice(0, 3500), log.slice(1000, 5000)];
      await Promise.all([...batches.map((batch) => a.applyBatch(batch)), ...batches.map((batch) => b.applyBatch(batch))]);
      expect(await a.checkpoint()).toBe(5000);
      // 2. Two runners with different batch sizes racing to the head of the log.
      const store = new ArrayEventStore(log);
      await Promise.all([
        new ProjectionRunner(store, a, { batchSize: 700, logger: quiet }).catchUp(),
        new ProjectionRunner(store, b, { batchSize: 1100, logger: quiet }).catchUp(),
      ]);
      const { position, ...figures } = await b.totals();
      expect(position).toBe(log.length);
      expect(figures).toEqual(expected);
      const single = await open();
      await single.applyBatch(log);
      expect(await counts(a)).toEqual(await counts(single));
      expect(await a.breakdown('orgUnit', { orgUnitId: 'hh' })).toEqual(await single.breakdown('orgUnit', { orgUnitId: 'hh' }));
    });

    it('two models taking turns: neither trusts what it remembers of rows the other one changed since', async () => {
      const url = urlOf('rm_turns');
      const [a, b] = await Promise.all([open(url), open(url)]);
      const ledger = new LedgerLog().orgUnit('R', 'root', 'city').campaign('K1', 'k1', 'R').campaign('K2', 'k2', 'R')
        .volunteer('v', 'R').activity('X', { orgUnitId: 'R', campaignId: 'K1', participants: 10 }).hours('v', 'e1', 60, '2024-03-01', 'X');
      const first = ledger.events.length;
      ledger.correct('X', { campaignId: 'K2', participants: 20 });
      const second = ledger.events.length;
      ledger.hours('v', 'e2', 30, '2024-03-02', 'X').verify('v', 'e1').correct('X', { beneficiaries: 5 });
      const log = ledger.events;
      // a remembers X (K1, 10) and e1 (K1); b moves X and e1 to K2; a's next batch must see b's rows, not its own.
      await a.applyBatch(log.slice(0, first));
      await b.applyBatch(log.slice(first, second));
      await a.applyBatch(log.slice(second));
      const single = await open();
      await single.applyBatch(log);
      for (const filter of [{}, { campaignId: 'K1' }, { campaignId: 'K2' }]) expect(await a.totals(filter)).toEqual(await single.totals(filter));
      expect(await a.totals({ campaignId: 'K2' })).toMatchObject({ participants: 20, beneficiaries: 5, volunteerMinutesLogged: 90, volunteerMinutesVerified: 60 });
      expect(await counts(a)).toEqual(await counts(single));
    });

    it('a batch failing mid-way leaves the rows and the checkpoint untouched', async () => {
      const model = await open();
      await model.applyBatch(log.slice(0, 3000));
      const before = { counts: await counts(model), totals: await model.totals(), asOf: await model.totals({ asOf: log[2000].recordedAt }) };
      // Everything up to the poisoned event is folded in memory and some statements have run before the failing one.
      const poison = log.findIndex((event, i) => i >= 4500 && event.type === 'DonationReceived');
      const batch = log.slice(3000, 6000).map((event) => (event.position === poison + 1
        ? { ...event, data: { ...event.data, amount: null } } as RecordedEvent : event));
      await expect(model.applyBatch(batch)).rejects.toThrow(/not-null/);
      expect(await model.checkpoint()).toBe(3000);
      expect({ counts: await counts(model), totals: await model.totals(), asOf: await model.totals({ asOf: log[2000].recordedAt }) })
        .toEqual(before);
      await model.applyBatch(log.slice(3000));
      const { position: _, ...figures } = await model.totals();
      expect(figures).toEqual(expected);
    });

    it('opens idempotently when several processes open the same schema at once', async () => {
      const url = urlOf('rm_opened_together');
      const models = await Promise.all(Array.from({ length: 5 }, () => open(url)));
      await models[0].applyBatch(log.slice(0, 100));
      const again = await open(url);
      expect(await again.checkpoint()).toBe(100);
      expect((await again.totals()).position).toBe(100);
    });

    it('drops and recreates the tables when they were written by another version', async () => {
      const url = urlOf('rm_versioned');
      const old = await open(url);
      await old.applyBatch(log.slice(0, 1000));
      await old.query("UPDATE read_model_meta SET value = $1 WHERE key = 'version'", [String(READ_MODEL_VERSION - 1)]);
      const reopened = await open(url);
      expect(await reopened.checkpoint()).toBe(0);
      expect(Object.values(await counts(reopened)).every((n) => n === 0)).toBe(true);
      expect(await reopened.query("SELECT value FROM read_model_meta WHERE key = 'version'")).toEqual([{ value: String(READ_MODEL_VERSION) }]);
    });

    it('keeps its tables in the schema the URL names, tongxin_read by default', async () => {
      const model = await open(database.url);
      expect(model.schema).toBe('tongxin_read');
      expect(await model.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'tongxin_read'")).toEqual([{ n: READ_MODEL_TABLES.length }]);
      await expect(openPostgresReadModel(urlOf('Robert"); DROP'))).rejects.toThrow(/schema/);
    });
  });
}
