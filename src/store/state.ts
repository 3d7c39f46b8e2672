// The persisted cluster: everything a command needs, in one JSON document with a schema version.
import type { KubeObject } from '../api/types.js';
import type { RandomState } from '../util/random.js';

export const SCHEMA_VERSION = 1;
export const STATE_KIND = 'KubesimState';

export interface NodeConfig {
  name: string;
  role: 'control-plane' | 'worker';
  internalIP: string;
  podCIDR: string;
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

export interface ClusterState {
  kind: typeof STATE_KIND;
  schemaVersion: number;
  cluster: ClusterConfig;
  random: RandomState;
  /** Last resourceVersion handed out; every write bumps it. */
  resourceVersion: number;
  /** resource (plural, e.g. "pods", "deployments") -> "namespace/name" (or "name" if cluster-scoped) -> object. */
  objects: Record<string, Record<string, KubeObject>>;
  /** Per node, the last pod IP offset handed out (host-local IPAM keeps allocating forward). */
  ipam: Record<string, number>;
  net: {
    /** kube-proxy's `recent` lists for ClientIP affinity: "<svcKey>|<clientIP>" -> endpoint. */
    affinity: Record<string, AffinityEntry>;
    /** How each container's main process ended, once run (src/apps/runtime.ts): "podUID/container". */
    processes?: Record<string, { exitCode: number; afterMs: number; runs?: boolean; reason?: string; message?: string }>;
  };
  /**
   * How far simulated time runs ahead of the clock (ms): `rollout status` moves it on so that a rollout it
   * waits for finishes quickly, and every later command sees the same later time.
   */
  clockOffsetMs?: number;
  /** App log lines: "namespace/pod/container" -> lines. */
  logs: Record<string, LogLine[]>;
}
