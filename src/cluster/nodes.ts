// Nodes shaped as kind makes them: a control-plane node with its NoSchedule taint and workers, each with an
// InternalIP on the node network and a podCIDR.
import type { KubeObject } from '../api/types.js';
import type { ClusterConfig, NodeConfig } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import { criSocket, kernelVersionOf, osImageOf, providerID, runtimeVersion } from './shape.js';
import type { Strategy } from './strategies.js';

export const nodeStrategy: Strategy = {
  statusFromUser: false,
};

export function nodeObject(cluster: ClusterConfig, node: NodeConfig, created: Date): KubeObject {
  const ts = rfc3339(created);
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': node.name,
    'kubernetes.io/os': 'linux',
  };
  if (node.role === 'control-plane') {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  Object.assign(labels, node.labels ?? {});
  const resources = { cpu: '8', 'ephemeral-storage': '102626232Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '16338780Ki', pods: '110', ...(node.allocatable ?? {}) };
  const taints = node.taints ?? (node.role === 'control-plane' ? [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] : []);
  const provider = providerID(cluster, node.name);
  const condition = (type: string, status: string, reason: string, message: string) => ({
    lastHeartbeatTime: ts,
    lastTransitionTime: ts,
    message,
    reason,
    status,
    type,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels,
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': criSocket(cluster),
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
      creationTimestamp: ts,
    },
    spec: {
      podCIDR: node.podCIDR,
      podCIDRs: [node.podCIDR],
      ...(provider ? { providerID: provider } : {}),
      ...(taints.length ? { taints: taints.map((t) => ({ effect: t.effect, key: t.key, ...(t.value ? { value: t.value } : {}) })) } : {}),
    },
    status: {
      addresses: [
        { address: node.internalIP, type: 'InternalIP' },
        { address: node.name, type: 'Hostname' },
      ],
      allocatable: { ...resources },
      capacity: { ...resources },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: [],
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: runtimeVersion(cluster),
        kernelVersion: kernelVersionOf(cluster),
        kubeProxyVersion: cluster.kubernetesVersion,
        kubeletVersion: cluster.kubernetesVersion,
        machineID: '',
        operatingSystem: 'linux',
        osImage: osImageOf(cluster),
        systemUUID: '',
      },
    },
  };
}

/** The node's Lease in kube-node-lease, which describe node shows. */
export function leaseObject(node: NodeConfig, created: Date): KubeObject {
  const ts = rfc3339(created);
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: node.name, namespace: 'kube-node-lease', creationTimestamp: ts },
    spec: { holderIdentity: node.name, leaseDurationSeconds: 40, renewTime: ts.replace('Z', '.000000Z') },
  };
}
