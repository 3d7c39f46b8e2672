// The API server's side of a write: resolve the kind, check the namespace, validate, default, allocate,
// store, then let the controllers react. Per-kind behaviour lives in strategies (src/cluster/strategies.ts).
import { alreadyExists, KubeError, notFound, StatusError } from '../api/errors.js';
import { apiVersionOf, qualifiedResource, resourceForKind, RESOURCES, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { validateObject } from '../api/validation.js';
import { ownersInProjection } from '../api/projections.js';
import { getObject, putObject, removeObject } from '../store/objects.js';
import { compareKeys, podsOwnedBy } from './informer.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import type { Ctx } from './context.js';
import { reconcile } from './controllers.js';
import { strategyFor } from './strategies.js';
import { mergeKeyOf } from '../api/patch-keys.js';
import { recordUpdate, type Writer } from './field-manager.js';
import { own } from '../util/own.js';
import { deleteNamespace } from './namespaces.js';

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
  /** A user's write: its field manager (kubectl-create, ...) gets an Update entry in metadata.managedFields. */
  manager?: Writer;
  /** The object carries the managed fields a server-side apply computed: store them as they are. */
  managed?: boolean;
}

/** The managed fields a write stores: the writer's Update recorded, or (a controller's write) the old ones kept. */
function trackFields(old: KubeObject | undefined, obj: KubeObject, ctx: Ctx, opts: WriteOptions, input?: KubeObject): void {
  if (opts.managed) return;
  if (opts.manager) recordUpdate(old, obj, opts.manager, ctx.clock.now(), input ? allocated(input) : []);
  else if (old?.metadata.managedFields && !obj.metadata.managedFields) obj.metadata.managedFields = old.metadata.managedFields;
}

function checkNamespace(state: ClusterState, info: ResourceInfo, obj: KubeObject, requestNs: string, creating = false): void {
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
  // The NamespaceLifecycle admission plugin: only creation is refused in a terminating namespace (its objects
  // may still be changed and deleted while the namespace controller has not emptied it).
  if (creating && nsObj.metadata.deletionTimestamp) {
    throw new StatusError('Forbidden', 403, `${qualifiedResource(info)} "${obj.metadata.name ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`);
  }
}

