// One connection walked through the stages a Linux node applies (see design/network-engine.md): source
// selection, kube-proxy DNAT, masquerade, routing, policy, socket, app. Each stage is a small function that
// passes the connection on or ends it (refused/timeout) and notes one hop in the trace.
import type { HttpRequest, HttpResponse } from '../apps/servers.js';
import { answer } from '../apps/servers.js';
import type { Ctx } from '../cluster/context.js';
import type { ClusterState } from '../store/state.js';
import { inCIDR } from '../util/ip.js';
import { resolve as dnsResolve, type DnsAnswer, type Resolver } from './dns.js';
import { proxyIngress } from './ingress.js';
import { dnsQueryDropped, judgeFlow } from './policy.js';
import type { Backend, NodeHost, PodHost, PortRule, Socket, Topology } from './topology.js';
import { recordFlow, type FlowRecord, type FlowVia } from './flows.js';
import { ruleKeyOf } from './topology.js';

export interface Hop {
  stage: 'resolve' | 'source' | 'route' | 'dnat' | 'snat' | 'policy' | 'socket' | 'app';
  text: string;
}

/** Who opens the connection. */
export type Client =
  | { kind: 'pod'; pod: PodHost }
  | { kind: 'node'; node: NodeHost }
  | { kind: 'workstation' }
  /** port-forward: the kubelet connects inside the pod's network namespace, on its loopback. */
  | { kind: 'portforward'; pod: PodHost };

/** Where an accepted connection ended: a pod's socket or a node's own service (kubelet, API server). */
export type Target = { kind: 'pod'; pod: PodHost; socket: Socket } | { kind: 'node'; node: NodeHost; port: number; service: 'apiserver' | 'kubelet' };

export interface Conn {
  client: Client;
  /** Destination as the client dialled it. */
  dstIP: string;
  dstPort: number;
  /** Source address as the server's socket sees it (after SNAT). */
  seenIP: string;
  seenPort: number;
  /** Backend address after DNAT. */
  backendIP: string;
  backendPort: number;
  rule?: PortRule;
  target: Target;
  trace: Hop[];
  /** Its record in the flows ring, when the Net records flows (exchange notes the HTTP status there). */
  flow?: FlowRecord;
}

export type ConnectResult = (
  | { kind: 'connected'; conn: Conn; trace: Hop[] }
  | { kind: 'refused'; ip: string; port: number; trace: Hop[] }
  /** policy: a NetworkPolicy dropped it (the client sees a timeout all the same). */
  | { kind: 'timeout'; ip: string; port: number; trace: Hop[]; policy?: true }
) & {
  /** Its record in the flows ring, when the Net records flows: a caller names it (flow.what). */
  flow?: FlowRecord;
};

export type Outcome =
  | { kind: 'answered'; response: HttpResponse; conn: Conn; trace: Hop[] }
  | { kind: 'refused'; ip: string; port: number; trace: Hop[] }
  | { kind: 'timeout'; ip: string; port: number; trace: Hop[] }
  | { kind: 'unresolved'; name: string; trace: Hop[] };

/** The engine's handle: the indexed topology plus what it may write (affinity, random position, logs). */
export interface Net {
  topo: Topology;
  state: ClusterState;
  ctx: Ctx;
  /** Record hop texts (off for bulk benchmarks). */
  trace: boolean;
  /** Record each connection in the state's flows ring (src/net/flows.ts); off where trace is off unless asked. */
  flows?: boolean;
  /** DNS answers already computed against this topology. */
  dnsCache?: Map<string, DnsAnswer>;
}

const NODE_SERVICES: Record<number, 'kubelet' | 'apiserver'> = { 10250: 'kubelet', 6443: 'apiserver' };

function hop(net: Net, trace: Hop[], stage: Hop['stage'], text: () => string): void {
  if (net.trace) trace.push({ stage, text: text() });
}

function clientName(c: Client): string {
  switch (c.kind) {
    case 'pod':
      return `pod ${c.pod.key}`;
    case 'node':
      return `node ${c.node.name}`;
    case 'workstation':
      return 'the workstation';
    case 'portforward':
      return `port-forward into pod ${c.pod.key}`;
  }
}

