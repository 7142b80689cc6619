import { createTestDatabase, type TestDatabase } from '@tongxin/event-store/testing';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { editReadModel, runCli, writeSyntheticLog } from './support/cli';

const EVENTS = 6_000;

/**
 * `tongxin verify` against a model a runner built (through `stats`, which catches up first): OK on a good
 * model; a row changed, removed or duplicated by hand is named, with live vs rebuilt.
 */
describe('tongxin verify', () => {
  jest.setTimeout(80_000);

  it('explains itself', async () => {
    const help = await runCli(['verify', '--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    for (const phrase of ['Usage: tongxin verify [options]', 'scratch', '--store <url>', '--read-model <location>', '--limit <n>', 'first differences']) {
      expect(text).toContain(phrase);
    }
  });

  describe.each([
    ['SQLite', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tongxin-verify-test-'));
      return { store: `sqlite:${join(dir, 'tongxin.db')}`, readModel: join(dir, 'tongxin-read.db'), cleanUp: async () => rmSync(dir, { recursive: true, force: true }) };
    }],
    ['PostgreSQL', async () => {
      const database: TestDatabase | undefined = await createTestDatabase('tongxin_cli_verify');
      if (!database) return undefined;
      return { store: database.url, readModel: `${database.url}?schema=tongxin_read`, cleanUp: () => database.drop() };
    }],
  ])('on %s', (engine, open) => {
    let ledger: { store: string; readModel: string; cleanUp: () => Promise<void> } | undefined;
    const verify = () => runCli(['verify', '--store', ledger!.store, '--read-model', ledger!.readModel]);

    beforeAll(async () => {
      ledger = await open();
      if (!ledger) return;
      await writeSyntheticLog(ledger.store, EVENTS, 1024);
      expect((await runCli(['stats', 'totals', '--store', ledger.store, '--read-model', ledger.readModel])).code).toBe(0);
    });
    afterAll(async () => ledger?.cleanUp());

    it('exits 0 with one OK line on a good model, then names each row changed by hand', async () => {
      if (!ledger) return console.warn(`skipped: ${engine} needs POSTGRES_URL`);
      const good = await verify();
      expect(good).toMatchObject({ code: 0, stderr: '' });
      expect(good.stdout).toMatch(new RegExp(`^OK: .* matches a replay of the log to position ${EVENTS} \\(\\d+ rows\\)\\n$`));

      // A figure changed, a fact removed and a fact counted twice: three kinds of damage, each named.
      expect(await editReadModel(ledger.readModel, "UPDATE activity_versions SET participants = participants + 7 WHERE activity_id = 'act-0'")).toBe(1);
      expect(await editReadModel(ledger.readModel, "DELETE FROM refunds WHERE refund_id = (SELECT MIN(refund_id) FROM refunds)")).toBe(1);
      expect(await editReadModel(ledger.readModel, "INSERT INTO donations SELECT * FROM donations WHERE donation_id = 'don-1'")).toBe(1);
      const bad = await verify();
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/^DIFFERENT: 5 rows differ from a replay to position \d+ \(activity_versions: 2, donations: 2, refunds: 1\)/);
      expect(bad.stdout).toMatch(/activity_versions \[activity_id=act-0 known_from_pos=\d+\]: participants live (\d+) vs rebuilt (\d+)/);
      const [, live, rebuilt] = /participants live (\d+) vs rebuilt (\d+)/.exec(bad.stdout)!.map(Number);
      expect(live - rebuilt).toBe(7);
      expect(bad.stdout).toMatch(/refunds \[refund_id=[^\]]+\]: missing from live, rebuilt has: \{/);
      expect(bad.stdout).toMatch(/donations \[donation_id=don-1\]: row_copies live "?2"? vs rebuilt "?1"?/);
    });

    it('leaves no scratch tables behind', async () => {
      if (!ledger) return;
      if (engine === 'SQLite') {
        const scratchFiles = () => readdirSync(tmpdir()).filter((name) => /^tongxin-verify-[A-Za-z0-9]{6}$/.test(name)).sort();
        const before = scratchFiles();
        expect((await verify()).code).toBe(1);
        expect(scratchFiles()).toEqual(before);
        return;
      }
      const client = new Client({ connectionString: ledger.store });
      await client.connect();
      try {
        const { rows } = await client.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tongxin_verify_%'");
        expect(rows).toEqual([]);
      } finally {
        await client.end();
      }
    });
  });
});
