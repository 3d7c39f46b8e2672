// The pod-template-hash (reference §7): FNV-32a over the pod template, the decimal Sum32 rewritten with
// apimachinery's SafeEncodeString. The real controller hashes go-spew's dump of the Go struct; kubesim hashes a
// canonical JSON form instead, so hashes look genuine (digits 4-9, b, c, d, f) without being bit-identical.

/** The 27-character alphabet of utilrand.String, which SafeEncodeString indexes by character code. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** FNV-1a, 32 bits, over the UTF-8 bytes of text. */
export function fnv32a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character c becomes alphanums[c % 27] (for digits: 0→4 … 9→f). */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/** JSON with object keys sorted and undefined dropped: one text per value, whatever the key order. */
export function canonicalJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJSON(x))).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJSON((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * controller.ComputeHash: hash of the template, then (when set) the collision count as 8 little-endian bytes,
 * encoded as the safe string of the decimal Sum32.
 */
export function computeHash(template: unknown, collisionCount?: number): string {
  const text = new TextEncoder().encode(canonicalJSON(template));
  let bytes = text;
  if (collisionCount !== undefined && collisionCount !== null) {
    bytes = new Uint8Array(text.length + 8);
    bytes.set(text);
    new DataView(bytes.buffer).setUint32(text.length, collisionCount >>> 0, true);
  }
  return safeEncodeString(String(fnv32a(bytes)));
}