/** The resolver a client uses. */
export function resolverOf(c: Client): Resolver {
  if (c.kind === 'pod') return { kind: 'pod', pod: c.pod };
  if (c.kind === 'node') return { kind: 'node', nodeName: c.node.name };
  if (c.kind === 'portforward') return { kind: 'pod', pod: c.pod };
  return { kind: 'workstation' };
}

/** Stage 1: a name becomes addresses, with a trace line. */
export function resolveName(net: Net, client: Client, name: string): { answer: DnsAnswer; trace: Hop[] } {
  const trace: Hop[] = [];
  // Answers depend only on the topology and who asks: memoised per net (a batch of requests repeats names).
  const who = client.kind === 'workstation' ? '' : client.kind === 'node' ? client.node.name : client.pod.key;
  const key = `${who}|${name}`;
  let answer = net.dnsCache?.get(key);
  if (!answer) {
    answer = dnsResolve(net.topo, resolverOf(client), name);
    // The query itself is a UDP flow to CoreDNS that the pod's egress (or CoreDNS's ingress) policy may drop.
    if (client.kind === 'pod' && ((answer.kind === 'ok' && answer.via === 'cluster-dns') || (answer.kind === 'nxdomain' && !answer.noServer))) {
      const dropped = dnsQueryDropped(net.topo, client);
      if (dropped) answer = { kind: 'nxdomain', name, tried: answer.tried, noServer: true, dropped };
    }
    (net.dnsCache ??= new Map()).set(key, answer);
  }
  const a = answer;
  if (a.kind === 'ok' && a.via === 'literal') return { answer: a, trace };
  hop(net, trace, 'resolve', () => {
    const answer = a;
    if (answer.kind === 'nxdomain') {
      if (answer.dropped) return `${name}: the query to kube-dns 10.96.0.10:53/UDP went unanswered: ${answer.dropped.join('; ')}`;
      if (answer.noServer) return `${name}: the query to kube-dns 10.96.0.10:53 went unanswered: the kube-dns Service has no ready CoreDNS endpoint`;
      if (client.kind === 'workstation') return `${name}: the workstation's resolver knows no cluster names (NXDOMAIN)`;
      return `${name}: no such name (tried ${answer.tried.join(', ')})`;
    }
    const via = answer.via === 'cluster-dns' ? `cluster DNS 10.96.0.10${answer.cname ? `, CNAME ${answer.cname}` : ''}` : answer.via === 'hosts' ? '/etc/hosts' : 'host resolver';
    return `${name} -> ${answer.fqdn} -> ${answer.addresses.join(', ')} (${via})`;
  });
  return { answer: a, trace };
}

function clientNode(c: Client): NodeHost | undefined {
  if (c.kind === 'pod' || c.kind === 'portforward') return c.pod.node;
  if (c.kind === 'node') return c.node;
  return undefined;
}

/** Whether the client's own address is on the pod network (kube-proxy's local-traffic detector). */
function fromPodNetwork(c: Client): boolean {
  return c.kind === 'pod' && !c.pod.hostNetwork;
}

function initialSource(net: Net, c: Client): string {
  if (c.kind === 'pod') return c.pod.ip;
  if (c.kind === 'node') return c.node.internalIP;
  if (c.kind === 'portforward') return '127.0.0.1';
  return net.topo.workstationIP;
}

/** A node-side sender picks the address of the interface toward the backend: the pod bridge/veth when local. */
function nodeSourceToward(node: NodeHost, backendIP: string): string {
  return inCIDR(backendIP, node.podCIDR) ? node.gateway : node.internalIP;
}

function nodeOf(net: Net, b: Backend): NodeHost | undefined {
  return b.nodeName ? net.topo.nodeByName.get(b.nodeName) : undefined;
}

/**
 * Stage 3: kube-proxy picks an endpoint for a new connection. Affinity first (ClientIP, within its timeout),
 * then a uniform seeded choice. Returns null with a reason when the rules refuse or drop.
 */
