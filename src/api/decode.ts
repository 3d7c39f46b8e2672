// Go's encoding/json decoding of a value into a typed struct, as the API server (and kubectl, for metadata)
// does it, driven by a schema table (src/api/schema-data.ts, or a small one): the earliest type error as
// json.Unmarshal words it, unknown fields as strict decoding names them, and the value the server keeps
// (unknown fields pruned; JSON null becomes what Go makes of it). No schema data is imported here.
import { parseQuantity } from './quantity.js';
import { own, setOwn } from '../util/own.js';

export interface SchemaDef {
  /** Properties: string | bool | int32 | int64 | number | any | #Ref | []T | {}T. */
  p?: Record<string, string>;
  /** Required properties (OpenAPI `required`). */
  r?: string[];
  /** A named scalar: Time is a string, IntOrString and Quantity take a string or a number. */
  alias?: string;
}
export type SchemaDefs = Record<string, SchemaDef>;

/** Go's name of a definition's type: "v1.PodSpec", "intstr.IntOrString", "resource.Quantity". */
function goTypeOfDef(id: string): string {
  const m = /^IoK8s(?:Api\w*?|ApimachineryPkg\w*?)(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/.exec(id);
  if (id.endsWith('IntstrIntOrString')) return 'intstr.IntOrString';
  if (id.endsWith('ResourceQuantity')) return 'resource.Quantity';
  if (!m) return id;
  return `${m[1].toLowerCase()}.${m[2]}`;
}

/** Go's name of the struct that holds a field: "ContainerPort". */
function structName(id: string): string {
  return goTypeOfDef(id).replace(/^\w+\./, '');
}

function goType(t: string): string {
  if (t.startsWith('[]')) return `[]${goType(t.slice(2))}`;
  if (t.startsWith('{}')) return `map[string]${goType(t.slice(2))}`;
  if (t.startsWith('#')) return goTypeOfDef(t.slice(1));
  if (t === 'number') return 'float64';
  if (t === 'any') return 'interface {}';
  return t;
}

/** encoding/json's word for a JSON value's type. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  return 'object';
}

export interface DecodeResult {
  /** The first Go type error, e.g. "json: cannot unmarshal string into Go struct field ... of type int32". */
  typeError?: string;
  /** Unknown fields in document order, as strict decoding names them: spec.containers[0].foo. */
  unknown: string[];
  /** The object with unknown fields dropped (what the server stores with fieldValidation=Ignore). */
  pruned: unknown;
}

interface Walk {
  defs: SchemaDefs;
  typeError?: string;
  unknown: string[];
}

const INT_RANGE: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** resource.ErrFormatWrong: what ParseQuantity answers for anything that is not a quantity. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/**
 * Decodes `obj` against definition `rootId` of `defs`. `goPath` is encoding/json's Field (JSON keys, no
 * indexes), `path` the strict decoder's (with [i] indexes).
 */
export function decodeWith(obj: unknown, rootId: string, defs: SchemaDefs): DecodeResult {
  const w: Walk = { defs, unknown: [] };
  const pruned = walk(w, obj, `#${rootId}`, '', '', rootId);
  return { typeError: w.typeError, unknown: w.unknown, pruned };
}

function typeErr(w: Walk, value: unknown, goTypeName: string, goPath: string, holder: string, literal?: string): void {
  if (w.typeError) return;
  // A number too large for a double has no literal left to quote (JSON.parse made it Infinity).
  const what = literal !== undefined && Number.isFinite(value) ? `number ${literal}` : jsonKind(value);
  const where = goPath ? `Go struct field ${structName(holder)}.${goPath}` : `Go value`;
  w.typeError = `json: cannot unmarshal ${what} into ${where} of type ${goTypeName}`;
}

/** A plain error a type's own UnmarshalJSON returns (not a json.UnmarshalTypeError): reported as is. */
function plainErr(w: Walk, text: string): void {
  w.typeError ??= text;
}

/** What Go leaves in a slice element or map value decoded from JSON null: the type's zero value. */
function zeroValue(w: Walk, t: string): unknown {
  if (t === 'string') return '';
  if (t === 'bool') return false;
  if (t === 'int32' || t === 'int64' || t === 'number') return 0;
  if (t.startsWith('#')) {
    const def = own(w.defs, t.slice(1));
    if (def?.alias === 'string') return '';
    if (def?.alias === 'intOrString') return t.endsWith('ResourceQuantity') ? '0' : 0;
    if (def?.alias) return null;
    return {};
  }
  return null;
}

function isInt(v: number, t: 'int32' | 'int64'): boolean {
  const [lo, hi] = INT_RANGE[t];
  return Number.isInteger(v) && v >= lo && v <= hi;
}

