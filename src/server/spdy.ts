// SPDY/3.1 framing as the Kubernetes streaming protocols use it (kubectl's client is moby/spdystream): the
// server side of a session whose client opens every stream. Two transports carry it: the WebSocket tunnel of
// kubectl 1.31+ (binary messages holding the byte stream) and the legacy HTTP/1.1 `Upgrade: SPDY/3.1`, where the
// frames follow the 101 answer on the socket itself. Only what client-go sends is handled: no server push, no
// flow control (kubectl neither waits for our WINDOW_UPDATEs nor holds us to its window: see
// docs/serve-facts.md), PINGs echoed, SETTINGS ignored.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { inflateSync, constants as zc } from 'node:zlib';

/** The SPDY/3 header compression dictionary (from the SPDY/3 specification). */
const DICTIONARY = Buffer.from('AAAAB29wdGlvbnMAAAAEaGVhZAAAAARwb3N0AAAAA3B1dAAAAAZkZWxldGUAAAAFdHJhY2UAAAAGYWNjZXB0AAAADmFjY2VwdC1jaGFyc2V0AAAAD2FjY2VwdC1lbmNvZGluZwAAAA9hY2NlcHQtbGFuZ3VhZ2UAAAANYWNjZXB0LXJhbmdlcwAAAANhZ2UAAAAFYWxsb3cAAAANYXV0aG9yaXphdGlvbgAAAA1jYWNoZS1jb250cm9sAAAACmNvbm5lY3Rpb24AAAAMY29udGVudC1iYXNlAAAAEGNvbnRlbnQtZW5jb2RpbmcAAAAQY29udGVudC1sYW5ndWFnZQAAAA5jb250ZW50LWxlbmd0aAAAABBjb250ZW50LWxvY2F0aW9uAAAAC2NvbnRlbnQtbWQ1AAAADWNvbnRlbnQtcmFuZ2UAAAAMY29udGVudC10eXBlAAAABGRhdGUAAAAEZXRhZwAAAAZleHBlY3QAAAAHZXhwaXJlcwAAAARmcm9tAAAABGhvc3QAAAAIaWYtbWF0Y2gAAAARaWYtbW9kaWZpZWQtc2luY2UAAAANaWYtbm9uZS1tYXRjaAAAAAhpZi1yYW5nZQAAABNpZi11bm1vZGlmaWVkLXNpbmNlAAAADWxhc3QtbW9kaWZpZWQAAAAIbG9jYXRpb24AAAAMbWF4LWZvcndhcmRzAAAABnByYWdtYQAAABJwcm94eS1hdXRoZW50aWNhdGUAAAATcHJveHktYXV0aG9yaXphdGlvbgAAAAVyYW5nZQAAAAdyZWZlcmVyAAAAC3JldHJ5LWFmdGVyAAAABnNlcnZlcgAAAAJ0ZQAAAAd0cmFpbGVyAAAAEXRyYW5zZmVyLWVuY29kaW5nAAAAB3VwZ3JhZGUAAAAKdXNlci1hZ2VudAAAAAR2YXJ5AAAAA3ZpYQAAAAd3YXJuaW5nAAAAEHd3dy1hdXRoZW50aWNhdGUAAAAGbWV0aG9kAAAAA2dldAAAAAZzdGF0dXMAAAAGMjAwIE9LAAAAB3ZlcnNpb24AAAAISFRUUC8xLjEAAAADdXJsAAAABnB1YmxpYwAAAApzZXQtY29va2llAAAACmtlZXAtYWxpdmUAAAAGb3JpZ2luMTAwMTAxMjAxMjAyMjA1MjA2MzAwMzAyMzAzMzA0MzA1MzA2MzA3NDAyNDA1NDA2NDA3NDA4NDA5NDEwNDExNDEyNDEzNDE0NDE1NDE2NDE3NTAyNTA0NTA1MjAzIE5vbi1BdXRob3JpdGF0aXZlIEluZm9ybWF0aW9uMjA0IE5vIENvbnRlbnQzMDEgTW92ZWQgUGVybWFuZW50bHk0MDAgQmFkIFJlcXVlc3Q0MDEgVW5hdXRob3JpemVkNDAzIEZvcmJpZGRlbjQwNCBOb3QgRm91bmQ1MDAgSW50ZXJuYWwgU2VydmVyIEVycm9yNTAxIE5vdCBJbXBsZW1lbnRlZDUwMyBTZXJ2aWNlIFVuYXZhaWxhYmxlSmFuIEZlYiBNYXIgQXByIE1heSBKdW4gSnVsIEF1ZyBTZXB0IE9jdCBOb3YgRGVjIDAwOjAwOjAwIE1vbiwgVHVlLCBXZWQsIFRodSwgRnJpLCBTYXQsIFN1biwgR01UY2h1bmtlZCx0ZXh0L2h0bWwsaW1hZ2UvcG5nLGltYWdlL2pwZyxpbWFnZS9naWYsYXBwbGljYXRpb24veG1sLGFwcGxpY2F0aW9uL3hodG1sK3htbCx0ZXh0L3BsYWluLHRleHQvamF2YXNjcmlwdCxwdWJsaWNwcml2YXRlbWF4LWFnZT1nemlwLGRlZmxhdGUsc2RjaGNoYXJzZXQ9dXRmLThjaGFyc2V0PWlzby04ODU5LTEsdXRmLSwqLGVucT0wLg==', 'base64');