function chooseEndpoint(
  net: Net,
  rule: PortRule,
  candidates: Backend[],
  clientIP: string,
  trace: Hop[],
): Backend {
  if (rule.affinitySeconds > 0) {
    const key = `${rule.key}|${clientIP}`;
    const now = net.ctx.clock.now().getTime();
    const entry = net.state.net.affinity[key];
    if (entry && now - entry.lastUsed <= rule.affinitySeconds * 1000) {
      const hit = candidates.find((b) => `${b.ip}:${b.port}` === entry.endpoint);
      if (hit) {
        entry.lastUsed = now;
        hop(net, trace, 'dnat', () => `sessionAffinity ClientIP: ${clientIP} is pinned to ${entry.endpoint} (timeout ${rule.affinitySeconds}s)`);
        return hit;
      }
    }
    const b = candidates.length === 1 ? candidates[0] : candidates[net.ctx.random.int(candidates.length)];
    net.state.net.affinity[key] = { endpoint: `${b.ip}:${b.port}`, lastUsed: now };
    hop(net, trace, 'dnat', () => `chose ${b.ip}:${b.port} at random among ${candidates.length} ready endpoint(s); sessionAffinity ClientIP pins ${clientIP} to it for ${rule.affinitySeconds}s`);
    return b;
  }
  const b = candidates.length === 1 ? candidates[0] : candidates[net.ctx.random.int(candidates.length)];
  hop(net, trace, 'dnat', () => `chose ${b.ip}:${b.port} at random among ${candidates.length} ready endpoint(s) (1/${candidates.length} each, per new connection)`);
  return b;
}

function ruleName(rule: PortRule): string {
  return `service ${rule.namespace}/${rule.service} port ${rule.portName ? `${rule.portName} ` : ''}${rule.port}/${rule.protocol}`;
}



const refused = (ip: string, port: number, trace: Hop[]) => ({ kind: 'refused' as const, ip, port, trace });
const timeout = (ip: string, port: number, trace: Hop[]) => ({ kind: 'timeout' as const, ip, port, trace });
const dropped = (ip: string, port: number, trace: Hop[]) => ({ kind: 'timeout' as const, ip, port, trace, policy: true as const });

/**
 * Opens a TCP (or UDP) connection from a client to ip:port: stages 2 to 7. The result is connected (with the
 * target socket and the source address the server sees), refused or timeout.
 */
export function connect(net: Net, client: Client, ip: string, port: number, protocol: 'TCP' | 'UDP' = 'TCP', inherited: Hop[] = []): ConnectResult {
  const r = connectWalk(net, client, ip, port, protocol, inherited);
  if (net.flows) r.flow = noteFlow(net, client, ip, port, protocol, r);
  return r;
}

