// `kubectl kustomize DIR` without kustomize: reads a kustomization (and the bases it names), generates its
// ConfigMaps and Secrets, runs the built-in transformers in kustomize's order, then, at the top only, hashes
// generated names and points references at the final names. Files are the user's own, read from this machine
// (never from a simulated container) with kustomize's rule that files stay inside the kustomization's root.
import { realpathSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { goYamlMessage, loadYaml } from '../api/manifest.js';
import { goYAML } from '../printers/yaml.js';
import { sortKeys } from '../printers/format.js';
import { ioErrorText, readCapped } from '../util/files.js';
import { generate, type GeneratorArgs, type GeneratorOptions } from './generate.js';
import { applyJson6902, applyStrategicMerge, selectTargets, type Target } from './patches.js';
import { groupVersion, idText, isMap, KustomizeError, kindOf, legacyOrder, nameOf, namespaceOf, newRes, type Obj, type Res } from './resources.js';
import { addAnnotations, addHashes, addLabels, affixNames, fixNameReferences, setImages, setNamespace, setReplicas, type ImageRule } from './transform.js';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MAX_FILE_BYTES = 8 << 20;
const MAX_DEPTH = 50;

/** The fields kustomize knows; the ones kubesim does not implement are refused by name. */
const KNOWN = new Set([
  'apiVersion', 'kind', 'metadata', 'resources', 'bases', 'namespace', 'namePrefix', 'nameSuffix', 'commonLabels', 'labels',
  'commonAnnotations', 'images', 'replicas', 'configMapGenerator', 'secretGenerator', 'generatorOptions', 'patches',
  'patchesStrategicMerge', 'patchesJson6902', 'buildMetadata', 'sortOptions',
  'components', 'crds', 'vars', 'replacements', 'transformers', 'generators', 'validators', 'configurations', 'openapi',
  'helmCharts', 'helmGlobals', 'helmChartInflationGenerator', 'inventory', 'patchesJson6902',
]);
const UNSUPPORTED = ['components', 'crds', 'vars', 'replacements', 'transformers', 'generators', 'validators', 'configurations', 'openapi', 'helmCharts', 'helmGlobals', 'helmChartInflationGenerator'];

class NoKustomization extends KustomizeError {}
class MalformedYaml extends KustomizeError {}

export interface BuildResult {
  objects: Obj[];
  warnings: string[];
}

type YamlLib = Awaited<ReturnType<typeof loadYaml>>;

class Builder {
  readonly warnings: string[] = [];
  constructor(readonly yaml: YamlLib, readonly restrict: boolean) {}

  /** Parses every YAML document of a file (YAML 1.2, as kustomize's kyaml reads it). */
  parseDocs(text: string, file: string): unknown[] {
    const docs = this.yaml.parseAllDocuments(text, { version: '1.2', uniqueKeys: false, prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [docs];
    const out: unknown[] = [];
    for (const d of list) {
      if (d.errors.length) {
        throw new MalformedYaml(`MalformedYAMLError: ${goYamlMessage(text, d.errors[0] as unknown as Parameters<typeof goYamlMessage>[1])} in File: ${file}`);
      }
      let v: unknown;
      try {
        v = d.toJS({ maxAliasCount: 1000 });
      } catch (err) {
        throw new MalformedYaml(`MalformedYAMLError: yaml: ${(err as Error).message.split('\n')[0]} in File: ${file}`);
      }
      if (v !== null && v !== undefined) out.push(v);
    }
    return out;
  }

  readFile(path: string, root: string): string {
    if (this.restrict) checkInRoot(path, root);
    const r = readCapped(path, MAX_FILE_BYTES);
    if ('data' in r) return r.data.toString('utf8');
    if ('error' in r) throw new KustomizeError(`open ${path}: ${ioErrorText(r.error)}`);
    throw new KustomizeError(`file ${path} is larger than ${MAX_FILE_BYTES} bytes`);
  }

  readKustomization(dir: string): Obj {
    for (const f of KUSTOMIZATION_FILES) {
      const p = join(dir, f);
      let isFile = false;
      try {
        isFile = statSync(p).isFile();
      } catch {
        continue;
      }
      if (!isFile) continue;
      const docs = this.parseDocs(this.readFile(p, dir), p);
      const k = docs[0] ?? {};
      if (!isMap(k)) throw new KustomizeError('invalid Kustomization: json: cannot unmarshal array into Go value of type types.Kustomization');
      for (const key of Object.keys(k)) {
        if (!KNOWN.has(key)) throw new KustomizeError(`invalid Kustomization: json: unknown field ${JSON.stringify(key)}`);
      }
      // kustomize's deprecation notes, in its order, for every kustomization that has the field.
      for (const [field, instead] of [['bases', 'resources'], ['commonLabels', 'labels'], ['patchesJson6902', 'patches'], ['patchesStrategicMerge', 'patches']]) {
        if (k[field] !== undefined && k[field] !== null) this.warnings.push(`# Warning: '${field}' is deprecated. Please use '${instead}' instead. Run 'kustomize edit fix' to update your Kustomization automatically.`);
      }
      for (const key of ['namespace', 'namePrefix', 'nameSuffix']) {
        if (k[key] !== undefined && k[key] !== null && typeof k[key] !== 'string') throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${goKind(k[key])} into Go struct field Kustomization.${key} of type string`);
      }
      for (const key of UNSUPPORTED) if (k[key] !== undefined) throw new KustomizeError(`kubesim does not support the kustomization field '${key}'`);
      return k;
    }
    throw new NoKustomization(`unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}'`);
  }

  /** One kustomization, fully transformed (without the final hashes). */
  accumulate(dir: string, stack: string[]): Res[] {
    if (stack.length > MAX_DEPTH) throw new KustomizeError(`kustomizations nest deeper than ${MAX_DEPTH} levels at '${dir}'`);
    if (stack.includes(dir)) throw new KustomizeError(`cycle detected: candidate root '${dir}' contains visited root '${stack[stack.length - 1]}'`);
    const k = this.readKustomization(dir);
    const list = (field: string): unknown[] => {
      const v = k[field];
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v)) throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${goKind(v)} into Go struct field Kustomization.${field} of type []${field.startsWith('patches') || field === 'images' || field === 'replicas' || field.endsWith('Generator') || field === 'labels' ? 'types.X' : 'string'}`.replace('types.X', elemType(field)));
      return v;
    };
    const res: Res[] = [];
    const add = (r: Res): void => {
      const clash = res.find((x) => sameId(x.obj, r.obj));
      if (clash) throw new KustomizeError(`may not add resource with an already registered id: ${idText(r.obj)}`);
      res.push(r);
    };
    for (const entry of [...list('resources'), ...list('bases')]) {
      if (typeof entry !== 'string') throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${goKind(entry)} into Go struct field Kustomization.resources of type string`);
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.startsWith('github.com/')) throw new KustomizeError(`kubesim reads local kustomizations only, not '${entry}'`);
      const path = resolve(dir, entry);
      let st;
      try {
        st = statSync(path);
      } catch (e) {
        const why = `evalsymlink failure on '${path}' : lstat ${path}: ${ioErrorText(e)}`;
        throw new KustomizeError(`accumulating resources: accumulation err='accumulating resources from '${entry}': ${why}': must build at directory: not a valid directory: ${why}`);
      }
      if (st.isDirectory()) {
        let sub: Res[];
        try {
          sub = this.accumulate(realpathSync(path), [...stack, dir]);
        } catch (e) {
          if (!(e instanceof KustomizeError)) throw e;
          const inner = e instanceof NoKustomization ? `couldn't make target for path '${path}': ${e.message}` : e.message;
          throw new KustomizeError(`accumulating resources: accumulation err='accumulating resources from '${entry}': '${path}' must resolve to a file': ${inner}`);
        }
        for (const r of sub) add(r);
      } else {
        const notDir = `must build at directory: '${path}': file is not directory`;
        let objs: Obj[];
        try {
          objs = this.resourceDocs(this.readFile(path, dir), entry);
        } catch (e) {
          if (e instanceof MalformedYaml) throw new KustomizeError(`accumulating resources: accumulating resources from '${entry}': ${e.message}`);
          if (!(e instanceof KustomizeError)) throw e;
          throw new KustomizeError(`accumulating resources: accumulation err='accumulating resources from '${entry}': ${e.message}': ${notDir}`);
        }
        for (const o of objs) {
          try {
            add(newRes(o));
          } catch (e) {
            if (!(e instanceof KustomizeError)) throw e;
            throw new KustomizeError(`accumulating resources: accumulation err='merging resources from '${entry}': ${e.message}': ${notDir}`);
          }
        }
      }
    }

    // Generators: new objects, or merged into / replacing ones from the bases.
    const options = (k.generatorOptions ?? {}) as GeneratorOptions;
    for (const [field, kind] of [['configMapGenerator', 'ConfigMap'], ['secretGenerator', 'Secret']] as const) {
      for (const g of list(field)) {
        if (!isMap(g)) throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${goKind(g)} into Go struct field Kustomization.${field} of type types.${kind === 'ConfigMap' ? 'ConfigMapArgs' : 'SecretArgs'}`);
        const made = generate(kind, g as GeneratorArgs, options, dir, (p) => this.readFile(p, dir));
        const behavior = String(g.behavior ?? 'create');
        const existing = res.find((x) => kindOf(x.obj) === kind && x.names.includes(nameOf(made.obj)) && (!namespaceOf(made.obj) || x.namespaces.includes(namespaceOf(made.obj))));
        if (behavior === 'create' || behavior === 'unspecified') {
          add(made);
        } else if (behavior === 'merge' || behavior === 'replace') {
          if (!existing) {
            const { group, version } = groupVersion(made.obj);
            throw new KustomizeError(`merging from generator &{0xc00054a340 <nil>}: id resid.ResId{Gvk:resid.Gvk{Group:${JSON.stringify(group)}, Version:${JSON.stringify(version)}, Kind:"${kind}", isClusterScoped:false}, Name:${JSON.stringify(nameOf(made.obj))}, Namespace:${JSON.stringify(namespaceOf(made.obj))}} does not exist; cannot merge or replace`);
          }
          mergeGenerated(existing, made, behavior === 'merge');
        } else throw new KustomizeError(`unknown generator behavior '${behavior}'`);
      }
    }

    let out = res;
    // Transformers, in kustomize's order.
    for (const p of list('patchesStrategicMerge')) {
      if (typeof p !== 'string') throw new KustomizeError('invalid Kustomization: json: cannot unmarshal object into Go struct field Kustomization.patchesStrategicMerge of type types.PatchStrategicMerge');
      const text = looksLikeFile(p) ? this.readFile(resolve(dir, p), dir) : p;
      for (const doc of this.parseDocs(text, p)) out = applyStrategicMerge(out, doc, undefined);
    }
    for (const p of list('patches')) {
      if (!isMap(p)) throw new KustomizeError('invalid Kustomization: json: cannot unmarshal string into Go struct field Kustomization.patches of type types.Patch');
      const text = this.patchText(p, dir);
      const target = p.target === undefined ? undefined : (p.target as Target);
      const docs = this.parseDocs(text, typeof p.path === 'string' ? p.path : 'patch');
      if (docs.length === 1 && Array.isArray(docs[0])) {
        if (!target) throw new KustomizeError('unable to apply patch: patch target is not specified for a JSON 6902 patch');
        applyJson6902(selectTargets(out, target), docs[0]);
      } else {
        for (const doc of docs) out = applyStrategicMerge(out, doc, target);
      }
    }
    if (k.namespace !== undefined && k.namespace !== '') setNamespace(out, String(k.namespace));
    if (k.namePrefix || k.nameSuffix) affixNames(out, String(k.namePrefix ?? ''), String(k.nameSuffix ?? ''));
    for (const l of list('labels')) {
      if (!isMap(l)) continue;
      const pairs = stringMap(l.pairs, 'labels.pairs');
      addLabels(out, pairs, l.includeSelectors === true, l.includeTemplates === true);
    }
    if (k.commonLabels !== undefined) {
      addLabels(out, stringMap(k.commonLabels, 'commonLabels'), true, true);
    }
    if (k.commonAnnotations !== undefined) addAnnotations(out, stringMap(k.commonAnnotations, 'commonAnnotations'));
    for (const p of list('patchesJson6902')) {
      if (!isMap(p) || !isMap(p.target)) throw new KustomizeError('unable to apply patch: patchesJson6902 needs a target');
      const docs = this.parseDocs(this.patchText(p, dir), typeof p.path === 'string' ? p.path : 'patch');
      const ops = docs.length === 1 && Array.isArray(docs[0]) ? docs[0] : undefined;
      if (!ops) throw new KustomizeError('unable to parse SM or JSON patch from ' + JSON.stringify(docs[0] ?? ''));
      applyJson6902(selectTargets(out, p.target as Target), ops);
    }
    const replicas = list('replicas').map((r) => {
      if (!isMap(r) || typeof r.name !== 'string' || typeof r.count !== 'number' || !Number.isInteger(r.count)) throw new KustomizeError('invalid Kustomization: json: replicas entries need a name and an integer count');
      return { name: r.name, count: r.count };
    });
    if (replicas.length) setReplicas(out, replicas);
    const images = list('images').map((i) => {
      if (!isMap(i) || typeof i.name !== 'string') throw new KustomizeError('invalid Kustomization: json: images entries need a name');
      for (const f of ['newName', 'newTag', 'digest'] as const) {
        if (i[f] !== undefined && typeof i[f] !== 'string') throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${goKind(i[f])} into Go struct field Image.images.${f} of type string`);
      }
      return i as unknown as ImageRule;
    });
    if (images.length) setImages(out, images);
    fixNameReferences(out);
    return out;
  }

  patchText(p: Obj, dir: string): string {
    if (typeof p.patch === 'string' && typeof p.path === 'string') throw new KustomizeError('unable to parse SM or JSON patch: patch and path can not be set at the same time');
    if (typeof p.patch === 'string') return p.patch;
    if (typeof p.path === 'string') return this.readFile(resolve(dir, p.path), dir);
    throw new KustomizeError('unable to parse SM or JSON patch: must specify one of patch and path');
  }

  resourceDocs(text: string, file: string): Obj[] {
    const out: Obj[] = [];
    for (const d of this.parseDocs(text, file)) {
      if (!isMap(d)) throw new KustomizeError(`missing Resource metadata`);
      // A List's items are resources of their own.
      if (typeof d.kind === 'string' && d.kind.endsWith('List') && Array.isArray(d.items)) {
        for (const it of d.items) {
          if (!isMap(it)) throw new KustomizeError('missing Resource metadata');
          out.push(checkResource(it));
        }
        continue;
      }
      out.push(checkResource(d));
    }
    return out;
  }
}

