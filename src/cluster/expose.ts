// The Service objects kubectl's generators build on the client: `kubectl expose` (pkg/cmd/expose/expose.go with
// the polymorphichelpers for selector, ports and protocols) and `kubectl create service <type>`
// (pkg/cmd/create/create_service.go). Pure functions of their inputs; errors carry kubectl's texts.
import { CommandError } from '../api/errors.js';
import type { Container, KubeObject } from '../api/types.js';
import { portNameErrors } from '../api/validation.js';
import { setOwn } from '../util/own.js';

export interface ExposeOptions {
  name?: string;
  port?: string;
  targetPort?: string;
  protocol?: string;
  type?: string;
  selector?: string;
  labels?: string;
  externalIP?: string;
  sessionAffinity?: string;
  loadBalancerIP?: string;
  clusterIP?: string;
}

const EXPOSABLE = new Set(['Pod', 'Service', 'ReplicationController', 'Deployment', 'ReplicaSet']);

/** canBeExposed: only pods, services, replication controllers, deployments and replica sets. */
export function checkExposable(obj: KubeObject): void {
  if (!EXPOSABLE.has(obj.kind)) throw new CommandError(`cannot expose a ${obj.kind}`);
}

/** labels.FormatLabels-like "k=v,k2=v2" in key order, as polymorphichelpers.MakeLabels. */
function makeLabels(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** expose's parseLabels: "k=v,k2=v2" only. */
export function parseLabelSpec(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const kv = part.split('=');
    if (kv.length !== 2) throw new CommandError(`unexpected label spec: ${part}`);
    if (kv[0].length === 0) throw new CommandError('unexpected empty label key');
    setOwn(out, kv[0], kv[1]);
  }
  return out;
}

function podSpecOf(obj: KubeObject): { containers?: Container[] } | undefined {
  const spec = obj.spec as { containers?: Container[]; template?: { spec?: { containers?: Container[] } } } | undefined;
  if (obj.kind === 'Pod') return spec;
  return spec?.template?.spec;
}

/** mapBasedSelectorForObject. */
function selectorFor(obj: KubeObject): string {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  switch (obj.kind) {
    case 'Pod': {
      const labels = obj.metadata.labels ?? {};
      if (Object.keys(labels).length === 0) throw new Error('the pod has no labels and cannot be exposed');
      return makeLabels(labels);
    }
    case 'Service': {
      const sel = spec.selector as Record<string, string> | undefined;
      if (!sel || Object.keys(sel).length === 0) throw new Error('the service has no pod selector set');
      return makeLabels(sel);
    }
    case 'ReplicationController':
      return makeLabels((spec.selector as Record<string, string> | undefined) ?? {});
    default: {
      const sel = spec.selector as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined;
      const what = obj.kind === 'Deployment' ? 'deployment' : 'replicaset';
      if (!sel || Object.keys(sel.matchLabels ?? {}).length === 0) throw new Error(`invalid ${what}: no selectors, therefore cannot be exposed`);
      if (sel.matchExpressions?.length) {
        const exprs = sel.matchExpressions.map((e) => `{Key:${e.key} Operator:${e.operator} Values:[${(e.values ?? []).join(' ')}]}`).join(' ');
        throw new Error(`couldn't convert expressions - "[${exprs}]" to map-based selector format`);
      }
      return makeLabels(sel.matchLabels ?? {});
    }
  }
}

/** portsForObject and protocolsForObject: distinct port numbers in order, and each number's protocols. */
function portsFor(obj: KubeObject): { ports: string[]; protocols: Map<string, string[]> } {
  const ports: string[] = [];
  const protocols = new Map<string, string[]>();
  const add = (port: number, protocol: string | undefined): void => {
    const key = String(port);
    if (!protocols.has(key)) {
      ports.push(key);
      protocols.set(key, []);
    }
    const list = protocols.get(key)!;
    const p = protocol || 'TCP';
    if (!list.includes(p)) list.push(p);
  };
  if (obj.kind === 'Service') {
    for (const p of ((obj.spec as { ports?: { port: number; protocol?: string }[] })?.ports ?? [])) add(p.port, p.protocol);
  } else {
    for (const c of podSpecOf(obj)?.containers ?? []) for (const p of c.ports ?? []) add(p.containerPort, p.protocol);
  }
  return { ports, protocols };
}

function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new CommandError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

