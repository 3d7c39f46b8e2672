// Byte-exact checks against the real kubectl transcripts of the reference (§2), with objects built to match
// what the transcripts show and the clock fixed. The transcripts came from a fake server that ignored event
// uids, which is why a Deployment's event shows under `svc kubia` and `endpoints kubia`; here those objects
// carry a copy of that event of their own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findResource } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { createCluster } from '../../src/cluster/bootstrap.js';
import { describeObject } from '../../src/printers/describe/index.js';
import { getObject, putObject } from '../../src/store/objects.js';
import type { ClusterState } from '../../src/store/state.js';
import { TRANSCRIPTS } from './describe-transcripts.js';

const NOW = new Date('2026-11-22T01:27:30Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const CONTAINER_ID = 'containerd://4c5ee5d5bf6e06ed0b3d6e6b2f2cd3b1b2b1f0c8d1d0a5c3e9f0a7b6c5d4e3f2';
const IMAGE_ID = 'docker.io/luksa/kubia@sha256:3f28e304dc0f63dc30f273a4202096f0fa0d08510bd2ee7e1032ce600616de24';

interface PodOpts {
  labels: Record<string, string>;
  created: string;
  node?: string;
  start?: string;
  phase: string;
  ip?: string;
  conditions: [string, string][];
  status?: Record<string, unknown>;
  owner?: KubeObject;
  deletion?: string;
}

function pod(name: string, o: PodOpts): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels: o.labels,
      creationTimestamp: o.created,
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner.kind, name: o.owner.metadata.name, uid: o.owner.metadata.uid!, controller: true }] } : {}),
      ...(o.deletion ? { deletionTimestamp: o.deletion, deletionGracePeriodSeconds: 30 } : {}),
    },
    spec: {
      containers: [{ name: 'kubia', image: 'luksa/kubia', ports: [{ containerPort: 8080, protocol: 'TCP' }], volumeMounts: [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access-abcde', readOnly: true }] }],
      ...(o.node ? { nodeName: o.node } : {}),
      priority: 0,
      serviceAccountName: 'default',
      tolerations: [
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
      ],
      volumes: [{
        name: 'kube-api-access-abcde',
        projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } }] },
      }],
    },
    status: {
      phase: o.phase,
      qosClass: 'BestEffort',
      ...(o.node ? { hostIP: '172.18.0.3' } : {}),
      ...(o.start ? { startTime: o.start } : {}),
      ...(o.ip ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}),
      conditions: o.conditions.map(([type, status]) => ({ type, status, lastProbeTime: null, lastTransitionTime: o.created })),
      ...o.status,
    },
  };
}

const READY: [string, string][] = [['PodReadyToStartContainers', 'True'], ['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True']];
const running = (started: string) => ({ containerStatuses: [{ name: 'kubia', containerID: CONTAINER_ID, image: 'docker.io/luksa/kubia:latest', imageID: IMAGE_ID, ready: true, restartCount: 0, state: { running: { startedAt: started } } }] });

