import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectKilledRebuildToRecover, runCli, writeSyntheticLog } from './support/cli';

/** `tongxin rebuild` on the embedded ledger (SQLite store and read model); cli-rebuild-postgres does PostgreSQL. */
describe('tongxin rebuild (SQLite)', () => {
  jest.setTimeout(80_000);
  const EVENTS = 40_000;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongxin-rebuild-'));
    // Big enough that the replay takes a while, so the kill lands in the middle of it.
    await writeSyntheticLog(`sqlite:${join(dir, 'tongxin.db')}`, EVENTS, 1024);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('explains itself and refuses a projection it does not know', async () => {
    const help = await runCli(['rebuild', '--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.replace(/\s+/g, ' ');
    for (const phrase of ['Usage: tongxin rebuild [options] [projection...]', 'ledger-totals', '--store <url>', '--read-model <location>', '--no-progress', 'starts over from position 0']) {
      expect(text).toContain(phrase);
    }
    const refused = await runCli(['rebuild', 'ledger-totalz', '--store', `sqlite:${join(dir, 'tongxin.db')}`]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('unknown projection "ledger-totalz"; known: ledger-totals');
  });

  it('killed with SIGKILL half-way and run again, gives the read model an uninterrupted rebuild gives', async () => {
    // The default read model of a SQLite store: <data dir>/tongxin-read.db.
    await expectKilledRebuildToRecover(`sqlite:${join(dir, 'tongxin.db')}`, join(dir, 'tongxin-read.db'), join(dir, 'reference-read.db'), EVENTS);
  });
});