/** The object's type and metadata as Go's %v prints kustomize's struct: {{v1 ConfigMap} {{name ns} map[..] map[..]}}. */
function goMeta(o: Obj): string {
  const m = isMap(o.metadata) ? o.metadata : {};
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const gomap = (v: unknown): string => `map[${isMap(v) ? Object.keys(v).sort().map((k) => `${k}:${String(v[k])}`).join(' ') : ''}]`;
  return `{{${str(o.apiVersion)} ${str(o.kind)}} {{${str(m.name)} ${str(m.namespace)}} ${gomap(m.labels)} ${gomap(m.annotations)}}}`;
}

function checkResource(o: Obj): Obj {
  if (typeof o.kind !== 'string' || o.kind === '') throw new KustomizeError(`missing kind in object ${goMeta(o)}`);
  if (!isMap(o.metadata) || typeof o.metadata.name !== 'string' || o.metadata.name === '') {
    if (!(isMap(o.metadata) && typeof o.metadata.generateName === 'string')) throw new KustomizeError(`missing metadata.name in object ${goMeta(o)}`);
  }
  return o;
}

function sameId(a: Obj, b: Obj): boolean {
  return kindOf(a) === kindOf(b) && groupVersion2(a) === groupVersion2(b) && nameOf(a) === nameOf(b) && namespaceOf(a) === namespaceOf(b);
}
const groupVersion2 = (o: Obj): string => String(o.apiVersion ?? '').split('/').slice(0, -1).join('/');