function connectWalk(net: Net, client: Client, ip: string, port: number, protocol: 'TCP' | 'UDP', inherited: Hop[]): ConnectResult {
  const topo = net.topo;
  const trace = inherited.slice();
  // A connection to the loopback comes from the loopback (the kernel's source for that route).
  const src = ip.startsWith('127.') && client.kind !== 'workstation' ? '127.0.0.1' : initialSource(net, client);
  hop(net, trace, 'source', () => `${clientName(client)} connects from ${src} to ${ip}:${port}/${protocol}`);

  // Loopback: never leaves the host.
  if (ip.startsWith('127.')) {
    if (client.kind === 'pod' || client.kind === 'portforward') {
      if (client.pod.hostNetwork) return toNode(net, client, client.pod.node, port, ip, src, trace);
      return toPodSocket(net, client, client.pod, ip, port, protocol, src, undefined, trace);
    }
    if (client.kind === 'node') return toNode(net, client, client.node, port, ip, src, trace);
    hop(net, trace, 'socket', () => `nothing on the workstation listens on ${ip}:${port} (a port-forward or tunnel would)`);
    return refused(ip, port, trace);
  }

  // The workstation reaches node IPs and load-balancer IPs; pod IPs only when the cluster routes them.
  if (client.kind === 'workstation') {
    const node = topo.nodeByIP.get(ip);
    const reachable = (node && node.internalIP === ip) || topo.externalVIPs.has(ip) || (topo.workstationReachesPods && topo.podByIP.has(ip));
    if (!reachable) {
      hop(net, trace, 'route', () =>
        topo.clusterIPs.has(ip)
          ? `${ip} is a ClusterIP: it exists only in kube-proxy's rules on cluster nodes; the workstation's packets go to its default route and are lost`
          : topo.podByIP.has(ip)
            ? `${ip} is a pod IP; the workstation has no route to the pod network (cluster setting workstationReachesPods is off)`
            : `the workstation has no route to ${ip}`,
      );
      return timeout(ip, port, trace);
    }
  }

  const pk = ruleKeyOf(port, protocol);
  const clusterPorts = topo.clusterIPs.get(ip);
  if (clusterPorts) {
    const rule = clusterPorts.get(pk);
    if (!rule) {
      hop(net, trace, 'dnat', () => `${ip} is a ClusterIP but its service declares no port ${port}/${protocol}: no rule matches, the packet is routed off the node and lost`);
      return timeout(ip, port, trace);
    }
    return viaService(net, client, rule, ip, port, src, 'internal', clientNode(client), trace);
  }
  const vipPorts = topo.externalVIPs.get(ip);
  if (vipPorts) {
    const rule = vipPorts.get(pk);
    if (!rule) {
      hop(net, trace, 'dnat', () => `${ip} serves no port ${port}/${protocol}`);
      return timeout(ip, port, trace);
    }
    let entry = clientNode(client);
    if (!entry) {
      // The load balancer sends to a node: with Local policy only to nodes whose health check passes.
      const workers = topo.nodes.filter((n) => n.role === 'worker');
      const pool = rule.externalLocal ? workers.filter((n) => rule.ready.some((b) => b.nodeName === n.name)) : workers;
      if (pool.length === 0) {
        hop(net, trace, 'route', () => `the load balancer ${ip} has no healthy node for ${ruleName(rule)}`);
        return rule.ready.length === 0 ? refused(ip, port, trace) : timeout(ip, port, trace);
      }
      entry = pool.length === 1 ? pool[0] : pool[net.ctx.random.int(pool.length)];
      const e = entry;
      hop(net, trace, 'route', () => `the load balancer ${ip}:${port} forwards to node ${e.name} (${e.internalIP}) on nodePort ${rule.nodePort ?? port}`);
    }
    return viaService(net, client, rule, ip, port, src, 'external', entry, trace);
  }
  const node = topo.nodeByIP.get(ip);
  if (node) {
    const rule = topo.nodePorts.get(pk);
    if (rule) {
      hop(net, trace, 'dnat', () => `${ip}:${port} is nodePort ${port} of ${ruleName(rule)} on node ${node.name}`);
      return viaService(net, client, rule, ip, port, src, 'external', node, trace);
    }
    return toNode(net, client, node, port, ip, src, trace);
  }
  const pod = topo.podByIP.get(ip);
  if (pod) {
    const seen = client.kind === 'node' ? nodeSourceToward(client.node, ip) : client.kind === 'pod' && client.pod.hostNetwork ? nodeSourceToward(client.pod.node, ip) : src;
    if (seen !== src) {
      const n = client.kind === 'node' ? client.node : (client as { pod: PodHost }).pod.node;
      hop(net, trace, 'source', () =>
        seen === n.gateway
          ? `the route to ${ip} leaves node ${n.name} through its pod bridge, so the source address is ${seen} (the node's pod-network gateway)`
          : `the route to ${ip} leaves node ${n.name} through eth0, so the source address is ${seen}`,
      );
    }
    if (pod.node !== clientNode(client) && client.kind !== 'workstation') hop(net, trace, 'route', () => `node ${clientNode(client)?.name} -> node ${pod.node.name} (pod network)`);
    return toPodSocket(net, client, pod, ip, port, protocol, seen, undefined, trace);
  }
  hop(net, trace, 'route', () =>
    inCIDR(ip, topo.clusterCIDR) ? `no pod has IP ${ip}: nothing answers on the pod network` : `no host answers at ${ip} in the simulated network`,
  );
  return timeout(ip, port, trace);
}

