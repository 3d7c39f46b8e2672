// The `kubesim ui` web server: the page and its assets (built into dist/ui by scripts/build.mjs), a JSON view of
// the state, describe text and request traces on demand, and a WebSocket that pushes a new view whenever any
// kubesim command commits (the head file changes, as src/server/server.ts notices it). It only reads the state:
// the page shows what the commands did, it never changes the cluster itself.
import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { WebSocket, WebSocketServer } from 'ws';
import { headSignature } from '../store/layout.js';
import type { Session } from '../cli/session.js';
import { isSettled } from '../cluster/settled.js';
import type { ClusterState } from '../store/state.js';
import { buildView, describeText, flowDetail, type UiView } from './view.js';

export interface UiServerOptions {
  session: Session;
  address: string;
  port: number;
  token: string;
  /** Where index.html, app.js and app.css are; found beside the bundle when not given. */
  assetsDir?: string;
  /** Only this namespace's objects (from -n); otherwise all but the system namespaces. */
  namespace?: string;
  /** How often the head file is looked at (ms). */
  pollMs?: number;
}

/** What a page may fetch besides index.html, with its content type. */
const ASSETS = new Map([
  ['/app.js', 'text/javascript; charset=utf-8'],
  ['/app.css', 'text/css; charset=utf-8'],
  ['/xterm.css', 'text/css; charset=utf-8'],
]);

/** Security headers for every answer: nothing from elsewhere, no framing by other sites. */
const HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
};

/** The directory holding the built page: dist/ui beside the bundle, or the checkout's dist/ui (tests run from build/). */
export function findAssets(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const cand of [join(dir, 'ui'), join(dir, 'dist', 'ui')]) if (existsSync(join(cand, 'index.html')) && existsSync(join(cand, 'app.js'))) return cand;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

export class UiServer {
  /** The http server: the terminal pane (src/ui/terminal.ts) adds its WebSocket endpoint to it. */
  readonly http: Server;
  private wss?: WebSocketServer;
  private readonly clients = new Set<WebSocket>();
  private timer?: NodeJS.Timeout;
  private sig = '';
  private view?: { text: string; state: ClusterState; json: UiView };
  private readonly tokenBytes: Buffer;
  private readonly assets: string;
  private refreshing = false;
  private unsettled = false;
  private refreshedAt = 0;

