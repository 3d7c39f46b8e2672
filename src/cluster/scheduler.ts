// kube-scheduler's default profile, as far as kubesim's objects reach: per node, the filter plugins in the
// profile's order (NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit,
// PodTopologySpread, InterPodAffinity), the first to reject a node giving its reasons; a FitError histogram with
// what preemption would say when no node fits; else the best-scored node. docs/scheduling-facts.md records the facts used.
import { matchesLabelSelector } from '../api/labels.js';
import { nodeInProjection } from '../api/projections.js';
import { parseQuantity, quantityMilliValue, quantityValue, podRequests } from '../api/quantity.js';
import type { KubeObject, Pod } from '../api/types.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import type { Ctx } from './context.js';
import { recordEvent } from './events.js';
import { claimNodes, missingClaim, provisionClaims } from './storage.js';
import { sortKeys, type PodInformer, type Round } from './informer.js';

type PodObj = Pod & KubeObject;
type Spec = NonNullable<Pod['spec']>;
type NodeSelectorTerm = { matchExpressions?: Requirement[]; matchFields?: Requirement[] };
type Requirement = { key: string; operator: string; values?: string[] };
type AffinityTerm = NonNullable<NonNullable<NonNullable<Spec['affinity']>['podAffinity']>['requiredDuringSchedulingIgnoredDuringExecution']>[number];
export type Taint = { key: string; effect: string; value?: string };
type Toleration = NonNullable<Spec['tolerations']>[number];

/** A node as one scheduling pass sees it: its labels and allocatable, parsed once per pass. */
interface NodeView {
  obj: KubeObject;
  name: string;
  labels: Record<string, string>;
  /** cpu in millicores, every other resource in whole units, "pods" as a count */
  allocatable: Map<string, bigint>;
}

/** A filter plugin's verdict on one node: its reasons, and whether preemption could ever help there. */
interface Rejection {
  reasons: string[];
  /** UnschedulableAndUnresolvable: evicting pods from the node would not make room */
  unresolvable: boolean;
}

export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

function nodeView(obj: KubeObject): NodeView {
  const status = obj.status as { allocatable?: Record<string, unknown>; capacity?: Record<string, unknown> } | undefined;
  const list = status?.allocatable ?? status?.capacity ?? {};
  const allocatable = new Map<string, bigint>();
  for (const [k, raw] of Object.entries(list)) {
    const q = parseQuantity(raw);
    if (q) allocatable.set(k, k === 'cpu' ? quantityMilliValue(q) : quantityValue(q));
  }
  // A node that reports no pod capacity gets the kubelet's default --max-pods.
  if (!allocatable.has('pods')) allocatable.set('pods', 110n);
  return { obj, name: obj.metadata.name, labels: obj.metadata.labels ?? {}, allocatable };
}

// ---------------------------------------------------------------------------------------------------------
// Filters

/** v1.Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if (!t.operator || t.operator === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return false;
}

/** The first NoSchedule/NoExecute taint of the node that the pod does not tolerate (PreferNoSchedule only scores). */
function untoleratedTaint(pod: PodObj, node: NodeView): Taint | undefined {
  const taints = ((node.obj.spec as { taints?: Taint[] } | undefined)?.taints ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  const tols = pod.spec?.tolerations ?? [];
  return taints.find((t) => !tols.some((tol) => tolerates(tol, t)));
}

/** How many of the node's PreferNoSchedule taints the pod does not tolerate (tolerations for that effect or any). */
function softTaints(pod: PodObj, node: NodeView): number {
  const tols = (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  const taints = ((node.obj.spec as { taints?: Taint[] } | undefined)?.taints ?? []).filter((t) => t.effect === 'PreferNoSchedule');
  return taints.filter((t) => !tols.some((tol) => tolerates(tol, t))).length;
}

/** A node selector requirement against a set of labels (or fields): the operators nodeaffinity accepts. */
function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      // Both sides must be integers; anything else matches nothing.
      if (!has || values.length !== 1 || !/^-?\d+$/.test(value!) || !/^-?\d+$/.test(values[0])) return false;
      const a = BigInt(value!);
      const b = BigInt(values[0]);
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A NodeSelectorTerm: its expressions against the labels and its fields (metadata.name only) all match; an empty term matches nothing. */
function termMatches(term: NodeSelectorTerm, node: NodeView): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  if (!exprs.every((r) => requirementMatches(r, node.labels))) return false;
  return fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, { 'metadata.name': node.name }));
}

