// The API server's strategic merge patch (k8s.io/apimachinery strategicpatch.StrategicMergeMapPatch) and JSON
// merge patch (RFC 7386), applied to an object as JSON. The strategic merge walks the object's schema
// (src/api/schema-data.ts) to know each field's type, and the merge keys of src/api/patch-keys.ts to merge
// lists: by key for lists of objects, as sets for the few merged scalar lists, replaced otherwise. Directives:
// `$patch: replace|delete|merge` in maps and list items, `$retainKeys`, `$setElementOrder/<list>` and
// `$deleteFromPrimitiveList/<list>`. Loaded only by `patch`.
import type { SchemaDefs } from './decode.js';
import { MERGED_PRIMITIVE_LISTS, mergeKeyIn } from './patch-keys.js';
import { hasOwn, own, setOwn } from '../util/own.js';

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** A malformed patch, worded as the server's mergepatch errors (the caller picks the status). */
export class PatchFormatError extends Error {}

const DIRECTIVE = '$patch';
const RETAIN = '$retainKeys';
const ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

/** RFC 7386: maps merge recursively, null deletes, everything else replaces. */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  const out: Obj = isMap(target) ? structuredClone(target) : {};
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) delete out[k];
    else setOwn<unknown>(out, k, jsonMergePatch(own(out, k), v));
  }
  return out;
}

/** What the schema says a field holds: a definition id, a list or map of something, or a scalar. */
function fieldType(defs: SchemaDefs, defId: string | undefined, field: string): string | undefined {
  if (!defId) return undefined;
  return own(defs[defId]?.p ?? {}, field);
}

const refOf = (t: string | undefined): string | undefined => (t && t.startsWith('#') ? t.slice(1) : undefined);

/** Applies a strategic merge patch to `original` (the object as JSON) whose schema definition is `defId`. */
export function strategicMergePatch(original: Obj, patch: Obj, defId: string | undefined, defs: SchemaDefs): Obj {
  const r = mergeMap(structuredClone(original), patch, defId, defs);
  return r ?? {};
}

/** Merges patch into original (mutating it); undefined when the patch deletes the whole map. */
function mergeMap(original: Obj, patch: Obj, defId: string | undefined, defs: SchemaDefs): Obj | undefined {
  const directive = own(patch, DIRECTIVE);
  if (directive !== undefined) {
    if (directive === 'replace') {
      const out: Obj = {};
      for (const [k, v] of Object.entries(patch)) if (k !== DIRECTIVE) setOwn<unknown>(out, k, structuredClone(v));
      return out;
    }
    if (directive === 'delete') return undefined;
    if (directive !== 'merge') throw new PatchFormatError(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  }
  const retain = own(patch, RETAIN);
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new PatchFormatError('invalid patch format for retainKeys');
    const keep = new Set(retain.map(String));
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
  }
  for (const k of Object.keys(patch)) {
    if (k === DIRECTIVE || k === RETAIN || k.startsWith(ORDER)) continue;
    const v = patch[k];
    if (k.startsWith(DELETE_PRIMITIVE)) {
      const field = k.slice(DELETE_PRIMITIVE.length);
      if (!Array.isArray(v)) throw new PatchFormatError('invalid patch format for primitive list');
      const cur = own(original, field);
      if (Array.isArray(cur)) {
        const drop = new Set(v.map((x) => JSON.stringify(x)));
        setOwn<unknown>(original, field, cur.filter((x) => !drop.has(JSON.stringify(x))));
      }
      continue;
    }
    if (v === null) {
      delete original[k];
      continue;
    }
    const cur = own(original, k);
    if (!hasOwn(original, k) || cur === null || cur === undefined) {
      // Not in the object yet: take the patch value, without its directives.
      const taken = stripDirectives(v);
      if (taken !== undefined) setOwn<unknown>(original, k, taken);
      continue;
    }
    const t = fieldType(defs, defId, k);
    if (isMap(v) && isMap(cur)) {
      let sub: Obj | undefined;
      if (t?.startsWith('{}')) sub = mergeStringMap(cur, v, refOf(t.slice(2)), defs);
      else sub = mergeMap(cur, v, refOf(t), defs);
      if (sub === undefined) delete original[k];
      else setOwn<unknown>(original, k, sub);
      continue;
    }
    if (Array.isArray(v) && Array.isArray(cur)) {
      const key = defId ? mergeKeyIn(defId, k) : undefined;
      const order = own(patch, ORDER + k);
      if (key) setOwn<unknown>(original, k, mergeList(cur, v, key, refOf(t?.slice(2)), defs, order));
      else if (defId && MERGED_PRIMITIVE_LISTS.has(`${defId}.${k}`)) setOwn<unknown>(original, k, mergePrimitives(cur, v, order));
      else setOwn<unknown>(original, k, replaceList(v));
      continue;
    }
    setOwn<unknown>(original, k, stripDirectives(v));
  }
  // A $setElementOrder for a list the patch does not otherwise touch still reorders it.
  for (const k of Object.keys(patch)) {
    if (!k.startsWith(ORDER)) continue;
    const field = k.slice(ORDER.length);
    if (hasOwn(patch, field)) continue;
    const cur = own(original, field);
    const order = patch[k];
    if (!Array.isArray(cur) || !Array.isArray(order)) continue;
    const key = defId ? mergeKeyIn(defId, field) : undefined;
    setOwn<unknown>(original, field, reorder(cur, order, key));
  }
  return original;
}

