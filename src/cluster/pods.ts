// Pods: the API server's defaulting and host-local IP address management. The scheduler is scheduler.ts,
// the kubelet kubelet.ts.
import type { Container, KubeObject, Pod } from '../api/types.js';
import { validateObject } from '../api/validation.js';
import type { ClusterState, NodeConfig } from '../store/state.js';
import { addToIPv4, ipv4ToInt, intToIPv4 } from '../util/ip.js';
import { allocateCalicoIP } from './calico-ipam.js';
import type { Ctx } from './context.js';
import type { PodInformer } from './informer.js';
import type { Strategy } from './strategies.js';
import { removeLayers } from '../apps/layer.js';

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
  // SetDefaults_Pod: a limit without a request makes the request (a pod's only, never a template's).
  const limits = c.resources.limits as Record<string, unknown> | undefined;
  if (limits && Object.keys(limits).length) {
    const requests = (c.resources.requests ??= {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(limits)) if (!Object.prototype.hasOwnProperty.call(requests, k)) requests[k] = v;
  }
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
  // Logs belong to the pod's containers: a pod created again under the same name starts with none.
  afterDelete(obj, state) {
    const pod = obj as PodObj;
    const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
    for (const c of names) state.objects.remove('logs', `${pod.metadata.namespace}/${pod.metadata.name}/${c}`);
    // So do the files its containers wrote (src/apps/layer.ts).
    removeLayers(state.objects, pod.metadata.namespace ?? '', pod.metadata.name, [...names, ...(pod.spec?.ephemeralContainers ?? []).map((c) => c.name)]);
  },
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

// The scheduler is in scheduler.ts.

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
  if (state.cluster.cni?.plugin === 'calico') {
    pods.sync();
    return allocateCalicoIP(state, nodeName, pods);
  }
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

/**
 * 10.244.N.1: the node's address on its pod network (what a pod sees when its own node connects). A calico
 * node's pods hang off address-less veths, so they see the node's own address.
 */
export function nodeGatewayIP(state: ClusterState, nodeName: string): string | undefined {
  const node = nodeConfig(state, nodeName);
  if (!node) return undefined;
  if (state.cluster.cni?.plugin === 'calico') return node.internalIP;
  return intToIPv4(ipv4ToInt(node.podCIDR.split('/')[0]) + 1);
}
