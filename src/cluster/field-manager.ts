// The API server's field manager: metadata.managedFields for every user write (an Update entry for the
// writer's manager: kubectl-create, kubectl-client-side-apply, kubectl-edit, ...) and server-side apply (an
// Apply entry owning exactly the applied configuration's fields; fields it stops applying are removed; a
// changed field another manager owns is a conflict). One implementation: the CLI's `apply --server-side` and
// `kubesim serve`'s application/apply-patch+yaml PATCH both call serverSideApply. Controllers' writes and
// status are not tracked (docs/field-management-facts.md).
import { StatusError, badRequest } from '../api/errors.js';
import { atomicAt, compareObjects, difference, fieldSetOf, fromFieldsV1, intersection, listKeysAt, pathString, removePath, toFieldsV1, union, type FieldSet, type Path } from '../api/field-sets.js';
import { apiVersionOf } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { getObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import type { Ctx } from './context.js';
import { createObject, resourceOf, updateObject } from './apiserver.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Who writes: kubectl's --field-manager (or the user agent's first word), and the subresource written. */
export interface Writer {
  manager: string;
  subresource?: string;
}

interface Owned {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

const sameOwner = (e: ManagedFieldsEntry, manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource?: string): boolean =>
  e.manager === manager && e.operation === operation && (operation === 'Apply' || e.apiVersion === apiVersion) && (e.subresource ?? '') === (subresource ?? '');

function decode(obj: KubeObject | undefined): Owned[] {
  const mf = obj?.metadata.managedFields as ManagedFieldsEntry[] | undefined;
  return Array.isArray(mf) ? mf.filter((e) => e && typeof e === 'object').map((entry) => ({ entry, set: fromFieldsV1(entry.fieldsV1) })) : [];
}

/** The entries as the API server stores them: Apply before Update, then by time, manager, version. */
function encode(owned: Owned[]): ManagedFieldsEntry[] | undefined {
  const out = owned
    .filter((o) => o.set.size > 0)
    .map((o) => {
      const e: ManagedFieldsEntry = { manager: o.entry.manager, operation: o.entry.operation, apiVersion: o.entry.apiVersion, ...(o.entry.time ? { time: o.entry.time } : {}), fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(o.set) };
      if (o.entry.subresource) e.subresource = o.entry.subresource;
      return e;
    })
    .sort((p, q) => cmp(p.operation, q.operation) || cmp(p.time ?? '', q.time ?? '') || cmp(p.manager, q.manager) || cmp(p.apiVersion, q.apiVersion) || cmp(p.subresource ?? '', q.subresource ?? ''));
  return out.length ? out : undefined;
}
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function setManaged(obj: KubeObject, entries: ManagedFieldsEntry[] | undefined): void {
  if (entries) obj.metadata.managedFields = entries as never;
  else delete obj.metadata.managedFields;
}

/**
 * An Update by `writer` from `old` (undefined for a create) to `next`: the writer owns what it added or
 * changed, others lose those fields, and removed fields leave every set. Sets next.metadata.managedFields.
 */
export function recordUpdate(old: KubeObject | undefined, next: KubeObject, writer: Writer, now: Date, unowned: readonly string[][] = []): void {
  const given = next.metadata.managedFields as unknown[] | undefined;
  // A writer that sends managedFields replaces them (the API's way to reset them); one that sends none keeps the old.
  const base = decode(Array.isArray(given) && given.length ? next : old);
  const c = compareObjects(old as Record<string, unknown> | undefined, next as Record<string, unknown>);
  for (const p of unowned) c.added.delete(p.join('\u0000'));
  const changed = union(c.added, c.modified);
  if (changed.size === 0 && c.removed.size === 0) {
    setManaged(next, encode(base));
    return;
  }
  const apiVersion = String(next.apiVersion);
  let self: Owned | undefined;
  for (const o of base) {
    if (o.entry.operation === 'Update' && sameOwner(o.entry, writer.manager, 'Update', apiVersion, writer.subresource)) self = o;
    else o.set = difference(difference(o.set, changed), c.removed);
  }
  if (!self) base.push((self = { entry: { manager: writer.manager, operation: 'Update', apiVersion, fieldsType: 'FieldsV1', fieldsV1: {}, ...(writer.subresource ? { subresource: writer.subresource } : {}) }, set: new Map() }));
  self.set = union(difference(self.set, c.removed), changed);
  self.entry = { ...self.entry, time: rfc3339(now) };
  setManaged(next, encode(base));
}

// ---- server-side apply ---------------------------------------------------------------------------------

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The applied configuration merged into the live object: fields it names win, lists merge by their keys. */
function mergeApplied(live: unknown, applied: unknown, root: Record<string, unknown>, path: Path): unknown {
  if (Array.isArray(applied) && Array.isArray(live)) {
    const keys = listKeysAt(root, path);
    if (!keys) return structuredClone(applied);
    const keyOf = (x: unknown) => (isMap(x) ? JSON.stringify(keys.map((k) => x[k.name] ?? k.dflt)) : undefined);
    const out = live.map((x) => structuredClone(x));
    for (const a of applied) {
      const i = out.findIndex((x) => keyOf(x) === keyOf(a));
      if (i < 0) out.push(structuredClone(a));
      else out[i] = mergeApplied(out[i], a, root, [...path, 'k:']);
    }
    return out;
  }
  if (!isMap(applied) || !isMap(live) || atomicAt(root, path)) return structuredClone(applied);
  const out: Record<string, unknown> = structuredClone(live);
  for (const [k, v] of Object.entries(applied)) {
    if (v === undefined) continue;
    out[k] = Object.hasOwn(live, k) ? mergeApplied(live[k], v, root, [...path, `f:${k}`]) : structuredClone(v);
  }
  return out;
}

export interface ApplyOptions {
  manager: string;
  force: boolean;
  now: Date;
}

const CSA_MANAGER = 'kubectl-client-side-apply';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The object a server-side apply makes of `live` (undefined: create) and the applied configuration. */
export function applyConfiguration(live: KubeObject | undefined, config: KubeObject, o: ApplyOptions): KubeObject {
  if (Array.isArray(config.metadata.managedFields)) throw badRequest('metadata.managedFields must be nil');
  const apiVersion = String(config.apiVersion);
  const applied = fieldSetOf(config as Record<string, unknown>);
  const entry = (): ManagedFieldsEntry => ({ manager: o.manager, operation: 'Apply', apiVersion, time: rfc3339(o.now), fieldsType: 'FieldsV1', fieldsV1: {} });
  if (!live) {
    const obj = structuredClone(config);
    setManaged(obj, encode([{ entry: entry(), set: applied }]));
    return obj;
  }
  let owned = decode(live);
  // An object no one has managed yet (made by a controller, say): its fields belong to "before-first-apply".
  if (owned.length === 0) owned = [{ entry: { manager: 'before-first-apply', operation: 'Update', apiVersion, time: rfc3339(o.now), fieldsType: 'FieldsV1', fieldsV1: {} }, set: fieldSetOf(live as Record<string, unknown>) }];
  const mine = owned.find((x) => sameOwner(x.entry, o.manager, 'Apply', apiVersion));
  const others = owned.filter((x) => x !== mine);
  const merged = mergeApplied(live, config, live as Record<string, unknown>, []) as KubeObject;
  // Fields the last apply set, this one does not, and no other manager owns, are removed.
  if (mine) {
    const kept = union(applied, others.reduce((acc, x) => union(acc, x.set), new Map() as FieldSet));
    const keptKeys = [...kept.keys()];
    const gone = [...difference(mine.set, kept).values()].filter((p) => {
      const prefix = p.join('\u0000') + '\u0000';
      return !keptKeys.some((k) => k.startsWith(prefix));
    });
    for (const p of gone.sort((a, b) => a.length - b.length)) removePath(merged as Record<string, unknown>, p, (lp) => listKeysAt(merged as Record<string, unknown>, lp));
  }
  const c = compareObjects(live as Record<string, unknown>, merged as Record<string, unknown>);
  const changed = union(c.added, c.modified);
  const conflicts = others.map((x) => ({ x, set: intersection(x.set, changed) })).filter((x) => x.set.size > 0);
  // kubectl's first server-side apply over its client-side applies takes their fields without a conflict.
  const upgrade = o.manager === 'kubectl' && !!live.metadata.annotations?.[LAST_APPLIED] && conflicts.every((x) => x.x.entry.manager === CSA_MANAGER && x.x.entry.operation === 'Update');
  if (conflicts.length && !o.force && !upgrade) throw conflictError(conflicts.flatMap((x) => [...x.set.values()].map((p) => ({ entry: x.x.entry, path: p }))));
  for (const x of others) x.set = difference(difference(x.set, changed), c.removed);
  const self: Owned = mine ?? { entry: entry(), set: new Map() };
  const sameSet = mine && mine.set.size === applied.size && [...applied.keys()].every((k) => mine.set.has(k));
  self.set = applied;
  if (!sameSet || changed.size || c.removed.size) self.entry = { ...entry() };
  const next = merged;
  setManaged(next, encode(mine ? owned : [...owned, self]));
  // kubectl's manager keeps an existing last-applied annotation in step, so a later client-side apply agrees.
  if (o.manager === 'kubectl' && live.metadata.annotations?.[LAST_APPLIED]) {
    const cfg = structuredClone(config);
    const ann = { ...(cfg.metadata.annotations ?? {}) };
    delete ann[LAST_APPLIED];
    cfg.metadata.annotations = ann;
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [LAST_APPLIED]: `${JSON.stringify(sortDeep(cfg))}\n` };
  }
  return next;
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (isMap(v)) return Object.fromEntries(Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => [k, sortDeep(v[k])]));
  return v;
}

/** How a conflict names a manager: an applier by name, an updater with its subresource and version. */
function managerText(e: ManagedFieldsEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}

/** The API server's 409 for conflicting fields, with one FieldManagerConflict cause per field. */
export class ApplyConflictError extends StatusError {
  readonly causes: { type: 'FieldManagerConflict'; message: string; field: string }[];
  constructor(message: string, causes: ApplyConflictError['causes']) {
    super('Conflict', 409, message);
    this.causes = causes;
  }
}

function conflictError(list: { entry: ManagedFieldsEntry; path: Path }[]): ApplyConflictError {
  const causes = list.map((x) => ({ type: 'FieldManagerConflict' as const, message: `conflict with ${managerText(x.entry)}`, field: pathString(x.path) }));
  if (list.length === 1) return new ApplyConflictError(`Apply failed with 1 conflict: conflict with ${managerText(list[0].entry)}: ${pathString(list[0].path)}`, causes);
  const by = new Map<string, string[]>();
  for (const x of list) {
    const id = JSON.stringify({ manager: x.entry.manager, operation: x.entry.operation, ...(x.entry.operation === 'Update' ? { apiVersion: x.entry.apiVersion } : {}), ...(x.entry.subresource ? { subresource: x.entry.subresource } : {}) });
    by.set(id, [...(by.get(id) ?? []), pathString(x.path)]);
  }
  const lines: string[] = [];
  for (const id of [...by.keys()].sort()) {
    lines.push(`conflicts with ${managerText(JSON.parse(id) as ManagedFieldsEntry)}:`);
    for (const p of by.get(id)!) lines.push(`- ${p}`);
  }
  return new ApplyConflictError(`Apply failed with ${list.length} conflicts: ${lines.join('\n')}`, causes);
}

export interface SsaResult {
  action: 'created' | 'serverside-applied';
  object: KubeObject;
  /** False when the apply changed nothing (nothing was stored). */
  changed: boolean;
}

/**
 * One server-side apply through the API server: create or update (validation, defaulting, the controllers)
 * with the managed fields the apply computed. `config` is the decoded applied configuration.
 */
export function serverSideApply(state: ClusterState, ctx: Ctx, config: KubeObject, o: { manager: string; force: boolean; namespace: string; dryRun?: boolean; reconcile?: boolean }): SsaResult {
  if (!o.manager) throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  const info = resourceOf(config);
  const input = structuredClone(config);
  input.apiVersion = apiVersionOf(info);
  const ns = info.namespaced ? input.metadata.namespace ?? o.namespace : undefined;
  const live = getObject(state, info.resource, ns, input.metadata.name);
  const opts = { namespace: o.namespace, dryRun: o.dryRun, reconcile: o.reconcile, managed: true };
  const next = applyConfiguration(live, input, { manager: o.manager, force: o.force, now: ctx.clock.now() });
  if (!live) return { action: 'created', object: createObject(state, ctx, next, opts), changed: true };
  const trial = updateObject(state, ctx, structuredClone(next), { ...opts, dryRun: true });
  if (sameObject(trial, live)) return { action: 'serverside-applied', object: live, changed: false };
  return { action: 'serverside-applied', object: o.dryRun ? trial : updateObject(state, ctx, next, opts), changed: true };
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  const clean = (x: KubeObject) => sortDeep({ ...x, metadata: { ...x.metadata, resourceVersion: undefined } });
  return JSON.stringify(clean(a)) === JSON.stringify(clean(b));
}
