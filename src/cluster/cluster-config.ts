// `cluster create --config FILE`: a cluster config file (kind: Cluster, apiVersion: kubesim.dev/v1alpha1, in
// the spirit of kind's) read, checked field by field and turned into the ClusterConfig the state keeps. Every
// problem is reported with its field path, as the API server reports a field error; nothing is half-used.
// The schema is documented in docs/cluster-config.md.
import { fieldErrorBody, type FieldError } from '../api/errors.js';
import { loadYaml, yamlToValue } from '../api/manifest.js';
import { parseQuantity } from '../api/quantity.js';
import { checkSubdomain, labelMapCauses, labelValueErrors, qualifiedNameErrors } from '../api/validation.js';
import type { CNIConfig, ClusterConfig, NodeConfig } from '../store/state.js';
import { ioErrorText, readRegularFile } from '../util/files.js';
import { addToIPv4, inCIDR, intToIPv4, ipv4ToInt, isIPv4 } from '../util/ip.js';
import { parseSeed, SEED_RANGE } from '../util/random.js';
import { clusterConfig } from './bootstrap.js';
import { DEFAULT_NODE_SUBNET } from './shape.js';

export const CONFIG_API_VERSION = 'kubesim.dev/v1alpha1';
const MAX_CONFIG_BYTES = 1 << 20;
const MAX_NODES = 251;

/** A config file that cannot be used: the message names the file and every problem. */
export class ClusterConfigError extends Error {}

