// kustomize's built-in transformers over a resource map: namespace, name prefix and suffix, labels,
// annotations, images, replicas, and the name-reference fix-up that follows renamed objects.
import { createHash } from 'node:crypto';
import { ANNOTATIONS, NAME_REFERENCES, REPLICA_KINDS, SELECTOR_LABELS, TEMPLATE_LABELS, type FieldSpec } from './fieldspecs.js';
import { clusterScoped, groupVersion, isMap, kindOf, meta, nameOf, namespaceOf, rename, renamespace, type Obj, type Res } from './resources.js';

function specApplies(s: { kinds?: readonly string[]; group?: string }, o: Obj): boolean {
  if (s.kinds && !s.kinds.includes(kindOf(o))) return false;
  if (s.group !== undefined && groupVersion(o).group !== s.group) return false;
  return true;
}

/** Calls `at` on every map the path leads to (lists are walked element by element); creates maps if asked. */
function visit(node: unknown, parts: string[], create: boolean, at: (m: Obj) => void): void {
  if (Array.isArray(node)) {
    for (const el of node) visit(el, parts, create, at);
    return;
  }
  if (!isMap(node)) return;
  if (parts.length === 0) {
    at(node);
    return;
  }
  const [head, ...rest] = parts;
  let next = Object.prototype.hasOwnProperty.call(node, head) ? node[head] : undefined;
  if ((next === undefined || next === null) && create && !Array.isArray(next)) {
    next = {};
    node[head] = next;
  }
  visit(next, rest, create, at);
}

function setInMaps(objs: Res[], specs: FieldSpec[], values: Record<string, string>): void {
  for (const r of objs) {
    for (const s of specs) {
      if (!specApplies(s, r.obj)) continue;
      visit(r.obj, s.path.split('/'), s.create, (m) => {
        for (const [k, v] of Object.entries(values)) m[k] = v;
      });
    }
  }
}

export function addLabels(objs: Res[], labels: Record<string, string>, selectors: boolean, templates: boolean): void {
  const specs = selectors ? [...TEMPLATE_LABELS, ...SELECTOR_LABELS] : templates ? TEMPLATE_LABELS : [TEMPLATE_LABELS[0]];
  setInMaps(objs, specs, labels);
}

export function addAnnotations(objs: Res[], annotations: Record<string, string>): void {
  setInMaps(objs, ANNOTATIONS, annotations);
}

/** The namespace field: namespaced objects move into it, a Namespace object takes its name, and RBAC
 *  subjects naming the default service account or one of the map's own service accounts follow. */
export function setNamespace(objs: Res[], ns: string): void {
  const accounts = objs.filter((r) => kindOf(r.obj) === 'ServiceAccount').map((r) => `${r.namespaces[r.namespaces.length - 1]}/${nameOf(r.obj)}`);
  for (const r of objs) {
    const o = r.obj;
    if (kindOf(o) === 'Namespace') {
      rename(r, ns);
      continue;
    }
    if ((kindOf(o) === 'RoleBinding' || kindOf(o) === 'ClusterRoleBinding') && Array.isArray(o.subjects)) {
      for (const s of o.subjects) {
        if (!isMap(s) || s.kind !== 'ServiceAccount') continue;
        const key = `${typeof s.namespace === 'string' ? s.namespace : ''}/${String(s.name ?? '')}`;
        if (s.name === 'default' || accounts.includes(key)) s.namespace = ns;
      }
    }
    if (!clusterScoped(o)) renamespace(r, ns);
  }
}

/** namePrefix and nameSuffix: every object but Namespaces and CRDs. */
export function affixNames(objs: Res[], prefix: string, suffix: string): void {
  for (const r of objs) {
    const k = kindOf(r.obj);
    if (k === 'Namespace' || k === 'CustomResourceDefinition') continue;
    rename(r, `${prefix}${nameOf(r.obj)}${suffix}`);
  }
}

export interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** Splits `repo[:tag][@digest]` into the name and the rest (":tag", "@digest" or both). */
function splitImage(image: string): [string, string] {
  const at = image.indexOf('@');
  const beforeDigest = at < 0 ? image : image.slice(0, at);
  const colon = beforeDigest.lastIndexOf(':');
  const slash = beforeDigest.lastIndexOf('/');
  const end = colon > slash ? colon : at < 0 ? image.length : at;
  return [image.slice(0, end), image.slice(end)];
}

function newImage(image: string, rules: ImageRule[]): string | undefined {
  const [name, rest] = splitImage(image);
  const rule = rules.find((r) => r.name === name);
  if (!rule) return undefined;
  let tail = rest;
  if (rule.newTag !== undefined && rule.newTag !== '') tail = `:${rule.newTag}`;
  if (rule.digest !== undefined && rule.digest !== '') tail = `@${rule.digest}`;
  return `${rule.newName || name}${tail}`;
}

