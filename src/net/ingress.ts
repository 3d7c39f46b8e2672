// The simulated ingress-nginx controller's nginx: an HTTP request that reached its pod on port 80/443 is
// routed by Host and path over every Ingress of class nginx, then proxied to one endpoint of the backend
// Service directly (the controller reads EndpointSlices; the ClusterIP is not used), from the controller pod,
// with X-Forwarded-For/X-Real-IP. Unmatched requests get nginx's 404 page, a backend without endpoints 503,
// cookie affinity pins a client that sends the cookie back, rewrite-target rewrites the upstream path.
import { createHash } from 'node:crypto';
import type { Ingress, KubeObject } from '../api/types.js';
import type { HttpRequest, HttpResponse } from '../apps/servers.js';
import { servedByNginx } from '../cluster/ingress-nginx.js';
import { listObjects } from '../store/objects.js';
import { connect, exchange, type Conn, type Net } from './engine.js';
import { readyBackends, type PodHost } from './topology.js';

type Spec = NonNullable<Ingress['spec']>;
type Backend = NonNullable<Spec['defaultBackend']>;

interface Route {
  ing: Ingress & KubeObject;
  host: string;
  path: string;
  pathType: string;
  backend: Backend;
}

const REASONS: Record<number, string> = { 404: 'Not Found', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' };

/** nginx's own error page (the controller hides its version). */
export function nginxPage(status: number, now: Date): HttpResponse {
  const title = `${status} ${REASONS[status]}`;
  const body = `<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${title}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n`;
  return { status, reason: REASONS[status], headers: [['Date', now.toUTCString()], ['Content-Type', 'text/html'], ['Content-Length', String(body.length)], ['Connection', 'keep-alive']], body };
}

/** A host rule: exact, or `*.domain` covering exactly one more label. */
function hostMatches(rule: string, host: string): boolean {
  if (rule.startsWith('*.')) {
    const rest = rule.slice(1);
    return host.endsWith(rest) && host.length > rest.length && !host.slice(0, -rest.length).includes('.');
  }
  return rule === host;
}

/** Prefix matching is by path element ("/foo" covers "/foo" and "/foo/bar", not "/foobar"). */
function pathMatches(r: Route, path: string): boolean {
  if (r.pathType === 'Exact') return path === r.path;
  if (rewriteTarget(r.ing) !== undefined || r.ing.metadata.annotations?.['nginx.ingress.kubernetes.io/use-regex'] === 'true') return regexOf(r.path)?.test(path) ?? false;
  if (r.pathType === 'ImplementationSpecific') return path.startsWith(r.path);
  const p = r.path.replace(/\/+$/, '');
  return p === '' || path === p || path.startsWith(`${p}/`);
}

function regexOf(path: string): RegExp | undefined {
  try {
    return new RegExp(`^${path}`, 'i');
  } catch {
    return undefined;
  }
}

function rewriteTarget(ing: Ingress & KubeObject): string | undefined {
  return ing.metadata.annotations?.['nginx.ingress.kubernetes.io/rewrite-target'];
}

function routes(net: Net): Route[] {
  const out: Route[] = [];
  for (const ing of listObjects<Ingress>(net.state, 'ingresses')) {
    if (!servedByNginx(ing)) continue;
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        if (p.backend) out.push({ ing, host: rule.host ?? '', path: p.path ?? '/', pathType: p.pathType ?? 'ImplementationSpecific', backend: p.backend });
      }
    }
  }
  return out;
}

/** nginx's choice: the server for the host (exact before wildcard before catch-all), then the longest path. */
function route(net: Net, host: string, path: string): { route?: Route; fallback?: { ing: Ingress & KubeObject; backend: Backend } } {
  const all = routes(net);
  const exact = all.filter((r) => r.host === host);
  const wild = all.filter((r) => r.host.startsWith('*.') && hostMatches(r.host, host));
  const server = exact.length ? exact : wild.length ? wild : all.filter((r) => r.host === '');
  const hits = server.filter((r) => pathMatches(r, path));
  hits.sort((a, b) => (a.pathType === 'Exact' ? 0 : 1) - (b.pathType === 'Exact' ? 0 : 1) || b.path.length - a.path.length);
  if (hits.length) return { route: hits[0] };
  for (const ing of listObjects<Ingress>(net.state, 'ingresses')) {
    if (servedByNginx(ing) && ing.spec?.defaultBackend) return { fallback: { ing, backend: ing.spec.defaultBackend } };
  }
  return {};
}

