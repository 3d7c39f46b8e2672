// `kubesim serve`'s HTTPS server: the Kubernetes REST API over the simulated cluster, for the real kubectl,
// Helm and client libraries. It is an edge, as src/forward/ is: no cluster logic lives here. Reads come from
// the state as last committed; writes go through the CLI's session (the same lock, the same apiserver and
// controller code), so kubectl and kubesim can be used side by side on one state. Changes made by other
// processes are noticed when their commit renames a new head file into place (fs.watch on its directory: at
// once, and nothing is read while the state is quiet), with polling of the head's fingerprint as a fallback
// where file watching does not work.
import { timingSafeEqual } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import { headSignature } from '../store/layout.js';
import { KubeError, StatusError, badRequest } from '../api/errors.js';
import { apiVersionOf } from '../api/resources.js';
import type { KubeObject, Pod } from '../api/types.js';
import type { CliIO } from '../cli/io.js';
import type { Session } from '../cli/session.js';
import type { Ctx } from '../cluster/context.js';
import { isSettled } from '../cluster/settled.js';
import { readState } from '../store/store.js';
import { getObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { aggregatedDiscovery, apiGroupList, apiGroupOf, apiVersions, resourceList } from './discovery.js';
import { ChangeFeed, type WatchEvent } from './feed.js';
import * as rest from './rest.js';
import { tableVersion, toTable, wantsTable } from './table.js';

export interface ServerOptions {
  session: Session;
  address: string;
  port: number;
  token: string;
  /** PEM serving certificate and key; plain HTTP without them (tests of the handlers only). */
  tls?: { cert: string; key: string };
  /**
   * How often the state's head file is checked for commits made by other processes; default 50 ms when the
   * head cannot be watched, 1 s as a safety net when it is.
   */
  pollMs?: number;
  /** How often an unsettled cluster is reconciled and saved, so time-driven changes reach watchers. */
  tickMs?: number;
}

/** The body limit of the real API server (3 MiB). */
const MAX_BODY = 3 * 1024 * 1024;
/** A watch without timeoutSeconds ends after this long (kube-apiserver's --min-request-timeout). */
const DEFAULT_WATCH_SECONDS = 1800;
const BOOKMARK_MS = 15_000;

class Unsaved<T> {
  constructor(readonly result: T) {}
}

const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** The type kube-apiserver answers it with. */
const OPENAPI_V2_PROTOBUF_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

type WriteFn<T> = (state: ClusterState, ctx: Ctx) => Promise<{ result: T; stored: boolean }>;
interface GroupEntry {
  fn: WriteFn<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}
/** At most this many REST writes share one commit. */
const MAX_GROUP = 100;

const DISCOVERY_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export class KubesimServer {
  readonly feed = new ChangeFeed();
  private server?: Server;
  private cache?: { sig: string; state: ClusterState };
  private writes: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private headWatcher?: FSWatcher;
  /** The REST writes waiting for the commit being made now (see writeGrouped). */
  private group?: GroupEntry[];
  private readonly streams = new Set<ServerResponse>();
  private ticking = false;
  /** Called with each newly committed state (logs -f follows the state this way). */
  private readonly commitListeners = new Set<(state: ClusterState) => void>();
  private readonly tokenBytes: Buffer;
  /** When (real ms) this server first saw each terminating namespace, by uid (see finishNamespaces). */
  private readonly terminatingSince = new Map<string, number>();

  constructor(private readonly o: ServerOptions) {
    this.tokenBytes = Buffer.from(o.token);
  }

  get statePath(): string {
    return this.o.session.statePath;
  }

  /** Listens; resolves with the port (an ephemeral one when port is 0). */
  async start(): Promise<number> {
    // The cluster exists before the first request (a first command creates the default one), and whatever
    // time has done to it is saved, so the first answers are those of a committed state.
    await this.o.session.read();
    await this.tick();
    await this.current();
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    if (this.o.tls) {
      const { createServer } = await import('node:https');
      this.server = createServer({ cert: this.o.tls.cert, key: this.o.tls.key }, handler);
    } else {
      const { createServer } = await import('node:http');
      this.server = createServer(handler);
    }
    const server = this.server;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const watched = this.watchHead();
    this.timers.push(setInterval(() => void this.poll(), this.o.pollMs ?? (watched ? 1000 : 50)));
    this.timers.push(setInterval(() => void this.tick(), this.o.tickMs ?? 500));
    for (const t of this.timers) t.unref();
    return (server.address() as AddressInfo).port;
  }

  /** Ends every watch, stops listening and waits for the last write to finish. */
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.headWatcher?.close();
    this.headWatcher = undefined;
    for (const s of this.streams) s.end();
    this.streams.clear();
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await this.writes.catch(() => undefined);
  }

  // ---- the state ----

  private signature(): string {
    return headSignature(this.statePath);
  }

  /** The state as last committed (read again only when its head file changed); watchers hear of changes. */
  private async current(): Promise<ClusterState> {
    const sig = this.signature();
    if (this.cache && this.cache.sig === sig) return this.cache.state;
    const state = readState(this.statePath) ?? (await this.o.session.read()).state;
    this.cache = { sig, state };
    this.noteTerminating(state);
    this.feed.sync(state);
    for (const l of this.commitListeners) l(state);
    return state;
  }

  /**
   * Watches the head's directory (a commit renames a new head over the old one, which ends a watch on the file
   * itself); false when the platform cannot, and polling alone must do.
   */
  private watchHead(): boolean {
    const head = basename(this.statePath);
    try {
      const w = watch(dirname(this.statePath), { persistent: false }, (_event, file) => {
        if (file === null || String(file) === head) void this.poll();
      });
      w.on('error', () => {
        // Watching stopped (the directory went away, a limit was hit): polling carries on at its fast rate.
        w.close();
        if (this.headWatcher === w && this.o.pollMs === undefined) {
          this.headWatcher = undefined;
          const t = setInterval(() => void this.poll(), 50);
          t.unref();
          this.timers.push(t);
        }
      });
      this.headWatcher = w;
      return true;
    } catch {
      return false;
    }
  }

  private async poll(): Promise<void> {
    if ((!this.feed.watchers && !this.commitListeners.size) || this.signature() === this.cache?.sig) return;
    try {
      await this.current();
    } catch {
      // A state that cannot be read now (being replaced, damaged) is tried again at the next poll.
    }
  }

  /** Time moves the cluster on (pods start, probes pass): save what it changed so watchers see it. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    const state = this.cache?.state;
    if (state && isSettled(state)) return;
    this.ticking = true;
    try {
      await this.writeGrouped(async (state, ctx) => {
        await this.finishNamespaces(state, ctx);
        return { result: undefined, stored: true };
      });
    } catch {
      // Retried at the next tick.
    } finally {
      this.ticking = false;
    }
  }

  /** The terminating namespaces the controllers still have to finish (state.unsettled names them). */
  private terminating(state: ClusterState): KubeObject[] {
    const out: KubeObject[] = [];
    for (const u of state.unsettled ?? []) {
      const ns = u.startsWith('namespaces/') ? getObject(state, 'namespaces', undefined, u.slice(11)) : undefined;
      if (ns) out.push(ns);
    }
    return out;
  }

  /** Starts the real-time grace period of each namespace that has turned Terminating since the last look. */
  private noteTerminating(state: ClusterState): void {
    const now = Date.now();
    const uids = new Set<string>();
    for (const ns of this.terminating(state)) {
      const uid = ns.metadata.uid ?? '';
      uids.add(uid);
      if (!this.terminatingSince.has(uid)) this.terminatingSince.set(uid, now);
    }
    for (const uid of [...this.terminatingSince.keys()]) if (!uids.has(uid)) this.terminatingSince.delete(uid);
  }

  /**
   * The namespace controller empties a namespace 5 seconds after its deletion. kubectl's requests come in real
   * time, the cluster's clock may be fixed (KUBESIM_NOW): once that grace period has passed in real time since
   * this server saw the namespace turn Terminating, the simulated clock is moved on to it, as the time a client
   * waited, and the controllers run. Until then kubectl's later requests (delete -k) still find its objects.
   */
  private async finishNamespaces(state: ClusterState, ctx: Ctx): Promise<void> {
    const terminating = this.terminating(state);
    if (!terminating.length) return;
    this.noteTerminating(state);
    const { NAMESPACE_DELETION_GRACE_MS, namespaceDueAt } = await import('../cluster/namespaces.js');
    let aheadMs = 0;
    for (const ns of terminating) {
      if (Date.now() - (this.terminatingSince.get(ns.metadata.uid ?? '') ?? Date.now()) < NAMESPACE_DELETION_GRACE_MS) continue;
      aheadMs = Math.max(aheadMs, (namespaceDueAt(ns) ?? 0) - ctx.clock.now().getTime());
    }
    if (aheadMs <= 0) return;
    state.clockOffsetMs = (state.clockOffsetMs ?? 0) + aheadMs;
    (await import('../cluster/controllers.js')).reconcile(state, ctx);
  }

  /** One write at a time through the CLI's session (the state lock); nothing is saved unless stored. */
  private write<T>(fn: WriteFn<T>): Promise<T> {
    const run = () => this.commitOne(fn);
    const p = this.writes.then(run, run);
    this.writes = p.catch(() => undefined);
    return p;
  }

  private async commitOne<T>(fn: WriteFn<T>): Promise<T> {
    try {
      return await this.o.session.change(async (state, ctx) => {
        const r = await fn(state, ctx);
        if (!r.stored) throw new Unsaved(r.result);
        return r.result;
      });
    } catch (e) {
      if (e instanceof Unsaved) return e.result as T;
      throw e;
    } finally {
      await this.current().catch(() => undefined);
    }
  }

  /**
   * A write that only changes the state (the REST verbs, the clock's tick): those that arrive while another
   * commit is being made are committed together in the next one, in arrival order, so a commit's fsyncs are
   * paid once per group rather than once per request (a few ms each on most disks; writes from many clients
   * would queue behind them). Should any write of a group fail or store nothing, the group is abandoned,
   * unsaved, and its writes are made again one at a time: each then succeeds or fails exactly as alone.
   */
  private writeGrouped<T>(fn: WriteFn<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = { fn: fn as WriteFn<unknown>, resolve: resolve as (v: unknown) => void, reject };
      if (this.group && this.group.length < MAX_GROUP) {
        this.group.push(entry);
        return;
      }
      const group = [entry];
      this.group = group;
      const run = async () => {
        // A commit blocks the event loop (its fsyncs), so the requests that came meanwhile are read only now:
        // the group waits for this turn of the loop to hand them in, then is closed; later ones start the next.
        await new Promise<void>((r) => setImmediate(r));
        if (this.group === group) this.group = undefined;
        await this.commitGroup(group);
      };
      const p = this.writes.then(run, run);
      this.writes = p.catch(() => undefined);
    });
  }

  private async commitGroup(group: GroupEntry[]): Promise<void> {
    if (group.length > 1) {
      let results: unknown[] | undefined;
      try {
        results = await this.o.session.change(async (state, ctx) => {
          const out: unknown[] = [];
          for (const w of group) {
            const r = await w.fn(state, ctx);
            if (!r.stored) throw new Unsaved(undefined);
            // A copy: a later write of the group may change the object this answer holds.
            out.push(structuredClone(r.result));
          }
          return out;
        });
      } catch {
        results = undefined;
      } finally {
        await this.current().catch(() => undefined);
      }
      if (results) {
        group.forEach((w, i) => w.resolve(results[i]));
        return;
      }
    }
    for (const w of group) {
      try {
        w.resolve(await this.commitOne(w.fn));
      } catch (e) {
        w.reject(e);
      }
    }
  }

  // ---- requests ----

  private authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    if (!m) return false;
    const given = Buffer.from(m[1]);
    return given.length === this.tokenBytes.length && timingSafeEqual(given, this.tokenBytes);
  }

  private send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', warnings: string[] = [], etag?: string): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const headers: Record<string, string | number | string[]> = { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' };
    if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    if (etag) headers.ETag = `"${etag}"`;
    res.writeHead(code, headers);
    res.end(text);
  }

  private sendError(res: ServerResponse, e: unknown, target?: rest.Target): void {
    const status = rest.statusOf(e, target);
    this.send(res, status.code, status);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let target: rest.Target | undefined;
    try {
      const url = new URL(req.url ?? '/', 'https://kubesim.invalid');
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      const method = req.method ?? 'GET';
      if (path === '/livez' || path === '/readyz' || path === '/healthz') return this.send(res, 200, 'ok', 'text/plain; charset=utf-8');
      if (path === '/version') return this.send(res, 200, await this.version());
      if (!this.authorized(req)) {
        req.resume();
        return this.send(res, 401, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      }
      const accept = String(req.headers.accept ?? '');
      if (method === 'GET' && path.startsWith('/openapi/')) return await this.openAPI(res, path, accept);
      if (method === 'GET') {
        const doc = this.discovery(path, accept);
        if (doc) return this.send(res, 200, doc.body, doc.contentType);
      }
      if (method === 'POST' && path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') return this.send(res, 201, accessReview(await readBody(req), req));
      target = rest.parseTarget(path);
      if (!target) throw rest.pathNotFound();
      if (method === 'GET') return await this.read(req, res, target, url.searchParams, accept);
      const body = await readBody(req);
      let contentType = String(req.headers['content-type'] ?? 'application/json');
      // An eviction is named by its URL alone, so its (protobuf) body need not be read. client-go retries a
      // CBOR body as JSON after a 415, but never a protobuf one: typed clients' bodies are read here.
      if (target.sub !== 'eviction' && /cbor/i.test(contentType)) throw new StatusError('UnsupportedMediaType', 415, `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
      if (target.sub !== 'eviction' && method !== 'PATCH' && /^application\/vnd\.kubernetes\.protobuf\s*(;|$)/i.test(contentType)) {
        const { decodeProtobufBody } = await import('./protobuf.js');
        const info = target.sub === 'scale' ? { apiVersion: 'autoscaling/v1', kind: 'Scale' } : { apiVersion: rest.servedVersion(target), kind: target.info.kind };
        body.text = JSON.stringify(await decodeProtobufBody(body.bytes, info));
        contentType = 'application/json';
      }
      const request: rest.WriteRequest = { target, params: url.searchParams, contentType, text: body.text, body: undefined, userAgent: String(req.headers['user-agent'] ?? '') };
      if (method !== 'PATCH' && target.sub !== 'eviction' && body.text.trim() !== '') request.body = await parseBody(body.text, request.contentType);
      const t = target;
      const warnings: string[] = [];
      let result: rest.WriteResult;
      if (method === 'POST' && t.sub === 'eviction') result = await this.writeGrouped(async (s, c) => wrap(rest.evict(s, c, request)));
      else if (method === 'POST' && t.sub === undefined) {
        const obj = await rest.prepareCreate(request, warnings);
        result = await this.writeGrouped(async (s, c) => wrap(rest.create(s, c, request, obj)));
      } else if (method === 'PUT') {
        const obj = await rest.prepareUpdate(request, warnings);
        result = await this.writeGrouped(async (s, c) => wrap(await rest.update(s, c, request, obj)));
      } else if (method === 'PATCH') {
        result = await this.writeGrouped(async (s, c) => wrap(await rest.patch(s, c, request)));
      } else if (method === 'DELETE') {
        if (body.text.trim() !== '') request.body = await parseBody(body.text, 'application/json');
        result = await this.writeGrouped(async (s, c) => wrap(rest.remove(s, c, request)));
      } else {
        throw new StatusError('MethodNotAllowed', 405, 'the server does not allow this method on the requested resource');
      }
      return this.send(res, result.code, rest.asServed(t, result.body), 'application/json', [...warnings, ...result.warnings]);
    } catch (e) {
      return this.sendError(res, e, target);
    }
  }

  /** A connection upgrade: pods/exec, attach and portforward over WebSocket; anything else is refused with a Status. */
  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    const { handleExec } = await import('./exec.js');
    const refuse = (e: unknown) => {
      const status = rest.statusOf(e);
      const body = JSON.stringify(status);
      socket.end(`HTTP/1.1 ${status.code} ${status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    try {
      if (!this.authorized(req)) return refuse(new StatusError('Unauthorized', 401, 'Unauthorized'));
      const url = new URL(req.url ?? '/', 'https://kubesim.invalid');
      const target = rest.parseTarget(url.pathname.replace(/\/+$/, ''));
      if (!target) throw rest.pathNotFound();
      const onCommit = (l: (state: ClusterState) => void) => {
        this.commitListeners.add(l);
        return () => void this.commitListeners.delete(l);
      };
      const host = { current: () => this.current(), write: <T>(fn: (state: ClusterState, ctx: Ctx) => Promise<{ result: T; stored: boolean }>) => this.write(fn), env: this.o.session.env, onCommit };
      if (target.info.resource === 'pods' && target.sub === 'portforward') {
        const { handlePortForward } = await import('./portforward.js');
        return await handlePortForward({ statePath: this.statePath, clock: this.o.session.clock, current: () => this.current() }, req, socket, head, target);
      }
      await handleExec(host, req, socket, head, target, url.searchParams);
    } catch (e) {
      refuse(e);
    }
  }

  private async version(): Promise<object> {
    const state = await this.current();
    const v = state.cluster.kubernetesVersion;
    const [, minor] = /^v?\d+\.(\d+)/.exec(v) ?? ['', '32'];
    return { major: '1', minor, gitVersion: v, gitCommit: '', gitTreeState: 'clean', buildDate: '', goVersion: '', compiler: 'gc', platform: 'linux/amd64' };
  }

  private discovery(path: string, accept: string): { body: unknown; contentType?: string } | undefined {
    const aggregated = accept.split(',').some((p) => p.includes('g=apidiscovery.k8s.io') && /v=v2(;|$)/.test(p.replace(/\s/g, '')));
    if (path === '/api') return aggregated ? { body: aggregatedDiscovery(true), contentType: DISCOVERY_V2 } : { body: apiVersions(this.serverAddress()) };
    if (path === '/apis') return aggregated ? { body: aggregatedDiscovery(false), contentType: DISCOVERY_V2 } : { body: apiGroupList() };
    if (path === '/api/v1') return { body: resourceList('', 'v1') };
    let m = /^\/apis\/([^/]+)$/.exec(path);
    if (m) {
      const g = apiGroupOf(m[1]);
      return g ? { body: g } : undefined;
    }
    m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) {
      const list = resourceList(m[1], m[2]);
      return list ? { body: list } : undefined;
    }
    return undefined;
  }

  /** The OpenAPI documents (src/server/openapi-docs.ts, loaded on the first request). */
  private async openAPI(res: ServerResponse, path: string, accept: string): Promise<void> {
    const docs = await import('./openapi-docs.js');
    if (path === '/openapi/v3') return this.send(res, 200, await docs.openAPIV3Root());
    if (path.startsWith('/openapi/v3/')) {
      const doc = await docs.openAPIV3For(path.slice('/openapi/v3/'.length));
      if (!doc) throw rest.pathNotFound();
      return this.send(res, 200, doc.text, 'application/json', [], doc.hash);
    }
    if (path === '/openapi/v2') {
      // client-go asks for the protobuf form only; others get JSON; a client that takes neither gets 406.
      const types = accept.split(',').map((t) => t.trim().split(';')[0].toLowerCase());
      if (types.includes(OPENAPI_V2_PROTOBUF)) {
        const doc = await docs.openAPIV2Protobuf();
        return this.send(res, 200, doc.bytes, OPENAPI_V2_PROTOBUF_TYPE, [], doc.hash);
      }
      if (accept && !types.some((t) => t === 'application/json' || t === '*/*' || t === 'application/*')) {
        throw new StatusError('NotAcceptable', 406, `only the following media types are accepted: application/json, ${OPENAPI_V2_PROTOBUF}`);
      }
      const doc = await docs.openAPIV2();
      return this.send(res, 200, doc.text, 'application/json', [], doc.hash);
    }
    throw rest.pathNotFound();
  }

  private serverAddress(): string {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? `${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}` : '';
  }

  private async read(req: IncomingMessage, res: ServerResponse, t: rest.Target, params: URLSearchParams, accept: string): Promise<void> {
    const state = await this.current();
    const now = this.o.session.clock.now();
    const table = wantsTable(accept);
    const include = params.get('includeObject') ?? 'Metadata';
    if (t.name === undefined) {
      if (params.get('watch') === 'true' || params.get('watch') === '1') return this.watch(req, res, t, params, state, table ? tableVersion(accept) : undefined, include);
      this.feed.track(t.info.resource, state);
      const page = rest.listPage(state, t, params);
      const rv = String(state.resourceVersion);
      if (table) return this.send(res, 200, toTable(t.info, page.items, now, { include, version: tableVersion(accept), resourceVersion: rv, continueToken: page.continueToken }));
      return this.send(res, 200, rest.asServed(t, {
        kind: `${t.info.kind}List`,
        apiVersion: apiVersionOf(t.info),
        metadata: { resourceVersion: rv, ...(page.continueToken ? { continue: page.continueToken, remainingItemCount: page.remaining } : {}) },
        items: page.items,
      }));
    }
    if (t.sub === 'log') return this.logs(res, t, params, state);
    rest.checkSubresource(t, ['status', 'scale']);
    const obj = rest.getOne(state, t);
    if (t.sub === 'scale') {
      const { SCALABLE } = await import('./discovery.js');
      if (!SCALABLE.has(t.info.resource)) throw rest.pathNotFound();
      return this.send(res, 200, await rest.scaleOf(obj));
    }
    if (table) return this.send(res, 200, toTable(t.info, [obj], now, { include, version: tableVersion(accept), resourceVersion: obj.metadata.resourceVersion }));
    return this.send(res, 200, rest.asServed(t, obj));
  }

  private async logs(res: ServerResponse, t: rest.Target, params: URLSearchParams, state: ClusterState): Promise<void> {
    if (t.info.resource !== 'pods') throw rest.pathNotFound();
    const pod = rest.getOne(state, t) as KubeObject & Pod;
    const { containerLog } = await import('../cli/logs.js');
    const { loadUserImages, pickContainer } = await import('../cli/netcli.js');
    const name = params.get('container') ?? '';
    const containers = pod.spec?.containers ?? [];
    if (!name && containers.length !== 1) throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`);
    // quiet: pickContainer writes nothing, so it is given no streams.
    const container = pickContainer(pod, name || undefined, {} as CliIO, true);
    const images = await loadUserImages(this.o.session.env);
    const previous = params.get('previous') === 'true';
    const lines = containerLog(state, pod, container, images, previous);
    const stamps = params.get('timestamps') === 'true';
    const tail = Number(params.get('tailLines') ?? -1);
    const shown = Number.isInteger(tail) && tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines;
    const text = (ls: { time: string; line: string }[]) => ls.map((l) => `${stamps ? `${l.time} ` : ''}${l.line}\n`).join('');
    if (params.get('follow') !== 'true' || previous) return this.send(res, 200, text(shown), 'text/plain');
    // follow: what there is, then each line the container writes later (a request served, from any
    // process), until the pod is gone or the client leaves.
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    res.write(text(shown));
    this.streams.add(res);
    let sent = lines.length;
    const end = () => {
      this.commitListeners.delete(follow);
      this.streams.delete(res);
      if (!res.writableEnded) res.end();
    };
    const follow = (next: ClusterState) => {
      try {
        const now = getObject(next, 'pods', pod.metadata.namespace, pod.metadata.name);
        if (!now || now.metadata.uid !== pod.metadata.uid) return end();
        const all = containerLog(next, now as KubeObject & Pod, container, images, false);
        if (all.length > sent) res.write(text(all.slice(sent)));
        sent = all.length;
      } catch {
        // A container that is restarting has no log to add yet.
      }
    };
    this.commitListeners.add(follow);
    res.on('close', end);
  }

  // ---- watch ----

  private watch(req: IncomingMessage, res: ServerResponse, t: rest.Target, params: URLSearchParams, state: ClusterState, tableAs: string | undefined, include: string): void {
    const info = t.info;
    const filter = rest.selectorFilter(info, params);
    const inScope = (o: KubeObject) => (t.namespace === undefined || o.metadata.namespace === t.namespace) && filter(o);
    const rvParam = params.get('resourceVersion') ?? '';
    const sendInitial = params.get('sendInitialEvents') === 'true';
    const bookmarks = params.get('allowWatchBookmarks') === 'true';
    const timeout = Number(params.get('timeoutSeconds') ?? DEFAULT_WATCH_SECONDS);
    if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(rvParam)}: must be a non-negative integer`);
    if (!Number.isFinite(timeout) || timeout < 0) throw badRequest(`timeoutSeconds: Invalid value: ${JSON.stringify(params.get('timeoutSeconds'))}`);
    this.feed.track(info.resource, state);
    let from = state.resourceVersion;
    const first: WatchEvent[] = [];
    let gone: number | undefined;
    if (rvParam === '' || rvParam === '0' || sendInitial) {
      for (const o of state.objects.list(info.resource) as KubeObject[]) if (inScope(o)) first.push({ type: 'ADDED', resource: info.resource, rv: Number(o.metadata.resourceVersion), object: o });
    } else {
      const since = this.feed.since(info.resource, Number(rvParam));
      if (since === 'gone') gone = this.feed.oldest(info.resource);
      else {
        from = Number(rvParam);
        first.push(...since.filter((e) => inScope(e.object)));
      }
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    // Sent now: clients wait for the headers before they consider the watch started.
    res.flushHeaders();
    this.streams.add(res);
    const now = () => this.o.session.clock.now();
    const objectOf = (o: KubeObject) => (tableAs ? toTable(info, [o], now(), { include, version: tableAs, resourceVersion: o.metadata.resourceVersion }) : rest.asServed(t, { ...o, apiVersion: apiVersionOf(info), kind: info.kind }));
    const emit = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
    const bookmark = (rv: number, annotations?: Record<string, string>) =>
      emit('BOOKMARK', { kind: info.kind, apiVersion: rest.servedVersion(t), metadata: { resourceVersion: String(rv), ...(annotations ? { annotations } : {}) } });
    if (gone !== undefined) {
      emit('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rvParam} (${gone})`, reason: 'Expired', code: 410 });
      this.streams.delete(res);
      res.end();
      return;
    }
    let last = from;
    for (const e of first) emit(e.type, objectOf(e.object));
    if (sendInitial && bookmarks) bookmark(state.resourceVersion, { 'k8s.io/initial-events-end': 'true' });
    for (const e of first) last = Math.max(last, e.rv);
    const unsubscribe = this.feed.subscribe((events, expired) => {
      try {
        if (expired.has(info.resource)) {
          // The feed lost track of some change (it looked too late): the client lists again, as after a 410.
          emit('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${last} (${this.feed.oldest(info.resource)})`, reason: 'Expired', code: 410 });
          return end();
        }
        // A commit's events leave in one TLS record, not one each.
        res.cork();
        try {
          for (const e of events) {
            // Every event's resourceVersion is its own: one at or below what this watch has sent is a repeat.
            if (e.resource !== info.resource || e.rv <= last) continue;
            if (!inScope(e.object)) continue;
            // Watches of plain objects all send the same line for an event: it is made once, for all of them.
            if (tableAs) emit(e.type, objectOf(e.object));
            else res.write(lineOf(e, info));
          }
        } finally {
          res.uncork();
        }
        last = Math.max(last, this.feed.rv);
      } catch (err) {
        // The stream ends with a Status, as any failure does; the client watches again.
        emit('ERROR', rest.statusOf(err));
        end();
      }
    });
    const timers: NodeJS.Timeout[] = [];
    const end = () => {
      unsubscribe();
      for (const x of timers) clearTimeout(x);
      this.streams.delete(res);
      if (!res.writableEnded) res.end();
    };
    if (bookmarks) timers.push(setInterval(() => bookmark(Math.max(last, this.feed.rv)), BOOKMARK_MS));
    timers.push(setTimeout(end, timeout * 1000));
    req.on('close', end);
    res.on('close', end);
  }
}

/**
 * `kubectl auth can-i` and k9s (before it shows any view) ask whether the caller may do something. The one token
 * may do everything; a request made on behalf of another user (Impersonate-User, `--as`) is not judged here.
 */
function accessReview(body: { text: string }, req: IncomingMessage): object {
  if (req.headers['impersonate-user'] !== undefined) throw new StatusError('Forbidden', 403, 'kubesim serve does not impersonate users');
  let spec: unknown = {};
  try {
    // A JSON body's question is echoed back, as the API server does; a protobuf one is answered all the same.
    spec = (JSON.parse(body.text) as { spec?: unknown }).spec ?? {};
  } catch {
    spec = {};
  }
  return { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec, status: { allowed: true, reason: 'kubesim serve: the token may do everything' } };
}

/** An event's line as a watch of plain objects sends it, made once per event whatever the number of watchers. */
const lines = new WeakMap<WatchEvent, string>();
function lineOf(e: WatchEvent, info: rest.Target['info']): string {
  let line = lines.get(e);
  if (line === undefined) {
    line = `${JSON.stringify({ type: e.type, object: { ...e.object, apiVersion: apiVersionOf(info), kind: info.kind } })}\n`;
    lines.set(e, line);
  }
  return line;
}

function wrap(r: rest.WriteResult): { result: rest.WriteResult; stored: boolean } {
  return { result: r, stored: r.stored };
}

async function readBody(req: IncomingMessage): Promise<{ text: string; bytes: Buffer }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new StatusError('RequestEntityTooLarge', 413, `Request entity too large: limit is ${MAX_BODY}`);
    chunks.push(c);
  }
  const bytes = Buffer.concat(chunks);
  return { text: bytes.toString('utf8'), bytes };
}

async function parseBody(text: string, contentType: string): Promise<unknown> {
  const ct = contentType.split(';')[0].trim().toLowerCase();
  try {
    if (ct === 'application/yaml') {
      const { loadYaml, yamlToValue } = await import('../api/manifest.js');
      return yamlToValue(await loadYaml(), text);
    }
    return JSON.parse(text);
  } catch (e) {
    if (e instanceof KubeError) throw badRequest(e.message);
    throw badRequest("couldn't get version/kind; json parse error: the body is not valid JSON");
  }
}

