// port-forward's client side, as kubectl and client-go do it: which pod a TYPE/NAME means, how port specs and
// service ports become pod ports, and which local addresses to listen on. Pure functions over the state; every
// message is kubectl's.
import { CommandError, notFound } from '../api/errors.js';
import { matchesLabelSelector, matchesMap } from '../api/labels.js';
import { findResource, qualifiedResource, type ResourceInfo } from '../api/resources.js';
import type { KubeObject, LabelSelector, Pod, Service } from '../api/types.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { own } from '../util/own.js';

type PodObj = Pod & KubeObject;
type ServiceObj = Service & KubeObject;

/** kubectl's splitPort: two parts are local:remote; anything else uses the first part for both (so 1:2:3 is 1). */
export function splitPort(port: string): [string, string] {
  const parts = port.split(':');
  if (parts.length === 2) return [parts[0], parts[1]];
  return [parts[0], parts[0]];
}

/** Go's strconv.Atoi acceptance: optional sign, decimal digits, fits in int64. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  if (!Number.isSafeInteger(n)) return undefined;
  return n;
}

/** The object the user named, as the resource builder finds it (bare NAME is a pod). */
export interface Target {
  info: ResourceInfo;
  obj: KubeObject;
}

const ATTACHABLE = new Set(['pods', 'services', 'deployments', 'replicasets', 'replicationcontrollers']);

/** Resolves "TYPE/NAME" or "NAME" in a namespace; NotFound as the API server words it. */
export function findTarget(state: ClusterState, namespace: string, arg: string): Target {
  const slash = arg.indexOf('/');
  let info: ResourceInfo | undefined;
  let name: string;
  if (slash < 0) {
    info = findResource('pods');
    name = arg;
  } else {
    const word = arg.slice(0, slash);
    name = arg.slice(slash + 1);
    info = findResource(word);
    if (!info) throw new CommandError(`the server doesn't have a resource type "${word}"`);
  }
  if (!info) throw new CommandError(`the server doesn't have a resource type "pods"`);
  if (name === '') throw new CommandError(`arguments in resource/name form must have a single resource and name`);
  const obj = getObject(state, info.resource, info.namespaced ? namespace : undefined, name);
  if (!obj) throw notFound(qualifiedResource(info), name);
  return { info, obj };
}

export type PodChoice = { kind: 'pod'; pod: PodObj } | { kind: 'wait' };

/**
 * polymorphichelpers.AttachablePodForObject: a pod is itself; other kinds list pods with their selector and take
 * the first by sort.Reverse(podutils.ActivePods). No pod yet: the caller waits (--pod-running-timeout).
 */
export function attachablePod(state: ClusterState, target: Target): PodChoice {
  const { info, obj } = target;
  if (info.resource === 'pods') return { kind: 'pod', pod: obj as PodObj };
  if (!ATTACHABLE.has(info.resource)) {
    throw new CommandError(`cannot attach to *${goType(info)}: selector for *${goType(info)} not implemented`);
  }
  const ns = obj.metadata.namespace;
  let match: (labels: Record<string, string> | undefined) => boolean;
  if (info.resource === 'services') {
    const sel = (obj as ServiceObj).spec?.selector;
    if (!sel || Object.keys(sel).length === 0) {
      throw new CommandError(`cannot attach to *v1.Service: invalid service '${obj.metadata.name}': Service is defined without a selector`);
    }
    match = (l) => matchesMap(sel, l);
  } else if (info.resource === 'replicationcontrollers') {
    const sel = (obj.spec as { selector?: Record<string, string> } | undefined)?.selector;
    match = (l) => matchesMap(sel, l);
  } else {
    const sel = (obj.spec as { selector?: LabelSelector } | undefined)?.selector;
    match = (l) => matchesLabelSelector(sel, l);
  }
  const pods = listObjects<Pod>(state, 'pods', ns).filter((p) => match(p.metadata.labels));
  if (pods.length === 0) return { kind: 'wait' };
  return { kind: 'pod', pod: sortActivePods(pods)[0] };
}

function goType(info: ResourceInfo): string {
  return `${info.version}.${info.kind}`;
}

function isReady(p: PodObj): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function readyTime(p: PodObj): number {
  const c = p.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : 0;
}

