// `rollout status` for StatefulSets and DaemonSets: kubectl's status viewers over the object as it is, and when
// the next pod of the set becomes ready, for the watch to move the simulated clock to.
import { CommandError, notFound } from '../api/errors.js';
import { qualifiedResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { getObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { daemonSetRolloutStatus, type DaemonSetObj } from './daemonsets.js';
import { podInformer } from './informer.js';
import type { Target } from './rollouts.js';
import { nextSetEvent, statefulSetRolloutStatus, type StatefulSetObj } from './statefulsets.js';

export interface SetRolloutView {
  text: string;
  done: boolean;
  /** The next time something happens in the rollout (a pod of the set becoming ready), or undefined. */
  next: number | undefined;
}

/** The status line for a StatefulSet or DaemonSet target; undefined for other kinds. */
export function setRolloutStatus(state: ClusterState, t: Target, ns: string, nowMs: number): SetRolloutView | undefined {
  const kind = t.info.resource;
  if (kind !== 'statefulsets' && kind !== 'daemonsets') return undefined;
  const o = getObject<KubeObject>(state, kind, ns, t.name);
  if (!o) throw notFound(qualifiedResource(t.info), t.name);
  let st: { text: string; done: boolean };
  try {
    st = kind === 'statefulsets' ? statefulSetRolloutStatus(o as StatefulSetObj) : daemonSetRolloutStatus(o as DaemonSetObj);
  } catch (e) {
    throw new CommandError((e as Error).message);
  }
  const next = st.done ? undefined : nextSetEvent(podInformer(state).ownedBy(o.metadata.uid ?? ''), nowMs);
  return { ...st, next };
}