const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const PING = 6;
const GOAWAY = 7;
const FLAG_FIN = 1;
/** A SPDY frame larger than this is not something kubectl sends: the session ends. */
const MAX_FRAME = 1 << 20;
/** Compressed header bytes kept for inflating (each block continues one zlib stream): a bound on a session. */
const MAX_HEADER_BYTES = 1 << 20;

/** The client's header blocks form one zlib stream (with the dictionary); each is read on what came before. */
class HeaderReader {
  private compressed: Buffer[] = [];
  private size = 0;
  private consumed = 0;

  read(block: Buffer): Map<string, string> {
    this.compressed.push(block);
    this.size += block.length;
    if (this.size > MAX_HEADER_BYTES) throw new Error('header bytes');
    const all = inflateSync(Buffer.concat(this.compressed), { dictionary: DICTIONARY, finishFlush: zc.Z_SYNC_FLUSH });
    const out = all.subarray(this.consumed);
    this.consumed = all.length;
    const headers = new Map<string, string>();
    let i = 0;
    const u32 = () => {
      if (i + 4 > out.length) throw new Error('headers');
      const v = out.readUInt32BE(i);
      i += 4;
      return v;
    };
    const text = () => {
      const n = u32();
      if (i + n > out.length) throw new Error('headers');
      const s = out.toString('utf8', i, i + n);
      i += n;
      return s;
    };
    for (let n = u32(); n > 0; n--) headers.set(text().toLowerCase(), text());
    return headers;
  }
}

const SYNC = Buffer.from([0, 0, 0, 0xff, 0xff]);

