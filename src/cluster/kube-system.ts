// What a kind v0.25 cluster (Kubernetes v1.32) runs besides CoreDNS, made once by the bootstrap: the control
// plane's static pods (as the API server shows them: mirror pods owned by the Node), the kube-proxy and kindnet
// DaemonSets, the local-path-provisioner in local-path-storage and the default StorageClass `standard`.
// docs/kube-system-facts.md records the facts used here.
//
// Nothing here draws from the cluster's seeded random source: uids, name suffixes and container IDs come from
// a hash of the seed and the object's name (or from a random source seeded by that hash), so every name and
// address made after the bootstrap is what it was before these objects existed.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import { getObject, putObject } from '../store/objects.js';
import type { ClusterConfig, ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import { Random } from '../util/random.js';
import { createObject } from './apiserver.js';
import type { Ctx } from './context.js';
import { reconcile } from './controllers.js';
import { canonicalJSON } from './hash.js';
import { namespaceObject } from './namespaces.js';
import { cniOf, isCalico, proxyMode } from './shape.js';

export const ETCD_IMAGE = 'registry.k8s.io/etcd:3.5.16-0';
export const KINDNETD_IMAGE = 'docker.io/kindest/kindnetd:v20241108-5c6d2daf';
export const LOCAL_PATH_PROVISIONER_IMAGE = 'docker.io/kindest/local-path-provisioner:v20241108-5c6d2daf';
export const LOCAL_PATH_HELPER_IMAGE = 'docker.io/kindest/local-path-helper:v20241108-5c6d2daf';
export const LOCAL_PATH_ROOT = '/var/local-path-provisioner';
/** The priority the system-node-critical PriorityClass carries. */
export const SYSTEM_NODE_CRITICAL = 2000001000;
export const SYSTEM_CLUSTER_CRITICAL = 2000000000;

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A version-4 uid from the seed and what the object is: stable per cluster, drawing nothing from the random source. */
export function seededUID(seed: number, what: string): string {
  const h = sha(`${seed}/${what}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A random source of its own for what the controllers make of one system object (pod names, container IDs). */
export function seededRandom(seed: number, what: string): Random {
  return Random.fromSeed(parseInt(sha(`${seed}/${what}`).slice(0, 8), 16) | 0);
}

const hostPath = (name: string, path: string, type?: string) => ({ name, hostPath: type ? { path, type } : { path } });

interface StaticPod {
  component: string;
  image: string;
  command: string[];
  requests: Record<string, string>;
  mounts: { mountPath: string; name: string; readOnly?: boolean }[];
  volumes: object[];
  annotations: Record<string, string>;
}

const K8S_PKI = [
  { mountPath: '/etc/ssl/certs', name: 'ca-certs', readOnly: true },
  { mountPath: '/etc/ca-certificates', name: 'etc-ca-certificates', readOnly: true },
  { mountPath: '/etc/kubernetes/pki', name: 'k8s-certs', readOnly: true },
  { mountPath: '/usr/local/share/ca-certificates', name: 'usr-local-share-ca-certificates', readOnly: true },
  { mountPath: '/usr/share/ca-certificates', name: 'usr-share-ca-certificates', readOnly: true },
];
const K8S_PKI_VOLUMES = [
  hostPath('ca-certs', '/etc/ssl/certs', 'DirectoryOrCreate'),
  hostPath('etc-ca-certificates', '/etc/ca-certificates', 'DirectoryOrCreate'),
  hostPath('k8s-certs', '/etc/kubernetes/pki', 'DirectoryOrCreate'),
  hostPath('usr-local-share-ca-certificates', '/usr/local/share/ca-certificates', 'DirectoryOrCreate'),
  hostPath('usr-share-ca-certificates', '/usr/share/ca-certificates', 'DirectoryOrCreate'),
];

/** The four manifests kubeadm writes to /etc/kubernetes/manifests on the control plane. */
function staticPods(cluster: ClusterConfig): StaticPod[] {
  const cp = cluster.nodes[0];
  const ip = cp.internalIP;
  const v = cluster.kubernetesVersion;
  return [
    {
      component: 'etcd',
      image: ETCD_IMAGE,
      command: [
        'etcd',
        `--advertise-client-urls=https://${ip}:2379`,
        '--cert-file=/etc/kubernetes/pki/etcd/server.crt',
        '--client-cert-auth=true',
        '--data-dir=/var/lib/etcd',
        '--experimental-initial-corrupt-check=true',
        '--experimental-watch-progress-notify-interval=5s',
        `--initial-advertise-peer-urls=https://${ip}:2380`,
        `--initial-cluster=${cp.name}=https://${ip}:2380`,
        '--key-file=/etc/kubernetes/pki/etcd/server.key',
        `--listen-client-urls=https://127.0.0.1:2379,https://${ip}:2379`,
        '--listen-metrics-urls=http://127.0.0.1:2381',
        `--listen-peer-urls=https://${ip}:2380`,
        `--name=${cp.name}`,
        '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt',
        '--peer-client-cert-auth=true',
        '--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
        '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
        '--snapshot-count=10000',
        '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
      ],
      requests: { cpu: '100m', memory: '100Mi' },
      mounts: [
        { mountPath: '/var/lib/etcd', name: 'etcd-data' },
        { mountPath: '/etc/kubernetes/pki/etcd', name: 'etcd-certs' },
      ],
      volumes: [hostPath('etcd-certs', '/etc/kubernetes/pki/etcd', 'DirectoryOrCreate'), hostPath('etcd-data', '/var/lib/etcd', 'DirectoryOrCreate')],
      annotations: { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${ip}:2379` },
    },
    {
      component: 'kube-apiserver',
      image: `registry.k8s.io/kube-apiserver:${v}`,
      command: [
        'kube-apiserver',
        `--advertise-address=${ip}`,
        '--allow-privileged=true',
        '--authorization-mode=Node,RBAC',
        '--client-ca-file=/etc/kubernetes/pki/ca.crt',
        '--enable-admission-plugins=NodeRestriction',
        '--enable-bootstrap-token-auth=true',
        '--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt',
        '--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt',
        '--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key',
        '--etcd-servers=https://127.0.0.1:2379',
        '--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt',
        '--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key',
        '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
        '--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt',
        '--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key',
        '--requestheader-allowed-names=front-proxy-client',
        '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
        '--requestheader-extra-headers-prefix=X-Remote-Extra-',
        '--requestheader-group-headers=X-Remote-Group',
        '--requestheader-username-headers=X-Remote-User',
        `--runtime-config=`,
        '--secure-port=6443',
        `--service-account-issuer=https://kubernetes.default.svc.${cluster.clusterDomain}`,
        '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
        '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
        `--service-cluster-ip-range=${cluster.serviceCIDR}`,
        '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
        '--tls-private-key-file=/etc/kubernetes/pki/apiserver.key',
      ],
      requests: { cpu: '250m' },
      mounts: K8S_PKI,
      volumes: K8S_PKI_VOLUMES,
      annotations: { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${ip}:6443` },
    },
    {
      component: 'kube-controller-manager',
      image: `registry.k8s.io/kube-controller-manager:${v}`,
      command: [
        'kube-controller-manager',
        '--allocate-node-cidrs=true',
        '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf',
        '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf',
        '--bind-address=127.0.0.1',
        '--client-ca-file=/etc/kubernetes/pki/ca.crt',
        `--cluster-cidr=${cluster.clusterCIDR}`,
        `--cluster-name=${cluster.name}`,
        '--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt',
        '--cluster-signing-key-file=/etc/kubernetes/pki/ca.key',
        '--controllers=*,bootstrapsigner,tokencleaner',
        ...(cluster.nodeCIDRMaskSize !== undefined ? [`--node-cidr-mask-size=${cluster.nodeCIDRMaskSize}`] : []),
        '--enable-hostpath-provisioner=true',
        '--kubeconfig=/etc/kubernetes/controller-manager.conf',
        '--leader-elect=true',
        '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
        '--root-ca-file=/etc/kubernetes/pki/ca.crt',
        '--service-account-private-key-file=/etc/kubernetes/pki/sa.key',
        `--service-cluster-ip-range=${cluster.serviceCIDR}`,
        '--use-service-account-credentials=true',
      ],
      requests: { cpu: '200m' },
      mounts: [
        ...K8S_PKI.slice(0, 2),
        { mountPath: '/usr/libexec/kubernetes/kubelet-plugins/volume/exec', name: 'flexvolume-dir' },
        K8S_PKI[2],
        { mountPath: '/etc/kubernetes/controller-manager.conf', name: 'kubeconfig', readOnly: true },
        ...K8S_PKI.slice(3),
      ],
      volumes: [
        ...K8S_PKI_VOLUMES.slice(0, 2),
        hostPath('flexvolume-dir', '/usr/libexec/kubernetes/kubelet-plugins/volume/exec', 'DirectoryOrCreate'),
        K8S_PKI_VOLUMES[2],
        hostPath('kubeconfig', '/etc/kubernetes/controller-manager.conf', 'FileOrCreate'),
        ...K8S_PKI_VOLUMES.slice(3),
      ],
      annotations: {},
    },
    {
      component: 'kube-scheduler',
      image: `registry.k8s.io/kube-scheduler:${v}`,
      command: [
        'kube-scheduler',
        '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf',
        '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf',
        '--bind-address=127.0.0.1',
        '--kubeconfig=/etc/kubernetes/scheduler.conf',
        '--leader-elect=true',
      ],
      requests: { cpu: '100m' },
      mounts: [{ mountPath: '/etc/kubernetes/scheduler.conf', name: 'kubeconfig', readOnly: true }],
      volumes: [hostPath('kubeconfig', '/etc/kubernetes/scheduler.conf', 'FileOrCreate')],
      annotations: {},
    },
  ];
}

/** The mirror pod the API server holds for one static pod: bound to the node, owned by it, not yet started. */
function mirrorPod(cluster: ClusterConfig, node: KubeObject, p: StaticPod, now: Date): KubeObject {
  const name = `${p.component}-${node.metadata.name}`;
  const spec = {
    containers: [
      {
        command: p.command,
        image: p.image,
        imagePullPolicy: 'IfNotPresent',
        name: p.component,
        resources: { requests: p.requests },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        volumeMounts: p.mounts,
      },
    ],
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: true,
    hostNetwork: true,
    nodeName: node.metadata.name,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: SYSTEM_NODE_CRITICAL,
    priorityClassName: 'system-node-critical',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    terminationGracePeriodSeconds: 30,
    tolerations: [{ effect: 'NoExecute', operator: 'Exists' }],
    volumes: p.volumes,
  };
  // The kubelet names a static pod's config by a hash of its manifest (an MD5, 32 hex digits).
  const hash = sha(`${cluster.seed}/${canonicalJSON(spec)}`).slice(0, 32);
  const seenNanos = String(parseInt(hash.slice(0, 8), 16) % 1_000_000_000).padStart(9, '0');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'kube-system',
      uid: seededUID(cluster.seed, `pod/kube-system/${name}`),
      creationTimestamp: rfc3339(now),
      labels: { component: p.component, tier: 'control-plane' },
      annotations: {
        ...p.annotations,
        'kubernetes.io/config.hash': hash,
        'kubernetes.io/config.mirror': hash,
        'kubernetes.io/config.seen': rfc3339(now).replace(/Z$/, `.${seenNanos}Z`),
        'kubernetes.io/config.source': 'file',
      },
      ownerReferences: [{ apiVersion: 'v1', controller: true, kind: 'Node', name: node.metadata.name, uid: node.metadata.uid ?? '' }],
    },
    spec,
    status: { phase: 'Pending', qosClass: 'Burstable' },
  } as KubeObject;
}

function kubeProxyDaemonSet(cluster: ClusterConfig): KubeObject {
  const labels = { 'k8s-app': 'kube-proxy' };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
              env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
              image: `registry.k8s.io/kube-proxy:${cluster.kubernetesVersion}`,
              imagePullPolicy: 'IfNotPresent',
              name: 'kube-proxy',
              securityContext: { privileged: true },
              volumeMounts: [
                { mountPath: '/var/lib/kube-proxy', name: 'kube-proxy' },
                { mountPath: '/run/xtables.lock', name: 'xtables-lock' },
                { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true },
              ],
            },
          ],
          hostNetwork: true,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'kube-proxy',
          tolerations: [{ operator: 'Exists' }],
          volumes: [{ name: 'kube-proxy', configMap: { name: 'kube-proxy', defaultMode: 420 } }, hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'), hostPath('lib-modules', '/lib/modules', '')],
        },
      },
      updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
    },
  };
}

function kindnetDaemonSet(cluster: ClusterConfig): KubeObject {
  const labels = { app: 'kindnet', 'k8s-app': 'kindnet', tier: 'node' };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kindnet', namespace: 'kube-system', labels },
    spec: {
      selector: { matchLabels: { app: 'kindnet' } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              env: [
                { name: 'HOST_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.hostIP' } } },
                { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
                { name: 'POD_SUBNET', value: cluster.clusterCIDR },
                { name: 'CONTROL_PLANE_ENDPOINT', value: `${cluster.nodes[0].name}:6443` },
              ],
              image: KINDNETD_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              name: 'kindnet-cni',
              resources: { limits: { cpu: '100m', memory: '50Mi' }, requests: { cpu: '100m', memory: '50Mi' } },
              securityContext: { capabilities: { add: ['NET_RAW', 'NET_ADMIN'] }, privileged: false },
              volumeMounts: [
                { mountPath: '/etc/cni/net.d', name: 'cni-cfg' },
                { mountPath: '/run/xtables.lock', name: 'xtables-lock' },
                { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true },
                { mountPath: '/var/run/nri', name: 'nri-plugin' },
              ],
            },
          ],
          hostNetwork: true,
          serviceAccountName: 'kindnet',
          tolerations: [{ operator: 'Exists' }],
          volumes: [
            hostPath('cni-cfg', '/etc/cni/net.d', 'DirectoryOrCreate'),
            hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
            hostPath('lib-modules', '/lib/modules', ''),
            hostPath('nri-plugin', '/var/run/nri', ''),
          ],
        },
      },
    },
  };
}

export const CALICO_NODE_IMAGE = 'docker.io/calico/node:v3.28.2';

/** A calico-like CNI's node agent (it claims the node's IPAM blocks and programs the tunnel and the routes). */
function calicoNodeDaemonSet(cluster: ClusterConfig): KubeObject {
  const labels = { 'k8s-app': 'calico-node' };
  const cni = cniOf(cluster);
  const vxlan = cni.encapsulation !== 'IPIP';
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'calico-node', namespace: 'kube-system', labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              env: [
                { name: 'DATASTORE_TYPE', value: 'kubernetes' },
                { name: 'CALICO_NETWORKING_BACKEND', value: vxlan ? 'vxlan' : 'bird' },
                { name: 'CALICO_IPV4POOL_CIDR', value: cluster.clusterCIDR },
                { name: 'CALICO_IPV4POOL_BLOCK_SIZE', value: String(cni.blockSize ?? 26) },
                { name: 'CALICO_IPV4POOL_IPIP', value: vxlan ? 'Never' : 'Always' },
                { name: 'CALICO_IPV4POOL_VXLAN', value: vxlan ? 'Always' : 'Never' },
                { name: 'FELIX_IPINIPMTU', value: String(cni.mtu) },
                { name: 'FELIX_VXLANMTU', value: String(cni.mtu) },
                { name: 'NODENAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
              ],
              image: CALICO_NODE_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              name: 'calico-node',
              resources: { requests: { cpu: '250m' } },
              securityContext: { privileged: true },
              volumeMounts: [
                { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true },
                { mountPath: '/run/xtables.lock', name: 'xtables-lock' },
                { mountPath: '/var/run/calico', name: 'var-run-calico' },
              ],
            },
          ],
          hostNetwork: true,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'calico-node',
          tolerations: [{ effect: 'NoSchedule', operator: 'Exists' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoExecute', operator: 'Exists' }],
          volumes: [hostPath('lib-modules', '/lib/modules', ''), hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'), hostPath('var-run-calico', '/var/run/calico', '')],
        },
      },
      updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
    },
  };
}

/** The CNI's DaemonSet name (kindnet, or calico-node). */
function cniDaemonName(cluster: ClusterConfig): string {
  return isCalico(cluster) ? 'calico-node' : 'kindnet';
}

function localPathProvisioner(): KubeObject {
  const labels = { app: 'local-path-provisioner' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'local-path-provisioner', namespace: 'local-path-storage' },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              command: ['local-path-provisioner', '--debug', 'start', '--helper-image', LOCAL_PATH_HELPER_IMAGE, '--config', '/etc/config/config.json'],
              env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }],
              image: LOCAL_PATH_PROVISIONER_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              name: 'local-path-provisioner',
              volumeMounts: [{ mountPath: '/etc/config/', name: 'config-volume' }],
            },
          ],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          serviceAccountName: 'local-path-provisioner-service-account',
          tolerations: [
            { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Equal' },
            { effect: 'NoSchedule', key: 'node-role.kubernetes.io/master', operator: 'Equal' },
          ],
          volumes: [{ name: 'config-volume', configMap: { name: 'local-path-config', defaultMode: 420 } }],
        },
      },
    },
  };
}

const LOCAL_PATH_CONFIG = {
  'config.json': `{\n        "nodePathMap":[\n        {\n                "node":"DEFAULT_PATH_FOR_NON_LISTED_NODES",\n                "paths":["${LOCAL_PATH_ROOT}"]\n        }\n        ]\n}`,
  'helperPod.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: helper-pod\nspec:\n  containers:\n  - name: helper-pod\n    image: ${LOCAL_PATH_HELPER_IMAGE}\n    imagePullPolicy: IfNotPresent`,
  setup: '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"',
  teardown: '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"',
};

function kubeProxyConfig(cluster: ClusterConfig): Record<string, string> {
  return {
    'config.conf': [
      'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
      'bindAddress: 0.0.0.0',
      `clusterCIDR: ${cluster.clusterCIDR}`,
      'conntrack:',
      '  maxPerCore: 0',
      'kind: KubeProxyConfiguration',
      'metricsBindAddress: ""',
      `mode: ${proxyMode(cluster)}`,
      '',
    ].join('\n'),
    'kubeconfig.conf': [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- cluster:',
      '    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
      `    server: https://${cluster.nodes[0].name}:6443`,
      '  name: default',
      'contexts:',
      '- context:',
      '    cluster: default',
      '    namespace: default',
      '    user: default',
      '  name: default',
      'current-context: default',
      'users:',
      '- name: default',
      '  user:',
      '    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token',
      '',
    ].join('\n'),
  };
}

/** The default StorageClass kind installs. */
export function standardStorageClass(): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'rancher.io/local-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  } as KubeObject;
}

/** The kind-preloaded images on every node (the kubelet finds them "already present on machine"). */
function preloadedImages(cluster: ClusterConfig): string[] {
  const v = cluster.kubernetesVersion;
  return [
    ETCD_IMAGE,
    `registry.k8s.io/kube-apiserver:${v}`,
    `registry.k8s.io/kube-controller-manager:${v}`,
    `registry.k8s.io/kube-scheduler:${v}`,
    `registry.k8s.io/kube-proxy:${v}`,
    isCalico(cluster) ? CALICO_NODE_IMAGE : KINDNETD_IMAGE,
    LOCAL_PATH_PROVISIONER_IMAGE,
    LOCAL_PATH_HELPER_IMAGE,
  ];
}

function seededCtx(state: ClusterState, base: Ctx, what: string): Ctx {
  return { clock: base.clock, random: seededRandom(state.cluster.seed, what), images: base.images };
}

function stampSeeded(state: ClusterState, now: Date, obj: KubeObject, what: string): KubeObject {
  obj.metadata.uid = seededUID(state.cluster.seed, what);
  obj.metadata.creationTimestamp = rfc3339(now);
  return obj;
}

/** Puts kind's preloaded images into the node's image list (node.status.images). */
function preload(state: ClusterState, nodeName: string): void {
  const node = getObject(state, 'nodes', undefined, nodeName);
  if (!node) return;
  const images = ((node.status as { images?: { names: string[]; sizeBytes: number }[] }).images ??= []);
  for (const image of preloadedImages(state.cluster)) {
    if (images.some((i) => i.names.includes(image))) continue;
    const repo = image.slice(0, image.lastIndexOf(':'));
    const size = 10_000_000 + (parseInt(sha(image).slice(0, 6), 16) % 80_000_000);
    images.push({ names: [`${repo}@sha256:${sha(`image:${repo}`)}`, image], sizeBytes: size });
  }
  putObject(state, 'nodes', node);
}

/**
 * What runs on the control plane before the workers join: the static pods (mirror pods), and the
 * local-path-provisioner (kind installs its StorageClass while the workers are not ready yet, so the
 * provisioner lands on the control plane, beside CoreDNS). Draws nothing from the cluster's random source.
 */
export function installControlPlane(state: ClusterState, now: Date, base: Ctx): void {
  const cluster = state.cluster;
  const cp = getObject(state, 'nodes', undefined, cluster.nodes[0].name)!;
  preload(state, cp.metadata.name);
  for (const p of staticPods(cluster)) putObject(state, 'pods', mirrorPod(cluster, cp, p, now));
  for (const name of ['coredns', cniDaemonName(cluster), 'kube-proxy']) {
    if (!getObject(state, 'serviceaccounts', 'kube-system', name)) {
      putObject(state, 'serviceaccounts', stampSeeded(state, now, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'kube-system' } }, `serviceaccount/kube-system/${name}`));
    }
  }
  putObject(state, 'configmaps', stampSeeded(state, now, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } }, data: kubeProxyConfig(cluster) } as KubeObject, 'configmap/kube-system/kube-proxy'));
  // local-path-storage, as kind's default-storage manifest makes it.
  createObject(state, seededCtx(state, base, 'namespace/local-path-storage'), namespaceObject('local-path-storage'), { namespace: 'default', reconcile: false });
  putObject(state, 'serviceaccounts', stampSeeded(state, now, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'local-path-provisioner-service-account', namespace: 'local-path-storage' } }, 'serviceaccount/local-path-storage/local-path-provisioner-service-account'));
  putObject(state, 'configmaps', stampSeeded(state, now, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'local-path-config', namespace: 'local-path-storage' }, data: LOCAL_PATH_CONFIG } as KubeObject, 'configmap/local-path-storage/local-path-config'));
  createObject(state, seededCtx(state, base, 'deployment/local-path-provisioner'), localPathProvisioner(), { namespace: 'local-path-storage', reconcile: false });
  putObject(state, 'storageclasses', stampSeeded(state, now, standardStorageClass(), 'storageclass/standard'));
  reconcile(state, seededCtx(state, base, 'reconcile/control-plane'));
}

/** What runs on every node once all have joined: the kube-proxy and CNI (kindnet or calico-node) DaemonSets' pods. */
export function installNodeDaemons(state: ClusterState, base: Ctx): void {
  for (const n of state.cluster.nodes.slice(1)) preload(state, n.name);
  createObject(state, seededCtx(state, base, 'daemonset/kube-proxy'), kubeProxyDaemonSet(state.cluster), { namespace: 'kube-system', reconcile: false });
  const cni = cniDaemonName(state.cluster);
  createObject(state, seededCtx(state, base, `daemonset/${cni}`), isCalico(state.cluster) ? calicoNodeDaemonSet(state.cluster) : kindnetDaemonSet(state.cluster), { namespace: 'kube-system', reconcile: false });
  reconcile(state, seededCtx(state, base, 'reconcile/daemons'));
}
