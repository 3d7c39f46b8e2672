// Storage as kind has it: StorageClass `standard` (rancher.io/local-path, WaitForFirstConsumer), the API
// server's defaulting and validation of PersistentVolumeClaims (the DefaultStorageClass admission plugin fills
// in the default class), and the PV controller with the local-path provisioner: a claim waits for its first
// consumer; when the scheduler places a pod that uses it, a PV `pvc-<claim uid>` is provisioned on that node
// (a host path under /var/local-path-provisioner, node affinity to the node) and both become Bound.
// docs/kube-system-facts.md records the facts used here.
import { InvalidError, type FieldError } from '../api/errors.js';
import { canonicalQuantity } from '../api/quantity.js';
import type { KubeObject, Pod } from '../api/types.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { createObject, deleteObject } from './apiserver.js';
import { resourceByName } from '../api/resources.js';
import { rfc3339 } from '../util/clock.js';
import type { Ctx } from './context.js';
import { recordEvent } from './events.js';
import { LOCAL_PATH_ROOT } from './kube-system.js';
import type { Strategy } from './strategies.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const PV_CONTROLLER = 'persistentvolume-controller';
const LOCAL_PATH = 'rancher.io/local-path';

/** The default StorageClass (the newest, then by name, among those annotated default), if any. */
export function defaultStorageClass(state: ClusterState): KubeObject | undefined {
  const defaults = listObjects(state, 'storageclasses').filter((sc) => sc.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  defaults.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  return defaults[0];
}

export const storageClassStrategy: Strategy = {
  validate(obj) {
    const sc = obj as Any;
    const causes: FieldError[] = [];
    if (!sc.provisioner) causes.push({ type: 'Required value', field: 'provisioner' });
    if (sc.reclaimPolicy !== undefined && !['Delete', 'Retain'].includes(sc.reclaimPolicy)) {
      causes.push({ type: 'Unsupported value', field: 'reclaimPolicy', value: sc.reclaimPolicy, detail: 'supported values: "Delete", "Retain"' });
    }
    if (sc.volumeBindingMode !== undefined && !['Immediate', 'WaitForFirstConsumer'].includes(sc.volumeBindingMode)) {
      causes.push({ type: 'Unsupported value', field: 'volumeBindingMode', value: sc.volumeBindingMode, detail: 'supported values: "Immediate", "WaitForFirstConsumer"' });
    }
    if (causes.length) throw new InvalidError('StorageClass', obj.metadata.name, causes);
  },
  prepareForCreate(obj) {
    const sc = obj as Any;
    sc.reclaimPolicy ??= 'Delete';
    sc.volumeBindingMode ??= 'Immediate';
  },
};

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

function validateClaim(obj: KubeObject): void {
  const spec = ((obj as Any).spec ?? {}) as Any;
  const causes: FieldError[] = [];
  const modes: unknown[] = Array.isArray(spec.accessModes) ? spec.accessModes : [];
  if (modes.length === 0) causes.push({ type: 'Required value', field: 'spec.accessModes', detail: 'at least 1 access mode is required' });
  for (const m of modes) {
    if (!ACCESS_MODES.includes(String(m))) causes.push({ type: 'Unsupported value', field: 'spec.accessModes', value: String(m), detail: `supported values: ${ACCESS_MODES.map((x) => `"${x}"`).join(', ')}` });
  }
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) causes.push({ type: 'Forbidden', field: 'spec.accessModes', detail: 'may not use ReadWriteOncePod with other access modes' });
  const storage = spec.resources?.requests?.storage;
  if (storage === undefined) causes.push({ type: 'Required value', field: 'spec.resources[storage]' });
  if (spec.volumeMode !== undefined && !['Block', 'Filesystem'].includes(spec.volumeMode)) {
    causes.push({ type: 'Unsupported value', field: 'spec.volumeMode', value: spec.volumeMode, detail: 'supported values: "Block", "Filesystem"' });
  }
  if (causes.length) throw new InvalidError('PersistentVolumeClaim', obj.metadata.name, causes);
}

