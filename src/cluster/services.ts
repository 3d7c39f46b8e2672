// Services: the API server's defaulting, validation, ClusterIP and NodePort allocation (reference §6.3/§6.4),
// and the load-balancer provider (like cloud-provider-kind) that hands out EXTERNAL-IPs from a pool.
// Allocation state is not stored separately: what is allocated is what the stored Services hold, so a delete
// or a type change releases by construction (the bitmap allocators' semantics, without a second source of truth).
import { internalError, InvalidError, type FieldError } from '../api/errors.js';
import type { KubeObject, Service } from '../api/types.js';
import { checkDns1035, checkLabel, metadataCauses, portNameErrors } from '../api/validation.js';
import { listObjects, putObject, removeObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { intToIPv4, ipv4ToInt, isIPv4 } from '../util/ip.js';
import type { Ctx } from './context.js';
import type { Round } from './informer.js';
import { recordEvent } from './events.js';
import type { Strategy } from './strategies.js';

type Svc = Service & KubeObject;
type Spec = NonNullable<Service['spec']>;

const SUPPORTED_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const SUPPORTED_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SUPPORTED_AFFINITY = ['ClientIP', 'None'];
const SUPPORTED_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
export const DEFAULT_AFFINITY_TIMEOUT = 10800;
const MAX_AFFINITY_TIMEOUT = 86400;
const IP_MSG = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

function quoteList(values: string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function notSupported(field: string, value: unknown, supported: string[]): FieldError {
  return { type: 'Unsupported value', field, value, detail: `supported values: ${quoteList(supported)}` };
}

// ---------------------------------------------------------------------------------------------------------
// Predicates (pkg/registry/core/service/storage/alloc.go)

export function isHeadless(spec: Spec): boolean {
  return spec.clusterIP === 'None';
}

function needsClusterIP(spec: Spec): boolean {
  return spec.type !== 'ExternalName' && !isHeadless(spec);
}

function needsNodePort(spec: Spec): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

function needsHealthCheckNodePort(spec: Spec): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

/** apiservice.ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with externalIPs. */
function externallyAccessible(spec: Spec): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && (spec.externalIPs?.length ?? 0) > 0);
}

// ---------------------------------------------------------------------------------------------------------
// Defaulting (SetDefaults_Service) and the registry's create/update normalisation

export function defaultService(svc: Svc): void {
  const spec = (svc.spec ??= {});
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_AFFINITY_TIMEOUT } };
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of spec.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (!spec.internalTrafficPolicy && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
}

/** normalizeClusterIPs: keeps clusterIP and clusterIPs[0] in step before anyone looks at them. */
function normalizeClusterIPs(spec: Spec, old: Spec | undefined): void {
  if (!old) {
    if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
    return;
  }
  const sameIPs = JSON.stringify(old.clusterIPs ?? []) === JSON.stringify(spec.clusterIPs ?? []);
  if (old.clusterIP !== spec.clusterIP && sameIPs) {
    if (spec.clusterIP) {
      if (spec.clusterIPs?.length) spec.clusterIPs[0] = spec.clusterIP;
      else spec.clusterIPs = [spec.clusterIP];
    } else delete spec.clusterIPs;
  }
  if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
}

/** patchAllocatedValues: an update that omits allocated values keeps them (as apply and replace expect). */
function patchAllocatedValues(spec: Spec, old: Spec): void {
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (!spec.clusterIP) spec.clusterIP = old.clusterIP;
    if (!spec.clusterIPs?.length && old.clusterIPs?.length) spec.clusterIPs = [...old.clusterIPs];
  }
  if (needsNodePort(old) && needsNodePort(spec)) {
    const usedOld = new Set((old.ports ?? []).map((p) => p.nodePort ?? 0));
    const usedNew = new Set((spec.ports ?? []).map((p) => p.nodePort ?? 0));
    const used = new Set([...usedOld].filter((p) => usedNew.has(p)));
    const byName = new Map((old.ports ?? []).map((p) => [p.name ?? '', p.nodePort ?? 0]));
    for (const p of spec.ports ?? []) {
      if (!p.nodePort) {
        const v = byName.get(p.name ?? '') ?? 0;
        if (v && !used.has(v)) p.nodePort = v;
      }
    }
  }
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(spec) && !spec.healthCheckNodePort) {
    spec.healthCheckNodePort = old.healthCheckNodePort;
  }
}

