// The strategic-merge metadata of the Kubernetes types (the `patchStrategy`/`patchMergeKey` struct tags, which
// the OpenAPI documents carry as x-kubernetes-patch-strategy and x-kubernetes-patch-merge-key): which list
// fields merge by a key instead of being replaced. One table, used by `apply` (three-way merge) and `patch`.
// Keyed by the schema definition that holds the field (src/api/schema-data.ts ids) and the field name.
import { own } from '../util/own.js';

const CORE = 'IoK8sApiCoreV1';

/** Lists of objects merged by a key (patchStrategy "merge"). */
export const MERGE_KEYS: Readonly<Record<string, string>> = {
  [`${CORE}PodSpec.containers`]: 'name',
  [`${CORE}PodSpec.initContainers`]: 'name',
  [`${CORE}PodSpec.ephemeralContainers`]: 'name',
  [`${CORE}PodSpec.volumes`]: 'name',
  [`${CORE}PodSpec.imagePullSecrets`]: 'name',
  [`${CORE}PodSpec.hostAliases`]: 'ip',
  [`${CORE}PodSpec.topologySpreadConstraints`]: 'topologyKey',
  [`${CORE}PodSpec.schedulingGates`]: 'name',
  [`${CORE}PodSpec.resourceClaims`]: 'name',
  [`${CORE}Container.ports`]: 'containerPort',
  [`${CORE}Container.env`]: 'name',
  [`${CORE}Container.volumeMounts`]: 'mountPath',
  [`${CORE}Container.volumeDevices`]: 'devicePath',
  [`${CORE}EphemeralContainer.ports`]: 'containerPort',
  [`${CORE}EphemeralContainer.env`]: 'name',
  [`${CORE}EphemeralContainer.volumeMounts`]: 'mountPath',
  [`${CORE}EphemeralContainer.volumeDevices`]: 'devicePath',
  [`${CORE}ServiceSpec.ports`]: 'port',
  [`${CORE}ServiceAccount.secrets`]: 'name',
  [`${CORE}PodStatus.conditions`]: 'type',
  [`${CORE}PodStatus.podIPs`]: 'ip',
  [`${CORE}PodStatus.hostIPs`]: 'ip',
  [`${CORE}NodeStatus.conditions`]: 'type',
  [`${CORE}NodeStatus.addresses`]: 'type',
  [`${CORE}NamespaceStatus.conditions`]: 'type',
  [`${CORE}ReplicationControllerStatus.conditions`]: 'type',
  'IoK8sApiAppsV1DeploymentStatus.conditions': 'type',
  'IoK8sApiAppsV1ReplicaSetStatus.conditions': 'type',
  'IoK8sApiBatchV1JobStatus.conditions': 'type',
  'IoK8sApimachineryPkgApisMetaV1ObjectMeta.ownerReferences': 'uid',
};

/** Lists of scalars merged as sets (patchStrategy "merge" on a primitive list); other scalar lists are replaced. */
export const MERGED_PRIMITIVE_LISTS: ReadonlySet<string> = new Set([
  'IoK8sApimachineryPkgApisMetaV1ObjectMeta.finalizers',
  `${CORE}NodeSpec.podCIDRs`,
]);

/** The merge key of list `field` of definition `defId`, if that list merges. */
export function mergeKeyIn(defId: string, field: string): string | undefined {
  return own(MERGE_KEYS, `${defId}.${field}`);
}

/** Field name -> the merge keys some definition gives it ("ports" -> containerPort or port). */
const BY_FIELD = new Map<string, string[]>();
for (const [k, v] of Object.entries(MERGE_KEYS)) {
  const field = k.slice(k.indexOf('.') + 1);
  const keys = BY_FIELD.get(field) ?? [];
  if (!keys.includes(v)) keys.push(v);
  BY_FIELD.set(field, keys);
}

/**
 * The merge key of a list known only by its field name and an element (apply's walk has no schema): the key
 * the table gives that field which the element carries (ports: containerPort in a pod, port in a Service); a
 * list whose elements carry none of them (Endpoints addresses, say) is not a merge list.
 */
export function mergeKeyOf(field: string, sample: unknown): string | undefined {
  const keys = BY_FIELD.get(field);
  if (!keys) return undefined;
  const s = sample && typeof sample === 'object' ? (sample as Record<string, unknown>) : {};
  return keys.find((k) => Object.hasOwn(s, k));
}

/**
 * The keys server-side apply identifies a merge list's items by (x-kubernetes-list-map-keys): the patch merge
 * key, except where the API adds the protocol (ports) or a second field; a key with a schema default takes it
 * when the item leaves it out, as the API server's field sets do.
 */
const LIST_MAP_KEYS: Readonly<Record<string, readonly { name: string; dflt?: unknown }[]>> = {
  [`${CORE}Container.ports`]: [{ name: 'containerPort' }, { name: 'protocol', dflt: 'TCP' }],
  [`${CORE}EphemeralContainer.ports`]: [{ name: 'containerPort' }, { name: 'protocol', dflt: 'TCP' }],
  [`${CORE}ServiceSpec.ports`]: [{ name: 'port' }, { name: 'protocol', dflt: 'TCP' }],
  [`${CORE}PodSpec.topologySpreadConstraints`]: [{ name: 'topologyKey' }, { name: 'whenUnsatisfiable' }],
};

export function listMapKeysIn(defId: string, field: string): readonly { name: string; dflt?: unknown }[] | undefined {
  const special = own(LIST_MAP_KEYS, `${defId}.${field}`);
  if (special) return special;
  const key = mergeKeyIn(defId, field);
  return key ? [{ name: key }] : undefined;
}
