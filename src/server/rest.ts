// The resource handlers of the REST API: one request on one resource (get, list, create, update, patch,
// delete, and the status and scale subresources), answered by the same API-server code the CLI's verbs call
// (src/cluster/apiserver.ts), so an object written through kubectl is validated, defaulted and reconciled
// exactly as one written by `kubesim apply`. Streaming (watch, logs) is in server.ts.
import { badRequest, InvalidError, KubeError, notFound, StatusError, fieldErrorBody } from '../api/errors.js';
import { parseSelector, matches } from '../api/labels.js';
import { apiVersionOf, qualifiedResource, RESOURCES, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { decodeRequest, requestError, requestWarnings, type FieldValidation } from '../api/validation.js';
import { createObject, deleteObject, updateObject } from '../cluster/apiserver.js';
import type { Ctx } from '../cluster/context.js';
import { ApplyConflictError, type Writer } from '../cluster/field-manager.js';
import { getObject, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { ALSO_SERVED, SCALABLE, subresourcesOf, type Conversion } from './discovery.js';

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** What the request names: a resource, maybe a namespace, a name and a subresource. */
export interface Target {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  sub?: string;
  /** Set when the URL names a version other than the stored one (info is the stored resource). */
  conversion?: Conversion;
}

export const NOT_FOUND_TEXT = 'the server could not find the requested resource';

/** The generic 404 for a path the server does not serve. */
export function pathNotFound(): StatusError {
  return new StatusError('NotFound', 404, NOT_FOUND_TEXT);
}

/**
 * Parses /api/v1/... and /apis/G/V/... into a target; undefined when the path is no resource path, a 404
 * StatusError for a resource kubesim does not serve.
 */
export function parseTarget(path: string): Target | undefined {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+)$/.exec(path);
  if (!m) return undefined;
  const group = m[2] ?? '';
  const version = m[1] ?? m[3];
  const segs = m[4].split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  if (segs.some((s) => s === '')) throw pathNotFound();
  let namespace: string | undefined;
  let rest = segs;
  // namespaces/NS/RESOURCE...: a namespaced path, except namespaces/NAME[/status|finalize] (the Namespace itself).
  if (segs[0] === 'namespaces' && segs.length >= 3 && !(segs.length === 3 && (segs[2] === 'status' || segs[2] === 'finalize'))) {
    namespace = segs[1];
    rest = segs.slice(2);
  }
  if (rest.length > 3) throw pathNotFound();
  const [resource, name, sub] = rest;
  const info = RESOURCES.find((r) => r.resource === resource && r.group === group && r.version === version);
  const also = info ? undefined : ALSO_SERVED.find((a) => a.info.resource === resource && a.info.group === group && a.info.version === version);
  if (!info && !also) throw pathNotFound();
  if (namespace !== undefined && !(info ?? also!.info).namespaced) throw pathNotFound();
  return also ? { info: also.stored, namespace, name, sub, conversion: also.conversion } : { info: info!, namespace, name, sub };
}

/** The apiVersion the request speaks. */
export function servedVersion(t: Target): string {
  return t.conversion?.apiVersion ?? apiVersionOf(t.info);
}

/** A response body in the version the request speaks: the kind itself or a list of it; anything else as it is. */
export function asServed(t: Target, body: unknown): unknown {
  const c = t.conversion;
  if (!c || !isMap(body)) return body;
  if (body.kind === t.info.kind) return c.toServed(body as unknown as KubeObject);
  if (body.kind === `${t.info.kind}List` && Array.isArray(body.items)) {
    return { ...body, apiVersion: c.apiVersion, items: body.items.map((o) => c.toServed({ ...o, apiVersion: apiVersionOf(t.info), kind: t.info.kind })) };
  }
  return body;
}

// ---- errors as Status objects ------------------------------------------------------------------------

const CAUSE_REASONS: Record<string, string> = {
  'Invalid value': 'FieldValueInvalid',
  'Required value': 'FieldValueRequired',
  'Unsupported value': 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  'Too long': 'FieldValueTooLong',
  'Duplicate value': 'FieldValueDuplicate',
  'Not found': 'FieldValueNotFound',
  'Internal error': 'InternalError',
  'Too many': 'FieldValueTooMany',
};

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Obj;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: Obj;
  code: number;
}

function detailsFor(target: Target | undefined, name: string | undefined): Obj | undefined {
  if (!target) return undefined;
  const d: Obj = {};
  if (name ?? target.name) d.name = name ?? target.name;
  if (target.info.group) d.group = target.info.group;
  d.kind = target.info.resource;
  return d;
}

