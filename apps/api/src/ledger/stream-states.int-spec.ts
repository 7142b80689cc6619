import { NO_STREAM, SqliteEventStore } from '@tongxin/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamStates, type Folder } from './stream-states';

/** A toy fold: the sum of `n` over the stream's events. */
const sum: Folder<number> = { initialState: () => 0, evolve: (s, e) => s + Number((e.data as unknown as { n: number }).n) };
const event = (n: number) => ({ type: 'Added', data: { n }, metadata: {} });

describe('StreamStates on a real SQLite store', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tongxin-states-'));
    store = new SqliteEventStore(join(dir, 'ledger.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a cached state, when another writer appends, then the next read folds only the new tail', async () => {
    const states = new StreamStates(store);
    await store.appendToStream('s', [event(1), event(2)], { expectedRevision: NO_STREAM });
    expect(await states.current('s', sum)).toEqual({ state: 3, revision: 1, position: 2 });
    const readStream = jest.spyOn(store, 'readStream');
    await store.appendToStream('s', [event(10)], { expectedRevision: 1 });
    expect(await states.current('s', sum)).toEqual({ state: 13, revision: 2, position: 3 });
    expect(readStream).toHaveBeenLastCalledWith('s', { fromRevision: 2 });
  });

  it('given an append it made itself, then the cache holds the new state without reading it back', async () => {
    const states = new StreamStates(store);
    const before = await states.current('t', sum);
    expect(before).toEqual({ state: 0, revision: -1, position: 0 });
    const result = await store.appendToStream('t', [event(5)], { expectedRevision: NO_STREAM });
    states.appended('t', sum, before, [event(5) as never], result.revision, result.position);
    expect(await states.current('t', sum)).toEqual({ state: 5, revision: 0, position: result.position });
  });

  it('given more streams than it may hold, then it forgets the oldest and still answers right', async () => {
    const states = new StreamStates(store, 2);
    for (const id of ['a', 'b', 'c']) await store.appendToStream(id, [event(1)], { expectedRevision: NO_STREAM });
    for (const id of ['a', 'b', 'c', 'a']) expect((await states.current(id, sum)).state).toBe(1);
  });

  it('given a burst of first reads of one stream, then the stream is read whole once and the others read its tail', async () => {
    const states = new StreamStates(store);
    await store.appendToStream('long', Array.from({ length: 5_000 }, () => event(1)), { expectedRevision: NO_STREAM });
    const readStream = jest.spyOn(store, 'readStream');
    const answers = await Promise.all(Array.from({ length: 8 }, () => states.current('long', sum)));
    expect(answers.map((answer) => answer.state)).toEqual(Array(8).fill(5_000));
    expect(readStream.mock.calls.filter(([, options]) => options?.fromRevision === 0)).toHaveLength(1);
  });

  it('given an append of several events it made itself, then the next read folds them from the store', async () => {
    const states = new StreamStates(store);
    const before = await states.current('m', sum);
    const result = await store.appendToStream('m', [event(2), event(3)], { expectedRevision: NO_STREAM });
    states.appended('m', sum, before, [event(2), event(3)] as never[], result.revision, result.position);
    expect(await states.current('m', sum)).toEqual({ state: 5, revision: 1, position: result.position });
  });

  it('gives a folder where each event lies', async () => {
    const places: Folder<string[]> = { initialState: () => [], evolve: (s, _e, at) => [...s, `${at.revision}@${at.position}`] };
    await store.appendToStream('x', [event(1)], { expectedRevision: NO_STREAM });
    await store.appendToStream('y', [event(1), event(1)], { expectedRevision: NO_STREAM });
    expect((await new StreamStates(store).current('y', places)).state).toEqual(['0@2', '1@3']);
  });
});
