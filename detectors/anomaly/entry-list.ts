/**
 * Small keyed collections as arrays of `[key, value]` pairs: plain JSON, no prototype pitfalls
 * with untrusted keys (`__proto__`, `constructor`), and cheap to copy. Objects were tried first:
 * spreading an object whose key set is new every time (fresh session ids, attacker-chosen tool
 * names) costs V8 a hidden-class transition per copy, ~0.7 ms for 256 keys against ~2 µs here.
 * Lookups are linear; every list is capped (see AnomalyConfig / PolicyEvalConfig), so they stay short.
 * Nothing here mutates its input, which keeps the state step functions pure.
 */
export type Entry<V> = readonly [key: string, value: V];
export type EntryList<V> = readonly Entry<V>[];

export function indexOfKey<V>(list: EntryList<V>, key: string): number {
  for (let i = 0; i < list.length; i++) if (list[i]![0] === key) return i;
  return -1;
}

export function lookup<V>(list: EntryList<V>, key: string): V | undefined {
  const i = indexOfKey(list, key);
  return i < 0 ? undefined : list[i]![1];
}

/** Replaces the value in place of the existing key, or appends. */
export function upsert<V>(list: EntryList<V>, key: string, value: V): Entry<V>[] {
  const i = indexOfKey(list, key);
  const out = list.slice();
  if (i < 0) out.push([ownKey(key), value]);
  else out[i] = [key, value];
  return out;
}

export function remove<V>(list: EntryList<V>, key: string): Entry<V>[] {
  const i = indexOfKey(list, key);
  return i < 0 ? (list as Entry<V>[]) : [...list.slice(0, i), ...list.slice(i + 1)];
}

/** True when `a` ranks below `b`; ties break on the key so results do not depend on order. */
function below<V>(a: Entry<V>, b: Entry<V>, rank: (v: V) => number): boolean {
  const d = rank(a[1]) - rank(b[1]);
  return d < 0 || (d === 0 && a[0] < b[0]);
}

/** The entry with the lowest rank, or undefined for an empty list. */
export function lowest<V>(list: EntryList<V>, rank: (v: V) => number): Entry<V> | undefined {
  let low: Entry<V> | undefined;
  for (const e of list) if (low === undefined || below(e, low, rank)) low = e;
  return low;
}

/** Drops the lowest-ranked entries until at most `cap` remain, keeping the others' order. */
export function evictLowest<V>(list: EntryList<V>, cap: number, rank: (v: V) => number): Entry<V>[] {
  let out = list as Entry<V>[];
  while (out.length > cap) out = remove(out, lowest(out, rank)![0]);
  return out;
}

/** Untrusted identifiers are cut to `max` UTF-16 code units (as a flat copy) before they are looked up or stored. */
export function capKey(s: string, max: number): string {
  return s.length > max ? ownKey(s.slice(0, max)) : s;
}

/**
 * A fresh flat copy of a key about to be stored. A `slice` of a long tool name or URL would keep
 * the whole original string alive (breaking the memory bound) and compares ~30x slower in lookups.
 */
export function ownKey(s: string): string {
  return s.length > 12 ? s.split('').join('') : s;
}
