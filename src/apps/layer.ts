// A container's writable layer as the store keeps it between commands: what `kubesim exec ... -- sh -c 'echo hi
// > /tmp/x'` wrote is there for the next exec into the same container, as in a real container, until the
// container restarts (a new instance starts from the image's files) or the pod goes. Kept in the store's
// "layers" kind, apart from the API objects (not served, not exported), one document per container, read only
// when a command first touches that container's files, and checked when read since it comes from disk.
import type { ObjectStore } from '../store/object-store.js';

export const LAYERS_KIND = 'layers';

/** A path's state in the layer: removed (a whiteout), a directory, a text file, or a file of other bytes. */
export type StoredEntry = null | { d: 1 } | { t: string } | { b: string };

export interface LayerDoc {
  /** The container instance that wrote it: "<pod uid>/<restart count>". */
  instance: string;
  files: Record<string, StoredEntry>;
}

/** Where a process's container keeps its layer. */
export interface LayerRef {
  objects: ObjectStore;
  /** "namespace/pod/container", as the logs are keyed. */
  key: string;
  instance: string;
}

export function layerKey(namespace: string, pod: string, container: string): string {
  return `${namespace}/${pod}/${container}`;
}

/** A layer as read from the store, or why it cannot be used (a damaged state). */
export function checkLayer(doc: unknown): LayerDoc | string {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'is not an object';
  const d = doc as Record<string, unknown>;
  if (typeof d.instance !== 'string') return 'has no instance';
  const files = d.files;
  if (!files || typeof files !== 'object' || Array.isArray(files)) return 'has no files';
  for (const [path, e] of Object.entries(files)) {
    if (!path.startsWith('/') || path.length > 4096) return `names a bad path "${path.slice(0, 64)}"`;
    if (e === null) continue;
    if (typeof e !== 'object' || Array.isArray(e)) return `has a bad entry for "${path}"`;
    const keys = Object.keys(e);
    const ok = keys.length === 1 && ((keys[0] === 'd' && (e as { d: unknown }).d === 1) || (keys[0] === 't' && typeof (e as { t: unknown }).t === 'string') || (keys[0] === 'b' && typeof (e as { b: unknown }).b === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test((e as { b: string }).b)));
    if (!ok) return `has a bad entry for "${path}"`;
  }
  return doc as LayerDoc;
}

/** Removes a pod's layers (its containers' files go with it). */
export function removeLayers(objects: ObjectStore, namespace: string, pod: string, containers: string[]): void {
  for (const c of containers) objects.remove(LAYERS_KIND, layerKey(namespace, pod, c));
}
