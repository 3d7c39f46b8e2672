// The channels of an exec or attach session (stdin, stdout, stderr, error, resize), over either transport
// kubectl speaks: a WebSocket whose binary messages start with the channel's number (v5/v4.channel.k8s.io), or
// the legacy SPDY/3.1 upgrade, where each channel is a SPDY stream the client opens with a `streamType` header
// (src/server/spdy.ts). The exec code (exec.ts, exec-tty.ts) sees only this interface.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { acceptSpdyUpgrade, SpdySession } from './spdy.js';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** v5 over WebSocket: a client's [255, channel] message closes that channel (stdin's end). */
const CLOSE = 255;

export interface ChannelConn {
  readonly open: boolean;
  /** Whether the client says when its stdin ends; v4 over WebSocket cannot, so the command starts at once. */
  readonly stdinEnds: boolean;
  /** Bytes for the client on stdout, stderr or error (a Status, as JSON). */
  send(channel: number, bytes: Buffer): void;
  /** Ends the session after what was sent. */
  close(): void;
  /** Bytes from the client: stdin, or a resize message. */
  onInput(fn: (channel: number, bytes: Buffer) => void): void;
  onStdinEnd(fn: () => void): void;
  onClose(fn: () => void): void;
}

export function wsChannels(ws: WebSocket, protocol: string): ChannelConn {
  const messages = (fn: (buf: Buffer) => void) =>
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const buf = isBinary ? data : Buffer.from(data.toString(), 'utf8');
      if (buf.length) fn(buf);
    });
  ws.on('error', () => undefined);
  return {
    get open() {
      return ws.readyState === ws.OPEN;
    },
    stdinEnds: protocol === 'v5.channel.k8s.io',
    send(channel, bytes) {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), bytes]));
    },
    close() {
      if (ws.readyState === ws.OPEN) ws.close(1000);
    },
    onInput: (fn) => messages((buf) => buf[0] !== CLOSE && fn(buf[0], buf.subarray(1))),
    onStdinEnd: (fn) => messages((buf) => buf[0] === CLOSE && buf[1] === STDIN && fn()),
    onClose: (fn) => void ws.on('close', fn),
  };
}

const STREAM_TYPES: Record<string, number> = { stdin: STDIN, stdout: STDOUT, stderr: STDERR, error: ERROR, resize: RESIZE };

/**
 * The legacy upgrade: answers 101 with `protocol` and waits for the streams the client opens for what the request
 * asked (as the kubelet does): error always, stdin, stdout, stderr (none with a tty: it has one output), resize
 * (tty, v3 and later). Then `body` runs on them. The v2/v3 protocols' error stream carries a failure's message
 * as text (nothing on success); v4 and v5 carry the Status JSON, as over WebSocket.
 */
export function acceptSpdyChannels(
  socket: Duplex,
  head: Buffer,
  protocol: string,
  want: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean },
  body: (conn: ChannelConn) => void,
): void {
  const expected = new Set<number>([ERROR]);
  if (want.stdin) expected.add(STDIN);
  if (want.stdout) expected.add(STDOUT);
  if (want.stderr && !want.tty) expected.add(STDERR);
  if (want.tty && protocol !== 'v2.channel.k8s.io') expected.add(RESIZE);
  const statusJson = protocol === 'v5.channel.k8s.io' || protocol === 'v4.channel.k8s.io';
  acceptSpdyUpgrade(socket, head, protocol, (send, closeTransport) => {
    const streams = new Map<number, number>();
    const channelOf = new Map<number, number>();
    const inputs: ((channel: number, bytes: Buffer) => void)[] = [];
    const stdinEnds: (() => void)[] = [];
    const closes: (() => void)[] = [];
    /** What came before the session started (stdin typed early), replayed to it then. */
    let early: (() => void)[] | undefined = [];
    let ended = false;
    const conn: ChannelConn = {
      get open() {
        return !ended;
      },
      stdinEnds: true,
      send(channel, bytes) {
        const id = streams.get(channel);
        if (id === undefined || ended) return;
        if (channel === ERROR && !statusJson) {
          const status = JSON.parse(bytes.toString('utf8')) as { status?: string; message?: string };
          if (status.status === 'Success') return;
          bytes = Buffer.from(status.message ?? '');
        }
        session.write(id, bytes);
      },
      close() {
        if (ended) return;
        // Every stream the server writes on ends, so the client's copies finish; then the connection.
        for (const ch of [STDOUT, STDERR, ERROR]) {
          const id = streams.get(ch);
          if (id !== undefined) session.write(id, Buffer.alloc(0), true);
        }
        session.end();
      },
      onInput: (fn) => void inputs.push(fn),
      onStdinEnd: (fn) => void stdinEnds.push(fn),
      onClose: (fn) => void closes.push(fn),
    };
    const deliver = (fn: () => void) => (early ? early.push(fn) : fn());
    // A client that never opens what it asked for does not hold the connection for ever.
    const timer = setTimeout(() => session.end(), 30_000);
    timer.unref();
    const session: SpdySession = new SpdySession(send, {
      onStream: (id, headers) => {
        const channel = STREAM_TYPES[headers.get('streamtype') ?? ''];
        if (channel === undefined || streams.has(channel)) return;
        streams.set(channel, id);
        channelOf.set(id, channel);
        if (early && [...expected].every((c) => streams.has(c))) {
          clearTimeout(timer);
          body(conn);
          const pending = early;
          early = undefined;
          for (const fn of pending) fn();
        }
      },
      onData: (id, bytes, fin) => {
        const channel = channelOf.get(id);
        if (channel !== STDIN && channel !== RESIZE) return;
        if (bytes.length) {
          const copy = Buffer.from(bytes);
          deliver(() => inputs.forEach((fn) => fn(channel, copy)));
        }
        if (fin && channel === STDIN) deliver(() => stdinEnds.forEach((fn) => fn()));
      },
      onReset: () => undefined,
      onEnd: () => {
        ended = true;
        clearTimeout(timer);
        closeTransport();
        for (const fn of closes) fn();
      },
    });
    return session;
  });
}
