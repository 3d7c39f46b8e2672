// A test-only, read-only Kubernetes API server on 127.0.0.1 that serves kubesim's objects to the real kubectl,
// so tests can compare kubesim's output with kubectl's for the same objects.
//
// What kubectl 1.32 asks for (observed): GET /version, /api and /apis (it offers aggregated discovery
// v2/v2beta1 but accepts plain APIVersions/APIGroupList), /api/v1 and /apis/<group>/<version> resource lists,
// then single objects and lists (JSON; it offers protobuf and as=Table but takes plain JSON). `describe` lists
// events with fieldSelector involvedObject.*, node pods with spec.nodeName/status.phase, ReplicaSets and
// EndpointSlices with labelSelector. `expose`/`run --dry-run=client` need only discovery and GETs; `create|apply -f
// --dry-run=client` validate through OpenAPI v3, and `explain` reads it: the stub serves kubesim's own documents (see openAPIv3). OpenAPI v2
// (protobuf) is not served, so `--validate` messages from client-side schemas are out of reach: 404.
//
// Writes (POST/PUT/PATCH/DELETE) answer 405: kubectl's --dry-run=client paths never send them.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAPIV3Document, openAPIV3Index } from '../../src/api/openapi.js';
import { OPENAPI_DATA } from '../../src/api/openapi-data.js';
import { apiVersionOf, OLDER_VERSIONS, RESOURCES, resourceForKind, type ResourceInfo } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { listObjects } from '../../src/store/objects.js';
import { parseSelector } from '../../src/api/labels.js';
import type { ClusterState } from '../../src/store/state.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Kubectl = (args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }) => Promise<KubectlResult>;

/** Every request the stub saw (method, path with query, Accept header): for tests that check what kubectl asks. */
export interface StubRequest {
  method: string;
  url: string;
  accept: string;
}

export interface StubServer {
  url: string;
  port: number;
  requests: StubRequest[];
  /** Replaces the objects served (e.g. after a kubesim command changed the state). */
  setObjects(input: ClusterState | KubeObject[]): void;
  close(): Promise<void>;
}

let cachedAvailable: boolean | undefined;

/** Whether a real kubectl is on PATH. Tests skip (with a message saying so) when it is not. */
export function kubectlAvailable(): boolean {
  if (cachedAvailable === undefined) {
    const r = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
    cachedAvailable = r.status === 0;
  }
  return cachedAvailable;
}

/** The reason string for `test(..., { skip })` when kubectl is absent, else false. */
export function skipWithoutKubectl(): string | false {
  return kubectlAvailable() ? false : 'real kubectl is not installed: comparison with kubectl skipped';
}

interface Stored {
  info: ResourceInfo | undefined;
  obj: KubeObject;
}

function flatten(input: ClusterState | KubeObject[]): Stored[] {
  const out: Stored[] = [];
  if (Array.isArray(input)) {
    for (const obj of input) out.push({ info: resourceForKind(obj.apiVersion, obj.kind), obj });
  } else {
    for (const resource of input.objects.kindNames()) {
      const info = RESOURCES.find((r) => r.resource === resource);
      if (info) for (const obj of listObjects(input, resource)) out.push({ info, obj });
    }
  }
  // etcd order: namespace, then name.
  out.sort((a, b) => cmp(a.obj.metadata.namespace ?? '', b.obj.metadata.namespace ?? '') || cmp(a.obj.metadata.name, b.obj.metadata.name));
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Resources that are not in kubesim's registry but that kubectl's describers list directly (always empty here). */
const EXTRA: ResourceInfo[] = [
  { resource: 'resourcequotas', singular: 'resourcequota', kind: 'ResourceQuota', group: '', version: 'v1', namespaced: true, shortNames: ['quota'], verbs: ['get', 'list'] },
  { resource: 'limitranges', singular: 'limitrange', kind: 'LimitRange', group: '', version: 'v1', namespaced: true, shortNames: ['limits'], verbs: ['get', 'list'] },
];

// autoscaling/v1 after v2, as kubesim serve lists it (v2 stays the preferred version).
const ALL = [...RESOURCES, ...EXTRA, ...OLDER_VERSIONS];

/** The API server's group order in discovery (kubectl expands categories such as "all" in this order). */
const GROUP_ORDER = ['apps', 'events.k8s.io', 'autoscaling', 'batch', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io'];

function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of ALL) if (r.group) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
  return [...seen.values()].sort((a, b) => rank(a.group) - rank(b.group));
}

