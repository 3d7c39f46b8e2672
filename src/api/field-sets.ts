// Field sets as the API server's structured-merge-diff library keeps them for metadata.managedFields: the
// paths of an object's fields, walked with the kind's schema (src/api/schema-data.ts) and the list keys of
// src/api/patch-keys.ts, and their FieldsV1 form (`f:spec`, `k:{"name":"web"}`, `v:"x"`, `.`).
// A set is a Map from a path's key to its path elements; sets here hold hundreds of paths, not more.
import { SCHEMA } from './schema-data.js';
import { definitionFor } from './schema.js';
import { listMapKeysIn, MERGED_PRIMITIVE_LISTS } from './patch-keys.js';
import { own, setOwn } from '../util/own.js';

export type Path = readonly string[];
export type FieldSet = Map<string, Path>;

const SEP = '\u0000';
const keyOf = (p: Path): string => p.join(SEP);

export function addPath(s: FieldSet, p: Path): void {
  s.set(keyOf(p), p);
}
export const hasPath = (s: FieldSet, p: Path): boolean => s.has(keyOf(p));
export const union = (a: FieldSet, b: FieldSet): FieldSet => new Map([...a, ...b]);
export const difference = (a: FieldSet, b: FieldSet): FieldSet => new Map([...a].filter(([k]) => !b.has(k)));
export const intersection = (a: FieldSet, b: FieldSet): FieldSet => new Map([...a].filter(([k]) => b.has(k)));

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** How a value is merged and owned: a leaf (scalar or atomic), a struct, a free-form map, a keyed or set list. */
type Shape =
  | { k: 'leaf' }
  | { k: 'struct'; def: string | undefined }
  | { k: 'map'; elem: string }
  | { k: 'keyed'; elem: string; keys: readonly { name: string; dflt?: unknown }[] }
  | { k: 'set' };
const LEAF: Shape = { k: 'leaf' };

// Types the Kubernetes API marks atomic (+structType=atomic / +mapType=atomic): owned and replaced whole.
const ATOMIC_DEFS = new Set(
  ['ApimachineryPkgApisMetaV1LabelSelector', 'ApiCoreV1LocalObjectReference', 'ApiCoreV1ObjectReference', 'ApiCoreV1ConfigMapKeySelector', 'ApiCoreV1SecretKeySelector', 'ApiCoreV1ObjectFieldSelector', 'ApiCoreV1ResourceFieldSelector', 'ApiCoreV1NodeSelector', 'ApiCoreV1NodeSelectorTerm', 'ApiCoreV1TypedLocalObjectReference'].map((s) => `IoK8s${s}`),
);
const ATOMIC_FIELDS = new Set(['IoK8sApiCoreV1ServiceSpec.selector', 'IoK8sApiCoreV1ReplicationControllerSpec.selector']);

function shapeOf(t: string | undefined, owner: string | undefined, field: string): Shape {
  if (t === undefined || t === 'any') return owner === undefined ? { k: 'struct', def: undefined } : LEAF;
  if (owner && ATOMIC_FIELDS.has(`${owner}.${field}`)) return LEAF;
  if (t.startsWith('[]')) {
    const elem = t.slice(2);
    if (elem.startsWith('#')) {
      const keys = owner ? listMapKeysIn(owner, field) : undefined;
      return keys ? { k: 'keyed', elem, keys } : LEAF;
    }
    return owner && MERGED_PRIMITIVE_LISTS.has(`${owner}.${field}`) ? { k: 'set' } : LEAF;
  }
  if (t.startsWith('{}')) return { k: 'map', elem: t.slice(2) };
  if (t.startsWith('#')) {
    const id = t.slice(1);
    const def = own(SCHEMA, id);
    if (!def || def.alias || ATOMIC_DEFS.has(id)) return LEAF;
    return { k: 'struct', def: id };
  }
  return LEAF;
}

