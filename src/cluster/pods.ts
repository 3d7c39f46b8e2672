// Pods: the API server's defaulting, the scheduler, host-local IP address management and the kubelet.
// The kubelet computes container state from timestamps when it runs, so CrashLoopBackOff, restarts and
// readiness move on as time passes without any daemon.
import type { Container, KubeObject, Pod } from '../api/types.js';
import { validateObject } from '../api/validation.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import type { ClusterState, NodeConfig } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import { addToIPv4, ipv4ToInt, intToIPv4 } from '../util/ip.js';
import type { Ctx } from './context.js';
import type { PodInformer, Round } from './informer.js';
import { recordEvent } from './events.js';
import type { Strategy } from './strategies.js';

type PodObj = Pod & KubeObject;

const NOT_READY_TOLERATIONS = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
];

/** imagePullPolicy default: Always for :latest or no tag, else IfNotPresent. */
export function defaultPullPolicy(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  const tagPart = image.slice(lastSlash + 1);
  if (image.includes('@')) return 'IfNotPresent';
  const colon = tagPart.indexOf(':');
  if (colon < 0) return 'Always';
  return tagPart.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Container, apiAccessVolume: string | undefined): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image ?? '');
  c.resources ??= {};
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  if (apiAccessVolume && !c.volumeMounts?.some((m) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount')) {
    (c.volumeMounts ??= []).push({ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: apiAccessVolume, readOnly: true });
  }
}

/** API server defaulting plus the admission plugins every cluster runs (ServiceAccount, DefaultTolerationSeconds). */
export function defaultPod(pod: PodObj, ctx: Ctx): void {
  const spec = (pod.spec ??= { containers: [] });
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  spec.restartPolicy ??= 'Always';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.terminationGracePeriodSeconds ??= 30;
  const tolerations = (spec.tolerations ??= []);
  for (const t of NOT_READY_TOLERATIONS) {
    if (!tolerations.some((x) => x.key === t.key && x.effect === t.effect)) tolerations.push({ ...t });
  }
  let apiAccess: string | undefined;
  if (spec.automountServiceAccountToken !== false) {
    apiAccess = spec.volumes?.find((v) => v.name.startsWith('kube-api-access-'))?.name;
    if (!apiAccess) {
      apiAccess = `kube-api-access-${ctx.random.nameSuffix(5)}`;
      (spec.volumes ??= []).push({
        name: apiAccess,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
            {
              downwardAPI: {
                items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }],
              },
            },
          ],
        },
      });
    }
  }
  for (const c of spec.initContainers ?? []) defaultContainer(c, apiAccess);
  for (const c of spec.containers ?? []) defaultContainer(c, apiAccess);
  pod.status = { phase: 'Pending', qosClass: qosClass(pod) };
}

