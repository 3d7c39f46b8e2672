// The API server's decoding of a request body against the generated schema (src/api/schema-data.ts):
// Go's encoding/json type errors (the earliest one wins, as json.Unmarshal reports it), strict-decoding
// unknown fields (fieldValidation=Strict), and pruning of unknown fields (what the server stores).
// Pure; loaded only by commands that write objects (it pulls in the 40 KB schema table).
import { SCHEMA } from './schema-data.js';

export interface SchemaDef {
  /** Properties: string | bool | int32 | int64 | number | any | #Ref | []T | {}T. */
  p?: Record<string, string>;
  /** Required properties (OpenAPI `required`). */
  r?: string[];
  /** A named scalar: Time is a string, IntOrString and Quantity take a string or a number. */
  alias?: string;
}
export type SchemaDefs = Record<string, SchemaDef>;

const GROUP_PREFIX: Record<string, string> = {
  '': 'IoK8sApiCoreV1',
  apps: 'IoK8sApiAppsV1',
  'networking.k8s.io': 'IoK8sApiNetworkingV1',
  'discovery.k8s.io': 'IoK8sApiDiscoveryV1',
  'coordination.k8s.io': 'IoK8sApiCoordinationV1',
};

/** The schema definition of a served kind ("apps/v1", "Deployment") or undefined. */
export function definitionFor(apiVersion: string, kind: string, defs: SchemaDefs = SCHEMA): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (version !== 'v1') return undefined;
  const prefix = GROUP_PREFIX[group];
  const id = prefix && `${prefix}${kind}`;
  return id && defs[id] ? id : undefined;
}

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

/**
 * Decodes `obj` against definition `rootId`. `goPath` is encoding/json's Field (JSON keys, no indexes),
 * `path` the strict decoder's (with [i] indexes).
 */
export function decodeObject(obj: unknown, rootId: string, defs: SchemaDefs = SCHEMA): DecodeResult {
  const w: Walk = { defs, unknown: [] };
  const pruned = walk(w, obj, `#${rootId}`, '', '', rootId);
  return { typeError: w.typeError, unknown: w.unknown, pruned };
}

function typeErr(w: Walk, value: unknown, t: string, goPath: string, holder: string, literal?: string): void {
  if (w.typeError) return;
  const what = literal !== undefined ? `number ${literal}` : jsonKind(value);
  const where = goPath ? `Go struct field ${structName(holder)}.${goPath}` : `Go value`;
  w.typeError = `json: cannot unmarshal ${what} into ${where} of type ${goType(t)}`;
}

function walk(w: Walk, v: unknown, t: string, path: string, goPath: string, holder: string): unknown {
  if (v === null || v === undefined) return v;
  if (t === 'any') return v;
  if (t === 'string') {
    if (typeof v !== 'string') typeErr(w, v, t, goPath, holder);
    return v;
  }
  if (t === 'bool') {
    if (typeof v !== 'boolean') typeErr(w, v, t, goPath, holder);
    return v;
  }
  if (t === 'number') {
    if (typeof v !== 'number') typeErr(w, v, t, goPath, holder);
    return v;
  }
  if (t === 'int32' || t === 'int64') {
    if (typeof v !== 'number') typeErr(w, v, t, goPath, holder);
    else {
      const [lo, hi] = INT_RANGE[t];
      if (!Number.isInteger(v) || v < lo || v > hi) typeErr(w, v, t, goPath, holder, String(v));
    }
    return v;
  }
  if (t.startsWith('[]')) {
    if (!Array.isArray(v)) {
      typeErr(w, v, t, goPath, holder);
      return v;
    }
    return v.map((x, i) => walk(w, x, t.slice(2), `${path}[${i}]`, goPath, holder));
  }
  if (t.startsWith('{}')) {
    if (typeof v !== 'object' || Array.isArray(v)) {
      typeErr(w, v, t, goPath, holder);
      return v;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = walk(w, x, t.slice(2), `${path}.${k}`, goPath, holder);
    return out;
  }
  if (t.startsWith('#')) {
    const id = t.slice(1);
    const def = w.defs[id];
    if (!def) return v;
    if (def.alias === 'string') {
      if (typeof v !== 'string') typeErr(w, v, t, goPath, holder);
      return v;
    }
    if (def.alias === 'intOrString') {
      if (typeof v !== 'string' && typeof v !== 'number') typeErr(w, v, t, goPath, holder);
      return v;
    }
    if (def.alias) return v;
    if (typeof v !== 'object' || Array.isArray(v)) {
      typeErr(w, v, t, goPath, holder);
      return v;
    }
    const props = def.p ?? {};
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const sub = path ? `${path}.${k}` : k;
      const pt = props[k];
      if (pt === undefined) {
        w.unknown.push(sub);
        continue;
      }
      out[k] = walk(w, x, pt, sub, goPath ? `${goPath}.${k}` : k, id);
    }
    return out;
  }
  return v;
}

/** Fields the schema requires that are absent, as paths (used for kinds without hand-written validation). */
export function missingRequired(obj: unknown, rootId: string, defs: SchemaDefs = SCHEMA): string[] {
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
    const def = defs[t.slice(1)];
    if (!def?.p || typeof v !== 'object' || Array.isArray(v)) return;
    const o = v as Record<string, unknown>;
    for (const k of def.r ?? []) {
      if (k === 'apiVersion' || k === 'kind') continue;
      if (o[k] === undefined || o[k] === null || o[k] === '') out.push(path ? `${path}.${k}` : k);
    }
    for (const [k, pt] of Object.entries(def.p)) if (o[k] !== undefined) visit(o[k], pt, path ? `${path}.${k}` : k);
  };
  visit(obj, `#${rootId}`, '');
  return out;
}