function maxRestarts(p: PodObj): number {
  return Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** afterOrZero: a zero time counts as "after" everything. */
function afterOrZero(t1: number, t2: number): boolean {
  if (t1 === 0 || t2 === 0) return t1 === 0;
  return t1 > t2;
}

/** podutils.ActivePods Less: true when a is "less active" than b. */
export function lessActive(a: PodObj, b: PodObj): boolean {
  const an = a.spec?.nodeName ?? '';
  const bn = b.spec?.nodeName ?? '';
  if (an !== bn && (an === '' || bn === '')) return an === '';
  const ap = own(PHASE_RANK, a.status?.phase ?? '') ?? 0;
  const bp = own(PHASE_RANK, b.status?.phase ?? '') ?? 0;
  if (ap !== bp) return ap < bp;
  const ar = isReady(a);
  const br = isReady(b);
  if (ar !== br) return !ar;
  if (ar && br) {
    const at = readyTime(a);
    const bt = readyTime(b);
    if (at !== bt) return afterOrZero(at, bt);
  }
  const rsA = maxRestarts(a);
  const rsB = maxRestarts(b);
  if (rsA !== rsB) return rsA > rsB;
  const ca = a.metadata.creationTimestamp ? Date.parse(a.metadata.creationTimestamp) : 0;
  const cb = b.metadata.creationTimestamp ? Date.parse(b.metadata.creationTimestamp) : 0;
  if (ca !== cb) return afterOrZero(ca, cb);
  return false;
}

/** Most active first (sort.Reverse(ActivePods)); ties keep list (name) order. */
export function sortActivePods(pods: PodObj[]): PodObj[] {
  return [...pods].sort((a, b) => (lessActive(b, a) ? -1 : lessActive(a, b) ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------------------
// Ports

function lookupContainerPortByName(pod: PodObj, name: string): number {
  for (const list of [pod.spec?.containers ?? [], pod.spec?.initContainers ?? []]) {
    for (const c of list) for (const p of c.ports ?? []) if (p.name === name) return p.containerPort;
  }
  throw new CommandError(`Pod '${pod.metadata.name}' does not have a named port '${name}'`);
}

function lookupServicePortByName(svc: ServiceObj, name: string): number {
  for (const p of svc.spec?.ports ?? []) if (p.name === name) return p.port;
  throw new CommandError(`Service '${svc.metadata.name}' does not have a named port '${name}'`);
}

function lookupContainerPortByServicePort(svc: ServiceObj, pod: PodObj, port: number): number {
  for (const sp of svc.spec?.ports ?? []) {
    if (sp.port !== port) continue;
    if (svc.spec?.clusterIP === 'None') return port;
    const tp = sp.targetPort;
    if (tp === undefined || typeof tp === 'number') return tp ? tp : sp.port;
    if (/^\d+$/.test(tp)) return Number(tp) || sp.port;
    return lookupContainerPortByName(pod, tp);
  }
  throw new CommandError(`Service ${svc.metadata.name} does not have a service port ${port}`);
}

function udpOnly(entries: { port: number; protocol?: string }[]): Set<number> {
  const udp = new Set<number>();
  const tcp = new Set<number>();
  for (const e of entries) {
    const proto = e.protocol ?? 'TCP';
    if (proto === 'UDP') udp.add(e.port);
    else if (proto === 'TCP') tcp.add(e.port);
  }
  for (const p of tcp) udp.delete(p);
  return udp;
}

/** checkUDPPortInService / checkUDPPortInPod. */
export function checkUDPPorts(ports: string[], target: { svc?: ServiceObj; pod: PodObj }): void {
  const only = target.svc
    ? udpOnly((target.svc.spec?.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol })))
    : udpOnly((target.pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => ({ port: p.containerPort, protocol: p.protocol }))));
  for (const spec of ports) {
    const [, remote] = splitPort(spec);
    let n = atoi(remote);
    if (n === undefined) n = target.svc ? lookupServicePortByName(target.svc, remote) : lookupContainerPortByName(target.pod, remote);
    if (only.has(n)) throw new CommandError(`UDP protocol is not supported for ${remote}`);
  }
}

/** translateServicePortToTargetPort: service port (number or name) -> the pod's port; the local port stays. */
export function translateServicePorts(ports: string[], svc: ServiceObj, pod: PodObj): string[] {
  return ports.map((spec) => {
    let [local, remote] = splitPort(spec);
    if (remote === '') throw new CommandError('remote port cannot be empty');
    let n = atoi(remote);
    if (n === undefined) {
      n = lookupServicePortByName(svc, remote);
      if (local === remote) local = String(n);
    }
    const containerPort = String(lookupContainerPortByServicePort(svc, pod, n));
    return local !== containerPort ? `${local}:${containerPort}` : containerPort;
  });
}

/** convertPodNamedPortToNumber. */
export function convertPodNamedPorts(ports: string[], pod: PodObj): string[] {
  return ports.map((spec) => {
    const [local, remote] = splitPort(spec);
    if (remote === '') throw new CommandError('remote port cannot be empty');
    let containerPort = remote;
    if (atoi(remote) === undefined) containerPort = String(lookupContainerPortByName(pod, remote));
    return local !== remote ? `${local}:${containerPort}` : containerPort;
  });
}

export interface ForwardedPort {
  local: number;
  remote: number;
}

/** Go's strconv.ParseUint(s, 10, 16) error text, or the value. */
function parseUint16(s: string): number | string {
  if (!/^\d+$/.test(s)) return `strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`;
  const n = Number(s);
  if (n > 65535) return `strconv.ParseUint: parsing ${goQuote(s)}: value out of range`;
  return n;
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** client-go parsePorts. */
export function parsePorts(ports: string[]): ForwardedPort[] {
  return ports.map((spec) => {
    const parts = spec.split(':');
    let localS: string;
    let remoteS: string;
    if (parts.length === 1) {
      localS = parts[0];
      remoteS = parts[0];
    } else if (parts.length === 2) {
      localS = parts[0] === '' ? '0' : parts[0];
      remoteS = parts[1];
    } else {
      throw new CommandError(`invalid port format '${spec}'`);
    }
    const local = parseUint16(localS);
    if (typeof local === 'string') throw new CommandError(`error parsing local port '${localS}': ${local}`);
    const remote = parseUint16(remoteS);
    if (typeof remote === 'string') throw new CommandError(`error parsing remote port '${remoteS}': ${remote}`);
    if (remote === 0) throw new CommandError('remote port must be > 0');
    return { local, remote };
  });
}

export interface ListenAddress {
  address: string;
  protocol: 'tcp4' | 'tcp6';
  /** "all": the group succeeds if one binds (localhost); "any": every explicit address must bind. */
  failureMode: 'all' | 'any';
}

function isIPv4(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  return !!m && m.slice(1).every((x) => Number(x) <= 255 && (x.length === 1 || x[0] !== '0'));
}

function isIPv6(s: string): boolean {
  if (!s.includes(':') || !/^[0-9a-fA-F:.]+$/.test(s)) return false;
  const dbl = s.split('::');
  if (dbl.length > 2) return false;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const all = [...groups(dbl[0]), ...(dbl.length === 2 ? groups(dbl[1]) : [])];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i];
    if (i === all.length - 1 && g.includes('.')) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) count += 1;
    else return false;
  }
  return dbl.length === 2 ? count < 8 : count === 8;
}

