// Describe one object as kubectl's describer for its kind does, reading the objects it needs (events, pods,
// slices, leases, ReplicaSets) from the cluster state as the describer would fetch them from the API server.
import type { ResourceInfo } from '../../api/resources.js';
import { as, type Deployment, type EndpointSlice, type Endpoints, type Ingress, type KubeObject, type Namespace, type NetworkPolicy, type Node, type Pod, type ReplicaSet, type ReplicationController, type Service } from '../../api/types.js';
import type { CronJobObj } from '../../cluster/cronjobs.js';
import { eventsFor, eventUID } from '../../cluster/events.js';
import { describePersistentVolume, describePersistentVolumeClaim, describeStorageClass, podsUsingClaim } from './storage.js';
import type { JobObj } from '../../cluster/jobs.js';
import { getObject, listObjects } from '../../store/objects.js';
import type { ClusterState } from '../../store/state.js';
import { describeCronJob, describeJob } from './batch.js';
import { describeConfigMap, describeIngressClass, describeSecret, describeServiceAccount } from './config.js';
import { describeGeneric } from './generic.js';
import { describeNamespace } from './namespace.js';
import { describeIngress, describeNetworkPolicy } from './network.js';
import { describeNode } from './node.js';
import { describePod } from './pod.js';
import { describeEndpoints, describeEndpointSlice, describeService } from './service.js';
import { describeDeployment, describeReplicaSet, describeReplicationController } from './workloads.js';
import { describeDaemonSet, describeStatefulSet } from './sets.js';
import { describePolicyObject } from './policy.js';
import { UTC_ZONE, type DescribeClock, type TimeZone } from './writer.js';

export interface DescribeSettings {
  now: Date;
  /** The zone times are printed in (kubectl uses the local one); UTC when not given. */
  zone?: TimeZone;
  /** --show-events (default true) */
  showEvents: boolean;
  /** Events grouped by involvedObject.uid, when many objects are described at once (see eventIndex). */
  eventIndex?: Map<string, KubeObject[]>;
}

/** Groups every event by its involvedObject's uid, so describing many objects reads the events once. */
export function eventIndex(state: ClusterState): Map<string, KubeObject[]> {
  const index = new Map<string, KubeObject[]>();
  for (const e of listObjects(state, 'events')) {
    const uid = (e.involvedObject as InvolvedObject | undefined)?.uid;
    if (!uid) continue;
    const list = index.get(uid);
    if (list) list.push(e);
    else index.set(uid, [e]);
  }
  return index;
}

function byKey(a: KubeObject, b: KubeObject): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

interface InvolvedObject {
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
}

/**
 * searchEvents: events whose involvedObject has this name, namespace and uid (and kind, except for pods, whose
 * reference kubectl builds without one), listed in the object's namespace in key order.
 */
export function eventsAbout(state: ClusterState, obj: KubeObject, withKind: boolean, index?: Map<string, KubeObject[]>): KubeObject[] {
  const ns = obj.metadata.namespace ?? '';
  const byUID = index ? index.get(eventUID(obj) ?? '') ?? [] : eventsFor(state, obj);
  return byUID
    .filter((e) => {
      const io = (e.involvedObject ?? {}) as InvolvedObject;
      if ((io.name ?? '') !== obj.metadata.name || (io.namespace ?? '') !== ns) return false;
      if (withKind && (io.kind ?? '') !== obj.kind) return false;
      return ns === '' || e.metadata.namespace === ns;
    })
    .sort(byKey);
}

/** A node's events: the controllers' (by the node's uid) followed by the kubelet's (uid = node name). */
function nodeEvents(state: ClusterState, node: KubeObject, index?: Map<string, KubeObject[]>): KubeObject[] {
  const byUID = eventsAbout(state, node, true, index);
  const byName = (index ? index.get(node.metadata.name) ?? [] : listObjects(state, 'events'))
    .filter((e) => {
      const io = (e.involvedObject ?? {}) as InvolvedObject;
      return io.uid === node.metadata.name && io.name === node.metadata.name && (io.namespace ?? '') === '' && io.kind === node.kind;
    })
    .sort(byKey);
  return [...byUID, ...byName];
}

export function describeObject(state: ClusterState, info: ResourceInfo, obj: KubeObject, settings: DescribeSettings): string {
  const { now, showEvents } = settings;
  const zone = settings.zone ?? UTC_ZONE;
  const clock: DescribeClock = { now, zone };
  const events = (withKind = true) => (showEvents ? eventsAbout(state, obj, withKind, settings.eventIndex) : undefined);
  const ns = obj.metadata.namespace;
  switch (info.resource) {
    case 'pods':
      return describePod(as<Pod>(obj), events(false), clock);
    case 'services': {
      const slices = listObjects<EndpointSlice>(state, 'endpointslices', ns).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === obj.metadata.name);
      return describeService(as<Service>(obj), slices, events(), clock);
    }
    case 'endpoints':
      return describeEndpoints(as<Endpoints>(obj), events(), clock);
    case 'endpointslices':
      return describeEndpointSlice(as<EndpointSlice>(obj), events(), clock);
    case 'nodes': {
      const pods = listObjects<Pod>(state, 'pods').filter((p) => p.spec?.nodeName === obj.metadata.name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
      const lease = getObject(state, 'leases', 'kube-node-lease', obj.metadata.name);
      return describeNode(as<Node>(obj), lease, pods, showEvents ? nodeEvents(state, obj, settings.eventIndex) : undefined, clock);
    }
    case 'namespaces':
      return describeNamespace(as<Namespace>(obj), zone, listObjects(state, 'resourcequotas', obj.metadata.name), listObjects(state, 'limitranges', obj.metadata.name));
    case 'deployments':
      return describeDeployment(as<Deployment>(obj), listObjects<ReplicaSet>(state, 'replicasets', ns), events(), clock);
    case 'replicasets':
      return describeReplicaSet(as<ReplicaSet>(obj), listObjects<Pod>(state, 'pods', ns), events(), clock);
    case 'replicationcontrollers':
      return describeReplicationController(as<ReplicationController>(obj), listObjects<Pod>(state, 'pods', ns), events(), clock);
    case 'statefulsets':
      return describeStatefulSet(obj, listObjects<Pod>(state, 'pods', ns), events(), clock);
    case 'daemonsets':
      return describeDaemonSet(obj, listObjects<Pod>(state, 'pods', ns), events(), clock);
    case 'ingresses':
      return describeIngress(state, as<Ingress>(obj), events(), clock);
    case 'networkpolicies':
      return describeNetworkPolicy(as<NetworkPolicy>(obj), zone);
    case 'configmaps':
      return describeConfigMap(obj, events(), clock);
    case 'secrets':
      return describeSecret(obj, zone);
    case 'serviceaccounts':
      return describeServiceAccount(obj, listObjects(state, 'secrets', ns), events(), clock);
    case 'ingressclasses':
      return describeIngressClass(obj, events(), clock);
    case 'jobs':
      return describeJob(obj as JobObj, events(), clock);
    case 'cronjobs':
      return describeCronJob(obj as CronJobObj, events(), clock);
    case 'persistentvolumeclaims':
      return describePersistentVolumeClaim(obj, podsUsingClaim(obj, listObjects(state, 'pods', ns)), events(), clock);
    case 'persistentvolumes':
      return describePersistentVolume(obj, events(), clock);
    case 'storageclasses':
      return describeStorageClass(obj, events(), clock);
    default:
      return describePolicyObject(info.resource, obj, events, clock) ?? describeGeneric(obj, events(), clock);
  }
}