/** Stages 3-4 for a service address: pick the endpoint, then masquerade as kube-proxy's rules say. */
function viaService(net: Net, client: Client, rule: PortRule, ip: string, port: number, src: string, mode: 'internal' | 'external', entry: NodeHost | undefined, trace: Hop[]): ConnectResult {
  if (mode === 'internal') hop(net, trace, 'dnat', () => `${ip}:${port} is the ClusterIP of ${ruleName(rule)}`);
  if (rule.ready.length === 0) {
    hop(net, trace, 'dnat', () => `${rule.namespace}/${rule.service}:${rule.portName || rule.port} has no endpoints: kube-proxy REJECTs (connection refused at once)`);
    return refused(ip, port, trace);
  }
  let candidates = rule.ready;
  let masquerade = false;

  if (mode === 'internal') {
    if (rule.internalLocal && entry) {
      candidates = rule.ready.filter((b) => b.nodeName === entry.name);
      if (candidates.length === 0) {
        hop(net, trace, 'dnat', () => `internalTrafficPolicy Local: no endpoint on node ${entry.name}; kube-proxy DROPs`);
        return timeout(ip, port, trace);
      }
    }
    masquerade = !fromPodNetwork(client) && client.kind !== 'portforward';
  } else if (rule.externalLocal) {
    if (fromPodNetwork(client)) {
      hop(net, trace, 'dnat', () => `externalTrafficPolicy Local, but traffic from pods short-circuits to all endpoints`);
    } else if (client.kind === 'node' || (client.kind === 'pod' && client.pod.hostNetwork)) {
      hop(net, trace, 'dnat', () => `externalTrafficPolicy Local, but traffic from the node itself goes to all endpoints (masqueraded)`);
      masquerade = true;
    } else {
      const e = entry!;
      candidates = rule.ready.filter((b) => b.nodeName === e.name);
      if (candidates.length === 0) {
        hop(net, trace, 'dnat', () => `externalTrafficPolicy Local: node ${e.name} has no local endpoint of ${rule.namespace}/${rule.service}; kube-proxy DROPs (the client times out)`);
        return timeout(ip, port, trace);
      }
      hop(net, trace, 'dnat', () => `externalTrafficPolicy Local: only endpoints on node ${e.name}, no SNAT`);
    }
  } else {
    masquerade = true;
  }
  const clientIP = src;
  const b = chooseEndpoint(net, rule, candidates, clientIP, trace);
  let seen = src;
  const bNode = nodeOf(net, b);
  if (masquerade) {
    const via = entry ?? bNode;
    if (via) {
      seen = nodeSourceToward(via, b.ip);
      hop(net, trace, 'snat', () =>
        mode === 'external'
          ? `externalTrafficPolicy Cluster: masqueraded to ${seen}, the address of node ${via.name} toward the pod; the client's IP ${src} is lost`
          : `traffic from outside the pod network is masqueraded to ${seen} (node ${via.name})`,
      );
    }
  } else if (client.kind === 'pod' && client.pod.ip === b.ip) {
    seen = client.pod.node.gateway;
    hop(net, trace, 'snat', () => `hairpin: pod ${client.pod.key} reached itself through its service; masqueraded to ${seen}, its node's pod-network gateway`);
  } else {
    hop(net, trace, 'snat', () => `no SNAT: the backend sees the client's own IP ${src}`);
  }
  if (bNode && entry && bNode !== entry) hop(net, trace, 'route', () => `node ${entry.name} forwards to node ${bNode.name} (pod network)`);
  const pod = net.topo.podByIP.get(b.ip);
  if (pod) return toPodSocket(net, client, pod, b.ip, b.port, rule.protocol as 'TCP' | 'UDP', seen, rule, trace, ip, port);
  const node = net.topo.nodeByIP.get(b.ip);
  if (node) {
    const r = toNode(net, client, node, b.port, b.ip, seen, trace);
    if (r.kind === 'connected') {
      r.conn.dstIP = ip;
      r.conn.dstPort = port;
      r.conn.rule = rule;
    }
    return r.kind === 'connected' ? r : { ...r, ip, port };
  }
  hop(net, trace, 'route', () => `endpoint ${b.ip} is outside the simulated network: no answer`);
  return timeout(ip, port, trace);
}