export interface ParsedClusterConfig {
  /** Without created/seed/name resolved: the caller adds flags and the clock. */
  config: Omit<ClusterConfig, 'created'>;
  /** Whether the file gave a name and a seed (a flag given explicitly wins over the file). */
  named: boolean;
  seeded: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

interface Cidr {
  base: number;
  prefix: number;
  text: string;
}

class Checker {
  readonly errors: FieldError[] = [];
  invalid(field: string, value: unknown, detail: string): void {
    this.errors.push({ type: 'Invalid value', field, value, detail });
  }
  required(field: string): void {
    this.errors.push({ type: 'Required value', field });
  }
  unsupported(field: string, value: unknown, supported: string[]): void {
    this.errors.push({ type: 'Unsupported value', field, value, detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` });
  }
  /** Fields the schema does not know are errors (a typo must not be silently ignored). */
  known(path: string, o: Obj, fields: string[]): void {
    for (const k of Object.keys(o)) if (!fields.includes(k)) this.errors.push({ type: 'Not found', field: path ? `${path}.${k}` : k, detail: 'unknown field' });
  }
  obj(field: string, v: unknown): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) {
      this.invalid(field, typeof v === 'string' ? v : JSON.stringify(v), 'must be a mapping');
      return undefined;
    }
    return v;
  }
  str(field: string, v: unknown): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      this.invalid(field, v, 'must be a string');
      return undefined;
    }
    return v;
  }
  int(field: string, v: unknown, lo: number, hi: number): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      this.invalid(field, v, `must be an integer between ${lo} and ${hi}`);
      return undefined;
    }
    return v;
  }
  bool(field: string, v: unknown): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      this.invalid(field, v, 'must be true or false');
      return undefined;
    }
    return v;
  }
  oneOf<T extends string>(field: string, v: unknown, values: readonly T[]): T | undefined {
    const s = this.str(field, v);
    if (s === undefined) return undefined;
    if (!values.includes(s as T)) {
      this.unsupported(field, s, [...values]);
      return undefined;
    }
    return s as T;
  }
  ip(field: string, v: unknown): string | undefined {
    const s = this.str(field, v);
    if (s === undefined) return undefined;
    if (!isIPv4(s)) {
      this.invalid(field, s, 'must be a valid IPv4 address');
      return undefined;
    }
    return s;
  }
  /** An IPv4 CIDR that names a network (no host bits set), with a prefix in [lo, hi]. */
  cidr(field: string, v: unknown, lo: number, hi: number): Cidr | undefined {
    const s = this.str(field, v);
    if (s === undefined) return undefined;
    const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
    if (!m || !isIPv4(m[1]) || Number(m[2]) > 32) {
      this.invalid(field, s, 'must be a valid IPv4 CIDR (e.g. 10.244.0.0/16)');
      return undefined;
    }
    const prefix = Number(m[2]);
    const base = ipv4ToInt(m[1]);
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    if (((base & mask) >>> 0) !== base) {
      this.invalid(field, s, `must be a network address: host bits are set (did you mean ${intToIPv4((base & mask) >>> 0)}/${prefix}?)`);
      return undefined;
    }
    if (prefix < lo || prefix > hi) {
      this.invalid(field, s, lo === hi ? `the prefix length must be /${lo}` : `the prefix length must be between /${lo} and /${hi}`);
      return undefined;
    }
    return { base, prefix, text: s };
  }
}

const size = (c: Cidr) => 2 ** (32 - c.prefix);
const overlaps = (a: Cidr, b: Cidr) => a.base < b.base + size(b) && b.base < a.base + size(a);
const contains = (c: Cidr, ip: string) => inCIDR(ip, c.text);

/** Reads and checks FILE; throws ClusterConfigError naming the file and the problems. */
export async function readClusterConfig(path: string, defaults: { name: string; seed: number; loadBalancer: boolean }): Promise<ParsedClusterConfig> {
  const r = readRegularFile(path, MAX_CONFIG_BYTES);
  if ('error' in r) throw new ClusterConfigError(`open ${path}: ${ioErrorText(r.error)}`);
  if ('problem' in r) {
    throw new ClusterConfigError(r.problem === 'too-large' ? `the cluster config "${path}" is larger than ${MAX_CONFIG_BYTES} bytes` : `read ${path}: is not a regular file`);
  }
  let doc: unknown;
  try {
    doc = yamlToValue(await loadYaml(), r.data.toString('utf8'));
  } catch (e) {
    throw new ClusterConfigError(`error parsing ${path}: ${(e as Error).message}`);
  }
  return parseClusterConfig(doc, path, defaults);
}

export function parseClusterConfig(doc: unknown, path: string, defaults: { name: string; seed: number; loadBalancer: boolean }): ParsedClusterConfig {
  const c = new Checker();
  if (!isObj(doc)) throw new ClusterConfigError(`invalid cluster config "${path}": the document must be a mapping with kind: Cluster and apiVersion: ${CONFIG_API_VERSION}`);
  c.known('', doc, ['kind', 'apiVersion', 'name', 'seed', 'containerRuntime', 'provider', 'osImage', 'kernelVersion', 'networking', 'nodes']);
  if (doc.kind === undefined) c.required('kind');
  else if (doc.kind !== 'Cluster') c.unsupported('kind', doc.kind, ['Cluster']);
  if (doc.apiVersion === undefined) c.required('apiVersion');
  else if (doc.apiVersion !== CONFIG_API_VERSION) c.unsupported('apiVersion', doc.apiVersion, [CONFIG_API_VERSION]);

  const name = c.str('name', doc.name);
  const nameOK = name !== undefined && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
  if (name !== undefined && !nameOK) c.invalid('name', name, 'must be a lowercase RFC 1123 label (the kubeconfig entries are "kind-NAME")');
  let seed: number | undefined;
  if (doc.seed !== undefined && doc.seed !== null) {
    seed = typeof doc.seed === 'number' && Number.isInteger(doc.seed) ? parseSeed(String(doc.seed)) : undefined;
    if (seed === undefined) c.invalid('seed', doc.seed, `must be ${SEED_RANGE}`);
  }
  // Default node names derive from the cluster's name (kind's NAME-control-plane, NAME-worker, NAME-worker2...).
  const clusterName = nameOK ? name! : defaults.name;
  const base = clusterConfig({ name: clusterName, seed: seed ?? defaults.seed, now: new Date(0), loadBalancer: defaults.loadBalancer, workers: 0 });
  const out: Omit<ClusterConfig, 'created'> & { created?: string } = { ...base, nodes: [] };
  delete out.created;

  const runtime = c.oneOf('containerRuntime', doc.containerRuntime, ['containerd', 'docker'] as const);
  if (runtime === 'docker') out.containerRuntime = 'docker';
  const provider = c.oneOf('provider', doc.provider, ['kind', 'none'] as const);
  if (provider === 'none') out.provider = 'none';
  for (const f of ['osImage', 'kernelVersion'] as const) {
    const v = c.str(f, doc[f]);
    if (v !== undefined) {
      if (v.trim() === '' || /[\n\t]/.test(v) || v.length > 100) c.invalid(f, v, 'must be one line of at most 100 characters');
      else out[f] = v;
    }
  }

  // networking
  const net = c.obj('networking', doc.networking) ?? {};
  c.known('networking', net, [
    'nodeSubnet', 'workstationIP', 'podSubnet', 'nodeCIDRMaskSize', 'serviceSubnet', 'serviceNodePortRange', 'dnsDomain', 'kubeProxyMode', 'cni', 'mtu', 'calico',
    'loadBalancerPool', 'workstationReachesPods',
  ]);
  const nodeSubnet = c.cidr('networking.nodeSubnet', net.nodeSubnet, 8, 29);
  if (nodeSubnet && nodeSubnet.text !== DEFAULT_NODE_SUBNET) out.nodeSubnet = nodeSubnet.text;
  const nodeNet = nodeSubnet ?? { base: ipv4ToInt('172.18.0.0'), prefix: 16, text: DEFAULT_NODE_SUBNET };
  const workstationIP = net.workstationIP === undefined ? intToIPv4(nodeNet.base + 1) : c.ip('networking.workstationIP', net.workstationIP);
  if (workstationIP !== undefined) {
    if (!contains(nodeNet, workstationIP)) c.invalid('networking.workstationIP', workstationIP, `must be inside networking.nodeSubnet ${nodeNet.text}`);
    out.workstationIP = workstationIP;
  }
  const podSubnet = c.cidr('networking.podSubnet', net.podSubnet, 8, 28);
  if (podSubnet) out.clusterCIDR = podSubnet.text;
  const podNet = podSubnet ?? { base: ipv4ToInt('10.244.0.0'), prefix: 16, text: base.clusterCIDR };
  // The API server refuses service ranges bigger than /12; kube-dns needs the tenth address.
  const serviceSubnet = c.cidr('networking.serviceSubnet', net.serviceSubnet, 12, 28);
  if (serviceSubnet) out.serviceCIDR = serviceSubnet.text;
  const svcNet = serviceSubnet ?? { base: ipv4ToInt('10.96.0.0'), prefix: 12, text: base.serviceCIDR };
  if (overlaps(podNet, svcNet)) c.invalid('networking.serviceSubnet', svcNet.text, `must not overlap networking.podSubnet ${podNet.text}`);
  if (overlaps(nodeNet, podNet)) c.invalid('networking.podSubnet', podNet.text, `must not overlap networking.nodeSubnet ${nodeNet.text}`);
  if (overlaps(nodeNet, svcNet)) c.invalid('networking.serviceSubnet', svcNet.text, `must not overlap networking.nodeSubnet ${nodeNet.text}`);

  const mask = c.int('networking.nodeCIDRMaskSize', net.nodeCIDRMaskSize, podNet.prefix, 30);
  if (mask !== undefined && mask !== 24) out.nodeCIDRMaskSize = mask;
  const nodeMask = mask ?? 24;
  if (mask === undefined && nodeMask < podNet.prefix) c.invalid('networking.podSubnet', podNet.text, 'must be at least a /24 for the default networking.nodeCIDRMaskSize 24 (or set nodeCIDRMaskSize)');

  const range = c.str('networking.serviceNodePortRange', net.serviceNodePortRange);
  if (range !== undefined) {
    const m = /^(\d{1,5})-(\d{1,5})$/.exec(range);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2]) : NaN;
    if (!m || lo < 1 || hi > 65535 || lo > hi) c.invalid('networking.serviceNodePortRange', range, 'must be FIRST-LAST with 1 <= FIRST <= LAST <= 65535 (e.g. 30000-32767)');
    else out.nodePortRange = { base: lo, size: hi - lo + 1 };
  }
  const domain = c.str('networking.dnsDomain', net.dnsDomain);
  if (domain !== undefined) {
    const errs = checkSubdomain('networking.dnsDomain', domain);
    if (errs.length) c.errors.push(...errs);
    else out.clusterDomain = domain;
  }
  const mode = c.oneOf('networking.kubeProxyMode', net.kubeProxyMode, ['iptables', 'ipvs', 'nftables'] as const);
  if (mode && mode !== 'iptables') out.kubeProxyMode = mode;

  const plugin = c.oneOf('networking.cni', net.cni, ['kindnet', 'calico'] as const) ?? 'kindnet';
  const calico = c.obj('networking.calico', net.calico);
  let cni: CNIConfig = { plugin: 'kindnet', mtu: 1450 };
  if (calico && plugin !== 'calico') c.invalid('networking.calico', 'set', 'only applies with networking.cni: calico');
  if (plugin === 'calico') {
    const cal = calico ?? {};
    c.known('networking.calico', cal, ['blockSize', 'encapsulation']);
    const blockSize = c.int('networking.calico.blockSize', cal.blockSize, Math.max(20, podNet.prefix), 30) ?? 26;
    if (cal.blockSize === undefined && blockSize < podNet.prefix) c.invalid('networking.podSubnet', podNet.text, 'must be at least a /26 for calico blocks of /26');
    const encapsulation = c.oneOf('networking.calico.encapsulation', cal.encapsulation, ['VXLAN', 'IPIP'] as const) ?? 'VXLAN';
    // calico's automatic MTU: the host's 1500 less the tunnel header (50 bytes for VXLAN, 20 for IPIP).
    cni = { plugin: 'calico', mtu: encapsulation === 'IPIP' ? 1480 : 1450, blockSize, encapsulation };
  }
  const mtu = c.int('networking.mtu', net.mtu, 576, 9000);
  if (mtu !== undefined) cni.mtu = mtu;
  if (cni.plugin === 'calico' || cni.mtu !== 1450) out.cni = cni;

  const reach = c.bool('networking.workstationReachesPods', net.workstationReachesPods);
  if (reach !== undefined) out.workstationReachesPods = reach;

  // nodes
  const nodes: NodeConfig[] = [];
  const nodesIn = doc.nodes;
  const list: unknown[] =
    nodesIn === undefined || nodesIn === null
      ? [{ role: 'control-plane' }, { role: 'worker' }, { role: 'worker' }, { role: 'worker' }]
      : Array.isArray(nodesIn)
        ? nodesIn
        : (c.invalid('nodes', typeof nodesIn === 'string' ? nodesIn : JSON.stringify(nodesIn), 'must be a list of nodes'), []);
  if (Array.isArray(nodesIn) && nodesIn.length === 0) c.required('nodes');
  if (list.length > MAX_NODES) c.invalid('nodes', list.length, `at most ${MAX_NODES} nodes`);
  const names = new Set<string>();
  const ips = new Set<string>([intToIPv4(nodeNet.base), intToIPv4(nodeNet.base + size(nodeNet) - 1)]);
  if (workstationIP) ips.add(workstationIP);
  const cidrs = new Set<string>();
  const blocks = new Set<string>();
  let workerIndex = 0;
  let controlPlanes = 0;
  for (const [i, raw] of list.slice(0, MAX_NODES).entries()) {
    const p = `nodes[${i}]`;
    const n = c.obj(p, raw);
    if (!n) {
      if (raw === undefined || raw === null) c.required(p);
      continue;
    }
    c.known(p, n, ['name', 'role', 'internalIP', 'podCIDR', 'labels', 'taints', 'allocatable', 'ipamBlocks']);
    const role = n.role === undefined ? (c.required(`${p}.role`), undefined) : c.oneOf(`${p}.role`, n.role, ['control-plane', 'worker'] as const);
    if (role === 'control-plane') {
      controlPlanes++;
      if (i !== 0) c.invalid(`${p}.role`, role, 'only the first node may be the control plane (one control-plane node is supported)');
    } else if (role === 'worker' && i === 0) c.invalid(`${p}.role`, role, 'the first node must be the control plane');
    const defaultName = role === 'control-plane' ? `${clusterName}-control-plane` : `${clusterName}-worker${++workerIndex === 1 ? '' : workerIndex}`;
    const nodeName = c.str(`${p}.name`, n.name) ?? defaultName;
    const nameErrs = checkSubdomain(`${p}.name`, nodeName);
    c.errors.push(...nameErrs);
    if (!nameErrs.length && names.has(nodeName)) c.errors.push({ type: 'Duplicate value', field: `${p}.name`, value: nodeName });
    names.add(nodeName);
    let ip = n.internalIP === undefined ? undefined : c.ip(`${p}.internalIP`, n.internalIP);
    if (n.internalIP === undefined) {
      // Like docker handing out addresses on kind's network: the next free one after the gateway.
      for (let k = 2; k < size(nodeNet) - 1; k++) {
        const cand = intToIPv4(nodeNet.base + k);
        if (!ips.has(cand) && !list.some((o) => isObj(o) && o.internalIP === cand)) {
          ip = cand;
          break;
        }
      }
      if (ip === undefined) c.invalid(`${p}.internalIP`, '', `networking.nodeSubnet ${nodeNet.text} has no free address left`);
    } else if (ip !== undefined) {
      if (!contains(nodeNet, ip)) c.invalid(`${p}.internalIP`, ip, `must be inside networking.nodeSubnet ${nodeNet.text}`);
      else if (ips.has(ip)) c.invalid(`${p}.internalIP`, ip, ip === workstationIP ? 'is the workstation\'s address (networking.workstationIP)' : 'is already used (the subnet\'s network or broadcast address, or another node)');
    }
    if (ip !== undefined) ips.add(ip);
    let podCIDR: string | undefined;
    if (n.podCIDR !== undefined) {
      const pc = c.cidr(`${p}.podCIDR`, n.podCIDR, nodeMask, nodeMask);
      if (pc) {
        if (pc.base < podNet.base || pc.base + size(pc) > podNet.base + size(podNet)) c.invalid(`${p}.podCIDR`, pc.text, `must be inside networking.podSubnet ${podNet.text}`);
        else if (cidrs.has(pc.text)) c.errors.push({ type: 'Duplicate value', field: `${p}.podCIDR`, value: pc.text });
        podCIDR = pc.text;
        cidrs.add(pc.text);
      }
    }
    const node: NodeConfig = { name: nodeName, role: role ?? 'worker', internalIP: ip ?? '', podCIDR: podCIDR ?? '' };
    const labels = c.obj(`${p}.labels`, n.labels);
    if (labels) {
      const errs = labelMapCauses(`${p}.labels`, labels);
      for (const [k, v] of Object.entries(labels)) if (typeof v !== 'string') errs.push({ type: 'Invalid value', field: `${p}.labels.${k}`, value: v, detail: 'must be a string (quote numbers and booleans)' });
      c.errors.push(...errs);
      if (!errs.length && Object.keys(labels).length) node.labels = labels as Record<string, string>;
    }
    if (n.taints !== undefined && n.taints !== null) {
      if (!Array.isArray(n.taints)) c.invalid(`${p}.taints`, JSON.stringify(n.taints), 'must be a list of taints');
      else {
        const taints: NonNullable<NodeConfig['taints']> = [];
        const seen = new Set<string>();
        for (const [j, t] of n.taints.entries()) {
          const tp = `${p}.taints[${j}]`;
          const to = c.obj(tp, t);
          if (!to) continue;
          c.known(tp, to, ['key', 'value', 'effect']);
          const key = c.str(`${tp}.key`, to.key);
          if (key === undefined) c.required(`${tp}.key`);
          else for (const m of qualifiedNameErrors(key)) c.invalid(`${tp}.key`, key, m);
          const value = c.str(`${tp}.value`, to.value);
          if (value !== undefined) for (const m of labelValueErrors(value)) c.invalid(`${tp}.value`, value, m);
          const effect = to.effect === undefined ? (c.required(`${tp}.effect`), undefined) : c.oneOf(`${tp}.effect`, to.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const);
          if (key !== undefined && effect !== undefined) {
            if (seen.has(`${key}:${effect}`)) c.errors.push({ type: 'Duplicate value', field: tp, value: `${key}:${effect}`, detail: 'taints must be unique by key and effect pair' });
            seen.add(`${key}:${effect}`);
            taints.push({ key, ...(value ? { value } : {}), effect });
          }
        }
        node.taints = taints;
      }
    }
    const alloc = c.obj(`${p}.allocatable`, n.allocatable);
    if (alloc) {
      c.known(`${p}.allocatable`, alloc, ['cpu', 'memory', 'pods', 'ephemeral-storage']);
      const out: Record<string, string> = {};
      for (const k of ['cpu', 'memory', 'pods', 'ephemeral-storage']) {
        const v = alloc[k];
        if (v === undefined) continue;
        const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : undefined;
        const q = text === undefined ? undefined : parseQuantity(text);
        if (text === undefined || !q || q.nano <= 0n || text !== text.trim() || (k === 'pods' && !/^\d+$/.test(text))) {
          c.invalid(`${p}.allocatable.${k}`, v, k === 'pods' ? 'must be a whole number of pods' : 'must be a positive quantity (e.g. 4, 500m, 8Gi)');
        } else out[k] = text;
      }
      if (Object.keys(out).length) node.allocatable = out;
    }
    if (n.ipamBlocks !== undefined && n.ipamBlocks !== null) {
      if (cni.plugin !== 'calico') c.invalid(`${p}.ipamBlocks`, 'set', 'only applies with networking.cni: calico');
      else if (!Array.isArray(n.ipamBlocks)) c.invalid(`${p}.ipamBlocks`, JSON.stringify(n.ipamBlocks), 'must be a list of CIDRs');
      else {
        const bs: string[] = [];
        for (const [j, b] of n.ipamBlocks.entries()) {
          const bc = c.cidr(`${p}.ipamBlocks[${j}]`, b, cni.blockSize!, cni.blockSize!);
          if (!bc) continue;
          if (bc.base < podNet.base || bc.base + size(bc) > podNet.base + size(podNet)) c.invalid(`${p}.ipamBlocks[${j}]`, bc.text, `must be inside networking.podSubnet ${podNet.text}`);
          else if (blocks.has(bc.text)) c.errors.push({ type: 'Duplicate value', field: `${p}.ipamBlocks[${j}]`, value: bc.text });
          blocks.add(bc.text);
          bs.push(bc.text);
        }
        if (bs.length) node.ipamBlocks = bs;
      }
    }
    nodes.push(node);
  }
  if (list.length > 0 && controlPlanes === 0 && !c.errors.some((e) => e.field.endsWith('.role'))) c.invalid('nodes', list.length, 'one node must have role: control-plane');
  // podCIDRs the file does not give: kube-controller-manager's range allocator hands them out in join order.
  const count = 2 ** (nodeMask - podNet.prefix);
  let next = 0;
  for (const node of nodes) {
    if (node.podCIDR) continue;
    while (next < count && cidrs.has(`${intToIPv4((podNet.base + next * 2 ** (32 - nodeMask)) >>> 0)}/${nodeMask}`)) next++;
    if (next >= count) {
      c.invalid('networking.podSubnet', podNet.text, `has room for ${count} node podCIDRs of /${nodeMask}, not ${nodes.length}`);
      break;
    }
    node.podCIDR = `${intToIPv4((podNet.base + next * 2 ** (32 - nodeMask)) >>> 0)}/${nodeMask}`;
    cidrs.add(node.podCIDR);
  }
  out.nodes = nodes;

  // The load-balancer pool: FIRST-LAST on the node network, or none. By default .200-.250 of its last /24.
  const poolIn = net.loadBalancerPool;
  if (poolIn === 'none') out.loadBalancerPool = null;
  else if (poolIn !== undefined && poolIn !== null) {
    const s = c.str('networking.loadBalancerPool', poolIn);
    const m = s === undefined ? null : /^([\d.]+)-([\d.]+)$/.exec(s);
    if (s !== undefined && (!m || !isIPv4(m[1]) || !isIPv4(m[2]) || ipv4ToInt(m[1]) > ipv4ToInt(m[2]))) {
      c.invalid('networking.loadBalancerPool', s, 'must be FIRST-LAST (two IPv4 addresses, e.g. 172.18.255.200-172.18.255.250) or none');
    } else if (m) {
      if (!contains(nodeNet, m[1]) || !contains(nodeNet, m[2])) c.invalid('networking.loadBalancerPool', s, `must be inside networking.nodeSubnet ${nodeNet.text}`);
      else {
        const clash = nodes.find((n) => n.internalIP && ipv4ToInt(n.internalIP) >= ipv4ToInt(m[1]) && ipv4ToInt(n.internalIP) <= ipv4ToInt(m[2]));
        if (clash) c.invalid('networking.loadBalancerPool', s, `must not include node ${clash.name}'s address ${clash.internalIP}`);
        else out.loadBalancerPool = { first: m[1], last: m[2] };
      }
    }
  } else if (!defaults.loadBalancer) out.loadBalancerPool = null;
  else {
    const last24 = (nodeNet.base + size(nodeNet) - 256) >>> 0;
    out.loadBalancerPool = nodeNet.prefix <= 24 ? { first: addToIPv4(intToIPv4(last24), 200), last: addToIPv4(intToIPv4(last24), 250) } : null;
    const pool = out.loadBalancerPool;
    if (pool && nodes.some((n) => n.internalIP && ipv4ToInt(n.internalIP) >= ipv4ToInt(pool.first) && ipv4ToInt(n.internalIP) <= ipv4ToInt(pool.last))) {
      c.invalid('networking.loadBalancerPool', `${pool.first}-${pool.last}`, 'the default pool includes a node address: set networking.loadBalancerPool (or none)');
    }
  }

  if (c.errors.length) {
    const lines = c.errors.map((e) => (e.type === 'Not found' && e.detail === 'unknown field' ? `unknown field "${e.field}"` : fieldErrorBody(e)));
    throw new ClusterConfigError(lines.length === 1 ? `invalid cluster config "${path}": ${lines[0]}` : `invalid cluster config "${path}":\n${lines.map((l) => `* ${l}`).join('\n')}`);
  }
  return { config: out as Omit<ClusterConfig, 'created'>, named: name !== undefined, seeded: seed !== undefined };
}