/** NodeAffinity's filter: spec.nodeSelector and every required term list (terms ORed). */
function nodeAffinityMatches(pod: PodObj, node: NodeView): boolean {
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (node.labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t as NodeSelectorTerm, node));
}

type HostPort = { ip: string; protocol: string; port: number };

/** The host ports a pod's containers claim (a hostNetwork pod claims its container ports). */
function hostPorts(pod: PodObj): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      const port = p.hostPort ?? (pod.spec?.hostNetwork ? p.containerPort : 0);
      if (port) out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol ?? 'TCP', port });
    }
  }
  return out;
}

/** NodePorts: a wanted host port already taken on the node, by protocol and port, 0.0.0.0 overlapping every address. */
function portsConflict(wanted: HostPort[], node: NodeView, pods: PodInformer): boolean {
  for (const key of pods.activeKeysOn(node.name)) {
    const p = pods.get(key);
    if (!p) continue;
    for (const used of hostPorts(p)) {
      if (wanted.some((w) => w.port === used.port && w.protocol === used.protocol && (w.ip === used.ip || w.ip === '0.0.0.0' || used.ip === '0.0.0.0'))) return true;
    }
  }
  return false;
}

/** NodeResourcesFit (fitsRequest): every resource the pod asks more of than the node has left. */
function insufficient(req: Map<string, bigint>, node: NodeView, requested: ReadonlyMap<string, bigint>, podCount: number): string[] {
  const out: string[] = [];
  if (BigInt(podCount) + 1n > (node.allocatable.get('pods') ?? 110n)) out.push('Too many pods');
  // cpu, memory and ephemeral-storage first, then the scalar resources (hugepages, extended) by name.
  const names = [...req.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    if (name === 'pods') continue;
    const want = req.get(name)!;
    if (want <= 0n) continue;
    const free = (node.allocatable.get(name) ?? 0n) - (requested.get(name) ?? 0n);
    if (want > free) out.push(`Insufficient ${name}`);
  }
  return out;
}

function rank(name: string): number {
  return name === 'cpu' ? 0 : name === 'memory' ? 1 : name === 'ephemeral-storage' ? 2 : 3;
}

/** The namespaces an affinity term selects: its list, all of them for an empty namespaceSelector, else the pod's own. */
function termNamespaces(term: AffinityTerm, ownNamespace: string, state: ClusterState): Set<string> | 'all' {
  const out = new Set<string>(term.namespaces ?? []);
  const sel = term.namespaceSelector;
  if (sel) {
    if (!sel.matchLabels && !sel.matchExpressions) return 'all';
    for (const ns of listObjects(state, 'namespaces')) if (matchesLabelSelector(sel, ns.metadata.labels)) out.add(ns.metadata.name);
  }
  if (out.size === 0 && !sel) out.add(ownNamespace);
  return out;
}

function termSelects(term: AffinityTerm, namespaces: Set<string> | 'all', pod: PodObj): boolean {
  if (namespaces !== 'all' && !namespaces.has(pod.metadata.namespace ?? '')) return false;
  return matchesLabelSelector(term.labelSelector, pod.metadata.labels);
}

/**
 * InterPodAffinity's PreFilter for one pod: per required term, how many assigned pods it selects in each
 * topology domain ("key=value"), and the domains existing pods' required anti-affinity keeps it out of.
 */
interface AffinityState {
  affinity: { term: AffinityTerm; counts: Map<string, number> }[];
  anyAffinityMatch: boolean;
  antiAffinity: { term: AffinityTerm; counts: Map<string, number> }[];
  existingAnti: Set<string>;
}

