// NetworkPolicy facts shared by the API (defaulting at write time) and the network engine (which must read a
// stored object that lacks them the same way).
import type { FieldError } from './errors.js';
import type { NetworkPolicy } from './types.js';
import { labelSelectorCauses, portNameErrors } from './validation.js';

export type PolicyType = 'Ingress' | 'Egress';

/**
 * The directions a policy isolates. As the API server defaults spec.policyTypes when it is empty: Ingress
 * always, Egress when the spec has at least one egress rule (an empty `egress: []` does not count).
 */
export function effectivePolicyTypes(spec: NetworkPolicy['spec'] | undefined): PolicyType[] {
  const given = (spec?.policyTypes ?? []).filter((t): t is PolicyType => t === 'Ingress' || t === 'Egress');
  if ((spec?.policyTypes ?? []).length > 0) return given;
  return (spec?.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

// ---------------------------------------------------------------------------------------------------------
// Validation as the API server does it (pkg/apis/networking/validation: ValidateNetworkPolicySpec), with its
// field paths and words; docs/netpol-facts.md.

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asArr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(asObj) : []);
const present = (v: unknown) => v !== undefined && v !== null;

const PORT_NUM_MSG = 'must be between 1 and 65535, inclusive';

/** ValidateNetworkPolicyPort: protocol, a port number or name, and endPort only after a numeric port. */
function portCauses(port: Obj, path: string): FieldError[] {
  const out: FieldError[] = [];
  if (present(port.protocol) && !['TCP', 'UDP', 'SCTP'].includes(String(port.protocol))) {
    out.push({ type: 'Unsupported value', field: `${path}.protocol`, value: port.protocol, detail: 'supported values: "TCP", "UDP", "SCTP"' });
  }
  const endPort = port.endPort;
  const badNum = (n: unknown) => !(typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535);
  if (present(port.port)) {
    if (typeof port.port === 'number') {
      if (badNum(port.port)) out.push({ type: 'Invalid value', field: `${path}.port`, value: port.port, detail: PORT_NUM_MSG });
      if (present(endPort)) {
        if (typeof endPort === 'number' && endPort < port.port) out.push({ type: 'Invalid value', field: `${path}.endPort`, value: port.port, detail: 'must be greater than or equal to `port`' });
        if (badNum(endPort)) out.push({ type: 'Invalid value', field: `${path}.endPort`, value: endPort, detail: PORT_NUM_MSG });
      }
    } else {
      if (present(endPort)) out.push({ type: 'Invalid value', field: `${path}.endPort`, value: endPort, detail: 'may not be specified when `port` is non-numeric' });
      for (const msg of portNameErrors(String(port.port))) out.push({ type: 'Invalid value', field: `${path}.port`, value: String(port.port), detail: msg });
    }
  } else if (present(endPort)) {
    out.push({ type: 'Invalid value', field: `${path}.endPort`, value: endPort, detail: 'may not be specified when `port` is not specified' });
  }
  return out;
}

/** A CIDR as Go's net.ParseCIDR reads it (IPv4 here; IPv6 literals are accepted as given). */
function parseCIDR(s: string): { base: number; bits: number } | 'v6' | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
  if (m) {
    const o = m.slice(1, 5).map(Number);
    const bits = Number(m[5]);
    if (o.some((x) => x > 255) || bits > 32 || m.slice(1, 5).some((x) => x.length > 1 && x.startsWith('0'))) return undefined;
    const ip = ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return { base: (ip & mask) >>> 0, bits };
  }
  return /^[0-9a-fA-F:]+:[0-9a-fA-F:.]*\/\d{1,3}$/.test(s) && Number(s.split('/')[1]) <= 128 ? 'v6' : undefined;
}

const CIDR_MSG = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** ValidateIPBlock: a required, valid cidr; each except a valid CIDR strictly inside it. */
function ipBlockCauses(ipb: Obj, path: string): FieldError[] {
  const cidr = typeof ipb.cidr === 'string' ? ipb.cidr : '';
  if (cidr === '') return [{ type: 'Required value', field: `${path}.cidr` }];
  const out: FieldError[] = [];
  const outer = parseCIDR(cidr);
  if (!outer) return [{ type: 'Invalid value', field: `${path}.cidr`, value: cidr, detail: CIDR_MSG }];
  (Array.isArray(ipb.except) ? ipb.except : []).forEach((e, i) => {
    const text = typeof e === 'string' ? e : String(e);
    const inner = parseCIDR(text);
    if (!inner) {
      out.push({ type: 'Invalid value', field: `${path}.except[${i}]`, value: text, detail: CIDR_MSG });
      return;
    }
    if (outer === 'v6' || inner === 'v6') return;
    const mask = outer.bits === 0 ? 0 : (0xffffffff << (32 - outer.bits)) >>> 0;
    const inside = ((inner.base & mask) >>> 0) === outer.base;
    if (!inside || outer.bits >= inner.bits) out.push({ type: 'Invalid value', field: `${path}.except[${i}]`, value: text, detail: 'must be a strict subset of `cidr`' });
  });
  return out;
}

/** ValidateNetworkPolicyPeer: at least one of the three, and ipBlock alone. */
function peerCauses(peer: Obj, path: string): FieldError[] {
  const out: FieldError[] = [];
  let n = 0;
  if (present(peer.podSelector)) {
    n++;
    out.push(...labelSelectorCauses(`${path}.podSelector`, peer.podSelector));
  }
  if (present(peer.namespaceSelector)) {
    n++;
    out.push(...labelSelectorCauses(`${path}.namespaceSelector`, peer.namespaceSelector));
  }
  if (present(peer.ipBlock)) {
    n++;
    out.push(...ipBlockCauses(asObj(peer.ipBlock), `${path}.ipBlock`));
  }
  if (n === 0) out.push({ type: 'Required value', field: path, detail: 'must specify a peer' });
  else if (n > 1 && present(peer.ipBlock)) out.push({ type: 'Forbidden', field: path, detail: 'may not specify both ipBlock and another peer' });
  return out;
}

/** The causes the API server gives for a NetworkPolicy's spec, in its order. */
export function networkPolicyCauses(specIn: unknown): FieldError[] {
  const spec = asObj(specIn);
  const out: FieldError[] = [...labelSelectorCauses('spec.podSelector', spec.podSelector)];
  asArr(spec.ingress).forEach((rule, i) => {
    asArr(rule.ports).forEach((p, j) => out.push(...portCauses(p, `spec.ingress[${i}].ports[${j}]`)));
    asArr(rule.from).forEach((p, j) => out.push(...peerCauses(p, `spec.ingress[${i}].from[${j}]`)));
  });
  asArr(spec.egress).forEach((rule, i) => {
    asArr(rule.ports).forEach((p, j) => out.push(...portCauses(p, `spec.egress[${i}].ports[${j}]`)));
    asArr(rule.to).forEach((p, j) => out.push(...peerCauses(p, `spec.egress[${i}].to[${j}]`)));
  });
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  if (types.length > 2) {
    out.push({ type: 'Invalid value', field: 'spec.policyTypes', value: types, goValue: `[]networking.PolicyType{${types.map((t) => JSON.stringify(String(t))).join(', ')}}`, detail: 'may not specify more than two policyTypes' });
    return out;
  }
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') out.push({ type: 'Unsupported value', field: `spec.policyTypes[${i}]`, value: String(t), detail: 'supported values: "Ingress", "Egress"' });
  });
  return out;
}
