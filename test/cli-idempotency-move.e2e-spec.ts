import { CloudEvent } from 'cloudevents';
import { NO_STREAM, type IdempotencyRecord, type NewEvent } from '@tongxin/event-store';
import { createTestDatabase } from '@tongxin/event-store/testing';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { exportEvents } from '../apps/cli/src/export-events';
import { parseExportLine, type ExportFormat } from '../apps/cli/src/exported-event';
import { importEvents } from '../apps/cli/src/import-events';
import { runCli, withStore } from './support/cli';

/** Idempotency records travel with their appends through export and import-events, and a file that misplaces one is refused. */
describe('tongxin export / import-events carry idempotency records', () => {
  jest.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'tongxin-cli-idempotency-'));
  const sourceUrl = `sqlite:${join(dir, 'source.db')}`;
  const files: Record<ExportFormat, string> = { ndjson: join(dir, 'ledger.ndjson'), cloudevents: join(dir, 'ledger.cloudevents.jsonl') };
  const keys = ['retry-a', 'retry-b', 'retry-a2'];
  let sourceRecords: IdempotencyRecord[];
  let targets = 0;

  const emptyTarget = () => `sqlite:${join(dir, `target-${++targets}.db`)}`;
  const head = (url: string) => withStore(url, (store) => store.headPosition());
  const recordsOf = (url: string) => withStore(url, async (store) => {
    const records: IdempotencyRecord[] = [];
    for await (const record of store.idempotencyRecords!()) records.push(record);
    return records;
  });
  const metadata = { actor: 'test', commandId: 'c', correlationId: 'c', orgUnitId: 'huaihua', schemaVersion: 1 };
  const recorded = (id: string, n = 1): NewEvent[] => Array.from({ length: n }, (_, i) => ({ type: 'ActivityRecorded', data: { activityId: id, i }, metadata }));
  const idempotency = (key: string) => ({ key, fingerprint: `sha256:${key}`, response: { status: 201, id: key } });
  const lines = (format: ExportFormat) => readFileSync(files[format], 'utf8').split('\n').filter((line) => line !== '');

  async function exportTo(file: string, format: ExportFormat, window: { after?: number; until?: string } = {}) {
    return withStore(sourceUrl, async (store) => {
      const out = createWriteStream(file);
      const summary = await exportEvents(store, out, { format, ...window });
      out.end();
      await finished(out);
      return summary;
    });
  }

  beforeAll(async () => {
    await withStore(sourceUrl, async (store) => {
      await store.appendToStream('activity-a', recorded('a'), { expectedRevision: NO_STREAM, idempotency: idempotency('retry-a') });
      await store.appendToStream('activity-b', recorded('b', 2), { expectedRevision: NO_STREAM, idempotency: idempotency('retry-b') });
      await store.appendToStream('activity-a', recorded('a'), { expectedRevision: 0 });
      // A later instant, so an --until export can end between the two last records.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await store.appendToStream('activity-a', recorded('a', 2), { expectedRevision: 1, idempotency: idempotency('retry-a2') });
      await store.appendToStream('activity-c', recorded('c'), { expectedRevision: NO_STREAM });
    });
    sourceRecords = await recordsOf(sourceUrl);
    expect(sourceRecords.map((record) => record.key)).toEqual(keys);
    for (const format of ['ndjson', 'cloudevents'] as const) expect(await exportTo(files[format], format)).toMatchObject({ events: 7, idempotencyRecords: 3 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('puts each record on the line of its append\'s last event, in both formats, and the CloudEvents still validate', async () => {
    const ndjson = lines('ndjson').map((line) => JSON.parse(line));
    expect(ndjson.map((line) => line.idempotency?.key)).toEqual(['retry-a', undefined, 'retry-b', undefined, undefined, 'retry-a2', undefined]);
    for (const [index, record] of [[0, sourceRecords[0]], [2, sourceRecords[1]], [5, sourceRecords[2]]] as const) {
      expect(ndjson[index].idempotency).toEqual(record);
      expect(parseExportLine(lines('cloudevents')[index], index + 1).idempotency).toEqual(record);
    }
    for (const line of lines('cloudevents')) expect(new CloudEvent(JSON.parse(line), true).validate()).toBe(true);
    expect(typeof JSON.parse(lines('cloudevents')[2]).tongxinidempotency).toBe('string');
  });

  it('carries only the records of the appends an --after / --until export includes', async () => {
    const file = join(dir, 'window.ndjson');
    const [, b, a2] = sourceRecords;
    expect(await exportTo(file, 'ndjson', { after: 1 })).toMatchObject({ events: 6, idempotencyRecords: 2 });
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line).idempotency?.key).filter(Boolean)).toEqual(['retry-b', 'retry-a2']);
    const until = await withStore(sourceUrl, async (store) => (await store.readAll({ after: a2.result.firstPosition - 2, limit: 1 }))[0].recordedAt);
    expect(await exportTo(file, 'ndjson', { until })).toMatchObject({ lastPosition: a2.result.firstPosition - 1, idempotencyRecords: 2 });
    expect(b.result.position).toBeLessThan(a2.result.firstPosition);
  });

  it('imports each file so the target holds the same records and replays a retry, appending nothing', async () => {
    for (const format of ['ndjson', 'cloudevents'] as const) {
      const target = emptyTarget();
      const run = await runCli(['import-events', files[format], '--store', target]);
      expect(run).toMatchObject({ code: 0, stdout: '' });
      expect(run.stderr).toContain('imported 7 events in 3 streams with 3 idempotency records');
      expect(await recordsOf(target)).toEqual(sourceRecords);
      await withStore(target, async (store) => {
        const retry = await store.appendToStream('activity-b', recorded('b', 2), { expectedRevision: NO_STREAM, idempotency: idempotency('retry-b') });
        expect(retry).toMatchObject({ replayed: true, position: sourceRecords[1].result.position, response: { status: 201, id: 'retry-b' } });
        expect(await store.headPosition()).toBe(7);
      });
    }
  });

  it('keeps a recorded append whole whatever the batch size, into SQLite and PostgreSQL', async () => {
    const database = await createTestDatabase('tongxin_cli_idempotency');
    try {
      for (const target of [emptyTarget(), ...(database ? [database.url] : [])]) {
        await withStore(target, (store) => importEvents(store, files.ndjson, { batchSize: 1 }));
        expect(await recordsOf(target)).toEqual(sourceRecords);
      }
    } finally {
      await database?.drop();
    }
  });

  describe('refuses a file whose records do not line up with its events, appending nothing', () => {
    async function expectRefused(edit: (lines: any[]) => void, message: RegExp): Promise<void> {
      const edited = lines('ndjson').map((line) => JSON.parse(line));
      edit(edited);
      const file = join(dir, `tampered-${targets}.ndjson`);
      writeFileSync(file, edited.map((line) => JSON.stringify(line)).join('\n'));
      const target = emptyTarget();
      const run = await runCli(['import-events', file, '--store', target]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(await head(target)).toBe(0);
    }

    it('a record whose position is not its line\'s', async () => {
      await expectRefused((edited) => { edited[2].idempotency.result.position += 1; },
        /^tongxin: line 3: idempotency record: its append ends at position 4, stream activity-b, revision 1, but it is on the line of position 3/);
    });

    it('a record moved to another line of its append', async () => {
      await expectRefused((edited) => { edited[1].idempotency = edited[2].idempotency; delete edited[2].idempotency; },
        /line 2: idempotency record: its append ends at position 3/);
    });

    it('a record whose append would begin in another stream', async () => {
      await expectRefused((edited) => { edited[5].idempotency.result.firstPosition = 3; },
        /line 6: idempotency record retry-a2: its append begins at position 3, which is not an earlier line of stream activity-a/);
    });

    it('a key carried twice', async () => {
      await expectRefused((edited) => {
        const line = edited[6];
        edited[6].idempotency = { ...edited[0].idempotency, result: { streamId: line.streamId, revision: line.revision, position: line.position, firstPosition: line.position } };
      }, /line 7: idempotency key retry-a is carried twice/);
    });

    it('a malformed record', async () => {
      await expectRefused((edited) => { edited[0].idempotency.response = 'ok'; }, /line 1: idempotency record: response must be a JSON object/);
    });
  });
});