/** Any error as the Status the API server would send; a JS error becomes a bland InternalError. */
export function statusOf(e: unknown, target?: Target): StatusBody {
  const base = { kind: 'Status' as const, apiVersion: 'v1' as const, metadata: {}, status: 'Failure' as const };
  if (e instanceof InvalidError) {
    const causes = e.causes.map((c) => ({ reason: CAUSE_REASONS[c.type] ?? 'FieldValueInvalid', message: fieldErrorBody(c).slice(c.field.length + 2), field: c.field }));
    const bodies = [...new Set(e.causes.map(fieldErrorBody))];
    const message = `${e.kind} "${e.objectName}" is invalid: ${bodies.length === 1 ? bodies[0] : `[${bodies.join(', ')}]`}`;
    return { ...base, message, reason: 'Invalid', details: { name: e.objectName, ...(target?.info.group ? { group: target.info.group } : {}), kind: e.kind, causes }, code: 422 };
  }
  if (e instanceof ApplyConflictError) {
    // errors.NewApplyConflict: the causes only, no name or kind.
    return { ...base, message: e.message, reason: 'Conflict', details: { causes: e.causes.map((c) => ({ reason: c.type, message: c.message, field: c.field })) }, code: 409 };
  }
  if (e instanceof StatusError) {
    const details = e.reason === 'NotFound' && e.message === NOT_FOUND_TEXT ? {} : e.reason === 'NotFound' || e.reason === 'AlreadyExists' || e.reason === 'Conflict' ? detailsFor(target, quotedName(e.message)) : undefined;
    return { ...base, message: e.message, reason: e.reason, ...(details ? { details } : {}), code: e.code };
  }
  if (e instanceof KubeError) {
    // A client-style error from shared code (a bad selector, a kind with no match): the request was bad.
    return { ...base, message: e.message.replace(/^error: /, ''), reason: 'BadRequest', code: 400 };
  }
  return { ...base, message: 'Internal error occurred: the kubesim server could not complete the request', reason: 'InternalError', code: 500 };
}

function quotedName(message: string): string | undefined {
  const m = /"([^"]*)"/.exec(message);
  return m?.[1];
}

// ---- selectors ------------------------------------------------------------------------------------------

/** Field selectors each resource supports beyond metadata.name and metadata.namespace (as the API server's). */
const FIELDS: Record<string, string[]> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  events: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  secrets: ['type'],
  namespaces: ['status.phase'],
  nodes: ['spec.unschedulable'],
  replicasets: ['status.replicas'],
  replicationcontrollers: ['status.replicas'],
  jobs: ['status.successful'],
};

function fieldValue(obj: KubeObject, path: string): string {
  if (path === 'source') return String((obj as Obj & { source?: { component?: string } }).source?.component ?? '');
  let v: unknown = obj;
  for (const part of path.split('.')) {
    if (!isMap(v)) return '';
    v = v[part];
  }
  return v === undefined || v === null ? (path === 'spec.hostNetwork' || path === 'spec.unschedulable' ? 'false' : '') : String(v);
}

export type Filter = (o: KubeObject) => boolean;

