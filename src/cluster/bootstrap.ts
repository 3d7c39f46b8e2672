// A new cluster, shaped like the one `kind create cluster` makes with three workers: nodes, system
// namespaces, the `kubernetes` and `kube-dns` Services at their fixed addresses, and CoreDNS.
import { seedPolicyDefaults } from './policy-defaults.js';
import type { KubeObject } from '../api/types.js';
import { emptyObjects, putObject } from '../store/objects.js';
import { SCHEMA_VERSION, STATE_KIND, type ClusterConfig, type ClusterState } from '../store/state.js';
import { fixedClock, rfc3339 } from '../util/clock.js';
import { Random } from '../util/random.js';
import { createObject } from './apiserver.js';
import type { Ctx } from './context.js';
import { reconcile } from './controllers.js';
import { namespaceObject } from './namespaces.js';
import { installControlPlane, installNodeDaemons } from './kube-system.js';
import { leaseObject, nodeObject } from './nodes.js';
import { nodeBlocks } from './calico-ipam.js';
import { clusterDNSIP, isCalico, kubernetesServiceIP } from './shape.js';

export interface ClusterOptions {
  name: string;
  seed: number;
  now: Date;
  /** Whether a load-balancer provider hands out EXTERNAL-IPs (like cloud-provider-kind). */
  loadBalancer: boolean;
  workers?: number;
  /** A shaped cluster (from a config file, src/cluster/cluster-config.ts); name and seed above win. */
  shape?: Omit<ClusterConfig, 'created'>;
}

export const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

export function clusterConfig(opts: ClusterOptions): ClusterConfig {
  const workers = opts.workers ?? 3;
  const nodes: ClusterConfig['nodes'] = [{ name: `${opts.name}-control-plane`, role: 'control-plane', internalIP: '172.18.0.2', podCIDR: '10.244.0.0/24' }];
  for (let i = 1; i <= workers; i++) {
    nodes.push({ name: `${opts.name}-worker${i === 1 ? '' : i}`, role: 'worker', internalIP: `172.18.0.${2 + i}`, podCIDR: `10.244.${i}.0/24` });
  }
  return {
    name: opts.name,
    seed: opts.seed,
    created: rfc3339(opts.now),
    serviceCIDR: '10.96.0.0/12',
    clusterCIDR: '10.244.0.0/16',
    nodePortRange: { base: 30000, size: 2768 },
    clusterDomain: 'cluster.local',
    loadBalancerPool: opts.loadBalancer ? { first: '172.18.255.200', last: '172.18.255.250' } : null,
    workstationReachesPods: false,
    workstationIP: '172.18.0.1',
    nodes,
    kubernetesVersion: 'v1.32.2',
  };
}

/** A config file's cluster, its keys in the default's order (a default.yaml cluster saves byte for byte alike). */
function shapedConfig(opts: ClusterOptions, shape: Omit<ClusterConfig, 'created'>): ClusterConfig {
  const { name: _name, seed: _seed, ...rest } = shape;
  return { name: opts.name, seed: opts.seed, created: rfc3339(opts.now), ...rest };
}

function stamp(obj: KubeObject, ctx: Ctx): KubeObject {
  obj.metadata.uid = ctx.random.uuid();
  obj.metadata.creationTimestamp = rfc3339(ctx.clock.now());
  return obj;
}

function systemService(name: string, namespace: string, ip: string, labels: Record<string, string>, selector: Record<string, string> | undefined, ports: object[]): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels },
    spec: {
      clusterIP: ip,
      clusterIPs: [ip],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports,
      ...(selector ? { selector } : {}),
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  };
}

function coreDNSDeployment(): KubeObject {
  const labels = { 'k8s-app': 'kube-dns' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'coredns', namespace: 'kube-system', labels },
    spec: {
      progressDeadlineSeconds: 600,
      replicas: 2,
      revisionHistoryLimit: 10,
      selector: { matchLabels: labels },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 }, type: 'RollingUpdate' },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              args: ['-conf', '/etc/coredns/Corefile'],
              image: 'registry.k8s.io/coredns/coredns:v1.11.3',
              imagePullPolicy: 'IfNotPresent',
              name: 'coredns',
              ports: [
                { containerPort: 53, name: 'dns', protocol: 'UDP' },
                { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' }, failureThreshold: 3, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
              resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
            },
          ],
          dnsPolicy: 'Default',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'coredns',
          tolerations: [
            { key: 'CriticalAddonsOnly', operator: 'Exists' },
            { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' },
          ],
        },
      },
    },
  };
}

export function createCluster(opts: ClusterOptions): ClusterState {
  const random = Random.fromSeed(opts.seed);
  const ctx: Ctx = { clock: fixedClock(opts.now), random };
  const cluster: ClusterConfig = opts.shape ? shapedConfig(opts, opts.shape) : clusterConfig(opts);
  const state: ClusterState = {
    kind: STATE_KIND,
    schemaVersion: SCHEMA_VERSION,
    cluster,
    random: random.state(),
    resourceVersion: 0,
    tombstones: { from: 0, list: [] },
    ...emptyObjects(),
    ipam: {},
    net: { affinity: {} },
  };
  for (const ns of SYSTEM_NAMESPACES) createObject(state, ctx, namespaceObject(ns), { namespace: 'default', reconcile: false });
  // As in kind, the control-plane node is up first: CoreDNS is scheduled onto it (tolerating its taint) before the
  // workers join.
  const addNode = (n: ClusterConfig['nodes'][number]) => {
    putObject(state, 'nodes', stamp(nodeObject(cluster, n, opts.now), ctx));
    putObject(state, 'leases', stamp(leaseObject(n, opts.now), ctx));
    // calico-node claims the node's first IPAM block when the node joins (its tunnel address comes from it).
    if (isCalico(cluster)) nodeBlocks(state, n.name);
  };
  addNode(cluster.nodes[0]);
  const apiserver = cluster.nodes[0].internalIP;
  putObject(state, 'services', stamp(systemService('kubernetes', 'default', kubernetesServiceIP(cluster), { component: 'apiserver', provider: 'kubernetes' }, undefined, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]), ctx));
  putObject(state, 'endpoints', stamp({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: apiserver }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
  }, ctx));
  putObject(state, 'endpointslices', stamp({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [apiserver], conditions: { ready: true } }],
    ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
  }, ctx));
  putObject(
    state,
    'services',
    stamp(
      systemService('kube-dns', 'kube-system', clusterDNSIP(cluster), { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' }, { 'k8s-app': 'kube-dns' }, [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ]),
      ctx,
    ),
  );
  createObject(state, ctx, coreDNSDeployment(), { namespace: 'kube-system', reconcile: false });
  reconcile(state, ctx);
  // The rest of kube-system and local-path-storage (kube-system.ts), made without drawing from the cluster's
  // random source: the control plane's static pods and the local-path-provisioner before the workers join, the
  // node daemons after.
  installControlPlane(state, opts.now, ctx);
  for (const n of cluster.nodes.slice(1)) addNode(n);
  reconcile(state, ctx);
  seedPolicyDefaults(state, ctx);
  installNodeDaemons(state, ctx);
  state.random = random.state();
  return state;
}