function header(req: HttpRequest, name: string): string | undefined {
  return req.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

function endpointHash(ip: string, port: number): string {
  return createHash('md5').update(`${ip}:${port}`).digest('hex');
}

/** Answers a request that reached the controller pod `ctrl` on `conn`. */
export function proxyIngress(net: Net, conn: Conn, ctrl: PodHost, req: HttpRequest): HttpResponse {
  const now = net.ctx.clock.now();
  const trace = conn.trace;
  const note = (text: string) => {
    if (net.trace) trace.push({ stage: 'app', text });
  };
  const host = (header(req, 'Host') ?? '').replace(/:\d+$/, '').toLowerCase();
  const [path, query] = [req.path.split('?')[0], req.path.includes('?') ? req.path.slice(req.path.indexOf('?')) : ''];
  const m = route(net, host, path);
  const chosen = m.route ?? m.fallback;
  if (!chosen) {
    note(`ingress-nginx in pod ${ctrl.key}: no Ingress rule matches host "${host}" path ${path} and no default backend: 404`);
    return nginxPage(404, now);
  }
  const ing = chosen.ing;
  const ns = ing.metadata.namespace ?? 'default';
  const svcRef = chosen.backend.service;
  const ruleText = m.route ? `Ingress ${ns}/${ing.metadata.name} rule host "${m.route.host || '*'}" path ${m.route.path} (${m.route.pathType})` : `the default backend of Ingress ${ns}/${ing.metadata.name}`;
  const svc = svcRef ? net.topo.services.get(`${ns}/${svcRef.name}`) : undefined;
  const sp = svc?.spec?.ports?.find((p) => (svcRef?.port?.number !== undefined ? p.port === svcRef.port.number : p.name === svcRef?.port?.name));
  const backends = sp ? readyBackends(net.topo.serviceSlices.get(`${ns}/${svcRef!.name}`) ?? [], sp.name ?? '', sp.protocol ?? 'TCP') : [];
  if (backends.length === 0) {
    note(`ingress-nginx in pod ${ctrl.key}: ${ruleText} -> service ${svcRef?.name ?? '?'}: ${!svc ? 'no such Service' : !sp ? 'the Service has no such port' : 'no ready endpoints'}: 503`);
    return nginxPage(503, now);
  }
  const ann = ing.metadata.annotations ?? {};
  const affinity = ann['nginx.ingress.kubernetes.io/affinity'] === 'cookie';
  const cookieName = ann['nginx.ingress.kubernetes.io/session-cookie-name'] ?? 'INGRESSCOOKIE';
  let b = undefined as (typeof backends)[number] | undefined;
  let setCookie: string | undefined;
  if (affinity) {
    const sent = (header(req, 'Cookie') ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith(`${cookieName}=`))?.slice(cookieName.length + 1);
    const key = sent?.split('|').pop();
    b = key ? backends.find((x) => endpointHash(x.ip, x.port) === key) : undefined;
    if (b) note(`ingress-nginx: cookie ${cookieName} pins this client to ${b.ip}:${b.port}`);
  }
  if (!b) {
    b = backends.length === 1 ? backends[0] : backends[net.ctx.random.int(backends.length)];
    note(`ingress-nginx in pod ${ctrl.key}: ${ruleText} -> service ${svcRef!.name} port ${sp!.port}: endpoint ${b.ip}:${b.port} (of ${backends.length} ready, straight to the pod, not via the ClusterIP)`);
    if (affinity) {
      const secs = Math.floor(now.getTime() / 1000);
      setCookie = `${cookieName}=${secs}.${String(now.getTime() % 1000).padStart(3, '0')}.${net.ctx.random.int(1000)}.${net.ctx.random.int(1000000)}|${endpointHash(b.ip, b.port)}; Path=${m.route?.path ?? '/'}; HttpOnly`;
    }
  }
  let upstreamPath = path;
  const target = rewriteTarget(ing);
  if (target !== undefined && m.route) {
    const mm = regexOf(m.route.path)?.exec(path);
    if (mm) upstreamPath = target.replace(/\$(\d)/g, (_s, d: string) => mm[Number(d)] ?? '') || '/';
    note(`ingress-nginx: rewrite-target ${target}: upstream path ${upstreamPath}`);
  }
  const c = connect(net, { kind: 'pod', pod: ctrl }, b.ip, b.port, 'TCP', []);
  if (c.flow) {
    c.flow.what = `ingress-nginx proxies ${req.method} ${host}${path} upstream`;
    if (conn.flow) c.flow.parentSeq = conn.flow.seq;
  }
  for (const h of c.trace) trace.push(h);
  if (c.kind === 'timeout') return nginxPage(504, now);
  if (c.kind === 'refused') return nginxPage(502, now);
  const client = conn.seenIP;
  const fwd: [string, string][] = [
    ['Host', header(req, 'Host') ?? host],
    ['X-Request-ID', createHash('md5').update(`${now.getTime()}|${net.ctx.random.int(1 << 30)}`).digest('hex')],
    ['X-Real-IP', client],
    ['X-Forwarded-For', client],
    ['X-Forwarded-Host', host],
    ['X-Forwarded-Port', String(conn.dstPort)],
    ['X-Forwarded-Proto', 'http'],
    ['X-Forwarded-Scheme', 'http'],
    ['X-Scheme', 'http'],
    ...req.headers.filter(([k]) => !['host', 'x-forwarded-for', 'x-real-ip'].includes(k.toLowerCase())),
  ];
  const seen = c.conn.trace.length;
  const res = exchange(net, c.conn, { method: req.method, path: upstreamPath + query, headers: fwd, body: req.body });
  for (const h of c.conn.trace.slice(seen)) trace.push(h);
  const headers: [string, string][] = [['Date', now.toUTCString()], ...res.headers.filter(([k]) => !['date', 'connection'].includes(k.toLowerCase())), ['Connection', 'keep-alive']];
  if (setCookie) headers.push(['Set-Cookie', setCookie]);
  const log = `${client} - - [${clf(now)}] "${req.method} ${req.path} HTTP/1.1" ${res.status} ${Buffer.byteLength(res.body)} "-" "${header(req, 'User-Agent') ?? '-'}" ${80 + req.path.length} 0.002 [${ns}-${svcRef!.name}-${sp!.port}] [] ${b.ip}:${b.port} ${Buffer.byteLength(res.body)} 0.002 ${res.status} ${fwd[1][1]}`;
  (net.state.logs[`${ctrl.key}/controller`] ??= []).push({ time: now.toISOString().replace('Z', '000000Z'), line: log });
  return { ...res, headers };
}

function clf(d: Date): string {
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