/** Our header blocks: one zlib stream of stored (uncompressed) deflate blocks, never finished. */
export class HeaderWriter {
  private started = false;
  block(pairs: [string, string][]): Buffer {
    const parts: Buffer[] = [u32(pairs.length)];
    for (const [k, v] of pairs) parts.push(u32(Buffer.byteLength(k)), Buffer.from(k), u32(Buffer.byteLength(v)), Buffer.from(v));
    const raw = Buffer.concat(parts);
    const stored = Buffer.alloc(5);
    stored[0] = 0; // not final, stored
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    const head = this.started ? Buffer.alloc(0) : Buffer.from([0x78, 0x01]);
    this.started = true;
    // An empty stored block after the data, as a zlib sync flush writes: Go's reader reaches it within this
    // frame, so it has handed out the headers without reading past the block (which it would count as an error).
    return Buffer.concat([head, stored, raw, SYNC]);
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function control(type: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8003, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt32BE(payload.length, 4);
  h[4] = flags;
  return Buffer.concat([h, payload]);
}

function data(stream: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(stream & 0x7fffffff, 0);
  h.writeUInt32BE(payload.length, 4);
  h[4] = flags;
  return Buffer.concat([h, payload]);
}

/** What a session tells its user. Each stream was answered (SYN_REPLY) before onStream is called. */
export interface SpdyHandlers {
  onStream(id: number, headers: Map<string, string>): void;
  /** Bytes on a client's stream; `fin`: the client has half-closed it. */
  onData(id: number, bytes: Buffer, fin: boolean): void;
  onReset(id: number): void;
  /** The session is over (the client's GOAWAY, or bytes kubectl would never send). */
  onEnd(): void;
}

/** The server side of one SPDY session over some byte transport (`send` writes to it). */
export class SpdySession {
  private readonly headersIn = new HeaderReader();
  private readonly headersOut = new HeaderWriter();
  private pending: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly send: (bytes: Buffer) => void, private readonly h: SpdyHandlers) {}

  /** Bytes from the client, frames split anywhere. */
  feed(chunk: Buffer): void {
    if (this.ended) return;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    try {
      while (this.pending.length >= 8) {
        const len = this.pending.readUInt32BE(4) & 0xffffff;
        if (len > MAX_FRAME) throw new Error('frame too large');
        if (this.pending.length < 8 + len) break;
        const f = this.pending.subarray(0, 8 + len);
        this.pending = this.pending.subarray(8 + len);
        this.frame(f);
        if (this.ended) return;
      }
    } catch {
      // A stream kubectl would not send: the session ends, as a kubelet's would.
      this.end();
    }
  }

  /** Writes bytes on a stream; `fin` half-closes it (an empty frame when there is nothing to write). */
  write(id: number, bytes: Buffer, fin = false): void {
    if (this.ended) return;
    // A data frame's length field has 24 bits.
    for (let at = 0; at < bytes.length; at += MAX_FRAME) {
      const part = bytes.subarray(at, at + MAX_FRAME);
      this.send(data(id, fin && at + MAX_FRAME >= bytes.length ? FLAG_FIN : 0, part));
    }
    if (fin && bytes.length === 0) this.send(data(id, FLAG_FIN, bytes));
  }

  /** Ends the session once (the transport's own close is the user's to make, from onEnd). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.h.onEnd();
  }

  private frame(f: Buffer): void {
    if (f[0] & 0x80) {
      const type = f.readUInt16BE(2);
      if (type === SYN_STREAM) {
        const id = f.readUInt32BE(8) & 0x7fffffff;
        const headers = this.headersIn.read(f.subarray(18));
        this.send(control(SYN_REPLY, 0, Buffer.concat([u32(id), this.headersOut.block([])])));
        this.h.onStream(id, headers);
        // A SYN_STREAM with FIN: the client has nothing to send on it.
        if (f[4] & FLAG_FIN) this.h.onData(id, Buffer.alloc(0), true);
      } else if (type === PING) this.send(f);
      else if (type === RST_STREAM) this.h.onReset(f.readUInt32BE(8) & 0x7fffffff);
      else if (type === GOAWAY) this.end();
      return;
    }
    const id = f.readUInt32BE(0) & 0x7fffffff;
    this.h.onData(id, f.subarray(8), (f[4] & FLAG_FIN) !== 0);
  }
}

/** The legacy upgrade's request: HTTP/1.1 `Connection: Upgrade` with `Upgrade: SPDY/3.1`. */
export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return /^spdy\/3\.1$/i.test(String(req.headers.upgrade ?? '').trim());
}

/**
 * The protocol both sides speak: the first the client offers in X-Stream-Protocol-Version (one header per
 * version, in its order of preference; Node joins them with commas) that is one of `ours`. As the kubelet's
 * handshake, a client offering none of them is refused with 403 and one offering nothing with 400.
 */
export async function negotiate(req: IncomingMessage, ours: readonly string[]): Promise<string> {
  const { StatusError } = await import('../api/errors.js');
  const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!offered.length) throw new StatusError('BadRequest', 400, 'unable to upgrade: X-Stream-Protocol-Version is required');
  const chosen = offered.find((p) => ours.includes(p));
  if (!chosen) throw new StatusError('Forbidden', 403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${ours.join(' ')}]`);
  return chosen;
}

/**
 * Answers the legacy upgrade with 101 and the chosen protocol, then runs the session `open` makes on the socket
 * itself: frames follow the answer directly. The socket ends with the session.
 */
export function acceptSpdyUpgrade(socket: Duplex, head: Buffer, protocol: string, open: (send: (bytes: Buffer) => void, close: () => void) => SpdySession): void {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
  const close = () => {
    if (socket.destroyed) return;
    socket.end();
    // A client that never closes its side does not hold the socket for ever.
    setTimeout(() => socket.destroy(), 5000).unref();
  };
  const session = open((bytes) => {
    if (!socket.destroyed && socket.writable) socket.write(bytes);
  }, close);
  socket.on('data', (d: Buffer) => session.feed(d));
  socket.on('end', () => session.end());
  socket.on('close', () => session.end());
  if (head.length) session.feed(head);
}
