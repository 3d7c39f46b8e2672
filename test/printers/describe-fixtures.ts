// Objects for describe tests: a default cluster plus hand-made pods, services, slices, endpoints, workloads,
// ingresses and policies covering the branches of each describer. Every timestamp is relative to `base`, so a
// comparison with the real kubectl (whose ages come from the wall clock) can use base = now.
import { createCluster } from '../../src/cluster/bootstrap.js';
import type { KubeObject } from '../../src/api/types.js';
import { putObject } from '../../src/store/objects.js';
import type { ClusterState } from '../../src/store/state.js';
import { rfc3339 } from '../../src/util/clock.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface Fixture {
  state: ClusterState;
  /** [resource, namespace, name] of every hand-made object, for describing each. */
  objects: [string, string | undefined, string][];
}

/** Builds the fixture cluster. Ages are whole minutes or more, so they are stable within a minute. */
export function buildFixture(base: Date): Fixture {
  const at = (ms: number) => rfc3339(new Date(base.getTime() - ms));
  const state = createCluster({ name: 'kind', seed: 7, now: new Date(base.getTime() - 5 * DAY), loadBalancer: true });
  const objects: Fixture['objects'] = [];
  let uidN = 0;
  const put = (resource: string, obj: KubeObject, created = at(3 * HOUR)): KubeObject => {
    obj.metadata.uid ??= `00000000-0000-4000-8000-${String(++uidN).padStart(12, '0')}`;
    obj.metadata.creationTimestamp ??= created;
    putObject(state, resource, obj);
    objects.push([resource, obj.metadata.namespace, obj.metadata.name]);
    return obj;
  };
  const event = (about: KubeObject, reason: string, message: string, opts: { type?: string; count?: number; first: number; last?: number; component?: string; host?: string; reportingOnly?: boolean; fieldPath?: string; uid?: string }) => {
    const name = `${about.metadata.name}.${(0x180000000000 + uidN * 7919).toString(16)}${String(++uidN)}`;
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: about.metadata.namespace ?? 'default', uid: `ev-${uidN}`, creationTimestamp: at(opts.first) },
      involvedObject: {
        apiVersion: about.apiVersion,
        kind: about.kind,
        name: about.metadata.name,
        ...(about.metadata.namespace ? { namespace: about.metadata.namespace } : {}),
        uid: opts.uid ?? about.metadata.uid,
        ...(opts.fieldPath ? { fieldPath: opts.fieldPath } : {}),
      },
      reason,
      message,
      source: opts.reportingOnly ? {} : { component: opts.component ?? 'kubelet', ...(opts.host ? { host: opts.host } : {}) },
      firstTimestamp: at(opts.first),
      lastTimestamp: at(opts.last ?? opts.first),
      count: opts.count ?? 1,
      type: opts.type ?? 'Normal',
      eventTime: null,
      reportingComponent: opts.reportingOnly ? 'my-controller' : '',
      reportingInstance: '',
    };
    putObject(state, 'events', ev);
  };

  const apiVolume = (suffix: string) => ({
    name: `kube-api-access-${suffix}`,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
      ],
    },
  });
  const apiMount = (suffix: string) => ({ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: `kube-api-access-${suffix}`, readOnly: true });
  const tolerations = [
    { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
    { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
  ];
  const readyConditions = (ready: boolean) => ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
    type,
    status: ready || type === 'Initialized' || type === 'PodScheduled' || type === 'PodReadyToStartContainers' ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: at(3 * HOUR),
  }));

  // --- A Deployment, its ReplicaSets (old scaled to 0, new with 3) and the new one's pods.
  const template = (image: string) => ({
    metadata: { labels: { app: 'kubia' } },
    spec: { containers: [{ name: 'kubia', image, ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: {} }], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' },
  });
  const deploy = put('deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'kubia', namespace: 'default', labels: { app: 'kubia' }, annotations: { 'deployment.kubernetes.io/revision': '2', 'kubernetes.io/change-cause': 'kubectl set image deployment/kubia kubia=luksa/kubia:v2' }, generation: 2 },
    spec: { replicas: 3, selector: { matchLabels: { app: 'kubia' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, template: template('luksa/kubia:v2'), minReadySeconds: 0, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 },
    status: {
      observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastTransitionTime: at(2 * HOUR), lastUpdateTime: at(2 * HOUR) },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "kubia-7d8f9c6b5d" has successfully progressed.', lastTransitionTime: at(3 * HOUR), lastUpdateTime: at(2 * HOUR) },
      ],
    },
  });
  const owner = (o: KubeObject) => [{ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid!, controller: true, blockOwnerDeletion: true }];
  const rs = (hash: string, image: string, replicas: number, created: number, rev: string) => {
    const t = template(image);
    (t.metadata.labels as Record<string, string>)['pod-template-hash'] = hash;
    return put('replicasets', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `kubia-${hash}`, namespace: 'default', labels: { app: 'kubia', 'pod-template-hash': hash }, annotations: { 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4', 'deployment.kubernetes.io/revision': rev }, ownerReferences: owner(deploy) },
      spec: { replicas, selector: { matchLabels: { app: 'kubia', 'pod-template-hash': hash } }, template: t },
      status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
    }, at(created));
  };
  rs('5d8f7c9b6d', 'luksa/kubia:v1', 0, 3 * HOUR, '1');
  const newRS = rs('7d8f9c6b5d', 'luksa/kubia:v2', 3, 2 * HOUR, '2');
  event(deploy, 'ScalingReplicaSet', 'Scaled up replica set kubia-5d8f7c9b6d from 0 to 3', { component: 'deployment-controller', first: 3 * HOUR });
  event(deploy, 'ScalingReplicaSet', 'Scaled up replica set kubia-7d8f9c6b5d from 0 to 1', { component: 'deployment-controller', first: 2 * HOUR });
  event(deploy, 'ScalingReplicaSet', 'Scaled down replica set kubia-5d8f7c9b6d from 3 to 0', { component: 'deployment-controller', first: 119 * MIN });
  event(newRS, 'SuccessfulCreate', 'Created pod: kubia-7d8f9c6b5d-8xkzq', { component: 'replicaset-controller', first: 2 * HOUR });

  const nodes = ['kind-worker', 'kind-worker2', 'kind-worker3'];
  const ips = ['10.244.1.5', '10.244.2.7', '10.244.3.9'];
  ['8xkzq', 'r7t2p', 'bq4nm'].forEach((suffix, i) => {
    const pod = put('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `kubia-7d8f9c6b5d-${suffix}`, namespace: 'default', labels: { app: 'kubia', 'pod-template-hash': '7d8f9c6b5d' }, ownerReferences: owner(newRS) },
      spec: {
        containers: [{ name: 'kubia', image: 'luksa/kubia:v2', ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: {}, volumeMounts: [apiMount(`abc${i}d`)] }],
        nodeName: nodes[i],
        priority: 0,
        serviceAccountName: 'default',
        tolerations,
        volumes: [apiVolume(`abc${i}d`)],
      },
      status: {
        phase: i === 2 ? 'Pending' : 'Running',
        hostIP: `172.18.0.${3 + i}`,
        hostIPs: [{ ip: `172.18.0.${3 + i}` }],
        podIP: ips[i],
        podIPs: [{ ip: ips[i] }],
        startTime: at(2 * HOUR),
        qosClass: 'BestEffort',
        conditions: readyConditions(i !== 2),
        containerStatuses: [{
          name: 'kubia',
          containerID: `containerd://${String(i).repeat(64)}`,
          image: 'docker.io/luksa/kubia:v2',
          imageID: 'docker.io/luksa/kubia@sha256:3f28e304dc0f63dc30f273a4202096f0fa0d08510bd2ee7e1032ce600616de24',
          ready: i !== 2,
          restartCount: 0,
          started: i !== 2,
          state: i === 2 ? { waiting: { reason: 'ContainerCreating' } } : { running: { startedAt: at(2 * HOUR - 11_000) } },
          lastState: {},
        }],
      },
    }, at(2 * HOUR));
    if (i === 0) {
      event(pod, 'Scheduled', `Successfully assigned default/${pod.metadata.name} to ${nodes[i]}`, { component: 'default-scheduler', first: 2 * HOUR });
      event(pod, 'Pulled', 'Container image "luksa/kubia:v2" already present on machine', { host: nodes[i], first: 2 * HOUR, fieldPath: 'spec.containers{kubia}' });
      event(pod, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 500   ', { type: 'Warning', host: nodes[i], count: 180, first: 45 * DAY, last: 10 * MIN });
    }
  });

  // --- A crash-looping pod with everything a container can show.
  put('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'crashy', namespace: 'default', labels: { run: 'crashy' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":"json"}', 'example.com/note': 'first line\nsecond line', 'example.com/long': 'x'.repeat(150) } },
    spec: {
      initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'echo init\nsleep 1'], resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '250m', memory: '64Mi' } } }],
      containers: [{
        name: 'kubia',
        image: 'luksa/kubia',
        ports: [{ containerPort: 8080, protocol: 'TCP', name: 'http' }, { containerPort: 8443, protocol: 'TCP', hostPort: 9443, name: 'https' }],
        args: ['--port', '8080'],
        env: [
          { name: 'PLAIN', value: 'two\nlines' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '0' } } },
          { name: 'SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
          { name: 'CONF', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode', optional: true } } },
        ],
        envFrom: [{ configMapRef: { name: 'settings' } }, { secretRef: { name: 'creds', optional: true }, prefix: 'SECRET_' }],
        resources: { limits: { cpu: '500m', memory: '128974848' }, requests: { cpu: '0.1', memory: '64Mi', 'example.com/gpu': '1' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP', host: '10.0.0.1' }, initialDelaySeconds: 15, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
        startupProbe: { tcpSocket: { port: 'http' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 30 },
        volumeMounts: [
          { mountPath: '/var/data', name: 'data', subPath: 'sub' },
          { mountPath: '/etc/config', name: 'config', readOnly: true },
          apiMount('zzzzz'),
        ],
      }],
      nodeName: 'kind-worker',
      priority: 1000,
      priorityClassName: 'high',
      serviceAccountName: 'default',
      nodeSelector: { disktype: 'ssd', 'kubernetes.io/os': 'linux' },
      tolerations: [...tolerations, { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, { operator: 'Exists' }],
      readinessGates: [{ conditionType: 'example.com/feature-1' }],
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { run: 'crashy' } } }],
      volumes: [
        { name: 'data', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
        { name: 'config', configMap: { name: 'settings' } },
        { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
        { name: 'creds', secret: { secretName: 'creds', optional: true } },
        { name: 'claim', persistentVolumeClaim: { claimName: 'my-pvc', readOnly: true } },
        { name: 'nfs', nfs: { server: 'nfs.example.com', path: '/exports' } },
        { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'cpu', resourceFieldRef: { containerName: 'kubia', resource: 'limits.cpu' } }] } },
        { name: 'mixed', projected: { sources: [{ secret: { name: 'creds' } }, { configMap: { name: 'settings', optional: false } }] } },
        apiVolume('zzzzz'),
      ],
    },
    status: {
      phase: 'Running',
      hostIP: '172.18.0.3',
      podIP: '10.244.1.9',
      podIPs: [{ ip: '10.244.1.9' }],
      startTime: at(5 * DAY),
      conditions: [...readyConditions(false), { type: 'example.com/feature-1', status: 'True', lastProbeTime: null, lastTransitionTime: at(DAY) }],
      initContainerStatuses: [{ name: 'init', containerID: 'containerd://init', image: 'docker.io/library/busybox:latest', imageID: 'docker.io/library/busybox@sha256:1', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at(5 * DAY), finishedAt: at(5 * DAY - 2000), containerID: 'containerd://init' } }, lastState: {} }],
      containerStatuses: [{
        name: 'kubia',
        containerID: 'containerd://4c5ee5d5bf6e06ed0b3d6e6b2f2cd3b1b2b1f0c8d1d0a5c3e9f0a7b6c5d4e3f2',
        image: 'docker.io/luksa/kubia:latest',
        imageID: 'docker.io/luksa/kubia@sha256:3f28e304dc0f63dc30f273a4202096f0fa0d08510bd2ee7e1032ce600616de24',
        ready: false,
        restartCount: 7,
        started: false,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
        lastState: { terminated: { exitCode: 137, signal: 9, reason: 'Error', message: 'killed', startedAt: at(6 * MIN), finishedAt: at(5 * MIN) } },
      }],
    },
  }, at(5 * DAY));
  const crashy = state.objects.view<any>('pods')['default/crashy'];
  event(crashy, 'BackOff', 'Back-off restarting failed container kubia in pod crashy_default(x)', { type: 'Warning', host: 'kind-worker', count: 25, first: 5 * DAY, last: 12 * MIN, fieldPath: 'spec.containers{kubia}' });
  event(crashy, 'Custom', 'reported by a controller without a source', { first: 20 * MIN, reportingOnly: true });

  // --- A pod the scheduler could not place, and one being deleted.
  put('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'pending-unsched', namespace: 'default', labels: { run: 'pending-unsched' } },
    spec: { containers: [{ name: 'kubia', image: 'luksa/kubia', ports: [{ containerPort: 8080, protocol: 'TCP' }], volumeMounts: [apiMount('p1p1p')] }], priority: 0, serviceAccountName: 'default', nodeSelector: { disktype: 'nvme' }, tolerations, volumes: [apiVolume('p1p1p')] },
    status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: at(HOUR), reason: 'Unschedulable', message: '0/4 nodes are available' }] },
  }, at(HOUR));
  put('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'terminating-pod', namespace: 'default', deletionTimestamp: at(10 * MIN), deletionGracePeriodSeconds: 30, finalizers: ['example.com/hold'] },
    spec: { containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '200m', memory: '256Mi' }, requests: { cpu: '200m', memory: '256Mi' } } }], nodeName: 'kind-worker', hostNetwork: true, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
    status: { phase: 'Running', hostIP: '172.18.0.3', podIP: '172.18.0.3', podIPs: [{ ip: '172.18.0.3' }], startTime: at(HOUR), reason: 'NodeLost', message: 'node went away', nominatedNodeName: 'kind-worker2' },
  }, at(HOUR));

  // --- Services of every type, their slices and Endpoints.
  const svc = (name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    put('services', { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', ...extra }, spec: { ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ...spec }, status: { loadBalancer: {} } });
  svc('kubia', { type: 'ClusterIP', selector: { app: 'kubia' }, clusterIP: '10.96.45.10', clusterIPs: ['10.96.45.10'], ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
  const slice = (name: string, svcName: string, ports: unknown[], endpoints: unknown[], extra: Record<string, unknown> = {}) =>
    put('endpointslices', { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': svcName, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, ...extra }, addressType: 'IPv4', ports, endpoints });
  const ep = (ip: string, ready: boolean | undefined, i: number) => ({
    addresses: [ip],
    conditions: ready === undefined ? {} : { ready, serving: ready, terminating: false },
    nodeName: nodes[i % 3],
    targetRef: { kind: 'Pod', name: `kubia-${i}`, namespace: 'default', uid: `u${i}` },
    ...(i === 1 ? { hostname: 'kubia-1', zone: 'zone-a' } : {}),
  });
  slice('kubia-abcde', 'kubia', [{ name: '', port: 8080, protocol: 'TCP' }], [ep('10.244.1.5', true, 0), ep('10.244.2.7', true, 1), ep('10.244.3.9', undefined, 2), ep('10.244.1.6', true, 3), ep('10.244.2.8', false, 4)]);
  svc('quirk', { type: 'ClusterIP', selector: { app: 'quirk' }, clusterIP: '10.96.45.11', clusterIPs: ['10.96.45.11'], ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
  slice('quirk-a', 'quirk', [{ name: '', port: 8080, protocol: 'TCP' }], [ep('10.244.1.15', true, 0), ep('10.244.2.15', true, 1), ep('10.244.3.15', true, 2), ep('10.244.1.16', false, 3)]);
  svc('notready', { type: 'ClusterIP', selector: { app: 'nr' }, clusterIP: '10.96.45.12', clusterIPs: ['10.96.45.12'], ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
  slice('notready-a', 'notready', [{ name: '', port: 8080, protocol: 'TCP' }], [ep('10.244.1.20', false, 0)]);
  svc('kubia-nodeport', {
    type: 'NodePort', selector: { app: 'kubia' }, clusterIP: '10.96.203.77', clusterIPs: ['10.96.203.77'], externalTrafficPolicy: 'Cluster',
    ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30123, protocol: 'TCP' }, { name: 'https', port: 443, targetPort: 'https', nodePort: 30443, protocol: 'TCP' }],
    sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }, externalIPs: ['192.0.2.10', '192.0.2.11'],
  }, { labels: { app: 'kubia', tier: 'web' }, annotations: { 'example.com/owner': 'team-a' } });
  slice('kubia-nodeport-x1', 'kubia-nodeport', [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'https', port: 8443, protocol: 'TCP' }], [ep('10.244.1.5', true, 0), ep('fd00::5', true, 1)]);
  const lb = svc('kubia-lb', {
    type: 'LoadBalancer', selector: { app: 'kubia' }, clusterIP: '10.96.12.34', clusterIPs: ['10.96.12.34'], externalTrafficPolicy: 'Local', healthCheckNodePort: 32000,
    loadBalancerIP: '172.18.255.201', loadBalancerSourceRanges: ['10.0.0.0/8', '192.168.0.0/16'], allocateLoadBalancerNodePorts: true,
    ports: [{ port: 80, targetPort: 8080, nodePort: 31234, protocol: 'TCP' }],
  });
  (lb.status as { loadBalancer: unknown }).loadBalancer = { ingress: [{ ip: '172.18.255.201', ipMode: 'VIP' }, { hostname: 'lb.example.com' }] };
  event(lb, 'EnsuringLoadBalancer', 'Ensuring load balancer', { component: 'service-controller', first: 3 * HOUR });
  event(lb, 'EnsuredLoadBalancer', 'Ensured load balancer', { component: 'service-controller', first: 3 * HOUR - MIN });
  svc('kubia-headless', { type: 'ClusterIP', selector: { app: 'kubia' }, clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
  slice('kubia-headless-q', 'kubia-headless', [], [ep('10.244.1.5', true, 0), ep('10.244.2.7', true, 1), ep('10.244.3.9', true, 2), ep('10.244.1.6', true, 3), ep('10.244.1.7', true, 4)]);
  put('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'external-db', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' }, status: { loadBalancer: {} } });
  svc('external-service', { type: 'ClusterIP', clusterIP: '10.96.77.7', clusterIPs: ['10.96.77.7'], ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] });
  put('endpoints', {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'external-service', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '11.11.11.11' }, { ip: '22.22.22.22' }], ports: [{ port: 80, protocol: 'TCP' }] }],
  });
  put('endpoints', {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubia', namespace: 'default', labels: { app: 'kubia' }, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': at(2 * HOUR) } },
    subsets: [
      { addresses: [{ ip: '10.244.1.5', nodeName: 'kind-worker', targetRef: { kind: 'Pod', name: 'a' } }, { ip: '10.244.2.7' }], notReadyAddresses: [{ ip: '10.244.3.9' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'https', port: 8443, protocol: 'TCP' }] },
      { notReadyAddresses: [{ ip: '10.244.1.99' }], ports: [{ port: 53, protocol: 'UDP' }] },
      { addresses: [{ ip: '10.244.1.98' }] },
    ],
  });
  put('endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'noselector', namespace: 'default' } });
  slice('bare', 'nothing', [], []);

  // --- A ReplicationController with its pods, and a second namespace.
  const rc = put('replicationcontrollers', {
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'kubia-rc', namespace: 'default', labels: { app: 'kubia-rc' } },
    spec: { replicas: 2, selector: { app: 'kubia-rc' }, template: { metadata: { labels: { app: 'kubia-rc' }, annotations: { 'example.com/template': 'yes' } }, spec: { serviceAccountName: 'builder', containers: [{ name: 'kubia', image: 'luksa/kubia', ports: [{ containerPort: 8080, protocol: 'TCP' }, { containerPort: 9090, protocol: 'UDP' }], env: [{ name: 'MODE', value: 'rc' }, { name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }], volumeMounts: [{ mountPath: '/cache', name: 'cache' }] }], volumes: [{ name: 'cache', emptyDir: {} }], priorityClassName: 'low', tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }] } } },
    status: { replicas: 2, readyReplicas: 1, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota' }] },
  });
  ['x1', 'x2', 'x3'].forEach((s, i) => {
    put('pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `kubia-rc-${s}`, namespace: 'default', labels: { app: 'kubia-rc' }, ...(i < 2 ? { ownerReferences: owner(rc) } : {}) },
      spec: { containers: [{ name: 'kubia', image: 'luksa/kubia', resources: { requests: { cpu: '100m', memory: '100Mi' } } }], nodeName: 'kind-worker2' },
      status: { phase: i === 0 ? 'Running' : i === 1 ? 'Failed' : 'Succeeded', podIP: `10.244.2.${30 + i}`, podIPs: [{ ip: `10.244.2.${30 + i}` }] },
    });
  });
  event(rc, 'SuccessfulCreate', 'Created pod: kubia-rc-x1', { component: 'replication-controller', first: 3 * HOUR });
  put('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', labels: { 'kubernetes.io/metadata.name': 'dev', team: 'a' }, annotations: { 'example.com/owner': 'team-a' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  put('namespaces', {
    apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'leaving', labels: { 'kubernetes.io/metadata.name': 'leaving' }, deletionTimestamp: at(MIN) }, spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Terminating', conditions: [{ type: 'NamespaceDeletionDiscoveryFailure', status: 'False', lastTransitionTime: at(MIN), reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' }] },
  });
  put('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'escapes', labels: { a: 'b\u001b[31mred\rcr\u0007bell' }, annotations: { 'é-key': 'ünïcode wïdth' } }, status: { phase: 'Active' } });
  put('deployments', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'demo', namespace: 'dev', labels: { app: 'demo' } },
    spec: { replicas: 5, selector: { matchLabels: { app: 'demo' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }, { key: 'legacy', operator: 'DoesNotExist' }] }, strategy: { type: 'Recreate' }, template: { metadata: { labels: { app: 'demo', tier: 'web' } }, spec: { containers: [{ name: 'demo', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } } },
    status: {},
  });

  put('deployments', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'half-set', namespace: 'dev' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'half' } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }, template: { metadata: { labels: { app: 'half' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });

  // --- A node with taints, no lease, extended resources, and kubelet events addressed by name.
  const node = put('nodes', {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: 'gpu-node', labels: { 'kubernetes.io/hostname': 'gpu-node', 'node-role.kubernetes.io/gpu': '', 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/': '' }, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: { podCIDR: '10.244.9.0/24', podCIDRs: ['10.244.9.0/24', 'fd00:9::/64'], unschedulable: true, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: at(HOUR) }, { key: 'bare' }] },
    status: {
      addresses: [{ type: 'InternalIP', address: '172.18.0.9' }, { type: 'Hostname', address: 'gpu-node' }],
      capacity: { cpu: '4', memory: '8Gi', pods: '110', 'nvidia.com/gpu': '2', 'ephemeral-storage': '100Gi', 'hugepages-2Mi': '512Mi' },
      allocatable: { cpu: '3900m', memory: '7Gi', pods: '110', 'nvidia.com/gpu': '2', 'ephemeral-storage': '90Gi', 'hugepages-2Mi': '512Mi' },
      conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: at(HOUR), lastTransitionTime: at(50 * MIN) }],
      nodeInfo: { machineID: 'm1', systemUUID: 's1', bootID: 'b1', kernelVersion: '6.8.0', osImage: 'Ubuntu 24.04', operatingSystem: 'linux', architecture: 'arm64', containerRuntimeVersion: 'containerd://2.0.0', kubeletVersion: 'v1.32.2', kubeProxyVersion: '' },
    },
  }, at(2 * DAY));
  event(node, 'NodeNotReady', 'Node gpu-node status is now: NodeNotReady', { component: 'node-controller', first: 50 * MIN });
  event(node, 'Starting', 'Starting kubelet.', { host: 'gpu-node', first: 2 * DAY, uid: 'gpu-node' });
  ['g1', 'g2'].forEach((s, i) => {
    put('pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `trainer-${s}`, namespace: i ? 'dev' : 'default' },
      spec: { nodeName: 'gpu-node', containers: [{ name: 't', image: 'trainer', resources: { requests: { cpu: '1500m', memory: '2Gi', 'nvidia.com/gpu': '1', 'ephemeral-storage': '10Gi', 'hugepages-2Mi': '128Mi' }, limits: { cpu: '2', memory: '3Gi', 'nvidia.com/gpu': '1', 'hugepages-2Mi': '128Mi' } } }] },
      status: { phase: 'Running' },
    }, at(90 * MIN));
  });
  put('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'trainer-done', namespace: 'default' }, spec: { nodeName: 'gpu-node', containers: [{ name: 't', image: 'trainer' }] }, status: { phase: 'Succeeded' } });

  // --- Ingresses, an IngressClass and NetworkPolicies.
  put('ingresses', {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'kubia', namespace: 'default', labels: { app: 'kubia' }, annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } },
    spec: {
      ingressClassName: 'nginx',
      defaultBackend: { service: { name: 'kubia', port: { number: 80 } } },
      tls: [{ hosts: ['kubia.example.com', 'www.kubia.example.com'], secretName: 'tls-secret' }, { hosts: ['sni.example.com'] }],
      rules: [
        { host: 'kubia.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'kubia-nodeport', port: { name: 'http' } } } }, { path: '/missing', pathType: 'Exact', backend: { service: { name: 'ghost', port: { number: 80 } } } }] } },
        { http: { paths: [{ path: '/static', pathType: 'Prefix', backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static-assets' } } }] } },
        { host: 'nohttp.example.com' },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: '172.18.255.210' }, { hostname: 'a.example.com' }, { ip: '172.18.255.210' }] } },
  });
  put('ingresses', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'empty', namespace: 'default' }, spec: {}, status: { loadBalancer: {} } });
  put('networkpolicies', {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-web', namespace: 'default', labels: { a: 'b' } },
    spec: {
      podSelector: { matchLabels: { app: 'kubia' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { role: 'frontend' } } }, { namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] } }, { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24', '172.17.2.0/24'] } }], ports: [{ protocol: 'TCP', port: 8080 }, { port: 'http' }, { protocol: 'UDP', port: 3000, endPort: 3100 }] },
        {},
      ],
      egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }] }],
    },
  });
  put('networkpolicies', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-all', namespace: 'default' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
  put('networkpolicies', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'egress-only', namespace: 'default' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] } });

  // --- Kinds kubectl describes with small describers of their own, or generically.
  put('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { mode: 'fast\nand loose' }, binaryData: { blob: 'AAEC' } });
  put('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'empty-cm', namespace: 'default' } });
  put('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, type: 'Opaque', data: { password: 'c2VjcmV0', user: 'YWRtaW4=' } });
  put('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'default' }, secrets: [{ name: 'creds' }, { name: 'gone' }], imagePullSecrets: [{ name: 'regcred' }] });
  put('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'dev' } });
  put('ingressclasses', { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } } });
  put('leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'my-lock', namespace: 'default' }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime: at(MIN).replace('Z', '.123456Z'), leaseTransitions: 2 } });

  // --- Policy, RBAC, autoscaling and priority kinds (their own describers).
  const hpa = put('horizontalpodautoscalers', {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'kubia', namespace: 'default', labels: { app: 'kubia' } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kubia' }, minReplicas: 2, maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '10' } } },
        { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '30' } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] } },
    },
    status: {
      currentReplicas: 3, desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42, averageValue: '84m' } } }, { type: '' }],
      conditions: [
        { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size', lastTransitionTime: at(HOUR) },
        { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)', lastTransitionTime: at(HOUR) },
      ],
    },
  });
  event(hpa, 'FailedGetPodsMetric', 'unable to get metric rps: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered', { type: 'Warning', count: 40, first: 2 * HOUR, last: 20 * MIN, component: 'horizontal-pod-autoscaler' });
  put('horizontalpodautoscalers', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'bare', namespace: 'default' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web' }, maxReplicas: 3 } });
  const pdb = put('poddisruptionbudgets', {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'kubia', namespace: 'default', labels: { app: 'kubia' } },
    spec: { maxUnavailable: '50%', selector: { matchLabels: { app: 'kubia' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] } },
    status: { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3, observedGeneration: 1 },
  });
  event(pdb, 'NoPods', 'No matching pods found', { count: 2, first: 3 * HOUR, last: 2 * HOUR, component: 'controllermanager' });
  put('poddisruptionbudgets', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'unset', namespace: 'default' }, spec: { minAvailable: 1 } });
  put('roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'deployer', namespace: 'default', annotations: { owner: 'team-a' } },
    rules: [
      { apiGroups: ['apps', ''], resources: ['deployments', 'deployments/scale', 'pods'], verbs: ['get', 'list', 'watch', 'update'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['creds', 'token'], verbs: ['get'] },
    ],
  });
  put('rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'deployers', namespace: 'default' },
    subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'builder', namespace: 'default' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
  });
  put('clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'probe-reader' }, rules: [{ nonResourceURLs: ['/healthz', '/metrics/*'], verbs: ['get', 'head'] }] });
  put('clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'probe-readers', labels: { a: 'b' } },
    subjects: [{ kind: 'Group', name: 'system:monitoring', apiGroup: 'rbac.authorization.k8s.io' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'probe-reader' },
  });
  const pc = put('priorityclasses', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'batch-low', annotations: { a: 'b', c: 'd' } }, value: -10, globalDefault: true, preemptionPolicy: 'Never', description: 'batch jobs' });
  event(pc, 'Custom', 'something about the class', { first: 30 * MIN, component: 'tester' });
  put('resourcequotas', {
    apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'team', namespace: 'dev' },
    spec: { hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi' } },
    status: { hard: { 'limits.memory': '8Gi', pods: '10', 'requests.cpu': '4' }, used: { 'limits.memory': '256Mi', pods: '2', 'requests.cpu': '200m' } },
  });
  put('limitranges', { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits', namespace: 'dev' }, spec: { limits: [{ type: 'Container', max: { cpu: '2' }, default: { cpu: '500m' }, defaultRequest: { cpu: '100m' } }, { type: 'Pod', max: { memory: '1Gi' } }] } });
  return { state, objects };
}
