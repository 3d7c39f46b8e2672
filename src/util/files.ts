// Reading a file the user names (an environment variable, a flag) without trusting it to be one: a device
// such as /dev/zero never ends, a FIFO blocks its reader until a writer comes, a directory cannot be read.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export type BoundedRead = { data: Buffer } | { problem: 'not-regular' | 'too-large'; size?: number } | { error: NodeJS.ErrnoException };

/**
 * The contents of `path` if it is a regular file of at most `maxBytes`. Opened non-blocking (a FIFO does not
 * wait for a writer), checked with fstat on the open descriptor, read only up to its size.
 */
export function readRegularFile(path: string, maxBytes: number): BoundedRead {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) return { problem: 'not-regular' };
    if (st.size > maxBytes) return { problem: 'too-large', size: st.size };
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < st.size) {
      const got = readSync(fd, buf, n, st.size - n, n);
      if (got === 0) break;
      n += got;
    }
    return { data: buf.subarray(0, n) };
  } catch (e) {
    return { error: e as NodeJS.ErrnoException };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The contents of `path`, whatever kind of file it is (a regular file, a pipe such as <(cmd), /dev/stdin), read
 * to its end but never past `maxBytes`: a device like /dev/zero has no end.
 */
export function readCapped(path: string, maxBytes: number): BoundedRead {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY);
    const st = fstatSync(fd);
    if (st.isDirectory()) return { error: Object.assign(new Error('is a directory'), { code: 'EISDIR' }) };
    if (st.isFile() && st.size > maxBytes) return { problem: 'too-large', size: st.size };
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      parts.push(buf.subarray(0, got));
      total += got;
      if (total > maxBytes) return { problem: 'too-large' };
    }
    return { data: Buffer.concat(parts, total) };
  } catch (e) {
    return { error: e as NodeJS.ErrnoException };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Go's wording of a failed open or read (syscall.Errno's text), never Node's "EACCES: ..." form. */
export function ioErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const texts: Record<string, string> = {
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOENT: 'no such file or directory',
    ENOTDIR: 'not a directory',
    ELOOP: 'too many levels of symbolic links',
    ENAMETOOLONG: 'file name too long',
    EMFILE: 'too many open files',
    ENXIO: 'no such device or address',
    EFBIG: 'file too large',
  };
  return (code && Object.hasOwn(texts, code) ? texts[code] : undefined) ?? 'input/output error';
}

/** A text file read whole (at most maxBytes), failing with a Node errno error (code EISDIR, EFBIG, ENOENT...). */
export function readTextFile(path: string, maxBytes: number): string {
  const r = readCapped(path, maxBytes);
  if ('data' in r) return r.data.toString('utf8');
  if ('error' in r) throw r.error;
  throw Object.assign(new Error('file too large'), { code: 'EFBIG', path });
}
