import { NO_STREAM } from '@tongxin/event-store';
import { createTestDatabase } from '@tongxin/event-store/testing';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportEvents } from '../apps/cli/src/export-events';
import { runCli, withStore } from './support/cli';

/** An import either loads the whole file into an empty store or appends nothing and says why. */
describe('tongxin import-events refuses bad input and appends nothing', () => {
  jest.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-cli-refusals-'));
  const sourceUrl = `sqlite:${join(dir, 'source.db')}`;
  const good = join(dir, 'good.ndjson');
  const goodCloudEvents = join(dir, 'good.cloudevents.jsonl');
  let targets = 0;

  const emptyTarget = () => `sqlite:${join(dir, `target-${++targets}.db`)}`;
  const head = (url: string) => withStore(url, (store) => store.headPosition());
  const metadata = { actor: 'test', commandId: 'c', correlationId: 'c', orgUnitId: 'huaihua', schemaVersion: 1 };

  beforeAll(async () => {
    await withStore(sourceUrl, async (store) => {
      for (const id of ['a', 'b', 'c']) {
        await store.appendToStream(`activity-${id}`, [{ type: 'ActivityRecorded', data: { activityId: id }, metadata }], { expectedRevision: NO_STREAM });
      }
      await store.appendToStream('activity-a', [{ type: 'ActivityVoided', data: { activityId: 'a', reason: '重复' }, metadata }], { expectedRevision: 0 });
      for (const [file, format] of [[good, 'ndjson'], [goodCloudEvents, 'cloudevents']] as const) {
        const out = createWriteStream(file);
        await exportEvents(store, out, { format });
        out.end();
        await finished(out);
      }
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function expectRefused(file: string, target: string, message: RegExp, headBefore = 0): Promise<void> {
    const run = await runCli(['import-events', file, '--store', target]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // one clear line, not a stack trace
    expect(await head(target)).toBe(headBefore);
  }

  it('refuses a malformed line, after valid ones, naming it', async () => {
    const lines = readFileSync(good, 'utf8').split('\n');
    const file = join(dir, 'truncated.ndjson');
    writeFileSync(file, [lines[0], lines[1], lines[2].slice(0, 40)].join('\n'));
    await expectRefused(file, emptyTarget(), /^tongxin: line 3: not JSON/);
  });

  it('refuses an event missing what the store needs', async () => {
    const event = JSON.parse(readFileSync(good, 'utf8').split('\n')[0]);
    const file = join(dir, 'no-stream.ndjson');
    writeFileSync(file, JSON.stringify({ ...event, streamId: '' }) + '\n');
    await expectRefused(file, emptyTarget(), /line 1: streamId \(subject\) must be a non-empty string/);
    const ce = JSON.parse(readFileSync(goodCloudEvents, 'utf8').split('\n')[0]);
    writeFileSync(file, JSON.stringify({ ...ce, type: 'ActivityRecorded' }) + '\n');
    await expectRefused(file, emptyTarget(), /line 1: type "ActivityRecorded" is not cn\.tongxin\.ledger\.<EventType>\.v<N>/);
  });

  it('refuses a partial export (--after): the streams would not start at revision 0', async () => {
    const file = join(dir, 'tail.ndjson');
    writeFileSync(file, readFileSync(good, 'utf8').split('\n').slice(3).join('\n'));
    await expectRefused(file, emptyTarget(), /line 1: stream activity-a at revision 1, expected 0 \(an import needs the whole log/);
  });

  it('refuses a file that mixes the two formats', async () => {
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(file, [readFileSync(good, 'utf8').split('\n')[0], readFileSync(goodCloudEvents, 'utf8').split('\n')[1]].join('\n'));
    await expectRefused(file, emptyTarget(), /line 2: a cloudevents line in a ndjson export/);
  });

  it('refuses recordedAt that goes back, or lies after the clock: the target keeps each event\'s instant', async () => {
    const lines = readFileSync(good, 'utf8').split('\n').filter((line) => line !== '');
    const file = join(dir, 'time-travel.ndjson');
    const second = JSON.parse(lines[1]);
    writeFileSync(file, [lines[0], JSON.stringify({ ...second, recordedAt: '2020-01-01T00:00:00.000Z' }), ...lines.slice(2)].join('\n'));
    await expectRefused(file, emptyTarget(), /line 2: recorded at 2020-01-01T00:00:00\.000Z, before the previous event \(/);
    const last = JSON.parse(lines[3]);
    writeFileSync(file, [...lines.slice(0, 3), JSON.stringify({ ...last, recordedAt: '2999-01-01T00:00:00.000Z' })].join('\n'));
    await expectRefused(file, emptyTarget(), /line 4: recorded at 2999-01-01T00:00:00\.000Z, later than this machine's clock/);
  });

  it('refuses a target that already holds events, on SQLite and on PostgreSQL', async () => {
    await expectRefused(good, sourceUrl, /the target store is not empty \(its log reaches position 4\)/, 4);
    const database = await createTestDatabase('tongxin_cli_refuse');
    if (!database) return; // PostgreSQL half runs with POSTGRES_URL
    try {
      await withStore(database.url, (store) => store.appendToStream('activity-x', [{ type: 'ActivityRecorded', data: {}, metadata }], { expectedRevision: NO_STREAM }));
      await expectRefused(goodCloudEvents, database.url, /the target store is not empty \(its log reaches position 1\)/, 1);
    } finally {
      await database.drop();
    }
  });

  it('refuses a missing file and bad options with a usage message', async () => {
    await expectRefused(join(dir, 'nope.ndjson'), emptyTarget(), /ENOENT/);
    const format = await runCli(['export', '--format', 'xml', '--store', sourceUrl]);
    expect(format.code).not.toBe(0);
    expect(format.stderr).toContain("option '--format <format>' argument 'xml' is invalid. Allowed choices are ndjson, cloudevents.");
    const until = await runCli(['export', '--until', 'yesterday', '--store', sourceUrl]);
    expect(until.code).not.toBe(0);
    expect(until.stderr).toContain('must be an ISO 8601 instant');
  });

  it('loads the same files into an empty store', async () => {
    for (const file of [good, goodCloudEvents]) {
      const target = emptyTarget();
      const run = await runCli(['import-events', file, '--store', target]);
      expect(run).toMatchObject({ code: 0, stdout: '' });
      expect(run.stderr).toContain('imported 4 events in 3 streams');
      expect(await head(target)).toBe(4);
      const recordedAt = async (url: string) => withStore(url, async (store) => (await store.readAll({ limit: 10 })).map((event) => [event.recordedAt, event.metadata]));
      expect(await recordedAt(target)).toEqual(await recordedAt(sourceUrl));
    }
  });
});