/** client-go parseAddresses: localhost is 127.0.0.1 and ::1; de-duplicated, sorted by string. */
export function parseAddresses(list: string[]): ListenAddress[] {
  const parsed = new Map<string, ListenAddress>();
  for (const a of list) {
    if (a === 'localhost') {
      if (!parsed.has('127.0.0.1')) parsed.set('127.0.0.1', { address: '127.0.0.1', protocol: 'tcp4', failureMode: 'all' });
      if (!parsed.has('::1')) parsed.set('::1', { address: '::1', protocol: 'tcp6', failureMode: 'all' });
    } else if (isIPv4(a) || (/^::ffff:/i.test(a) && isIPv4(a.slice(7)))) {
      parsed.set(a, { address: a, protocol: 'tcp4', failureMode: 'any' });
    } else if (isIPv6(a)) {
      parsed.set(a, { address: a, protocol: 'tcp6', failureMode: 'any' });
    } else {
      throw new CommandError(`${a} is not a valid IP`);
    }
  }
  return [...parsed.values()].sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
}

/** net.JoinHostPort. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's time.ParseDuration for flags such as --pod-running-timeout. */
export function parseGoDuration(s: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/;
  while (rest.length) {
    const m = re.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]];
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

/** The pod a forwarder talks to and the port pairs, after every client-side check kubectl makes. */
export interface ForwardPlan {
  pod: PodObj;
  ports: ForwardedPort[];
  addresses: ListenAddress[];
}

/**
 * Given the resolved pod, the rest of kubectl's Complete and RunPortForward: UDP check, port translation, the
 * pod phase check, then client-go's address and port parsing (in that order, so errors appear as kubectl's).
 */
export function planForward(target: Target, pod: PodObj, portArgs: string[], addressArgs: string[]): ForwardPlan {
  let ports: string[];
  if (target.info.resource === 'services') {
    const svc = target.obj as ServiceObj;
    checkUDPPorts(portArgs, { svc, pod });
    ports = translateServicePorts(portArgs, svc, pod);
  } else {
    checkUDPPorts(portArgs, { pod });
    ports = convertPodNamedPorts(portArgs, pod);
  }
  const phase = pod.status?.phase ?? '';
  if (phase !== 'Running') throw new CommandError(`unable to forward port because pod is not running. Current status=${phase}`);
  const addresses = parseAddresses(addressArgs);
  return { pod, ports: parsePorts(ports), addresses };
}
