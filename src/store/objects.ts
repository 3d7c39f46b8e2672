// Plain reads and writes of objects inside the state, keyed as etcd would be: by resource, then namespace/name.
// No validation or controllers here; src/cluster/apiserver.ts builds the API's behaviour on top. Objects are
// read from disk only when asked for (src/store/object-store.ts).
import type { KubeObject } from '../api/types.js';
import { ObjectStore } from './object-store.js';
import type { ClusterState, LogLine } from './state.js';

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function getObject<T = KubeObject>(state: ClusterState, resource: string, namespace: string | undefined, name: string): (T & KubeObject) | undefined {
  return state.objects.get(resource, objectKey(namespace, name)) as (T & KubeObject) | undefined;
}

/** Objects of a resource in etcd key order (namespace, then name); all namespaces when namespace is undefined. */
export function listObjects<T = KubeObject>(state: ClusterState, resource: string, namespace?: string): (T & KubeObject)[] {
  const all = state.objects.list(resource) as (T & KubeObject)[];
  return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
}

/** listObjects for a reader that looks at each object once: read one at a time, none kept (see ObjectStore.scan). */
export function* scanObjects<T = KubeObject>(state: ClusterState, resource: string, namespace?: string): Generator<T & KubeObject> {
  for (const o of state.objects.scan(resource, namespace) as Generator<T & KubeObject>) if (namespace === undefined || o.metadata.namespace === namespace) yield o;
}

/** Stores an object, stamping a new resourceVersion. */
export function putObject(state: ClusterState, resource: string, obj: KubeObject): KubeObject {
  state.resourceVersion += 1;
  obj.metadata.resourceVersion = String(state.resourceVersion);
  state.objects.put(resource, objectKey(obj.metadata.namespace, obj.metadata.name), obj);
  return obj;
}

export function removeObject(state: ClusterState, resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
  const key = objectKey(namespace, name);
  const o = state.objects.get(resource, key) as KubeObject | undefined;
  if (o) {
    state.objects.remove(resource, key);
    state.resourceVersion += 1;
    // Each deletion takes its own resourceVersion, which a watcher's DELETED event must carry.
    const t = (state.tombstones ??= { from: state.resourceVersion - 1, list: [] });
    t.list.push([state.resourceVersion, resource, key, o.metadata.uid ?? '']);
  }
  return o;
}

/** Lines kept per container: the kubelet rotates container logs and `kubectl logs` shows the current file. */
export const MAX_LOG_LINES = 10_000;

/**
 * state.logs: "namespace/pod/container" -> lines, each container's lines read from the store's "logs" kind
 * when first used, so a command reads only the logs it touches.
 */
export function logsView(store: ObjectStore): Record<string, LogLine[]> {
  return store.view('logs') as Record<string, LogLine[]>;
}

/** Drops a container's oldest lines beyond MAX_LOG_LINES, as log rotation does. */
export function capLogs(logs: Record<string, LogLine[]>, keys: Iterable<string>): void {
  for (const k of keys) {
    const lines = logs[k];
    if (lines && lines.length > MAX_LOG_LINES) logs[k] = lines.slice(lines.length - MAX_LOG_LINES);
  }
}

/** A new, empty object store with the logs view (a cluster being created). */
export function emptyObjects(): { objects: ObjectStore; logs: Record<string, LogLine[]> } {
  const objects = new ObjectStore(undefined);
  return { objects, logs: logsView(objects) };
}
