// The fidelity suite: a broad scenario (the lesson manifests, workloads, a rollout, services of every type,
// ConfigMaps, Secrets, an RC, Ingress and IngressClass, NetworkPolicies, an init-container pod, Jobs, CronJobs,
// StatefulSets, DaemonSets, HPA, PDB, RBAC) built by kubesim, then hundreds of read commands run by kubesim and by
// the real kubectl v1.32 against kubesim's own objects through the stub API server. Only ages are masked (kubectl
// measures them against the wall clock, kubesim against its fixed one).
//
// The stub serves plain lists, never server-side Tables, so kubectl prints its fallback NAME/AGE table for `get`
// without -o: table cells are not compared here (test/printers covers them). What kubectl formats client-side is:
// -o yaml/json/name/jsonpath/custom-columns, --sort-by row order, describe, and the errors.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { readState } from '../../src/store/store.js';
import { RESOURCES } from '../../src/api/resources.js';
import { listObjects } from '../../src/store/objects.js';
import { ROOT } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { pool, skipWithoutKubectl, withKubectl, type Kubectl, type KubectlResult } from '../support/stub-apiserver.js';

const NOW = '2026-11-22T01:30:00Z';

/**
 * Commands whose output may differ, with the reason. The only accepted reason is kubectl's own nondeterminism
 * (Go's random map order), so these may also come out equal on a given run.
 */
const MAP_ORDER: { pattern: RegExp; reason: string }[] = [
  // describe ranges over ConfigMap/Secret data (a Go map) for the Data section, so keys come in random order.
  { pattern: /^describe (configmaps|secrets)( |$)/, reason: 'kubectl prints ConfigMap and Secret data keys in Go map order' },
];
const knownReason = (cmd: string) => MAP_ORDER.find((m) => m.pattern.test(cmd))?.reason;

let c: InProcessCluster;
let objects: { resource: string; namespaced: boolean; obj: KubeObject }[] = [];

async function ok(args: string[]): Promise<void> {
  const r = await c.run(args);
  assert.equal(r.code, 0, `kubesim ${args.join(' ')}: ${r.stderr}`);
}

before(async () => {
  c = inProcessCluster({ now: NOW, seed: 16 });
  const lessons = join(ROOT, 'manifests/lessons');
  await ok(['apply', '-f', join(ROOT, 'manifests')]);
  for (const f of ['pod-networking.yaml', 'kubia-rc.yaml', 'kubia-named-ports.yaml', 'kubia-loadbalancer.yaml', 'external-service.yaml', 'kubia-multiport.yaml', 'kubia-client-ip.yaml']) {
    await ok(['apply', '-f', join(lessons, f)]);
  }
  await ok(['apply', '-f', join(ROOT, 'manifests/workloads')]);
  await ok(['apply', '-f', join(ROOT, 'test/fidelity/scenario.yaml')]);
  await ok(['create', 'deployment', 'kubia', '--image=luksa/kubia:1', '--replicas=3', '--port=8080']);
  await ok(['set', 'image', 'deployment/kubia', 'kubia=luksa/kubia:2']);
  await ok(['rollout', 'status', 'deployment/kubia']);
  await ok(['expose', 'deployment', 'kubia', '--name=kubia-lb', '--type=LoadBalancer', '--port=80', '--target-port=8080']);
  await ok(['create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi']);
  await ok(['label', 'pods', '--all', 'tier=lab']);
  const state = readState(c.state)!;
  for (const info of RESOURCES) for (const obj of listObjects(state, info.resource)) objects.push({ resource: info.resource, namespaced: info.namespaced, obj });
});
after(() => c?.cleanup());

/** Ages as Go prints them (5s, 3m2s, 14d, 2y30d), standing alone as a table cell or describe value. */
const AGE = /(?<=^|\s{2}|\t)(?:\d+[smhdy]){1,2}(?: \(x\d+ over (?:\d+[smhdy]){1,2}\))?(?=\s{2}|\t|$)|<unknown>|<invalid>/gm;

/**
 * Masks ages, and since an age's width moves its column, the padding of lines that hold one (and of the header
 * and rule lines above an Age column); klog headers lose their time and pid.
 */
