// Writes src/api/openapi-data.ts: the OpenAPI definitions (with their descriptions) of the kinds kubesim
// serves, for `kubesim explain` and for the /openapi/v3 documents (src/api/openapi.ts). Called by
// scripts/gen-schema.mjs, which has already read every kubernetes-models .d.ts: those files carry each
// definition's and field's OpenAPI description as JSDoc, and string enums as unions of literals.
// Quantity has no JSDoc there; its description comes from kubernetes-types (also generated from the OpenAPI).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every kind of src/api/resources.ts: gen-schema's ROOTS plus the storage kinds explain also needs. */
export const EXPLAIN_ROOTS = [
  'IoK8sApiCoreV1PersistentVolumeClaim', 'IoK8sApiCoreV1PersistentVolume', 'IoK8sApiStorageV1StorageClass',
  // served besides autoscaling/v2 (converted per request), so explain --api-version=autoscaling/v1 has its fields
  'IoK8sApiAutoscalingV1HorizontalPodAutoscaler',
];

const PACKAGES = {
  IoK8sApimachineryPkgApisMetaV1: 'io.k8s.apimachinery.pkg.apis.meta.v1.',
  IoK8sApimachineryPkgApiResource: 'io.k8s.apimachinery.pkg.api.resource.',
  IoK8sApimachineryPkgUtilIntstr: 'io.k8s.apimachinery.pkg.util.intstr.',
  IoK8sApimachineryPkgRuntime: 'io.k8s.apimachinery.pkg.runtime.',
};

/** IoK8sApiCoreV1Service -> io.k8s.api.core.v1.Service (the OpenAPI definition name). */
export function dottedName(id) {
  for (const [prefix, dotted] of Object.entries(PACKAGES)) if (id.startsWith(prefix)) return dotted + id.slice(prefix.length);
  const m = /^IoK8sApi([A-Z][a-z]+)(V\d+(?:(?:alpha|beta)\d+)?)([A-Z]\w*)$/.exec(id);
  if (!m) throw new Error(`cannot name ${id}`);
  return `io.k8s.api.${m[1].toLowerCase()}.${m[2].toLowerCase()}.${m[3]}`;
}

/**
 * The description in a JSDoc block (without its delimiters). kubernetes-models escapes every `*` of the text as
 * `\*` (so that no `*\/` can end the comment; backslashes it leaves alone); kubernetes-types does not escape.
 */
function jsdocText(block, escaped = true) {
  const text = block
    .split('\n')
    .map((l) => /^\s*\*(?: (.*))?$/.exec(l)?.[1] ?? '')
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
  return escaped ? text.replaceAll('\\*', '*') : text;
}

/** The JSDoc right before `export interface X` / `export declare type X`. */
function leadingDoc(raw, localName, escaped = true) {
  const re = new RegExp(`/\\*\\*\\n([\\s\\S]*?)\\n \\*/\\nexport (?:interface|(?:declare )?type) ${localName}\\b`);
  const m = re.exec(raw);
  return m ? jsdocText(m[1], escaped) : undefined;
}

const LITERALS = /^"[^"]*"(?: \| "[^"]*")*$/;
const literals = (t) => [...t.matchAll(/"([^"]*)"/g)].map((m) => m[1]);

/** Members of an interface body with their JSDoc: [{ name, optional, typeText, doc }]. */
function members(rawBody) {
  const out = [];
  const re = /(?:^ {4}\/\*\*\n([\s\S]*?)\n {5}\*\/\n)?^ {4}"([^"]+)"(\??): ([\s\S]*?);\n(?= {4}"| {4}\/\*\*|$)/gm;
  const src = rawBody.endsWith('\n') ? rawBody : rawBody + '\n';
  let m;
  while ((m = re.exec(src))) out.push({ doc: m[1] === undefined ? undefined : jsdocText(m[1]), name: m[2], optional: m[3] === '?', typeText: m[4].trim().replace(/\s+/g, ' ') });
  return out;
}

