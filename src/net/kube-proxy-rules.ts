// The iptables rules kube-proxy (iptables mode) would program on a node, built from the same PortRules the
// engine routes by (topology.ts), so a student can predict a request from what `iptables-save` shows. Chain
// names carry kube-proxy's hash (docs/packets-facts.md); rendering (`-A` lines for iptables-save/-S, tables for
// -L) lives in iptables-print.ts.
import { createHash } from 'node:crypto';
import type { PortRule, Topology } from './topology.js';

/** One rule as iptables stores it: matches in the order kube-proxy writes them, then the target. */
export interface IptRule {
  /** `-s`, negated with `!`. */
  src?: { cidr: string; neg?: boolean };
  dst?: string;
  proto?: 'tcp' | 'udp';
  comment?: string;
  /** `-m tcp|udp [--dport N]`: present when the rule loads the protocol match. */
  portMatch?: { dport?: number };
  addrtype?: { dir: 'src' | 'dst'; type: 'LOCAL' };
  probability?: string;
  /** `-m recent`: ClientIP session affinity. */
  recent?: { op: 'rcheck' | 'set'; name: string; seconds?: number };
  /** `-m mark [!] --mark 0x4000/0x4000`. */
  mark?: { value: string; neg?: boolean };
  /** `-m conntrack --ctstate ...`. */
  ctstate?: string;
  target: string;
  /** DNAT --to-destination, MARK --set-xmark, MASQUERADE --random-fully, REJECT --reject-with. */
  to?: string;
  xmark?: string;
  randomFully?: boolean;
  rejectWith?: string;
}

export interface IptChain {
  name: string;
  /** Built-in chains have a policy; kube-proxy's own chains do not. */
  policy?: 'ACCEPT' | 'DROP';
  rules: IptRule[];
}

export interface IptTable {
  name: 'nat' | 'filter';
  chains: IptChain[];
}

/** kube-proxy's packet mark for "masquerade this connection" (--iptables-masquerade-bit 14). */
const MASQ_MARK = '0x4000/0x4000';

function hash16(text: string): string {
  const digest = createHash('sha256').update(text).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of digest) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= 16) break;
  }
  return out;
}

/** kube-proxy's ServicePortName text: "ns/name:port", or "ns/name" for an unnamed port. */
export function servicePortName(rule: PortRule): string {
  return `${rule.namespace}/${rule.service}${rule.portName ? `:${rule.portName}` : ''}`;
}

/** The 16-character suffix of a service port's KUBE-SVC-/KUBE-EXT-/KUBE-FW- chains. */
export function portProtoHash(rule: PortRule): string {
  return hash16(servicePortName(rule) + rule.protocol.toLowerCase());
}

/** A KUBE-SEP- chain: the service port, its protocol and the endpoint "ip:port". */
export function endpointChainName(rule: PortRule, endpoint: string): string {
  return `KUBE-SEP-${hash16(servicePortName(rule) + rule.protocol.toLowerCase() + endpoint)}`;
}

/**
 * The probability kube-proxy writes for the i-th of n endpoints (1/(n-i), as "%0.10f"), as iptables lists it
 * back: the kernel keeps it as a 31-bit fraction and iptables prints that with 11 decimals.
 */
export function listedProbability(i: number, n: number): string {
  const written = Number((1 / (n - i)).toFixed(10));
  const stored = Math.round(0x80000000 * written);
  return (stored / 0x80000000).toFixed(11);
}

const NODEPORTS_COMMENT = 'kubernetes service nodeports; NOTE: this must be the last rule in this chain';

/** Service ports in a stable order (kube-proxy's own order follows Go map iteration). */
export function sortedRules(topo: Topology): { rule: PortRule; clusterIP?: string; external: string[] }[] {
  const byKey = new Map<string, { rule: PortRule; clusterIP?: string; external: string[] }>();
  const entry = (rule: PortRule) => {
    const k = `${servicePortName(rule)}/${rule.protocol}`;
    let e = byKey.get(k);
    if (!e) byKey.set(k, (e = { rule, external: [] }));
    return e;
  };
  for (const [ip, ports] of topo.clusterIPs) for (const rule of ports.values()) entry(rule).clusterIP = ip;
  for (const [ip, ports] of topo.externalVIPs) for (const rule of ports.values()) entry(rule).external.push(ip);
  for (const rule of topo.nodePorts.values()) entry(rule);
  return [...byKey.values()].sort((a, b) => (servicePortName(a.rule) + a.rule.protocol < servicePortName(b.rule) + b.rule.protocol ? -1 : 1));
}

/**
 * The nat and filter tables kube-proxy writes for the current Services and EndpointSlices on `nodeName`
 * (only externalTrafficPolicy Local and internalTrafficPolicy Local depend on the node).
 */