function mask(r: KubectlResult): string {
  const lines = r.stdout.replace(AGE, 'AGE').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const header = /\bAge\b|\bAGE\b/.test(lines[i]);
    const rule = i > 0 && /^\s*-+(\s+-+)+\s*$/.test(lines[i]) && /\bAge\b/.test(lines[i - 1]);
    if (header || rule) lines[i] = lines[i].replace(/ {2,}/g, '  ').replace(/\s+$/, '');
  }
  return `${r.code}\n${lines.join('\n')}\n${r.stderr.replace(/^([EFWI])\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+ /gm, '$1 ')}`;
}

function commands(): string[][] {
  const out: string[][] = [];
  const types = new Set<string>();
  for (const { resource, namespaced, obj } of objects) {
    types.add(resource);
    const ns = namespaced ? ['-n', obj.metadata.namespace!] : [];
    const name = obj.metadata.name;
    if (resource === 'events' || resource === 'leases' || resource === 'controllerrevisions' || resource === 'endpointslices') continue;
    out.push(['describe', resource, name, ...ns]);
    out.push(['get', resource, name, ...ns, '-o', 'yaml']);
    if (resource === 'pods' || resource === 'services' || resource === 'networkpolicies') out.push(['get', resource, name, ...ns, '-o', 'json']);
  }
  for (const t of types) {
    if (t === 'events') continue;
    out.push(['get', t, '-A', '-o', 'name']);
    out.push(['get', t, '-A', '-o', 'custom-columns=NAME:.metadata.name,NS:.metadata.namespace,LABELS:.metadata.labels']);
    out.push(['get', t, '-A', '-o', 'jsonpath={range .items[*]}{.kind}/{.metadata.name}{"\\n"}{end}']);
    out.push(['get', t, '-A', '--sort-by=.metadata.name', '-o', 'name']);
  }
  out.push(
    ['get', 'all', '-o', 'name'],
    ['get', 'all', '-A', '-o', 'name'],
    ['get', 'all', '-o', 'yaml'],
    ['get', 'pods,svc,deploy', '-o', 'name'],
    ['get', 'pods,svc', '-A', '-o', 'json'],
    ['get', 'netpol', '-o', 'yaml'],
    ['get', 'netpol', '-o', 'jsonpath={.items[*].spec.policyTypes}'],
    ['get', 'pods', '-A', '--sort-by=.spec.nodeName', '-o', 'name'],
    ['get', 'pods', '-A', '--sort-by=.status.podIP', '-o', 'name'],
    ['get', 'pods', '-A', '--sort-by=.metadata.creationTimestamp', '-o', 'name'],
    ['get', 'pods', '-A', '--sort-by=.status.containerStatuses[0].restartCount', '-o', 'name'],
    ['get', 'pods', '-A', '--sort-by=.spec.containers[0].resources.requests.cpu', '-o', 'name'],
    ['get', 'pods', '-A', '--sort-by=.metadata.labels.tier', '-o', 'custom-columns=N:.metadata.name'],
    ['get', 'svc', '-A', '--sort-by=.spec.clusterIP', '-o', 'name'],
    ['get', 'svc', '-A', '--sort-by=.spec.type', '-o', 'name'],
    ['get', 'svc', '-A', '--sort-by=.spec.ports[0].port', '-o', 'name'],
    ['get', 'nodes', '--sort-by=.status.capacity.memory', '-o', 'name'],
    ['get', 'pods', '--sort-by=.metadata.nosuch', '-o', 'name'],
    ['get', 'pods', '--sort-by=.spec', '-o', 'name'],
    ['get', 'pods', '-o', 'jsonpath={.items[*].status.initContainerStatuses}'],
    ['get', 'pod', 'init-demo', '-o', 'jsonpath={.status.initContainerStatuses[0].state}'],
    ['get', 'pods', '-l', 'app=kubia', '-o', 'name'],
    ['get', 'pods', '-l', 'app in (kubia,demo)', '-A', '-o', 'name'],
    ['get', 'pods', '-l', 'bad (', '-o', 'name'],
    ['get', 'pods', '-l', 'a=b=c'],
    ['get', 'pods', '-l', '!!x'],
    ['get', 'pods', '--field-selector', 'status.phase=Running', '-A', '-o', 'name'],
    ['get', 'pods', '--field-selector', 'spec.nosuch=x'],
    ['get', 'pods', '--field-selector', 'nonsense'],
    ['get', 'svc', '--field-selector', 'spec.type=NodePort', '-o', 'name'],
    ['get', 'pods,svc', '-l', 'bad ('],
    ['get', 'deploy', '-l', 'x in (a', '-o', 'yaml'],
    ['get', 'pods', '-l', 'bad (', '--field-selector', 'status.phase=Running'],
    ['get', 'pods', '-l', 'app=kubia', '--field-selector', 'nonsense'],
    ['get', 'all', '--sort-by=.spec.replicas', '-o', 'name'],
    ['get', 'all', '--sort-by=.metadata.name', '-o', 'name'],
    ['get', 'pods,deploy', '--sort-by=.metadata.creationTimestamp', '-o', 'name'],
    ['get', 'cm', '-A', '--sort-by=.data', '-o', 'name'],
    ['get', 'hpa', '-o', 'yaml'],
    ['get', 'pod', 'nosuch'],
    ['get', 'pods', 'nosuch', 'kiada', '-o', 'name'],
    ['get', 'nosuchtype'],
    ['describe', 'pod', 'nosuch'],
    ['describe', 'pods', '-l', 'bad ('],
    ['describe', 'pods,svc', '-l', 'x in (a'],
    ['describe', 'pods', '-l', 'app=kubia'],
    ['describe', 'pod', 'slow-init'],
    ['describe', 'pods'],
    ['describe', 'configmaps'],
    ['describe', 'secrets'],
    ['describe', 'netpol'],
    ['describe', 'ingress'],
    ['get', 'deploy', 'kubia', '-o', 'jsonpath={.spec.template.spec.containers[*].image}'],
    ['get', 'rs', '-o', 'custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,REV:.metadata.annotations.deployment\\.kubernetes\\.io/revision'],
    ['get', 'secret', 'tls-secret', '-o', 'jsonpath={.data.user}'],
    ['get', 'cm', 'settings', '-o', 'jsonpath={.data}'],
    ['get', 'ingress', 'kubia', '-o', 'jsonpath={.spec.rules[0].http.paths[*].backend.service.name}'],
    ['get', 'nodes', '-o', 'jsonpath={.items[*].status.addresses[?(@.type=="InternalIP")].address}'],
  );
  return out;
}