/** Builds the Service `kubectl expose` would send for the object `source`. */
export function buildExposedService(source: KubeObject, o: ExposeOptions): KubeObject {
  checkExposable(source);
  const defaultName = source.metadata.name.slice(0, 63);
  let selectorSpec = o.selector ?? '';
  if (!selectorSpec) {
    try {
      selectorSpec = selectorFor(source);
    } catch (e) {
      throw new CommandError(`couldn't retrieve selectors via --selector flag or introspection: ${(e as Error).message}`);
    }
  }
  const headless = o.clusterIP === 'None';
  let portStrings: string[] = [];
  let protocolMap = new Map<string, string[]>();
  if (o.port) portStrings = o.port.split(',');
  else {
    const found = portsFor(source);
    if (found.ports.length === 0 && !headless) throw new CommandError("couldn't find port via --port flag or introspection");
    portStrings = found.ports;
  }
  if (!o.protocol) protocolMap = portsFor(source).protocols;
  const labelsSpec = o.labels ?? (Object.keys(source.metadata.labels ?? {}).length ? makeLabels(source.metadata.labels!) : '');
  const selector = parseLabelSpec(selectorSpec);
  const labels = labelsSpec ? parseLabelSpec(labelsSpec) : undefined;

  const ports: Record<string, unknown>[] = [];
  portStrings.forEach((ps, i) => {
    const port = atoi(ps);
    const name = portStrings.length > 1 ? `port-${i + 1}` : undefined;
    let protocol = o.protocol;
    if (!protocol) {
      const list = protocolMap.get(ps);
      if (list && list.length > 1) {
        // One ServicePort per protocol of a multi-protocol port number.
        for (const p of list) ports.push({ name: `port-${i + 1}-${p.toLowerCase()}`, port, protocol: p });
        return;
      }
      protocol = list?.[0] ?? 'TCP';
    }
    ports.push({ ...(name ? { name } : {}), port, protocol });
  });
  for (const p of ports) {
    if (o.targetPort) p.targetPort = /^\d+$/.test(o.targetPort) ? Number(o.targetPort) : o.targetPort;
    else p.targetPort = p.port;
  }
  const spec: Record<string, unknown> = { selector };
  if (ports.length) spec.ports = ports;
  if (o.externalIP) spec.externalIPs = [o.externalIP];
  if (o.type) spec.type = o.type;
  if (o.type === 'LoadBalancer' && o.loadBalancerIP) spec.loadBalancerIP = o.loadBalancerIP;
  if (o.sessionAffinity) {
    if (o.sessionAffinity !== 'None' && o.sessionAffinity !== 'ClientIP') throw new CommandError(`unknown session affinity: ${o.sessionAffinity}`);
    spec.sessionAffinity = o.sessionAffinity;
  }
  if (o.clusterIP) spec.clusterIP = o.clusterIP;
  const metadata: Record<string, unknown> = { name: o.name || defaultName, creationTimestamp: null };
  if (labels) metadata.labels = labels;
  return { apiVersion: 'v1', kind: 'Service', metadata, spec, status: { loadBalancer: {} } } as unknown as KubeObject;
}

// ---------------------------------------------------------------------------------------------------------
// create service

export type CreateServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

export interface CreateServiceOptions {
  name: string;
  type: CreateServiceType;
  tcp: string[];
  clusterIP?: string;
  nodePort?: number;
  externalName?: string;
}

/** utilsnet.ParsePort(s, allowZero=true): strconv.ParseUint(s, 10, 16) errors verbatim. */
function parsePort(s: string): number {
  if (!/^\d+$/.test(s)) throw new CommandError(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n > 65535) throw new CommandError(`strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

function parseTCP(spec: string): { port: number; targetPort: number | string } {
  const parts = spec.split(':');
  const port = parsePort(parts[0]);
  if (parts.length === 1) return { port, targetPort: port };
  const t = parts[1];
  if (/^[+-]?\d+$/.test(t)) {
    const n = Number(t);
    if (n < 1 || n > 65535) throw new CommandError('must be between 1 and 65535, inclusive');
    return { port, targetPort: n };
  }
  const errs = portNameErrors(t);
  if (errs.length) throw new CommandError(errs.join(','));
  return { port, targetPort: t };
}

/** ServiceOptions.Validate and createService. */
export function buildCreateService(o: CreateServiceOptions): KubeObject {
  if (o.clusterIP === 'None' && o.type !== 'ClusterIP') throw new CommandError('ClusterIP=None can only be used with ClusterIP service type');
  if (o.clusterIP !== 'None' && o.tcp.length === 0 && o.type !== 'ExternalName') throw new CommandError('at least one tcp port specifier must be provided');
  if (o.type === 'ExternalName') {
    const n = o.externalName ?? '';
    if (n.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(n)) throw new CommandError(`invalid service external name ${n}`);
  }
  const ports = o.tcp.map((t) => {
    const { port, targetPort } = parseTCP(t);
    const p: Record<string, unknown> = { name: t.replaceAll(':', '-'), port, protocol: 'TCP', targetPort };
    if (o.nodePort) p.nodePort = o.nodePort;
    return p;
  });
  const spec: Record<string, unknown> = { selector: { app: o.name }, type: o.type };
  if (ports.length) spec.ports = ports;
  if (o.type === 'ClusterIP' && o.clusterIP) spec.clusterIP = o.clusterIP;
  if (o.type === 'ExternalName') spec.externalName = o.externalName;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: o.name, labels: { app: o.name }, creationTimestamp: null },
    spec,
    status: { loadBalancer: {} },
  } as unknown as KubeObject;
}
