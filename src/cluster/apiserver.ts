// The API server's side of a write: resolve the kind, check the namespace, validate, default, allocate,
// store, then let the controllers react. Per-kind behaviour lives in strategies (src/cluster/strategies.ts).
import { alreadyExists, KubeError, notFound, StatusError } from '../api/errors.js';
import { apiVersionOf, qualifiedResource, resourceForKind, RESOURCES, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { validateObject } from '../api/validation.js';
import { getObject, putObject, removeObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import type { Ctx } from './context.js';
import { reconcile } from './controllers.js';
import { strategyFor } from './strategies.js';

export class NoKindMatchError extends KubeError {
  readonly kind: string;
  readonly apiVersion: string;
  constructor(apiVersion: string, kind: string) {
    super(`no matches for kind "${kind}" in version "${apiVersion}"`);
    this.kind = kind;
    this.apiVersion = apiVersion;
  }
  override render(): string {
    return `error: ${this.message}\nensure CRDs are installed first`;
  }
}

/** Finds the resource an object belongs to, or throws kubectl's "no matches for kind" error. */
export function resourceOf(obj: { apiVersion?: unknown; kind?: unknown }): ResourceInfo {
  const info = resourceForKind(String(obj.apiVersion ?? ''), String(obj.kind ?? ''));
  if (!info) throw new NoKindMatchError(String(obj.apiVersion ?? ''), String(obj.kind ?? ''));
  return info;
}

export interface WriteOptions {
  /** Namespace to use when the object names none (the request's namespace). */
  namespace: string;
  dryRun?: boolean;
  /** Run the controllers afterwards (false when a controller itself writes). */
  reconcile?: boolean;
}

function checkNamespace(state: ClusterState, info: ResourceInfo, obj: KubeObject, requestNs: string): void {
  if (!info.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  const ns = obj.metadata.namespace ?? requestNs;
  if (obj.metadata.namespace && obj.metadata.namespace !== requestNs && requestNs !== obj.metadata.namespace) {
    // kubectl refuses a mismatch client-side; the caller decides. Here the object's own namespace wins.
  }
  obj.metadata.namespace = ns;
  if (!getObject(state, 'namespaces', undefined, ns)) throw notFound('namespaces', ns);
  const nsObj = getObject(state, 'namespaces', undefined, ns)!;
  if (nsObj.metadata.deletionTimestamp) {
    throw new StatusError('Forbidden', 403, `${info.resource} "${obj.metadata.name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`);
  }
}

/** POST: create a new object. Throws AlreadyExists, Invalid, NotFound (namespace). */
export function createObject(state: ClusterState, ctx: Ctx, input: KubeObject, opts: WriteOptions): KubeObject {
  const info = resourceOf(input);
  const obj = structuredClone(input);
  obj.metadata ??= { name: '' };
  const strategy = strategyFor(info.resource);
  checkNamespace(state, info, obj, opts.namespace);
  if (!obj.metadata.name && obj.metadata.generateName) {
    const base = obj.metadata.generateName.slice(0, 58);
    do obj.metadata.name = base + ctx.random.nameSuffix(5);
    while (getObject(state, info.resource, obj.metadata.namespace, obj.metadata.name));
  }
  // As the API server orders it: validation before storage, so an invalid object that exists is Invalid.
  // Every write is validated: by the kind's strategy (in validate, or in prepareForCreate when allocation
  // must come first, as for Services), else by the generic per-kind rules.
  if (strategy.validate) strategy.validate(obj, state, undefined);
  else if (!strategy.prepareForCreate) validateObject(obj);
  if (obj.metadata.name && getObject(state, info.resource, obj.metadata.namespace, obj.metadata.name)) {
    throw alreadyExists(qualifiedResource(info), obj.metadata.name);
  }
  stampNewMetadata(obj, info, ctx);
  strategy.prepareForCreate?.(obj, state, ctx, opts);
  if (opts.dryRun) return obj;
  putObject(state, info.resource, obj);
  strategy.afterCreate?.(obj, state, ctx);
  if (opts.reconcile !== false) reconcile(state, ctx);
  return getObject(state, info.resource, obj.metadata.namespace, obj.metadata.name) ?? obj;
}

function stampNewMetadata(obj: KubeObject, info: ResourceInfo, ctx: Ctx): void {
  obj.apiVersion = apiVersionOf(info);
  obj.metadata.uid = ctx.random.uuid();
  obj.metadata.creationTimestamp = rfc3339(ctx.clock.now());
  delete obj.metadata.resourceVersion;
  delete obj.metadata.deletionTimestamp;
  if (strategyFor(info.resource).hasGeneration) obj.metadata.generation = 1;
}

/**
 * PUT: replace an existing object's desired state. Immutable fields and status are kept from the old object
 * (the strategy decides), generation bumps when spec changes.
 */
export function updateObject(state: ClusterState, ctx: Ctx, input: KubeObject, opts: WriteOptions): KubeObject {
  const info = resourceOf(input);
  const obj = structuredClone(input);
  checkNamespace(state, info, obj, opts.namespace);
  const old = getObject(state, info.resource, obj.metadata.namespace, obj.metadata.name);
  if (!old) throw notFound(qualifiedResource(info), obj.metadata.name);
  const strategy = strategyFor(info.resource);
  obj.apiVersion = apiVersionOf(info);
  obj.metadata.uid = old.metadata.uid;
  obj.metadata.creationTimestamp = old.metadata.creationTimestamp;
  if (old.metadata.ownerReferences && !obj.metadata.ownerReferences) obj.metadata.ownerReferences = old.metadata.ownerReferences;
  if (old.metadata.deletionTimestamp) obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
  if ('status' in old && !strategy.statusFromUser) obj.status = old.status;
  if (strategy.validate) strategy.validate(obj, state, old);
  else if (!strategy.prepareForUpdate) validateObject(obj, old);
  strategy.prepareForUpdate?.(obj, old, state, ctx, opts);
  if (strategy.hasGeneration) {
    const changed = JSON.stringify(obj.spec ?? null) !== JSON.stringify(old.spec ?? null);
    obj.metadata.generation = ((old.metadata.generation as number | undefined) ?? 1) + (changed ? 1 : 0);
  }
  if (opts.dryRun) return obj;
  putObject(state, info.resource, obj);
  strategy.afterUpdate?.(obj, old, state, ctx);
  if (opts.reconcile !== false) reconcile(state, ctx);
  return getObject(state, info.resource, obj.metadata.namespace, obj.metadata.name) ?? obj;
}

export interface DeleteOptions {
  /** background (default), foreground or orphan, as --cascade sets. */
  cascade?: 'background' | 'foreground' | 'orphan';
  dryRun?: boolean;
  /** Reconcile after the delete (false when a caller deletes many and reconciles once). */
  reconcile?: boolean;
}

/** DELETE: removes the object now (kubesim has no finalizers); dependents follow unless orphaned. */
export function deleteObject(state: ClusterState, ctx: Ctx, info: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject {
  const ns = info.namespaced ? namespace : undefined;
  const obj = getObject(state, info.resource, ns, name);
  if (!obj) throw notFound(qualifiedResource(info), name);
  if (opts.dryRun) return obj;
  const strategy = strategyFor(info.resource);
  strategy.beforeDelete?.(obj, state, ctx);
  removeObject(state, info.resource, ns, name);
  if (opts.cascade === 'orphan') orphanDependents(state, obj);
  else collectGarbage(state, ctx, obj);
  strategy.afterDelete?.(obj, state, ctx);
  if (opts.reconcile !== false) reconcile(state, ctx);
  return obj;
}

/** The garbage collector: objects whose controller owner is gone are deleted too. */
function collectGarbage(state: ClusterState, ctx: Ctx, owner: KubeObject): void {
  const uid = owner.metadata.uid;
  if (!uid) return;
  for (const info of RESOURCES) {
    for (const o of Object.values(state.objects[info.resource] ?? {})) {
      if (o.metadata.ownerReferences?.some((r) => r.uid === uid)) {
        deleteObject(state, ctx, info, o.metadata.namespace, o.metadata.name, { reconcile: false });
      }
    }
  }
  // A namespace takes everything in it.
  if (owner.kind === 'Namespace') {
    for (const info of RESOURCES) {
      if (!info.namespaced) continue;
      for (const o of Object.values(state.objects[info.resource] ?? {})) {
        if (o.metadata.namespace === owner.metadata.name) {
          deleteObject(state, ctx, info, o.metadata.namespace, o.metadata.name, { reconcile: false });
        }
      }
    }
  }
}

function orphanDependents(state: ClusterState, owner: KubeObject): void {
  const uid = owner.metadata.uid;
  for (const info of RESOURCES) {
    for (const o of Object.values(state.objects[info.resource] ?? {})) {
      const refs = o.metadata.ownerReferences;
      if (refs?.some((r) => r.uid === uid)) {
        const rest = refs.filter((r) => r.uid !== uid);
        if (rest.length) o.metadata.ownerReferences = rest;
        else delete o.metadata.ownerReferences;
        putObject(state, info.resource, o);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// kubectl apply (client-side apply): the last-applied annotation and the three-way merge it drives.

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Go's json.Marshal of a map: keys sorted, compact; json.Encoder adds the newline. */
function goJSONLine(v: unknown): string {
  return `${JSON.stringify(sortKeysDeep(v))}\n`;
}

function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeysDeep(x);
    }
    return out;
  }
  return v;
}

/**
 * kubectl's GetModifiedConfiguration: the object without the annotation (annotations kept, `{}` when there
 * are none) is serialised and stored as the annotation itself.
 */
export function withLastApplied(input: KubeObject): KubeObject {
  const obj = structuredClone(input);
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  obj.metadata.annotations = annotations;
  const text = goJSONLine(obj);
  obj.metadata.annotations = { ...annotations, [LAST_APPLIED]: text };
  return obj;
}

/** Strategic-merge keys of the list fields kubesim's kinds have (patchMergeKey in the API types). */
function mergeKeyOf(field: string, sample: unknown): string | undefined {
  const s = (sample ?? {}) as Record<string, unknown>;
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return 'name';
    case 'ports':
      return 'containerPort' in s ? 'containerPort' : 'port';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'hostAliases':
      return 'ip';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    default:
      return undefined;
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The result of kubectl's three-way strategic merge patch applied to `current`: fields in `modified` win,
 * fields the last apply set (`original`) but `modified` dropped are removed, everything else (server
 * defaults, other writers' fields) stays.
 */
export function threeWayMerge(original: unknown, modified: unknown, current: unknown): unknown {
  if (!isMap(modified) || !isMap(current)) return structuredClone(modified);
  const orig = isMap(original) ? original : {};
  const out: Record<string, unknown> = structuredClone(current);
  for (const k of Object.keys(orig)) if (!(k in modified)) delete out[k];
  for (const [k, m] of Object.entries(modified)) {
    const c = current[k];
    if (m === null) {
      delete out[k];
    } else if (isMap(m) && isMap(c)) {
      out[k] = threeWayMerge(orig[k], m, c);
    } else if (Array.isArray(m) && Array.isArray(c) && m.every(isMap) && c.every(isMap) && mergeKeyOf(k, m[0] ?? c[0])) {
      out[k] = mergeList(k, Array.isArray(orig[k]) ? (orig[k] as unknown[]) : [], m, c);
    } else {
      out[k] = structuredClone(m);
    }
  }
  return out;
}

function mergeList(field: string, original: unknown[], modified: Record<string, unknown>[], current: Record<string, unknown>[]): unknown[] {
  const key = mergeKeyOf(field, modified[0] ?? current[0])!;
  const keyOf = (x: unknown) => JSON.stringify((x as Record<string, unknown>)?.[key]);
  const modifiedKeys = new Set(modified.map(keyOf));
  const dropped = new Set(original.map(keyOf).filter((k) => !modifiedKeys.has(k)));
  const byKey = new Map(current.map((c) => [keyOf(c), c]));
  const origByKey = new Map(original.map((o) => [keyOf(o), o]));
  const out: unknown[] = modified.map((m) => {
    const c = byKey.get(keyOf(m));
    return c ? threeWayMerge(origByKey.get(keyOf(m)), m, c) : structuredClone(m);
  });
  // Items only the server (or another writer) added stay, after the applied ones ($setElementOrder).
  for (const c of current) if (!modifiedKeys.has(keyOf(c)) && !dropped.has(keyOf(c))) out.push(structuredClone(c));
  return out;
}

export type ApplyResult = { action: 'created' | 'configured' | 'unchanged'; object: KubeObject };

/**
 * `kubectl apply` of one object: created when absent (with the last-applied annotation), otherwise the
 * three-way merge of last-applied, the new configuration and the live object; "unchanged" when the merge
 * changes nothing (kubectl's empty patch), "configured" otherwise.
 */
export function applyObject(state: ClusterState, ctx: Ctx, input: KubeObject, opts: WriteOptions): ApplyResult {
  const info = resourceOf(input);
  const modified = withLastApplied(input);
  const ns = info.namespaced ? modified.metadata.namespace ?? opts.namespace : undefined;
  const current = getObject(state, info.resource, ns, modified.metadata.name);
  if (!current) return { action: 'created', object: createObject(state, ctx, modified, opts) };
  const lastText = current.metadata.annotations?.[LAST_APPLIED];
  let original: unknown;
  try {
    original = lastText ? JSON.parse(lastText) : undefined;
  } catch {
    original = undefined;
  }
  const merged = threeWayMerge(original, modified, current) as KubeObject;
  if (JSON.stringify(sortKeysDeep(merged)) === JSON.stringify(sortKeysDeep(current))) {
    return { action: 'unchanged', object: current };
  }
  return { action: 'configured', object: updateObject(state, ctx, merged, opts) };
}