function affinityState(pod: PodObj, pods: PodInformer, nodes: Map<string, NodeView>, state: ClusterState): AffinityState | undefined {
  const aff = pod.spec?.affinity;
  const required = aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const anti = aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const holders = pods.antiAffinityPods();
  if (required.length === 0 && anti.length === 0 && holders.length === 0) return undefined;
  const ns = pod.metadata.namespace ?? '';
  // The assigned pods each term selects, by where they run.
  const selected = (term: AffinityTerm) => {
    const namespaces = termNamespaces(term, ns, state);
    const candidates = namespaces === 'all' ? pods.list() : [...namespaces].sort().flatMap((n) => pods.list(n));
    const out: [string, NodeView][] = [];
    for (const p of candidates) {
      const key = `${p.metadata.namespace}/${p.metadata.name}`;
      const node = p.spec?.nodeName ? nodes.get(p.spec.nodeName) : undefined;
      if (node && pods.activeKeysOn(node.name).has(key) && termSelects(term, namespaces, p)) out.push([key, node]);
    }
    return out;
  };
  const tally = (counts: Map<string, number>, term: AffinityTerm, node: NodeView) => {
    const v = node.labels[term.topologyKey];
    if (v !== undefined) counts.set(`${term.topologyKey}=${v}`, (counts.get(`${term.topologyKey}=${v}`) ?? 0) + 1);
  };
  // Affinity counts a pod only when it matches every required term (updateWithAffinityTerms); anti-affinity
  // counts each term on its own.
  const affinity = required.map((term) => ({ term, counts: new Map<string, number>() }));
  if (required.length) {
    const perTerm = required.map((t) => new Map(selected(t)));
    for (const [key, node] of perTerm[0]) {
      if (perTerm.every((m) => m.has(key))) for (const a of affinity) tally(a.counts, a.term, node);
    }
  }
  const count = (terms: AffinityTerm[]) =>
    terms.map((term) => {
      const counts = new Map<string, number>();
      for (const [, node] of selected(term)) tally(counts, term, node);
      return { term, counts };
    });
  const existingAnti = new Set<string>();
  for (const h of holders) {
    const node = nodes.get(h.spec!.nodeName!);
    if (!node) continue;
    for (const term of h.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
      const v = node.labels[term.topologyKey];
      if (v !== undefined && termSelects(term, termNamespaces(term, h.metadata.namespace ?? '', state), pod)) existingAnti.add(`${term.topologyKey}=${v}`);
    }
  }
  return { affinity, anyAffinityMatch: affinity.some((a) => a.counts.size > 0), antiAffinity: count(anti), existingAnti };
}

/** InterPodAffinity's Filter: the incoming pod's affinity, then its anti-affinity, then existing pods' anti-affinity. */
function interPodAffinity(pod: PodObj, node: NodeView, s: AffinityState, state: ClusterState): Rejection | undefined {
  let podsExist = true;
  for (const { term, counts } of s.affinity) {
    const v = node.labels[term.topologyKey];
    if (v === undefined) return { reasons: ["node(s) didn't match pod affinity rules"], unresolvable: true };
    if (!(counts.get(`${term.topologyKey}=${v}`) ?? 0)) podsExist = false;
  }
  // The first pod of a group that is affine to itself may go anywhere its terms' topology labels exist.
  if (!podsExist) {
    const self = s.affinity.every(({ term }) => termSelects(term, termNamespaces(term, pod.metadata.namespace ?? '', state), pod));
    if (s.anyAffinityMatch || !self) return { reasons: ["node(s) didn't match pod affinity rules"], unresolvable: true };
  }
  for (const { term, counts } of s.antiAffinity) {
    const v = node.labels[term.topologyKey];
    if (v !== undefined && (counts.get(`${term.topologyKey}=${v}`) ?? 0) > 0) return { reasons: ["node(s) didn't match pod anti-affinity rules"], unresolvable: false };
  }
  for (const [k, v] of Object.entries(node.labels)) {
    if (s.existingAnti.has(`${k}=${v}`)) return { reasons: ["node(s) didn't satisfy existing pods anti-affinity rules"], unresolvable: false };
  }
  return undefined;
}

/** PodTopologySpread's PreFilter: per hard constraint, the matching pods per domain over the eligible nodes, and the minimum. */
interface SpreadState {
  constraints: { key: string; maxSkew: number; selfMatch: number; counts: Map<string, number>; min: number }[];
}

