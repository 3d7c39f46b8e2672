// The watch cache: what changed in the store, as watch events ordered by resourceVersion.
//
// The state is shared with CLI commands run beside the server, so changes are not only the server's own:
// the server notices a new commit of the state (its head file changes) and compares each watched resource's
// objects with the copy it holds, by resourceVersion. Only the resources someone listed or watched are held
// (a list starts tracking its resource, so a list-then-watch from the list's resourceVersion never misses a
// change); a watch from a resourceVersion older than what is held is answered 410 Gone, as etcd's compaction
// makes the real API server answer, and clients list again.
//
// A deleted object's event carries the resourceVersion its deletion took, read from the state's tombstones
// (src/store/objects.ts removeObject), so several objects deleted by one command reach a watcher as DELETED
// events with distinct, increasing resourceVersions. A resource whose index files a commit did not rewrite is
// not compared at all. When a deletion's tombstone is no longer kept (the server looked too late), the
// resource's watches end with 410 Expired, as a real watch that fell behind does, and their clients list again.
import type { KubeObject } from '../api/types.js';
import type { ClusterState } from '../store/state.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: EventType;
  resource: string;
  /** The resourceVersion the event carries (a deleted object's is the one its deletion took). */
  rv: number;
  object: KubeObject;
}

interface Tracked {
  /** Events from this resourceVersion on are known. */
  base: number;
  /** The resourceVersion of the state the held objects were compared with last. */
  at: number;
  /** The resource's index files (store head) at that state: unchanged files, unchanged objects. */
  files: string | undefined;
  objects: Map<string, KubeObject>;
  history: WatchEvent[];
}

/** Events kept per resource for watches that resume from an older resourceVersion. */
const HISTORY = 5000;

const keyOf = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
const rvOf = (o: KubeObject) => Number(o.metadata.resourceVersion ?? 0);
const filesOf = (state: ClusterState, resource: string) => (state.store ? JSON.stringify(state.store.kinds[resource] ?? null) : undefined);

/** Told of each commit's events, and of the resources whose watches must end (410: their events were lost). */
export type FeedListener = (events: WatchEvent[], expired: ReadonlySet<string>) => void;

export class ChangeFeed {
  private readonly tracked = new Map<string, Tracked>();
  private readonly listeners = new Set<FeedListener>();
  /** The state's resourceVersion at the last sync. */
  rv = 0;

  /** Starts holding a resource (no-op when held); returns the resourceVersion from which its events are known. */
  track(resource: string, state: ClusterState): number {
    let t = this.tracked.get(resource);
    if (!t) {
      const objects = new Map<string, KubeObject>();
      for (const o of state.objects.list(resource) as KubeObject[]) objects.set(keyOf(o), o);
      t = { base: state.resourceVersion, at: state.resourceVersion, files: filesOf(state, resource), objects, history: [] };
      this.tracked.set(resource, t);
    }
    return t.base;
  }

  /** Compares the held resources with a newly committed state and tells the watchers what changed. */
  sync(state: ClusterState): void {
    if (state.resourceVersion <= this.rv) return;
    const all: WatchEvent[] = [];
    const expired = new Set<string>();
    for (const [resource, t] of this.tracked) {
      if (state.resourceVersion <= t.at) continue;
      const files = filesOf(state, resource);
      const since = t.at;
      t.at = state.resourceVersion;
      if (files !== undefined && files === t.files) continue;
      t.files = files;
      const { events, lost } = this.compare(resource, t, state, since);
      if (lost) {
        // The held history no longer tells every change: watches from it end, and start again from here.
        t.history = [];
        t.base = state.resourceVersion;
        expired.add(resource);
        continue;
      }
      t.history.push(...events);
      if (t.history.length > HISTORY) {
        const dropped = t.history.splice(0, t.history.length - HISTORY);
        t.base = dropped[dropped.length - 1].rv;
      }
      all.push(...events);
    }
    this.rv = state.resourceVersion;
    if (!all.length && !expired.size) return;
    all.sort((a, b) => a.rv - b.rv);
    for (const l of this.listeners) l(all, expired);
  }

  /** One resource's events between the state at `since` and this one; lost when a deletion's version is unknown. */
  private compare(resource: string, t: Tracked, state: ClusterState, since: number): { events: WatchEvent[]; lost: boolean } {
    const tomb = state.tombstones;
    const deletions = new Map<string, [number, string][]>();
    for (const [rv, r, k, uid] of tomb?.list ?? []) {
      if (r !== resource || rv <= since || rv > state.resourceVersion) continue;
      const at = deletions.get(k);
      if (at) at.push([rv, uid]);
      else deletions.set(k, [[rv, uid]]);
    }
    let lost = false;
    /** The version the deletion of `old` took; a state without tombstones (written before them) gives `guess`. */
    const deletedAt = (k: string, old: KubeObject, guess: number): number => {
      if (!tomb) return guess;
      const hit = deletions.get(k)?.find(([, uid]) => uid === (old.metadata.uid ?? ''));
      if (!hit) lost = true;
      return hit?.[0] ?? guess;
    };
    const events: WatchEvent[] = [];
    const seen = new Set<string>();
    for (const o of state.objects.list(resource) as KubeObject[]) {
      const k = keyOf(o);
      seen.add(k);
      const old = t.objects.get(k);
      if (!old) events.push({ type: 'ADDED', resource, rv: rvOf(o), object: o });
      else if (old.metadata.uid !== o.metadata.uid) {
        // Deleted and created again between two looks: two events, as the real watch would send.
        const rv = deletedAt(k, old, rvOf(o) - 1);
        events.push({ type: 'DELETED', resource, rv, object: withRV(old, rv) });
        events.push({ type: 'ADDED', resource, rv: rvOf(o), object: o });
      } else if (rvOf(old) !== rvOf(o)) events.push({ type: 'MODIFIED', resource, rv: rvOf(o), object: o });
      t.objects.set(k, o);
    }
    for (const [k, old] of t.objects) {
      if (seen.has(k)) continue;
      t.objects.delete(k);
      const rv = deletedAt(k, old, state.resourceVersion);
      events.push({ type: 'DELETED', resource, rv, object: withRV(old, rv) });
    }
    events.sort((a, b) => a.rv - b.rv);
    return { events, lost };
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

  subscribe(fn: FeedListener): () => void {
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
