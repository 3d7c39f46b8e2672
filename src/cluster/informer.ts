// The pods as the controllers see them, as a client-go informer keeps them: one cache per command, built once
// and kept fresh from the store's journal (every put and remove of this command), with the indexes the
// controllers ask by (namespace, owner, node, unscheduled pods).
//
// Two modes. "thin": each pod is the projection the pods index keeps (thinPod below), so a command on a
// 10,000-pod cluster reads one index file instead of 10,000 objects; a controller that changes a pod reads
// the whole object with getObject first. "full": the stored objects themselves (the full reconcile, the
// oracle the thin mode is tested against).
import { thinPod } from '../api/projections.js';
import { podRequests } from '../api/quantity.js';
import type { KubeObject, Pod } from '../api/types.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { sortKeys } from '../store/keys.js';
import { podFacts, PodSummary, projectionLacksRequests, type OwnedTable, type PodFacts } from '../store/pod-summary.js';

type PodObj = Pod & KubeObject;

export { compareKeys, sortKeys } from '../store/keys.js';

/** What a pod was indexed under when it was added, with what it asks of its node while it holds a place there (scheduler units, see podRequests; computed once requests are asked for). */
type Indexed = PodFacts & { req: Map<string, bigint> | undefined };

function setOf(m: Map<string, Set<string>>, k: string): Set<string> {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  return s;
}

const EMPTY: ReadonlyMap<string, bigint> = new Map();
const EMPTY_SET: ReadonlySet<string> = new Set();
const NO_ROWS: OwnedTable = { counts: () => ({ labels: new Map(), active: 0, activeLabels: new Map(), activeReady: new Map(), activeNodes: new Map() }), rows: () => true };

export interface PodChange {
  key: string;
  old: PodObj | undefined;
  now: PodObj | undefined;
}

export class PodInformer {
  private readonly pods = new Map<string, PodObj>();
  private sorted: string[] | undefined;
  private readonly byNamespace = new Map<string, Set<string>>();
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly perNode = new Map<string, Set<string>>();
  private readonly activePerNode = new Map<string, Set<string>>();
  private readonly ipsByNode = new Map<string, Map<string, number>>();
  private readonly unscheduled = new Set<string>();
  /** Built on the first requestedOn (only a command with pods to place needs it), then kept up to date. */
  private requestedPerNode: Map<string, Map<string, bigint>> | undefined;
  private readonly withAntiAffinity = new Set<string>();
  private readonly orphans = new Map<string, Set<string>>();
  private readonly indexed = new Map<string, Indexed>();
  private readonly ownedSorted = new Map<string, PodObj[]>();
  /** Changes seen by any sync since the last drainChanges(): the reconcile maps them to services. */
  private changes: PodChange[] = [];
  private position: number;

  /**
   * Lazy mode (thin only): the per-node and per-owner sums of the store's pod summary stand in for the indexes,
   * brought up to date with the pods this command changed; the pods themselves are read only when a question
   * needs them (a list, an owner's pods), and then the informer becomes a full one.
   */
  private summary: PodSummary | undefined;
  /** Lazy mode: the pods whose disk entry the summary's sums no longer count (this command changed them). */
  private readonly retired = new Set<string>();
  /** The store generation the summary belongs to. */
  readonly generation: number | undefined;

  private constructor(
    private readonly state: ClusterState,
    readonly thin: boolean,
  ) {
    this.position = state.objects.journal.length;
    this.generation = state.store?.generation;
    const text = thin ? state.objects.podSummaryText() : undefined;
    this.summary = text === undefined ? undefined : PodSummary.parse(text, (ref) => state.objects.podSummaryPart(ref), (node) => state.objects.diskPodIPs(node));
    // A row found not to be kubesim's: the next save computes the summary again.
    if (this.summary) this.summary.onDamaged = () => (state.objects.podSummaryDamaged = true);
    if (this.summary) {
      // The summary is the disk's: take in what this command changed before the informer was asked for, as
      // part of the starting view (not as changes), as a full build from the current projections would.
      const keys = new Set<string>();
      for (const e of state.objects.journal) if (e.kind === 'pods') keys.add(e.key);
      for (const key of keys) {
        this.drop(key);
        this.add(key, this.fetch(key));
      }
    } else this.load();
  }

  private load(): void {
    if (this.thin) {
      for (const [key, p] of this.state.objects.projections('pods')) this.add(key, (p as PodObj | undefined) ?? this.fetch(key));
    } else {
      for (const p of listObjects<Pod>(this.state, 'pods')) this.add(`${p.metadata.namespace}/${p.metadata.name}`, p);
    }
  }