/** A map[string]T field (labels, annotations, selector): keys merge, null deletes. */
function mergeStringMap(cur: Obj, patch: Obj, elemDef: string | undefined, defs: SchemaDefs): Obj {
  if (own(patch, DIRECTIVE) === 'replace') return mergeMap(cur, patch, undefined, defs) ?? {};
  for (const k of Object.keys(patch)) {
    if (k === DIRECTIVE) continue;
    const v = patch[k];
    const c = own(cur, k);
    if (v === null) delete cur[k];
    else if (isMap(v) && isMap(c) && elemDef) setOwn<unknown>(cur, k, mergeMap(c, v, elemDef, defs) ?? {});
    else setOwn<unknown>(cur, k, structuredClone(v));
  }
  return cur;
}

/** A list without a merge strategy: the patch's list, with a `{$patch: replace}` item dropped. */
function replaceList(v: unknown[]): unknown[] {
  return v.filter((x) => !(isMap(x) && own(x, DIRECTIVE) === 'replace' && Object.keys(x).length === 1)).map(stripDirectives);
}

function mergePrimitives(cur: unknown[], patch: unknown[], order: unknown): unknown[] {
  const seen = new Set(cur.map((x) => JSON.stringify(x)));
  const out = [...cur];
  for (const x of patch) if (!seen.has(JSON.stringify(x))) (out.push(x), seen.add(JSON.stringify(x)));
  return Array.isArray(order) ? reorder(out, order, undefined) : out;
}

/** A list merged by key: patch items merge into the item with their key, new ones are appended. */
function mergeList(cur: unknown[], patch: unknown[], key: string, elemDef: string | undefined, defs: SchemaDefs, order: unknown): unknown[] {
  // `$patch: replace` as an item replaces the whole list with the other items.
  if (patch.some((x) => isMap(x) && own(x, DIRECTIVE) === 'replace')) {
    return patch.filter((x) => !(isMap(x) && own(x, DIRECTIVE) === 'replace')).map(stripDirectives);
  }
  const out: unknown[] = cur.map((x) => structuredClone(x));
  const id = (x: unknown) => (isMap(x) ? JSON.stringify(own(x, key) ?? null) : undefined);
  // Items the object does not have yet come first, in the patch's order (as the server merges them).
  const added: unknown[] = [];
  for (const item of patch) {
    if (!isMap(item)) throw new PatchFormatError(`merging list: expected a map in list, got ${JSON.stringify(item)}`);
    if (!hasOwn(item, key)) throw new PatchFormatError(`map: ${goMap(item)} does not contain declared merge key: ${key}`);
    const directive = own(item, DIRECTIVE);
    const at = out.findIndex((x) => id(x) === id(item));
    if (directive === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at < 0) {
      const a = added.findIndex((x) => id(x) === id(item));
      if (a < 0) added.push(stripDirectives(item));
      else added[a] = mergeMap(added[a] as Obj, item, elemDef, defs) ?? added[a];
    }
    else {
      const merged = mergeMap(out[at] as Obj, item, elemDef, defs);
      if (merged === undefined) out.splice(at, 1);
      else out[at] = merged;
    }
  }
  const merged = [...added, ...out];
  return Array.isArray(order) ? reorder(merged, order, key) : merged;
}

/** $setElementOrder: the listed items first in the given order, the others (server-only) after, as they were. */
function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const idOf = (x: unknown) => JSON.stringify(key && isMap(x) ? own(x, key) ?? null : x);
  const rank = new Map(order.map((o, i) => [idOf(o), i]));
  const listed = list.filter((x) => rank.has(idOf(x))).sort((a, b) => rank.get(idOf(a))! - rank.get(idOf(b))!);
  return [...listed, ...list.filter((x) => !rank.has(idOf(x)))];
}

/** A patch value taken as it is, without the directives a strategic merge patch may carry inside it. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isMap(x) && own(x, DIRECTIVE) === 'delete')).map(stripDirectives);
  if (!isMap(v)) return structuredClone(v);
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === DIRECTIVE || k === RETAIN || k.startsWith(ORDER) || k.startsWith(DELETE_PRIMITIVE)) continue;
    if (x === null) continue;
    setOwn<unknown>(out, k, stripDirectives(x));
  }
  return out;
}

/** Go's %v of a map[string]interface{}: map[k:v ...] with sorted keys. */
function goMap(m: Obj): string {
  const val = (x: unknown): string => (isMap(x) ? goMap(x) : Array.isArray(x) ? `[${x.map(val).join(' ')}]` : x === null ? '<nil>' : String(x));
  return `map[${Object.keys(m).sort().map((k) => `${k}:${val(m[k])}`).join(' ')}]`;
}
