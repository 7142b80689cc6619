import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEventStore, parseStoreUrl } from '../create-event-store';
import { NO_STREAM, StoreUnavailableError, UniqueKeyTakenError, WrongExpectedRevisionError } from '../event-store';
import { describeEventStoreContract } from '../testing';
import { SCHEMA_VERSION } from './sqlite-schema';
import { SqliteEventStore } from './sqlite-event-store';

function tempDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'tongxin-store-'));
}

for (const writer of ['worker', 'inline'] as const) {
  describeEventStoreContract(`sqlite (${writer} writer)`, async () => {
    const directory = tempDirectory();
    const file = join(directory, 'ledger.db');
    return {
      store: new SqliteEventStore(file, { writer }),
      reopen: async () => new SqliteEventStore(file, { writer }),
      cleanup: async () => rmSync(directory, { recursive: true, force: true }),
    };
  });
}

describe('SqliteEventStore specifics', () => {
  let directory: string;
  beforeEach(() => { directory = tempDirectory(); });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('runs in WAL mode with synchronous=FULL on its connection', async () => {
    const store = new SqliteEventStore(join(directory, 'ledger.db'));
    expect(store.pragma('journal_mode')).toBe('wal');
    expect(store.pragma('synchronous')).toBe(2);
    expect(store.pragma('busy_timeout')).toBeGreaterThan(0);
    await store.close();
  });

  it('migrates once: opening the same file twice keeps the schema and the data', async () => {
    const file = join(directory, 'ledger.db');
    const first = new SqliteEventStore(file);
    await first.appendToStream('s', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
    const second = new SqliteEventStore(file);
    expect(second.pragma('user_version')).toBe(SCHEMA_VERSION);
    expect(await second.readStream('s')).toHaveLength(1);
    await Promise.all([first.close(), second.close()]);
  });

  it('reads only the metadata keys asked for, and refuses a key that is not a plain name', async () => {
    const store = new SqliteEventStore(join(directory, 'ledger.db'));
    await store.appendToStream('s', [{ type: 'T', data: { n: 1 }, metadata: { actor: 'officer-7', schemaVersion: 1, commandId: 'c-1' } }],
      { expectedRevision: NO_STREAM });
    const [event] = await store.readAll({ limit: 10, metadataKeys: ['actor', 'schemaVersion'] });
    expect(event.metadata).toEqual({ actor: 'officer-7', schemaVersion: 1 });
    expect((await store.readAll({ limit: 10, metadataKeys: [] }))[0].metadata).toEqual({});
    await expect(store.readAll({ limit: 10, metadataKeys: ["actor') --"] })).rejects.toBeInstanceOf(TypeError);
    await expect(store.readAll({ limit: 10, metadataKeys: ['a.b'] })).rejects.toBeInstanceOf(TypeError);
    await store.close();
  });

  it('keeps events append-only even against direct SQL', async () => {
    const file = join(directory, 'ledger.db');
    const store = new SqliteEventStore(file);
    await store.appendToStream('s', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
    await store.close();
    const raw = new Database(file);
    expect(() => raw.prepare('DELETE FROM events').run()).toThrow(/append-only/);
    expect(() => raw.prepare("UPDATE events SET type = 'X'").run()).toThrow(/append-only/);
    raw.close();
  });

  it('keeps recordedAt monotone when the clock steps back', async () => {
    let clock = Date.parse('2024-06-01T10:00:00.000Z');
    const store = new SqliteEventStore(join(directory, 'ledger.db'), { now: () => new Date(clock) });
    await store.appendToStream('a', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
    clock -= 60_000;
    await store.appendToStream('b', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
    const [a, b] = await store.readAll({ limit: 10 });
    expect(b.recordedAt).toBe(a.recordedAt);
    expect(await store.positionAt('2024-06-01T10:00:00.000Z')).toBe(2);
    expect(await store.positionAt('2024-06-01T09:59:59.999Z')).toBe(0);
    await store.close();
  });

  it('rejects a payload that is not JSON-serialisable without failing its neighbours', async () => {
    const store = new SqliteEventStore(join(directory, 'ledger.db'));
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const settled = await Promise.allSettled([
      store.appendToStream('a', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM }),
      store.appendToStream('b', [{ type: 'T', data: circular, metadata: {} }], { expectedRevision: NO_STREAM }),
      store.appendToStream('c', [{ type: 'T', data: { amount: 10n } as never, metadata: {} }], { expectedRevision: NO_STREAM }),
    ]);
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(await store.headPosition()).toBe(1);
    await store.close();
  });

  it('fails only the culprit when a write throws inside a group (the group is retried one by one)', async () => {
    const file = join(directory, 'ledger.db');
    const store = new SqliteEventStore(file);
    const raw = new Database(file);
    raw.exec("CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.type = 'Poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;");
    const append = (stream: string, type: string) =>
      store.appendToStream(stream, [{ type, data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
    const settled = await Promise.allSettled([append('a', 'T'), append('b', 'Poison'), append('c', 'T')]);
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/poisoned/);
    expect((await store.readAll({ limit: 10 })).map((event) => event.streamId)).toEqual(['a', 'c']);
    raw.close();
    await store.close();
  });

  it('rejects the whole group with StoreUnavailableError while another connection holds the write lock', async () => {
    const file = join(directory, 'ledger.db');
    const store = new SqliteEventStore(file, { busyTimeoutMs: 50 });
    const raw = new Database(file);
    raw.exec('BEGIN IMMEDIATE');
    const append = (stream: string) =>
      store.appendToStream(stream, [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
    const settled = await Promise.allSettled([append('a'), append('b'), append('c')]);
    for (const outcome of settled) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    }
    raw.exec('ROLLBACK');
    raw.close();
    expect((await append('a')).position).toBe(1);
    await store.close();
  });

  it('commits inline by default, on a writer thread when asked; :memory: cannot use a thread', async () => {
    const inline = new SqliteEventStore(join(directory, 'inline.db'));
    expect(inline.writerMode).toBe('inline');
    expect(inline.writerThread).toBeUndefined();
    await inline.close();
    const store = new SqliteEventStore(join(directory, 'ledger.db'), { writer: 'worker' });
    expect(store.writerMode).toBe('worker');
    expect(store.writerThread).toBeDefined();
    await store.close();
    const memory = new SqliteEventStore(':memory:');
    expect(memory.writerMode).toBe('inline');
    await memory.close();
    expect(() => new SqliteEventStore(':memory:', { writer: 'worker' })).toThrow(TypeError);
  });

  it('rejects pending and later appends with StoreUnavailableError when the writer thread dies', async () => {
    const store = new SqliteEventStore(join(directory, 'ledger.db'), { writer: 'worker' });
    const append = (stream: string) =>
      store.appendToStream(stream, [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
    expect((await append('before')).position).toBe(1);
    const pending = [append('a'), append('b'), append('c')];
    await store.writerThread!.terminate();
    for (const outcome of await Promise.allSettled(pending)) {
      // Each either committed before the thread died or was refused; none hangs or claims success falsely.
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(StoreUnavailableError);
    }
    await expect(append('after')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.streamRevision('before')).toBe(0);
    await store.close();
  });

  it('rebuilds the store\'s error classes across the thread boundary', async () => {
    const store = new SqliteEventStore(join(directory, 'ledger.db'), { writer: 'worker' });
    await store.appendToStream('s', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM, uniqueKeys: ['k'] });
    const error = await store.appendToStream('s', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: 5 }).catch((caught) => caught);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ streamId: 's', expected: 5, actual: 0 });
    await expect(store.appendToStream('t', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM, uniqueKeys: ['k'] }))
      .rejects.toMatchObject({ constructor: UniqueKeyTakenError, key: 'k', streamId: 's' });
    await store.close();
  });

  it('answers StoreUnavailableError when closed or when the file cannot be opened', async () => {
    const store = new SqliteEventStore(join(directory, 'ledger.db'));
    await store.close();
    await expect(store.readAll({ limit: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.appendToStream('s', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM }))
      .rejects.toBeInstanceOf(StoreUnavailableError);
    expect(() => new SqliteEventStore(join(directory, 'missing', 'dir', 'ledger.db'))).toThrow(StoreUnavailableError);
  });
});

describe('createEventStore', () => {
  it('parses store URLs', () => {
    expect(parseStoreUrl('sqlite:/abs/path.db')).toEqual({ kind: 'sqlite', path: '/abs/path.db' });
    expect(parseStoreUrl('sqlite:///abs/path.db')).toEqual({ kind: 'sqlite', path: '/abs/path.db' });
    expect(parseStoreUrl('sqlite:./data/tongxin.db')).toEqual({ kind: 'sqlite', path: join(process.cwd(), 'data/tongxin.db') });
    expect(parseStoreUrl('postgresql://u@h/db')).toEqual({ kind: 'postgres', url: 'postgresql://u@h/db' });
    expect(parseStoreUrl('esdb://h:2113')).toEqual({ kind: 'kurrentdb', url: 'esdb://h:2113' });
    expect(parseStoreUrl('sqlite:/abs/path.db?writer=worker')).toEqual({ kind: 'sqlite', path: '/abs/path.db', writer: 'worker' });
    expect(() => parseStoreUrl('sqlite:/abs/path.db?writer=fast')).toThrow(/writer/);
    expect(() => parseStoreUrl('mysql://h/db')).toThrow(/unsupported/);
  });

  it('opens SQLite, creating the directory, and answers an unreachable KurrentDB with StoreUnavailableError', async () => {
    const directory = tempDirectory();
    const store = await createEventStore(`sqlite:${join(directory, 'nested', 'tongxin.db')}`);
    await store.appendToStream('s', [{ type: 'T', data: {}, metadata: {} }], { expectedRevision: NO_STREAM });
    expect(await store.headPosition()).toBe(1);
    await store.close();
    // Nothing listens on port 1 here: the adapter checks the server answers before it hands out a store.
    for (const url of ['kurrentdb://127.0.0.1:1?tls=false', 'esdb://127.0.0.1:1?tls=false']) {
      await expect(createEventStore(url, { dataDirectory: directory })).rejects.toBeInstanceOf(StoreUnavailableError);
    }
    rmSync(directory, { recursive: true, force: true });
  });
});