  /** Leaves lazy mode: every index built from the pods as they are now (changes so far are recorded first). */
  private full(): void {
    if (!this.summary) return;
    this.sync();
    const summary = this.summary;
    this.summary = undefined;
    for (const m of [this.pods, this.byNamespace, this.byOwner, this.perNode, this.activePerNode, this.ipsByNode, this.orphans, this.indexed, this.ownedSorted]) m.clear();
    this.unscheduled.clear();
    this.withAntiAffinity.clear();
    this.requestedPerNode = undefined;
    this.sorted = undefined;
    this.position = this.state.objects.journal.length;
    this.load();
    // The summary's sums are the scheduler's NodeInfo.Requested already: keep them rather than read every pod's.
    this.requestedPerNode = new Map([...summary.nodes].map(([n, x]) => [n, new Map(x.req)]));
  }

  /** Whether this informer answers from the pod summary (tests and measurements ask). */
  get lazy(): boolean {
    return !!this.summary;
  }

  /** Whether any pod names this uid among its owners (the garbage collector skips the pods when none does). */
  hasDependents(uid: string): boolean | undefined {
    this.sync();
    if (this.summary) return this.summary.owns(uid);
    return undefined;
  }

  /** A new informer over the state as it is now (a replay of the past builds its own). */
  static build(state: ClusterState, thin: boolean): PodInformer {
    return new PodInformer(state, thin);
  }

  private fetch(key: string): PodObj | undefined {
    const p = this.state.objects.get('pods', key) as PodObj | undefined;
    return p && (this.thin ? thinPod(p) : p);
  }

  private add(key: string, p: PodObj | undefined): void {
    if (!p) return;
    if (this.summary) {
      const facts = podFacts(p);
      const f: Indexed = { ...facts, req: facts.node && !facts.terminal ? this.requestsOf(key, p) : undefined };
      this.summary.apply(key, facts, f.req, 1);
      this.pods.set(key, p);
      this.indexed.set(key, f);
      return;
    }
    const f: Indexed = { ...podFacts(p), req: undefined };
    if (this.requestedPerNode && f.node && !f.terminal) {
      f.req = this.requestsOf(key, p);
      this.addRequested(f.node, f.req, 1n);
    }
    if (f.antiAffinity) this.withAntiAffinity.add(key);
    this.pods.set(key, p);
    this.indexed.set(key, f);
    setOf(this.byNamespace, f.ns).add(key);
    if (f.owner) {
      setOf(this.byOwner, f.owner).add(key);
      this.ownedSorted.delete(f.owner);
    } else setOf(this.orphans, f.ns).add(key);
    if (f.node) setOf(this.perNode, f.node).add(key);
    if (f.node && !f.terminal) setOf(this.activePerNode, f.node).add(key);
    if (f.node && f.ip) {
      let ips = this.ipsByNode.get(f.node);
      if (!ips) this.ipsByNode.set(f.node, (ips = new Map()));
      ips.set(f.ip, (ips.get(f.ip) ?? 0) + 1);
    }
    if (f.pending) this.unscheduled.add(key);
  }

  /** Removes a key from every index by what was indexed (full mode's objects change in place). */
  private drop(key: string): PodObj | undefined {
    if (this.summary) {
      // A pod not seen yet this command is as the disk has it; one this command removed (then maybe made
      // again under the same name, as a StatefulSet does) was taken out of the sums already.
      let p = this.pods.get(key);
      let f = this.indexed.get(key);
      if (!p) {
        if (this.retired.has(key)) return undefined;
        this.retired.add(key);
        p = this.state.objects.diskProjection('pods', key) as PodObj | undefined;
        if (!p) return undefined;
        const facts = podFacts(p);
        f = { ...facts, req: facts.node && !facts.terminal ? this.requestsOf(key, p, true) : undefined };
      }
      this.summary.apply(key, f!, f!.req, -1);
      this.pods.delete(key);
      this.indexed.delete(key);
      return p;
    }
    const p = this.pods.get(key);
    const f = this.indexed.get(key);
    if (!p || !f) return undefined;
    this.pods.delete(key);
    this.indexed.delete(key);
    this.byNamespace.get(f.ns)?.delete(key);
    if (f.owner) {
      this.byOwner.get(f.owner)?.delete(key);
      this.ownedSorted.delete(f.owner);
    } else this.orphans.get(f.ns)?.delete(key);
    if (f.node) this.perNode.get(f.node)?.delete(key);
    if (f.node) this.activePerNode.get(f.node)?.delete(key);
    const ips = f.node ? this.ipsByNode.get(f.node) : undefined;
    if (f.ip && ips) {
      const n = (ips.get(f.ip) ?? 1) - 1;
      if (n > 0) ips.set(f.ip, n);
      else ips.delete(f.ip);
    }
    this.unscheduled.delete(key);
    // A pod added before the sums were kept (they came from the summary) has its requests read now.
    if (f.node && !f.terminal && this.requestedPerNode) this.addRequested(f.node, f.req ?? this.requestsOf(key, p), -1n);
    this.withAntiAffinity.delete(key);
    return p;
  }

