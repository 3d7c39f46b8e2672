// A real HTTP/1.1 server in front of a simulated connection. Node's HTTP parser does the protocol (keep-alive,
// pipelining in order, chunked request bodies, HEAD without a body, Connection: close); each accepted TCP
// connection is one simulated connection, opened when the socket arrives, so a keep-alive client keeps its
// backend and the "refused" of a pod without a loopback listener shows at accept time, as with the kubelet.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AppRequest, AppResponse, ConnectResult, Connection, SendResult } from './engine.js';

/** Largest request body accepted (the simulated apps read small bodies; a bigger one gets 413, as nginx does). */
export const MAX_REQUEST_BODY = 64 * 1024 * 1024;
/**
 * Request bodies held in memory at once, across every connection of the process: each body is buffered whole
 * before the simulated app sees it, so without this bound twenty concurrent 60 MB uploads hold 1.2 GB. A body
 * that would take the total past it is not kept; its request is answered 413 Request Entity Too Large.
 */
export const MAX_BUFFERED_BODIES = 64 * 1024 * 1024;

/** The bytes of request bodies currently held, against a limit. */
export class BodyBudget {
  used = 0;
  constructor(readonly limit: number) {}
  /** Takes n bytes if they fit. */
  reserve(n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    return true;
  }
  release(n: number): void {
    this.used -= n;
  }
}

/** One budget for the whole process (port-forward and tunnel may run several servers). */
export const PROCESS_BODY_BUDGET = new BodyBudget(MAX_BUFFERED_BODIES);
/** Response bodies above this are written in slices, waiting for the socket to drain between them. */
const SLICE = 256 * 1024;

export interface BridgeHooks {
  /** A TCP connection arrived: open the simulated connection for it. */
  connect(socket: Socket): ConnectResult;
  /** The simulated connection could not be opened: the socket is closed after this. */
  onConnectFailed?(socket: Socket, result: Exclude<ConnectResult, { kind: 'connected' }>): void;
  /**
   * How a refused connection ends for the local client: 'close' (port-forward: client-go closes the local
   * connection after the forwarding error, so curl sees an empty reply) or 'reset' (tunnel: an RST, as from
   * kube-proxy's REJECT or a closed port).
   */
  refuse?: 'close' | 'reset';
  /** After each request, with the outcome (for log lines and for noticing a vanished pod). */
  onSent?(result: SendResult, socket: Socket): void;
  /** Where buffered request bodies are counted (default: the process's MAX_BUFFERED_BODIES). */
  bodyBudget?: BodyBudget;
}

const CONN = Symbol('kubesim.simConnection');
type SimSocket = Socket & { [CONN]?: Connection };

export function createBridgeServer(hooks: BridgeHooks): Server {
  const server = createServer({ keepAlive: true, requestTimeout: 0 }, (req, res) => handle(req, res, hooks));
  server.on('connection', (socket: SimSocket) => {
    socket.setNoDelay(true);
    const result = hooks.connect(socket);
    if (result.kind === 'connected') {
      socket[CONN] = result.conn;
      return;
    }
    hooks.onConnectFailed?.(socket, result);
    if (result.kind === 'refused') {
      if (hooks.refuse === 'close') socket.destroySoon();
      else socket.resetAndDestroy();
    }
    // timeout: a dropped SYN; the client waits, then gives up on its own. Nothing is read from the socket.
    else socket.pause();
  });
  // A malformed request gets 400 and the connection closes, as Node (and most servers) do.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

function handle(req: IncomingMessage, res: ServerResponse, hooks: BridgeHooks): void {
  const socket = req.socket as SimSocket;
  const conn = socket[CONN];
  if (!conn) {
    socket.destroy();
    return;
  }
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) {
    req.resume();
    respond(conn, req, Buffer.alloc(0), res, hooks);
    return;
  }
  const budget = hooks.bodyBudget ?? PROCESS_BODY_BUDGET;
  const chunks: Buffer[] = [];
  let size = 0;
  let held = 0;
  let tooBig = false;
  const release = () => {
    budget.release(held);
    held = 0;
  };
  // An upload that stops halfway (the client went away) gives its share back.
  req.on('close', release);
  req.on('data', (c: Buffer) => {
    if (tooBig) return;
    // Past the per-request limit, or past what all connections may hold together: stop keeping it. The rest
    // is read and dropped, then the request is answered 413.
    if (size + c.length > MAX_REQUEST_BODY || !budget.reserve(c.length)) {
      tooBig = true;
      chunks.length = 0;
      release();
      return;
    }
    size += c.length;
    held += c.length;
    chunks.push(c);
  });
  req.on('end', () => {
    if (tooBig) {
      res.writeHead(413, 'Request Entity Too Large', { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end('Request Entity Too Large\n');
      return;
    }
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    chunks.length = 0;
    try {
      respond(conn, req, body, res, hooks);
    } finally {
      release();
    }
  });
}

function respond(conn: Connection, req: IncomingMessage, body: Buffer, res: ServerResponse, hooks: BridgeHooks): void {
  const appReq: AppRequest = {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    httpVersion: req.httpVersion,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    body,
  };
  let result: SendResult;
  try {
    result = conn.send(appReq);
  } catch (e) {
    // A defect in the simulation must not take the forwarder down: answer 502 and say why.
    res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end(`kubesim: internal error while simulating the request: ${(e as Error).message}\n`);
    return;
  }
  hooks.onSent?.(result, req.socket);
  if (result.kind === 'answered') {
    writeResponse(res, result.response, req.method === 'HEAD');
  } else if (result.kind === 'refused') {
    req.socket.resetAndDestroy();
  }
  // timeout: no answer; the client gives up (its socket close frees the response).
}

export function writeResponse(res: ServerResponse, r: AppResponse, head: boolean): void {
  const body = r.body;
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  // Flat [name, value, ...]: keeps the app's order and repeated headers.
  const flat: string[] = [];
  let hasLength = false;
  for (const [k, v] of r.headers) {
    if (k.length === 14 && k.toLowerCase() === 'content-length') hasLength = true;
    flat.push(k, v);
  }
  // The app's own Content-Length wins (a HEAD answer announces the GET body's length); a streaming app's body
  // goes out chunked, as Node frames it when no length is given.
  if (!hasLength && !r.chunked) flat.push('Content-Length', String(size));
  res.writeHead(r.status, r.statusText, flat);
  if (head || size <= SLICE) {
    // Small bodies: one write with the headers (Node corks them together).
    if (head) res.end();
    else res.end(body);
    return;
  }
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  let offset = 0;
  const pump = (): void => {
    while (offset < buf.length) {
      const slice = buf.subarray(offset, offset + SLICE);
      offset += slice.length;
      if (!res.write(slice)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}