function mergeGenerated(existing: Res, made: Res, merge: boolean): void {
  const o = existing.obj;
  const n = made.obj;
  const m = (o.metadata ?? {}) as Obj;
  const nm = (n.metadata ?? {}) as Obj;
  for (const f of ['labels', 'annotations']) {
    if (isMap(nm[f])) m[f] = { ...(isMap(m[f]) ? m[f] : {}), ...(nm[f] as Obj) };
  }
  for (const f of ['data', 'binaryData']) {
    if (merge) {
      if (isMap(n[f])) o[f] = { ...(isMap(o[f]) ? o[f] : {}), ...(n[f] as Obj) };
    } else if (n[f] !== undefined) o[f] = n[f];
    else delete o[f];
  }
  if (n.type !== undefined && !merge) o.type = n.type;
  if (n.immutable !== undefined) o.immutable = n.immutable;
  existing.hashed = made.hashed;
}

function stringMap(v: unknown, field: string): Record<string, string> {
  if (v === null || v === undefined) return {};
  if (!isMap(v)) throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${goKind(v)} into Go struct field Kustomization.${field} of type map[string]string`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${goKind(x)} into Go struct field Kustomization.${field} of type string`);
    out[k] = x;
  }
  return out;
}

function elemType(field: string): string {
  const m: Record<string, string> = {
    patches: 'types.Patch', patchesStrategicMerge: 'types.PatchStrategicMerge', patchesJson6902: 'types.Patch', images: 'types.Image',
    replicas: 'types.Replica', configMapGenerator: 'types.ConfigMapArgs', secretGenerator: 'types.SecretArgs', labels: 'types.Label',
  };
  return m[field] ?? 'string';
}

