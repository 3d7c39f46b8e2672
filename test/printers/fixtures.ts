// The objects behind the real-kubectl transcripts in kubectl-facts.md §1.4, built so that at NOW each AGE,
// RESTARTS and LAST SEEN cell comes out as recorded.
import type { KubeObject } from '../../src/api/types.js';
import type { ClusterState } from '../../src/store/state.js';
import { emptyObjects } from '../../src/store/objects.js';

export const NOW = new Date('2026-11-22T01:30:00Z');

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/** RFC 3339 time `ms` before NOW. */
export function ago(ms: number): string {
  return new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
export const dur = { S, M, H, D };

function meta(name: string, age: number, extra: Record<string, unknown> = {}, namespace: string | null = 'default') {
  return { name, ...(namespace ? { namespace } : {}), creationTimestamp: ago(age), uid: `uid-${name}`, ...extra };
}

interface PodSpecIn {
  name: string;
  age: number;
  labels: Record<string, string>;
  node?: string;
  ip?: string;
  phase: string;
  state: Record<string, unknown>;
  ready: boolean;
  restarts?: number;
  lastFinished?: number;
  deleting?: boolean;
  namespace?: string;
}

function pod(p: PodSpecIn): KubeObject {
  const status: Record<string, unknown> = { phase: p.phase };
  if (p.ip) {
    status.podIP = p.ip;
    status.podIPs = [{ ip: p.ip }];
  }
  if (p.node) {
    status.hostIP = '172.18.0.3';
    status.containerStatuses = [
      {
        name: 'kubia',
        image: 'luksa/kubia',
        ready: p.ready,
        restartCount: p.restarts ?? 0,
        state: p.state,
        ...(p.lastFinished !== undefined ? { lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(p.lastFinished) } } } : {}),
      },
    ];
    status.conditions = [{ type: 'Ready', status: p.ready ? 'True' : 'False' }];
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(p.name, p.age, { labels: p.labels, ...(p.deleting ? { deletionTimestamp: ago(0) } : {}) }, p.namespace ?? 'default'),
    spec: { containers: [{ name: 'kubia', image: 'luksa/kubia' }], ...(p.node ? { nodeName: p.node } : {}) },
    status,
  };
}

const running = { running: { startedAt: ago(H) } };
const kubia = { app: 'kubia', 'pod-template-hash': '5d8f7c9b6d' };

/** Pods of the `get pods -o wide` transcript; `shift` adds seconds to every age (later transcripts). */
export function pods(shift = 0): KubeObject[] {
  const s = shift * S;
  return [
    pod({ name: 'client-pod', age: (3 * 365 + 12) * D + s, labels: { run: 'client-pod' }, node: 'kind-worker', ip: '10.244.1.10', phase: 'Succeeded', state: { terminated: { exitCode: 0, reason: 'Completed' } }, ready: false }),
    pod({ name: 'crashy', age: 45 * D + s, labels: { run: 'crashy' }, node: 'kind-worker', ip: '10.244.1.9', phase: 'Running', state: { waiting: { reason: 'CrashLoopBackOff' } }, ready: false, restarts: 7, lastFinished: 49 * S + s }),
    pod({ name: 'creating', age: 39 * S + s, labels: { run: 'creating' }, node: 'kind-worker', phase: 'Pending', state: { waiting: { reason: 'ContainerCreating' } }, ready: false }),
    pod({ name: 'kubia-5d8f7c9b6d-8xkzq', age: 5 * M + 16 * S + s, labels: kubia, node: 'kind-worker', ip: '10.244.1.5', phase: 'Running', state: running, ready: true }),
    pod({ name: 'kubia-5d8f7c9b6d-hzmwq', age: 3 * H + 20 * M + s, labels: kubia, node: 'kind-worker2', ip: '10.244.2.7', phase: 'Running', state: running, ready: true, restarts: 5, lastFinished: 5 * M + 4 * S + s }),
    pod({ name: 'kubia-5d8f7c9b6d-r7t2p', age: 2 * D + 5 * H + s, labels: kubia, node: 'kind-worker', ip: '10.244.1.6', phase: 'Running', state: running, ready: true }),
    pod({ name: 'pending-unsched', age: 100 * M + s, labels: { run: 'pending-unsched' }, phase: 'Pending', state: {}, ready: false }),
    pod({ name: 'terminating-pod', age: 10 * M + s, labels: { run: 'terminating-pod' }, node: 'kind-worker', ip: '10.244.2.11', phase: 'Running', state: running, ready: true, deleting: true }),
    pod({ name: 'coredns-668d6bf9bc-4qk2j', namespace: 'kube-system', age: 5 * D + s, labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '668d6bf9bc' }, node: 'kind-control-plane', ip: '10.244.0.2', phase: 'Running', state: running, ready: true }),
  ];
}

