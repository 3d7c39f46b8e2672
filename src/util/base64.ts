// Go's base64.StdEncoding.Decode, as the API server's JSON decoder applies it to []byte fields (a Secret's
// data, a ConfigMap's binaryData): padding required, \r and \n skipped, and the same CorruptInputError offset
// for the first bad byte, which the server reports as `illegal base64 data at input byte N`.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Map([...ALPHABET].map((c, i) => [c.charCodeAt(0), i]));
const PAD = 61; // '='
const isNewline = (b: number) => b === 10 || b === 13;

export type Base64Result = { ok: true; bytes: Buffer } | { ok: false; offset: number };

/** Decodes `text` (its UTF-8 bytes) exactly as Go's StdEncoding does, or gives the offset Go reports. */
export function goBase64Decode(text: string): Base64Result {
  const src = Buffer.from(text, 'utf8');
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    // One quantum: up to four symbols, as decodeQuantum reads them.
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { ok: true, bytes: Buffer.from(out) };
        // Padding is required: a quantum cut short is corrupt where it began.
        return { ok: false, offset: si - j };
      }
      const b = src[si++];
      const v = DECODE.get(b);
      if (v !== undefined) {
        dbuf[j] = v;
        continue;
      }
      if (isNewline(b)) {
        j--;
        continue;
      }
      if (b !== PAD) return { ok: false, offset: si - 1 };
      if (j === 0 || j === 1) return { ok: false, offset: si - 1 };
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) return { ok: false, offset: src.length };
        if (src[si] !== PAD) return { ok: false, offset: si - 1 };
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) return { ok: false, offset: si };
      dlen = j;
      break;
    }
    const val = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
    const bytes = [(val >> 16) & 255, (val >> 8) & 255, val & 255];
    out.push(...bytes.slice(0, dlen - 1));
  }
  return { ok: true, bytes: Buffer.from(out) };
}