/** labelSelector and fieldSelector of a list or watch as one predicate; a bad one is a 400. */
export function selectorFilter(info: ResourceInfo, params: URLSearchParams): Filter {
  const labelText = params.get('labelSelector');
  const labels = labelText ? parseSelector(labelText) : undefined;
  const terms: { path: string; neg: boolean; value: string }[] = [];
  const fieldText = params.get('fieldSelector') ?? '';
  for (const raw of fieldText.split(',')) {
    const term = raw.trim();
    if (!term) continue;
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${fieldText}'; can't understand '${term}'`);
    const path = m[1].trim();
    if (path !== 'metadata.name' && path !== 'metadata.namespace' && !(FIELDS[info.resource] ?? []).includes(path)) {
      throw badRequest(`field label not supported: ${path}`);
    }
    terms.push({ path, neg: m[2] === '!=', value: m[3].trim() });
  }
  return (o) => {
    if (labels && !matches(labels, o.metadata.labels)) return false;
    for (const t of terms) if ((fieldValue(o, t.path) === t.value) === t.neg) return false;
    return true;
  };
}

// ---- reads ----------------------------------------------------------------------------------------------

function withTypeMeta(info: ResourceInfo, o: KubeObject): KubeObject {
  return { ...o, apiVersion: apiVersionOf(info), kind: info.kind };
}

export function getOne(state: ClusterState, t: Target): KubeObject {
  const ns = t.info.namespaced ? t.namespace : undefined;
  if (t.info.namespaced && ns === undefined) throw pathNotFound();
  const obj = getObject(state, t.info.resource, ns, t.name!);
  if (!obj) throw notFound(qualifiedResource(t.info), t.name!);
  return withTypeMeta(t.info, obj);
}

export interface ListPage {
  items: KubeObject[];
  continueToken?: string;
  remaining?: number;
}

function decodeContinue(token: string): string {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start?: unknown };
    if (typeof v.start === 'string') return v.start;
  } catch {
    // falls through
  }
  throw badRequest('continue key is not valid: the continue token is damaged');
}

/** A list in etcd key order, filtered, and cut at `limit` with a continue token naming the next key. */
export function listPage(state: ClusterState, t: Target, params: URLSearchParams): ListPage {
  const filter = selectorFilter(t.info, params);
  const all = (state.objects.list(t.info.resource) as KubeObject[]).filter((o) => (t.namespace === undefined || o.metadata.namespace === t.namespace) && filter(o));
  const cont = params.get('continue');
  const keyOf = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
  let items = all;
  if (cont) {
    const start = decodeContinue(cont);
    items = all.filter((o) => keyOf(o) >= start);
  }
  const limit = Number(params.get('limit') ?? 0);
  if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
    const next = items[limit];
    return { items: items.slice(0, limit).map((o) => withTypeMeta(t.info, o)), continueToken: Buffer.from(JSON.stringify({ start: keyOf(next) })).toString('base64url'), remaining: items.length - limit };
  }
  return { items: items.map((o) => withTypeMeta(t.info, o)) };
}

/** The autoscaling/v1 Scale of a workload (kubesim patch --subresource scale shows the same). */
export async function scaleOf(obj: KubeObject): Promise<KubeObject> {
  return (await import('../cli/patch.js')).scaleOf(obj) as unknown as KubeObject;
}

export function checkSubresource(t: Target, allowed: string[]): void {
  if (t.sub === undefined) return;
  if (!subresourcesOf(t.info).includes(t.sub) || !allowed.includes(t.sub)) throw pathNotFound();
}

// ---- writes ---------------------------------------------------------------------------------------------

export interface WriteRequest {
  target: Target;
  params: URLSearchParams;
  body: unknown;
  contentType: string;
  /** The raw body text (patches are applied from it). */
  text: string;
  /** The User-Agent header: its first word is the field manager of a request that names none. */
  userAgent?: string;
}

/** The field manager of a write: the fieldManager parameter, else the user agent's name (kubectl/v1.32.4 -> kubectl). */
function writerOf(req: WriteRequest, subresource?: string): Writer {
  const manager = req.params.get('fieldManager') || (req.userAgent ?? '').split('/')[0];
  if (manager.length > 128) throw badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
  return { manager, ...(subresource ? { subresource } : {}) };
}

export interface WriteResult {
  code: number;
  body: unknown;
  warnings: string[];
  /** False when nothing was stored (dry run, unchanged): the state is not saved. */
  stored: boolean;
}

function dryRunOf(params: URLSearchParams): boolean {
  const v = params.getAll('dryRun');
  for (const x of v) if (x !== 'All') throw badRequest(`Invalid dry run value: ${JSON.stringify(x)}. Valid values are ["All"]`);
  return v.length > 0;
}

function validationOf(params: URLSearchParams): FieldValidation {
  const v = params.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}`);
}