export function writeOpenAPIData({ defs, roots, root, nm, parseType, formats }) {
  const typeMetaDoc = Object.fromEntries(
    members(new RegExp('export interface IDeleteOptions[^{]*\\{([\\s\\S]*?)\\n\\}').exec(defs.get('IoK8sApimachineryPkgApisMetaV1DeleteOptions').raw)[1])
      .filter((x) => x.name === 'apiVersion' || x.name === 'kind')
      .map((x) => [x.name, x.doc]),
  );
  const quantityDoc = leadingDoc(readFileSync(join(nm, 'kubernetes-types/api/resource.d.ts'), 'utf8'), 'Quantity', false);

  const out = {};
  const queue = [...roots, ...EXPLAIN_ROOTS];
  while (queue.length) {
    const id = queue.shift();
    const name = dottedName(id);
    if (out[name] || !defs.has(id)) continue;
    const d = defs.get(id);
    const doc = leadingDoc(d.raw, d.localName) ?? (id === 'IoK8sApimachineryPkgApiResourceQuantity' ? quantityDoc : undefined);
    if (!d.body) {
      const a = (d.alias ?? '').replace(/\s/g, '');
      const kind = /Time$/.test(id) ? 'date-time' : a === 'string' ? 'string' : /Quantity$/.test(id) ? 'quantity' : 'int-or-string';
      out[name] = { ...(doc ? { d: doc } : {}), a: kind };
      continue;
    }
    const rawBody = new RegExp(`export interface ${d.localName}(?: extends [\\w, ]+)? \\{([\\s\\S]*?)\\n\\}`).exec(d.raw)[1];
    const fm = formats(id);
    const p = {};
    const required = [];
    let gvk;
    for (const x of members(rawBody)) {
      const typeMeta = (x.name === 'apiVersion' || x.name === 'kind') && !x.doc && LITERALS.test(x.typeText);
      // An embedded object written out inline (StatefulSet volumeClaimTemplates: a PersistentVolumeClaim
      // with its TypeMeta optional) is, in the OpenAPI, a reference to the kind whose spec it carries.
      const inlineKind = /^Array<\{.*"spec"\?: I(IoK8s\w+)Spec;/.exec(x.typeText)?.[1];
      let t = (inlineKind ? `[]#${inlineKind}` : parseType(x.typeText)).replace(/#(IoK8s\w+)/g, (_, r) => (queue.push(r), `#${dottedName(r)}`));
      if (t === 'number' && fm[x.name]) t = fm[x.name];
      if (t === '[]number' && fm[x.name]) t = `[]${fm[x.name]}`;
      const prop = { t };
      const docText = typeMeta ? typeMetaDoc[x.name] : x.doc;
      if (docText) prop.d = docText;
      const inner = /^Array<(.*)>$/.exec(x.typeText)?.[1];
      if (!typeMeta && LITERALS.test(x.typeText)) prop.e = literals(x.typeText);
      else if (inner && LITERALS.test(inner)) prop.ie = literals(inner);
      if (typeMeta) gvk = { ...gvk, [x.name]: literals(x.typeText)[0] };
      p[x.name] = prop;
      if (!x.optional && !typeMeta) required.push(x.name);
    }
    const def = { ...(doc ? { d: doc } : {}), p };
    if (required.length) def.r = required;
    if (gvk?.apiVersion && gvk.kind) {
      const [group, version] = gvk.apiVersion.includes('/') ? gvk.apiVersion.split('/') : ['', gvk.apiVersion];
      def.k = { group, kind: gvk.kind, version };
    }
    out[name] = def;
  }
  const sorted = Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
  const version = JSON.parse(readFileSync(join(nm, 'kubernetes-models/package.json'), 'utf8')).version;
  const text = JSON.stringify({ source: `kubernetes-models ${version}`, defs: sorted });
  // A JSON string parsed at load: quicker for V8 and for tsc than a 450 kB object literal.
  const ts = `// GENERATED by scripts/gen-schema.mjs (gen-openapi-data.mjs) from kubernetes-models ${version}. Do not edit.
// The OpenAPI definitions of the kinds kubesim serves, with their descriptions. Loaded only by the modules that
// need descriptions (explain, the /openapi documents); the format is described in src/api/openapi.ts.
import type { OpenAPIData } from './openapi.js';

export const OPENAPI_DATA: OpenAPIData = JSON.parse(${JSON.stringify(text)});
`;
  writeFileSync(join(root, 'src/api/openapi-data.ts'), ts);
  console.log(`wrote ${Object.keys(sorted).length} OpenAPI definitions (${text.length} bytes)`);
}
