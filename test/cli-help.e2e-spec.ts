import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runCli } from './support/cli';

/** Every command explains itself; `npx tongxin` resolves to this repository's own bin (package.json). */
describe('tongxin --help', () => {
  jest.setTimeout(60_000);

  it('runs as `npx tongxin --help` from the repository root, listing every command', async () => {
    const run = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn('npx', ['--offline', 'tongxin', '--help'], {
        cwd: join(__dirname, '..'), env: { ...process.env, TONGXIN_CLI_FROM_SOURCE: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout }));
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: tongxin \[options\] \[command\]/);
    for (const command of ['serve', 'export', 'import-events']) expect(run.stdout).toContain(`  ${command} [options]`);
  });

  it.each([
    ['serve', ['--store <url>', '--port <port>', '--host <host>', 'what `npm start` runs']],
    ['export', ['--format <format>', '"cloudevents"', '--after <position>', '--until <instant>', '--out <file>', '--store <url>', '--no-progress']],
    ['import-events', ['<file>', '--store <url>', 'EMPTY store', 'keeps the recordedAt', 'npx tongxin import-events ledger.ndjson --store postgres://']],
  ])('explains `%s`', async (command, expected) => {
    const run = await runCli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: tongxin ${command} `));
    // Help wraps at the terminal's width: compare with whitespace runs collapsed.
    const text = run.stdout.replace(/\s+/g, ' ');
    for (const phrase of expected) expect(text).toContain(phrase);
    expect(text).toContain('default: $TONGXIN_STORE, else sqlite:./data/tongxin.db');
  });
});