function event(about: KubeObject, n: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${about.metadata.name}.${n}`, namespace: 'default', uid: `ev-${about.metadata.name}-${n}` },
    involvedObject: { apiVersion: about.apiVersion, kind: about.kind, name: about.metadata.name, namespace: 'default', uid: about.metadata.uid },
    reason: 'ScalingReplicaSet',
    message: 'Scaled up replica set kubia-5d8f7c9b6d from 0 to 3',
    source: { component: 'deployment-controller' },
    firstTimestamp: ago(3 * HOUR + 20 * MIN),
    lastTimestamp: ago(3 * HOUR + 20 * MIN),
    count: 1,
    type: 'Normal',
  };
}

/** The objects of the transcripts. `matchingUIDs` false reproduces the first deploy/rs pair (foreign owner uids). */
function build(matchingUIDs: boolean): ClusterState {
  const state = createCluster({ name: 'kind', seed: 1, now: new Date('2026-11-17T01:27:41Z'), loadBalancer: true });
  // The reference's node: no hugepages-1Gi, placeholder machine ids, a lease renewed at 01:27:06.
  const node = getObject(state, 'nodes', undefined, 'kind-worker')!;
  const st = node.status as { capacity: Record<string, string>; allocatable: Record<string, string>; nodeInfo: Record<string, string>; conditions: { lastHeartbeatTime: string }[] };
  delete st.capacity['hugepages-1Gi'];
  delete st.allocatable['hugepages-1Gi'];
  Object.assign(st.nodeInfo, { machineID: 'm', systemUUID: 's', bootID: 'b' });
  for (const c of st.conditions) c.lastHeartbeatTime = '2026-11-22T01:26:41Z';
  (getObject(state, 'leases', 'kube-node-lease', 'kind-worker')!.spec as { renewTime: string }).renewTime = '2026-11-22T01:27:06.000000Z';

  const deploy: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'kubia', namespace: 'default', uid: 'uid-deploy', labels: { app: 'kubia' }, annotations: { 'deployment.kubernetes.io/revision': '1' }, creationTimestamp: matchingUIDs ? '2026-11-21T22:07:27Z' : '2026-11-21T22:07:11Z' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'kubia' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      template: { metadata: { labels: { app: 'kubia' } }, spec: { containers: [{ name: 'kubia', image: 'luksa/kubia:v1', ports: [{ containerPort: 8080, protocol: 'TCP' }] }] } },
    },
    status: {
      replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3,
      conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
    },
  };
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'kubia-5d8f7c9b6d', namespace: 'default', uid: 'uid-rs', creationTimestamp: '2026-11-21T22:07:27Z',
      labels: { app: 'kubia', 'pod-template-hash': '5d8f7c9b6d' },
      annotations: { 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4', 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'kubia', uid: matchingUIDs ? 'uid-deploy' : 'uid-other', controller: true }],
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'kubia', 'pod-template-hash': '5d8f7c9b6d' } },
      template: { metadata: { labels: { app: 'kubia', 'pod-template-hash': '5d8f7c9b6d' } }, spec: { containers: [{ name: 'kubia', image: 'luksa/kubia:v1', ports: [{ containerPort: 8080, protocol: 'TCP' }] }] } },
    },
    status: { replicas: 3 },
  };
  const rsOwner = matchingUIDs ? rs : { ...rs, metadata: { ...rs.metadata, uid: 'uid-rs-other' } };
  const podLabels = { app: 'kubia', 'pod-template-hash': '5d8f7c9b6d' };
  const pods = [
    pod('kubia-5d8f7c9b6d-8xkzq', { labels: podLabels, created: ago(5 * MIN + 22 * S), node: 'kind-worker', start: '2026-11-22T01:21:35Z', phase: 'Running', ip: '10.244.1.5', conditions: READY, status: running('2026-11-22T01:21:46Z'), owner: rsOwner }),
    pod('kubia-5d8f7c9b6d-r7t2p', { labels: podLabels, created: ago(2 * DAY + 5 * HOUR), node: 'kind-worker', start: ago(2 * DAY + 5 * HOUR), phase: 'Running', ip: '10.244.1.6', conditions: READY, status: running(ago(2 * DAY + 5 * HOUR)), owner: rsOwner }),
    { ...pod('kubia-5d8f7c9b6d-w2x9z', { labels: podLabels, created: ago(HOUR), start: ago(HOUR), phase: 'Running', ip: '10.244.2.7', conditions: READY, owner: rsOwner }), spec: { nodeName: 'kind-worker2', containers: [{ name: 'kubia', image: 'luksa/kubia' }] } },
    pod('crashy', {
      labels: { run: 'crashy' }, created: ago(45 * DAY), node: 'kind-worker', start: '2026-10-08T01:26:47Z', phase: 'Running', ip: '10.244.1.9',
      conditions: [['PodReadyToStartContainers', 'True'], ['Initialized', 'True'], ['Ready', 'False'], ['ContainersReady', 'False'], ['PodScheduled', 'True']],
      status: { containerStatuses: [{ name: 'kubia', containerID: CONTAINER_ID, image: 'docker.io/luksa/kubia:latest', imageID: IMAGE_ID, ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } }, lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: '2026-11-22T01:25:01Z', finishedAt: '2026-11-22T01:26:01Z' } } }] },
    }),
    pod('creating', {
      labels: { run: 'creating' }, created: ago(45 * S), node: 'kind-worker', start: '2026-11-22T01:26:12Z', phase: 'Pending',
      conditions: [['PodReadyToStartContainers', 'False'], ['Initialized', 'True'], ['Ready', 'False'], ['ContainersReady', 'False'], ['PodScheduled', 'True']],
      status: { containerStatuses: [{ name: 'kubia', image: 'luksa/kubia', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] },
    }),
    pod('pending-unsched', { labels: { run: 'pending-unsched' }, created: ago(3 * HOUR), start: '2026-11-21T23:46:47Z', phase: 'Pending', conditions: [['PodScheduled', 'False']] }),
    pod('terminating-pod', { labels: { run: 'terminating-pod' }, created: ago(10 * MIN), node: 'kind-worker', start: '2026-11-22T01:16:47Z', phase: 'Running', ip: '10.244.2.11', conditions: READY, status: running('2026-11-22T01:16:56Z'), deletion: ago(39 * S) }),
  ];
  const svc = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', uid: `uid-svc-${name}` },
    spec: { ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster', sessionAffinity: 'None', ...spec },
  });
  const slice = (name: string, service: string, ports: { name: string; port: number }[], ips: string[]): KubeObject => ({
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4', ports: ports.map((p) => ({ ...p, protocol: 'TCP' })), endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
  });
  const services = [
    svc('kubia', { type: 'ClusterIP', selector: { app: 'kubia' }, clusterIP: '10.96.45.10', clusterIPs: ['10.96.45.10'], ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }),
    svc('kubia-nodeport', { type: 'NodePort', selector: { app: 'kubia' }, clusterIP: '10.96.203.77', clusterIPs: ['10.96.203.77'], externalTrafficPolicy: 'Cluster', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30123, protocol: 'TCP' }, { name: 'https', port: 443, targetPort: 'https', nodePort: 30443, protocol: 'TCP' }] }),
    svc('kubia-lb', { type: 'LoadBalancer', selector: { app: 'kubia' }, clusterIP: '10.96.12.34', clusterIPs: ['10.96.12.34'], externalTrafficPolicy: 'Cluster', ports: [{ port: 80, targetPort: 8080, nodePort: 31234, protocol: 'TCP' }] }),
    svc('kubia-headless', { type: 'ClusterIP', selector: { app: 'kubia' }, clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'external-db', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' } },
    svc('noselector', { type: 'ClusterIP', clusterIP: '10.96.77.7', clusterIPs: ['10.96.77.7'], ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] }),
  ];
  const endpoints: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubia', namespace: 'default', uid: 'uid-ep-kubia' }, subsets: [{ addresses: ['10.244.1.5', '10.244.1.6', '10.244.2.7', '10.244.2.8'].map((ip) => ({ ip })), notReadyAddresses: [{ ip: '10.244.1.9' }], ports: [{ port: 8080, protocol: 'TCP' }] }] },
    { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubia-nodeport', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.1.6' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'https', port: 8443, protocol: 'TCP' }] }] },
    { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'noselector', namespace: 'default' } },
  ];
  const objects: [string, KubeObject][] = [
    ['deployments', deploy],
    ['replicasets', rs],
    ...pods.map((p) => ['pods', p] as [string, KubeObject]),
    ...services.map((s) => ['services', s] as [string, KubeObject]),
    ['endpointslices', slice('kubia-a1', 'kubia', [{ name: '', port: 8080 }], ['10.244.1.5', '10.244.1.6', '10.244.2.7', '10.244.2.8'])],
    ['endpointslices', slice('kubia-nodeport-b2', 'kubia-nodeport', [{ name: 'http', port: 8080 }, { name: 'https', port: 8443 }], ['10.244.1.5', '10.244.1.6'])],
    ...endpoints.map((e) => ['endpoints', e] as [string, KubeObject]),
    ['events', event(deploy, 1)],
    ['events', event(services[0], 2)],
    ['events', event(endpoints[0], 3)],
  ];
  for (const [resource, obj] of objects) putObject(state, resource, obj);
  // The transcripts' fake server had no CoreDNS endpoints: drop the kube-dns slices the cluster made.
  for (const [key, s] of Object.entries(state.objects.view<any>('endpointslices') ?? {})) {
    if (s.metadata.labels?.['kubernetes.io/service-name'] === 'kube-dns') delete state.objects.view<any>('endpointslices')[key];
  }
  return state;
}

function describe(state: ClusterState, type: string, name: string, namespace = 'default'): string {
  const info = findResource(type)!;
  const obj = getObject(state, info.resource, info.namespaced ? namespace : undefined, name);
  assert.ok(obj, `${type}/${name} exists`);
  return describeObject(state, info, obj, { now: NOW, showEvents: true });
}

const cases: [string, string, string, string?][] = [
  ['pod kubia', 'pod', 'kubia-5d8f7c9b6d-8xkzq'],
  ['pod crashy', 'pod', 'crashy'],
  ['pod creating', 'pod', 'creating'],
  ['pod pending-unsched', 'pod', 'pending-unsched'],
  ['pod terminating-pod', 'pod', 'terminating-pod'],
  ['svc kubia', 'svc', 'kubia'],
  ['svc kubia-nodeport', 'svc', 'kubia-nodeport'],
  ['svc kubia-lb', 'svc', 'kubia-lb'],
  ['svc kubia-headless', 'svc', 'kubia-headless'],
  ['svc external-db', 'svc', 'external-db'],
  ['svc kubernetes', 'svc', 'kubernetes'],
  ['svc noselector', 'svc', 'noselector'],
  ['svc kube-dns', 'svc', 'kube-dns', 'kube-system'],
  ['endpoints kubia', 'endpoints', 'kubia'],
  ['ep kubia-nodeport', 'ep', 'kubia-nodeport'],
  ['ep noselector', 'ep', 'noselector'],
  ['node kind-worker', 'node', 'kind-worker'],
  ['deploy kubia', 'deploy', 'kubia'],
  ['rs kubia', 'rs', 'kubia-5d8f7c9b6d'],
];

for (const [key, type, name, ns] of cases) {
  test(`describe ${type} ${name} is byte-equal to the reference transcript`, () => {
    assert.equal(describe(build(true), type, name, ns), TRANSCRIPTS[key]);
  });
}

test('a Deployment whose ReplicaSets it does not own prints no OldReplicaSets/NewReplicaSet lines; foreign pods are not counted', () => {
  const state = build(false);
  assert.equal(describe(state, 'deploy', 'kubia'), TRANSCRIPTS['deploy kubia (RS uid mismatch)']);
  assert.equal(describe(state, 'rs', 'kubia-5d8f7c9b6d'), TRANSCRIPTS['rs kubia (no pods running)']);
});
