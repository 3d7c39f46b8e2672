// Tar archives in memory, as `kubectl cp` and the simulated `tar` exchange them: ustar headers, GNU long names
// ('L') for paths past ustar's 255 bytes, and on reading also the pax extended headers ('x') Go's archive/tar
// writes for long names. A small writer/reader of our own rather than an npm library: the simulated tools
// run synchronously on whole buffers, and tar-stream's API is an async stream; this is a few dozen lines.
// Only what kubesim's files are: directories, regular files, and (read, to be refused) links.

const BLOCK = 512;

export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'link' | 'other';
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  data: Buffer;
  linkname?: string;
}

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

/** ustar's name split: the leading directories in the prefix field (155 bytes) when the rest fits in 100. */
function splitName(name: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  const cut = name.lastIndexOf('/', name.length - 2);
  if (cut > 0 && Buffer.byteLength(name.slice(0, cut)) <= 155 && Buffer.byteLength(name.slice(cut + 1)) <= 100) return { prefix: name.slice(0, cut), name: name.slice(cut + 1) };
  return undefined;
}

function header(full: string, type: string, size: number, mode: number, mtime: number, linkname = ''): Buffer {
  const h = Buffer.alloc(BLOCK);
  // A name too long for ustar went before in a GNU long-name entry: the header keeps its first 100 bytes.
  const { prefix, name } = splitName(full) ?? { prefix: '', name: full };
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.max(0, Math.floor(mtime)), 12), 136, 'ascii');
  h.write(type, 156, 'ascii');
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\x0000', 257, 'binary');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

const pad = (n: number) => Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK);

/** An archive of the entries, ended by two zero blocks. */
export function writeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const name = e.type === 'dir' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
    if (!splitName(name)) {
      const long = Buffer.from(`${name}\0`);
      parts.push(header('././@LongLink', 'L', long.length, 0, 0), long, pad(long.length));
    }
    const type = e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : e.type === 'link' ? '1' : e.type === 'other' ? '6' : '0';
    const data = e.type === 'file' ? e.data : Buffer.alloc(0);
    parts.push(header(name, type, data.length, e.mode, e.mtime, e.linkname), data, pad(data.length));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/** Why an archive cannot be read. */
export class TarFormatError extends Error {
  constructor(
    message: string,
    /** Entries read before the damage. */
    readonly entries: TarEntry[],
  ) {
    super(message);
  }
}

function field(h: Buffer, at: number, len: number): string {
  const s = h.subarray(at, at + len);
  const end = s.indexOf(0);
  return s.subarray(0, end < 0 ? len : end).toString('utf8');
}

function num(h: Buffer, at: number, len: number): number | undefined {
  // Base-256 (a leading 0x80) is what tar writes for sizes past 8 GiB: more than kubesim takes anyway.
  if (h[at]! & 0x80) return undefined;
  const s = field(h, at, len).trim();
  if (s === '') return 0;
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : undefined;
}

function checksumOk(h: Buffer): boolean {
  const want = num(h, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return want === sum;
}

/** The entries of an archive (stops at the end marker or at the end of the data). */
export function readTar(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let pos = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  while (pos + BLOCK <= buf.length) {
    const h = buf.subarray(pos, pos + BLOCK);
    if (h.every((b) => b === 0)) break;
    if (!checksumOk(h)) throw new TarFormatError(out.length || pos ? 'Skipping to next header' : 'This does not look like a tar archive', out);
    const size = num(h, 124, 12);
    if (size === undefined || pos + BLOCK + size > buf.length) throw new TarFormatError('Unexpected EOF in archive', out);
    const data = buf.subarray(pos + BLOCK, pos + BLOCK + size);
    pos += BLOCK + size + ((BLOCK - (size % BLOCK)) % BLOCK);
    const flag = String.fromCharCode(h[156]!);
    if (flag === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    if (flag === 'K') {
      longLink = field(data, 0, data.length);
      continue;
    }
    if (flag === 'x' || flag === 'g') {
      if (flag === 'x') pax = parsePax(data);
      continue;
    }
    const prefix = field(h, 345, 155);
    const base = field(h, 0, 100);
    const name = pax.path ?? longName ?? (prefix && h.subarray(257, 262).toString('latin1') === 'ustar' ? `${prefix}/${base}` : base);
    const linkname = pax.linkpath ?? longLink ?? field(h, 157, 100);
    const type: TarEntry['type'] = flag === '5' ? 'dir' : flag === '0' || flag === '\0' || flag === '7' ? (name.endsWith('/') ? 'dir' : 'file') : flag === '2' ? 'symlink' : flag === '1' ? 'link' : 'other';
    out.push({ name, type, mode: num(h, 100, 8) ?? 0o644, mtime: num(h, 136, 12) ?? 0, data: type === 'file' ? Buffer.from(data) : Buffer.alloc(0), ...(linkname ? { linkname } : {}) });
    longName = longLink = undefined;
    pax = {};
  }
  // Bytes left that are not a whole header: an archive cut short, or no archive at all.
  if (pos < buf.length && pos + BLOCK > buf.length) throw new TarFormatError(pos ? 'Unexpected EOF in archive' : 'This does not look like a tar archive', out);
  return out;
}

/** "<len> key=value\n" records. */
function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) break;
    const len = Number(data.subarray(pos, sp).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= sp - pos || pos + len > data.length) break;
    const rec = data.subarray(sp + 1, pos + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0 && (rec.slice(0, eq) === 'path' || rec.slice(0, eq) === 'linkpath')) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    pos += len;
  }
  return out;
}