/** Stages 6-7 for a pod: policy, then is anything listening on that port and interface? */
function toPodSocket(
  net: Net,
  client: Client,
  pod: PodHost,
  ip: string,
  port: number,
  protocol: 'TCP' | 'UDP',
  seen: string,
  rule: PortRule | undefined,
  trace: Hop[],
  dialIP = ip,
  dialPort = port,
): ConnectResult {
  const policy = judgeFlow(net.topo, client, seen, { ip, pod }, port, protocol);
  for (const line of policy.lines) hop(net, trace, 'policy', () => line);
  if (!policy.allowed) return dropped(dialIP, dialPort, trace);
  const loopback = ip.startsWith('127.');
  if (!pod.running) {
    hop(net, trace, 'socket', () => `pod ${pod.key} has no running container: nothing listens, RST (connection refused)`);
    return refused(dialIP, dialPort, trace);
  }
  let found: Socket | undefined;
  for (const s of pod.sockets) {
    if (s.port !== port || s.protocol !== protocol) continue;
    if (s.bind === 'all' || (loopback ? s.bind === 'loopback' : s.bind === 'podIP')) {
      found = s;
      break;
    }
  }
  if (!found) {
    hop(net, trace, 'socket', () => {
      const elsewhere = pod.sockets.find((s) => s.port === port && s.protocol === protocol);
      const listens = pod.sockets.filter((s) => s.protocol === protocol).map((s) => `${bindText(s, pod)}:${s.port}`);
      if (elsewhere) return `pod ${pod.key}: ${elsewhere.process.app} listens on ${bindText(elsewhere, pod)}:${port} only, not on ${loopback ? 'the loopback' : 'eth0'}: RST (connection refused)`;
      return `pod ${pod.key}: nothing listens on port ${port}${listens.length ? ` (it listens on ${listens.join(', ')}; containerPort is informative only)` : ''}: RST (connection refused)`;
    });
    return refused(dialIP, dialPort, trace);
  }
  const s = found;
  hop(net, trace, 'socket', () => `pod ${pod.key} on node ${pod.node.name}: ${s.process.app} (container ${s.container}) listens on ${bindText(s, pod)}:${port}: accepted from ${seen}`);
  const conn: Conn = {
    client,
    dstIP: dialIP,
    dstPort: dialPort,
    seenIP: seen,
    seenPort: 32768 + net.ctx.random.int(28232),
    backendIP: ip,
    backendPort: port,
    rule,
    target: { kind: 'pod', pod, socket: s },
    trace,
  };
  return { kind: 'connected', conn, trace };
}

function bindText(s: Socket, pod: PodHost): string {
  return s.bind === 'all' ? '0.0.0.0' : s.bind === 'loopback' ? '127.0.0.1' : pod.ip;
}

/** A node's own sockets: the kubelet everywhere, the API server on the control plane. */
function toNode(net: Net, client: Client, node: NodeHost, port: number, ip: string, seen: string, trace: Hop[]): ConnectResult {
  // A pod's egress policy also governs connections to node addresses (matched by ipBlock only).
  if (client.kind === 'pod' && !client.pod.hostNetwork && !ip.startsWith('127.')) {
    const policy = judgeFlow(net.topo, client, seen, { ip }, port, 'TCP');
    for (const line of policy.lines) hop(net, trace, 'policy', () => line);
    if (!policy.allowed) return dropped(ip, port, trace);
  }
  const service = NODE_SERVICES[port];
  if (service && (service !== 'apiserver' || node.role === 'control-plane')) {
    hop(net, trace, 'socket', () => `node ${node.name}: the ${service === 'apiserver' ? 'API server' : 'kubelet'} listens on ${port} (HTTPS)`);
    return {
      kind: 'connected',
      conn: { client, dstIP: ip, dstPort: port, seenIP: seen, seenPort: 40000 + net.ctx.random.int(20000), backendIP: ip, backendPort: port, target: { kind: 'node', node, port, service }, trace },
      trace,
    };
  }
  hop(net, trace, 'socket', () => `node ${node.name} (${ip}): nothing listens on port ${port} and no nodePort matches: RST (connection refused)`);
  return refused(ip, port, trace);
}