function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** An entry of patchesStrategicMerge is a file name unless it reads as YAML of its own. */
function looksLikeFile(p: string): boolean {
  return !p.includes('\n') && !/^\s*(apiVersion|kind|metadata)\s*:/.test(p);
}

/** kustomize's load restrictor: a file must be in or below the kustomization's directory. */
function checkInRoot(path: string, root: string): void {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return; // the read reports the missing file
  }
  const r = realpathSync(root);
  if (real !== r && !real.startsWith(r.endsWith(sep) ? r : r + sep)) {
    throw new KustomizeError(`security; file '${path}' is not in or below '${r}'`);
  }
}

/** Builds DIR; returns the objects in kustomize's output order. */
export async function build(dir: string, opts: { restrictToRoot?: boolean } = {}): Promise<BuildResult> {
  const abs = resolve(dir);
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    throw new KustomizeError(`must build at directory: not a valid directory: evalsymlink failure on '${abs}' : lstat ${abs}: ${ioErrorText(e)}`);
  }
  if (!st.isDirectory()) {
    throw new KustomizeError(`must build at directory: '${abs}': file is not directory`);
  }
  const b = new Builder(await loadYaml(), opts.restrictToRoot !== false);
  const res = b.accumulate(realpathSync(abs), []);
  addHashes(res);
  fixNameReferences(res);
  const objects = res.map((r) => r.obj).sort(legacyOrder);
  return { objects, warnings: b.warnings };
}

/** The build as `kubectl kustomize` prints it: each object's YAML with sorted keys, separated by ---. */
export function render(objects: Obj[]): string {
  return objects.map((o) => goYAML(sortKeys(o))).join('---\n');
}