function qosClass(pod: PodObj): string {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let anySet = false;
  let guaranteed = all.length > 0;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ['cpu', 'memory']) {
      const l = (lim as Record<string, unknown>)[r];
      const q = (req as Record<string, unknown>)[r] ?? l;
      if (l === undefined || String(l) !== String(q)) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export const podStrategy: Strategy = {
  validate(obj, _state, old) {
    validateObject(obj, old);
  },
  prepareForCreate(obj, _state, ctx) {
    defaultPod(obj as PodObj, ctx);
  },
  prepareForUpdate(obj, old) {
    // Pod spec is immutable but for images and a few fields; kubesim keeps the old spec's defaults.
    const o = old as PodObj;
    const p = obj as PodObj;
    p.spec = { ...o.spec!, containers: o.spec!.containers.map((c, i) => ({ ...c, image: p.spec?.containers?.[i]?.image ?? c.image })) };
    p.status = o.status;
  },
};

// ---------------------------------------------------------------------------------------------------------
// Scheduler

type Taint = { key: string; effect: string; value?: string };

/** The first NoSchedule/NoExecute taint of the node that the pod does not tolerate. */
function untoleratedTaint(pod: PodObj, node: KubeObject): Taint | undefined {
  const taints = ((node.spec as { taints?: Taint[] })?.taints ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  return taints.find(
    (t) =>
      !(pod.spec?.tolerations ?? []).some(
        (tol) => (tol.operator === 'Exists' && (!tol.key || tol.key === t.key)) || (tol.key === t.key && (tol.value ?? '') === (t.value ?? '')),
      ),
  );
}

/** How many pods the node admits (status.allocatable.pods, 110 by default). */
function podCapacity(node: KubeObject): number {
  const n = Number((node.status as { allocatable?: { pods?: string } } | undefined)?.allocatable?.pods ?? 110);
  return Number.isFinite(n) ? n : 110;
}

const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
const NO_VICTIMS = 'No preemption victims found for incoming pod';

/**
 * Why a node cannot take the pod, from the first filter plugin that rejects it, in the default profile's
 * order (NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit), with what preemption would say.
 */
function filterNode(pod: PodObj, node: KubeObject, active: number): [string, string] | undefined {
  if ((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable) return ['node(s) were unschedulable', NOT_HELPFUL];
  const taint = untoleratedTaint(pod, node);
  if (taint) return [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`, NOT_HELPFUL];
  if (!nodeSelectorMatches(pod, node)) return ["node(s) didn't match Pod's node affinity/selector", NOT_HELPFUL];
  if (active >= podCapacity(node)) return ['Too many pods', NO_VICTIMS];
  return undefined;
}

/** The scheduler's FitError text: a histogram of reasons, each "<count> <reason>", sorted as strings. */
function fitError(nodeCount: number, reasons: [string, string][]): string {
  const histogram = (xs: string[]) => {
    const counts = new Map<string, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
  };
  const head = `0/${nodeCount} nodes are available`;
  return `${head}: ${histogram(reasons.map((r) => r[0]))}. preemption: ${head}: ${histogram(reasons.map((r) => r[1]))}.`;
}

function nodeSelectorMatches(pod: PodObj, node: KubeObject): boolean {
  const sel = pod.spec?.nodeSelector ?? {};
  const labels = node.metadata.labels ?? {};
  return Object.entries(sel).every(([k, v]) => labels[k] === v);
}

/**
 * Places pending pods: only schedulable nodes whose taints the pod tolerates; among them the ones with the
 * fewest pods (kube-scheduler's spreading scores), ties broken by the seeded random source.
 */
export function runScheduler(state: ClusterState, ctx: Ctx, r: Round): void {
  const pending = r.pods.pending();
  if (pending.length === 0) return;
  const nodes = listObjects(state, 'nodes');
  const load = new Map<string, number>();
  const active = new Map<string, number>();
  for (const n of nodes) {
    load.set(n.metadata.name, r.pods.podsOn(n.metadata.name));
    active.set(n.metadata.name, r.pods.activeOn(n.metadata.name));
  }
  for (const listed of pending) {
    const pod = r.pods.object(`${listed.metadata.namespace}/${listed.metadata.name}`);
    if (!pod) continue;
    const reasons: [string, string][] = [];
    const fits: KubeObject[] = [];
    for (const n of nodes) {
      const why = filterNode(pod, n, active.get(n.metadata.name) ?? 0);
      if (why) reasons.push(why);
      else fits.push(n);
    }
    if (fits.length === 0) {
      markUnschedulable(state, ctx, pod, fitError(nodes.length, reasons));
      continue;
    }
    const least = Math.min(...fits.map((n) => load.get(n.metadata.name) ?? 0));
    const best = fits.filter((n) => (load.get(n.metadata.name) ?? 0) === least);
    const node = best[ctx.random.int(best.length)];
    bindPod(state, ctx, pod, node.metadata.name);
    load.set(node.metadata.name, least + 1);
    active.set(node.metadata.name, (active.get(node.metadata.name) ?? 0) + 1);
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
// IP address management (host-local on each node's podCIDR, as kindnet configures it)

export function nodeConfig(state: ClusterState, name: string): NodeConfig | undefined {
  return state.cluster.nodes.find((n) => n.name === name);
}

/**
 * The next free address of the node's podCIDR after the last one handed out (host-local keeps moving forward,
 * so a re-created pod gets a new IP). .1 is the node's gateway on the pod network.
 */
export function allocatePodIP(state: ClusterState, nodeName: string, pods: PodInformer): string | undefined {
  const node = nodeConfig(state, nodeName);
  if (!node) return undefined;
  const [base, bitsText] = node.podCIDR.split('/');
  const size = 2 ** (32 - Number(bitsText));
  pods.sync();
  const last = state.ipam[nodeName] ?? 1;
  for (let step = 1; step < size - 2; step++) {
    let offset = last + step;
    if (offset >= size - 1) offset = 2 + ((offset - 2) % (size - 3));
    const ip = addToIPv4(base, offset);
    if (!pods.ipInUse(nodeName, ip)) {
      state.ipam[nodeName] = offset;
      return ip;
    }
  }
  return undefined;
}

/** 10.244.N.1: the node's address on its pod network (what a pod sees when its own node connects). */
export function nodeGatewayIP(state: ClusterState, nodeName: string): string | undefined {
  const node = nodeConfig(state, nodeName);
  if (!node) return undefined;
  return intToIPv4(ipv4ToInt(node.podCIDR.split('/')[0]) + 1);
}