function bodyObject(req: WriteRequest, what: string): KubeObject {
  if (!isMap(req.body)) throw badRequest(`${what} must be a JSON object`);
  const obj = structuredClone(req.body) as unknown as KubeObject;
  const info = req.target.info;
  const served = servedVersion(req.target);
  // The URL decides the kind; a body that names another one is refused, one that names none gets the URL's.
  if (obj.kind === undefined && obj.apiVersion === undefined) {
    obj.kind = info.kind;
    obj.apiVersion = served;
  }
  if (obj.kind !== info.kind || obj.apiVersion !== served) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion ?? '')}) does not match the expected API version (${served})`);
  }
  if (!isMap(obj.metadata)) obj.metadata = { name: '' };
  return req.target.conversion ? req.target.conversion.toStored(obj) : obj;
}

async function decodeBody(obj: KubeObject, directive: FieldValidation, patch: boolean, warnings: string[]): Promise<KubeObject> {
  const r = await decodeRequest(obj);
  const err = requestError(r, directive, patch);
  if (err) throw err;
  warnings.push(...requestWarnings(r, directive));
  return r.object;
}

function checkNamespaceOf(t: Target, obj: KubeObject): void {
  if (!t.info.namespaced) return;
  if (obj.metadata.namespace && obj.metadata.namespace !== t.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  obj.metadata.namespace = t.namespace;
}

const conflict = (t: Target, name: string) =>
  new StatusError('Conflict', 409, `Operation cannot be fulfilled on ${qualifiedResource(t.info)} "${name}": the object has been modified; please apply your changes to the latest version and try again`);

/** Decodes a body before the lock is taken (schema loading is slow; nothing here needs the state). */
export async function prepareCreate(req: WriteRequest, warnings: string[]): Promise<KubeObject> {
  const t = req.target;
  if (t.name !== undefined || t.info.namespaced && t.namespace === undefined) throw new StatusError('MethodNotAllowed', 405, 'the server does not allow this method on the requested resource');
  const obj = await decodeBody(bodyObject(req, 'the body of a create'), validationOf(req.params), false, warnings);
  checkNamespaceOf(t, obj);
  if (obj.metadata.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
  return obj;
}

export function create(state: ClusterState, ctx: Ctx, req: WriteRequest, obj: KubeObject): WriteResult {
  const dryRun = dryRunOf(req.params);
  const created = createObject(state, ctx, obj, { namespace: req.target.namespace ?? 'default', dryRun, manager: writerOf(req) });
  return { code: 201, body: withTypeMeta(req.target.info, created), warnings: [], stored: !dryRun };
}

export async function prepareUpdate(req: WriteRequest, warnings: string[]): Promise<KubeObject> {
  const t = req.target;
  if (t.name === undefined) throw new StatusError('MethodNotAllowed', 405, 'the server does not allow this method on the requested resource');
  checkSubresource(t, ['status', 'scale', 'finalize']);
  if (t.sub === 'scale') {
    if (!isMap(req.body)) throw badRequest('the body of a scale update must be a JSON object');
    return req.body as unknown as KubeObject;
  }
  const obj = await decodeBody(bodyObject(req, 'the body of an update'), validationOf(req.params), false, warnings);
  if (obj.metadata.name !== t.name) throw badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${t.name})`);
  checkNamespaceOf(t, obj);
  return obj;
}

export async function update(state: ClusterState, ctx: Ctx, req: WriteRequest, obj: KubeObject): Promise<WriteResult> {
  const t = req.target;
  const dryRun = dryRunOf(req.params);
  const current = getOne(state, t);
  const rv = obj.metadata?.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion) throw conflict(t, t.name!);
  if (t.sub === 'scale') return setReplicas(state, ctx, t, current, (obj.spec as Obj | undefined)?.replicas, dryRun, writerOf(req, 'scale'));
  if (t.sub === 'status') return setStatus(state, t, current, obj.status, dryRun);
  if (t.sub === 'finalize') {
    const { finalizeNamespace } = await import('../cluster/namespaces.js');
    const next = finalizeNamespace(state, current, (obj.spec as { finalizers?: unknown } | undefined)?.finalizers, dryRun);
    return { code: 200, body: withTypeMeta(t.info, next), warnings: [], stored: !dryRun };
  }
  const next = updateObject(state, ctx, obj, { namespace: t.namespace ?? 'default', dryRun, manager: writerOf(req) });
  return { code: 200, body: withTypeMeta(t.info, next), warnings: [], stored: !dryRun };
}