function walk(w: Walk, v: unknown, t: string, path: string, goPath: string, holder: string): unknown {
  if (v === null || v === undefined) return v;
  if (t === 'any') return v;
  if (t === 'string') {
    if (typeof v !== 'string') typeErr(w, v, goPath.endsWith('uid') && /^(ObjectMeta|OwnerReference)$/.test(structName(holder)) ? 'types.UID' : 'string', goPath, holder);
    return v;
  }
  if (t === 'bool') {
    if (typeof v !== 'boolean') typeErr(w, v, t, goPath, holder);
    return v;
  }
  if (t === 'number') {
    if (typeof v !== 'number') typeErr(w, v, 'float64', goPath, holder);
    return v;
  }
  if (t === 'int32' || t === 'int64') {
    if (typeof v !== 'number') typeErr(w, v, t, goPath, holder);
    else if (!isInt(v, t)) typeErr(w, v, t, goPath, holder, String(v));
    return v;
  }
  if (t.startsWith('[]')) {
    if (!Array.isArray(v)) {
      typeErr(w, v, goType(t), goPath, holder);
      return v;
    }
    const elem = t.slice(2);
    return v.map((x, i) => (x === null ? zeroValue(w, elem) : walk(w, x, elem, `${path}[${i}]`, goPath, holder)));
  }
  if (t.startsWith('{}')) {
    if (typeof v !== 'object' || Array.isArray(v)) {
      typeErr(w, v, goType(t), goPath, holder);
      return v;
    }
    const elem = t.slice(2);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) setOwn(out, k, x === null ? zeroValue(w, elem) : walk(w, x, elem, `${path}.${k}`, goPath, holder));
    return out;
  }
  if (t.startsWith('#')) {
    const id = t.slice(1);
    const def = own(w.defs, id);
    if (!def) return v;
    if (def.alias === 'string') {
      // metav1.Time and MicroTime unmarshal a JSON string (their UnmarshalJSON reports the string it wanted).
      if (typeof v !== 'string') typeErr(w, v, 'string', goPath, holder);
      return v;
    }
    if (def.alias === 'intOrString') {
      if (id.endsWith('ResourceQuantity')) {
        // resource.Quantity.UnmarshalJSON parses a string or a bare number; anything else is ErrFormatWrong.
        const text = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
        if (text === undefined || parseQuantity(text.trim()) === undefined) plainErr(w, QUANTITY_FORMAT_ERROR);
        return v;
      }
      // intstr.IntOrString.UnmarshalJSON: a string, else json.Unmarshal into its int32.
      if (typeof v === 'string') return v;
      if (typeof v !== 'number') typeErr(w, v, 'int32', goPath, holder);
      else if (!isInt(v, 'int32')) typeErr(w, v, 'int32', goPath, holder, String(v));
      return v;
    }
    if (def.alias) return v;
    if (typeof v !== 'object' || Array.isArray(v)) {
      typeErr(w, v, goType(t), goPath, holder);
      return v;
    }
    const props = def.p ?? {};
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const sub = path ? `${path}.${k}` : k;
      const pt = own(props, k);
      if (pt === undefined) {
        w.unknown.push(sub);
        continue;
      }
      // A field set to null is left at its zero value by Go: as good as absent.
      if (x === null) continue;
      setOwn(out, k, walk(w, x, pt, sub, goPath ? `${goPath}.${k}` : k, id));
    }
    return out;
  }
  return v;
}

/** Fields the schema requires that are absent, as paths (used for kinds without hand-written validation). */
export function missingRequiredWith(obj: unknown, rootId: string, defs: SchemaDefs): string[] {
  const out: string[] = [];
  const visit = (v: unknown, t: string, path: string): void => {
    if (v === null || v === undefined) return;
    if (t.startsWith('[]')) {
      if (Array.isArray(v)) v.forEach((x, i) => visit(x, t.slice(2), `${path}[${i}]`));
      return;
    }
    if (t.startsWith('{}')) {
      if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, t.slice(2), `${path}[${k}]`);
      return;
    }
    if (!t.startsWith('#')) return;
    const def = own(defs, t.slice(1));
    if (!def?.p || typeof v !== 'object' || Array.isArray(v)) return;
    const o = v as Record<string, unknown>;
    for (const k of def.r ?? []) {
      if (k === 'apiVersion' || k === 'kind') continue;
      const x = own(o, k);
      if (x === undefined || x === null || x === '') out.push(path ? `${path}.${k}` : k);
    }
    for (const [k, pt] of Object.entries(def.p)) {
      const x = own(o, k);
      if (x !== undefined) visit(x, pt, path ? `${path}.${k}` : k);
    }
  };
  visit(obj, `#${rootId}`, '');
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// kubectl's own decode of an object's metadata (every -f verb does it before anything else): the object is
// read into a struct holding only `metadata` as a v1.ObjectMeta, so a mistyped metadata field fails there.

const META = 'IoK8sApimachineryPkgApisMetaV1';
const METADATA_DEFS: SchemaDefs = {
  metadataOnlyObject: { p: { metadata: `#${META}ObjectMeta` } },
  [`${META}ObjectMeta`]: {
    p: {
      annotations: '{}string',
      creationTimestamp: `#${META}Time`,
      deletionGracePeriodSeconds: 'int64',
      deletionTimestamp: `#${META}Time`,
      finalizers: '[]string',
      generateName: 'string',
      generation: 'int64',
      labels: '{}string',
      managedFields: `[]#${META}ManagedFieldsEntry`,
      name: 'string',
      namespace: 'string',
      ownerReferences: `[]#${META}OwnerReference`,
      resourceVersion: 'string',
      selfLink: 'string',
      uid: 'string',
    },
  },
  [`${META}ManagedFieldsEntry`]: {
    p: { apiVersion: 'string', fieldsType: 'string', fieldsV1: `#${META}FieldsV1`, manager: 'string', operation: 'string', subresource: 'string', time: `#${META}Time` },
  },
  [`${META}OwnerReference`]: { p: { apiVersion: 'string', blockOwnerDeletion: 'bool', controller: 'bool', kind: 'string', name: 'string', uid: 'string' } },
  [`${META}Time`]: { alias: 'string' },
  [`${META}FieldsV1`]: { alias: 'any' },
};

/** kubectl's metadataOnlyObject decode: the json error for a mistyped metadata field, or undefined. */
export function metadataTypeError(obj: Record<string, unknown>): string | undefined {
  if (!Object.hasOwn(obj, 'metadata')) return undefined;
  return decodeWith({ metadata: obj.metadata }, 'metadataOnlyObject', METADATA_DEFS).typeError;
}