function spreadState(pod: PodObj, pods: PodInformer, nodes: NodeView[]): SpreadState | undefined {
  const hard = (pod.spec?.topologySpreadConstraints ?? []).filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
  if (hard.length === 0) return undefined;
  const ns = pod.metadata.namespace ?? '';
  const labels = pod.metadata.labels ?? {};
  const constraints = hard.map((c) => {
    // matchLabelKeys add "key in (the pod's value)" to the selector.
    const sel = c.labelSelector ? { ...c.labelSelector, matchExpressions: [...(c.labelSelector.matchExpressions ?? [])] } : undefined;
    for (const k of c.matchLabelKeys ?? []) if (sel && labels[k] !== undefined) sel.matchExpressions.push({ key: k, operator: 'In', values: [labels[k]] });
    return { c, sel };
  });
  // Nodes with every constraint's key; each constraint then keeps those its inclusion policies admit.
  const labelled = nodes.filter((n) => constraints.every(({ c }) => n.labels[c.topologyKey] !== undefined));
  return {
    constraints: constraints.map(({ c, sel }) => {
      const counts = new Map<string, number>();
      const eligible = labelled.filter((n) => (c.nodeAffinityPolicy === 'Ignore' || nodeAffinityMatches(pod, n)) && (c.nodeTaintsPolicy !== 'Honor' || !untoleratedTaint(pod, n)));
      for (const n of eligible) {
        const domain = n.labels[c.topologyKey];
        let k = counts.get(domain) ?? 0;
        for (const key of pods.activeKeysOn(n.name)) {
          const p = pods.get(key);
          // Terminating pods do not count towards the spread.
          if (!p || p.metadata.namespace !== ns || p.metadata.deletionTimestamp) continue;
          if (matchesLabelSelector(sel, p.metadata.labels)) k++;
        }
        counts.set(domain, k);
      }
      let min = counts.size ? Math.min(...counts.values()) : 0;
      if (c.minDomains !== undefined && counts.size < c.minDomains) min = 0;
      return { key: c.topologyKey, maxSkew: c.maxSkew, selfMatch: matchesLabelSelector(sel, labels) ? 1 : 0, counts, min };
    }),
  };
}

function topologySpread(node: NodeView, s: SpreadState): Rejection | undefined {
  for (const c of s.constraints) {
    if (node.labels[c.key] === undefined) return { reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"], unresolvable: true };
    const skew = (c.counts.get(node.labels[c.key]) ?? 0) + c.selfMatch - c.min;
    if (skew > c.maxSkew) return { reasons: ["node(s) didn't match pod topology spread constraints"], unresolvable: false };
  }
  return undefined;
}

/** The plugins in the default profile's order; the first that rejects the node decides. */
function filterNode(pod: PodObj, node: NodeView, req: Map<string, bigint>, ports: HostPort[], pods: PodInformer, spread: SpreadState | undefined, affinity: AffinityState | undefined, state: ClusterState): Rejection | undefined {
  const tols = pod.spec?.tolerations ?? [];
  if ((node.obj.spec as { unschedulable?: boolean } | undefined)?.unschedulable && !tols.some((t) => tolerates(t, UNSCHEDULABLE_TAINT))) {
    return { reasons: ['node(s) were unschedulable'], unresolvable: true };
  }
  const taint = untoleratedTaint(pod, node);
  if (taint) return { reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], unresolvable: true };
  if (!nodeAffinityMatches(pod, node)) return { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true };
  if (ports.length && portsConflict(ports, node, pods)) return { reasons: ["node(s) didn't have free ports for the requested pod ports"], unresolvable: false };
  // v1.32 reports every shortfall as Unschedulable, so preemption is tried even for a request larger than the
  // whole node (v1.34 made that case "not helpful").
  const short = insufficient(req, node, pods.requestedOn(node.name), pods.activeOn(node.name));
  if (short.length) return { reasons: short, unresolvable: false };
  // VolumeBinding: a bound claim's PV may pin the pod to a node.
  if (pod.spec?.volumes?.some((v) => (v as { persistentVolumeClaim?: unknown }).persistentVolumeClaim)) {
    if (claimNodes(state, pod).some((nodes) => !nodes.includes(node.name))) return { reasons: ['node(s) had volume node affinity conflict'], unresolvable: true };
  }
  if (spread) {
    const why = topologySpread(node, spread);
    if (why) return why;
  }
  if (affinity) {
    const why = interPodAffinity(pod, node, affinity, state);
    if (why) return why;
  }
  return undefined;
}

