// The simulated servers' behaviour: an HTTP request in, a response and the log line the app writes out.
// Each app is a small function; the log formats follow what the real images print (documented per app).
import type { ServerProcess, UserServer } from './images.js';
import { own } from '../util/own.js';

export interface HttpRequest {
  method: string;
  path: string;
  /** Header lines as sent (Host, User-Agent, Accept, ...). */
  headers: [string, string][];
  body?: string;
}

export interface HttpResponse {
  status: number;
  reason: string;
  headers: [string, string][];
  body: string;
}

/** What the app knows when it answers. */
export interface AppContext {
  /** The pod's hostname (its name). */
  hostname: string;
  podIP: string;
  /** The client address as the app's socket sees it (after any SNAT). */
  clientIP: string;
  clientPort: number;
  /** The local port the connection arrived on. */
  port: number;
  now: Date;
  user?: UserServer;
}

export interface AppAnswer {
  response: HttpResponse;
  /** The line the app writes to its stdout (kubectl logs), without newline; undefined for none. */
  log?: string;
}

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Not Allowed', 500: 'Internal Server Error' };

/** Go's http.TimeFormat / nginx's Date header: "Sun, 22 Nov 2026 01:30:00 GMT". */
export function httpDate(d: Date): string {
  // Memoised on the millisecond: a batch of simulated requests shares one clock reading.
  const ms = d.getTime();
  if (ms !== lastDateMs) {
    lastDateMs = ms;
    lastDate = d.toUTCString();
  }
  return lastDate;
}
let lastDateMs = NaN;
let lastDate = '';

function header(req: HttpRequest, name: string): string | undefined {
  const n = name.toLowerCase();
  for (const [k, v] of req.headers) if (k.toLowerCase() === n) return v;
  return undefined;
}

function text(status: number, body: string, extra: [string, string][] = []): HttpResponse {
  return { status, reason: REASONS[status] ?? 'OK', headers: [...extra, ['Content-Length', String(Buffer.byteLength(body))]], body };
}

// nginx's stock index.html (docker nginx image, 1.21 and later): 615 bytes.
export const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** nginx's $time_local: 22/Nov/2026:01:30:00 +0000. */
function nginxTime(d: Date): string {
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

function nginx(proc: ServerProcess, req: HttpRequest, ctx: AppContext): AppAnswer {
  const version = proc.params.version;
  const server: [string, string] = ['Server', `nginx/${version}`];
  const date: [string, string] = ['Date', httpDate(ctx.now)];
  let res: HttpResponse;
  const path = req.path.split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const body = `<html>\n<head><title>405 Not Allowed</title></head>\n<body>\n<center><h1>405 Not Allowed</h1></center>\n<hr><center>nginx/${version}</center>\n</body>\n</html>\n`;
    res = { status: 405, reason: 'Not Allowed', headers: [server, date, ['Content-Type', 'text/html'], ['Content-Length', String(body.length)], ['Connection', 'keep-alive']], body };
  } else if (path === '/' || path === '/index.html') {
    res = {
      status: 200,
      reason: 'OK',
      headers: [server, date, ['Content-Type', 'text/html'], ['Content-Length', '615'], ['Last-Modified', 'Tue, 26 Nov 2024 15:55:00 GMT'], ['Connection', 'keep-alive'], ['ETag', '"6745ef54-267"'], ['Accept-Ranges', 'bytes']],
      body: NGINX_WELCOME,
    };
  } else {
    const body = `<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n<hr><center>nginx/${version}</center>\n</body>\n</html>\n`;
    res = { status: 404, reason: 'Not Found', headers: [server, date, ['Content-Type', 'text/html'], ['Content-Length', String(body.length)], ['Connection', 'keep-alive']], body };
  }
  // The docker image's log_format main: $remote_addr - $remote_user [$time_local] "$request" $status
  // $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for".
  const sent = req.method === 'HEAD' ? 0 : Buffer.byteLength(res.body);
  const log = `${ctx.clientIP} - - [${nginxTime(ctx.now)}] "${req.method} ${req.path} HTTP/1.1" ${res.status} ${sent} "${header(req, 'Referer') ?? '-'}" "${header(req, 'User-Agent') ?? '-'}" "${header(req, 'X-Forwarded-For') ?? '-'}"`;
  return { response: res, log };
}

/** Node's http server reports IPv4 clients as IPv4-mapped IPv6 (the socket is dual-stack). */
const mapped = (ip: string) => (ip.includes(':') ? ip : `::ffff:${ip}`);

function nodeHeaders(ctx: AppContext): [string, string][] {
  return [['Date', httpDate(ctx.now)], ['Connection', 'keep-alive'], ['Keep-Alive', 'timeout=5'], ['Transfer-Encoding', 'chunked']];
}

// kiada 0.1's app.js: logs "Received request for <url> from <remoteAddress>".
function kiada(proc: ServerProcess, req: HttpRequest, ctx: AppContext): AppAnswer {
  const body = `Kiada version ${proc.params.version}. Request processed by "${ctx.hostname}". Client IP: ${mapped(ctx.clientIP)}\n`;
  return { response: { status: 200, reason: 'OK', headers: nodeHeaders(ctx), body }, log: `Received request for ${req.path} from ${mapped(ctx.clientIP)}` };
}

// kubia's app.js: logs "Received request from <remoteAddress>".
function kubia(_proc: ServerProcess, _req: HttpRequest, ctx: AppContext): AppAnswer {
  const body = `You've hit ${ctx.hostname}\n`;
  return { response: { status: 200, reason: 'OK', headers: nodeHeaders(ctx), body }, log: `Received request from ${mapped(ctx.clientIP)}` };
}

