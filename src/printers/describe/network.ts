// Ingresses (backends resolved to their Service's ready endpoints) and NetworkPolicies.
import { formatLabelSelector } from '../../api/labels.js';
import type { EndpointSlice, Ingress, KubeObject, NetworkPolicy } from '../../api/types.js';
import { getObject, listObjects } from '../../store/objects.js';
import type { ClusterState } from '../../store/state.js';
import { formatEndpointSlices } from './service.js';
import { describeEvents, formatGoTime, LEVEL_0, LEVEL_1, LEVEL_2, printAnnotationsMultiline, printLabelsMultiline, tabbedString, type DescribeClock, type PrefixWriter, type TimeZone } from './writer.js';

type Backend = NonNullable<NonNullable<Ingress['spec']>['defaultBackend']>;

function describeBackend(state: ClusterState, ns: string, backend: Backend): string {
  if (backend.service) {
    const svcRef = backend.service;
    const port = svcRef.port?.number ? String(svcRef.port.number) : svcRef.port?.name ?? '';
    const sb = `${svcRef.name}:${port}`;
    const slices = listObjects<EndpointSlice>(state, 'endpointslices', ns).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svcRef.name);
    const svc = getObject(state, 'services', ns, svcRef.name);
    if (!svc) return `${sb} (<error: services "${svcRef.name}" not found>)`;
    let spName = '';
    for (const sp of ((svc.spec as { ports?: { name?: string; port: number }[] } | undefined)?.ports ?? [])) {
      if (svcRef.port?.number && svcRef.port.number === sp.port) spName = sp.name ?? '';
      else if (svcRef.port?.name && svcRef.port.name === sp.name) spName = sp.name ?? '';
    }
    return `${sb} (${formatEndpointSlices(slices, new Set([spName]))})`;
  }
  if (backend.resource) {
    const r = backend.resource;
    return `APIGroup: ${r.apiGroup ?? '<none>'}, Kind: ${r.kind}, Name: ${r.name}`;
  }
  return '';
}