function svc(name: string, age: number, spec: Record<string, unknown>, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: meta(name, age, {}, namespace), spec, status: { loadBalancer: {} } };
}

const http = [{ port: 80, protocol: 'TCP', targetPort: 8080 }];

/** Services of the `get svc` transcript; `shift` seconds older. */
export function services(shift = 0): KubeObject[] {
  const s = shift * S;
  return [
    svc('external-db', 95 * S + s, { type: 'ExternalName', externalName: 'db.example.com' }),
    svc('kubernetes', 5 * D + s, { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] }),
    svc('kubia', 60 * M + s, { type: 'ClusterIP', clusterIPs: ['10.96.45.10'], ports: http, selector: { app: 'kubia' } }),
    svc('kubia-extip', 35 * S + s, { type: 'ClusterIP', clusterIPs: ['10.96.99.1'], externalIPs: ['192.168.99.100'], ports: http, selector: { app: 'kubia' } }),
    svc('kubia-headless', 65 * S + s, { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: http, selector: { app: 'kubia' } }),
    svc('kubia-lb', 2 * M + 5 * S + s, { type: 'LoadBalancer', clusterIPs: ['10.96.12.34'], ports: [{ port: 80, nodePort: 31234, protocol: 'TCP' }], selector: { app: 'kubia' } }),
    svc('kubia-nodeport', 10 * M + s, {
      type: 'NodePort',
      clusterIPs: ['10.96.203.77'],
      ports: [
        { name: 'http', port: 80, nodePort: 30123, protocol: 'TCP' },
        { name: 'https', port: 443, nodePort: 30443, protocol: 'TCP' },
      ],
      selector: { app: 'kubia' },
    }),
    svc('noselector', 35 * S + s, { type: 'ClusterIP', clusterIPs: ['10.96.77.7'], ports: http }),
    svc('kube-dns', 5 * D + s, { type: 'ClusterIP', clusterIPs: ['10.96.0.10'], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }, { port: 9153, protocol: 'TCP' }], selector: { 'k8s-app': 'kube-dns' } }, 'kube-system'),
  ];
}

const addr = (...ips: string[]) => ips.map((ip) => ({ ip }));

export function endpoints(): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('kubernetes', 5 * D), subsets: [{ addresses: addr('172.18.0.2'), ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] },
    { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('kubia', 60 * M), subsets: [{ addresses: addr('10.244.1.5', '10.244.1.6', '10.244.2.7', '10.244.2.8'), ports: [{ port: 8080, protocol: 'TCP' }] }] },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: meta('kubia-nodeport', 10 * M),
      subsets: [{ addresses: addr('10.244.1.5', '10.244.1.6'), notReadyAddresses: addr('10.244.2.9'), ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'https', port: 8443, protocol: 'TCP' }] }],
    },
    { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('noselector', 35 * S) },
  ];
}

export function endpointSlices(): KubeObject[] {
  const slice = (name: string, age: number, ports: number[], ips: string[]): KubeObject => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: meta(name, age),
    addressType: 'IPv4',
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: ports.map((port) => ({ port, protocol: 'TCP' })),
  });
  return [
    slice('kubernetes', 5 * D, [6443], ['172.18.0.2']),
    slice('kubia-nodeport-abcde', 10 * M, [8080, 8443], ['10.244.1.5', '10.244.1.6']),
    slice('kubia-x7k2p', 60 * M, [8080], ['10.244.1.5', '10.244.1.6', '10.244.2.7', '10.244.2.8', '10.244.2.9']),
  ];
}

export function nodes(): KubeObject[] {
  const node = (name: string, age: number, ip: string, cp: boolean): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: meta(name, age, { labels: { 'kubernetes.io/hostname': name, ...(cp ? { 'node-role.kubernetes.io/control-plane': '' } : {}) } }, null),
    spec: {},
    status: {
      addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }],
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
      nodeInfo: { kubeletVersion: 'v1.32.2', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.8.0-45-generic', containerRuntimeVersion: 'containerd://1.7.24' },
    },
  });
  return [node('kind-control-plane', 5 * D, '172.18.0.2', true), node('kind-worker', 4 * D + 23 * H, '172.18.0.3', false), node('kind-worker2', 4 * D + 23 * H, '172.18.0.4', false)];
}

export function namespaces(): KubeObject[] {
  return ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'local-path-storage'].map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: meta(n, 5 * D, {}, null), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }));
}

