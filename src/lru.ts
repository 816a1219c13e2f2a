/**
 * `key`'s value in a Map used as a least-recently-used cache of at most `capacity` entries (Map order is the LRU
 * order: a hit is re-inserted, the oldest entry goes first), made by `make` when absent. Nothing is cached if
 * `make` throws.
 */
export function lruGet<V>(cache: Map<string, V>, key: string, capacity: number, make: () => V): V {
  let value = cache.get(key);
  if (value !== undefined) cache.delete(key);
  else {
    value = make();
    if (cache.size >= capacity) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, value);
  return value;
}