export function describeIngress(state: ClusterState, ing: Ingress & KubeObject, events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    const ns = ing.metadata.namespace ?? '';
    const spec = ing.spec ?? {};
    w.write(LEVEL_0, `Name:\t${ing.metadata.name}\n`);
    printLabelsMultiline(w, 'Labels', ing.metadata.labels);
    w.write(LEVEL_0, `Namespace:\t${ns}\n`);
    const addrs = new Set<string>();
    for (const i of ing.status?.loadBalancer?.ingress ?? []) {
      if (i.ip) addrs.add(i.ip);
      else if (i.hostname) addrs.add(i.hostname);
    }
    w.write(LEVEL_0, `Address:\t${[...addrs].sort().join(',')}\n`);
    w.write(LEVEL_0, `Ingress Class:\t${spec.ingressClassName ?? '<none>'}\n`);
    const def = spec.defaultBackend ? describeBackend(state, ns, spec.defaultBackend) : '<default>';
    w.write(LEVEL_0, `Default backend:\t${def}\n`);
    if (spec.tls?.length) {
      w.write(LEVEL_0, 'TLS:\n');
      for (const t of spec.tls) {
        if (!t.secretName) w.write(LEVEL_1, `SNI routes ${(t.hosts ?? []).join(',')}\n`);
        else w.write(LEVEL_1, `${t.secretName} terminates ${(t.hosts ?? []).join(',')}\n`);
      }
    }
    w.write(LEVEL_0, 'Rules:\n  Host\tPath\tBackends\n');
    w.write(LEVEL_1, '----\t----\t--------\n');
    let count = 0;
    for (const rule of spec.rules ?? []) {
      if (!rule.http) continue;
      count++;
      w.write(LEVEL_1, `${rule.host || '*'}\t\n`);
      for (const p of rule.http.paths ?? []) w.write(LEVEL_2, `\t${p.path ?? ''} \t${describeBackend(state, ns, p.backend)}\n`);
    }
    if (count === 0) w.write(LEVEL_1, `*\t*\t${def}\n`);
    printAnnotationsMultiline(w, 'Annotations', ing.metadata.annotations);
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

type Peer = { podSelector?: unknown; namespaceSelector?: unknown; ipBlock?: { cidr: string; except?: string[] } };
type Rule = { ports?: { protocol?: string; port?: number | string; endPort?: number }[]; from?: Peer[]; to?: Peer[] };

function printRules(w: PrefixWriter, rules: Rule[] | undefined, dir: 'From' | 'To', isolated: string, indent: string): void {
  if (!rules || rules.length === 0) {
    w.write(LEVEL_0, `${indent}${isolated}\n`);
    return;
  }
  rules.forEach((rule, i) => {
    if (!rule.ports?.length) w.write(LEVEL_0, `${indent}To Port: <any> (traffic allowed to all ports)\n`);
    else
      for (const port of rule.ports) {
        const proto = port.protocol ?? 'TCP';
        const p = port.port === undefined || port.port === null ? '<nil>' : String(port.port);
        if (port.endPort === undefined || port.endPort === null) w.write(LEVEL_0, `${indent}To Port: ${p}/${proto}\n`);
        else w.write(LEVEL_0, `${indent}To Port Range: ${p}-${port.endPort}/${proto}\n`);
      }
    const peers = dir === 'From' ? rule.from : rule.to;
    if (!peers?.length) w.write(LEVEL_0, `${indent}${dir === 'From' ? 'From: <any> (traffic not restricted by source)' : 'To: <any> (traffic not restricted by destination)'}\n`);
    else
      for (const peer of peers) {
        w.write(LEVEL_0, `${indent}${dir}:\n`);
        const fmt = (s: unknown) => formatLabelSelector(s as Parameters<typeof formatLabelSelector>[0]);
        if (peer.podSelector && peer.namespaceSelector) {
          w.write(LEVEL_1, `${indent}NamespaceSelector: ${fmt(peer.namespaceSelector)}\n`);
          w.write(LEVEL_1, `${indent}PodSelector: ${fmt(peer.podSelector)}\n`);
        } else if (peer.podSelector) w.write(LEVEL_1, `${indent}PodSelector: ${fmt(peer.podSelector)}\n`);
        else if (peer.namespaceSelector) w.write(LEVEL_1, `${indent}NamespaceSelector: ${fmt(peer.namespaceSelector)}\n`);
        else if (peer.ipBlock) {
          w.write(LEVEL_1, `${indent}IPBlock:\n`);
          w.write(LEVEL_2, `${indent}CIDR: ${peer.ipBlock.cidr}\n`);
          w.write(LEVEL_2, `${indent}Except: ${(peer.ipBlock.except ?? []).join(', ')}\n`);
        }
      }
    if (i !== rules.length - 1) w.write(LEVEL_0, `${indent}----------\n`);
  });
}

export function describeNetworkPolicy(np: NetworkPolicy & KubeObject, zone: TimeZone): string {
  return tabbedString((w) => {
    const spec = (np.spec ?? {}) as NonNullable<NetworkPolicy['spec']>;
    w.write(LEVEL_0, `Name:\t${np.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${np.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Created on:\t${formatGoTime(new Date(np.metadata.creationTimestamp ?? '0001-01-01T00:00:00Z'), zone)}\n`);
    printLabelsMultiline(w, 'Labels', np.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', np.metadata.annotations);
    w.write(LEVEL_0, 'Spec:\n');
    w.write(LEVEL_1, 'PodSelector: ');
    const ps = spec.podSelector ?? {};
    if (!Object.keys(ps.matchLabels ?? {}).length && !(ps.matchExpressions ?? []).length) w.write(LEVEL_2, '<none> (Allowing the specific traffic to all pods in this namespace)\n');
    else w.write(LEVEL_2, `${formatLabelSelector(ps)}\n`);
    const types = spec.policyTypes ?? [];
    if (types.includes('Ingress')) {
      w.write(LEVEL_1, 'Allowing ingress traffic:\n');
      printRules(w, spec.ingress as Rule[] | undefined, 'From', '<none> (Selected pods are isolated for ingress connectivity)', '    ');
    } else w.write(LEVEL_1, 'Not affecting ingress traffic\n');
    if (types.includes('Egress')) {
      w.write(LEVEL_1, 'Allowing egress traffic:\n');
      printRules(w, spec.egress as Rule[] | undefined, 'To', '<none> (Selected pods are isolated for egress connectivity)', '    ');
    } else w.write(LEVEL_1, 'Not affecting egress traffic\n');
    w.write(LEVEL_1, `Policy Types: ${types.length ? types.join(', ') : '<none>'}\n`);
  }, zone);
}