/** The shape of field `k` of a struct value, or of a value without a schema (a kind kubesim has no types for). */
function fieldShape(def: string | undefined, k: string, v: unknown): Shape {
  if (def === undefined) return isMap(v) ? { k: 'struct', def: undefined } : LEAF;
  return shapeOf(own(own(SCHEMA, def)?.p, k), def, k);
}

const declared = (def: string | undefined, k: string): boolean => def === undefined || own(own(SCHEMA, def)?.p, k) !== undefined;

/** The path element of a keyed list item: k:{"containerPort":80,"protocol":"TCP"} (keys sorted, defaults filled). */
function itemElement(keys: readonly { name: string; dflt?: unknown }[], item: unknown): string | undefined {
  if (!isMap(item)) return undefined;
  const out: Obj = {};
  for (const key of [...keys].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const v = own(item, key.name) ?? key.dflt;
    if (v === undefined) continue;
    setOwn<unknown>(out, key.name, v);
  }
  return Object.keys(out).length ? `k:${JSON.stringify(out)}` : undefined;
}

const rootShape = (obj: Obj): Shape => ({ k: 'struct', def: definitionFor(String(obj.apiVersion ?? ''), String(obj.kind ?? '')) });

// Fields the API server never tracks: identity and server-kept metadata; status is the controllers' (and the
// status subresource's), left out of kubesim's managed fields altogether.
const STRIPPED = [['f:apiVersion'], ['f:kind'], ['f:status'], ...['name', 'namespace', 'generateName', 'creationTimestamp', 'selfLink', 'uid', 'generation', 'managedFields', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds'].map((f) => ['f:metadata', `f:${f}`])];

function strip(s: FieldSet): FieldSet {
  for (const [k, p] of s) if (STRIPPED.some((x) => x.every((e, i) => p[i] === e))) s.delete(k);
  return s;
}

/** The fields an applied configuration sets (structured-merge-diff's ToFieldSet): what an Apply owns. */
export function fieldSetOf(obj: Obj): FieldSet {
  const out: FieldSet = new Map();
  walkSet(obj, rootShape(obj), [], out);
  return strip(out);
}

function walkSet(v: unknown, shape: Shape, path: string[], out: FieldSet): void {
  switch (shape.k) {
    case 'leaf':
      addPath(out, path);
      return;
    case 'set':
      if (Array.isArray(v)) for (const x of v) addPath(out, [...path, `v:${JSON.stringify(x)}`]);
      return;
    case 'keyed':
      if (!Array.isArray(v)) return;
      for (const item of v) {
        const pe = itemElement(shape.keys, item);
        if (!pe) continue;
        addPath(out, [...path, pe]);
        walkSet(item, { k: 'struct', def: shape.elem.slice(1) }, [...path, pe], out);
      }
      return;
    case 'map':
    case 'struct': {
      if (!isMap(v)) return;
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue;
        const p = [...path, `f:${k}`];
        const child = shape.k === 'map' ? shapeOf(shape.elem, undefined, k) : fieldShape(shape.def, k, x);
        if (shape.k === 'map' || !declared(shape.def, k) || x === null || (isMap(x) && Object.keys(x).length === 0)) addPath(out, p);
        if (x !== null) walkSet(x, shape.k === 'struct' && !declared(shape.def, k) ? LEAF : child, p, out);
      }
    }
  }
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

// Go value-typed struct fields (and lists without omitempty) that exist in a type's zero value: a create
// does not "add" them, only their contents, so their FieldsV1 entry carries no `.`.
const IN_ZERO_VALUE = new Set(['metadata', 'spec', 'status', 'template', 'strategy', 'updateStrategy', 'jobTemplate', 'containers', 'loadBalancer']);

/** What changed between two versions of an object, path by path (structured-merge-diff's Compare). */
export function compareObjects(before: Obj | undefined, after: Obj): Comparison {
  const c: Comparison = { added: new Map(), modified: new Map(), removed: new Map() };
  compare(before ?? {}, after, rootShape(after), [], c, true, true);
  strip(c.added);
  strip(c.modified);
  strip(c.removed);
  return c;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
  }
  return false;
}

function leaf(l: unknown, r: unknown, path: string[], c: Comparison): void {
  // Go's null and absent are one zero value (a template's creationTimestamp: null).
  if ((l === undefined || l === null) && (r === undefined || r === null)) return;
  if (l === undefined) addPath(c.added, path);
  else if (r === undefined) addPath(c.removed, path);
  else if (!same(l, r)) addPath(c.modified, path);
}

const emptyish = (v: unknown): boolean => v === undefined || (isMap(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);

function compare(l: unknown, r: unknown, shape: Shape, path: string[], c: Comparison, inZeroL: boolean, inZeroR: boolean): void {
  const field = path[path.length - 1]?.slice(2);
  // A value-typed field is there (empty) whenever its parent is.
  if (field && IN_ZERO_VALUE.has(field) && path[path.length - 1].startsWith('f:') && shape.k !== 'leaf') {
    if (l === undefined && inZeroL) l = shape.k === 'keyed' ? [] : {};
    if (r === undefined && inZeroR) r = shape.k === 'keyed' ? [] : {};
  }
  if (shape.k === 'leaf' || (emptyish(l) && emptyish(r)) || (l !== undefined && r !== undefined && Array.isArray(l) !== Array.isArray(r)) || l === null || r === null) {
    leaf(l, r, path, c);
    return;
  }
  if (l === undefined) addPath(c.added, path);
  else if (r === undefined) addPath(c.removed, path);
  if (shape.k === 'set') {
    const ls = new Set((Array.isArray(l) ? l : []).map((x) => JSON.stringify(x)));
    const rs = new Set((Array.isArray(r) ? r : []).map((x) => JSON.stringify(x)));
    for (const x of rs) if (!ls.has(x)) addPath(c.added, [...path, `v:${x}`]);
    for (const x of ls) if (!rs.has(x)) addPath(c.removed, [...path, `v:${x}`]);
    return;
  }
  if (shape.k === 'keyed') {
    const items = (v: unknown) => {
      const m = new Map<string, unknown>();
      if (Array.isArray(v)) for (const it of v) {
        const pe = itemElement(shape.keys, it);
        if (pe) m.set(pe, it);
      }
      return m;
    };
    const li = items(l);
    const ri = items(r);
    const item: Shape = { k: 'struct', def: shape.elem.slice(1) };
    for (const [pe, x] of li) compare(x, ri.get(pe), item, [...path, pe], c, false, false);
    for (const [pe, x] of ri) if (!li.has(pe)) compare(undefined, x, item, [...path, pe], c, false, false);
    return;
  }
  const lm = isMap(l) ? l : {};
  const rm = isMap(r) ? r : {};
  for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) {
    const lv = lm[k];
    const rv = rm[k];
    if (lv === undefined && rv === undefined) continue;
    const child = shape.k === 'map' ? shapeOf(shape.elem, undefined, k) : declared(shape.def, k) ? fieldShape(shape.def, k, rv ?? lv) : LEAF;
    compare(lv, rv, child, [...path, `f:${k}`], c, l !== undefined, r !== undefined);
  }
}

// ---- FieldsV1 ------------------------------------------------------------------------------------------

type Node = { member: boolean; children: Map<string, Node> };

/** A set as FieldsV1: nested objects, `.` marking a member that also has members below it. */
export function toFieldsV1(s: FieldSet): Obj {
  const root: Node = { member: false, children: new Map() };
  for (const p of s.values()) {
    let n = root;
    for (const e of p) {
      let next = n.children.get(e);
      if (!next) n.children.set(e, (next = { member: false, children: new Map() }));
      n = next;
    }
    n.member = true;
  }
  const emit = (n: Node): Obj => {
    const out: Obj = {};
    if (n.member && n.children.size) out['.'] = {};
    for (const k of [...n.children.keys()].sort()) setOwn<unknown>(out, k, emit(n.children.get(k)!));
    return out;
  };
  return emit(root);
}

export function fromFieldsV1(f: unknown): FieldSet {
  const out: FieldSet = new Map();
  const walk = (n: unknown, path: string[]) => {
    if (!isMap(n)) return;
    const keys = Object.keys(n);
    if (path.length && (keys.length === 0 || keys.includes('.'))) addPath(out, path);
    for (const k of keys) if (k !== '.') walk(n[k], [...path, k]);
  };
  walk(f, []);
  return out;
}

/** A path as the API server prints it in conflicts: .spec.containers[name="web"].image. */
export function pathString(p: Path): string {
  return p
    .map((e) => {
      const body = e.slice(2);
      if (e.startsWith('f:')) return `.${body}`;
      if (e.startsWith('v:')) return `[=${body}]`;
      const kv = JSON.parse(body) as Obj;
      return `[${Object.entries(kv).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    })
    .join('');
}

/** Removes the value at `p` from `obj` (and a free-form map or list it leaves empty). */
export function removePath(obj: Obj, p: Path, keysOf: (listPath: Path) => readonly { name: string; dflt?: unknown }[] | undefined): void {
  const parents: { holder: Obj | unknown[]; key: string | number }[] = [];
  let cur: unknown = obj;
  for (let i = 0; i < p.length; i++) {
    const e = p[i];
    let key: string | number | undefined;
    if (e.startsWith('f:') && isMap(cur)) key = Object.hasOwn(cur, e.slice(2)) ? e.slice(2) : undefined;
    else if (Array.isArray(cur)) {
      if (e.startsWith('v:')) key = cur.findIndex((x) => JSON.stringify(x) === e.slice(2));
      else {
        const keys = keysOf(p.slice(0, i));
        key = keys ? cur.findIndex((x) => itemElement(keys, x) === e) : -1;
      }
      if (key === -1) key = undefined;
    }
    if (key === undefined) return;
    parents.push({ holder: cur as Obj, key });
    cur = (cur as Record<string | number, unknown>)[key];
  }
  for (let i = parents.length - 1; i >= 0; i--) {
    const { holder, key } = parents[i];
    if (Array.isArray(holder)) holder.splice(key as number, 1);
    else delete holder[key as string];
    const emptied = Array.isArray(holder) ? holder.length === 0 : Object.keys(holder).length === 0;
    if (!emptied || i === 0 || !(Array.isArray(holder) || p[i - 1] === 'f:labels' || p[i - 1] === 'f:annotations')) break;
  }
}

function shapeAt(obj: Obj, path: Path): Shape | undefined {
  let shape = rootShape(obj);
  for (const e of path) {
    if (shape.k === 'struct' && e.startsWith('f:')) shape = declared(shape.def, e.slice(2)) ? fieldShape(shape.def, e.slice(2), {}) : LEAF;
    else if (shape.k === 'map' && e.startsWith('f:')) shape = shapeOf(shape.elem, undefined, e.slice(2));
    else if (shape.k === 'keyed' && e.startsWith('k:')) shape = { k: 'struct', def: shape.elem.slice(1) };
    else return undefined;
  }
  return shape;
}

/** The list keys of the keyed list at `listPath` in `obj`'s schema (items below are any `k:` element). */
export function listKeysAt(obj: Obj, listPath: Path): readonly { name: string; dflt?: unknown }[] | undefined {
  const shape = shapeAt(obj, listPath);
  return shape?.k === 'keyed' ? shape.keys : undefined;
}

/** Whether the value at `path` is owned and replaced whole (a scalar, an atomic struct, map or list). */
export function atomicAt(obj: Obj, path: Path): boolean {
  return shapeAt(obj, path)?.k === 'leaf';
}
