// The watch cache: what changed in the store, as watch events ordered by resourceVersion.
//
// The state is shared with CLI commands run beside the server, so changes are not only the server's own:
// the server notices a new commit of the state (its head file changes) and compares each watched resource's
// objects with the copy it holds, by resourceVersion. Only the resources someone listed or watched are held
// (a list starts tracking its resource, so a list-then-watch from the list's resourceVersion never misses a
// change); a watch from a resourceVersion older than what is held is answered 410 Gone, as etcd's compaction
// makes the real API server answer, and clients list again.
import type { KubeObject } from '../api/types.js';
import type { ClusterState } from '../store/state.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: EventType;
  resource: string;
  /** The resourceVersion the event carries (a deleted object's is the state's at the commit that removed it). */
  rv: number;
  object: KubeObject;
}

interface Tracked {
  /** Events from this resourceVersion on are known. */
  base: number;
  objects: Map<string, KubeObject>;
  history: WatchEvent[];
}

/** Events kept per resource for watches that resume from an older resourceVersion. */
const HISTORY = 5000;

const keyOf = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
const rvOf = (o: KubeObject) => Number(o.metadata.resourceVersion ?? 0);

export class ChangeFeed {
  private readonly tracked = new Map<string, Tracked>();
  private readonly listeners = new Set<(events: WatchEvent[]) => void>();
  /** The state's resourceVersion at the last sync. */
  rv = 0;

  /** Starts holding a resource (no-op when held); returns the resourceVersion from which its events are known. */
  track(resource: string, state: ClusterState): number {
    let t = this.tracked.get(resource);
    if (!t) {
      const objects = new Map<string, KubeObject>();
      for (const o of state.objects.list(resource) as KubeObject[]) objects.set(keyOf(o), o);
      t = { base: state.resourceVersion, objects, history: [] };
      this.tracked.set(resource, t);
    }
    return t.base;
  }

  /** Compares the held resources with a newly committed state and tells the watchers what changed. */
  sync(state: ClusterState): void {
    if (state.resourceVersion === this.rv) return;
    const all: WatchEvent[] = [];
    for (const [resource, t] of this.tracked) {
      const events: WatchEvent[] = [];
      const seen = new Set<string>();
      for (const o of state.objects.list(resource) as KubeObject[]) {
        const k = keyOf(o);
        seen.add(k);
        const old = t.objects.get(k);
        if (!old) events.push({ type: 'ADDED', resource, rv: rvOf(o), object: o });
        else if (rvOf(old) !== rvOf(o) || old.metadata.uid !== o.metadata.uid) {
          // Deleted and created again between two looks: two events, as the real watch would send.
          if (old.metadata.uid !== o.metadata.uid) events.push({ type: 'DELETED', resource, rv: rvOf(o) - 1, object: withRV(old, rvOf(o) - 1) });
          events.push({ type: old.metadata.uid !== o.metadata.uid ? 'ADDED' : 'MODIFIED', resource, rv: rvOf(o), object: o });
        }
        t.objects.set(k, o);
      }
      for (const [k, old] of t.objects) {
        if (seen.has(k)) continue;
        t.objects.delete(k);
        events.push({ type: 'DELETED', resource, rv: state.resourceVersion, object: withRV(old, state.resourceVersion) });
      }
      events.sort((a, b) => a.rv - b.rv);
      t.history.push(...events);
      if (t.history.length > HISTORY) {
        const dropped = t.history.splice(0, t.history.length - HISTORY);
        t.base = dropped[dropped.length - 1].rv;
      }
      all.push(...events);
    }
    this.rv = state.resourceVersion;
    if (!all.length) return;
    all.sort((a, b) => a.rv - b.rv);
    for (const l of this.listeners) l(all);
  }

  /** The held events of a resource after resourceVersion rv, or 'gone' when they are no longer known. */
  since(resource: string, rv: number): WatchEvent[] | 'gone' {
    const t = this.tracked.get(resource);
    if (!t || rv < t.base) return 'gone';
    return t.history.filter((e) => e.rv > rv);
  }

  /** The oldest resourceVersion a watch of the resource may resume from. */
  oldest(resource: string): number {
    return this.tracked.get(resource)?.base ?? this.rv;
  }

  subscribe(fn: (events: WatchEvent[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get watchers(): number {
    return this.listeners.size;
  }
}

function withRV(o: KubeObject, rv: number): KubeObject {
  return { ...o, metadata: { ...o.metadata, resourceVersion: String(rv) } };
}