/** dropTypeDependentFields: a type change drops what the new type cannot have, unless the user changed it too. */
function dropTypeDependentFields(spec: Spec, old: Spec): void {
  if (needsClusterIP(old) && !needsClusterIP(spec)) {
    if (old.clusterIP === spec.clusterIP && JSON.stringify(old.clusterIPs) === JSON.stringify(spec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (JSON.stringify(old.ipFamilies) === JSON.stringify(spec.ipFamilies)) delete spec.ipFamilies;
    if (old.ipFamilyPolicy === spec.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(old) && !needsNodePort(spec)) {
    const same = JSON.stringify((old.ports ?? []).map((p) => p.nodePort ?? 0)) === JSON.stringify((spec.ports ?? []).map((p) => p.nodePort ?? 0));
    if (same) for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheckNodePort(old) && !needsHealthCheckNodePort(spec) && old.healthCheckNodePort === spec.healthCheckNodePort) {
    delete spec.healthCheckNodePort;
  }
  if (old.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (old.allocateLoadBalancerNodePorts === spec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (old.loadBalancerClass === spec.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(old) && !externallyAccessible(spec) && old.externalTrafficPolicy === spec.externalTrafficPolicy) {
    delete spec.externalTrafficPolicy;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Validation (ValidateService / ValidateServiceUpdate, pkg/apis/core/validation)

function isIPv6(s: string): boolean {
  return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s) && s.split('::').length <= 2;
}

function isIP(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

/** ValidateServiceClusterIPsRelatedFields: run first by the allocator (loosely) and again by validation. */
function validateClusterIPsRelated(spec: Spec): FieldError[] {
  const out: FieldError[] = [];
  if (spec.type === 'ExternalName') return out;
  const ips = spec.clusterIPs ?? [];
  if (ips.length > 0 && spec.clusterIP !== ips[0]) {
    out.push({ type: 'Invalid value', field: 'spec.clusterIPs', value: ips, detail: 'first value must match `clusterIP`' });
  }
  if (spec.ipFamilyPolicy !== undefined && !SUPPORTED_POLICIES.includes(spec.ipFamilyPolicy)) {
    out.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, SUPPORTED_POLICIES));
  }
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) out.push({ type: 'Invalid value', field: 'spec.clusterIPs', value: ips, detail: "'None' must be the first and only value" });
      return;
    }
    if (!isIP(ip)) out.push({ type: 'Invalid value', field: `spec.clusterIPs[${i}]`, value: ip, detail: IP_MSG });
  });
  if (ips.length > 2) out.push({ type: 'Invalid value', field: 'spec.clusterIPs', value: ips, detail: 'may only hold up to 2 values' });
  return out;
}

function checkPortNum(field: string, n: unknown): FieldError[] {
  // An absent port is Go's zero value.
  const value = n === undefined || n === null ? 0 : n;
  const v = Number(value);
  if (!Number.isInteger(v) || v < 1 || v > 65535) return [{ type: 'Invalid value', field, value, detail: 'must be between 1 and 65535, inclusive' }];
  return [];
}

function checkPortNumOrName(field: string, v: number | string | undefined): FieldError[] {
  if (typeof v === 'number') return checkPortNum(field, v);
  if (typeof v === 'string') return portNameErrors(v).map((detail) => ({ type: 'Invalid value' as const, field, value: v, detail }));
  return [];
}

function nonSpecialIP(field: string, ip: string): FieldError[] {
  if (!isIPv4(ip)) return [];
  const n = ipv4ToInt(ip);
  if (n === 0) return [{ type: 'Invalid value', field, value: ip, detail: 'may not be unspecified (0.0.0.0)' }];
  if (ip.startsWith('127.')) return [{ type: 'Invalid value', field, value: ip, detail: 'may not be in the loopback range (127.0.0.0/8, ::1/128)' }];
  if (ip.startsWith('169.254.')) return [{ type: 'Invalid value', field, value: ip, detail: 'may not be in the link-local range (169.254.0.0/16, fe80::/10)' }];
  if (ip.startsWith('224.0.0.')) return [{ type: 'Invalid value', field, value: ip, detail: 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)' }];
  return [];
}

const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** ValidateLabels: keys are qualified names (field = the map), values label values (field = map[key]). */
function validateLabelMap(field: string, labels: Record<string, string>): FieldError[] {
  const out: FieldError[] = [];
  for (const k of Object.keys(labels).sort()) {
    const parts = k.split('/');
    const msgs: string[] = [];
    const name = parts[parts.length - 1];
    if (parts.length > 2) {
      msgs.push("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    } else {
      if (parts.length === 2) {
        if (parts[0].length === 0) msgs.push('prefix part must be non-empty');
        else if (!SUBDOMAIN_RE.test(parts[0])) {
          msgs.push(
            "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
          );
        }
      }
      if (name.length === 0) msgs.push('name part must be non-empty');
      else if (name.length > 63) msgs.push('name part must be no more than 63 characters');
      if (name.length > 0 && !NAME_PART_RE.test(name)) msgs.push(NAME_PART_MSG);
    }
    for (const detail of msgs) out.push({ type: 'Invalid value', field, value: k, detail });
    const v = labels[k];
    if (typeof v === 'string') {
      if (v.length > 63) out.push({ type: 'Invalid value', field: `${field}[${k}]`, value: v, detail: 'must be no more than 63 characters' });
      if (!LABEL_VALUE_RE.test(v)) out.push({ type: 'Invalid value', field: `${field}[${k}]`, value: v, detail: LABEL_VALUE_MSG });
    }
  }
  return out;
}

/** Go's %#v of the core.ServicePort key used by the duplicate-port check. */
function servicePortKey(protocol: string, port: number): string {
  return `core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

export function validateService(svc: Svc): FieldError[] {
  const out: FieldError[] = [];
  const name = svc.metadata.name ?? '';
  if (!name) out.push({ type: 'Required value', field: 'metadata.name', detail: 'name or generateName is required' });
  else out.push(...checkDns1035('metadata.name', name));
  out.push(...metadataCauses(svc.metadata));
  const spec = svc.spec ?? {};
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(spec) && spec.type !== 'ExternalName') out.push({ type: 'Required value', field: 'spec.ports' });
  if (spec.type === 'LoadBalancer' && isHeadless(spec)) {
    out.push({ type: 'Invalid value', field: 'spec.clusterIPs[0]', value: spec.clusterIPs?.[0] ?? 'None', detail: "may not be set to 'None' for LoadBalancer services" });
  } else if (spec.type === 'NodePort' && isHeadless(spec)) {
    out.push({ type: 'Invalid value', field: 'spec.clusterIPs[0]', value: spec.clusterIPs?.[0] ?? 'None', detail: "may not be set to 'None' for NodePort services" });
  } else if (spec.type === 'ExternalName') {
    if (spec.clusterIPs?.length) out.push({ type: 'Forbidden', field: 'spec.clusterIPs', detail: 'may not be set for ExternalName services' });
    if (spec.ipFamilies?.length) out.push({ type: 'Forbidden', field: 'spec.ipFamilies', detail: 'may not be set for ExternalName services' });
    if (spec.ipFamilyPolicy !== undefined) out.push({ type: 'Forbidden', field: 'spec.ipFamilyPolicy', detail: 'may not be set for ExternalName services' });
    const cname = (spec.externalName ?? '').replace(/\.$/, '');
    if (cname) {
      const errs: FieldError[] = [];
      if (cname.length > 253) errs.push({ type: 'Invalid value', field: 'spec.externalName', value: cname, detail: 'must be no more than 253 characters' });
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(cname)) {
        errs.push({
          type: 'Invalid value',
          field: 'spec.externalName',
          value: cname,
          detail:
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        });
      }
      out.push(...errs);
    } else out.push({ type: 'Required value', field: 'spec.externalName' });
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) out.push({ type: 'Required value', field: `${path}.name` });
    else if (p.name) {
      out.push(...checkLabel(`${path}.name`, p.name));
      if (names.has(p.name)) out.push({ type: 'Duplicate value', field: `${path}.name`, value: p.name });
      else names.add(p.name);
    }
    out.push(...checkPortNum(`${path}.port`, p.port));
    if (!p.protocol) out.push({ type: 'Required value', field: `${path}.protocol` });
    else if (!SUPPORTED_PROTOCOLS.includes(p.protocol)) out.push(notSupported(`${path}.protocol`, p.protocol, SUPPORTED_PROTOCOLS));
    out.push(...checkPortNumOrName(`${path}.targetPort`, p.targetPort));
  });
  if (spec.selector) out.push(...validateLabelMap('spec.selector', spec.selector));
  if (!spec.sessionAffinity) out.push({ type: 'Required value', field: 'spec.sessionAffinity' });
  else if (!SUPPORTED_AFFINITY.includes(spec.sessionAffinity)) out.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, SUPPORTED_AFFINITY));
  if (spec.sessionAffinity === 'ClientIP') {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (t !== undefined && (t <= 0 || t > MAX_AFFINITY_TIMEOUT)) {
      out.push({ type: 'Invalid value', field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', value: t, detail: `must be greater than 0 and less than ${MAX_AFFINITY_TIMEOUT}` });
    }
  } else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig) {
    out.push({ type: 'Forbidden', field: 'spec.sessionAffinityConfig', detail: 'must not be set when session affinity is None' });
  }
  out.push(...validateClusterIPsRelated(spec));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const field = `spec.externalIPs[${i}]`;
    if (!isIP(ip)) out.push({ type: 'Invalid value', field, value: ip, detail: IP_MSG });
    else out.push(...nonSpecialIP(field, ip));
  });
  if (!spec.type) out.push({ type: 'Required value', field: 'spec.type' });
  else if (!SUPPORTED_TYPES.includes(spec.type)) out.push(notSupported('spec.type', spec.type, SUPPORTED_TYPES));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) out.push({ type: 'Forbidden', field: `spec.ports[${i}].nodePort`, detail: "may not be used when `type` is 'ClusterIP'" });
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol}/${p.nodePort}`;
    if (nodePorts.has(key)) out.push({ type: 'Duplicate value', field: `spec.ports[${i}].nodePort`, value: p.nodePort });
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol}/${p.port}`;
    if (seen.has(key)) out.push({ type: 'Duplicate value', field: `spec.ports[${i}]`, detail: servicePortKey(p.protocol ?? '', p.port) });
    seen.add(key);
  });
  if (!externallyAccessible(spec)) {
    if (spec.externalTrafficPolicy) out.push({ type: 'Invalid value', field: 'spec.externalTrafficPolicy', value: spec.externalTrafficPolicy, detail: 'may only be set for externally-accessible services' });
  } else if (!spec.externalTrafficPolicy) out.push({ type: 'Required value', field: 'spec.externalTrafficPolicy' });
  else if (!TRAFFIC_POLICIES.includes(spec.externalTrafficPolicy)) out.push(notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, TRAFFIC_POLICIES));
  if (!needsHealthCheckNodePort(spec)) {
    if (spec.healthCheckNodePort) {
      out.push({ type: 'Invalid value', field: 'spec.healthCheckNodePort', value: spec.healthCheckNodePort, detail: "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'" });
    }
  } else if (!spec.healthCheckNodePort) out.push({ type: 'Required value', field: 'spec.healthCheckNodePort' });
  if (spec.type === 'ClusterIP' || spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.internalTrafficPolicy) {
    if (!spec.internalTrafficPolicy) out.push({ type: 'Required value', field: 'spec.internalTrafficPolicy' });
    else if (!TRAFFIC_POLICIES.includes(spec.internalTrafficPolicy)) out.push(notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, TRAFFIC_POLICIES));
  }
  return out;
}

function validateServiceUpdate(svc: Svc, old: Svc): FieldError[] {
  const out: FieldError[] = [];
  const spec = svc.spec ?? {};
  const oldSpec = old.spec ?? {};
  if (oldSpec.type !== 'ExternalName' && spec.type !== 'ExternalName') {
    (oldSpec.clusterIPs ?? []).forEach((ip, i) => {
      const now = spec.clusterIPs ?? [];
      if (i < now.length && ip !== now[i]) out.push({ type: 'Invalid value', field: `spec.clusterIPs[${i}]`, value: now, detail: 'may not change once set' });
    });
  }
  return [...out, ...validateService(svc)];
}

function invalid(svc: Svc, causes: FieldError[]): InvalidError {
  return new InvalidError('Service', svc.metadata.name ?? '', causes);
}

// ---------------------------------------------------------------------------------------------------------
// Allocation

/** A bitmap allocator over [base, base+max), as ipallocator/portallocator build theirs. */
interface Range {
  base: number;
  max: number;
  /** Size of the static lower band (calculateRangeOffset). */
  offset: number;
}

export function serviceIPRange(cidr: string): Range & { cidr: string } {
  const [net, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  // The network and broadcast addresses are never allocatable.
  const max = Math.max(0, size - 2);
  const offset = size <= 16 ? 0 : Math.min(Math.max(16, Math.floor(size / 16)), 256);
  return { cidr, base: ipv4ToInt(net) + 1, max, offset };
}

export function nodePortRange(state: ClusterState): Range {
  const { base, size } = state.cluster.nodePortRange;
  return { base, max: size, offset: size <= 16 ? 0 : Math.min(Math.max(16, Math.floor(size / 32)), 128) };
}

/** randomScanStrategyWithOffset: random start in the upper band, forward scan with wrap, then the lower band. */
export function allocateNext(range: Range, used: Set<number>, ctx: Ctx): number | undefined {
  if (used.size >= range.max) return undefined;
  const upper = range.max - range.offset;
  if (upper > 0) {
    const start = ctx.random.int(upper);
    for (let i = 0; i < upper; i++) {
      const at = range.offset + ((start + i) % upper);
      if (!used.has(at)) return at;
    }
  }
  if (range.offset > 0) {
    const start = ctx.random.int(range.offset);
    for (let i = 0; i < range.offset; i++) {
      const at = (start + i) % range.offset;
      if (!used.has(at)) return at;
    }
  }
  return undefined;
}

function otherServices(state: ClusterState, self: Svc): Svc[] {
  const key = `${self.metadata.namespace}/${self.metadata.name}`;
  return listObjects<Service>(state, 'services').filter((s) => `${s.metadata.namespace}/${s.metadata.name}` !== key);
}

function usedClusterIPs(state: ClusterState, self: Svc, range: Range): Set<number> {
  const used = new Set<number>();
  for (const s of otherServices(state, self)) {
    for (const ip of s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : [])) {
      if (isIPv4(ip)) used.add(ipv4ToInt(ip) - range.base);
    }
  }
  return used;
}

function usedNodePorts(state: ClusterState, self: Svc, range: Range): Set<number> {
  const used = new Set<number>();
  for (const s of otherServices(state, self)) {
    for (const p of s.spec?.ports ?? []) if (p.nodePort) used.add(p.nodePort - range.base);
    if (s.spec?.healthCheckNodePort) used.add(s.spec.healthCheckNodePort - range.base);
  }
  return used;
}

/** initIPFamilyFields: pre-validation, then families and policy for a single-stack IPv4 cluster. */
function initIPFamilyFields(svc: Svc): void {
  const spec = svc.spec!;
  const pre = validateClusterIPsRelated(spec);
  if (pre.length) throw invalid(svc, pre);
  if (spec.type === 'ExternalName') return;
  if (isHeadless(spec) && !spec.selector) {
    // Headless and selectorless: allowed to carry both families even on a single-stack cluster.
    spec.ipFamilyPolicy ??= 'RequireDualStack';
    if (!spec.ipFamilies?.length) spec.ipFamilies = ['IPv4'];
    if (spec.ipFamilies.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') spec.ipFamilies.push(spec.ipFamilies[0] === 'IPv4' ? 'IPv6' : 'IPv4');
    return;
  }
  const v6 = (spec.clusterIPs ?? []).findIndex((ip) => ip !== 'None' && !isIPv4(ip));
  if (v6 >= 0 || spec.ipFamilies?.includes('IPv6')) {
    const i = Math.max(0, spec.ipFamilies?.indexOf('IPv6') ?? 0);
    throw invalid(svc, [{ type: 'Invalid value', field: `spec.ipFamilies[${i}]`, value: 'IPv6', detail: 'not configured on this cluster' }]);
  }
  if (spec.ipFamilyPolicy === 'RequireDualStack') {
    throw invalid(svc, [{ type: 'Invalid value', field: 'spec.ipFamilyPolicy', value: 'RequireDualStack', detail: 'this cluster is not configured for dual-stack services' }]);
  }
  spec.ipFamilyPolicy ??= 'SingleStack';
  if (!spec.ipFamilies?.length) spec.ipFamilies = ['IPv4'];
}

function allocateClusterIP(state: ClusterState, ctx: Ctx, svc: Svc): void {
  const spec = svc.spec!;
  const range = serviceIPRange(state.cluster.serviceCIDR);
  const used = usedClusterIPs(state, svc, range);
  const requested = spec.clusterIPs?.[0] ?? spec.clusterIP;
  if (requested) {
    const off = ipv4ToInt(requested) - range.base;
    let reason: string | undefined;
    if (off < 0 || off >= range.max) reason = `the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${range.cidr}`;
    else if (used.has(off)) reason = 'provided IP is already allocated';
    if (reason) {
      throw invalid(svc, [{ type: 'Invalid value', field: 'spec.clusterIPs', value: spec.clusterIPs ?? [requested], detail: `failed to allocate IP ${requested}: ${reason}` }]);
    }
    spec.clusterIP = requested;
    spec.clusterIPs = [requested];
    return;
  }
  const at = allocateNext(range, used, ctx);
  if (at === undefined) throw internalError('failed to allocate a serviceIP: range is full');
  const ip = intToIPv4(range.base + at);
  spec.clusterIP = ip;
  spec.clusterIPs = [ip];
}

function portError(range: Range, port: number, used: Set<number>): string | undefined {
  const off = port - range.base;
  if (off < 0 || off >= range.max) return `provided port is not in the valid range. The range of valid ports is ${range.base}-${range.base + range.max - 1}`;
  if (used.has(off)) return 'provided port is already allocated';
  return undefined;
}

/** initNodePorts (create) and updateNodePorts (update, `old` set). */
function allocateNodePorts(state: ClusterState, ctx: Ctx, svc: Svc, old: Spec | undefined): void {
  const spec = svc.spec!;
  const range = nodePortRange(state);
  const used = usedNodePorts(state, svc, range);
  const ports = spec.ports ?? [];
  const allocateNew = needsNodePort(spec);
  const take = (i: number, port: number): void => {
    const err = portError(range, port, used);
    if (err) throw invalid(svc, [{ type: 'Invalid value', field: `spec.ports[${i}].nodePort`, value: port, detail: err }]);
    used.add(port - range.base);
  };
  const next = (): number => {
    const at = allocateNext(range, used, ctx);
    if (at === undefined) throw internalError('failed to allocate a nodePort: range is full');
    used.add(at);
    return range.base + at;
  };
  if (old) {
    const oldPorts = new Set((old.ports ?? []).map((p) => p.nodePort ?? 0).filter(Boolean));
    const taken = new Set<number>();
    ports.forEach((p, i) => {
      if (!p.nodePort && !allocateNew) return;
      if (p.nodePort) {
        if (!oldPorts.has(p.nodePort) && !taken.has(p.nodePort)) {
          take(i, p.nodePort);
          taken.add(p.nodePort);
        }
      } else p.nodePort = next();
    });
    return;
  }
  const byPort = new Map<number, number>();
  ports.forEach((p, i) => {
    if (!p.nodePort && !allocateNew) return;
    const allocated = byPort.get(p.port);
    if (allocated === undefined) {
      // A port number listed twice (TCP and UDP) shares one nodePort; the user's value for it may come later.
      const requested = ports.find((q) => q.port === p.port && q.nodePort)?.nodePort;
      if (requested) {
        take(i, requested);
        p.nodePort = requested;
      } else p.nodePort = next();
      byPort.set(p.port, p.nodePort);
    } else if (p.nodePort !== allocated) {
      if (!p.nodePort) p.nodePort = allocated;
      else take(i, p.nodePort);
    }
  });
}

function allocateHealthCheckNodePort(state: ClusterState, ctx: Ctx, svc: Svc, old: Spec | undefined): void {
  const spec = svc.spec!;
  if (!needsHealthCheckNodePort(spec)) return;
  if (old && needsHealthCheckNodePort(old) && spec.healthCheckNodePort === old.healthCheckNodePort) return;
  const range = nodePortRange(state);
  const used = usedNodePorts(state, svc, range);
  for (const p of spec.ports ?? []) if (p.nodePort) used.add(p.nodePort - range.base);
  // allocHealthCheckNodePort's errors come back as InternalError.
  if (spec.healthCheckNodePort) {
    const err = portError(range, spec.healthCheckNodePort, used);
    if (err) throw internalError(`failed to allocate requested HealthCheck NodePort ${spec.healthCheckNodePort}: ${err}`);
    return;
  }
  const at = allocateNext(range, used, ctx);
  if (at === undefined) throw internalError('failed to allocate a HealthCheck NodePort 0: range is full');
  spec.healthCheckNodePort = range.base + at;
}

// ---------------------------------------------------------------------------------------------------------
// The strategy

export const serviceStrategy: Strategy = {
  // Validation runs inside prepareForCreate/Update: the real registry allocates (BeginCreate) before it
  // validates, so an allocation error hides validation errors (reference §6.1 "Multiple causes").
  // This empty hook keeps the API server's generic pre-check from running first.
  validate() {},
  prepareForCreate(obj, state, ctx) {
    const svc = obj as Svc;
    defaultService(svc);
    svc.status = { loadBalancer: {} };
    const spec = svc.spec!;
    normalizeClusterIPs(spec, undefined);
    initIPFamilyFields(svc);
    if (needsClusterIP(spec)) allocateClusterIP(state, ctx, svc);
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') allocateNodePorts(state, ctx, svc, undefined);
    allocateHealthCheckNodePort(state, ctx, svc, undefined);
    const causes = validateService(svc);
    if (causes.length) throw invalid(svc, causes);
  },
  prepareForUpdate(obj, old, state, ctx) {
    const svc = obj as Svc;
    const oldSvc = old as Svc;
    defaultService(svc);
    const spec = svc.spec!;
    const oldSpec = oldSvc.spec ?? {};
    patchAllocatedValues(spec, oldSpec);
    normalizeClusterIPs(spec, oldSpec);
    dropTypeDependentFields(spec, oldSpec);
    initIPFamilyFields(svc);
    if (needsClusterIP(spec) && !needsClusterIP(oldSpec)) allocateClusterIP(state, ctx, svc);
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') allocateNodePorts(state, ctx, svc, oldSpec);
    allocateHealthCheckNodePort(state, ctx, svc, oldSpec);
    const causes = validateServiceUpdate(svc, oldSvc);
    if (causes.length) throw invalid(svc, causes);
  },
  afterUpdate(obj, old, state, ctx) {
    if (!state.cluster.loadBalancerPool) return;
    const svc = obj as Svc;
    const change = lbChange(old as Svc, svc);
    if (!change) return;
    const event = (reason: string, message: string) => recordEvent(state, ctx, svc, { reason, message, component: 'service-controller' });
    if (change.reason) event(change.reason, change.message!);
    // A balancer still wanted and already there is ensured again; new or removed ones are the controller's.
    if (svc.spec?.type === 'LoadBalancer' && (old as Svc).spec?.type === 'LoadBalancer' && svc.status?.loadBalancer?.ingress?.length) {
      event('EnsuringLoadBalancer', 'Ensuring load balancer');
      event('EnsuredLoadBalancer', 'Ensured load balancer');
    }
  },
  afterDelete(obj, state) {
    // The endpoints controller deletes the Endpoints named after a deleted Service (selector or not).
    removeObject(state, 'endpoints', obj.metadata.namespace, obj.metadata.name);
  },
};

/**
 * The cloud service controller's needsUpdate: whether an update concerns the load balancer, and the event it
 * records for the first difference it finds (some differences record none).
 */
function lbChange(old: Svc, svc: Svc): { reason?: string; message?: string } | undefined {
  const o = old.spec ?? {};
  const n = svc.spec ?? {};
  const wants = (s: Spec) => s.type === 'LoadBalancer';
  if (!wants(o) && !wants(n)) return undefined;
  if (wants(o) !== wants(n)) return { reason: 'Type', message: `${o.type} -> ${n.type}` };
  const goSlice = (v: string[] | undefined) => `[${(v ?? []).join(' ')}]`;
  if (JSON.stringify(o.loadBalancerSourceRanges ?? null) !== JSON.stringify(n.loadBalancerSourceRanges ?? null)) {
    return { reason: 'LoadBalancerSourceRanges', message: `${goSlice(o.loadBalancerSourceRanges)} -> ${goSlice(n.loadBalancerSourceRanges)}` };
  }
  const lbPorts = (s: Spec) => JSON.stringify((s.ports ?? []).map((p) => [p.name, p.protocol, p.port, p.nodePort]));
  if (lbPorts(o) !== lbPorts(n) || o.sessionAffinity !== n.sessionAffinity) return {};
  if ((o.loadBalancerIP ?? '') !== (n.loadBalancerIP ?? '')) return { reason: 'LoadbalancerIP', message: `${o.loadBalancerIP ?? ''} -> ${n.loadBalancerIP ?? ''}` };
  const oe = o.externalIPs ?? [];
  const ne = n.externalIPs ?? [];
  if (oe.length !== ne.length) return { reason: 'ExternalIP', message: `Count: ${oe.length} -> ${ne.length}` };
  const added = oe.findIndex((ip, i) => ip !== ne[i]);
  if (added >= 0) return { reason: 'ExternalIP', message: `Added: ${ne[added]}` };
  if (JSON.stringify(old.metadata.annotations ?? {}) !== JSON.stringify(svc.metadata.annotations ?? {})) return {};
  if (o.externalTrafficPolicy !== n.externalTrafficPolicy) return { reason: 'ExternalTrafficPolicy', message: `${o.externalTrafficPolicy ?? ''} -> ${n.externalTrafficPolicy ?? ''}` };
  if ((o.healthCheckNodePort ?? 0) !== (n.healthCheckNodePort ?? 0)) return { reason: 'HealthCheckNodePort', message: `${o.healthCheckNodePort ?? 0} -> ${n.healthCheckNodePort ?? 0}` };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// The load-balancer provider (cloud-provider-kind's role): one IP per LoadBalancer Service from the pool.

function poolIPs(state: ClusterState): { first: number; last: number } | undefined {
  const pool = state.cluster.loadBalancerPool;
  if (!pool) return undefined;
  return { first: ipv4ToInt(pool.first), last: ipv4ToInt(pool.last) };
}

export function runServiceController(state: ClusterState, ctx: Ctx, r?: Round): void {
  if (r?.servicesChanged === false) return;
  if (r) r.servicesChanged = false;
  const pool = poolIPs(state);
  const services = listObjects<Service>(state, 'services');
  const inUse = new Set<number>();
  for (const s of services) {
    for (const ing of s.status?.loadBalancer?.ingress ?? []) if (ing.ip && isIPv4(ing.ip)) inUse.add(ipv4ToInt(ing.ip));
  }
  for (const s of services) {
    const spec = s.spec ?? {};
    const ingress = s.status?.loadBalancer?.ingress ?? [];
    if (spec.type !== 'LoadBalancer') {
      if (ingress.length) {
        if (pool) {
          recordEvent(state, ctx, s, { reason: 'DeletingLoadBalancer', message: 'Deleting load balancer', component: 'service-controller' });
          recordEvent(state, ctx, s, { reason: 'DeletedLoadBalancer', message: 'Deleted load balancer', component: 'service-controller' });
        }
        s.status = { loadBalancer: {} };
        putObject(state, 'services', s);
      }
      continue;
    }
    if (!pool || ingress.length || spec.loadBalancerClass) continue;
    let ip: number | undefined;
    if (spec.loadBalancerIP) {
      const want = isIPv4(spec.loadBalancerIP) ? ipv4ToInt(spec.loadBalancerIP) : -1;
      if (want >= pool.first && want <= pool.last && !inUse.has(want)) ip = want;
    } else {
      for (let n = pool.first; n <= pool.last; n++) {
        if (!inUse.has(n)) {
          ip = n;
          break;
        }
      }
    }
    if (ip === undefined) continue;
    inUse.add(ip);
    recordEvent(state, ctx, s, { reason: 'EnsuringLoadBalancer', message: 'Ensuring load balancer', component: 'service-controller' });
    s.status = { loadBalancer: { ingress: [{ ip: intToIPv4(ip), ipMode: 'VIP' }] } };
    putObject(state, 'services', s);
    recordEvent(state, ctx, s, { reason: 'EnsuredLoadBalancer', message: 'Ensured load balancer', component: 'service-controller' });
  }
}