async function setReplicas(state: ClusterState, ctx: Ctx, t: Target, current: KubeObject, replicas: unknown, dryRun: boolean, manager: Writer): Promise<WriteResult> {
  if (!SCALABLE.has(t.info.resource)) throw pathNotFound();
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
    throw badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas === 'string' ? 'string' : 'value'} into Go struct field ScaleSpec.spec.replicas of type int32`);
  }
  if (replicas < 0) throw new InvalidError('Scale', t.name!, [{ type: 'Invalid value', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' }]);
  if (replicas === ((current.spec as Obj | undefined)?.replicas ?? 0)) return { code: 200, body: await scaleOf(current), warnings: [], stored: false };
  const next = structuredClone(current);
  (next.spec as Obj).replicas = replicas;
  const obj = updateObject(state, ctx, next, { namespace: t.namespace ?? 'default', dryRun, manager });
  return { code: 200, body: await scaleOf(obj), warnings: [], stored: !dryRun };
}

function setStatus(state: ClusterState, t: Target, current: KubeObject, status: unknown, dryRun: boolean): WriteResult {
  const next = structuredClone(current);
  if (status === undefined) delete next.status;
  else next.status = status as KubeObject['status'];
  if (JSON.stringify(next.status ?? null) === JSON.stringify(current.status ?? null)) return { code: 200, body: current, warnings: [], stored: false };
  const stored = dryRun ? next : putObject(state, t.info.resource, next);
  return { code: 200, body: withTypeMeta(t.info, stored), warnings: [], stored: !dryRun };
}

type PatchType = 'strategic' | 'merge' | 'json';

export function patchTypeOf(contentType: string): PatchType | 'apply' | undefined {
  const ct = contentType.split(';')[0].trim().toLowerCase();
  if (ct === 'application/json-patch+json') return 'json';
  if (ct === 'application/merge-patch+json') return 'merge';
  if (ct === 'application/strategic-merge-patch+json') return 'strategic';
  if (ct === 'application/apply-patch+yaml' || ct === 'application/apply-patch+cbor') return 'apply';
  return undefined;
}

export async function patch(state: ClusterState, ctx: Ctx, req: WriteRequest): Promise<WriteResult> {
  const t = req.target;
  if (t.name === undefined) throw new StatusError('MethodNotAllowed', 405, 'the server does not allow this method on the requested resource');
  checkSubresource(t, ['status', 'scale']);
  const type = patchTypeOf(req.contentType);
  if (type === 'apply') return serverSideApplyPatch(state, ctx, req);
  if (!type) throw new StatusError('UnsupportedMediaType', 415, `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
  const dryRun = dryRunOf(req.params);
  const current = getOne(state, t);
  const { applyPatch } = await import('../cli/patch.js');
  const { definitionFor } = await import('../api/schema.js');
  const warnings: string[] = [];
  if (t.sub === 'scale') {
    const after = await applyPatch((await scaleOf(current)) as unknown as Obj, type, req.text, undefined, true);
    return setReplicas(state, ctx, t, current, (after.spec as Obj | undefined)?.replicas, dryRun, writerOf(req, 'scale'));
  }
  // A patch is written against the version the request speaks: applied to the object in that version.
  const c = t.conversion;
  const defId = c ? undefined : definitionFor(apiVersionOf(t.info), t.info.kind);
  const base = c ? c.toServed(current) : current;
  const applied = (await applyPatch(base as unknown as Obj, type, req.text, defId, true)) as unknown as KubeObject;
  const patched = c ? c.toStored(applied) : applied;
  if (t.sub === 'status') return setStatus(state, t, current, patched.status, dryRun);
  const next = await decodeBody(patched, validationOf(req.params), true, warnings);
  next.metadata ??= { name: '' };
  if (next.metadata.name !== current.metadata.name) throw badRequest(`the name of the object (${String(next.metadata.name ?? '')}) does not match the name on the URL (${t.name})`);
  if (t.info.namespaced && next.metadata.namespace !== current.metadata.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  if (next.metadata.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) throw conflict(t, t.name);
  const manager = writerOf(req);
  const trial = updateObject(state, ctx, next, { namespace: t.namespace ?? 'default', dryRun: true, manager });
  // An update that changes nothing stores nothing (and keeps the resourceVersion), as the API server does.
  if (sameJSON(trial, current)) return { code: 200, body: current, warnings, stored: false };
  const result = dryRun ? trial : updateObject(state, ctx, next, { namespace: t.namespace ?? 'default', manager });
  return { code: 200, body: withTypeMeta(t.info, result), warnings, stored: !dryRun };
}