/** The scheduler's FitError text: a histogram of reasons, each "<count> <reason>", sorted as strings. */
export function fitError(nodeCount: number, rejections: Rejection[]): string {
  const histogram = (xs: string[]) => {
    const counts = new Map<string, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
  };
  const head = `0/${nodeCount} nodes are available`;
  // Every pod has priority 0 in kubesim, so no node has a lower-priority victim: each node where preemption
  // might help reports that none was found.
  const preemption = rejections.map((r) => (r.unresolvable ? NOT_HELPFUL : NO_VICTIMS));
  return `${head}: ${histogram(rejections.flatMap((r) => r.reasons))}. preemption: ${head}: ${histogram(preemption)}.`;
}

/** NodeAffinity's score: the weights of the preferred terms the node matches. */
function preferredScore(pod: PodObj, node: NodeView): number {
  let score = 0;
  for (const p of pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (p.weight && termMatches(p.preference as NodeSelectorTerm, node)) score += p.weight;
  }
  return score;
}

/**
 * InterPodAffinity's score from the pod's preferred terms: per node, the weights of the assigned pods each
 * term selects in the node's topology domain, added for affinity and subtracted for anti-affinity.
 */
function preferredPodScores(pod: PodObj, fits: NodeView[], pods: PodInformer, nodes: Map<string, NodeView>, state: ClusterState): number[] | undefined {
  const aff = pod.spec?.affinity;
  const terms = [
    ...(aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => ({ w: t.weight, term: t.podAffinityTerm })),
    ...(aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => ({ w: -t.weight, term: t.podAffinityTerm })),
  ];
  if (terms.length === 0) return undefined;
  const byDomain = new Map<string, number>();
  for (const { w, term } of terms) {
    const namespaces = termNamespaces(term, pod.metadata.namespace ?? '', state);
    const candidates = namespaces === 'all' ? pods.list() : [...namespaces].sort().flatMap((n) => pods.list(n));
    for (const p of candidates) {
      const node = p.spec?.nodeName ? nodes.get(p.spec.nodeName) : undefined;
      if (!node || !pods.activeKeysOn(node.name).has(`${p.metadata.namespace}/${p.metadata.name}`) || !termSelects(term, namespaces, p)) continue;
      const v = node.labels[term.topologyKey];
      if (v !== undefined) byDomain.set(`${term.topologyKey}=${v}`, (byDomain.get(`${term.topologyKey}=${v}`) ?? 0) + w);
    }
  }
  return fits.map((n) => {
    let score = 0;
    for (const [k, v] of Object.entries(n.labels)) score += byDomain.get(`${k}=${v}`) ?? 0;
    return score;
  });
}

/** The score plugins' normalisation: NodeAffinity scales to 0..100 by the maximum, InterPodAffinity by the range. */
function byMax(xs: number[]): number[] {
  const max = Math.max(...xs);
  return xs.map((x) => (max > 0 ? Math.trunc((x * 100) / max) : 0));
}

function byRange(xs: number[]): number[] {
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  return xs.map((x) => (max > min ? Math.trunc((100 * (x - min)) / (max - min)) : 0));
}

/**
 * The nodes in list order as their index projections keep what the scheduler asks (the incremental reconcile);
 * a projection saved before they were kept reads its node, and the next save projects it anew.
 */
function nodesFromIndex(state: ClusterState): KubeObject[] {
  const projections = state.objects.projections('nodes');
  const out: KubeObject[] = [];
  for (const key of sortKeys(projections.keys())) {
    let node = nodeInProjection(key, projections.get(key));
    if (!node) {
      node = state.objects.get('nodes', key) as KubeObject | undefined;
      if (!node) continue;
      state.objects.reproject.add('nodes');
    }
    out.push(node);
  }
  return out;
}

/**
 * Places pending pods. Among the nodes that pass the filters: the highest score from preferred node affinity and
 * preferred pod (anti-)affinity (each normalised to 0..100, weight 2 as in the default profile), then the fewest
 * pods (kube-scheduler's spreading scores), ties broken by the seeded random source. The informer is synced
 * after each binding, so the next pod sees the requests and pods just placed.
 */