export function kubeProxyTables(topo: Topology, nodeName: string): IptTable[] {
  const natChains = new Map<string, IptChain>();
  const chain = (name: string): IptChain => {
    let c = natChains.get(name);
    if (!c) natChains.set(name, (c = { name, rules: [] }));
    return c;
  };
  const services = chain('KUBE-SERVICES');
  const nodeports = chain('KUBE-NODEPORTS');
  chain('KUBE-MARK-MASQ').rules.push({ target: 'MARK', xmark: MASQ_MARK });
  chain('KUBE-POSTROUTING').rules.push(
    { mark: { value: MASQ_MARK, neg: true }, target: 'RETURN' },
    { target: 'MARK', xmark: '0x4000/0x0' },
    { comment: 'kubernetes service traffic requiring SNAT', target: 'MASQUERADE', randomFully: true },
  );
  const filterServices: IptRule[] = [];
  const filterExternal: IptRule[] = [];
  const podCIDR = topo.clusterCIDR;

  for (const { rule, clusterIP, external } of sortedRules(topo)) {
    const name = servicePortName(rule);
    const proto = rule.protocol.toLowerCase() as 'tcp' | 'udp';
    const h = portProtoHash(rule);
    const svc = `KUBE-SVC-${h}`;
    const ext = `KUBE-EXT-${h}`;
    const svl = `KUBE-SVL-${h}`;
    const hasExternal = external.length > 0 || (rule.nodePort !== undefined && (rule.type === 'NodePort' || rule.type === 'LoadBalancer'));
    const endpoints = rule.ready;
    if (endpoints.length === 0) {
      // No endpoints: the filter table rejects (or, for external traffic, drops) and nat has nothing to jump to.
      if (clusterIP) filterServices.push({ dst: `${clusterIP}/32`, proto, comment: `${name} has no endpoints`, portMatch: { dport: rule.port }, target: 'REJECT', rejectWith: 'icmp-port-unreachable' });
      for (const ip of external) filterExternal.push({ dst: `${ip}/32`, proto, comment: `${name} has no endpoints`, portMatch: { dport: rule.port }, target: 'REJECT', rejectWith: 'icmp-port-unreachable' });
      if (rule.nodePort !== undefined && hasExternal) filterExternal.push({ proto, comment: `${name} has no endpoints`, addrtype: { dir: 'dst', type: 'LOCAL' }, portMatch: { dport: rule.nodePort }, target: 'REJECT', rejectWith: 'icmp-port-unreachable' });
      continue;
    }
    const svcChain = chain(svc);
    if (clusterIP) {
      services.rules.push({ dst: `${clusterIP}/32`, proto, comment: `${name} cluster IP`, portMatch: { dport: rule.port }, target: svc });
      // The local-traffic detector: connections from outside the pod network are masqueraded.
      svcChain.rules.push({ src: { cidr: podCIDR, neg: true }, dst: `${clusterIP}/32`, proto, comment: `${name} cluster IP`, portMatch: { dport: rule.port }, target: 'KUBE-MARK-MASQ' });
    }
    if (hasExternal) {
      for (const ip of external) {
        const lb = topo.lbIPs.has(ip);
        services.rules.push({ dst: `${ip}/32`, proto, comment: `${name} ${lb ? 'loadbalancer IP' : 'external IP'}`, portMatch: { dport: rule.port }, target: ext });
      }
      if (rule.nodePort !== undefined && (rule.type === 'NodePort' || rule.type === 'LoadBalancer')) {
        nodeports.rules.push({ proto, comment: name, portMatch: { dport: rule.nodePort }, target: ext });
      }
      const extChain = chain(ext);
      if (rule.externalLocal) {
        extChain.rules.push(
          { src: { cidr: podCIDR }, comment: `pod traffic for ${name} external destinations`, target: svc },
          { comment: `masquerade LOCAL traffic for ${name} external destinations`, addrtype: { dir: 'src', type: 'LOCAL' }, target: 'KUBE-MARK-MASQ' },
          { comment: `route LOCAL traffic for ${name} external destinations`, addrtype: { dir: 'src', type: 'LOCAL' }, target: svc },
          { target: svl },
        );
        const local = endpoints.filter((b) => b.nodeName === nodeName);
        const svlChain = chain(svl);
        if (local.length === 0) svlChain.rules.push({ comment: `${name} has no local endpoints`, target: 'KUBE-MARK-DROP' });
        else endpointJumps(svlChain, rule, local, name);
      } else {
        extChain.rules.push({ comment: `masquerade traffic for ${name} external destinations`, target: 'KUBE-MARK-MASQ' }, { target: svc });
      }
    }
    const internal = rule.internalLocal ? endpoints.filter((b) => b.nodeName === nodeName) : endpoints;
    if (internal.length === 0) svcChain.rules.push({ comment: `${name} has no local endpoints`, target: 'KUBE-MARK-DROP' });
    else endpointJumps(svcChain, rule, internal, name);
    for (const b of endpoints) {
      const ep = `${b.ip}:${b.port}`;
      const sep = chain(endpointChainName(rule, ep));
      sep.rules.push({ src: { cidr: `${b.ip}/32` }, comment: name, target: 'KUBE-MARK-MASQ' });
      sep.rules.push({ proto, comment: name, recent: rule.affinitySeconds > 0 ? { op: 'set', name: sep.name } : undefined, portMatch: {}, target: 'DNAT', to: ep });
    }
  }
  services.rules.push({ comment: NODEPORTS_COMMENT, addrtype: { dir: 'dst', type: 'LOCAL' }, target: 'KUBE-NODEPORTS' });
  if ([...natChains.values()].some((c) => c.rules.some((r) => r.target === 'KUBE-MARK-DROP'))) {
    chain('KUBE-MARK-DROP').rules.push({ target: 'MARK', xmark: '0x8000/0x8000' });
  }

  const nat: IptTable = {
    name: 'nat',
    chains: [
      { name: 'PREROUTING', policy: 'ACCEPT', rules: [{ comment: 'kubernetes service portals', target: 'KUBE-SERVICES' }] },
      { name: 'INPUT', policy: 'ACCEPT', rules: [] },
      { name: 'OUTPUT', policy: 'ACCEPT', rules: [{ comment: 'kubernetes service portals', target: 'KUBE-SERVICES' }] },
      { name: 'POSTROUTING', policy: 'ACCEPT', rules: [{ comment: 'kubernetes postrouting rules', target: 'KUBE-POSTROUTING' }] },
      ...[...natChains.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    ],
  };
  const filter: IptTable = {
    name: 'filter',
    chains: [
      { name: 'INPUT', policy: 'ACCEPT', rules: [
        { comment: 'kubernetes health check service ports', target: 'KUBE-NODEPORTS' },
        { comment: 'kubernetes externally-visible service portals', target: 'KUBE-EXTERNAL-SERVICES' },
      ] },
      { name: 'FORWARD', policy: 'ACCEPT', rules: [
        { comment: 'kubernetes forwarding rules', target: 'KUBE-FORWARD' },
        { comment: 'kubernetes service portals', target: 'KUBE-SERVICES' },
        { comment: 'kubernetes externally-visible service portals', target: 'KUBE-EXTERNAL-SERVICES' },
      ] },
      { name: 'OUTPUT', policy: 'ACCEPT', rules: [{ comment: 'kubernetes service portals', target: 'KUBE-SERVICES' }] },
      { name: 'KUBE-EXTERNAL-SERVICES', rules: filterExternal },
      { name: 'KUBE-FORWARD', rules: [
        { ctstate: 'INVALID', target: 'DROP' },
        { comment: 'kubernetes forwarding rules', mark: { value: MASQ_MARK }, target: 'ACCEPT' },
        { comment: 'kubernetes forwarding conntrack rule', ctstate: 'RELATED,ESTABLISHED', target: 'ACCEPT' },
      ] },
      { name: 'KUBE-NODEPORTS', rules: [] },
      { name: 'KUBE-SERVICES', rules: filterServices },
    ],
  };
  return [nat, filter];
}

/** The KUBE-SVC (or KUBE-SVL) jumps: affinity checks first, then one jump per endpoint with 1/(n-i). */
function endpointJumps(c: IptChain, rule: PortRule, unsorted: PortRule['ready'], name: string): void {
  // kube-proxy's endpoint cache sorts a service port's endpoints by their "ip:port" text, not numerically.
  const endpoints = [...unsorted].sort((a, b) => (`${a.ip}:${a.port}` < `${b.ip}:${b.port}` ? -1 : 1));
  if (rule.affinitySeconds > 0) {
    for (const b of endpoints) {
      const ep = `${b.ip}:${b.port}`;
      const sep = endpointChainName(rule, ep);
      c.rules.push({ comment: `${name} -> ${ep}`, recent: { op: 'rcheck', name: sep, seconds: rule.affinitySeconds }, target: sep });
    }
  }
  endpoints.forEach((b, i) => {
    const ep = `${b.ip}:${b.port}`;
    c.rules.push({ comment: `${name} -> ${ep}`, probability: i < endpoints.length - 1 ? listedProbability(i, endpoints.length) : undefined, target: endpointChainName(rule, ep) });
  });
}
