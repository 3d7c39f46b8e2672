// `kubesim get --raw PATH`: what the simulated API server answers at a URL path: the health endpoints, /version,
// discovery (/api, /apis, /api/v1, /apis/G/V) and object reads (lists and single objects), as raw bytes.
// Object JSON carries kubesim's stored key order, not Go's struct order (see docs/observe-facts.md).
import { CommandError, notFound, StatusError } from '../api/errors.js';
import { apiVersionOf, RESOURCES, type ResourceInfo } from '../api/resources.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import type { CliIO } from './io.js';

const NOT_FOUND = () => new StatusError('NotFound', 404, 'the server could not find the requested resource');

/** The API server's address as kind publishes it (the control-plane node, port 6443). */
function serverAddress(state: ClusterState): string {
  const cp = state.cluster.nodes.find((n) => n.role === 'control-plane') ?? state.cluster.nodes[0];
  return `${cp?.internalIP ?? '127.0.0.1'}:6443`;
}

/** The API server's group priority order (apps first, discovery late), for the groups kubesim serves. */
const GROUP_ORDER = ['apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch', 'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'admissionregistration.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'apiextensions.k8s.io', 'node.k8s.io', 'discovery.k8s.io'];

function groups(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const rank = (g: string) => (GROUP_ORDER.indexOf(g) + GROUP_ORDER.length + 1) % (GROUP_ORDER.length + 1);
  for (const r of [...RESOURCES].sort((a, b) => rank(a.group) - rank(b.group))) {
    if (!r.group) continue;
    const vs = out.get(r.group) ?? [];
    if (!vs.includes(r.version)) vs.push(r.version);
    out.set(r.group, vs);
  }
  return out;
}

function resourceList(group: string, version: string): object {
  const gv = group ? `${group}/${version}` : version;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: RESOURCES.filter((r) => r.group === group && r.version === version).map((r) => ({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    })),
  };
}

/** The body at path, or the API server's error. */
export function rawGet(state: ClusterState, path: string): string {
  const url = new URL(path, 'http://server');
  const p = url.pathname.replace(/\/+$/, '') || '/';
  if (p === '/readyz' || p === '/livez' || p === '/healthz') return 'ok';
  if (p === '/version') {
    const v = state.cluster.kubernetesVersion;
    // served with two-space indentation and no final newline
    return JSON.stringify({ major: '1', minor: v.split('.')[1] ?? '', gitVersion: v, gitCommit: '', gitTreeState: 'clean', buildDate: '', goVersion: 'go1.23.6', compiler: 'gc', platform: 'linux/amd64' }, null, 2);
  }
  const compact = (o: unknown) => `${JSON.stringify(o)}\n`;
  if (p === '/api') return compact({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: serverAddress(state) }] });
  if (p === '/apis') {
    return compact({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups()].map(([name, versions]) => ({
        name,
        versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
      })),
    });
  }
  if (p === '/api/v1') return compact(resourceList('', 'v1'));
  let m = /^\/apis\/([^/]+)$/.exec(p);
  if (m && groups().has(m[1])) {
    const versions = groups().get(m[1])!;
    return compact({ kind: 'APIGroup', apiVersion: 'v1', name: m[1], versions: versions.map((v) => ({ groupVersion: `${m![1]}/${v}`, version: v })), preferredVersion: { groupVersion: `${m[1]}/${versions[0]}`, version: versions[0] } });
  }
  m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
  if (m && RESOURCES.some((r) => r.group === m![1] && r.version === m![2])) return compact(resourceList(m[1], m[2]));
  m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(p);
  if (!m) throw NOT_FOUND();
  const group = m[2] ?? '';
  const version = m[1] ?? m[3];
  let namespace: string | undefined = m[4];
  let resource = m[5];
  let name: string | undefined = m[6];
  // /api/v1/namespaces/NAME is the Namespace itself
  if (namespace !== undefined && resource === undefined) [resource, name, namespace] = ['namespaces', namespace, undefined];
  const info: ResourceInfo | undefined = RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
  if (!info || (namespace !== undefined && !info.namespaced)) throw NOT_FOUND();
  if (name !== undefined) {
    const obj = getObject(state, info.resource, info.namespaced ? namespace : undefined, name);
    if (!obj || (info.namespaced && namespace === undefined)) throw notFound(info.group ? `${info.resource}.${info.group}` : info.resource, name);
    return compact(obj);
  }
  const items = listObjects(state, info.resource, info.namespaced ? namespace : undefined).sort((a, b) => cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || cmp(a.metadata.name, b.metadata.name));
  // a list's items carry no kind or apiVersion of their own
  const bare = items.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
  return compact({ kind: `${info.kind}List`, apiVersion: apiVersionOf(info), metadata: { resourceVersion: String(state.resourceVersion) }, items: bare });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** kubectl's checks of --raw against the other flags and arguments, in its order. */
export function checkRaw(path: string, o: { args: string[]; output?: string; filtered: boolean }): void {
  if (o.args.length) throw new CommandError('arguments may not be passed when --raw is specified');
  if (o.filtered) throw new CommandError('--raw may not be specified with other flags that filter the server request or alter the output');
  if (o.output) throw new CommandError('--raw and --output are mutually exclusive');
  // Go's url.ParseRequestURI: an absolute URL or a path from the root
  if (!path.startsWith('/') && !/^[a-zA-Z][\w+.-]*:\/\//.test(path)) throw new CommandError(`--raw must be a valid URL path: parse "${path}": invalid URI for request`);
}

export function printRaw(state: ClusterState, path: string, io: CliIO): number {
  io.stdout.write(rawGet(state, path));
  return 0;
}