  /** A pod's requests; a projection written before requests were kept in it has no resources: read the object. */
  private requestsOf(key: string, p: PodObj, onDisk = false): Map<string, bigint> {
    if (this.thin && projectionLacksRequests(p)) {
      // (A summary is never computed over such projections: the commit reads their objects instead.)
      const full = (onDisk ? undefined : this.state.objects.get('pods', key)) as PodObj | undefined;
      return podRequests(full?.spec);
    }
    return podRequests(p.spec);
  }

  private addRequested(node: string, req: Map<string, bigint>, sign: bigint): void {
    if (req.size === 0 || !this.requestedPerNode) return;
    let m = this.requestedPerNode.get(node);
    if (!m) this.requestedPerNode.set(node, (m = new Map()));
    for (const [k, v] of req) m.set(k, (m.get(k) ?? 0n) + sign * v);
  }

  /**
   * Applies the journal since the last sync; returns each changed pod with what it was and is. Full mode
   * re-indexes the stored object itself (changed in place, so `old` is only its previous indexing).
   */
  sync(): PodChange[] {
    const journal = this.state.objects.journal;
    const keys = new Set<string>();
    for (; this.position < journal.length; this.position++) {
      const e = journal[this.position];
      if (e.kind === 'pods') keys.add(e.key);
    }
    const out: PodChange[] = [];
    for (const key of keys) {
      const old = this.drop(key);
      const now = this.fetch(key);
      this.add(key, now);
      if (!old || !now) this.sorted = undefined;
      out.push({ key, old, now });
    }
    this.changes.push(...out);
    return out;
  }

  /** Every change synced since the last call (whoever called sync). */
  drainChanges(): PodChange[] {
    this.sync();
    const out = this.changes;
    this.changes = [];
    return out;
  }

  /** Pods of a namespace (all when undefined), in etcd order, as the API server lists them. */
  list(namespace?: string): PodObj[] {
    this.full();
    if (namespace !== undefined) {
      const keys = sortKeys(this.byNamespace.get(namespace) ?? []);
      return keys.map((k) => this.pods.get(k)!);
    }
    this.sorted ??= sortKeys(this.pods.keys());
    return this.sorted.map((k) => this.pods.get(k)!);
  }

  get(key: string): PodObj | undefined {
    if (this.summary) return this.pods.get(key) ?? this.fetch(key);
    return this.pods.get(key);
  }

  /** Pods whose controller is the object with this uid, in etcd order. */
  ownedBy(uid: string): PodObj[] {
    if (this.summary && !this.summary.owns(uid)) return [];
    this.full();
    let out = this.ownedSorted.get(uid);
    if (!out) this.ownedSorted.set(uid, (out = sortKeys(this.byOwner.get(uid) ?? []).map((k) => this.pods.get(k)!)));
    return out;
  }

  /**
   * Lazy mode only (undefined otherwise): the pods whose controller is this uid as the summary keeps them,
   * by key, up to date with this command's changes; the ReplicaSet controller counts and ranks from them.
   */
  ownedSummary(uid: string): OwnedTable | undefined {
    this.sync();
    if (!this.summary) return undefined;
    if (this.summary.damaged) {
      this.state.objects.podSummaryDamaged = true;
      return undefined;
    }
    return this.summary.table(uid) ?? NO_ROWS;
  }

  /** Lazy mode only: the label sets (JSON) of the namespace's pods that a controller could adopt. */
  orphanLabelSets(namespace: string): Iterable<string> | undefined {
    this.sync();
    if (!this.summary) return undefined;
    return this.summary.orphans.get(namespace)?.keys() ?? [];
  }

  /** Pods of a namespace that no controller owns, in etcd order (a ReplicaSet may adopt them). */
  orphansIn(namespace: string): PodObj[] {
    this.full();
    return sortKeys(this.orphans.get(namespace) ?? []).map((k) => this.pods.get(k)!);
  }

  /** How many pods each node has (the scheduler's spreading score). */
  podsOn(node: string): number {
    if (this.summary) return this.summary.nodes.get(node)?.n ?? 0;
    return this.perNode.get(node)?.size ?? 0;
  }

  /** How many pods on the node have not finished (what its pod capacity counts). */
  activeOn(node: string): number {
    if (this.summary) return this.summary.nodes.get(node)?.a ?? 0;
    return this.activePerNode.get(node)?.size ?? 0;
  }