export function runScheduler(state: ClusterState, ctx: Ctx, r: Round): void {
  const pending = r.pods.pending();
  if (pending.length === 0) return;
  const nodes = (r.scope ? nodesFromIndex(state) : listObjects(state, 'nodes')).map(nodeView);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const listed of pending) {
    const pod = r.pods.object(`${listed.metadata.namespace}/${listed.metadata.name}`);
    if (!pod) continue;
    // VolumeBinding's PreFilter: a claim that does not exist makes every node unsuitable.
    const missing = pod.spec?.volumes?.length ? missingClaim(state, pod) : undefined;
    if (missing) {
      const head = `0/${nodes.length} nodes are available`;
      markUnschedulable(state, ctx, pod, `${head}: persistentvolumeclaim "${missing}" not found. preemption: ${head}: ${nodes.length} Preemption is not helpful for scheduling.`);
      continue;
    }
    const req = podRequests(pod.spec);
    const ports = hostPorts(pod);
    const spread = spreadState(pod, r.pods, nodes);
    const affinity = affinityState(pod, r.pods, byName, state);
    const rejections: Rejection[] = [];
    const fits: NodeView[] = [];
    for (const n of nodes) {
      const why = filterNode(pod, n, req, ports, r.pods, spread, affinity, state);
      if (why) rejections.push(why);
      else fits.push(n);
    }
    if (fits.length === 0) {
      markUnschedulable(state, ctx, pod, fitError(nodes.length, rejections));
      continue;
    }
    const preferred = byMax(fits.map((n) => preferredScore(pod, n))).map((x) => 2 * x);
    const podScores = preferredPodScores(pod, fits, r.pods, byName, state);
    if (podScores) byRange(podScores).forEach((x, i) => (preferred[i] += 2 * x));
    // TaintToleration's score (weight 3): fewer untolerated PreferNoSchedule taints is better.
    const soft = fits.map((n) => softTaints(pod, n));
    const softMax = Math.max(...soft);
    if (softMax > 0) soft.forEach((x, i) => (preferred[i] += 3 * (100 - Math.trunc((x * 100) / softMax))));
    const top = Math.max(...preferred);
    const candidates = fits.filter((_, i) => preferred[i] === top);
    const least = Math.min(...candidates.map((n) => r.pods.podsOn(n.name)));
    const best = candidates.filter((n) => r.pods.podsOn(n.name) === least);
    const node = best[ctx.random.int(best.length)];
    bindPod(state, ctx, pod, node.name);
    provisionClaims(state, ctx, pod, node.name);
    r.pods.sync();
  }
}

/** The PodScheduled=False condition and a FailedScheduling event, again only when the reason changed. */
function markUnschedulable(state: ClusterState, ctx: Ctx, pod: PodObj, message: string): void {
  const status = (pod.status ??= {});
  const cur = status.conditions?.find((c) => c.type === 'PodScheduled');
  if (cur && cur.message === message) return;
  const now = rfc3339(ctx.clock.now());
  status.conditions = [{ type: 'PodScheduled', status: 'False', lastProbeTime: null as unknown as string, lastTransitionTime: cur?.status === 'False' ? cur.lastTransitionTime : now, reason: 'Unschedulable', message }];
  putObject(state, 'pods', pod);
  recordEvent(state, ctx, pod, { type: 'Warning', reason: 'FailedScheduling', message, component: 'default-scheduler' });
}

