import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_STREAM, StoreUnavailableError, type RecordedEvent } from '../event-store';
import { SqliteEventStore } from './sqlite-event-store';
import { decodePage, HEADER_FIELDS, readPagesOnThread } from './sqlite-pages';

async function collect(pages: AsyncIterable<RecordedEvent[]>): Promise<RecordedEvent[][]> {
  const out: RecordedEvent[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('SQLite readPages (a reader thread)', () => {
  let directory: string;
  let file: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'tongxin-pages-'));
    file = join(directory, 'ledger.db');
    store = new SqliteEventStore(file);
    // Events of ~2 KB each.
    const big = (n: number) => ({ type: 'ActivityRecorded', data: { n, title: '宣讲'.repeat(300) }, metadata: { actor: `a-${n}` } });
    await store.appendToStream('activity-1', Array.from({ length: 40 }, (_, n) => big(n)), { expectedRevision: NO_STREAM });
  });

  afterEach(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('makes pages of large events smaller, near the byte limit, holding the same events', async () => {
    const all = await store.readAll({ after: 0, limit: 100 });
    const pages = await collect(readPagesOnThread(file, { until: 40, batchSize: 20, metadataKeys: ['actor'] }, 8 * 1024));
    expect(pages.flat()).toEqual(await store.readAll({ after: 0, limit: 100, metadataKeys: ['actor'] }));
    expect(all).toHaveLength(40);
    // The first page takes batchSize events; then ~8 KB of ~2 KB events each.
    expect(pages[0]).toHaveLength(20);
    expect(Math.max(...pages.slice(1).map((page) => page.length))).toBeLessThanOrEqual(4);
  });

  it('reads with no metadata keys at all: every event with empty metadata', async () => {
    const pages = await collect(store.readPages({ until: 40, batchSize: 16, metadataKeys: [] }));
    expect(pages.flat()).toEqual(await store.readAll({ after: 0, limit: 100, metadataKeys: [] }));
    expect(pages.flat().every((event) => Object.keys(event.metadata).length === 0)).toBe(true);
  });

  it('stops its thread when the iteration ends early, and can read again', async () => {
    let seen = 0;
    for await (const page of store.readPages({ until: 40, batchSize: 5 })) {
      seen += page.length;
      break;
    }
    expect(seen).toBe(5);
    expect((await collect(store.readPages({ after: 35, until: 40, batchSize: 5 }))).flat().map((e) => e.position)).toEqual([36, 37, 38, 39, 40]);
  });

  it('answers StoreUnavailableError for a file that is not there, or a closed store; TypeError for a key that is not a plain name', async () => {
    await expect(collect(readPagesOnThread(join(directory, 'missing.db'), { until: 10, batchSize: 5 }))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(collect(store.readPages({ until: 10, batchSize: 5, metadataKeys: ["actor') --"] }))).rejects.toBeInstanceOf(TypeError);
    await store.close();
    await expect(collect(store.readPages({ until: 10, batchSize: 5 }))).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('decodePage', () => {
  const text = (parts: string[]) => Buffer.from(parts.join(''), 'utf8');
  const row = (position: number, streamId: string, type: string, data: string, at: string, actor: string | null) =>
    ({ header: [position, 0, Buffer.byteLength(streamId), Buffer.byteLength(type), Buffer.byteLength(data), Buffer.byteLength(at), actor === null ? -1 : Buffer.byteLength(actor)],
      body: [streamId, type, data, at, actor ?? ''] });

  it('given rows out of position order, when decoded, then the events come in position order', () => {
    const rows = [row(7, 's-2', 'Tick', '{"n":2}', '2026-01-01T00:00:00.002Z', '"b"'), row(5, 's-1', 'Tick', '{"n":1}', '2026-01-01T00:00:00.001Z', null)];
    const events = decodePage(Float64Array.from(rows.flatMap((r) => r.header)), text(rows.flatMap((r) => r.body)), ['actor']);
    expect(events.map((e) => [e.position, e.streamId, e.data, e.metadata])).toEqual([[5, 's-1', { n: 1 }, {}], [7, 's-2', { n: 2 }, { actor: 'b' }]]);
    expect(HEADER_FIELDS).toBe(6);
  });

  it('given a body longer than its header describes, when decoded, then it throws instead of guessing', () => {
    const r = row(1, 's', 'Tick', '{}', '2026-01-01T00:00:00.000Z', null);
    expect(() => decodePage(Float64Array.from(r.header), text([...r.body, 'extra']), ['actor'])).toThrow(/does not match its header/);
  });
});