test('kubesim prints what the real kubectl prints for 400+ read commands on a broad scenario', { skip: skipWithoutKubectl(), timeout: 600_000 }, async () => {
  const cmds = commands();
  assert.ok(cmds.length >= 400, `only ${cmds.length} commands`);
  const t0 = Date.now();
  const mine: KubectlResult[] = [];
  for (const args of cmds) mine.push(await c.run(args));
  const t1 = Date.now();
  const state = readState(c.state)!;
  const real = await withKubectl(state, (kubectl: Kubectl) => pool(cmds, 4, (args) => kubectl(args)));
  if (process.env.FIDELITY_REPORT) console.log(`kubesim ${t1 - t0} ms, kubectl ${Date.now() - t1} ms for ${cmds.length} commands`);
  const differing: { cmd: string; diff: string }[] = [];
  let equal = 0;
  for (let i = 0; i < cmds.length; i++) {
    const a = mask(mine[i]);
    const b = mask(real[i]);
    if (a === b) equal++;
    else differing.push({ cmd: cmds[i].join(' '), diff: firstDifference(a, b) });
  }
  const unexplained = differing.filter((d) => knownReason(d.cmd) === undefined);
  if (process.env.FIDELITY_REPORT) for (const d of differing) console.log(`--- ${d.cmd}\n${d.diff}`);
  assert.deepEqual(unexplained.map((d) => `${d.cmd}\n${d.diff}`), [], `${equal}/${cmds.length} equal`);
  assert.ok(equal / cmds.length >= 0.99, `${equal}/${cmds.length} equal`);
});

function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `  line ${i}:\n  kubesim: ${JSON.stringify(x[i])}\n  kubectl: ${JSON.stringify(y[i])}`;
  }
  return '';
}
