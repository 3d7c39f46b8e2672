// describeNode: roles, taints, the node's Lease, conditions, addresses, resources, system info, the
// non-terminated pods with their requests and limits, and the totals.
import type { KubeObject, Node, Pod } from '../../api/types.js';
import { podRequestsAndLimits } from './pod.js';
import { canonicalQuantity, formatQuantity, parseQuantity, quantityMilliValue, quantityValue, ZERO, type Quantity } from './quantity.js';
import { describeEvents, LEVEL_0, LEVEL_1, printAnnotationsMultiline, printLabelsMultiline, printTaintsMultiline, since, sortedKeys, tabbedString, type PrefixWriter, type DescribeClock } from './writer.js';

type NodeObj = Node & KubeObject;
type PodObj = Pod & KubeObject;

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** findNodeRoles: node-role.kubernetes.io/<role> labels and kubernetes.io/role=<role>, sorted. */
export function nodeRoles(node: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

interface LeaseSpec {
  holderIdentity?: string;
  acquireTime?: string;
  renewTime?: string;
}

export function describeNode(node: NodeObj, lease: KubeObject | undefined, pods: PodObj[], events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    const spec = node.spec ?? {};
    const status = node.status ?? {};
    w.write(LEVEL_0, `Name:\t${node.metadata.name}\n`);
    const roles = nodeRoles(node);
    w.write(LEVEL_0, `Roles:\t${roles.length ? roles.join(',') : '<none>'}\n`);
    printLabelsMultiline(w, 'Labels', node.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', node.metadata.annotations);
    w.write(LEVEL_0, `CreationTimestamp:\t${w.time(node.metadata.creationTimestamp)}\n`);
    printTaintsMultiline(w, 'Taints', spec.taints as { key: string; value?: string; effect?: string }[] | undefined);
    w.write(LEVEL_0, `Unschedulable:\t${spec.unschedulable === true}\n`);
    if (lease) {
      const ls = (lease.spec ?? {}) as LeaseSpec;
      w.write(LEVEL_0, 'Lease:\n');
      w.write(LEVEL_1, `HolderIdentity:\t${ls.holderIdentity ?? '<unset>'}\n`);
      w.write(LEVEL_1, `AcquireTime:\t${ls.acquireTime ? w.time(ls.acquireTime) : '<unset>'}\n`);
      w.write(LEVEL_1, `RenewTime:\t${ls.renewTime ? w.time(ls.renewTime) : '<unset>'}\n`);
    } else {
      w.write(LEVEL_0, `Lease:\tFailed to get lease: leases.coordination.k8s.io "${node.metadata.name}" not found\n`);
    }
    if (status.conditions?.length) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
      for (const c of status.conditions) {
        const hb = w.time(c.lastHeartbeatTime);
        const tr = w.time(c.lastTransitionTime);
        w.write(LEVEL_1, `${c.type} \t${c.status} \t${hb} \t${tr} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
      }
    }
    w.write(LEVEL_0, 'Addresses:\n');
    for (const a of status.addresses ?? []) w.write(LEVEL_1, `${a.type}:\t${a.address}\n`);
    const printResourceList = (list: Record<string, unknown>) => {
      for (const r of sortedKeys(list)) w.write(LEVEL_0, `  ${r}:\t${canonicalQuantity(list[r])}\n`);
    };
    if (Object.keys(status.capacity ?? {}).length) {
      w.write(LEVEL_0, 'Capacity:\n');
      printResourceList(status.capacity as Record<string, unknown>);
    }
    if (Object.keys(status.allocatable ?? {}).length) {
      w.write(LEVEL_0, 'Allocatable:\n');
      printResourceList(status.allocatable as Record<string, unknown>);
    }
    const info = (status.nodeInfo ?? {}) as Record<string, string | undefined>;
    w.write(LEVEL_0, 'System Info:\n');
    w.write(LEVEL_0, `  Machine ID:\t${info.machineID ?? ''}\n`);
    w.write(LEVEL_0, `  System UUID:\t${info.systemUUID ?? ''}\n`);
    w.write(LEVEL_0, `  Boot ID:\t${info.bootID ?? ''}\n`);
    w.write(LEVEL_0, `  Kernel Version:\t${info.kernelVersion ?? ''}\n`);
    w.write(LEVEL_0, `  OS Image:\t${info.osImage ?? ''}\n`);
    w.write(LEVEL_0, `  Operating System:\t${info.operatingSystem ?? ''}\n`);
    w.write(LEVEL_0, `  Architecture:\t${info.architecture ?? ''}\n`);
    w.write(LEVEL_0, `  Container Runtime Version:\t${info.containerRuntimeVersion ?? ''}\n`);
    w.write(LEVEL_0, `  Kubelet Version:\t${info.kubeletVersion ?? ''}\n`);
    w.write(LEVEL_0, `  Kube-Proxy Version:\t${info.kubeProxyVersion ?? ''}\n`);
    if (spec.podCIDR) w.write(LEVEL_0, `PodCIDR:\t${spec.podCIDR}\n`);
    if (spec.podCIDRs?.length) w.write(LEVEL_0, `PodCIDRs:\t${spec.podCIDRs.join(',')}\n`);
    if (spec.providerID) w.write(LEVEL_0, `ProviderID:\t${spec.providerID}\n`);
    describeNodeResource(pods, node, w, clock.now);
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

function pct(part: bigint, whole: bigint): number {
  // float64 division then int64 truncation, as Go computes it
  return Math.trunc((Number(part) / Number(whole)) * 100);
}

function get(m: Map<string, Quantity>, k: string): Quantity {
  return m.get(k) ?? ZERO;
}

function describeNodeResource(pods: PodObj[], node: NodeObj, w: PrefixWriter, now: Date): void {
  w.write(LEVEL_0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(LEVEL_1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(LEVEL_1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const alloc = (Object.keys(node.status?.allocatable ?? {}).length ? node.status!.allocatable : node.status?.capacity ?? {}) as Record<string, unknown>;
  const allocQ = (k: string) => parseQuantity(alloc[k]) ?? ZERO;
  const cpuAlloc = quantityMilliValue(allocQ('cpu'));
  const memAlloc = quantityValue(allocQ('memory'));
  const totalsReq = new Map<string, Quantity>();
  const totalsLim = new Map<string, Quantity>();
  const add = (into: Map<string, Quantity>, from: Map<string, Quantity>) => {
    for (const [k, q] of from) into.set(k, into.has(k) ? { nano: into.get(k)!.nano + q.nano, format: into.get(k)!.format } : q);
  };
  for (const pod of pods) {
    const { requests, limits } = podRequestsAndLimits(pod);
    add(totalsReq, requests);
    add(totalsLim, limits);
    const cpuReq = get(requests, 'cpu');
    const cpuLim = get(limits, 'cpu');
    const memReq = get(requests, 'memory');
    const memLim = get(limits, 'memory');
    w.write(
      LEVEL_1,
      `${pod.metadata.namespace ?? ''}\t${pod.metadata.name}\t\t${formatQuantity(cpuReq)} (${pct(quantityMilliValue(cpuReq), cpuAlloc)}%)\t${formatQuantity(cpuLim)} (${pct(quantityMilliValue(cpuLim), cpuAlloc)}%)\t${formatQuantity(memReq)} (${pct(quantityValue(memReq), memAlloc)}%)\t${formatQuantity(memLim)} (${pct(quantityValue(memLim), memAlloc)}%)\t${since(pod.metadata.creationTimestamp, now)}\n`,
    );
  }
  w.write(LEVEL_0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(LEVEL_1, 'Resource\tRequests\tLimits\n');
  w.write(LEVEL_1, '--------\t--------\t------\n');
  const row = (name: string, milli: boolean) => {
    const req = get(totalsReq, name);
    const lim = get(totalsLim, name);
    const a = milli ? quantityMilliValue(allocQ(name)) : quantityValue(allocQ(name));
    const v = (q: Quantity) => (milli ? quantityMilliValue(q) : quantityValue(q));
    const fr = a !== 0n ? pct(v(req), a) : 0;
    const fl = a !== 0n ? pct(v(lim), a) : 0;
    w.write(LEVEL_1, `${name}\t${formatQuantity(req)} (${fr}%)\t${formatQuantity(lim)} (${fl}%)\n`);
  };
  row('cpu', true);
  row('memory', false);
  row('ephemeral-storage', false);
  const names = sortedKeys(alloc);
  for (const r of names.filter((n) => n.startsWith('hugepages-'))) row(r, false);
  const standard = (n: string) => n === 'cpu' || n === 'memory' || n === 'ephemeral-storage' || n === 'pods' || n.startsWith('hugepages-');
  for (const r of names.filter((n) => !standard(n))) {
    w.write(LEVEL_1, `${r}\t${formatQuantity(get(totalsReq, r))}\t${formatQuantity(get(totalsLim, r))}\n`);
  }
}