export const persistentVolumeClaimStrategy: Strategy = {
  validate(obj, _state, old) {
    validateClaim(obj);
    if (old) {
      // Only the requested size (and for a bound claim nothing else) may change after creation.
      const strip = (o: KubeObject) => JSON.stringify({ ...((o as Any).spec ?? {}), resources: undefined, volumeName: undefined });
      if (strip(obj) !== strip(old)) {
        throw new InvalidError('PersistentVolumeClaim', obj.metadata.name, [
          { type: 'Forbidden', field: 'spec', detail: 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims' },
        ]);
      }
    }
  },
  prepareForCreate(obj, state) {
    const spec = ((obj as Any).spec ??= {});
    // The DefaultStorageClass admission plugin: a claim that names no class gets the default one.
    if (spec.storageClassName === undefined) {
      const def = defaultStorageClass(state);
      if (def) spec.storageClassName = def.metadata.name;
    }
    spec.volumeMode ??= 'Filesystem';
    if (spec.resources?.requests?.storage !== undefined) spec.resources.requests.storage = canonicalQuantity(spec.resources.requests.storage);
    // The StorageObjectInUseProtection admission plugin's finalizer (kubesim deletes at once: no finalizers run).
    obj.metadata.finalizers = [...new Set([...(obj.metadata.finalizers ?? []), 'kubernetes.io/pvc-protection'])];
    (obj as Any).status = { phase: 'Pending' };
  },
  afterDelete(obj, state, ctx) {
    // The claim's volume is released: the provisioner deletes a Delete-policy volume, a Retain one stays Released.
    const pvName = (obj as Any).spec?.volumeName;
    const pv = pvName ? (getObject(state, 'persistentvolumes', undefined, pvName) as Any) : undefined;
    if (!pv || pv.spec?.claimRef?.uid !== obj.metadata.uid) return;
    if (pv.spec?.persistentVolumeReclaimPolicy === 'Delete') {
      deleteObject(state, ctx, resourceByName('persistentvolumes'), undefined, pvName, { reconcile: false });
    } else {
      pv.status = { ...(pv.status ?? {}), phase: 'Released', lastPhaseTransitionTime: rfc3339(ctx.clock.now()) };
      putObject(state, 'persistentvolumes', pv);
    }
  },
  afterCreate(obj, state, ctx) {
    const sc = classOf(state, obj);
    if (sc && (sc as Any).volumeBindingMode === 'WaitForFirstConsumer') {
      recordEvent(state, ctx, obj, { reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding', component: PV_CONTROLLER });
    }
  },
};

export const persistentVolumeStrategy: Strategy = {
  prepareForCreate(obj) {
    const pv = obj as Any;
    pv.spec ??= {};
    pv.spec.persistentVolumeReclaimPolicy ??= 'Retain';
    pv.spec.volumeMode ??= 'Filesystem';
    obj.metadata.finalizers = [...new Set([...(obj.metadata.finalizers ?? []), 'kubernetes.io/pv-protection'])];
    pv.status ??= { phase: 'Available' };
  },
};

function classOf(state: ClusterState, claim: KubeObject): KubeObject | undefined {
  const name = (claim as Any).spec?.storageClassName;
  return name ? getObject(state, 'storageclasses', undefined, name) : undefined;
}

/** The claims a pod's volumes name. */
export function podClaims(pod: Pod & KubeObject): string[] {
  return (pod.spec?.volumes ?? []).flatMap((v) => ((v as Any).persistentVolumeClaim?.claimName ? [(v as Any).persistentVolumeClaim.claimName as string] : []));
}

/**
 * The node a pod's bound claims pin it to (their PVs' node affinity on kubernetes.io/hostname), or undefined
 * when none does. Used by the scheduler's VolumeBinding filter.
 */
export function claimNodes(state: ClusterState, pod: Pod & KubeObject): string[][] {
  const out: string[][] = [];
  for (const name of podClaims(pod)) {
    const claim = getObject(state, 'persistentvolumeclaims', pod.metadata.namespace, name) as Any;
    const pvName = claim?.spec?.volumeName;
    if (!pvName) continue;
    const pv = getObject(state, 'persistentvolumes', undefined, pvName) as Any;
    const terms = pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms as Any[] | undefined;
    if (!terms?.length) continue;
    const nodes = terms.flatMap((t) => (t.matchExpressions ?? []).filter((e: Any) => e.key === 'kubernetes.io/hostname' && e.operator === 'In').flatMap((e: Any) => e.values ?? []));
    out.push(nodes);
  }
  return out;
}

/** The first claim a pod names that does not exist, if any (VolumeBinding's PreFilter). */
export function missingClaim(state: ClusterState, pod: Pod & KubeObject): string | undefined {
  return podClaims(pod).find((name) => !getObject(state, 'persistentvolumeclaims', pod.metadata.namespace, name));
}

/**
 * What binding a pod to a node does for its unbound claims of a WaitForFirstConsumer class whose provisioner is
 * the local-path one: the claim gets the selected node, the provisioner makes the PV there, both are Bound.
 */
export function provisionClaims(state: ClusterState, ctx: Ctx, pod: Pod & KubeObject, nodeName: string): void {
  for (const name of podClaims(pod)) {
    const claim = getObject(state, 'persistentvolumeclaims', pod.metadata.namespace, name) as Any;
    if (!claim || claim.spec?.volumeName || claim.metadata.deletionTimestamp) continue;
    const sc = classOf(state, claim) as Any;
    if (!sc || sc.provisioner !== LOCAL_PATH) continue;
    const ns = claim.metadata.namespace as string;
    const pvName = `pvc-${claim.metadata.uid}`;
    const ann = (claim.metadata.annotations ??= {});
    ann['volume.beta.kubernetes.io/storage-provisioner'] = LOCAL_PATH;
    ann['volume.kubernetes.io/storage-provisioner'] = LOCAL_PATH;
    ann['volume.kubernetes.io/selected-node'] = nodeName;
    recordEvent(state, ctx, claim, {
      reason: 'ExternalProvisioning',
      message: `Waiting for a volume to be created either by the external provisioner '${LOCAL_PATH}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
      component: PV_CONTROLLER,
    });
    const provisioner = `${LOCAL_PATH}_${provisionerPod(state)}`;
    recordEvent(state, ctx, claim, { reason: 'Provisioning', message: `External provisioner is provisioning volume for claim "${ns}/${name}"`, component: provisioner });
    const pv = createObject(
      state,
      ctx,
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: {
          name: pvName,
          annotations: { 'local.path.provisioner/selected-node': nodeName, 'pv.kubernetes.io/provisioned-by': LOCAL_PATH },
        },
        spec: {
          accessModes: [...(claim.spec.accessModes ?? [])],
          capacity: { storage: claim.spec.resources?.requests?.storage },
          claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name, namespace: ns, resourceVersion: claim.metadata.resourceVersion, uid: claim.metadata.uid },
          hostPath: { path: `${LOCAL_PATH_ROOT}/${pvName}_${ns}_${name}`, type: 'DirectoryOrCreate' },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }] } },
          persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
          storageClassName: sc.metadata.name,
          volumeMode: claim.spec.volumeMode ?? 'Filesystem',
        },
      } as KubeObject,
      { namespace: 'default', reconcile: false },
    ) as Any;
    recordEvent(state, ctx, claim, { reason: 'ProvisioningSucceeded', message: `Successfully provisioned volume ${pvName}`, component: provisioner });
    pv.status = { phase: 'Bound', lastPhaseTransitionTime: pv.metadata.creationTimestamp };
    putObject(state, 'persistentvolumes', pv);
    ann['pv.kubernetes.io/bind-completed'] = 'yes';
    ann['pv.kubernetes.io/bound-by-controller'] = 'yes';
    claim.spec.volumeName = pvName;
    claim.status = { accessModes: [...(claim.spec.accessModes ?? [])], capacity: { storage: claim.spec.resources?.requests?.storage }, phase: 'Bound' };
    putObject(state, 'persistentvolumeclaims', claim);
  }
}

/** The local-path-provisioner's pod name, which names the provisioner's event source. */
function provisionerPod(state: ClusterState): string {
  const p = listObjects(state, 'pods', 'local-path-storage').find((x) => x.metadata.labels?.app === 'local-path-provisioner');
  return `${p?.metadata.name ?? 'local-path-provisioner'}_${p?.metadata.uid ?? ''}`;
}
