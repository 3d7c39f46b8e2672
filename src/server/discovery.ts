// Discovery as kube-apiserver answers it: the legacy documents (/api, /apis, one APIResourceList per group
// version) and the aggregated one (apidiscovery.k8s.io/v2) that kubectl 1.32 asks for first. Built from the
// same resource table as `kubesim api-resources`, so both list the same kinds, verbs and short names.
import { hpaToV1, hpaToV2 } from '../api/hpa-v1.js';
import { OLDER_VERSIONS, RESOURCES as STORED, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { CATEGORIES } from '../printers/api-resources.js';

/** How a resource served in a version other than the stored one converts (apiVersion: the served one). */
export interface Conversion {
  apiVersion: string;
  toServed(o: KubeObject): KubeObject;
  toStored(o: KubeObject): KubeObject;
}

/** The conversion of each of OLDER_VERSIONS (src/api/resources.ts), by resource. */
const CONVERSIONS: Record<string, Conversion> = {
  horizontalpodautoscalers: { apiVersion: 'autoscaling/v1', toServed: hpaToV1, toStored: hpaToV2 },
};
export const ALSO_SERVED: { info: ResourceInfo; stored: ResourceInfo; conversion: Conversion }[] = OLDER_VERSIONS.map((info) => ({
  info,
  stored: STORED.find((r) => r.resource === info.resource)!,
  conversion: CONVERSIONS[info.resource],
}));

/** Every resource in every version served. */
export const RESOURCES: ResourceInfo[] = [...STORED, ...ALSO_SERVED.map((a) => a.info)];

/** Subresources the server answers for a resource (status for kinds that have one, scale for workloads). */
export const SCALABLE = new Set(['deployments', 'replicasets', 'replicationcontrollers', 'statefulsets']);
const WITHOUT_STATUS = new Set([
  'configmaps', 'secrets', 'serviceaccounts', 'endpoints', 'endpointslices', 'events', 'controllerrevisions', 'leases',
  'limitranges', 'roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', 'priorityclasses', 'storageclasses', 'ingressclasses', 'networkpolicies',
]);

export function subresourcesOf(info: ResourceInfo): string[] {
  const out: string[] = [];
  // A namespace's finalizers change only through finalize (the namespace controller's, or a stuck one's user).
  if (info.resource === 'namespaces') out.push('finalize');
  if (!WITHOUT_STATUS.has(info.resource)) out.push('status');
  if (SCALABLE.has(info.resource)) out.push('scale');
  return out;
}

export interface GroupVersion {
  group: string;
  version: string;
}

/** Group versions in discovery order (the core group first, then as the resource table lists them). */
export function groupVersions(): GroupVersion[] {
  const seen = new Map<string, GroupVersion>();
  for (const r of RESOURCES) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}

const gvString = (g: string, v: string) => (g ? `${g}/${v}` : v);

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(): object {
  const groups = new Map<string, string[]>();
  for (const gv of groupVersions()) if (gv.group) groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv.version]);
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => apiGroup(name, versions)),
  };
}

function apiGroup(name: string, versions: string[]): object {
  return {
    name,
    versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
  };
}

/** GET /apis/<group>: the APIGroup, or undefined for a group kubesim does not serve. */
export function apiGroupOf(group: string): object | undefined {
  const versions = groupVersions().filter((gv) => gv.group === group).map((gv) => gv.version);
  if (!versions.length) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

const STATUS_VERBS = ['get', 'patch', 'update'];

/** GET /api/v1 or /apis/<group>/<version>: undefined when kubesim does not serve that group version. */
export function resourceList(group: string, version: string): object | undefined {
  const infos = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (!infos.length) return undefined;
  const resources: object[] = [];
  for (const r of infos) {
    resources.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(CATEGORIES[r.resource] ? { categories: CATEGORIES[r.resource] } : {}),
    });
    for (const sub of subresourcesOf(r)) {
      resources.push({
        name: `${r.resource}/${sub}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { kind: r.kind }),
        verbs: sub === 'finalize' ? ['update'] : STATUS_VERBS,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gvString(group, version), resources };
}

/** The aggregated discovery document: the core group for /api, every other group for /apis. */
export function aggregatedDiscovery(core: boolean): object {
  const byGroup = new Map<string, GroupVersion[]>();
  for (const gv of groupVersions()) {
    if ((gv.group === '') !== core) continue;
    byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv]);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: [...byGroup].map(([group, gvs]) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: gvs.map((gv) => ({
        version: gv.version,
        resources: RESOURCES.filter((r) => r.group === gv.group && r.version === gv.version).map((r) => ({
          resource: r.resource,
          responseKind: { group: r.group, version: r.version, kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.singular,
          verbs: r.verbs,
          ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
          ...(CATEGORIES[r.resource] ? { categories: CATEGORIES[r.resource] } : {}),
          ...(subresourcesOf(r).length
            ? {
                subresources: subresourcesOf(r).map((sub) => ({
                  subresource: sub,
                  responseKind: sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group: r.group, version: r.version, kind: r.kind },
                  verbs: sub === 'finalize' ? ['update'] : STATUS_VERBS,
                })),
              }
            : {}),
        })),
        freshness: 'Current',
      })),
    })),
  };
}
