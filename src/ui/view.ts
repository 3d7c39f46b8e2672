// What the page draws, computed once per committed change: nodes, pods, services, ingresses, policies, recent
// requests and events, each with its place on the map. The page only paints these boxes; it never lays out.
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { buildClusterGraph, type GraphIngress, type GraphNode, type GraphPath, type GraphPod, type GraphPolicy, type GraphService } from '../graph/model.js';
import { MAX_FLOWS, recentFlows, type FlowRecord } from '../net/flows.js';
import { describeObject } from '../printers/describe/index.js';
import type { EventProjection } from '../api/projections.js';
import { getObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { inCIDR, isIPv4 } from '../util/ip.js';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type ViewNode = GraphNode & Box;
/** A pod with the names of the NetworkPolicies that fence it. */
export type ViewPod = Omit<GraphPod, 'labels'> & Box & { fencedBy: string[] };
export type ViewService = GraphService & Box;
export type ViewIngress = GraphIngress & Box;
export type ViewPolicy = GraphPolicy & Box;

/** One recent request as the map draws it; the full record (hops) is fetched on click (/api/flow?seq=). */
export type ViewFlow = Omit<GraphPath, 'flow'> & {
  source: string;
  /** The node the client's address belongs to ('node/NAME'): a one-off pod --rm deleted is drawn from there. */
  sourceNode?: string;
};

export interface ViewEvent {
  time: string;
  type: string;
  reason: string;
  object: string;
  message: string;
}

export interface UiView {
  rv: number;
  width: number;
  height: number;
  workstation: Box & { id: 'workstation'; ip: string };
  nodes: ViewNode[];
  pods: ViewPod[];
  services: ViewService[];
  ingresses: ViewIngress[];
  policies: ViewPolicy[];
  flows: ViewFlow[];
  events: ViewEvent[];
}

export interface ViewOptions {
  /** Only this namespace's objects (nodes are always drawn); otherwise every namespace but the system ones. */
  namespace?: string;
}

const POD_W = 260;
const POD_H = 58;
const GAP = 14;
const PAD = 18;
const NODE_HEAD = 76;
const TOP_W = 260;
const TOP_H = 78;
const FLOWS_SHOWN = 40;
const EVENTS_SHOWN = 40;

/** The cluster's own machinery: drawn only when asked for by -n, as the lessons leave it off their pictures. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** A row of equal boxes from x0, wrapping at maxW; returns the height used. */
function row<T>(items: T[], x0: number, y0: number, maxW: number): (T & Box)[] {
  let x = x0;
  let y = y0;
  return items.map((it) => {
    if (x > x0 && x + TOP_W > x0 + maxW) {
      x = x0;
      y += TOP_H + GAP;
    }
    const placed = { ...it, x, y, w: TOP_W, h: TOP_H };
    x += TOP_W + GAP;
    return placed;
  });
}

const bottom = (boxes: Box[], y: number) => (boxes.length ? Math.max(...boxes.map((b) => b.y + b.h)) + GAP * 2 : y);

/**
 * The view of a state: the cluster graph (src/graph/model.ts) with every box placed, computed once per change.
 * A grid, not a general graph layout: the lessons' picture is always services above, nodes below with their
 * pods inside, and a grid places 500 pods in well under a millisecond.
 */
export function buildView(state: ClusterState, opts: ViewOptions = {}): UiView {
  const g = buildClusterGraph(state, opts.namespace ? { namespace: opts.namespace, flows: FLOWS_SHOWN } : { allNamespaces: true, flows: FLOWS_SHOWN });
  const shown = (o: { namespace: string }) => !!opts.namespace || !SYSTEM_NAMESPACES.has(o.namespace);
  const pods = g.pods.filter(shown);
  const keep = new Set(pods.map((p) => p.id));
  const policies = g.policies.filter(shown);
  const fences = new Map<string, string[]>();
  for (const np of policies) for (const id of np.pods) fences.set(id, [...(fences.get(id) ?? []), np.name]);

  // Pods by node, in a grid of columns sized so the busiest node stays roughly square.
  const byNode = new Map<string, GraphPod[]>();
  for (const p of pods) byNode.set(p.node, [...(byNode.get(p.node) ?? []), p]);
  const nodeIds = g.nodes.map((n) => n.id);
  const unscheduled = byNode.has('');
  const busiest = Math.max(1, ...[...byNode.values()].map((l) => l.length));
  const cols = Math.max(2, Math.min(10, Math.ceil(Math.sqrt(busiest / 2))));
  const nodeW = PAD * 2 + cols * POD_W + (cols - 1) * GAP;
  const count = nodeIds.length + (unscheduled ? 1 : 0);
  const rows = Math.max(1, ...[...nodeIds, ''].map((n) => Math.ceil((byNode.get(n)?.length ?? 0) / cols)));
  const nodeH = NODE_HEAD + rows * (POD_H + GAP) + PAD;
  // Nodes in a near-square grid: 4 nodes as 2 x 2, which keeps the map wide rather than tall on a projector.
  const perLine = Math.max(1, Math.ceil(Math.sqrt(count)));
  const width = Math.max(perLine * (nodeW + GAP * 2), 4 * (TOP_W + GAP) + PAD);

  // The top band: the workstation, then ingresses, services, policies in rows.
  const workstation = { id: 'workstation' as const, ip: g.workstationIP, x: PAD, y: PAD, w: TOP_W, h: TOP_H };
  const bandX = PAD + TOP_W + GAP * 2;
  const bandW = width - bandX - PAD;
  const ingresses = row(g.ingresses.filter(shown), bandX, PAD, bandW);
  const services = row(g.services.filter(shown), bandX, bottom(ingresses, PAD), bandW);
  const vPolicies = row(policies, bandX, bottom(services, bottom(ingresses, PAD)), bandW);
  const y = Math.max(bottom([...ingresses, ...services, ...vPolicies], PAD), PAD + TOP_H + GAP * 2) + GAP * 3;

  const vNodes: ViewNode[] = [];
  const vPods: ViewPod[] = [];
  const place = (i: number) => ({ x: PAD + (i % perLine) * (nodeW + GAP * 2), y: y + Math.floor(i / perLine) * (nodeH + GAP * 2) });
  const placePods = (nodeId: string, at: { x: number; y: number }) =>
    (byNode.get(nodeId) ?? []).forEach((p, j) => {
      const { labels: _labels, ...rest } = p;
      vPods.push({ ...rest, fencedBy: fences.get(p.id) ?? [], x: at.x + PAD + (j % cols) * (POD_W + GAP), y: at.y + NODE_HEAD + Math.floor(j / cols) * (POD_H + GAP), w: POD_W, h: POD_H });
    });
  g.nodes.forEach((n, i) => {
    const at = place(i);
    vNodes.push({ ...n, pods: n.pods.filter((id) => keep.has(id)), ...at, w: nodeW, h: nodeH });
    placePods(n.id, at);
  });
  if (unscheduled) {
    const at = place(g.nodes.length);
    vNodes.push({ id: 'node/', name: '(not scheduled)', roles: [], internalIP: '', podCIDRs: [], ready: true, pods: (byNode.get('') ?? []).map((p) => p.id), ...at, w: nodeW, h: nodeH });
    placePods('', at);
  }
  const lines = Math.ceil(count / perLine);
  const height = y + lines * (nodeH + GAP * 2) + PAD;
  const flows = g.paths.map(({ flow, ...path }) => {
    const node = flow.source === 'workstation' ? undefined : nodeOfAddress(g.nodes, flow.client);
    return { ...path, source: flow.source, ...(node ? { sourceNode: node } : {}) };
  });
  const shownNs = (ns: string) => (opts.namespace ? ns === opts.namespace : !SYSTEM_NAMESPACES.has(ns));
  return { rv: state.resourceVersion, width, height, workstation, nodes: vNodes, pods: vPods, services, ingresses, policies: vPolicies, flows, events: recentEvents(state, shownNs) };
}

/** The node an address ("ip:port") belongs to: its InternalIP or its pod range. */
function nodeOfAddress(nodes: GraphNode[], client: string): string | undefined {
  const ip = client.replace(/:\d+$/, '');
  if (!isIPv4(ip)) return undefined;
  return nodes.find((n) => n.internalIP === ip || n.podCIDRs.some((c) => c.includes('.') && inCIDR(ip, c)))?.id;
}

/**
 * The last events, newest last, as the side panel lists them. Chosen from the events index's projections (each
 * event's last time), so only the events shown are read: a busy cluster holds thousands.
 */
function recentEvents(state: ClusterState, shownNamespace: (ns: string) => boolean): ViewEvent[] {
  const time = (e: KubeObject) => String((e as { lastTimestamp?: string; eventTime?: string }).lastTimestamp ?? (e as { eventTime?: string }).eventTime ?? '');
  const latest: { key: string; t: number }[] = [];
  for (const [key, p] of state.objects.projections('events')) {
    if (!shownNamespace(key.slice(0, key.indexOf('/')))) continue;
    const t = (p as EventProjection | undefined)?.t;
    latest.push({ key, t: typeof t === 'number' && Number.isFinite(t) ? t : 0 });
  }
  latest.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return latest
    .slice(-EVENTS_SHOWN)
    .map(({ key }) => state.objects.get('events', key) as KubeObject | undefined)
    .filter((e): e is KubeObject => !!e)
    .map((e) => {
      const ev = e as KubeObject & { type?: string; reason?: string; message?: string; involvedObject?: { kind?: string; name?: string } };
      return { time: time(e), type: ev.type ?? 'Normal', reason: ev.reason ?? '', object: `${(ev.involvedObject?.kind ?? '').toLowerCase()}/${ev.involvedObject?.name ?? ''}`, message: ev.message ?? '' };
    });
}

/** The describe text of one object, as `kubesim describe` prints it; undefined when there is no such object. */
export function describeText(state: ClusterState, resource: string, namespace: string, name: string, now: Date): string | undefined {
  const info = findResource(resource);
  if (!info || !name) return undefined;
  const obj = getObject(state, info.resource, info.namespaced ? namespace || 'default' : undefined, name);
  if (!obj) return undefined;
  return describeObject(state, info, obj, { now, showEvents: true });
}

/** The full record of one request (its hop-by-hop trace included), while the ring still keeps it. */
export function flowDetail(state: ClusterState, seq: number): FlowRecord | undefined {
  if (!Number.isSafeInteger(seq)) return undefined;
  return recentFlows(state, MAX_FLOWS).find((f) => f.seq === seq);
}