let lastLogMs = NaN;
let lastLog = '';
/** RFC 3339 with nanoseconds (memoised on the millisecond, as requests in a batch share a clock reading). */
function logTime(d: Date): string {
  const ms = d.getTime();
  if (ms !== lastLogMs) {
    lastLogMs = ms;
    lastLog = d.toISOString().replace('Z', '000000Z');
  }
  return lastLog;
}

/** Stage 8: the app at the far end answers one HTTP request on an open connection and logs it. */
export function exchange(net: Net, conn: Conn, req: HttpRequest, tls = false): HttpResponse {
  const now = net.ctx.clock.now();
  const t = conn.target;
  if (t.kind === 'node' && tls) {
    // An anonymous request: the API server (and kubelet) authorise nothing for system:anonymous.
    const path = req.path.split('?')[0];
    const body = `{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n  "message": "forbidden: User \\"system:anonymous\\" cannot get path \\"${path}\\"",\n  "reason": "Forbidden",\n  "details": {},\n  "code": 403\n}`;
    hop(net, conn.trace, 'app', () => `node ${t.node.name}: the ${t.service} rejects the anonymous request: 403`);
    if (conn.flow) conn.flow.status = 403;
    return { status: 403, reason: 'Forbidden', headers: [['Audit-Id', '00000000-0000-0000-0000-000000000000'], ['Cache-Control', 'no-cache, private'], ['Content-Type', 'application/json'], ['X-Content-Type-Options', 'nosniff'], ['Date', now.toUTCString()], ['Content-Length', String(body.length)]], body };
  }
  if (t.kind === 'node') {
    const body = 'Client sent an HTTP request to an HTTPS server.\n';
    hop(net, conn.trace, 'app', () => `node ${t.node.name}: the ${t.service} speaks HTTPS only: 400`);
    if (conn.flow) conn.flow.status = 400;
    return { status: 400, reason: 'Bad Request', headers: [['Content-Type', 'text/plain; charset=utf-8'], ['Connection', 'close']], body };
  }
  const { pod, socket } = t;
  if (socket.process.app === 'ingress-nginx' && (socket.port === 80 || socket.port === 443)) return proxyIngress(net, conn, pod, req);
  const a = answer(socket.process, req, {
    hostname: pod.name,
    podIP: pod.ip,
    clientIP: conn.seenIP,
    clientPort: conn.seenPort,
    port: socket.port,
    now,
    user: socket.image.user,
  });
  if (a.log !== undefined) {
    const key = `${pod.key}/${socket.container}`;
    (net.state.logs[key] ??= []).push({ time: logTime(now), line: a.log });
  }
  hop(net, conn.trace, 'app', () => `${socket.process.app} in pod ${pod.key} answered ${a.response.status} to ${req.method} ${req.path}; it sees the client as ${conn.seenIP}`);
  if (conn.flow) conn.flow.status = a.response.status;
  return a.response;
}

/**
 * The flows-ring record of one connect(): addresses before and after NAT, the Service rule that matched, who
 * accepted it. Reads only what the walk already indexed and draws no random numbers, so recording never
 * changes what a command prints. A failed connection never got a source port: one is derived from its seq.
 */
