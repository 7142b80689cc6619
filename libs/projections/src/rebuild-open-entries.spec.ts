import { OpenEntryCache, type RebuildEntry } from './rebuild-open-entries';
import { movedRowid } from './rebuild-ops';

function entry(key: number, entryId: string, activityPos: number | null, rowid = 0): RebuildEntry {
  return {
    entry_key: key, activity_pos: activityPos, volunteer_id: 'vol-1', entry_id: entryId, activity_id: activityPos === null ? null : `act-${activityPos}`,
    org_path: '/hh/', campaign_id: 'camp-a', served_on: '2026-11-01', minutes: 60, verified_pos: null, verified_at: null,
    rowid, known_from_pos: 1, known_from_at: 0, known_until_pos: null, known_until_at: null,
  };
}

/** Moves the cache still keeps (a private field: the point is that it does not grow). */
const movesKept = (cache: OpenEntryCache) => (cache as unknown as { movesInOrder: unknown[] }).movesInOrder.length;

describe('OpenEntryCache (a rebuild fold\'s open hour entries)', () => {
  it('given an entry cached, when asked by its key and ids, then it is found; by its key with other ids, then not', () => {
    const cache = new OpenEntryCache(10);
    const a = entry(7, 'e-a', 1);
    cache.add(a);
    expect(cache.get(7, 'vol-1', 'e-a')).toBe(a);
    expect(cache.get(7, 'vol-1', 'e-other')).toBeUndefined();
    expect(cache.get(8, 'vol-1', 'e-a')).toBeUndefined();
  });

  it('given two entries sharing a slot, when the second is cached, then only it is found, and closing the first leaves it', () => {
    const cache = new OpenEntryCache(10);
    const first = entry(7, 'e-a', 1);
    // The same low 30 bits: the cache's slot.
    const second = entry(7 + 2 ** 30, 'e-b', 1);
    cache.add(first);
    cache.add(second);
    expect(cache.get(7, 'vol-1', 'e-a')).toBeUndefined();
    expect(cache.get(7 + 2 ** 30, 'vol-1', 'e-b')).toBe(second);
    cache.remove(first);
    expect(cache.get(7 + 2 ** 30, 'vol-1', 'e-b')).toBe(second);
  });

  it('given the limit reached, when one more is cached, then the oldest quarter is forgotten', () => {
    const cache = new OpenEntryCache(4);
    const all = [1, 2, 3, 4, 5].map((i) => entry(i, `e-${i}`, 1));
    for (const e of all) cache.add(e);
    expect(cache.get(1, 'vol-1', 'e-1')).toBeUndefined();
    for (const e of all.slice(1)) expect(cache.get(e.entry_key, 'vol-1', e.entry_id)).toBe(e);
  });

  it('given entries closed as fast as they come, when many pass, then the cache never evicts and each closed one is gone', () => {
    const cache = new OpenEntryCache(4);
    const keep = entry(1, 'keep', null);
    cache.add(keep);
    for (let i = 2; i < 10_000; i++) {
      const e = entry(i, `e-${i}`, 3);
      cache.add(e);
      cache.remove(e);
      expect(cache.get(i, 'vol-1', `e-${i}`)).toBeUndefined();
    }
    expect(cache.get(1, 'vol-1', 'keep')).toBe(keep);
    // Its eviction order is compacted as it goes rather than holding every entry ever cached.
    expect((cache as unknown as { order: unknown[] }).order.length).toBeLessThanOrEqual(4 * 4 + 1);
  });

  it('given a sent entry cached, when its activity\'s hours move campaign twice, then reading it gives the last campaign and the row of the second move', () => {
    const cache = new OpenEntryCache(10);
    const sent = entry(1, 'e-1', 5, 42);
    cache.add(sent);
    cache.moved(5, 'act-5', 'camp-b');
    cache.moved(5, 'act-5', 'camp-c');
    const read = cache.get(1, 'vol-1', 'e-1')!;
    expect(read.campaign_id).toBe('camp-c');
    expect(read.rowid).toBe(movedRowid(movedRowid(42)));
    // Read again: the moves were taken in once.
    expect(cache.get(1, 'vol-1', 'e-1')!.rowid).toBe(movedRowid(movedRowid(42)));
  });

  it('given entries of other activities, or cached after the move, when an activity\'s hours move, then they are unchanged', () => {
    const cache = new OpenEntryCache(10);
    const other = entry(1, 'e-1', 6, 10);
    // Position 0 stands for activities the model does not hold: the id tells them apart.
    const sharedPos = { ...entry(2, 'e-2', 0, 11), activity_id: 'act-unknown' };
    cache.add(other);
    cache.add(sharedPos);
    cache.moved(5, 'act-5', 'camp-b');
    cache.moved(0, 'act-0', 'camp-b');
    const later = entry(3, 'e-3', 5, 12);
    cache.add(later);
    expect(cache.get(1, 'vol-1', 'e-1')).toMatchObject({ campaign_id: 'camp-a', rowid: 10 });
    expect(cache.get(2, 'vol-1', 'e-2')).toMatchObject({ campaign_id: 'camp-a', rowid: 11 });
    expect(cache.get(3, 'vol-1', 'e-3')).toMatchObject({ campaign_id: 'camp-a', rowid: 12 });
  });

  it('given a cache of one entry, when more moves come than it keeps, then the entry older than them is forgotten with them, and a later one takes a later move', () => {
    const cache = new OpenEntryCache(1);
    cache.add(entry(1, 'e-1', 5, 7));
    cache.moved(5, 'act-5', 'camp-b');
    cache.moved(5, 'act-5', 'camp-c');
    expect(movesKept(cache)).toBe(0);
    expect(cache.get(1, 'vol-1', 'e-1')).toBeUndefined();
    const later = entry(2, 'e-2', 6, 8);
    cache.add(later);
    cache.moved(6, 'act-6', 'camp-d');
    expect(cache.get(2, 'vol-1', 'e-2')).toMatchObject({ campaign_id: 'camp-d', rowid: movedRowid(8) });
  });

  it('given many moves, when entries come and go, then the moves kept stay bounded and an entry cached before a kept move still takes it', () => {
    const cache = new OpenEntryCache(8);
    const old = entry(1, 'e-old', 7, 99);
    cache.add(old);
    cache.moved(7, 'act-7', 'camp-b');
    for (let i = 0; i < 1_000; i++) cache.moved(1_000 + i, `act-${1_000 + i}`, 'camp-x');
    expect(movesKept(cache)).toBeLessThanOrEqual(8);
    // Past the limit, the entries older than the moves kept are forgotten with those moves.
    expect(cache.get(1, 'vol-1', 'e-old')).toBeUndefined();

    const kept = entry(2, 'e-kept', 9, 50);
    cache.add(kept);
    cache.moved(9, 'act-9', 'camp-y');
    for (let i = 0; i < 5; i++) cache.add(entry(100 + i, `e-${100 + i}`, null, 0));
    expect(cache.get(2, 'vol-1', 'e-kept')).toMatchObject({ campaign_id: 'camp-y', rowid: movedRowid(50) });
    // Once every entry older than a move is evicted, the move is forgotten too.
    for (let i = 5; i < 40; i++) cache.add(entry(100 + i, `e-${100 + i}`, null, 0));
    expect(cache.get(2, 'vol-1', 'e-kept')).toBeUndefined();
    expect(movesKept(cache)).toBe(0);
  });
});