  constructor(private readonly o: UiServerOptions) {
    this.tokenBytes = Buffer.from(o.token);
    const assets = o.assetsDir ?? findAssets();
    if (!assets) throw new Error('the kubesim page is not built (run: node scripts/build.mjs)');
    this.assets = assets;
    this.http = createServer((req, res) => void this.handle(req, res));
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  get statePath(): string {
    return this.o.session.statePath;
  }

  /** Reads the state once, listens; resolves with the port (a free one when port is 0). */
  async start(): Promise<number> {
    const { WebSocketServer } = await import('ws');
    // 1 MiB: the page sends nothing but pings; a larger frame is not the page's.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
    await this.refresh();
    const server = this.http;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.timer = setInterval(() => void this.poll(), this.o.pollMs ?? 100);
    this.timer.unref();
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const c of this.clients) c.terminate();
    this.clients.clear();
    this.wss?.close();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  // ---- the state ----

  private signature(): string {
    return headSignature(this.statePath);
  }

  /** Reads the state as the commands left it and computes the view (once per change, never per frame). */
  private async refresh(): Promise<void> {
    const sig = this.signature();
    const { state } = await this.o.session.read();
    const json = buildView(state, { namespace: this.o.namespace });
    const text = JSON.stringify({ type: 'view', view: json });
    const changed = text !== this.view?.text;
    this.sig = sig;
    this.view = { text, state, json };
    this.unsettled = !isSettled(state);
    this.refreshedAt = Date.now();
    if (changed) for (const c of this.clients) if (c.readyState === c.OPEN) c.send(text);
  }

  private async poll(): Promise<void> {
    if (this.refreshing) return;
    // An unsettled cluster changes with time alone (pods start, probes pass): look again each second.
    const stale = this.unsettled && Date.now() - this.refreshedAt >= 1000;
    if (!stale && this.signature() === this.sig) return;
    this.refreshing = true;
    try {
      await this.refresh();
    } catch {
      // A state being replaced or damaged now is read again at the next poll; the page keeps the last view.
    } finally {
      this.refreshing = false;
    }
  }

  // ---- requests ----

  /** The token of the URL (?token=) or of an Authorization: Bearer header, compared in constant time. */
  authorized(req: IncomingMessage): boolean {
    const url = new URL(req.url ?? '/', 'http://x');
    let given = url.searchParams.get('token') ?? '';
    const auth = req.headers.authorization;
    if (!given && auth?.startsWith('Bearer ')) given = auth.slice(7);
    const b = Buffer.from(given);
    return b.length === this.tokenBytes.length && timingSafeEqual(b, this.tokenBytes);
  }

  private send(res: ServerResponse, code: number, body: string | Buffer, type: string): void {
    res.writeHead(code, { ...HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method !== 'GET' && req.method !== 'HEAD') return this.send(res, 405, 'method not allowed\n', 'text/plain; charset=utf-8');
      // Assets carry nothing of the cluster: the page loads them without the token (a <script src> has none).
      const asset = ASSETS.get(url.pathname);
      if (asset) return this.send(res, 200, readFileSync(join(this.assets, url.pathname.slice(1))), asset);
      // Lazily loaded parts of the page (the terminal pane): names esbuild gave them, nothing else.
      if (/^\/chunks\/[A-Za-z0-9_-]+\.(js|css)$/.test(url.pathname)) {
        const file = join(this.assets, url.pathname.slice(1));
        if (existsSync(file)) return this.send(res, 200, readFileSync(file), url.pathname.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      }
      if (url.pathname === '/favicon.ico') return this.send(res, 204, '', 'text/plain');
      if (!this.authorized(req)) return this.send(res, 401, 'Unauthorized: open the URL kubesim ui printed (it carries the token).\n', 'text/plain; charset=utf-8');
      const view = this.view;
      switch (url.pathname) {
        case '/':
        case '/index.html':
          return this.send(res, 200, readFileSync(join(this.assets, 'index.html')), 'text/html; charset=utf-8');
        case '/api/view':
          return this.send(res, 200, JSON.stringify(view?.json ?? null), 'application/json');
        case '/api/describe': {
          const text = view && describeText(view.state, url.searchParams.get('resource') ?? '', url.searchParams.get('namespace') ?? '', url.searchParams.get('name') ?? '', this.o.session.clock.now());
          if (text === undefined) return this.send(res, 404, 'not found\n', 'text/plain; charset=utf-8');
          return this.send(res, 200, text, 'text/plain; charset=utf-8');
        }
        case '/api/flow': {
          const flow = view && flowDetail(view.state, Number(url.searchParams.get('seq')));
          if (!flow) return this.send(res, 404, 'not found\n', 'text/plain; charset=utf-8');
          return this.send(res, 200, JSON.stringify(flow), 'application/json');
        }
        default:
          return this.send(res, 404, 'not found\n', 'text/plain; charset=utf-8');
      }
    } catch {
      if (!res.headersSent) this.send(res, 500, 'the view could not be computed\n', 'text/plain; charset=utf-8');
      else res.end();
    }
  }

  /** /updates is the view's push channel; other paths (the terminal's) are left to their own listeners. */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/updates') return;
    if (!this.authorized(req) || !this.wss) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.clients.add(ws);
      ws.on('close', () => this.clients.delete(ws));
      ws.on('error', () => this.clients.delete(ws));
      ws.on('message', () => undefined);
      if (this.view) ws.send(this.view.text);
    });
  }
}
