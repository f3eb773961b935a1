// Map helpers the standard library does not have yet (TC39's Map.prototype.getOrInsertComputed proposal).

/** The value under `key`, after storing `create()` there if there was none. */
export function getOrInsertComputed<K, V>(map: Map<K, V>, key: K, create: (key: K) => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create(key);
    map.set(key, value);
  }
  return value;
}