  /**
   * The sum of the requests of the pods that hold a place on the node (assigned, not finished; a terminating pod
   * still counts), as the scheduler's NodeInfo.Requested: cpu in millicores, the rest in whole units.
   */
  requestedOn(node: string): ReadonlyMap<string, bigint> {
    if (this.summary) return this.summary.nodes.get(node)?.req ?? EMPTY;
    if (!this.requestedPerNode) {
      this.requestedPerNode = new Map();
      for (const [key, f] of this.indexed) {
        if (!f.node || f.terminal) continue;
        f.req = this.requestsOf(key, this.pods.get(key)!);
        this.addRequested(f.node, f.req, 1n);
      }
    }
    return this.requestedPerNode.get(node) ?? EMPTY;
  }

  /** Keys of every pod assigned to a node, finished or not. */
  keysOn(node: string): ReadonlySet<string> {
    this.full();
    return this.perNode.get(node) ?? EMPTY_SET;
  }

  /** Keys of the pods on a node that hold a place there (what capacity, affinity and spreading count). */
  activeKeysOn(node: string): ReadonlySet<string> {
    this.full();
    return this.activePerNode.get(node) ?? EMPTY_SET;
  }

  /** Assigned pods with a required pod anti-affinity term, in etcd order (they keep others out of their domain). */
  antiAffinityPods(): PodObj[] {
    return sortKeys(this.summary ? this.summary.antiAffinity : this.withAntiAffinity)
      .map((k) => this.get(k)!)
      .filter((p) => p.spec?.nodeName && !(p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed'));
  }

  /** Pod IPs in use on a node (host-local IPAM skips them). */
  ipInUse(node: string, ip: string): boolean {
    if (this.summary) return this.summary.nodes.get(node)?.ips.has(ip) ?? false;
    return this.ipsByNode.get(node)?.has(ip) ?? false;
  }

  usedIPs(node: string): number {
    if (this.summary) return this.summary.nodes.get(node)?.ips.size ?? 0;
    return this.ipsByNode.get(node)?.size ?? 0;
  }

  /** Pods waiting for the scheduler, in etcd order. */
  pending(): PodObj[] {
    return sortKeys(this.summary ? this.summary.pending : this.unscheduled).map((k) => this.get(k)!);
  }

  /** The stored pod itself, for a controller about to change it. */
  object(key: string): PodObj | undefined {
    const i = key.indexOf('/');
    return getObject<Pod>(this.state, 'pods', key.slice(0, i), key.slice(i + 1));
  }
}

/** What one reconcile works on: the pods as its informer sees them, and which keys it handles (all when absent). */
export interface Round {
  pods: PodInformer;
  scope?: Scope;
  /** Moves what changed since the last look into the scope's queues (the reconcile's watch). */
  refresh?: () => void;
  /**
   * Incremental reconcile only: whether a Service was written or removed since the service controller last ran.
   * It hands out load-balancer addresses, which depend on the Services alone, so it skips a round without one.
   */
  servicesChanged?: boolean;
}

/** Keys queued for the controllers that work per object. */
export interface Scope {
  /** "namespace/name" of pods for the kubelet. */
  pods: Set<string>;
  /** "namespace/name" of Services for the endpoints controllers. */
  services: Set<string>;
  /** "kind/namespace/name" of ReplicaSets, ReplicationControllers and Deployments. */
  workloads: Set<string>;
  /** Names of namespaces for the namespace controller (those terminating, those changed). */
  namespaces: Set<string>;
  /** Names of nodes written, for the taint manager (its unschedulable taint, its NoExecute taints). */
  nodes?: Set<string>;
  /** "namespace/name" of pods changed, for the taint manager (one bound to a node with NoExecute taints). */
  taintPods?: Set<string>;
}

const INFORMERS = new WeakMap<ClusterState, PodInformer>();

/**
 * The command's informer for this state: built on first use, kept for every later reconcile of the command and
 * brought up to date with the journal. Thin when the state's pods can be read from their index projections.
 */
export function podInformer(state: ClusterState, thin = true): PodInformer {
  let inf = INFORMERS.get(state);
  // A lazy informer's sums start from the summary of the generation it was built on: after a commit, anew.
  if (!inf || inf.thin !== thin || (inf.lazy && inf.generation !== state.store?.generation)) INFORMERS.set(state, (inf = PodInformer.build(state, thin)));
  else inf.sync();
  return inf;
}

/** Whether any pod names this uid among its owners, when this command's informer knows without listing pods. */
export function podsOwnedBy(state: ClusterState, uid: string): boolean | undefined {
  const inf = INFORMERS.get(state);
  return inf?.lazy && inf.generation === state.store?.generation ? inf.hasDependents(uid) : undefined;
}
