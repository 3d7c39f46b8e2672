// Plain reads and writes of objects inside the state, keyed as etcd would be: by resource, then namespace/name.
// No validation or controllers here; src/cluster/apiserver.ts builds the API's behaviour on top.
import type { KubeObject } from '../api/types.js';
import type { ClusterState } from './state.js';

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function getObject<T = KubeObject>(state: ClusterState, resource: string, namespace: string | undefined, name: string): (T & KubeObject) | undefined {
  return state.objects[resource]?.[objectKey(namespace, name)] as (T & KubeObject) | undefined;
}

/** Objects of a resource in etcd key order (namespace, then name); all namespaces when namespace is undefined. */
export function listObjects<T = KubeObject>(state: ClusterState, resource: string, namespace?: string): (T & KubeObject)[] {
  const bucket = state.objects[resource];
  if (!bucket) return [];
  const keys = Object.keys(bucket).sort(compareKeys);
  const out: (T & KubeObject)[] = [];
  for (const k of keys) {
    const o = bucket[k];
    if (namespace === undefined || o.metadata.namespace === namespace) out.push(o as T & KubeObject);
  }
  return out;
}

function compareKeys(a: string, b: string): number {
  // etcd orders by byte value; "/" sorts before letters, so compare namespace first, then name.
  const [an, am] = splitKey(a);
  const [bn, bm] = splitKey(b);
  if (an !== bn) return an < bn ? -1 : 1;
  return am < bm ? -1 : am > bm ? 1 : 0;
}

function splitKey(k: string): [string, string] {
  const i = k.indexOf('/');
  return i < 0 ? ['', k] : [k.slice(0, i), k.slice(i + 1)];
}

/** Stores an object, stamping a new resourceVersion. */
export function putObject(state: ClusterState, resource: string, obj: KubeObject): KubeObject {
  state.resourceVersion += 1;
  obj.metadata.resourceVersion = String(state.resourceVersion);
  (state.objects[resource] ??= {})[objectKey(obj.metadata.namespace, obj.metadata.name)] = obj;
  return obj;
}

export function removeObject(state: ClusterState, resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
  const bucket = state.objects[resource];
  if (!bucket) return undefined;
  const k = objectKey(namespace, name);
  const o = bucket[k];
  if (o) {
    delete bucket[k];
    state.resourceVersion += 1;
  }
  return o;
}
