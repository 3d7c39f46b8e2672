// The API server's side of a write: resolve the kind, check the namespace, validate, default, allocate,
// store, then let the controllers react. Per-kind behaviour lives in strategies (src/cluster/strategies.ts).
import { alreadyExists, KubeError, notFound, StatusError } from '../api/errors.js';
import { apiVersionOf, qualifiedResource, resourceForKind, RESOURCES, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
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
  if (obj.metadata.name && getObject(state, info.resource, obj.metadata.namespace, obj.metadata.name)) {
    throw alreadyExists(qualifiedResource(info), obj.metadata.name);
  }
  strategy.validate?.(obj, state, undefined);
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
  strategy.validate?.(obj, state, old);
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