/** Field labels the stub's lists accept (the union over kinds); others fail as the API server fails them. */
const FIELD_LABELS = new Set(['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase', 'status.podIP', 'spec.type', 'type', 'reason', 'spec.unschedulable', 'involvedObject.name', 'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'source', 'reportingComponent', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName']);

/** Why the API server refuses a list's selectors, or undefined when it accepts them. */
function selectorError(ls: string, fs: string): string | undefined {
  try {
    parseSelector(ls);
  } catch (e) {
    return (e as Error).message;
  }
  for (const part of fs.split(',')) {
    if (part.trim() === '') continue;
    const m = /^([^!=]+)(==|!=|=)(.*)$/.exec(part.trim());
    if (!m) return `invalid selector: '${fs}'; can't understand '${part}'`;
    if (!FIELD_LABELS.has(m[1].trim())) return `field label not supported: ${m[1].trim()}`;
  }
  return undefined;
}

/** The resources in the "all" category, as kube-apiserver lists them. */
const ALL_CATEGORY = new Set(['pods', 'replicationcontrollers', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'horizontalpodautoscalers', 'cronjobs', 'jobs']);
const SCALABLE = new Set(['deployments', 'replicasets', 'replicationcontrollers', 'statefulsets']);

function resourceList(group: string, version: string): object {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: ALL.filter((r) => r.group === group && r.version === version).flatMap((r) => [
      {
        name: r.resource,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.verbs,
        ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
        ...(ALL_CATEGORY.has(r.resource) ? { categories: ['all'] } : {}),
      },
      // The scale subresource, which kubectl autoscale looks for in discovery.
      ...(SCALABLE.has(r.resource) ? [{ name: `${r.resource}/scale`, singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] }] : []),
    ]),
  };
}

/**
 * The OpenAPI v3 document of one group/version, from the same generated definitions kubesim serves and
 * explains (src/api/openapi.ts), so `kubectl explain` runs against it. Its PATCH operations carry the
 * `fieldValidation` parameter: kubectl's create/apply -f then trusts the server to validate fields, which spares
 * it the protobuf OpenAPI v2 download for client-side validation that this stub cannot serve.
 */
function openAPIv3(group: string, version: string): object {
  return openAPIV3Document(OPENAPI_DATA, group, version, ALL);
}

/** Resolves a dotted field path (metadata.name, involvedObject.uid, spec.nodeName) to a string; missing is "". */
function fieldValue(obj: KubeObject, path: string): string {
  let v: unknown = obj;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return '';
    v = (v as Record<string, unknown>)[part];
  }
  return v === undefined || v === null ? '' : String(v);
}

function fieldSelectorMatches(obj: KubeObject, selector: string): boolean {
  for (const term of selector.split(',')) {
    if (!term) continue;
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(term);
    if (!m) continue;
    const [, path, op, want] = m;
    const got = fieldValue(obj, path);
    if (op === '!=' ? got === want : got !== want) return false;
  }
  return true;
}

/** A label selector in the URL's syntax: k=v, k==v, k!=v, k, !k, k in (a,b), k notin (a,b). */
function labelSelectorMatches(obj: KubeObject, selector: string): boolean {
  const labels = obj.metadata.labels ?? {};
  // Split on commas outside parentheses.
  const terms: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(cur);
      cur = '';
    } else cur += ch;
  }
  terms.push(cur);
  for (const raw of terms) {
    const term = raw.trim();
    if (!term) continue;
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term))) {
      const vals = m[3].split(',').map((s) => s.trim());
      const has = Object.hasOwn(labels, m[1]);
      if (m[2] === 'in' ? !(has && vals.includes(labels[m[1]])) : has && vals.includes(labels[m[1]])) return false;
    } else if ((m = /^([^!=]+)(!=|==|=)(.*)$/.exec(term))) {
      const key = m[1].trim();
      const want = m[3].trim();
      const has = Object.hasOwn(labels, key);
      if (m[2] === '!=' ? has && labels[key] === want : !(has && labels[key] === want)) return false;
    } else if (term.startsWith('!')) {
      if (Object.hasOwn(labels, term.slice(1).trim())) return false;
    } else if (!Object.hasOwn(labels, term)) return false;
  }
  return true;
}