/** images: every container and init container anywhere in the object (CronJob templates included). */
export function setImages(objs: Res[], rules: ImageRule[]): void {
  const walk = (n: unknown, depth: number): void => {
    if (depth > 200) return;
    if (Array.isArray(n)) for (const x of n) walk(x, depth + 1);
    else if (isMap(n)) {
      for (const [k, v] of Object.entries(n)) {
        if ((k === 'containers' || k === 'initContainers') && Array.isArray(v)) {
          for (const c of v) {
            if (isMap(c) && typeof c.image === 'string') {
              const img = newImage(c.image, rules);
              if (img !== undefined) c.image = img;
            }
          }
        }
        walk(v, depth + 1);
      }
    }
  };
  for (const r of objs) walk(r.obj, 0);
}

export function setReplicas(objs: Res[], rules: { name: string; count: number }[]): void {
  for (const rule of rules) {
    for (const r of objs) {
      if (!REPLICA_KINDS.has(kindOf(r.obj)) || !r.names.includes(rule.name)) continue;
      if (!isMap(r.obj.spec)) r.obj.spec = {};
      (r.obj.spec as Obj).replicas = rule.count;
    }
  }
}

/** Follows renamed objects into the fields that name them (a Deployment's configMapRef, a RoleBinding's roleRef). */
export function fixNameReferences(objs: Res[]): void {
  for (const ref of NAME_REFERENCES) {
    const targets = objs.filter((r) => kindOf(r.obj) === ref.target);
    if (!targets.length) continue;
    for (const referrer of objs) {
      for (const f of ref.fields) {
        if (!f.kinds.includes(kindOf(referrer.obj))) continue;
        const parts = f.path.split('/');
        const last = parts.pop()!;
        visit(referrer.obj, parts, false, (m) => {
          const v = m[last];
          if (typeof v === 'string') {
            const t = pick(targets, v, referrer.obj);
            if (t) m[last] = nameOf(t.obj);
          } else if (Array.isArray(v)) {
            m[last] = v.map((x) => {
              const t = typeof x === 'string' ? pick(targets, x, referrer.obj) : undefined;
              return t ? nameOf(t.obj) : x;
            });
          }
        });
      }
    }
  }
  // RBAC subjects name service accounts: follow their renames (and namespace) too.
  const accounts = objs.filter((r) => kindOf(r.obj) === 'ServiceAccount');
  for (const r of objs) {
    if ((kindOf(r.obj) !== 'RoleBinding' && kindOf(r.obj) !== 'ClusterRoleBinding') || !Array.isArray(r.obj.subjects)) continue;
    for (const s of r.obj.subjects) {
      if (!isMap(s) || s.kind !== 'ServiceAccount' || typeof s.name !== 'string') continue;
      const ns = typeof s.namespace === 'string' ? s.namespace : '';
      const t = accounts.find((a) => a.names.includes(s.name as string) && (a.namespaces.includes(ns) || ns === ''));
      if (t) s.name = nameOf(t.obj);
    }
  }
}

function pick(targets: Res[], name: string, referrer: Obj): Res | undefined {
  const named = targets.filter((t) => t.names.includes(name));
  if (named.length <= 1) return named[0];
  const ns = namespaceOf(referrer);
  const same = named.filter((t) => clusterScoped(t.obj) || namespaceOf(t.obj) === ns);
  return same.length === 1 ? same[0] : undefined;
}

/** Go's json.Marshal of a string: HTML-safe escapes as Go writes them. */
function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function goJSON(v: unknown): string {
  if (typeof v === 'string') return goString(v);
  if (Array.isArray(v)) return `[${v.map(goJSON).join(',')}]`;
  if (isMap(v)) return `{${Object.keys(v).sort().map((k) => `${goString(k)}:${goJSON(v[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}

/**
 * The content hash kustomize appends to generated names. Its encoder looks the name up under a path it never
 * finds, so the name hashes as "" and only the kind, data (and a Secret's type) count (docs/kustomize-facts.md).
 */
export function contentHash(o: Obj): string {
  const field = (k: string): unknown => (o[k] === undefined || o[k] === null ? '' : o[k]);
  const m: Obj = kindOf(o) === 'Secret' ? { data: field('data'), kind: 'Secret', name: '', type: field('type') } : { data: field('data'), kind: 'ConfigMap', name: '' };
  if (kindOf(o) === 'Secret' && isMap(o.stringData)) m.stringData = o.stringData;
  if (kindOf(o) === 'ConfigMap' && isMap(o.binaryData)) m.binaryData = o.binaryData;
  const hex = createHash('sha256').update(goJSON(m)).digest('hex').slice(0, 10);
  return hex.replace(/[013ae]/g, (c) => ({ '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' })[c]!);
}

export function addHashes(objs: Res[]): void {
  for (const r of objs) if (r.hashed) rename(r, `${nameOf(r.obj)}-${contentHash(r.obj)}`);
}

export { meta };
