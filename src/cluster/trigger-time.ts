// The endpoints controllers' last-change-trigger-time, as their TriggerTimeTracker computes it
// (pkg/controller/util/endpoint/trigger_time_tracker.go): per Service it remembers the trigger time (Ready
// condition's lastTransitionTime) of each pod it selected at its last sync, and a sync reports the earliest
// trigger time among the pods that changed since: a pod newly selected with a Ready condition, or one whose
// Ready condition moved on. A Service synced for the first time reports its creation time; a sync with no
// such change reports none, and the annotation is removed.
//
// The tracker's memory is kubesim's to keep across processes: what a sync of this command recorded, else the
// pods and the Service as the store last saved them (the end of the previous command, when every Service had
// been synced over its pods as saved). So a sync that knows which pods changed (the incremental path) reads
// only those, and a full sync over every pod gives the same answer.
import { selectorInProjection } from '../api/projections.js';
import { matchesMap } from '../api/labels.js';
import type { KubeObject, Pod, Service } from '../api/types.js';
import type { ClusterState } from '../store/state.js';

type PodObj = Pod & KubeObject;
type Svc = Service & KubeObject;

/** What a sync of this process recorded for one Service. */
interface Seen {
  /** The Service was found gone: the next one of the name is new to the tracker. */
  deleted?: boolean;
  /** `pods` lists every pod the last sync saw (absent: not selected, or without a Ready condition). */
  complete: boolean;
  /** Pod key -> trigger time at the Service's last sync (null: not selected then, or no Ready condition). */
  pods: Map<string, string | null>;
}

const TRACKERS = new WeakMap<ClusterState, Map<string, Seen>>();

function trackerOf(state: ClusterState): Map<string, Seen> {
  let t = TRACKERS.get(state);
  if (!t) TRACKERS.set(state, (t = new Map()));
  return t;
}

/** getPodTriggerTime: the Ready condition's lastTransitionTime, if the pod has that condition. */
export function podTriggerTime(pod: PodObj | undefined): string | undefined {
  return pod?.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime || undefined;
}

/** One sync's view of the tracker's memory of a Service. */
class Memory {
  private diskSelector: Record<string, string> | null | undefined;

  constructor(
    private readonly state: ClusterState,
    private readonly key: string,
    private readonly seen: Seen | undefined,
  ) {}

  /** Whether the Service was synced before: this process recorded it, or it and its Endpoints were saved. */
  known(): boolean {
    if (this.seen) return !this.seen.deleted;
    if (!this.state.objects.get('endpoints', this.key) || this.state.objects.savedText('endpoints', this.key) === undefined) return false;
    return !!this.selectorSaved();
  }

  /** The Service's selector as last saved (null: none, or not saved). */
  private selectorSaved(): Record<string, string> | null {
    if (this.diskSelector === undefined) {
      let sel = selectorInProjection(this.state.objects.diskProjection('services', this.key));
      if (sel === undefined) {
        const text = this.state.objects.savedText('services', this.key);
        sel = text === undefined ? null : ((JSON.parse(text) as Svc).spec?.selector ?? null);
      }
      this.diskSelector = sel;
    }
    return this.diskSelector;
  }

  /** The pod's trigger time at the Service's last sync (undefined: it was not among its pods then). */
  last(podKey: string): string | undefined {
    if (this.seen?.pods.has(podKey)) return this.seen.pods.get(podKey) ?? undefined;
    if (this.seen?.complete) return undefined;
    const sel = this.selectorSaved();
    if (!sel) return undefined;
    const p = this.state.objects.diskProjection('pods', podKey) as PodObj | undefined;
    if (!p || p.metadata.namespace !== this.key.slice(0, this.key.indexOf('/')) || !matchesMap(sel, p.metadata.labels)) return undefined;
    return podTriggerTime(p);
  }
}

/**
 * ComputeEndpointLastChangeTriggerTime for one sync of a Service, which it records. `pods`: every pod the
 * Service selects (complete), or only the pods that changed since its last sync, each with its object now when
 * the Service selects it (undefined otherwise). Undefined: no trigger time (the annotation goes).
 */
export function syncTriggerTime(state: ClusterState, svc: Svc, pods: Iterable<[string, PodObj | undefined]>, complete: boolean): string | undefined {
  const key = `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
  const tracker = trackerOf(state);
  const prior = tracker.get(key);
  const memory = new Memory(state, key, prior);
  const known = memory.known();
  let min: string | undefined;
  const now = new Map<string, string | null>();
  for (const [podKey, pod] of pods) {
    const t = podTriggerTime(pod);
    if (t === undefined) {
      if (!complete) now.set(podKey, null);
      continue;
    }
    now.set(podKey, t);
    // A Service new to the tracker reports its creation: what it remembered does not matter.
    if (!known) continue;
    const was = memory.last(podKey);
    if ((was === undefined || t > was) && (min === undefined || t < min)) min = t;
  }
  if (complete || !prior || prior.deleted) {
    // A partial sync of a Service this process had not recorded keeps the saved memory underneath.
    tracker.set(key, { complete, pods: now });
  } else for (const [k, v] of now) prior.pods.set(k, v);
  // The Service's own trigger time (its creation) changes only with a new Service, which is not known yet.
  return known ? min : svc.metadata.creationTimestamp;
}

/** DeleteService: the Service is gone; one made again under its name starts anew. */
export function forgetService(state: ClusterState, key: string): void {
  trackerOf(state).set(key, { deleted: true, complete: true, pods: new Map() });
}

/** DeleteService for every Service a full sync did not find (keys "namespace/name"). */
export function forgetServicesBut(state: ClusterState, present: Set<string>): void {
  for (const key of trackerOf(state).keys()) if (!present.has(key)) forgetService(state, key);
}