/** PATCH application/apply-patch+yaml: server-side apply (src/cluster/field-manager.ts), 201 when it creates. */
async function serverSideApplyPatch(state: ClusterState, ctx: Ctx, req: WriteRequest): Promise<WriteResult> {
  const t = req.target;
  if (t.sub !== undefined) throw new StatusError('UnsupportedMediaType', 415, `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
  const dryRun = dryRunOf(req.params);
  const force = req.params.get('force');
  if (force !== null && force !== 'true' && force !== 'false') throw badRequest(`failed to parse "force": strconv.ParseBool: parsing ${JSON.stringify(force)}: invalid syntax`);
  let body: unknown;
  try {
    const { loadYaml, yamlToValue } = await import('../api/manifest.js');
    body = yamlToValue(await loadYaml(), req.text);
  } catch (e) {
    throw badRequest(e instanceof Error ? `error decoding YAML: ${e.message}` : 'error decoding YAML');
  }
  const obj = bodyObject({ ...req, body }, 'the body of an apply patch');
  if (obj.metadata.name !== t.name) throw badRequest(`the name of the object (${String(obj.metadata.name ?? '')}) does not match the name on the URL (${t.name})`);
  checkNamespaceOf(t, obj);
  if (t.info.namespaced && t.namespace === undefined) throw pathNotFound();
  const live = getObject(state, t.info.resource, t.info.namespaced ? t.namespace : undefined, t.name);
  const warnings: string[] = [];
  const config = await decodeBody(obj, validationOf(req.params), !!live, warnings);
  const { serverSideApply } = await import('../cluster/field-manager.js');
  const r = serverSideApply(state, ctx, config, { manager: writerOf(req).manager, force: force === 'true', namespace: t.namespace ?? 'default', dryRun });
  return { code: r.action === 'created' ? 201 : 200, body: withTypeMeta(t.info, r.object), warnings, stored: r.changed && !dryRun };
}

/** Equal but for the resourceVersion, key order aside. */
function sameJSON(a: KubeObject, b: KubeObject): boolean {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (isMap(v)) return Object.fromEntries(Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => [k, norm(v[k])]));
    return v;
  };
  const clean = (x: KubeObject) => norm({ ...x, metadata: { ...x.metadata, resourceVersion: undefined } });
  return JSON.stringify(clean(a)) === JSON.stringify(clean(b));
}

function cascadeOf(body: unknown, params: URLSearchParams): 'background' | 'foreground' | 'orphan' {
  const raw = (isMap(body) ? body.propagationPolicy : undefined) ?? params.get('propagationPolicy') ?? (isMap(body) && body.orphanDependents === true ? 'Orphan' : 'Background');
  if (raw === 'Background') return 'background';
  if (raw === 'Foreground') return 'foreground';
  if (raw === 'Orphan') return 'orphan';
  throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: ${JSON.stringify(raw)}: supported values: "Foreground", "Background", "Orphan", "nil"`);
}

export function remove(state: ClusterState, ctx: Ctx, req: WriteRequest): WriteResult {
  const t = req.target;
  if (t.sub !== undefined) throw pathNotFound();
  const body = req.body;
  const dryRun = dryRunOf(req.params) || (isMap(body) && Array.isArray(body.dryRun) && body.dryRun.includes('All'));
  const cascade = cascadeOf(body, req.params);
  if (t.name === undefined) {
    // deletecollection: every object the selectors match, then one reconcile.
    const page = listPage(state, t, req.params);
    for (const o of page.items) deleteObject(state, ctx, t.info, o.metadata.namespace, o.metadata.name, { cascade, dryRun, reconcile: false });
    return { code: 200, body: { kind: `${t.info.kind}List`, apiVersion: apiVersionOf(t.info), metadata: { resourceVersion: String(state.resourceVersion) }, items: page.items }, warnings: [], stored: !dryRun && page.items.length > 0 };
  }
  const current = getOne(state, t);
  const pre = isMap(body) && isMap(body.preconditions) ? body.preconditions : undefined;
  if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
    throw new StatusError('Conflict', 409, `Operation cannot be fulfilled on ${qualifiedResource(t.info)} "${t.name}": Precondition failed: UID in precondition: ${String(pre.uid)}, UID in object meta: ${current.metadata.uid ?? ''}`);
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw new StatusError('Conflict', 409, `Operation cannot be fulfilled on ${qualifiedResource(t.info)} "${t.name}": Precondition failed: ResourceVersion in precondition: ${String(pre.resourceVersion)}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`);
  }
  const deleted = deleteObject(state, ctx, t.info, t.namespace, t.name, { cascade, dryRun });
  return { code: 200, body: withTypeMeta(t.info, deleted), warnings: [], stored: !dryRun };
}

/** POST pods/NAME/eviction (kubectl drain): the pod is deleted, as when no disruption budget stands in the way. */
export function evict(state: ClusterState, ctx: Ctx, req: WriteRequest): WriteResult {
  const t = req.target;
  if (t.info.resource !== 'pods' || t.name === undefined) throw pathNotFound();
  getOne(state, t);
  const dryRun = dryRunOf(req.params);
  deleteObject(state, ctx, t.info, t.namespace, t.name, { dryRun });
  return { code: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, warnings: [], stored: !dryRun };
}