// A Service's addresses are allocated after the field manager has run: no one owns them unless the request set them.
const ALLOCATED: Record<string, string[]> = { Service: ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy'] };
function allocated(input: KubeObject): string[][] {
  const spec = (input.spec ?? {}) as Record<string, unknown>;
  return (own(ALLOCATED, input.kind) ?? []).filter((f) => spec[f] === undefined).map((f) => ['f:spec', `f:${f}`]);
}

/** POST: create a new object. Throws AlreadyExists, Invalid, NotFound (namespace). */
export function createObject(state: ClusterState, ctx: Ctx, input: KubeObject, opts: WriteOptions): KubeObject {
  const info = resourceOf(input);
  const obj = structuredClone(input);
  obj.metadata ??= { name: '' };
  const strategy = strategyFor(info.resource);
  checkNamespace(state, info, obj, opts.namespace, true);
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
  const existing = obj.metadata.name ? getObject(state, info.resource, obj.metadata.namespace, obj.metadata.name) : undefined;
  if (existing) {
    // The registry says so when the one in the way is only waiting to go (a terminating namespace).
    if (existing.metadata.deletionTimestamp) throw new StatusError('AlreadyExists', 409, `object is being deleted: ${qualifiedResource(info)} "${obj.metadata.name}" already exists`);
    throw alreadyExists(qualifiedResource(info), obj.metadata.name);
  }
  stampNewMetadata(obj, info, ctx);
  strategy.prepareForCreate?.(obj, state, ctx, opts);
  trackFields(undefined, obj, ctx, opts, input);
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
  trackFields(old, obj, ctx, opts);
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

/**
 * DELETE: removes the object now (kubesim has no finalizers but a namespace's); dependents follow unless
 * orphaned. A namespace is only marked Terminating: the namespace controller empties and removes it later.
 */
export function deleteObject(state: ClusterState, ctx: Ctx, info: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject {
  const ns = info.namespaced ? namespace : undefined;
  const obj = getObject(state, info.resource, ns, name);
  if (!obj) throw notFound(qualifiedResource(info), name);
  if (info.resource === 'namespaces') {
    const out = deleteNamespace(state, ctx, obj, !!opts.dryRun, () => removeOne(state, ctx, info, obj));
    if (!opts.dryRun && opts.reconcile !== false) reconcile(state, ctx);
    return out;
  }
  if (opts.dryRun) return obj;
  if (opts.cascade === 'orphan') {
    removeOne(state, ctx, info, obj);
    orphanDependents(state, obj);
  } else {
    removeWithDependents(state, ctx, info, obj, ownerIndex(state));
  }
  if (opts.reconcile !== false) reconcile(state, ctx);
  return obj;
}

function removeOne(state: ClusterState, ctx: Ctx, info: ResourceInfo, obj: KubeObject): void {
  const strategy = strategyFor(info.resource);
  strategy.beforeDelete?.(obj, state, ctx);
  removeObject(state, info.resource, obj.metadata.namespace, obj.metadata.name);
  strategy.afterDelete?.(obj, state, ctx);
}

/**
 * Dependents by owner uid ("resource\0key"), from the indexes' projections (no object read), built once per
 * command and kept up to date from the store's journal, so a cascade or a scale-down of many pods costs what
 * it deletes.
 */
class OwnerIndex {
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly owners = new Map<string, string[]>();
  /** From the start of the command: a kind not indexed yet still has what this command changed in it indexed. */
  private position = 0;
  /** The kinds whose saved objects are indexed: those that may name an owner of a kind asked about. */
  private readonly indexed = new Set<string>();

  constructor(private readonly state: ClusterState) {}

  /**
   * Indexes the saved objects of every kind that may hold dependents of an owner of this kind (the head keeps
   * which owner kinds each kind names). Events never have owners (the components that record them give none,
   * and they expire on their own); pods are indexed only when some pod names the uid (the pod summary says).
   */
  private indexFor(ownerKind: string, uid: string): void {
    for (const info of RESOURCES) {
      const kind = info.resource;
      if (kind === 'events' || this.indexed.has(kind) || !this.state.objects.mayBeOwnedBy(kind, ownerKind)) continue;
      if (kind === 'pods' && podsOwnedBy(this.state, uid) === false) continue;
      this.indexed.add(kind);
      for (const [key, p] of this.state.objects.projections(kind)) this.set(`${kind}\0${key}`, ownersInProjection(kind, p));
    }
  }

  private set(rk: string, uids: string[]): void {
    for (const u of this.owners.get(rk) ?? []) this.byOwner.get(u)?.delete(rk);
    if (uids.length) this.owners.set(rk, uids);
    else this.owners.delete(rk);
    for (const u of uids) {
      let s = this.byOwner.get(u);
      if (!s) this.byOwner.set(u, (s = new Set()));
      s.add(rk);
    }
  }

  private refresh(): void {
    const journal = this.state.objects.journal;
    for (; this.position < journal.length; this.position++) {
      const { kind, key } = journal[this.position];
      if (kind === 'events') continue;
      const o = this.state.objects.get(kind, key) as KubeObject | undefined;
      this.set(`${kind}\0${key}`, (o?.metadata?.ownerReferences ?? []).map((r) => r.uid));
    }
  }

  /** The objects that name this owner's uid among their owners, in kind then key order. */
  dependents(owner: KubeObject): [ResourceInfo, KubeObject][] {
    const uid = owner.metadata.uid ?? '';
    this.refresh();
    this.indexFor(owner.kind, uid);
    const out: [ResourceInfo, KubeObject][] = [];
    for (const info of RESOURCES) {
      if (info.resource === 'events') continue;
      const keys = [...(this.byOwner.get(uid) ?? [])].filter((rk) => rk.startsWith(`${info.resource}\0`)).map((rk) => rk.slice(info.resource.length + 1));
      for (const key of keys.sort(compareKeys)) {
        const o = this.state.objects.get(info.resource, key) as KubeObject | undefined;
        if (o) out.push([info, o]);
      }
    }
    return out;
  }
}

const OWNER_INDEXES = new WeakMap<ClusterState, OwnerIndex>();

function ownerIndex(state: ClusterState): OwnerIndex {
  let idx = OWNER_INDEXES.get(state);
  if (!idx) OWNER_INDEXES.set(state, (idx = new OwnerIndex(state)));
  return idx;
}

const stillThere = (state: ClusterState, i: ResourceInfo, o: KubeObject) => getObject(state, i.resource, o.metadata.namespace, o.metadata.name) === o;

/** The garbage collector: objects whose owner is gone are deleted too. */
function removeWithDependents(state: ClusterState, ctx: Ctx, info: ResourceInfo, obj: KubeObject, idx: OwnerIndex): void {
  removeOne(state, ctx, info, obj);
  for (const [i, o] of idx.dependents(obj)) {
    if (stillThere(state, i, o)) removeWithDependents(state, ctx, i, o, idx);
  }
}

/**
 * The namespace controller's deletion of a namespace's content: every namespaced resource, in discovery order,
 * each object with what it owns; only the keys of the namespace are read. Returns how many objects it deleted.
 */
export function deleteNamespaceContent(state: ClusterState, ctx: Ctx, namespace: string): number {
  const idx = ownerIndex(state);
  let n = 0;
  for (const i of RESOURCES) {
    if (!i.namespaced) continue;
    for (const key of state.objects.keys(i.resource)) {
      if (!key.startsWith(`${namespace}/`)) continue;
      const o = state.objects.get(i.resource, key) as KubeObject | undefined;
      if (!o || !stillThere(state, i, o)) continue;
      removeWithDependents(state, ctx, i, o, idx);
      n++;
    }
  }
  return n;
}

function orphanDependents(state: ClusterState, owner: KubeObject): void {
  const uid = owner.metadata.uid;
  for (const [info, o] of ownerIndex(state).dependents(owner)) {
    {
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
  const obj = withoutLastApplied(input);
  const text = goJSONLine(obj);
  obj.metadata.annotations = { ...obj.metadata.annotations, [LAST_APPLIED]: text };
  return obj;
}

/** A copy with its annotations (an empty map when none) minus last-applied: kubectl's modified configuration unannotated. */
function withoutLastApplied(input: KubeObject): KubeObject {
  const obj = structuredClone(input);
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  obj.metadata.annotations = annotations;
  return obj;
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

// kubectl's CreateThreeWayMergePatch (strategic merge): the changes from the live object to the new
// configuration (additions and changes only) merged with the deletions from the last applied configuration.
// An empty patch is kubectl's "unchanged"; the patch text appears in its "error when applying patch" messages.

interface DiffOptions {
  ignoreDeletions: boolean;
  ignoreChanges: boolean;
}

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeysDeep(a)) === JSON.stringify(sortKeysDeep(b));
const goType = (v: unknown): string => (v === null ? 'nil' : Array.isArray(v) ? 'slice' : typeof v);

function diffMaps(from: Record<string, unknown>, to: Record<string, unknown>, o: DiffOptions): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (!o.ignoreDeletions) for (const k of Object.keys(from)) if (!(k in to)) patch[k] = null;
  for (const [k, m] of Object.entries(to)) {
    if (!(k in from)) {
      if (!o.ignoreChanges) patch[k] = m;
      continue;
    }
    const f = from[k];
    if (goType(f) !== goType(m)) {
      if (!o.ignoreChanges) patch[k] = m;
    } else if (isMap(f) && isMap(m)) {
      const sub = diffMaps(f, m, o);
      if (Object.keys(sub).length) patch[k] = sub;
    } else if (Array.isArray(f) && Array.isArray(m) && [...f, ...m].every(isMap) && mergeKeyOf(k, m[0] ?? f[0])) {
      diffList(k, f as Record<string, unknown>[], m as Record<string, unknown>[], o, patch);
    } else if (!o.ignoreChanges && !sameValue(f, m)) {
      patch[k] = m;
    }
  }
  return patch;
}

function diffList(field: string, from: Record<string, unknown>[], to: Record<string, unknown>[], o: DiffOptions, patch: Record<string, unknown>): void {
  const key = mergeKeyOf(field, to[0] ?? from[0])!;
  const ks = (x: Record<string, unknown>) => String(x[key]);
  // Go sorts both lists by the merge key's %v text and walks them together.
  const keys = [...new Set([...from.map(ks), ...to.map(ks)])].sort();
  const out: unknown[] = [];
  let changes = 0;
  let deletions = 0;
  for (const kv of keys) {
    const f = from.find((x) => ks(x) === kv);
    const m = to.find((x) => ks(x) === kv);
    if (f && m) {
      const sub = diffMaps(f, m, o);
      if (Object.keys(sub).length) {
        out.push({ ...sub, [key]: m[key] });
        changes++;
      }
    } else if (m && !o.ignoreChanges) {
      out.push(m);
      changes++;
    } else if (f && !m && !o.ignoreDeletions) {
      out.push({ $patch: 'delete', [key]: f[key] });
      deletions++;
    }
  }
  if (changes + deletions === 0) return;
  patch[`$setElementOrder/${field}`] = to.map((m) => ({ [key]: m[key] }));
  patch[field] = out;
}

function mergePatches(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const x = out[k];
    if (isMap(x) && isMap(v)) out[k] = mergePatches(x, v);
    else if (Array.isArray(x) && Array.isArray(v) && !k.startsWith('$setElementOrder/')) {
      const key = mergeKeyOf(k, v[0] ?? x[0]);
      if (!key) out[k] = v;
      else {
        const merged = [...(x as Record<string, unknown>[])];
        for (const e of v as Record<string, unknown>[]) {
          const i = merged.findIndex((m) => String(m[key]) === String(e[key]));
          if (i < 0) merged.push(e);
          else merged[i] = mergePatches(merged[i], e);
        }
        out[k] = merged.sort((p, q) => (String(p[key]) < String(q[key]) ? -1 : String(p[key]) > String(q[key]) ? 1 : 0));
      }
    } else out[k] = v;
  }
  return out;
}

/** The strategic merge patch kubectl apply sends, as Go marshals it (sorted keys, compact). */
export function threeWayPatch(original: unknown, modified: KubeObject, current: KubeObject): string {
  const delta = diffMaps(current as Record<string, unknown>, modified as Record<string, unknown>, { ignoreDeletions: true, ignoreChanges: false });
  const deletions = isMap(original) ? diffMaps(original, modified as Record<string, unknown>, { ignoreDeletions: false, ignoreChanges: true }) : {};
  return JSON.stringify(sortKeysDeep(mergePatches(deletions, delta)));
}

/** kubectl's resource.Info String(), as "error when applying patch" messages show it. */
export function infoString(info: ResourceInfo, namespace: string | undefined, name: string): string {
  return `Resource: "${info.group}/${info.version}, Resource=${info.resource}", GroupVersionKind: "${info.group}/${info.version}, Kind=${info.kind}"\nName: "${name}", Namespace: "${namespace ?? ''}"`;
}

export type ApplyResult = { action: 'created' | 'configured' | 'unchanged'; object: KubeObject; patch?: string };

/**
 * `kubectl apply` of one object: created when absent (with the last-applied annotation), otherwise the
 * three-way merge of last-applied, the new configuration and the live object; "unchanged" when the merge
 * changes nothing (kubectl's empty patch), "configured" otherwise.
 */
export function applyObject(state: ClusterState, ctx: Ctx, input: KubeObject, opts: WriteOptions, configuration: KubeObject = input, annotate = true): ApplyResult {
  const info = resourceOf(input);
  // kubectl computes the annotation and the patch from the configuration as written (unknown fields and
  // all); the server stores the decoded object (`input`, unknown fields dropped) with that annotation.
  // `kubectl diff` merges without annotating: its merged object keeps the live last-applied annotation, and
  // an object still to be created is the manifest as it is.
  const written = annotate ? withLastApplied(configuration) : withoutLastApplied(configuration);
  const modified = structuredClone(input);
  if (annotate) modified.metadata.annotations = { ...(input.metadata.annotations ?? {}), [LAST_APPLIED]: written.metadata.annotations![LAST_APPLIED] };
  const ns = info.namespaced ? modified.metadata.namespace ?? opts.namespace : undefined;
  const current = getObject(state, info.resource, ns, modified.metadata.name);
  if (!current) return { action: 'created', object: createObject(state, ctx, modified, opts) };
  if (!annotate) modified.metadata.annotations = withoutLastApplied(input).metadata.annotations;
  const lastText = current.metadata.annotations?.[LAST_APPLIED];
  let original: unknown;
  try {
    original = lastText ? JSON.parse(lastText) : undefined;
  } catch {
    original = undefined;
  }
  const patch = threeWayPatch(original, written, current);
  if (patch === '{}') return { action: 'unchanged', object: current, patch };
  const merged = threeWayMerge(original, modified, current) as KubeObject;
  try {
    return { action: 'configured', object: updateObject(state, ctx, merged, opts), patch };
  } catch (e) {
    if (e instanceof KubeError) (e as KubeError & { applyPatch?: string }).applyPatch = patch;
    throw e;
  }
}
