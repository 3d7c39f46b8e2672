// Generates src/api/schema-data.ts: the field knowledge (names, Go types, required fields) of the kinds
// kubesim serves, taken from kubernetes-models 4.x (generated from the Kubernetes OpenAPI schema). The
// .d.ts files give properties, optionality and references; the compiled validators (_schemas/*.mjs) give
// the integer formats (int32/int64) that the API server's decode errors name.
// Run: node scripts/gen-schema.mjs   (re-run after upgrading kubernetes-models)
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const nm = join(root, 'node_modules');
const pkgDirs = [join(nm, 'kubernetes-models'), join(nm, '@kubernetes-models/apimachinery')];

const ROOTS = [
  'IoK8sApiCoreV1ConfigMap', 'IoK8sApiCoreV1Endpoints', 'IoK8sApiCoreV1Event', 'IoK8sApiCoreV1Namespace',
  'IoK8sApiCoreV1Node', 'IoK8sApiCoreV1Pod', 'IoK8sApiCoreV1ReplicationController', 'IoK8sApiCoreV1Secret',
  'IoK8sApiCoreV1ServiceAccount', 'IoK8sApiCoreV1Service', 'IoK8sApiAppsV1Deployment', 'IoK8sApiAppsV1ReplicaSet',
  'IoK8sApiCoordinationV1Lease', 'IoK8sApiDiscoveryV1EndpointSlice', 'IoK8sApiNetworkingV1IngressClass',
  'IoK8sApiNetworkingV1Ingress', 'IoK8sApiNetworkingV1NetworkPolicy', 'IoK8sApiBatchV1Job', 'IoK8sApiBatchV1CronJob',
  'IoK8sApiAppsV1StatefulSet', 'IoK8sApiAppsV1DaemonSet', 'IoK8sApiAppsV1ControllerRevision',
  // policy, RBAC, autoscaling, scheduling and quota kinds
  'IoK8sApiAutoscalingV2HorizontalPodAutoscaler', 'IoK8sApiPolicyV1PodDisruptionBudget', 'IoK8sApiRbacV1Role',
  'IoK8sApiRbacV1RoleBinding', 'IoK8sApiRbacV1ClusterRole', 'IoK8sApiRbacV1ClusterRoleBinding',
  'IoK8sApiSchedulingV1PriorityClass', 'IoK8sApiCoreV1ResourceQuota', 'IoK8sApiCoreV1LimitRange',
];

function walk(dir, out = []) {
  for (const n of readdirSync(dir)) {
    if (n === 'node_modules' || n === '_schemas') continue;
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (n.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const stripComments = (s) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/\n\s*\n/g, '\n');

/** definition id -> { file, iface body or alias type } */
const defs = new Map();
for (const pkg of pkgDirs) {
  for (const file of walk(pkg)) {
    const raw = readFileSync(file, 'utf8');
    const text = stripComments(raw);
    const exp = /export \{ (I\w+) as I(IoK8s\w+)/.exec(text);
    if (!exp) continue;
    const [, localName, id] = exp;
    const iface = new RegExp(`export interface ${localName}(?: extends [\\w, ]+)? \\{([\\s\\S]*?)\\n\\}`).exec(text);
    const alias = new RegExp(`export declare type ${localName} = ([^;]+);`).exec(text);
    defs.set(id, { file, raw, localName, body: iface?.[1], alias: alias?.[1]?.trim() });
  }
}

function parseType(t) {
  t = t.trim().replace(/\s+/g, ' ');
  let m;
  if ((m = /^Array<(.*)>$/.exec(t))) return `[]${parseType(m[1])}`;
  if ((m = /^\{ \[key: string\]: (.*?);? \}$/.exec(t))) return `{}${parseType(m[1])}`;
  if (t === 'string' || /^"[^"]*"( \| "[^"]*")*$/.test(t)) return 'string';
  if (t === 'number') return 'number';
  if (t === 'boolean') return 'bool';
  if ((m = /^I(IoK8s\w+)$/.exec(t))) return `#${m[1]}`;
  return 'any';
}

function props(body) {
  const out = [];
  // top-level members are indented by four spaces
  const re = /^ {4}"([^"]+)"(\??): ([\s\S]*?);\n(?= {4}"|$)/gm;
  let m;
  const src = body.endsWith('\n') ? body : body + '\n';
  while ((m = re.exec(src))) out.push({ name: m[1], optional: m[2] === '?', type: parseType(m[3]) });
  return out;
}

/** property -> "int32" | "int64" from the compiled validator. */
function formats(id) {
  const file = join(dirname(defs.get(id).file).replace(/\/(v1|apps\/v1|[^/]+\/v1[^/]*)$/, ''), '_schemas', `${id}.mjs`);
  const candidates = [file, ...pkgDirs.map((p) => join(p, '_schemas', `${id}.mjs`))];
  const f = candidates.find((c) => existsSync(c));
  if (!f) return {};
  const src = readFileSync(f, 'utf8');
  const bind = {};
  for (const m of src.matchAll(/let (formats\d+)=formats\.(\w+)/g)) bind[m[1]] = m[2];
  const fnBody = (name) => {
    const i = src.indexOf(`function ${name}(`);
    if (i < 0) return '';
    const j = src.indexOf('function validate', i + 10);
    return src.slice(i, j < 0 ? undefined : j);
  };
  const out = {};
  for (const m of src.matchAll(/void 0===data\.(\w+)\|\|(validate\d+)\(data\.\1/g)) {
    const body = fnBody(m[2]);
    const f2 = /(formats\d+)\.validate/.exec(body);
    if (f2 && bind[f2[1]]) out[m[1]] = bind[f2[1]];
  }
  return out;
}

const schema = {};
const queue = [...ROOTS];
while (queue.length) {
  const id = queue.shift();
  if (schema[id] || !defs.has(id)) continue;
  const d = defs.get(id);
  if (!d.body) {
    const a = d.alias ?? 'any';
    schema[id] = { alias: a === 'string' ? 'string' : a.replace(/\s/g, '') === 'string|number' || a.replace(/\s/g, '') === 'number|string' ? 'intOrString' : 'any' };
    continue;
  }
  const fm = formats(id);
  const p = {};
  const required = [];
  for (const x of props(d.body)) {
    let t = x.type;
    if (t === 'number' && fm[x.name]) t = fm[x.name];
    if (t === '[]number' && fm[x.name]) t = `[]${fm[x.name]}`;
    p[x.name] = t;
    if (!x.optional) required.push(x.name);
    for (const ref of t.matchAll(/#(IoK8s\w+)/g)) queue.push(ref[1]);
  }
  schema[id] = { p, r: required };
}

const sorted = Object.fromEntries(Object.keys(schema).sort().map((k) => [k, schema[k]]));
const out = `// GENERATED by scripts/gen-schema.mjs from kubernetes-models ${JSON.parse(readFileSync(join(nm, 'kubernetes-models/package.json'), 'utf8')).version} (the Kubernetes OpenAPI schema). Do not edit.
// Per definition: p = properties (type: string|bool|int32|int64|number|any|#Ref|[]T|{}T), r = required;
// alias = a named scalar (Time: string, IntOrString/Quantity: intOrString).
import type { SchemaDefs } from './decode.js';

export const SCHEMA: SchemaDefs = ${JSON.stringify(sorted)};
`;
writeFileSync(join(root, 'src/api/schema-data.ts'), out);
console.log(`wrote ${Object.keys(sorted).length} definitions`);

await import('./gen-openapi-data.mjs').then((m) => m.writeOpenAPIData({ defs, roots: ROOTS, root, nm, parseType, formats }));
