// The order objects are listed in: etcd's, namespace then name. Compared as parts, since "/" sorts before
// letters and digits would put "a-b/x" before "a/x".

/** Compares two "namespace/name" keys (a cluster-scoped key is just its name, in namespace ""). */
export function compareKeys(a: string, b: string): number {
  const ka = sortable(a);
  const kb = sortable(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The keys in list order. Each key is rewritten once, not once per comparison: 10,000 pods sort in milliseconds. */
export function sortKeys(keys: Iterable<string>): string[] {
  // "\0" sorts before every character a name may hold, so comparing "ns\0name" compares (ns, name).
  const out = Array.from(keys, sortable);
  out.sort();
  for (let i = 0; i < out.length; i++) out[i] = unsortable(out[i]);
  return out;
}

function sortable(key: string): string {
  const i = key.indexOf('/');
  return i < 0 ? `\0${key}` : `${key.slice(0, i)}\0${key.slice(i + 1)}`;
}

function unsortable(s: string): string {
  return s.charCodeAt(0) === 0 ? s.slice(1) : s.replace('\0', '/');
}