function bindPod(state: ClusterState, ctx: Ctx, pod: PodObj, nodeName: string): void {
  pod.spec!.nodeName = nodeName;
  const now = rfc3339(ctx.clock.now());
  pod.status = { ...(pod.status ?? {}), phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: now }] };
  putObject(state, 'pods', pod);
  recordEvent(state, ctx, pod, {
    reason: 'Scheduled',
    message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`,
    component: 'default-scheduler',
  });
}

// ---------------------------------------------------------------------------------------------------------
// The kubelet's admission of the resources (lifecycle.predicateAdmitHandler): a pod bound with spec.nodeName
// never met the scheduler, so the node's kubelet is the first to check that it fits.

const OUT_OF: Record<string, string> = { cpu: 'OutOfcpu', memory: 'OutOfmemory', 'ephemeral-storage': 'OutOfephemeral-storage', pods: 'OutOfpods' };

/** Extended resources (a domain-qualified name outside kubernetes.io) that the node does not offer are left to the cluster. */
function extendedMissing(name: string, node: NodeView): boolean {
  if (!name.includes('/') || name.startsWith('kubernetes.io/') || name.startsWith('requests.')) return false;
  return !node.allocatable.has(name);
}

/** The first resource the pod does not fit, as InsufficientResourceError words it, or undefined when it fits. */
function admissionFailure(req: Map<string, bigint>, node: NodeView, used: Map<string, bigint>, otherPods: number): [string, string] | undefined {
  const err = (name: string, requested: bigint, usedN: bigint, capacity: bigint): [string, string] => [
    OUT_OF[name] ?? `OutOf${name}`,
    `Node didn't have enough resource: ${name}, requested: ${requested}, used: ${usedN}, capacity: ${capacity}`,
  ];
  const allowed = node.allocatable.get('pods') ?? 110n;
  if (BigInt(otherPods) + 1n > allowed) return err('pods', 1n, BigInt(otherPods), allowed);
  const names = [...req.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const want = req.get(name)!;
    if (name === 'pods' || want <= 0n || extendedMissing(name, node)) continue;
    const cap = node.allocatable.get(name) ?? 0n;
    const u = used.get(name) ?? 0n;
    if (want > cap - u) return err(name, want, u, cap);
  }
  return undefined;
}

/**
 * Admits, in creation order as the kubelet does, the pods bound to a node that have not started yet; one that
 * does not fit beside the pods admitted before it fails with OutOf<resource>, and the kubelet leaves it alone.
 * Pods placed by the scheduler always fit (it counted every assigned pod), so in practice this rejects only
 * pods created with spec.nodeName.
 */
export function runKubeletAdmission(state: ClusterState, ctx: Ctx, r: Round): void {
  const keys = r.scope ? [...r.scope.pods] : r.pods.list().map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
  const waiting = keys
    .map((k) => [k, r.pods.get(k)] as const)
    .filter(([, p]) => p && p.spec?.nodeName && !p.status?.startTime && !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')
    .sort(([ka, a], [kb, b]) => (a!.metadata.creationTimestamp ?? '').localeCompare(b!.metadata.creationTimestamp ?? '') || (ka < kb ? -1 : ka > kb ? 1 : 0));
  if (waiting.length === 0) return;
  const nodes = new Map<string, NodeView | undefined>();
  const view = (name: string) => {
    if (!nodes.has(name)) {
      const obj = getObject(state, 'nodes', undefined, name);
      nodes.set(name, obj ? nodeView(obj) : undefined);
    }
    return nodes.get(name);
  };
  // What the not-yet-admitted pods of each node ask, so that each is judged only against those admitted before it.
  const unadmitted = new Map<string, { req: Map<string, bigint>; count: number }>();
  const reqs = new Map<string, Map<string, bigint>>();
  for (const [k, p] of waiting) {
    const req = podRequests(p!.spec);
    reqs.set(k, req);
    const u = unadmitted.get(p!.spec!.nodeName!) ?? { req: new Map(), count: 0 };
    for (const [n, v] of req) u.req.set(n, (u.req.get(n) ?? 0n) + v);
    u.count++;
    unadmitted.set(p!.spec!.nodeName!, u);
  }
  for (const [k, p] of waiting) {
    const nodeName = p!.spec!.nodeName!;
    const node = view(nodeName);
    const u = unadmitted.get(nodeName)!;
    const req = reqs.get(k)!;
    const used = new Map<string, bigint>();
    for (const [n, v] of r.pods.requestedOn(nodeName)) used.set(n, v - (u.req.get(n) ?? 0n));
    const others = r.pods.activeOn(nodeName) - u.count;
    for (const [n, v] of req) u.req.set(n, (u.req.get(n) ?? 0n) - v);
    u.count--;
    const failure = node && admissionFailure(req, node, used, others);
    if (!failure) continue;
    const pod = r.pods.object(k);
    if (!pod) continue;
    const [reason, message] = failure;
    pod.status = { phase: 'Failed', reason, message: `Pod was rejected: ${message}`, qosClass: pod.status?.qosClass };
    putObject(state, 'pods', pod);
    recordEvent(state, ctx, pod, { type: 'Warning', reason, message, component: 'kubelet', host: nodeName });
    r.pods.sync();
  }
}
