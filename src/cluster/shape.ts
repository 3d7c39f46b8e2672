// The cluster's shape as the controllers and the network engine read it: each setting a cluster config file
// may give (src/cluster/cluster-config.ts), with the default a kind cluster has when the state does not say
// (states written before the setting existed, and the plain default cluster).
import type { CNIConfig, ClusterConfig } from '../store/state.js';
import { addToIPv4, ipv4ToInt, intToIPv4 } from '../util/ip.js';

export const DEFAULT_NODE_SUBNET = '172.18.0.0/16';
export const KINDNET: CNIConfig = { plugin: 'kindnet', mtu: 1450 };

export function proxyMode(c: ClusterConfig): 'iptables' | 'ipvs' | 'nftables' {
  return c.kubeProxyMode ?? 'iptables';
}

export function cniOf(c: ClusterConfig): CNIConfig {
  return c.cni ?? KINDNET;
}

export function isCalico(c: ClusterConfig): boolean {
  return c.cni?.plugin === 'calico';
}

/** calico's tunnel interface: tunl0 for IPIP, vxlan.calico for VXLAN. */
export function tunnelInterface(c: ClusterConfig): string | undefined {
  if (!isCalico(c)) return undefined;
  return c.cni?.encapsulation === 'IPIP' ? 'tunl0' : 'vxlan.calico';
}

export function runtimeOf(c: ClusterConfig): 'containerd' | 'docker' {
  return c.containerRuntime ?? 'containerd';
}

/** What node info and `get nodes -o wide` show as CONTAINER-RUNTIME. */
export function runtimeVersion(c: ClusterConfig): string {
  return runtimeOf(c) === 'docker' ? 'docker://27.4.1' : 'containerd://1.7.24';
}

/** The kubelet's CRI socket (kubeadm's node annotation): cri-dockerd for docker since dockershim left the kubelet. */
export function criSocket(c: ClusterConfig): string {
  return runtimeOf(c) === 'docker' ? 'unix:///var/run/cri-dockerd.sock' : 'unix:///run/containerd/containerd.sock';
}

/** A container ID as the runtime names it in pod status. */
export function containerIDPrefix(c: ClusterConfig): string {
  return runtimeOf(c) === 'docker' ? 'docker://' : 'containerd://';
}

/** Docker reports Docker Hub images by their familiar name (nginx, luksa/kubia), containerd fully qualified. */
function familiar(ref: string): string {
  return ref.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '');
}

/** An image ID as the runtime reports it: docker prefixes pulled images' digests with docker-pullable://. */
export function runtimeImageID(c: ClusterConfig, id: string): string {
  return runtimeOf(c) === 'docker' ? `docker-pullable://${familiar(id)}` : id;
}

/** A container status's image as the runtime reports it. */
export function runtimeImageName(c: ClusterConfig, ref: string): string {
  return runtimeOf(c) === 'docker' ? familiar(ref) : ref;
}

export function nodeSubnetOf(c: ClusterConfig): string {
  return c.nodeSubnet ?? DEFAULT_NODE_SUBNET;
}

/** The node network's broadcast address and netmask (what a host-network interface shows). */
export function nodeSubnetInfo(c: ClusterConfig): { prefix: number; broadcast: string; netmask: string; network: string } {
  const [base, bits] = nodeSubnetOf(c).split('/');
  const prefix = Number(bits);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const network = (ipv4ToInt(base) & mask) >>> 0;
  return { prefix, network: intToIPv4(network), broadcast: intToIPv4((network | (~mask >>> 0)) >>> 0), netmask: intToIPv4(mask) };
}

/** The `kubernetes` Service's ClusterIP: the first address of the service range, as the API server reserves it. */
export function kubernetesServiceIP(c: ClusterConfig): string {
  return addToIPv4(c.serviceCIDR.split('/')[0], 1);
}

/** kube-dns's ClusterIP: the tenth address of the service range, as kubeadm and kind set the kubelet's clusterDNS. */
export function clusterDNSIP(c: ClusterConfig): string {
  return addToIPv4(c.serviceCIDR.split('/')[0], 10);
}

export function providerID(c: ClusterConfig, nodeName: string): string | undefined {
  return (c.provider ?? 'kind') === 'kind' ? `kind://docker/${c.name}/${nodeName}` : undefined;
}

export function osImageOf(c: ClusterConfig): string {
  return c.osImage ?? 'Debian GNU/Linux 12 (bookworm)';
}

export function kernelVersionOf(c: ClusterConfig): string {
  return c.kernelVersion ?? '6.8.0-45-generic';
}
