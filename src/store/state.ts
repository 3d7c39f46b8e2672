// The cluster as a command holds it: the head's settings and counters, and the objects behind a lazy store
// (src/store/object-store.ts). On disk the head is a small JSON document with a schema version; see layout.ts.
import type { RandomState } from '../util/random.js';
import type { StoreHead } from './layout.js';
import type { ObjectStore } from './object-store.js';

export const SCHEMA_VERSION = 4;
export const STATE_KIND = 'KubesimState';

export interface NodeConfig {
  name: string;
  role: 'control-plane' | 'worker';
  internalIP: string;
  podCIDR: string;
  /** Labels beyond the ones every node carries (kubernetes.io/hostname, arch, os, the role's). */
  labels?: Record<string, string>;
  /** The node's taints; absent: the role's default (NoSchedule on a control-plane node). */
  taints?: { key: string; value?: string; effect: string }[];
  /** Capacity = allocatable overrides (cpu, memory, pods, ephemeral-storage). */
  allocatable?: Record<string, string>;
  /** Calico IPAM: blocks pinned to this node by the cluster config, claimed before any random one. */
  ipamBlocks?: string[];
}

/** The CNI plugin: kindnet (host-local IPAM on the node's podCIDR) or a calico-like one (IPAM blocks, a tunnel). */
export interface CNIConfig {
  plugin: 'kindnet' | 'calico';
  /** The pod interfaces' MTU. */
  mtu: number;
  /** calico: IPAM block prefix length (26 gives 64 addresses per block). */
  blockSize?: number;
  /** calico: the tunnel between nodes (its interface is tunl0 for IPIP, vxlan.calico for VXLAN). */
  encapsulation?: 'IPIP' | 'VXLAN';
}

export interface ClusterConfig {
  name: string;
  seed: number;
  /** When the cluster was created (RFC 3339); the default objects' creationTimestamp. */
  created: string;
  serviceCIDR: string;
  clusterCIDR: string;
  nodePortRange: { base: number; size: number };
  clusterDomain: string;
  /** Load-balancer IP pool on the node network, or null for a cluster without a provider (EXTERNAL-IP stays <pending>). */
  loadBalancerPool: { first: string; last: string } | null;
  /** Whether the workstation has a route to pod IPs (kind on Linux does). */
  workstationReachesPods: boolean;
  workstationIP: string;
  nodes: NodeConfig[];
  kubernetesVersion: string;
  // The fields below come from a cluster config file (src/cluster/shape.ts); absent, the cluster is kind-shaped
  // as it always was, so states written before them behave as before (see shape.ts for each default).
  /** The per-node podCIDR prefix length (kube-controller-manager's --node-cidr-mask-size); absent: 24. */
  nodeCIDRMaskSize?: number;
  /** kube-proxy's mode; absent: iptables. */
  kubeProxyMode?: 'iptables' | 'ipvs' | 'nftables';
  /** absent: kindnet with MTU 1450. */
  cni?: CNIConfig;
  /** The container runtime the kubelet talks to; absent: containerd. */
  containerRuntime?: 'containerd' | 'docker';
  /** The network the nodes and the workstation share; absent: 172.18.0.0/16 (kind's docker network). */
  nodeSubnet?: string;
  /** Who made the nodes (their spec.providerID); absent: kind. */
  provider?: 'kind' | 'none';
  /** Node info; absent: kind's node image. */
  osImage?: string;
  kernelVersion?: string;
}

export interface AffinityEntry {
  /** Endpoint "ip:port" chosen for this client. */
  endpoint: string;
  /** Last use, epoch ms. */
  lastUsed: number;
}

export interface LogLine {
  /** RFC 3339 with nanoseconds, as `logs --timestamps` prints it. */
  time: string;
  line: string;
}

export interface Tombstones {
  /** Every deletion with a resourceVersion above this one is in list (older ones were dropped). */
  from: number;
  /** [resourceVersion, resource, key, uid], oldest first. */
  list: [number, string, string, string][];
}

export interface ClusterState {
  kind: typeof STATE_KIND;
  schemaVersion: number;
  cluster: ClusterConfig;
  random: RandomState;
  /** Last resourceVersion handed out; every write bumps it. */
  resourceVersion: number;
  /**
   * The objects: resource (plural, e.g. "pods") -> "namespace/name" (or "name" if cluster-scoped) -> object,
   * read from disk when first asked for. Use the functions of objects.ts. Not part of the head document.
   */
  objects: ObjectStore;
  /**
   * "kind/namespace/name" of the pods and workloads whose status may still move with time alone
   * (src/cluster/settled.ts), kept by the controllers so that a read of a quiet cluster checks nothing and a
   * write re-examines only these. Absent: not recorded yet (the next reconcile looks at everything).
   */
  unsettled?: string[];
  /**
   * Recent deletions, so that a watcher told of a commit gives each deleted object the resourceVersion its own
   * deletion took (src/server/feed.ts). Absent in states no deletion has touched since kubesim kept them.
   */
  tombstones?: Tombstones;
  /** Which files hold the objects (layout.ts); absent until the first save. */
  store?: StoreHead;
  /** Per node, the last pod IP offset handed out (host-local IPAM keeps allocating forward). */
  ipam: Record<string, number>;
  /** Calico IPAM: the blocks each node has claimed, in claim order (absent for kindnet clusters). */
  ipamBlocks?: Record<string, string[]>;
  net: {
    /** kube-proxy's `recent` lists for ClientIP affinity: "<svcKey>|<clientIP>" -> endpoint. */
    affinity: Record<string, AffinityEntry>;
    /** ipvs round-robin: the next backend index per service port ("ns/name:port"). */
    roundRobin?: Record<string, number>;
    /** How each container's main process ended, once run (src/apps/runtime.ts): "podUID/container". */
    processes?: Record<string, { exitCode: number; afterMs: number; runs?: boolean; reason?: string; message?: string }>;
    /** The seq of the last connection recorded in the flows ring (src/net/flows.ts). */
    flowSeq?: number;
  };
  /**
   * How far simulated time runs ahead of the clock (ms): `rollout status` moves it on so that a rollout it
   * waits for finishes quickly, and every later command sees the same later time.
   */
  clockOffsetMs?: number;
  /**
   * The taint manager's scheduled evictions: "namespace/pod" -> when it first saw the pod on a node with a
   * NoExecute taint the pod tolerates only for tolerationSeconds (ms since the epoch, simulated time).
   */
  taintEvictions?: Record<string, number>;
  /**
   * App log lines: "namespace/pod/container" -> lines, kept apart from the head (the "logs" kind of the
   * object store) and read only for the containers a command asks about.
   */
  logs: Record<string, LogLine[]>;
}

/** The head document as saved (the objects and logs are in the data directory). */
export type HeadDocument = Omit<ClusterState, 'objects' | 'logs'>;
