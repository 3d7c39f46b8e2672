// The socket servers' Engine on top of the network engine (src/net): openNet once per state version,
// connect() when a TCP connection is accepted (so kube-proxy's choice is made once per connection and a
// keep-alive client keeps its backend, as conntrack does), exchange() per HTTP request. The app log lines the
// engine appends to the in-memory state are taken back out and handed to the batched writer, so a long run's
// memory stays flat. The engine's functions come in as a parameter: this module has no import of src/net.
import type { Ctx } from '../cluster/context.js';
import type { FlowRecord } from '../net/flows.js';
import type { ClusterState } from '../store/state.js';
import type { AppRequest, AppResponse, ClusterView, ConnectResult, Engine, NewLogs, PodRef, SendResult } from './engine.js';

/** A flows-ring record without its place in this process's ring: the write gives it one in the state's. */
function withoutSeq(f: FlowRecord): Omit<FlowRecord, 'seq'> {
  const { seq: _seq, ...rest } = f;
  return rest;
}

interface PodHostLike {
  key: string;
}

export interface NetLike {
  state: ClusterState;
  topo: { podByKey: { get(key: string): PodHostLike | undefined; has(key: string): boolean } };
}

export interface ConnLike {
  target: { kind: 'pod'; pod: PodHostLike; socket: { container: string } } | { kind: 'node' };
}

export interface NetHttpRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body?: string;
}

export interface NetHttpResponse {
  status: number;
  reason: string;
  headers: [string, string][];
  body: string;
}

export type NetClient<P> = { kind: 'portforward'; pod: P } | { kind: 'workstation' };

export interface NetApi<N extends NetLike, C extends ConnLike, P extends PodHostLike> {
  openNet(state: ClusterState, ctx: Ctx, opts: { trace?: boolean; flows?: boolean }): N;
  connect(net: N, client: NetClient<P>, ip: string, port: number, protocol: 'TCP'): ({ kind: 'connected'; conn: C } | { kind: 'refused' } | { kind: 'timeout' }) & { flow?: FlowRecord };
  exchange(net: N, conn: C, req: NetHttpRequest): NetHttpResponse;
}

/** Hop-by-hop headers: Node's server frames the body and manages the connection itself. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

export function toNetRequest(req: AppRequest, rawHeaders?: string[]): NetHttpRequest {
  const headers: [string, string][] = [];
  if (rawHeaders) for (let i = 0; i + 1 < rawHeaders.length; i += 2) headers.push([rawHeaders[i], rawHeaders[i + 1]]);
  else for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) for (const one of Array.isArray(v) ? v : [v]) headers.push([k, one]);
  return { method: req.method, path: req.path, headers, body: req.body.length ? req.body.toString('utf8') : undefined };
}

export function fromNetResponse(r: NetHttpResponse): AppResponse {
  const headers: [string, string][] = [];
  let chunked = false;
  for (const [k, v] of r.headers) {
    const lk = k.toLowerCase();
    if (lk === 'transfer-encoding' && /chunked/i.test(v)) chunked = true;
    if (!HOP_BY_HOP.has(lk)) headers.push([k, v]);
  }
  return { status: r.status, statusText: r.reason, headers, body: r.body, chunked };
}

export function makeEngine<N extends NetLike, C extends ConnLike, P extends PodHostLike>(api: NetApi<N, C, P>): Engine {
  // One indexed topology per state object and version: rebuilt after a reload or an in-memory reconcile.
  let cached: { state: ClusterState; rv: number; net: N } | undefined;
  const netOf = (view: ClusterView): N => {
    const { state, ctx } = view;
    if (!cached || cached.state !== state || cached.rv !== state.resourceVersion) {
      // No hop texts (they cost), but each connection's record for the flows ring (graph, ui, conntrack).
      cached = { state, rv: state.resourceVersion, net: api.openNet(state, ctx, { trace: false, flows: true }) };
    }
    return cached.net;
  };

  /** exchange() on the current view; the log lines it appended are moved out into the result. */
  const send = (view: () => ClusterView, conn: C, req: AppRequest, flow: FlowRecord | undefined): SendResult => {
    const net = netOf(view());
    const t = conn.target;
    if (t.kind === 'pod' && !net.topo.podByKey.has(t.pod.key)) return { kind: 'refused', flows: flow ? [withoutSeq(flow)] : undefined };
    const key = t.kind === 'pod' ? `${t.pod.key}/${t.socket.container}` : undefined;
    const lines = key ? net.state.logs?.[key] : undefined;
    const before = lines?.length ?? 0;
    const response = api.exchange(net, conn, toNetRequest(req, req.rawHeaders));
    let logs: NewLogs | undefined;
    const after = key ? net.state.logs?.[key] : undefined;
    if (key && after && after.length > before) {
      logs = after.splice(before).map((line) => ({ key, line }));
    }
    // The record goes out with the first answer, which has noted its HTTP status.
    return { kind: 'answered', response: fromNetResponse(response), logs, flows: flow ? [withoutSeq(flow)] : undefined };
  };

  const wrap = (view: () => ClusterView, r: ReturnType<NetApi<N, C, P>['connect']>): ConnectResult => {
    let flow = r.flow;
    if (r.kind !== 'connected') return { kind: r.kind, flows: flow ? [withoutSeq(flow)] : undefined };
    const conn = r.conn;
    return {
      kind: 'connected',
      conn: {
        send: (req) => {
          const result = send(view, conn, req, flow);
          flow = undefined;
          return result;
        },
      },
    };
  };

  return {
    connectPodLoopback(view, pod: PodRef, port) {
      const net = netOf(view());
      const host = net.topo.podByKey.get(`${pod.namespace}/${pod.name}`);
      if (!host) return { kind: 'refused' };
      return wrap(view, api.connect(net, { kind: 'portforward', pod: host as P }, '127.0.0.1', port, 'TCP'));
    },
    connectFromWorkstation(view, dstIP, dstPort) {
      const net = netOf(view());
      return wrap(view, api.connect(net, { kind: 'workstation' }, dstIP, dstPort, 'TCP'));
    },
  };
}