function noteFlow(net: Net, client: Client, ip: string, port: number, protocol: 'TCP' | 'UDP', r: ConnectResult): FlowRecord {
  const topo = net.topo;
  const pk = ruleKeyOf(port, protocol);
  const loop = ip.startsWith('127.');
  const src = loop && client.kind !== 'workstation' ? '127.0.0.1' : initialSource(net, client);
  let via: FlowVia = 'other';
  let rule: PortRule | undefined;
  if (client.kind === 'portforward') via = 'port-forward';
  else if (loop) via = 'loopback';
  else if (topo.clusterIPs.has(ip)) {
    via = 'ClusterIP';
    rule = topo.clusterIPs.get(ip)!.get(pk);
  } else if (topo.externalVIPs.has(ip)) {
    rule = topo.externalVIPs.get(ip)!.get(pk);
    via = topo.lbIPs.has(ip) ? 'LoadBalancer' : 'ExternalIP';
  } else if (topo.nodeByIP.has(ip)) {
    rule = topo.nodePorts.get(pk);
    via = rule ? 'NodePort' : 'node IP';
  } else if (topo.podByIP.has(ip)) via = 'pod IP';
  const source = client.kind === 'pod' ? `pod/${client.pod.namespace}/${client.pod.name}` : client.kind === 'node' ? `node/${client.node.name}` : 'workstation';
  const rec: Omit<FlowRecord, 'seq'> = {
    time: net.ctx.clock.now().toISOString(),
    source,
    what: `${protocol} ${ip}:${port}`,
    protocol,
    client: src,
    dst: `${ip}:${port}`,
    via,
    verdict: r.kind === 'connected' ? 'ok' : r.kind === 'refused' ? 'refused' : r.policy ? 'denied by policy' : 'timeout',
    hops: r.trace,
  };
  if (rule) {
    rec.service = `svc/${rule.namespace}/${rule.service}`;
    rec.servicePort = rule.portName || String(rule.port);
  }
  if (r.kind === 'connected') {
    const c = r.conn;
    rec.client = `${src}:${c.seenPort}`;
    const backend = `${c.backendIP}:${c.backendPort}`;
    if (backend !== rec.dst) rec.dnat = backend;
    if (c.seenIP !== src) rec.snat = `${c.seenIP}:${c.seenPort}`;
    const t = c.target;
    rec.backend = t.kind === 'pod' ? `pod/${t.pod.namespace}/${t.pod.name}` : `node/${t.node.name}`;
    rec.backendNode = t.kind === 'pod' ? t.pod.node.name : t.node.name;
    const f = recordFlow(net.state, rec);
    c.flow = f;
    return f;
  }
  const f = recordFlow(net.state, rec);
  f.client = `${src}:${32768 + ((f.seq * 7919) % 28232)}`;
  return f;
}

/** Resolve, connect and exchange one request (no connection reuse). */
export function request(net: Net, client: Client, host: string, port: number, req: HttpRequest): Outcome {
  const r = resolveName(net, client, host);
  if (r.answer.kind === 'nxdomain') return { kind: 'unresolved', name: host, trace: r.trace };
  const c = connect(net, client, r.answer.addresses[0], port, 'TCP', r.trace);
  if (c.kind !== 'connected') return c;
  const response = exchange(net, c.conn, req);
  return { kind: 'answered', response, conn: c.conn, trace: c.conn.trace };
}

/** ICMP echo: pods and nodes answer; ClusterIPs (iptables mode) and unknown addresses do not. */
export function ping(net: Net, client: Client, ip: string): { reply: boolean; ttl: number; trace: Hop[] } {
  const topo = net.topo;
  const trace: Hop[] = [];
  if (ip.startsWith('127.')) return { reply: true, ttl: 64, trace };
  const routable = client.kind !== 'workstation' || topo.nodeByIP.get(ip)?.internalIP === ip || (topo.workstationReachesPods && topo.podByIP.has(ip)) || topo.lbIPs.has(ip);
  if (!routable) {
    hop(net, trace, 'route', () => `the workstation has no route to ${ip}`);
    return { reply: false, ttl: 0, trace };
  }
  if (topo.clusterIPs.has(ip)) {
    hop(net, trace, 'dnat', () => `${ip} is a ClusterIP: kube-proxy (iptables) only rewrites the service's TCP/UDP ports and no interface owns the address, so ICMP echo gets no reply`);
    return { reply: false, ttl: 0, trace };
  }
  const pod = topo.podByIP.get(ip);
  const from = clientNode(client);
  if (pod) {
    hop(net, trace, 'route', () => `pod ${pod.key} on node ${pod.node.name} answers ICMP echo`);
    return { reply: true, ttl: from === pod.node ? 63 : 62, trace };
  }
  const node = topo.nodeByIP.get(ip);
  if (node) return { reply: true, ttl: from === node ? 64 : 64, trace };
  if (topo.lbIPs.has(ip)) return { reply: true, ttl: 64, trace };
  hop(net, trace, 'route', () => `no host answers at ${ip}`);
  return { reply: false, ttl: 0, trace };
}
