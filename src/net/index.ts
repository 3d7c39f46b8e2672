// The network engine's public surface. Pure: it takes the state and ctx {clock, random}, returns results, and
// writes only what a real cluster keeps (ClientIP affinity entries in state.net.affinity, the random
// position through ctx.random, and app log lines in state.logs). Callers save the state afterwards.
//
// Typical use (one command):
//   const net = openNet(state, ctx, { images });                // index once per command
//   const out = request(net, { kind: 'pod', pod }, 'kubia', 80, req);
//
// Entry points for port-forward and tunnel (socket servers built on top of this engine):
//
//   forwardToPod(net, namespace, podName, port, req): Outcome
//     What `kubectl port-forward` delivers: the kubelet connects inside the pod's network namespace to
//     127.0.0.1:<port>, so the request arrives on the pod's loopback with client address 127.0.0.1.
//     An app bound to the pod IP only is not reachable this way (refused), as in a real cluster.
//     Outcome kinds: 'answered' (response, conn.seenIP === '127.0.0.1'), 'refused' (nothing listens on the
//     loopback at that port -> port-forward prints its "failed to connect to localhost:<port>" error),
//     'unresolved' never, 'timeout' never (policy does not apply to loopback).
//
//   fromWorkstation(net, ip, port, req): Outcome
//     A request entering from outside the cluster at a node IP (NodePort), a LoadBalancer ingress IP or an
//     externalIP: kube-proxy's external rules, externalTrafficPolicy, SNAT. 'timeout' where packets are
//     dropped, 'refused' where rejected. What a tunnel (`minikube tunnel`-like) listener should call.
//
//   Both take a fresh `net` per batch of requests; afterwards persist state (affinity, logs, random).
//
//   Lower level, for servers that keep connections open (what src/forward uses): connect(net, client, ip,
//   port, 'TCP') picks the backend once per connection (conntrack: a keep-alive client keeps its backend),
//   with client { kind: 'portforward', pod } (dial '127.0.0.1') or { kind: 'workstation' }; then
//   exchange(net, conn, req) per HTTP request on it. The net's topology is a snapshot: open a new one when
//   the state changes (resourceVersion).
import type { Ctx } from '../cluster/context.js';
import type { ClusterState } from '../store/state.js';
import type { ImageSpec } from '../apps/images.js';
import type { HttpRequest } from '../apps/servers.js';
import { connect, exchange, type Net, type Outcome, request } from './engine.js';
import { buildTopology } from './topology.js';

export type { HttpRequest, HttpResponse } from '../apps/servers.js';
export type { Client, Conn, ConnectResult, Hop, Net, Outcome, Target } from './engine.js';
export type { NodeHost, PodHost, PortRule, Topology } from './topology.js';
export type { FlowRecord, FlowVerdict, FlowVia } from './flows.js';
export { recentFlows } from './flows.js';
export { connect, exchange, ping, request, resolveName } from './engine.js';
export { clusterLookup, hostsFile, resolvConf, resolve, searchList, CLUSTER_DNS_IP } from './dns.js';
export { buildTopology } from './topology.js';

export interface NetOptions {
  /** Extra images from the user's images file. */
  images?: readonly ImageSpec[];
  /** Record hop-by-hop trace texts (default true; benchmarks turn it off). */
  trace?: boolean;
  /** Record connections in the flows ring (src/net/flows.ts); default: as trace. */
  flows?: boolean;
}

/** Indexes the state for a batch of simulated connections. */
export function openNet(state: ClusterState, ctx: Ctx, opts: NetOptions = {}): Net {
  state.net ??= { affinity: {} };
  state.net.affinity ??= {};
  state.logs ??= {};
  return { topo: buildTopology(state, opts.images ?? []), state, ctx, trace: opts.trace ?? true, flows: opts.flows ?? opts.trace ?? true };
}

/** port-forward: a request arriving on the pod's loopback from 127.0.0.1 (see above). */
export function forwardToPod(net: Net, namespace: string, podName: string, port: number, req: HttpRequest): Outcome {
  const pod = net.topo.podByKey.get(`${namespace}/${podName}`);
  if (!pod) return { kind: 'refused', ip: '127.0.0.1', port, trace: [{ stage: 'socket', text: `pod ${namespace}/${podName} is not running` }] };
  const c = connect(net, { kind: 'portforward', pod }, '127.0.0.1', port, 'TCP');
  if (c.kind !== 'connected') return c;
  const response = exchange(net, c.conn, req);
  return { kind: 'answered', response, conn: c.conn, trace: c.conn.trace };
}

/** tunnel/external: a request from the workstation to a node IP, LB IP or externalIP (see above). */
export function fromWorkstation(net: Net, ip: string, port: number, req: HttpRequest): Outcome {
  return request(net, { kind: 'workstation' }, ip, port, req);
}
