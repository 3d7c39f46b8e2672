// pods/portforward for the real kubectl (1.31+): a WebSocket with the subprotocol SPDY/3.1+portforward.k8s.io
// whose binary messages carry a SPDY/3.1 byte stream, kubectl being the SPDY client. For each local
// connection kubectl opens two SPDY streams with the same requestid header: "error" (the server writes a
// failure message there) and "data" (the TCP bytes), each naming the pod's port. Each data stream becomes one
// connection of the same HTTP bridge `kubesim port-forward` uses (src/forward/http-bridge.ts), into the pod's
// loopback through the simulated network, so the same apps answer and their log lines are written the same way.
// Only what client-go sends is handled: no server push, no flow control (responses are small), PINGs echoed.
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { inflateSync, constants as zc } from 'node:zlib';
import type { KubeObject, Pod } from '../api/types.js';
import type { Clock } from '../util/clock.js';
import type { ClusterState } from '../store/state.js';
import * as rest from './rest.js';

export const PORTFORWARD_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

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

export interface PortForwardHost {
  statePath: string;
  clock: Clock;
  current(): Promise<ClusterState>;
}

interface Pair {
  port?: number;
  error?: number;
  data?: number;
}

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
class HeaderWriter {
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

/** One forwarded connection, as the bridge's HTTP server sees a socket. */
class StreamSocket extends Duplex {
  constructor(private readonly out: (chunk: Buffer) => void, private readonly fin: () => void) {
    super({ allowHalfOpen: true });
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    // SPDY data frames carry at most 16 MiB; the bridge writes slices far smaller.
    this.out(chunk);
    cb();
  }
  override _final(cb: () => void): void {
    this.fin();
    cb();
  }
  setNoDelay(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  destroySoon(): void {
    this.end();
  }
  resetAndDestroy(): this {
    return this.destroy();
  }
}

/** Upgrades the request and serves the forwarding session; throws a StatusError before the upgrade. */
export async function handlePortForward(host: PortForwardHost, req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer, target: rest.Target): Promise<void> {
  const { badRequest } = await import('../api/errors.js');
  const state = await host.current();
  const pod = rest.getOne(state, target) as KubeObject & Pod;
  if (pod.status?.phase !== 'Running') throw badRequest(`pod ${pod.metadata.name} is not running`);
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
  if (!offered.includes(PORTFORWARD_PROTOCOL)) throw badRequest(`kubesim serve forwards ports over WebSocket (${PORTFORWARD_PROTOCOL}), not over a SPDY upgrade`);
  const [{ LiveCluster }, { simEngine }, { createBridgeServer }, { forwardErrorText }, ws] = await Promise.all([
    import('../forward/live-state.js'),
    import('../forward/sim-engine.js'),
    import('../forward/http-bridge.js'),
    import('../forward/klog.js'),
    import('ws') as Promise<typeof import('ws') & { default?: typeof import('ws') }>,
  ]);
  const live = new LiveCluster(host.statePath, host.clock, state);
  await live.start();
  const podRef = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, uid: pod.metadata.uid ?? '' };
  const WebSocketServer = ws.WebSocketServer ?? ws.default!.WebSocketServer;
  // ws refuses a subprotocol that is not an HTTP token ('/' is not a token character): the header is taken
  // out before the handshake and the answer names the protocol itself.
  delete req.headers['sec-websocket-protocol'];
  const wss = new WebSocketServer({ noServer: true });
  wss.on('headers', (headers: string[]) => headers.push(`Sec-WebSocket-Protocol: ${PORTFORWARD_PROTOCOL}`));
  wss.handleUpgrade(req, socket, head, (conn) => {
    const send = (b: Buffer) => {
      if (conn.readyState === conn.OPEN) conn.send(b);
    };
    const headersIn = new HeaderReader();
    const headersOut = new HeaderWriter();
    const pairs = new Map<string, Pair>();
    const sockets = new Map<number, StreamSocket>();
    const bridges = new Map<number, ReturnType<typeof createBridgeServer>>();
    let pending: Buffer = Buffer.alloc(0);
    let closed = false;

    const end = () => {
      if (closed) return;
      closed = true;
      for (const s of sockets.values()) s.destroy();
      for (const b of bridges.values()) b.close();
      void live.stop();
      if (conn.readyState === conn.OPEN) conn.close(1000);
    };

    const bridgeFor = (port: number, errorStream: number | undefined) =>
      createBridgeServer({
        refuse: 'close',
        connect: () => simEngine.connectPodLoopback(live.view, podRef, port),
        onConnectFailed: () => {
          // The kubelet's message on the error stream; kubectl adds "an error occurred forwarding L -> R: ".
          if (errorStream !== undefined) {
            send(data(errorStream, 0, Buffer.from(forwardErrorText(podRef.uid, port, port).replace(/^an error occurred forwarding \d+ -> \d+: /, ''))));
            send(data(errorStream, FLAG_FIN, Buffer.alloc(0)));
          }
        },
        onSent: (result) => live.appendLogs(result.logs),
      });

    const open = (pair: Pair) => {
      if (pair.data === undefined || pair.port === undefined) return;
      const id = pair.data;
      const sock = new StreamSocket(
        (chunk) => send(data(id, 0, chunk)),
        () => send(data(id, FLAG_FIN, Buffer.alloc(0))),
      );
      sockets.set(id, sock);
      sock.on('close', () => {
        sockets.delete(id);
        if (pair.error !== undefined) send(data(pair.error, FLAG_FIN, Buffer.alloc(0)));
      });
      sock.on('error', () => undefined);
      const bridge = bridges.get(pair.port) ?? bridgeFor(pair.port, pair.error);
      bridges.set(pair.port, bridge);
      bridge.emit('connection', sock);
    };

    const frame = (f: Buffer) => {
      if (f[0] & 0x80) {
        const type = f.readUInt16BE(2);
        if (type === SYN_STREAM) {
          const id = f.readUInt32BE(8) & 0x7fffffff;
          const h = headersIn.read(f.subarray(18));
          send(control(SYN_REPLY, 0, Buffer.concat([u32(id), headersOut.block([])])));
          const key = h.get('requestid') ?? String(id);
          const pair = pairs.get(key) ?? {};
          pairs.set(key, pair);
          const port = Number(h.get('port'));
          if (Number.isInteger(port) && port > 0 && port < 65536) pair.port = port;
          if (h.get('streamtype') === 'error') pair.error = id;
          else if (h.get('streamtype') === 'data') {
            pair.data = id;
            open(pair);
          }
        } else if (type === PING) send(f);
        else if (type === RST_STREAM) sockets.get(f.readUInt32BE(8) & 0x7fffffff)?.destroy();
        else if (type === GOAWAY) end();
        return;
      }
      const id = f.readUInt32BE(0) & 0x7fffffff;
      const sock = sockets.get(id);
      if (!sock) return;
      if (f.length > 8) sock.push(Buffer.from(f.subarray(8)));
      if (f[4] & FLAG_FIN) sock.push(null);
    };

    conn.on('message', (msg: Buffer, isBinary: boolean) => {
      if (!isBinary || closed) return;
      pending = pending.length ? Buffer.concat([pending, msg]) : msg;
      try {
        while (pending.length >= 8) {
          const len = pending.readUInt32BE(4) & 0xffffff;
          if (len > MAX_FRAME) throw new Error('frame too large');
          if (pending.length < 8 + len) break;
          const f = pending.subarray(0, 8 + len);
          pending = pending.subarray(8 + len);
          frame(f);
        }
      } catch {
        // A stream kubectl would not send: the session ends, as a kubelet's would.
        end();
      }
    });
    conn.on('close', end);
    conn.on('error', () => undefined);
  });
}