export function workloads(): KubeObject[] {
  const template = { metadata: { labels: { app: 'kubia' } }, spec: { containers: [{ name: 'kubia', image: 'luksa/kubia:v1' }] } };
  return [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('kubia', 3 * H + 20 * M, { labels: { app: 'kubia' } }), spec: { replicas: 3, selector: { matchLabels: { app: 'kubia' } }, template }, status: { replicas: 3, readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3 } },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta('kubia-5d8f7c9b6d', 3 * H + 20 * M, { labels: kubia }),
      spec: { replicas: 3, selector: { matchLabels: { app: 'kubia', 'pod-template-hash': '5d8f7c9b6d' } }, template },
      status: { replicas: 3, readyReplicas: 3 },
    },
  ];
}

export function ingressesAndPolicies(): KubeObject[] {
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta('kubia', 3 * M + 26 * S),
      spec: { ingressClassName: 'nginx', rules: [{ host: 'kubia.example.com' }] },
      status: { loadBalancer: { ingress: [{ ip: '172.18.0.3' }] } },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta('multi', 3 * M + 26 * S),
      spec: { rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }, { host: 'c.example.com' }, { host: 'd.example.com' }], tls: [{ hosts: ['a.example.com'] }] },
      status: { loadBalancer: {} },
    },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('deny-all', 107 * S), spec: { podSelector: {} } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('kubia-allow', 107 * S), spec: { podSelector: { matchLabels: { app: 'kubia' } } } },
  ];
}

export function events(): KubeObject[] {
  const ev = (name: string, last: number, first: number, count: number, type: string, reason: string, kind: string, obj: string, fieldPath: string, component: string, host: string, message: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: meta(name, first),
    involvedObject: { kind, name: obj, namespace: 'default', ...(fieldPath ? { fieldPath } : {}) },
    type,
    reason,
    message,
    source: host ? { component, host } : { component },
    firstTimestamp: ago(first),
    lastTimestamp: ago(last),
    count,
  });
  const pod = 'kubia-5d8f7c9b6d-8xkzq';
  const fp = 'spec.containers{kubia}';
  return [
    ev('crashy.1', 47 * S, 45 * D, 180, 'Warning', 'BackOff', 'Pod', 'crashy', fp, 'kubelet', 'kind-worker', 'Back-off restarting failed container kubia in pod crashy_default(uid)'),
    ev(`${pod}.1`, 5 * M + 19 * S, 5 * M + 19 * S, 1, 'Normal', 'Scheduled', 'Pod', pod, '', 'default-scheduler', '', `Successfully assigned default/${pod} to kind-worker`),
    ev(`${pod}.2`, 5 * M + 18 * S, 5 * M + 18 * S, 1, 'Normal', 'Pulling', 'Pod', pod, fp, 'kubelet', 'kind-worker', 'Pulling image "luksa/kubia"'),
    ev(`${pod}.3`, 5 * M + 12 * S, 5 * M + 12 * S, 1, 'Normal', 'Pulled', 'Pod', pod, fp, 'kubelet', 'kind-worker', 'Successfully pulled image "luksa/kubia" in 5.123s (5.123s including waiting). Image size: 243016064 bytes.'),
    ev(`${pod}.4`, 5 * M + 12 * S, 5 * M + 12 * S, 1, 'Normal', 'Created', 'Pod', pod, fp, 'kubelet', 'kind-worker', 'Created container: kubia'),
    ev(`${pod}.5`, 5 * M + 11 * S, 5 * M + 11 * S, 1, 'Normal', 'Started', 'Pod', pod, fp, 'kubelet', 'kind-worker', 'Started container kubia'),
    ev('kubia.1', 3 * H + 20 * M, 3 * H + 20 * M, 1, 'Normal', 'ScalingReplicaSet', 'Deployment', 'kubia', '', 'deployment-controller', '', 'Scaled up replica set kubia-5d8f7c9b6d from 0 to 3'),
  ];
}

const RESOURCE_OF: Record<string, string> = {
  Pod: 'pods',
  Service: 'services',
  Endpoints: 'endpoints',
  EndpointSlice: 'endpointslices',
  Node: 'nodes',
  Namespace: 'namespaces',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  Ingress: 'ingresses',
  NetworkPolicy: 'networkpolicies',
  Event: 'events',
  ConfigMap: 'configmaps',
};

/** A state holding just these objects (the get core only reads state.objects). */
export function stateOf(objs: KubeObject[]): ClusterState {
  const { objects, logs } = emptyObjects();
  for (const o of objs) objects.put(RESOURCE_OF[o.kind], o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name, o);
  return { objects, logs } as unknown as ClusterState;
}
