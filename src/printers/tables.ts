// The API server's table printers (pkg/printers/internalversion/printers.go) for the kinds kubesim serves.
// Each handler returns every cell, wide ones included, as the server does (it always generates wide);
// kubectl then drops priority-1 columns unless -o wide. Cells are strings, as kubectl prints them.
import { formatLabels } from '../api/labels.js';
import type { KubeObject, LabelSelector } from '../api/types.js';
import { humanDuration } from '../util/duration.js';
import { own } from '../util/own.js';
import { BATCH_TABLES } from './batch-tables.js';
import { POLICY_TABLES } from './policy-tables.js';

export interface Column {
  /** Header as kubectl prints it (already upper-cased). */
  name: string;
  /** 1 = only with -o wide. */
  priority: 0 | 1;
}

export interface TableHandler {
  columns: Column[];
  /** Index of the column holding the object name (gets the `kind/` prefix for several kinds). */
  nameColumn: number;
  row(obj: KubeObject, now: Date): string[];
}

// Loose views of objects: stored objects are JSON, every field may be missing.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

function cols(normal: string[], wide: string[] = []): Column[] {
  return [...normal.map((name) => ({ name, priority: 0 as const })), ...wide.map((name) => ({ name, priority: 1 as const }))];
}

/** translateTimestampSince: HumanDuration of now - t, `<unknown>` for a zero time. */
export function since(ts: string | undefined | null, now: Date): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/** metav1.FormatLabelSelector via LabelSelectorAsSelector: requirements sorted by key, sets sorted. */
export function selectorString(sel: LabelSelector | undefined | null): string {
  if (!sel) return '';
  const reqs: { key: string; text: string }[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${sel.matchLabels![k]}` });
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...new Set(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') reqs.push({ key: e.key, text: `${e.key} in (${vals})` });
    else if (e.operator === 'NotIn') reqs.push({ key: e.key, text: `${e.key} notin (${vals})` });
    else if (e.operator === 'Exists') reqs.push({ key: e.key, text: e.key });
    else if (e.operator === 'DoesNotExist') reqs.push({ key: e.key, text: `!${e.key}` });
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  const s = selectorString(sel);
  return s === '' ? '<none>' : s;
}

function containerCells(containers: Any[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/** helper.GetAccessModesAsString: the short names in a fixed order, comma-joined. */
function accessModes(modes: unknown): string {
  const list = Array.isArray(modes) ? modes : [];
  return [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']]
    .filter(([m]) => list.includes(m))
    .map(([, s]) => s)
    .join(',');
}

function num(v: unknown): string {
  return String(typeof v === 'number' ? v : 0);
}

/** `a,b,c + N more...` as the endpoint, port and host cells print long lists. */
function listWithMore(list: string[], count: number, max: number, empty: string): string {
  const ret = list.join(',');
  if (count > max) return `${ret} + ${count - max} more...`;
  return ret === '' ? empty : ret;
}

function joinHostPort(ip: string, port: number | string): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function isRestartableInit(c: Any): boolean {
  return c?.restartPolicy === 'Always';
}

function laterOf(a: number, ts: string | undefined): number {
  if (!ts) return a;
  const t = Date.parse(ts);
  return Number.isNaN(t) || t <= a ? a : t;
}

/** printPod: READY, STATUS (the reason logic), RESTARTS with "(x ago)", then the wide cells. */
export function podRow(pod: Any, now: Date): string[] {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;
  const phase: string = status.phase ?? '';
  let reason: string = status.reason || phase;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const initContainers = new Map<string, Any>();
  for (const c of spec.initContainers ?? []) {
    initContainers.set(c.name, c);
    if (isRestartableInit(c)) totalContainers++;
  }
  let initializing = false;
  const initStatuses: Any[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c.restartCount ?? 0;
    lastRestart = laterOf(lastRestart, c.lastState?.terminated?.finishedAt);
    const restartable = isRestartableInit(initContainers.get(c.name));
    if (restartable) {
      restartableInitRestarts += c.restartCount ?? 0;
      lastRestartableInitRestart = laterOf(lastRestartableInitRestart, c.lastState?.terminated?.finishedAt);
    }
    const term = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (restartable && c.started) {
      if (c.ready) readyContainers++;
      continue;
    }
    if (term) {
      if (!term.reason) reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode ?? 0}`;
      else reason = `Init:${term.reason}`;
    } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }
  const initializedTrue = (status.conditions ?? []).some((c: Any) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses: Any[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = laterOf(lastRestart, c.lastState?.terminated?.finishedAt);
      const waiting = c.state?.waiting;
      const term = c.state?.terminated;
      if (waiting && waiting.reason) reason = waiting.reason;
      else if (term && term.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = (status.conditions ?? []).some((c: Any) => c.type === 'Ready' && c.status === 'True');
      reason = ready ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart !== 0) restartsCell = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;

  const ip: string = status.podIP || status.podIPs?.[0]?.ip || '<none>';
  let gates = '<none>';
  const rg: Any[] = spec.readinessGates ?? [];
  if (rg.length > 0) {
    let trueCount = 0;
    for (const g of rg) {
      const cond = (status.conditions ?? []).find((c: Any) => c.type === g.conditionType);
      if (cond && cond.status === 'True') trueCount++;
    }
    gates = `${trueCount}/${rg.length}`;
  }
  return [
    pod.metadata.name,
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsCell,
    since(pod.metadata.creationTimestamp, now),
    ip,
    spec.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    gates,
  ];
}

function serviceExternalIP(svc: Any): string {
  const spec = svc.spec ?? {};
  const externalIPs: string[] = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = lbIngressString(svc.status?.loadBalancer);
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return '<unknown>';
}

/** loadBalancerStatusStringer (wide, as the server always is): IPs or hostnames as a sorted set. */
function lbIngressString(lb: Any): string {
  const set = new Set<string>();
  for (const i of lb?.ingress ?? []) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  return [...set].sort().join(',');
}

export function servicePorts(ports: Any[] | undefined): string {
  const s = (ports ?? []).map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`)).join(',');
  return s === '' ? '<none>' : s;
}

/** formatEndpoints: ready addresses as ip:port, port-major within a subset, at most 3 shown. */
export function formatEndpoints(ep: Any): string {
  const subsets: Any[] = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs: Any[] = ss.addresses ?? [];
    const ports: Any[] = ss.ports ?? [];
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) if (list.length < 3) list.push(a.ip);
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) if (list.length < 3) list.push(joinHostPort(a.ip, p.port));
    }
  }
  const ret = list.join(',');
  return count > 3 ? `${ret} + ${count - 3} more...` : ret;
}

function nodeRoles(node: Any): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries((node.metadata?.labels ?? {}) as Record<string, string>)) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  const s = [...roles].sort().join(',');
  return s === '' ? '<none>' : s;
}

function nodeAddress(node: Any, type: string): string {
  return (node.status?.addresses ?? []).find((a: Any) => a.type === type)?.address ?? '<none>';
}

function eventSource(e: Any): string {
  const component = e.source?.component || e.reportingComponent || '';
  const host = e.source?.host || e.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}

function eventRow(e: Any, now: Date): string[] {
  let first = since(e.firstTimestamp, now);
  if (!e.firstTimestamp) first = since(e.eventTime, now);
  let last = e.lastTimestamp ? since(e.lastTimestamp, now) : first;
  let count: number = e.count ?? 0;
  if (e.series) {
    last = since(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) count = 1;
  const io = e.involvedObject ?? {};
  const target = io.name ? `${String(io.kind ?? '').toLowerCase()}/${io.name}` : String(io.kind ?? '').toLowerCase();
  return [last, e.type ?? '', e.reason ?? '', target, io.fieldPath ?? '', eventSource(e), String(e.message ?? '').trim(), first, String(count), e.metadata.name];
}

const age = (o: Any, now: Date) => since(o.metadata?.creationTimestamp, now);

/** resource (plural) -> handler. */
export const TABLES: Record<string, TableHandler> = {
  pods: {
    columns: cols(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']),
    nameColumn: 0,
    row: podRow,
  },
  services: {
    columns: cols(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], ['SELECTOR']),
    nameColumn: 0,
    row: (s: Any, now) => [
      s.metadata.name,
      s.spec?.type ?? '',
      s.spec?.clusterIPs?.[0] || '<none>',
      serviceExternalIP(s),
      servicePorts(s.spec?.ports),
      age(s, now),
      formatLabels(s.spec?.selector),
    ],
  },
  endpoints: {
    columns: cols(['NAME', 'ENDPOINTS', 'AGE']),
    nameColumn: 0,
    row: (e: Any, now) => [e.metadata.name, formatEndpoints(e), age(e, now)],
  },
  endpointslices: {
    columns: cols(['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']),
    nameColumn: 0,
    row: (s: Any, now) => {
      const ports: Any[] = s.ports ?? [];
      const portList = ports.slice(0, 3).map((p) => (p.port != null ? String(p.port) : p.name != null ? p.name : '*'));
      const addrs: string[] = [];
      for (const e of s.endpoints ?? []) for (const a of e.addresses ?? []) addrs.push(a);
      return [s.metadata.name, s.addressType ?? '', listWithMore(portList, ports.length, 3, '<unset>'), listWithMore(addrs.slice(0, 3), addrs.length, 3, '<unset>'), age(s, now)];
    },
  },
  nodes: {
    columns: cols(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'], ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']),
    nameColumn: 0,
    row: (n: Any, now) => {
      const ready = (n.status?.conditions ?? []).find((c: Any) => c.type === 'Ready');
      const status: string[] = ready ? [ready.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
      if (n.spec?.unschedulable) status.push('SchedulingDisabled');
      const info = n.status?.nodeInfo ?? {};
      return [
        n.metadata.name,
        status.join(','),
        nodeRoles(n),
        age(n, now),
        info.kubeletVersion ?? '',
        nodeAddress(n, 'InternalIP'),
        nodeAddress(n, 'ExternalIP'),
        info.osImage || '<unknown>',
        info.kernelVersion || '<unknown>',
        info.containerRuntimeVersion || '<unknown>',
      ];
    },
  },
  namespaces: {
    columns: cols(['NAME', 'STATUS', 'AGE']),
    nameColumn: 0,
    row: (n: Any, now) => [n.metadata.name, n.status?.phase ?? '', age(n, now)],
  },
  events: {
    columns: [
      { name: 'LAST SEEN', priority: 0 },
      { name: 'TYPE', priority: 0 },
      { name: 'REASON', priority: 0 },
      { name: 'OBJECT', priority: 0 },
      { name: 'SUBOBJECT', priority: 1 },
      { name: 'SOURCE', priority: 1 },
      { name: 'MESSAGE', priority: 0 },
      { name: 'FIRST SEEN', priority: 1 },
      { name: 'COUNT', priority: 1 },
      { name: 'NAME', priority: 1 },
    ],
    nameColumn: 9,
    row: eventRow,
  },
  deployments: {
    columns: cols(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']),
    nameColumn: 0,
    row: (d: Any, now) => {
      const [names, images] = containerCells(d.spec?.template?.spec?.containers);
      return [
        d.metadata.name,
        `${num(d.status?.readyReplicas)}/${num(d.spec?.replicas)}`,
        num(d.status?.updatedReplicas),
        num(d.status?.availableReplicas),
        age(d, now),
        names,
        images,
        selectorString(d.spec?.selector),
      ];
    },
  },
  replicasets: {
    columns: cols(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']),
    nameColumn: 0,
    row: (r: Any, now) => {
      const [names, images] = containerCells(r.spec?.template?.spec?.containers);
      return [r.metadata.name, num(r.spec?.replicas), num(r.status?.replicas), num(r.status?.readyReplicas), age(r, now), names, images, formatLabelSelector(r.spec?.selector)];
    },
  },
  replicationcontrollers: {
    columns: cols(['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']),
    nameColumn: 0,
    row: (r: Any, now) => {
      const [names, images] = containerCells(r.spec?.template?.spec?.containers);
      return [r.metadata.name, num(r.spec?.replicas), num(r.status?.replicas), num(r.status?.readyReplicas), age(r, now), names, images, formatLabels(r.spec?.selector)];
    },
  },
  statefulsets: {
    columns: cols(['NAME', 'READY', 'AGE'], ['CONTAINERS', 'IMAGES']),
    nameColumn: 0,
    row: (s: Any, now) => {
      const [names, images] = containerCells(s.spec?.template?.spec?.containers);
      return [s.metadata.name, `${num(s.status?.readyReplicas)}/${num(s.spec?.replicas)}`, age(s, now), names, images];
    },
  },
  daemonsets: {
    columns: cols(['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'], ['CONTAINERS', 'IMAGES', 'SELECTOR']),
    nameColumn: 0,
    row: (d: Any, now) => {
      const [names, images] = containerCells(d.spec?.template?.spec?.containers);
      const st = d.status ?? {};
      return [
        d.metadata.name,
        num(st.desiredNumberScheduled),
        num(st.currentNumberScheduled),
        num(st.numberReady),
        num(st.updatedNumberScheduled),
        num(st.numberAvailable),
        formatLabels(d.spec?.template?.spec?.nodeSelector),
        age(d, now),
        names,
        images,
        formatLabelSelector(d.spec?.selector),
      ];
    },
  },
  controllerrevisions: {
    columns: cols(['NAME', 'CONTROLLER', 'REVISION', 'AGE']),
    nameColumn: 0,
    row: (c: Any, now) => {
      const ref = (c.metadata.ownerReferences ?? []).find((r: Any) => r.controller);
      let controller = '<none>';
      if (ref) {
        const group = String(ref.apiVersion ?? '').includes('/') ? String(ref.apiVersion).split('/')[0] : '';
        controller = `${String(ref.kind).toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
      }
      return [c.metadata.name, controller, String(c.revision ?? 0), age(c, now)];
    },
  },
  ingresses: {
    columns: cols(['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']),
    nameColumn: 0,
    row: (i: Any, now) => {
      const rules: Any[] = i.spec?.rules ?? [];
      // formatHosts: hosts gathered until three are listed; "more" counts rules, host or not.
      const hosts: string[] = [];
      let more = false;
      for (const r of rules) {
        if (hosts.length === 3) more = true;
        if (!more && r.host) hosts.push(r.host);
      }
      let hostCell = hosts.length === 0 ? '*' : hosts.join(',');
      if (hosts.length > 0 && more) hostCell = `${hosts.join(',')} + ${rules.length - 3} more...`;
      return [i.metadata.name, i.spec?.ingressClassName ?? '<none>', hostCell, lbIngressString(i.status?.loadBalancer), (i.spec?.tls ?? []).length ? '80, 443' : '80', age(i, now)];
    },
  },
  ingressclasses: {
    columns: cols(['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE']),
    nameColumn: 0,
    row: (c: Any, now) => {
      const p = c.spec?.parameters;
      let params = '<none>';
      if (p) params = `${p.apiGroup ? `${p.kind}.${p.apiGroup}` : p.kind}/${p.name}`;
      return [c.metadata.name, c.spec?.controller ?? '', params, age(c, now)];
    },
  },
  networkpolicies: {
    columns: cols(['NAME', 'POD-SELECTOR', 'AGE']),
    nameColumn: 0,
    row: (p: Any, now) => [p.metadata.name, formatLabelSelector(p.spec?.podSelector ?? {}), age(p, now)],
  },
  configmaps: {
    columns: cols(['NAME', 'DATA', 'AGE']),
    nameColumn: 0,
    row: (c: Any, now) => [c.metadata.name, String(Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length), age(c, now)],
  },
  secrets: {
    columns: cols(['NAME', 'TYPE', 'DATA', 'AGE']),
    nameColumn: 0,
    row: (s: Any, now) => [s.metadata.name, s.type ?? '', String(Object.keys(s.data ?? {}).length), age(s, now)],
  },
  serviceaccounts: {
    columns: cols(['NAME', 'SECRETS', 'AGE']),
    nameColumn: 0,
    row: (s: Any, now) => [s.metadata.name, String((s.secrets ?? []).length), age(s, now)],
  },
  leases: {
    columns: cols(['NAME', 'HOLDER', 'AGE']),
    nameColumn: 0,
    row: (l: Any, now) => [l.metadata.name, l.spec?.holderIdentity ?? '', age(l, now)],
  },
  persistentvolumeclaims: {
    columns: cols(['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'], ['VOLUMEMODE']),
    nameColumn: 0,
    row: (c: Any, now) => {
      const bound = !!c.spec?.volumeName;
      return [
        c.metadata.name,
        c.metadata.deletionTimestamp ? 'Terminating' : str(c.status?.phase),
        str(c.spec?.volumeName),
        bound ? str(c.status?.capacity?.storage) : '',
        bound ? accessModes(c.status?.accessModes) : '',
        str(c.spec?.storageClassName ?? c.metadata.annotations?.['volume.beta.kubernetes.io/storage-class']),
        c.spec?.volumeAttributesClassName || '<unset>',
        age(c, now),
        c.spec?.volumeMode ?? '<unset>',
      ];
    },
  },
  persistentvolumes: {
    columns: cols(['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'], ['VOLUMEMODE']),
    nameColumn: 0,
    row: (v: Any, now) => {
      const ref = v.spec?.claimRef;
      return [
        v.metadata.name,
        str(v.spec?.capacity?.storage ?? '0'),
        accessModes(v.spec?.accessModes),
        str(v.spec?.persistentVolumeReclaimPolicy),
        v.metadata.deletionTimestamp ? 'Terminating' : str(v.status?.phase),
        ref ? `${ref.namespace ?? ''}/${ref.name ?? ''}` : '',
        str(v.spec?.storageClassName ?? v.metadata.annotations?.['volume.beta.kubernetes.io/storage-class']),
        v.spec?.volumeAttributesClassName || '<unset>',
        str(v.status?.reason),
        age(v, now),
        v.spec?.volumeMode ?? '<unset>',
      ];
    },
  },
  storageclasses: {
    columns: cols(['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE']),
    nameColumn: 0,
    row: (sc: Any, now) => {
      const ann = sc.metadata.annotations ?? {};
      const isDefault = ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
      return [
        isDefault ? `${sc.metadata.name} (default)` : sc.metadata.name,
        str(sc.provisioner),
        sc.reclaimPolicy ?? 'Delete',
        sc.volumeBindingMode ?? 'Immediate',
        sc.allowVolumeExpansion === true ? 'true' : 'false',
        age(sc, now),
      ];
    },
  },
  ...BATCH_TABLES,
  ...POLICY_TABLES,
};

/** kubectl's default for a kind without a server-side printer: NAME and AGE. */
export const DEFAULT_TABLE: TableHandler = {
  columns: cols(['NAME', 'AGE']),
  nameColumn: 0,
  row: (o, now) => [o.metadata.name, age(o, now)],
};

export function tableFor(resource: string): TableHandler {
  return own(TABLES, resource) ?? DEFAULT_TABLE;
}
