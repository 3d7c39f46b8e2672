// The resource map a kustomization builds: each object with the names and namespaces it has had, so that
// references written against an old name (a base's `cfg`) can follow it to its final one (`dev-cfg-<hash>`).
import { resourceForKind } from '../api/resources.js';
import { ORDER_FIRST, ORDER_LAST } from './fieldspecs.js';

export type Obj = Record<string, unknown>;
export const isMap = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** A kustomize build failure; the CLI prints it as kubectl's "command failed" log line. */
export class KustomizeError extends Error {}

export interface Res {
  obj: Obj;
  /** Every name the object has had, the original first (the current one is obj.metadata.name). */
  names: string[];
  /** Every namespace it has had ('' for none). */
  namespaces: string[];
  /** Generated ConfigMap or Secret whose name gets the content hash at the end. */
  hashed?: boolean;
}

export function meta(o: Obj): Obj {
  if (!isMap(o.metadata)) o.metadata = {};
  return o.metadata as Obj;
}
export const nameOf = (o: Obj): string => String(meta(o).name ?? '');
export const namespaceOf = (o: Obj): string => String(meta(o).namespace ?? '');
export const kindOf = (o: Obj): string => String(o.kind ?? '');

export function groupVersion(o: Obj): { group: string; version: string } {
  const av = String(o.apiVersion ?? '');
  const slash = av.indexOf('/');
  return slash < 0 ? { group: '', version: av } : { group: av.slice(0, slash), version: av.slice(slash + 1) };
}

export function newRes(obj: Obj): Res {
  return { obj, names: [nameOf(obj)], namespaces: [namespaceOf(obj)] };
}

export function rename(r: Res, name: string): void {
  meta(r.obj).name = name;
  if (r.names[r.names.length - 1] !== name) r.names.push(name);
}

export function renamespace(r: Res, ns: string): void {
  meta(r.obj).namespace = ns;
  if (r.namespaces[r.namespaces.length - 1] !== ns) r.namespaces.push(ns);
}

/** kustomize's id text: `Deployment.v1.apps/web.dev`, `ConfigMap.v1.[noGrp]/cfg.[noNs]`. */
export function idText(o: Obj, name = nameOf(o), ns = namespaceOf(o)): string {
  const { group, version } = groupVersion(o);
  return `${kindOf(o)}.${version}.${group || '[noGrp]'}/${name}.${ns || '[noNs]'}`;
}

/** Kinds that live outside namespaces: the ones kubesim serves, plus the common cluster-scoped kinds it doesn't. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'PriorityClass', 'IngressClass', 'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'CSIDriver', 'CSINode', 'CertificateSigningRequest', 'RuntimeClass', 'VolumeAttachment', 'PodSecurityPolicy',
]);

export function clusterScoped(o: Obj): boolean {
  const info = resourceForKind(typeof o.apiVersion === 'string' ? o.apiVersion : undefined, kindOf(o));
  if (info) return !info.namespaced;
  return CLUSTER_SCOPED.has(kindOf(o));
}

const rank = (kind: string): number => {
  const f = ORDER_FIRST.indexOf(kind);
  if (f >= 0) return f - ORDER_FIRST.length;
  const l = ORDER_LAST.indexOf(kind);
  return l >= 0 ? l + 1 : 0;
};

const gvkString = (o: Obj): string => {
  const { group, version } = groupVersion(o);
  return `${group || '~G'}_${version || '~V'}_${kindOf(o) || '~K'}`;
};

/** kustomize's legacy output order: kind rank, then group/version/kind, then namespace and name. */
export function legacyOrder(a: Obj, b: Obj): number {
  const ra = rank(kindOf(a));
  const rb = rank(kindOf(b));
  if (ra !== rb) return ra - rb;
  const ga = gvkString(a);
  const gb = gvkString(b);
  if (ga !== gb) return ga < gb ? -1 : 1;
  const ka = `${namespaceOf(a) || '~X'}|${nameOf(a)}`;
  const kb = `${namespaceOf(b) || '~X'}|${nameOf(b)}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
