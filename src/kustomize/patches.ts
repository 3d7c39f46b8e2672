// Patches in a kustomization: strategic merge patches (by the patch's own id, or on every target a selector
// picks) through the API server's merge code and the Kubernetes schema, and JSON 6902 patches through
// fast-json-patch (already a dependency; this module loads only for -k and `kustomize`).
import * as jsonpatchNs from 'fast-json-patch';
import { matches, parseSelector } from '../api/labels.js';
import { definitionFor } from '../api/schema.js';
import { SCHEMA } from '../api/schema-data.js';
import { PatchFormatError, strategicMergePatch } from '../api/strategic-merge.js';
import { KubeError } from '../api/errors.js';
import { groupVersion, idText, isMap, KustomizeError, kindOf, meta, nameOf, namespaceOf, type Obj, type Res } from './resources.js';

type JsonPatchLib = typeof import('fast-json-patch');
const jsonpatch: JsonPatchLib = typeof (jsonpatchNs as JsonPatchLib).applyOperation === 'function' ? (jsonpatchNs as JsonPatchLib) : (jsonpatchNs as unknown as { default: JsonPatchLib }).default;

export interface Target {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

function anchored(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    throw new KustomizeError(`error parsing regexp: invalid target pattern ${JSON.stringify(pattern)}`);
  }
}

/** The resources a patch target selects (name and namespace are anchored regular expressions, as in kustomize). */
export function selectTargets(objs: Res[], t: Target): Res[] {
  if (!isMap(t)) throw new KustomizeError('invalid Kustomization: json: a patch target must be a map');
  const name = typeof t.name === 'string' && t.name ? anchored(t.name) : undefined;
  const ns = typeof t.namespace === 'string' && t.namespace ? anchored(t.namespace) : undefined;
  let labels;
  let annotations;
  try {
    labels = typeof t.labelSelector === 'string' && t.labelSelector ? parseSelector(t.labelSelector) : undefined;
    annotations = typeof t.annotationSelector === 'string' && t.annotationSelector ? parseSelector(t.annotationSelector) : undefined;
  } catch (e) {
    if (e instanceof KubeError) throw new KustomizeError(e.message);
    throw e;
  }
  return objs.filter((r) => {
    const o = r.obj;
    const gv = groupVersion(o);
    if (t.kind && t.kind !== kindOf(o)) return false;
    if (t.group !== undefined && t.group !== '' && t.group !== gv.group) return false;
    if (t.version && t.version !== gv.version) return false;
    if (name && !r.names.some((n) => name.test(n))) return false;
    if (ns && !r.namespaces.some((n) => ns.test(n))) return false;
    const m = meta(o);
    if (labels && !matches(labels, isMap(m.labels) ? (m.labels as Record<string, string>) : undefined)) return false;
    if (annotations && !matches(annotations, isMap(m.annotations) ? (m.annotations as Record<string, string>) : undefined)) return false;
    return true;
  });
}

/** One strategic merge patch: on the object its id names, or on each target; `$patch: delete` removes them. */
export function applyStrategicMerge(objs: Res[], patch: unknown, target: Target | undefined): Res[] {
  if (!isMap(patch)) throw new KustomizeError(`unable to parse SM or JSON patch from ${JSON.stringify(patch)}`);
  let chosen: Res[];
  if (target) chosen = selectTargets(objs, target);
  else {
    const pm = isMap(patch.metadata) ? patch.metadata : {};
    const pname = typeof pm.name === 'string' ? pm.name : '';
    const pns = typeof pm.namespace === 'string' ? pm.namespace : undefined;
    const pgv = groupVersion(patch);
    chosen = objs.filter((r) => {
      const gv = groupVersion(r.obj);
      return kindOf(r.obj) === kindOf(patch) && gv.group === pgv.group && gv.version === pgv.version && r.names.includes(pname) && (pns === undefined || r.namespaces.includes(pns));
    });
    if (chosen.length !== 1) {
      const id = idText(patch);
      const why = chosen.length === 0 ? `no matches for Id ${id}` : `multiple matches for Id ${id}`;
      throw new KustomizeError(`no resource matches strategic merge patch "${id}": ${why}; failed to find unique target for patch ${id}`);
    }
  }
  if (patch.$patch === 'delete') return objs.filter((r) => !chosen.includes(r));
  for (const r of chosen) {
    const o = r.obj;
    const keep = { apiVersion: o.apiVersion, kind: o.kind, name: nameOf(o), namespace: namespaceOf(o) };
    const p = structuredClone(patch);
    delete p.apiVersion;
    delete p.kind;
    if (isMap(p.metadata)) {
      delete p.metadata.name;
      delete p.metadata.namespace;
    }
    let merged: Obj;
    try {
      merged = strategicMergePatch(o, p, definitionFor(String(o.apiVersion ?? ''), kindOf(o)), SCHEMA);
    } catch (e) {
      if (e instanceof PatchFormatError) throw new KustomizeError(`unable to apply patch to ${idText(o)}: ${e.message}`);
      throw e;
    }
    for (const k of Object.keys(o)) delete o[k];
    Object.assign(o, merged, { apiVersion: keep.apiVersion, kind: keep.kind });
    const m = meta(o);
    m.name = keep.name;
    if (keep.namespace) m.namespace = keep.namespace;
  }
  return objs;
}

/** A JSON 6902 patch (a list of operations) on each target. */
export function applyJson6902(targets: Res[], ops: unknown[]): void {
  for (const op of ops) {
    if (!isMap(op) || typeof op.op !== 'string') throw new KustomizeError(`unable to parse JSON 6902 patch: every operation needs an "op", got ${JSON.stringify(op)}`);
    if (typeof op.path !== 'string') throw new KustomizeError(`unable to apply JSON 6902 patch: operation "${op.op}" needs a "path"`);
  }
  for (const r of targets) {
    let doc: Obj = structuredClone(r.obj);
    for (const op of ops as unknown as import('fast-json-patch').Operation[]) {
      try {
        doc = jsonpatch.applyOperation(doc, op, true, true).newDocument as Obj;
      } catch (e) {
        const name = (e as { name?: string }).name ?? '';
        if (name === 'TEST_OPERATION_FAILED') throw new KustomizeError(`testing value ${op.path} failed: test failed`);
        if (name === 'OPERATION_PATH_UNRESOLVABLE' || name === 'OPERATION_FROM_UNRESOLVABLE' || name === 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX') {
          throw new KustomizeError(`${op.op} operation does not apply: doc is missing path: ${op.path}: missing value`);
        }
        throw new KustomizeError(`unable to apply JSON 6902 patch to ${idText(r.obj)}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    if (!isMap(doc)) throw new KustomizeError(`unable to apply JSON 6902 patch to ${idText(r.obj)}: the result is not an object`);
    for (const k of Object.keys(r.obj)) delete r.obj[k];
    Object.assign(r.obj, doc);
    const n = nameOf(r.obj);
    if (r.names[r.names.length - 1] !== n) r.names.push(n);
  }
}
