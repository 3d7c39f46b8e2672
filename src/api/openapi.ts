// The OpenAPI v3 documents of kubesim's API, built from the generated definitions (openapi-data.ts): what an
// API server serves at /openapi/v3 (the index of group/versions) and /openapi/v3/api/v1 or
// /openapi/v3/apis/<group>/<version> (one document per group/version). `kubesim explain` reads the same
// documents, so the text it prints is the text a real kubectl would print against them.
// The data module is large: callers load it (loadOpenAPIData) only when they need it.
import { MERGE_KEYS, MERGED_PRIMITIVE_LISTS } from './patch-keys.js';
import { RESOURCES, type ResourceInfo } from './resources.js';

/**
 * One property: t = type (string|bool|int32|int64|number|any|#Definition|[]T|{}T), d = description,
 * e = enum values, ie = enum values of the array's items.
 */
export interface OpenAPIProperty {
  t: string;
  d?: string;
  e?: string[];
  ie?: string[];
}

/** One definition: an object (p, r = required, k = its group/version/kind) or a named scalar (a). */
export interface OpenAPIDefinition {
  d?: string;
  p?: Record<string, OpenAPIProperty>;
  r?: string[];
  k?: { group: string; kind: string; version: string };
  a?: 'string' | 'date-time' | 'int-or-string' | 'quantity';
}

export interface OpenAPIData {
  source: string;
  defs: Record<string, OpenAPIDefinition>;
}

/** A JSON schema object of the document (loosely typed: documents are plain JSON). */
export type Schema = { [key: string]: unknown };

export async function loadOpenAPIData(): Promise<OpenAPIData> {
  return (await import('./openapi-data.js')).OPENAPI_DATA;
}

const REF = '#/components/schemas/';

/** The path of a group/version in the /openapi/v3 index: "api/v1" or "apis/apps/v1". */
export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** The /openapi/v3 index: each served group/version and the URL of its document. */
export function openAPIV3Index(resources: ResourceInfo[] = RESOURCES): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const r of resources) {
    const p = groupVersionPath(r.group, r.version);
    // The hash lets clients cache a document; ours change only with kubesim's version.
    paths[p] ??= { serverRelativeURL: `/openapi/v3/${p}?hash=kubesim` };
  }
  return { paths };
}

function typeSchema(t: string, withDefault: boolean): Schema {
  if (t.startsWith('[]')) return { type: 'array', items: typeSchema(t.slice(2), true) };
  if (t.startsWith('{}')) return { type: 'object', additionalProperties: typeSchema(t.slice(2), true) };
  if (t.startsWith('#')) return withDefault ? { allOf: [{ $ref: REF + t.slice(1) }], default: {} } : { $ref: REF + t.slice(1) };
  switch (t) {
    case 'string':
      return withDefault ? { type: 'string', default: '' } : { type: 'string' };
    case 'bool':
      return { type: 'boolean' };
    case 'int32':
    case 'int64':
      return { type: 'integer', format: t };
    case 'number':
      return { type: 'number', format: 'double' };
    default:
      return { type: 'object' };
  }
}

/** The id patch-keys.ts uses for a definition: "io.k8s.api.core.v1.PodSpec" -> "IoK8sApiCoreV1PodSpec". */
const patchKeyId = (name: string) => name.split('.').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/**
 * The strategic-merge metadata of one field (x-kubernetes-patch-merge-key / -patch-strategy), from the same
 * table `kubesim apply` merges with, so a kubectl that computes its patch from the served schema merges alike.
 */
function patchExtensions(defName: string, field: string): Schema {
  const id = `${patchKeyId(defName)}.${field}`;
  if (Object.hasOwn(MERGE_KEYS, id)) return { 'x-kubernetes-patch-merge-key': MERGE_KEYS[id], 'x-kubernetes-patch-strategy': 'merge' };
  if (MERGED_PRIMITIVE_LISTS.has(id)) return { 'x-kubernetes-patch-strategy': 'merge' };
  return {};
}

/** The two dialects the definitions are written in: OpenAPI v3 (components) and Swagger 2.0 (definitions). */
type Dialect = 'v3' | 'v2';
const refPrefix = (dialect: Dialect) => (dialect === 'v3' ? REF : '#/definitions/');

/**
 * A property as the API server writes it: in v3, references wrapped in allOf so that a description can sit
 * beside them (and a default); in v2, the description sits beside the $ref itself.
 */
function propertySchema(p: OpenAPIProperty, dialect: Dialect = 'v3'): Schema {
  const base = dialect === 'v3' ? typeSchema(p.t, false) : typeSchemaV2(p.t);
  const s: Schema = base.$ref && dialect === 'v3' ? { allOf: [base] } : base;
  if (p.d) s.description = p.d;
  if (p.e) s.enum = p.e;
  if (p.ie && s.items) (s.items as Schema).enum = p.ie;
  return s;
}

function typeSchemaV2(t: string): Schema {
  if (t.startsWith('[]')) return { type: 'array', items: typeSchemaV2(t.slice(2)) };
  if (t.startsWith('{}')) return { type: 'object', additionalProperties: typeSchemaV2(t.slice(2)) };
  if (t.startsWith('#')) return { $ref: refPrefix('v2') + t.slice(1) };
  return typeSchema(t, false);
}