function notFoundStatus(info: ResourceInfo | undefined, resource: string, name: string): object {
  const qualified = info?.group ? `${info.resource}.${info.group}` : resource;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${qualified} "${name}" not found`,
    reason: 'NotFound',
    details: { name, ...(info?.group ? { group: info.group } : {}), kind: resource },
    code: 404,
  };
}

/** Starts the stub on an ephemeral port of 127.0.0.1. */
export async function startStubServer(input: ClusterState | KubeObject[]): Promise<StubServer> {
  let stored = flatten(input);
  const requests: StubRequest[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', accept: String(req.headers.accept ?? '') });
    const send = (code: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    // `auth can-i --list` asks the server for a SelfSubjectRulesReview: answered from kubesim's RBAC authorizer
    // over the served state, as kind's admin or the user kubectl impersonates.
    if (req.method === 'POST' && url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews' && !Array.isArray(input)) {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        void import('../../src/cluster/rbac.js').then(({ rulesReview, impersonated, KIND_ADMIN }) => {
          const review = reviewRequest(Buffer.concat(chunks));
          const as = req.headers['impersonate-user'];
          const groups = ([] as string[]).concat(req.headers['impersonate-group'] ?? []);
          const user = typeof as === 'string' ? impersonated(as, groups) : KIND_ADMIN;
          const namespace = review.spec?.namespace || undefined;
          send(201, { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: review.spec ?? {}, status: rulesReview(input, user, namespace) });
        });
      });
      return;
    }
    if (req.method !== 'GET') {
      return send(405, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the stub API server is read-only', reason: 'MethodNotAllowed', code: 405 });
    }
    const p = url.pathname.replace(/\/+$/, '');
    if (p === '/version') {
      return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.2', gitCommit: '', gitTreeState: 'clean', buildDate: '2025-02-12T00:00:00Z', goVersion: 'go1.23.6', compiler: 'gc', platform: 'linux/amd64' });
    }
    if (p === '/api') {
      return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }] });
    }
    if (p === '/apis') {
      const groups = new Map<string, string[]>();
      for (const gv of groupVersions()) groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv.version]);
      return send(200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups].map(([name, versions]) => ({
          name,
          versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
          preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
        })),
      });
    }
    if (p === '/openapi/v3') return send(200, openAPIV3Index(ALL));
    let oa = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(p);
    if (oa) return send(200, openAPIv3(oa[2] ?? '', oa[1] ?? oa[3]));
    if (p === '/openapi/v2') return send(200, { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.2' }, paths: {}, definitions: {} });
    if (p === '/apis/apiextensions.k8s.io/v1/customresourcedefinitions') return send(200, { kind: 'CustomResourceDefinitionList', apiVersion: 'apiextensions.k8s.io/v1', metadata: {}, items: [] });
    if (p === '/api/v1') return send(200, resourceList('', 'v1'));
    let m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
    if (m && groupVersions().some((gv) => gv.group === m![1] && gv.version === m![2])) return send(200, resourceList(m[1], m[2]));
    if (m && groupVersions().some((gv) => gv.group === m![1])) return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });

    // /api/v1[/namespaces/NS]/RESOURCE[/NAME]  or  /apis/G/V[/namespaces/NS]/RESOURCE[/NAME]
    m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(p);
    if (m) {
      const group = m[2] ?? '';
      const version = m[1] ?? m[3];
      // The optional namespaces/NS part backtracks for /api/v1/namespaces/NAME (the Namespace object itself).
      const namespace = m[4];
      const resource = m[5];
      const name = m[6];
      const info = ALL.find((r) => r.resource === resource && r.group === group && r.version === version);
      const ofResource = stored.filter((s) => (info ? s.info?.resource === info.resource && s.info?.group === info.group : false));
      if (name !== undefined) {
        const hit = ofResource.find((s) => s.obj.metadata.name === name && (!info?.namespaced || s.obj.metadata.namespace === namespace));
        if (!hit) return send(404, notFoundStatus(info, resource, name));
        return send(200, hit.obj);
      }
      const ls = url.searchParams.get('labelSelector') ?? '';
      const fs = url.searchParams.get('fieldSelector') ?? '';
      const refused = selectorError(ls, fs);
      if (refused) return send(400, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: refused, reason: 'BadRequest', code: 400 });
      const items = ofResource
        .map((s) => s.obj)
        .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
        .filter((o) => labelSelectorMatches(o, ls) && fieldSelectorMatches(o, fs));
      const kind = info ? `${info.kind}List` : 'List';
      return send(200, { kind, apiVersion: info ? apiVersionOf(info) : 'v1', metadata: { resourceVersion: '1' }, items });
    }
    // /openapi/v2, /openapi/v3 and anything else.
    return send(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 });
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setObjects(next) {
      stored = flatten(next);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a kubeconfig for the stub (namespace default) into dir and returns its path. */
export function writeKubeconfig(dir: string, serverURL: string, namespace = 'default'): string {
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: stub',
      '  cluster:',
      `    server: ${serverURL}`,
      'contexts:',
      '- name: stub',
      '  context:',
      '    cluster: stub',
      '    user: stub',
      `    namespace: ${namespace}`,
      'current-context: stub',
      'users:',
      '- name: stub',
      '  user: {}',
      '',
    ].join('\n'),
  );
  return file;
}

/**
 * Serves the objects (a ClusterState or a list of objects), then calls fn with a function that runs the real
 * `kubectl --kubeconfig <temp> <args>` against them (asynchronously: the server lives in this process).
 * The discovery cache goes to the temp dir too, so nothing is written to ~/.kube.
 */
export async function withKubectl<T>(input: ClusterState | KubeObject[], fn: (kubectl: Kubectl, server: StubServer) => Promise<T>): Promise<T> {
  const server = await startStubServer(input);
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-stub-'));
  try {
    const kubeconfig = writeKubeconfig(dir, server.url);
    const kubectl: Kubectl = (args, opts = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], {
          env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, NO_COLOR: '1', ...opts.env },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
        child.stdin.end(opts.input ?? '');
      });
    return await fn(kubectl, server);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The spec of a SelfSubjectRulesReview kubectl sent: JSON, or protobuf in the "k8s\0" envelope (runtime.Unknown,
 * raw = field 2; the review's spec = field 2; its namespace = field 1).
 */
function reviewRequest(body: Buffer): { spec?: { namespace?: string } } {
  if (body[0] === 0x7b) return JSON.parse(body.toString('utf8')) as { spec?: { namespace?: string } };
  const field = (buf: Buffer, want: number): Buffer | undefined => {
    let i = 0;
    const varint = () => {
      let v = 0;
      let shift = 0;
      for (;;) {
        const b = buf[i++];
        v += (b & 0x7f) * 2 ** shift;
        shift += 7;
        if (b < 0x80) return v;
      }
    };
    while (i < buf.length) {
      const tag = varint();
      const wire = tag & 7;
      if (wire === 0) varint();
      else if (wire === 2) {
        const n = varint();
        if (tag >>> 3 === want) return buf.subarray(i, i + n);
        i += n;
      } else return undefined;
    }
    return undefined;
  };
  const raw = field(body.subarray(4), 2);
  const spec = raw && field(raw, 2);
  const ns = spec && field(spec, 1);
  return { spec: { namespace: ns ? ns.toString('utf8') : '' } };
}

/** Runs fn over items, at most width at a time, answers in the items' order (kubectl runs against the stub overlap). */
export async function pool<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
