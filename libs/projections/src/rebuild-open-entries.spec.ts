import { OpenEntryCache, type RebuildEntry } from './rebuild-open-entries';

function entry(key: number, entryId: string, activityPos: number | null, rowid = 0): RebuildEntry {
  return {
    entry_key: key, activity_pos: activityPos, volunteer_id: 'vol-1', entry_id: entryId, activity_id: activityPos === null ? null : `act-${activityPos}`,
    org_path: '/hh/', campaign_id: null, served_on: '2026-11-01', minutes: 60, verified: 0,
    rowid, known_from_pos: 1, known_from_at: 0, known_until_pos: null, known_until_at: null,
  };
}

describe('OpenEntryCache (a rebuild fold\'s open hour entries)', () => {
  it('given an entry cached, when asked by its key and ids, then it is found; by its key with other ids, then not', () => {
    const cache = new OpenEntryCache(10);
    const a = entry(7, 'e-a', 1);
    cache.add(a);
    expect(cache.get(7, 'vol-1', 'e-a')).toBe(a);
    expect(cache.get(7, 'vol-1', 'e-other')).toBeUndefined();
    expect(cache.get(8, 'vol-1', 'e-a')).toBeUndefined();
  });

  it('given two entries sharing a key, when the second is cached, then only it is found, and the first, held, stays listed under its activity', () => {
    const cache = new OpenEntryCache(10);
    const first = entry(7, 'e-a', 1);
    const second = entry(7, 'e-b', 1);
    cache.add(first);
    cache.add(second);
    expect(cache.get(7, 'vol-1', 'e-a')).toBeUndefined();
    expect(cache.get(7, 'vol-1', 'e-b')).toBe(second);
    expect(cache.ofActivity(1, 'act-1')).toEqual([first, second]);
  });

  it('given the limit reached, when one more is cached, then the oldest quarter is forgotten: held ones stay listed, sent ones do not', () => {
    const cache = new OpenEntryCache(4);
    const held = entry(1, 'e-1', 1);
    const sent = entry(2, 'e-2', 1, 42);
    cache.add(held);
    cache.add(sent);
    cache.add(entry(3, 'e-3', 2));
    cache.add(entry(4, 'e-4', 2));
    cache.add(entry(5, 'e-5', 2));
    expect(cache.get(1, 'vol-1', 'e-1')).toBeUndefined();
    expect(cache.get(2, 'vol-1', 'e-2')).toBe(sent);
    expect(cache.ofActivity(1, 'act-1')).toEqual([held, sent]);
    cache.add(entry(6, 'e-6', 2));
    expect(cache.get(2, 'vol-1', 'e-2')).toBeUndefined();
    expect(cache.ofActivity(1, 'act-1')).toEqual([held]);
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
    expect(cache.ofActivity(3, 'act-3')).toEqual([]);
    // Its eviction order is compacted as it goes rather than holding every entry ever cached.
    expect((cache as unknown as { order: unknown[] }).order.length).toBeLessThanOrEqual(4 * 4 + 1);
  });
});