function definitionSchema(name: string, def: OpenAPIDefinition, dialect: Dialect = 'v3'): Schema {
  const s: Schema = {};
  if (def.d) s.description = def.d;
  switch (def.a) {
    case 'string':
      return { ...s, type: 'string' };
    case 'date-time':
      return { ...s, type: 'string', format: 'date-time' };
    case 'int-or-string':
      return dialect === 'v3' ? { ...s, 'x-kubernetes-int-or-string': true, oneOf: [{ type: 'integer' }, { type: 'string' }] } : { ...s, type: 'string', format: 'int-or-string' };
    case 'quantity':
      return dialect === 'v3' ? { ...s, oneOf: [{ type: 'string' }, { type: 'number' }] } : { ...s, type: 'string' };
  }
  const props = Object.entries(def.p ?? {});
  if (props.length) s.properties = Object.fromEntries(props.map(([n, p]) => [n, { ...propertySchema(p, dialect), ...patchExtensions(name, n) }]));
  if (def.r?.length) s.required = def.r;
  s.type = 'object';
  if (def.k) s['x-kubernetes-group-version-kind'] = [def.k];
  return s;
}

/** The definitions reachable from the given ones. */
function closure(data: OpenAPIData, names: string[]): string[] {
  const seen = new Set<string>();
  const queue = [...names];
  while (queue.length) {
    const n = queue.shift()!;
    if (seen.has(n) || !data.defs[n]) continue;
    seen.add(n);
    for (const p of Object.values(data.defs[n].p ?? {})) for (const m of p.t.matchAll(/#([\w.]+)/g)) queue.push(m[1]);
  }
  return [...seen].sort();
}

/** The definition name of a kind: "io.k8s.api.apps.v1.Deployment". */
export function definitionOf(data: OpenAPIData, group: string, version: string, kind: string): string | undefined {
  return Object.keys(data.defs).find((n) => {
    const k = data.defs[n].k;
    return k && k.group === group && k.version === version && k.kind === kind;
  });
}

function operation(action: string, r: ResourceInfo, extra: Schema = {}): Schema {
  return {
    ...(action === 'patch' ? PATCH_BODY : {}),
    description: `${action} ${r.kind}`,
    operationId: `${action}${r.kind}`,
    responses: {},
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: r.group, kind: r.kind, version: r.version },
    ...extra,
  };
}

/**
 * The patch types the server accepts. kubectl's client-side apply computes its strategic-merge patch from the
 * served schema (the patch-merge-key extensions) only when the kind's PATCH operation lists that type.
 */
const PATCH_BODY: Schema = {
  requestBody: {
    content: Object.fromEntries(
      ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'].map((t) => [t, { schema: { type: 'object' } }]),
    ),
    required: true,
  },
};

/**
 * The OpenAPI v3 document of one group/version: a path per resource collection and item (with the kind in
 * x-kubernetes-group-version-kind, where clients look it up) and the schemas of the kinds served there.
 */
export function openAPIV3Document(data: OpenAPIData, group: string, version: string, resources: ResourceInfo[] = RESOURCES): Schema {
  const served = resources.filter((r) => r.group === group && r.version === version);
  const paths: Record<string, Schema> = {};
  const roots: string[] = [];
  const fieldValidation = { parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }] };
  for (const r of served) {
    const def = definitionOf(data, group, version, r.kind);
    if (def) roots.push(def);
    const base = `/${groupVersionPath(group, version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
    paths[base] = { get: operation('list', r), post: operation('post', r, fieldValidation) };
    paths[`${base}/{name}`] = {
      get: operation('get', r),
      put: operation('put', r, fieldValidation),
      patch: operation('patch', r, fieldValidation),
      delete: operation('delete', r),
    };
  }
  const schemas = Object.fromEntries(closure(data, roots).map((n) => [n, definitionSchema(n, data.defs[n])]));
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.2' }, paths, components: { schemas } };
}

/**
 * The Swagger 2.0 document (/openapi/v2): every served kind's definitions under `definitions` (v2's $ref form,
 * IntOrString as format int-or-string), and a PATCH operation per resource item carrying the kind and the
 * fieldValidation parameter, as the v3 documents do.
 */
export function openAPIV2Document(data: OpenAPIData, resources: ResourceInfo[] = RESOURCES): Schema {
  const paths: Record<string, Schema> = {};
  const roots: string[] = [];
  for (const r of resources) {
    const def = definitionOf(data, r.group, r.version, r.kind);
    if (def) roots.push(def);
    const base = `/${groupVersionPath(r.group, r.version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
    paths[`${base}/{name}`] = {
      patch: {
        consumes: ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'],
        produces: ['application/json'],
        operationId: `patch${r.kind}`,
        parameters: [{ uniqueItems: true, type: 'string', name: 'fieldValidation', in: 'query' }],
        responses: {},
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: r.group, kind: r.kind, version: r.version },
      },
    };
  }
  const definitions = Object.fromEntries(closure(data, roots).map((n) => [n, definitionSchema(n, data.defs[n], 'v2')]));
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.2' }, paths, definitions };
}
