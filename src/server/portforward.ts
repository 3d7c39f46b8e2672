// pods/portforward for the real kubectl: SPDY/3.1 sessions (src/server/spdy.ts), kubectl being the SPDY client,
// over either transport kubectl speaks. 1.31+ opens a WebSocket with the subprotocol SPDY/3.1+portforward.k8s.io
// whose binary messages carry the SPDY byte stream; older clients (and 1.31+ with
// KUBECTL_PORT_FORWARD_WEBSOCKETS=false, client libraries, Helm) send an HTTP/1.1 `Upgrade: SPDY/3.1` with
// `X-Stream-Protocol-Version: portforward.k8s.io`, answered by a 101 after which the frames run on the socket
// itself. For each local
// connection kubectl opens two SPDY streams with the same requestid header: "error" (the server writes a
// failure message there) and "data" (the TCP bytes), each naming the pod's port. Each data stream becomes one
// connection of the same HTTP bridge `kubesim port-forward` uses (src/forward/http-bridge.ts), into the pod's
// loopback through the simulated network, so the same apps answer and their log lines are written the same way.
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import type { KubeObject, Pod } from '../api/types.js';
import type { Clock } from '../util/clock.js';
import type { ClusterState } from '../store/state.js';
import * as rest from './rest.js';
import { acceptSpdyUpgrade, isSpdyUpgrade, negotiate, SpdySession } from './spdy.js';

export const PORTFORWARD_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
/** X-Stream-Protocol-Version of the legacy upgrade. */
const LEGACY_PROTOCOL = 'portforward.k8s.io';

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

/** One forwarded connection, as the bridge's HTTP server sees a socket. */
class StreamSocket extends Duplex {
  constructor(
    private readonly out: (chunk: Buffer) => void,
    private readonly fin: () => void,
    /** Where a failure to connect is reported. */
    readonly errorStream?: number,
  ) {
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
  const legacy = isSpdyUpgrade(req);
  if (legacy) await negotiate(req, [LEGACY_PROTOCOL]);
  else {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!offered.includes(PORTFORWARD_PROTOCOL)) throw badRequest(`kubesim serve forwards ports over WebSocket (${PORTFORWARD_PROTOCOL}) or a SPDY/3.1 upgrade (${LEGACY_PROTOCOL})`);
  }
  const [{ LiveCluster }, { simEngine }, { createBridgeServer }, { forwardErrorText }] = await Promise.all([
    import('../forward/live-state.js'),
    import('../forward/sim-engine.js'),
    import('../forward/http-bridge.js'),
    import('../forward/klog.js'),
  ]);
  const live = new LiveCluster(host.statePath, host.clock, state);
  await live.start();
  const podRef = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, uid: pod.metadata.uid ?? '' };

  /** One forwarding session over whichever transport `send` writes to. */
  const open = (send: (bytes: Buffer) => void, closeTransport: () => void): SpdySession => {
    const pairs = new Map<string, Pair>();
    const sockets = new Map<number, StreamSocket>();
    const bridges = new Map<number, ReturnType<typeof createBridgeServer>>();

    const bridgeFor = (port: number) =>
      createBridgeServer({
        refuse: 'close',
        connect: () => simEngine.connectPodLoopback(live.view, podRef, port),
        onConnectFailed: (sock) => {
          // The kubelet's message on the error stream; kubectl adds "an error occurred forwarding L -> R: ".
          const errorStream = (sock as unknown as StreamSocket).errorStream;
          if (errorStream !== undefined) session.write(errorStream, Buffer.from(forwardErrorText(podRef.uid, port, port).replace(/^an error occurred forwarding \d+ -> \d+: /, '')), true);
        },
        onSent: (result) => live.appendLogs(result.logs),
      });

    const connect = (pair: Pair) => {
      if (pair.data === undefined || pair.port === undefined) return;
      const id = pair.data;
      const sock = new StreamSocket(
        (chunk) => session.write(id, chunk),
        () => session.write(id, Buffer.alloc(0), true),
        pair.error,
      );
      sockets.set(id, sock);
      sock.on('close', () => {
        sockets.delete(id);
        if (pair.error !== undefined) session.write(pair.error, Buffer.alloc(0), true);
      });
      sock.on('error', () => undefined);
      const bridge = bridges.get(pair.port) ?? bridgeFor(pair.port);
      bridges.set(pair.port, bridge);
      bridge.emit('connection', sock);
    };

    const session: SpdySession = new SpdySession(send, {
      onStream: (id, h) => {
        const key = h.get('requestid') ?? String(id);
        const pair = pairs.get(key) ?? {};
        pairs.set(key, pair);
        const port = Number(h.get('port'));
        if (Number.isInteger(port) && port > 0 && port < 65536) pair.port = port;
        if (h.get('streamtype') === 'error') pair.error = id;
        else if (h.get('streamtype') === 'data') {
          pair.data = id;
          connect(pair);
        }
      },
      onData: (id, bytes, fin) => {
        const sock = sockets.get(id);
        if (!sock) return;
        if (bytes.length) sock.push(Buffer.from(bytes));
        if (fin) sock.push(null);
      },
      onReset: (id) => sockets.get(id)?.destroy(),
      onEnd: () => {
        for (const s of sockets.values()) s.destroy();
        for (const b of bridges.values()) b.close();
        void live.stop();
        closeTransport();
      },
    });
    return session;
  };

  if (legacy) return acceptSpdyUpgrade(socket, head, LEGACY_PROTOCOL, open);
  const ws = (await import('ws')) as typeof import('ws') & { default?: typeof import('ws') };
  const WebSocketServer = ws.WebSocketServer ?? ws.default!.WebSocketServer;
  // ws refuses a subprotocol that is not an HTTP token ('/' is not a token character): the header is taken
  // out before the handshake and the answer names the protocol itself.
  delete req.headers['sec-websocket-protocol'];
  const wss = new WebSocketServer({ noServer: true });
  wss.on('headers', (headers: string[]) => headers.push(`Sec-WebSocket-Protocol: ${PORTFORWARD_PROTOCOL}`));
  wss.handleUpgrade(req, socket, head, (conn) => {
    const session = open(
      (b) => {
        if (conn.readyState === conn.OPEN) conn.send(b);
      },
      () => {
        if (conn.readyState === conn.OPEN) conn.close(1000);
      },
    );
    conn.on('message', (msg: Buffer, isBinary: boolean) => {
      if (isBinary) session.feed(msg);
    });
    conn.on('close', () => session.end());
    conn.on('error', () => undefined);
  });
}