// The workshop's demo app (a small Go server): one line per request in Go's log format.
function demo(_proc: ServerProcess, req: HttpRequest, ctx: AppContext): AppAnswer {
  const body = `Hello from ${ctx.hostname} at ${ctx.podIP} back to ${ctx.clientIP}\n`;
  return {
    response: text(200, body, [['Date', httpDate(ctx.now)], ['Content-Type', 'text/plain; charset=utf-8']]),
    log: `${goLogTime(ctx.now)} ${req.method} ${req.path} from ${ctx.clientIP}:${ctx.clientPort}`,
  };
}

/** Go's log package default prefix: 2026/11/22 01:30:00. */
function goLogTime(d: Date): string {
  return `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

// hashicorp/http-echo: answers -text with a newline; logs host, client, request line, status and size.
function httpEcho(proc: ServerProcess, req: HttpRequest, ctx: AppContext): AppAnswer {
  const body = `${proc.params.text}\n`;
  const res = text(200, body, [['X-App-Name', 'http-echo'], ['X-App-Version', '1.0.0'], ['Date', httpDate(ctx.now)], ['Content-Type', 'text/plain; charset=utf-8']]);
  const log = `${goLogTime(ctx.now)} ${header(req, 'Host') ?? ''} ${ctx.clientIP}:${ctx.clientPort} "${req.method} ${req.path} HTTP/1.1" 200 ${body.length} "${header(req, 'User-Agent') ?? ''}" 12.4µs`;
  return { response: res, log };
}

// agnhost netexec: /hostname, /clientip (ip:port), /echo?msg=, /header?key=NAME (that request header), / (NOW: timestamp); logs "GET /path".
function agnhost(_proc: ServerProcess, req: HttpRequest, ctx: AppContext): AppAnswer {
  const [path, query = ''] = req.path.split('?');
  const q = new URLSearchParams(query);
  let res: HttpResponse;
  if (path === '/hostname') res = text(200, ctx.hostname);
  else if (path === '/clientip') res = text(200, `${ctx.clientIP}:${ctx.clientPort}`);
  else if (path === '/echo') res = text(200, q.get('msg') ?? '');
  else if (path === '/header') res = text(200, req.headers.find(([k]) => k.toLowerCase() === (q.get('key') ?? '').toLowerCase())?.[1] ?? '');
  else if (path === '/healthz') res = text(200, '');
  else if (path === '/') res = text(200, `NOW: ${ctx.now.toISOString().replace('T', ' ').replace('Z', ' +0000 UTC')}`);
  else res = text(404, '404 page not found\n', [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff']]);
  return { response: res, log: `${req.method} ${req.path}` };
}

function serveHostname(_proc: ServerProcess, _req: HttpRequest, ctx: AppContext): AppAnswer {
  return { response: text(200, ctx.hostname) };
}

// CoreDNS answers DNS, not HTTP; its health (8080 /health) and ready (8181 /ready) ports answer "OK".
function coredns(_proc: ServerProcess, req: HttpRequest, ctx: AppContext): AppAnswer {
  if (ctx.port === 8080 && req.path === '/health') return { response: text(200, 'OK') };
  if (ctx.port === 8181 && req.path === '/ready') return { response: text(200, 'OK') };
  if (ctx.port === 9153) return { response: text(200, '# HELP coredns_build_info A metric with a constant \'1\' value.\n') };
  return { response: text(404, '404 page not found\n') };
}

function userApp(_proc: ServerProcess, req: HttpRequest, ctx: AppContext): AppAnswer {
  const fill = (t: string) =>
    t.replace(/\{(hostname|podIP|clientIP|method|path)\}/g, (_m, k: string) => ({ hostname: ctx.hostname, podIP: ctx.podIP, clientIP: ctx.clientIP, method: req.method, path: req.path })[k as 'path']);
  const user = ctx.user;
  const body = fill(user?.response ?? '');
  return { response: text(200, body, [['Date', httpDate(ctx.now)]]), log: fill(user?.log ?? '{method} {path} from {clientIP}') };
}

const APPS: Record<string, (proc: ServerProcess, req: HttpRequest, ctx: AppContext) => AppAnswer> = {
  nginx,
  kiada,
  kubia,
  demo,
  'http-echo': httpEcho,
  agnhost,
  'serve-hostname': serveHostname,
  coredns,
  user: userApp,
};

/** The app's answer to one request. */
export function answer(proc: ServerProcess, req: HttpRequest, ctx: AppContext): AppAnswer {
  return (own(APPS, proc.app) ?? userApp)(proc, req, ctx);
}

/** Lines the app prints when it starts (shown first by `kubectl logs`). */
export function startupLog(proc: ServerProcess, hostname: string): string[] {
  switch (proc.app) {
    case 'kiada':
      return ['Kiada - Kubernetes in Action Demo Application', '---------------------------------------------', `Kiada ${proc.params.version} starting...`, `Local hostname is ${hostname}`, 'Listening on port 8080'];
    case 'kubia':
      return ['Kubia server starting...'];
    case 'nginx':
      return [
        '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
        '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
        '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
        '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
        '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
        '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
        '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
        '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
        '/docker-entrypoint.sh: Configuration complete; ready for start up',
      ];
    case 'http-echo':
      return [`[INFO] server is listening on ${proc.listens[0].bind === 'loopback' ? '127.0.0.1' : ''}:${proc.listens[0].port}`];
    case 'demo':
      return [`Listening on :${proc.listens[0].port}`];
    case 'agnhost':
      return ['I1122 01:30:00.000000       1 log.go:245] Started HTTP server on port ' + proc.listens[0].port, 'I1122 01:30:00.000000       1 log.go:245] Started UDP server on port  8081'];
    case 'coredns':
      return ['.:53', '[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908', 'CoreDNS-1.11.3', 'linux/amd64, go1.21.11, a6338e9'];
  }
  return [];
}
