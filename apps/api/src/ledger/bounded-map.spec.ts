import { evictOldest } from './bounded-map';

describe('evictOldest', () => {
  it('given a map within its bound, then it leaves it alone', () => {
    const map = new Map([[1, 'a'], [2, 'b']]);
    evictOldest(map, 2);
    expect([...map.keys()]).toEqual([1, 2]);
  });

  it('given a map over its bound, then it drops the oldest entries, a tenth of the bound beyond the excess', () => {
    const map = new Map(Array.from({ length: 21 }, (_, i) => [i, i] as const));
    evictOldest(map, 20);
    expect([...map.keys()]).toEqual(Array.from({ length: 18 }, (_, i) => i + 3));
  });
});
