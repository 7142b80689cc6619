/**
 * Keeps `map` (in insertion order, oldest first) at most `max` entries by dropping the oldest tenth once it is over.
 * Dropping one entry per insert would make each `keys().next()` step over every slot deleted before it, which V8's
 * ordered map keeps until it rehashes: a cache of new streams (an import of 50,000 activities) spent most of its time
 * there.
 */
export function evictOldest<K, V>(map: Map<K, V>, max: number): void {
  if (map.size <= max) return;
  let drop = map.size - max + Math.ceil(max / 10);
  for (const key of map.keys()) {
    if (drop-- <= 0) break;
    map.delete(key);
  }
}
