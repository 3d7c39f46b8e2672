// The scheduler as a user sees it: what fits runs, what does not stays Pending with kube-scheduler's full
// FailedScheduling message, and affinity, anti-affinity and spreading put pods where a kind cluster would.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertRefused, inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

function message(filter: string, preemption: string): string {
  return `0/4 nodes are available: ${filter}. preemption: 0/4 nodes are available: ${preemption}.`;
}

const clusters: InProcessCluster[] = [];
after(() => clusters.forEach((c) => c.cleanup()));

function cluster(): InProcessCluster {
  const c = inProcessCluster();
  clusters.push(c);
  return c;
}

async function ok(c: InProcessCluster, args: string[], input?: string): Promise<string> {
  const r = await c.run(args, { input });
  assert.equal(r.code, 0, `kubesim ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A pod manifest with one nginx container; `extra` is merged into the spec, `container` into the container. */
function pod(name: string, opts: { labels?: Record<string, string>; spec?: Record<string, unknown>; container?: Record<string, unknown> } = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: opts.labels ?? { app: name } },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27', ...opts.container }], ...opts.spec },
  });
}

function deployment(name: string, replicas: number, spec: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...spec } } },
  });
}

const requests = (r: Record<string, string>) => ({ resources: { requests: r } });

async function jsonpath(c: InProcessCluster, name: string, path: string): Promise<string> {
  return ok(c, ['get', 'pod', name, '-o', `jsonpath=${path}`]);
}

/** NAME -> [STATUS, NODE] from `get pods -o wide`. */
async function placement(c: InProcessCluster): Promise<Map<string, [string, string]>> {
  const out = await ok(c, ['get', 'pods', '-o', 'wide']);
  const rows = out.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
  return new Map(rows.map((r) => [r[0], [r[2], r[6]]]));
}

test('a pod asking for 500Gi of memory stays Pending with the scheduler’s full message', async () => {
  const c = cluster();
  assert.equal(await ok(c, ['apply', '-f', '-'], pod('big', { container: requests({ memory: '500Gi' }) })), 'pod/big created\n');
  assert.match(await ok(c, ['get', 'pods']), /^big\s+0\/1\s+Pending\s+0\s/m);
  const want = message(`${TAINT}, 3 Insufficient memory`, '1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod');
  const described = await ok(c, ['describe', 'pod', 'big']);
  assert.match(described, /^Node:\s+<none>$/m);
  assert.ok(described.includes(`  Warning  FailedScheduling  0s    default-scheduler  ${want}\n`), described);
  assert.equal(await jsonpath(c, 'big', '{.status.conditions[0].reason}: {.status.conditions[0].message}'), `Unschedulable: ${want}`);
});

test('requests add up per node; a freed node takes the waiting pod', async () => {
  const c = cluster();
  for (const n of ['p1', 'p2', 'p3']) await ok(c, ['apply', '-f', '-'], pod(n, { container: requests({ cpu: '5' }) }));
  let at = await placement(c);
  // 5 + 5 cpu is more than a worker's 8: one each.
  assert.deepEqual(new Set(['p1', 'p2', 'p3'].map((n) => at.get(n)![1])), new Set(['kind-worker', 'kind-worker2', 'kind-worker3']));
  await ok(c, ['apply', '-f', '-'], pod('p4', { container: requests({ cpu: '5000m' }) }));
  assert.equal(
    await jsonpath(c, 'p4', '{.status.conditions[0].message}'),
    message(`${TAINT}, 3 Insufficient cpu`, '1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod'),
  );
  // A small pod still fits beside them.
  await ok(c, ['apply', '-f', '-'], pod('small', { container: requests({ cpu: '500m', memory: '128Mi' }) }));
  at = await placement(c);
  assert.equal(at.get('small')![0], 'Running');
  const freed = at.get('p1')![1];
  await ok(c, ['delete', 'pod', 'p1']);
  at = await placement(c);
  assert.deepEqual(at.get('p4'), ['Running', freed]);
  // describe node counts what the pods request against the allocatable 8 cpu, kindnet's 100m included.
  const node = await ok(c, ['describe', 'node', freed]);
  assert.match(node, new RegExp(`^  cpu  +${at.get('small')![1] === freed ? '5600m \\(70%\\)' : '5100m \\(63%\\)'}  +100m \\(1%\\)$`, 'm'));
});

test('limits stand in for requests, init containers count as a maximum, and every shortfall is a reason', async () => {
  const c = cluster();
  await ok(c, ['apply', '-f', '-'], pod('limited', { container: { resources: { limits: { memory: '20Gi' } } } }));
  assert.equal(await jsonpath(c, 'limited', '{.spec.containers[0].resources.requests.memory}'), '20Gi');
  assert.equal(
    await jsonpath(c, 'limited', '{.status.conditions[0].message}'),
    message(`${TAINT}, 3 Insufficient memory`, '1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod'),
  );
  // Two containers of 4500m each need 9 cpu together; an init container of 9 cpu needs 9 before them.
  await ok(c, ['apply', '-f', '-'], pod('pair', { spec: { containers: [{ name: 'a', image: 'nginx:1.27', ...requests({ cpu: '4500m' }) }, { name: 'b', image: 'nginx:1.27', ...requests({ cpu: '4.5' }) }] } }));
  await ok(c, ['apply', '-f', '-'], pod('init', { spec: { initContainers: [{ name: 'prep', image: 'busybox', ...requests({ cpu: '9' }) }] } }));
  for (const n of ['pair', 'init']) {
    assert.equal(
      await jsonpath(c, n, '{.status.conditions[0].message}'),
      message(`${TAINT}, 3 Insufficient cpu`, '1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod'),
      n,
    );
  }
  await ok(c, ['apply', '-f', '-'], pod('both', { container: requests({ cpu: '1e2', memory: '1G', 'ephemeral-storage': '1Ti' }) }));
  assert.equal(
    await jsonpath(c, 'both', '{.status.conditions[0].message}'),
    message(`${TAINT}, 3 Insufficient cpu, 3 Insufficient ephemeral-storage`, '1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod'),
  );
});

test('a quantity that does not parse is refused as the API server refuses it, and nothing is stored', async () => {
  const c = cluster();
  await ok(c, ['get', 'pods']);
  await assertRefused(c, ['apply', '-f', '-'], {
    stderr: `Error from server (BadRequest): error when creating "STDIN": Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n`,
  }, { input: pod('bad', { container: requests({ memory: 'lots' }) }) });
});

test('node affinity: required terms filter, matchFields names a node, preferred terms win the score', async () => {
  const c = cluster();
  await ok(c, ['label', 'node', 'kind-worker2', 'disk=ssd', 'gen=5']);
  await ok(c, ['label', 'node', 'kind-worker3', 'gen=3']);
  const required = (terms: unknown[]) => ({ spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } } });
  await ok(c, ['apply', '-f', '-'], pod('ssd', required([{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }])));
  await ok(c, ['apply', '-f', '-'], pod('newer', required([{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }])));
  await ok(c, ['apply', '-f', '-'], pod('older', required([{ matchExpressions: [{ key: 'gen', operator: 'Lt', values: ['4'] }, { key: 'disk', operator: 'DoesNotExist' }] }])));
  await ok(c, ['apply', '-f', '-'], pod('plain', required([{ matchExpressions: [{ key: 'gen', operator: 'DoesNotExist' }, { key: 'node-role.kubernetes.io/control-plane', operator: 'NotIn', values: [''] }] }])));
  await ok(c, ['apply', '-f', '-'], pod('named', required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['kind-worker3'] }] }])));
  await ok(c, ['apply', '-f', '-'], pod('nowhere', required([{ matchExpressions: [{ key: 'disk', operator: 'Exists' }, { key: 'gen', operator: 'In', values: ['3'] }] }])));
  const preferred = { spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'gen', operator: 'Exists' }] } }, { weight: 50, preference: { matchExpressions: [{ key: 'gen', operator: 'In', values: ['3'] }] } }] } } } };
  for (const n of ['pref1', 'pref2', 'pref3']) await ok(c, ['apply', '-f', '-'], pod(n, preferred));
  const at = await placement(c);
  assert.deepEqual(at.get('ssd'), ['Running', 'kind-worker2']);
  assert.deepEqual(at.get('newer'), ['Running', 'kind-worker2']);
  assert.deepEqual(at.get('older'), ['Running', 'kind-worker3']);
  assert.deepEqual(at.get('plain'), ['Running', 'kind-worker']);
  assert.deepEqual(at.get('named'), ['Running', 'kind-worker3']);
  for (const n of ['pref1', 'pref2', 'pref3']) assert.deepEqual(at.get(n), ['Running', 'kind-worker3'], n);
  assert.deepEqual(at.get('nowhere'), ['Pending', '<none>']);
  assert.equal(
    await jsonpath(c, 'nowhere', '{.status.conditions[0].message}'),
    message(`${TAINT}, 3 node(s) didn't match Pod's node affinity/selector`, '4 Preemption is not helpful for scheduling'),
  );
});

test('pod anti-affinity keeps replicas apart; pod affinity puts a pod beside its peer', async () => {
  const c = cluster();
  const anti = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } } };
  await ok(c, ['apply', '-f', '-'], deployment('web', 4, anti));
  const at = await placement(c);
  const web = [...at].filter(([n]) => n.startsWith('web-'));
  assert.equal(web.length, 4);
  assert.deepEqual(new Set(web.filter(([, v]) => v[0] === 'Running').map(([, v]) => v[1])), new Set(['kind-worker', 'kind-worker2', 'kind-worker3']));
  const pending = web.filter(([, v]) => v[0] === 'Pending');
  assert.equal(pending.length, 1);
  assert.equal(
    await jsonpath(c, pending[0][0], '{.status.conditions[0].message}'),
    message(`${TAINT}, 3 node(s) didn't match pod anti-affinity rules`, '1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod'),
  );
  // The existing web pods' anti-affinity does not select other apps; a pod affine to app=solo waits for one.
  const beside = { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'solo' } }, topologyKey: 'kubernetes.io/hostname' }] } } };
  await ok(c, ['apply', '-f', '-'], pod('follower', { spec: beside }));
  assert.equal(
    await jsonpath(c, 'follower', '{.status.conditions[0].message}'),
    message(`${TAINT}, 3 node(s) didn't match pod affinity rules`, '4 Preemption is not helpful for scheduling'),
  );
  await ok(c, ['apply', '-f', '-'], pod('solo', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'kind-worker2' } } }));
  assert.deepEqual((await placement(c)).get('follower'), ['Running', 'kind-worker2']);
  // A pod that matches its own affinity term may start a group anywhere.
  await ok(c, ['apply', '-f', '-'], pod('first', { labels: { app: 'group' }, spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'group' } }, topologyKey: 'kubernetes.io/hostname' }] } } } }));
  assert.equal((await placement(c)).get('first')![0], 'Running');
});

test('topology spread: the tainted control plane is a domain too unless its taints are honoured', async () => {
  const c = cluster();
  const spread = (policy?: string) => ({
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: policy ? 'honour' : 'ignore' } }, ...(policy ? { nodeTaintsPolicy: policy } : {}) }],
  });
  // nodeTaintsPolicy defaults to Ignore: kind-control-plane counts as an empty domain, so each worker takes one.
  await ok(c, ['apply', '-f', '-'], deployment('ignore', 4, spread()));
  let at = await placement(c);
  const ignore = [...at].filter(([n]) => n.startsWith('ignore-'));
  assert.equal(ignore.filter(([, v]) => v[0] === 'Running').length, 3);
  const waiting = ignore.find(([, v]) => v[0] === 'Pending')!;
  assert.equal(
    await jsonpath(c, waiting[0], '{.status.conditions[0].message}'),
    message(`${TAINT}, 3 node(s) didn't match pod topology spread constraints`, '1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod'),
  );
  await ok(c, ['apply', '-f', '-'], deployment('honour', 5, spread('Honor')));
  at = await placement(c);
  const perNode = new Map<string, number>();
  for (const [n, v] of at) if (n.startsWith('honour-')) perNode.set(v[1], (perNode.get(v[1]) ?? 0) + 1);
  assert.deepEqual([...perNode.values()].sort(), [1, 2, 2]);
  assert.ok(!perNode.has('<none>'));
});

test('a host port taken on every worker leaves the next pod Pending', async () => {
  const c = cluster();
  const port = { ports: [{ containerPort: 80, hostPort: 8080 }] };
  for (const n of ['h1', 'h2', 'h3', 'h4']) await ok(c, ['apply', '-f', '-'], pod(n, { container: port }));
  // Another protocol on the same port is free.
  await ok(c, ['apply', '-f', '-'], pod('udp', { container: { ports: [{ containerPort: 80, hostPort: 8080, protocol: 'UDP' }] } }));
  const at = await placement(c);
  assert.deepEqual(new Set(['h1', 'h2', 'h3'].map((n) => at.get(n)![1])), new Set(['kind-worker', 'kind-worker2', 'kind-worker3']));
  assert.equal(at.get('udp')![0], 'Running');
  assert.equal(
    await jsonpath(c, 'h4', '{.status.conditions[0].message}'),
    message(`${TAINT}, 3 node(s) didn't have free ports for the requested pod ports`, '1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod'),
  );
});

test('spec.nodeName skips the scheduler; the kubelet rejects what does not fit with OutOfcpu', async () => {
  const c = cluster();
  const bound = (name: string, node: string, cpu: string) => pod(name, { spec: { nodeName: node }, container: requests({ cpu }) });
  await ok(c, ['apply', '-f', '-'], [bound('first', 'kind-worker', '5'), bound('second', 'kind-worker', '5'), bound('tainted', 'kind-control-plane', '1')].join('\n'));
  const at = await placement(c);
  assert.deepEqual(at.get('first'), ['Running', 'kind-worker']);
  assert.deepEqual(at.get('second'), ['OutOfcpu', 'kind-worker']);
  // The scheduler never saw these pods: the control plane's taint did not stop one bound there by name.
  assert.deepEqual(at.get('tainted'), ['Running', 'kind-control-plane']);
  const message = "Node didn't have enough resource: cpu, requested: 5000, used: 5100, capacity: 8000";
  assert.equal(await jsonpath(c, 'second', '{.status.phase} {.status.reason} {.status.message}'), `Failed OutOfcpu Pod was rejected: ${message}`);
  const described = await ok(c, ['describe', 'pod', 'second']);
  assert.ok(described.includes(`  Warning  OutOfcpu  0s    kubelet  ${message}\n`), described);
  assert.ok(!described.includes('Scheduled'), described);
  // A rejected pod holds nothing: a pod that fits beside the first still starts there.
  // 5 cpu for the first pod and 100m for kindnet leave 2900m of the node's 8.
  await ok(c, ['apply', '-f', '-'], bound('third', 'kind-worker', '2900m'));
  assert.deepEqual((await placement(c)).get('third'), ['Running', 'kind-worker']);
});

test('preferred pod affinity draws a pod to its peer’s node, preferred anti-affinity keeps it away', async () => {
  const c = cluster();
  await ok(c, ['apply', '-f', '-'], pod('cache', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'kind-worker2' } } }));
  const term = { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' };
  for (const n of ['near1', 'near2', 'near3']) {
    await ok(c, ['apply', '-f', '-'], pod(n, { labels: { app: 'near' }, spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 80, podAffinityTerm: term }] } } } }));
  }
  for (const n of ['far1', 'far2', 'far3', 'far4']) {
    await ok(c, ['apply', '-f', '-'], pod(n, { labels: { app: 'far' }, spec: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 80, podAffinityTerm: term }] } } } }));
  }
  const at = await placement(c);
  for (const n of ['near1', 'near2', 'near3']) assert.deepEqual(at.get(n), ['Running', 'kind-worker2'], n);
  for (const n of ['far1', 'far2', 'far3', 'far4']) assert.notEqual(at.get(n)![1], 'kind-worker2', n);
});

test('required affinity needs one pod matching every term; a spread key missing from a node rules it out', async () => {
  const c = cluster();
  const host = { 'kubernetes.io/hostname': 'kind-worker' };
  await ok(c, ['apply', '-f', '-'], pod('a', { labels: { app: 'a' }, spec: { nodeSelector: host } }));
  await ok(c, ['apply', '-f', '-'], pod('db', { labels: { tier: 'db' }, spec: { nodeSelector: host } }));
  const term = (labels: Record<string, string>) => ({ labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' });
  await ok(c, ['apply', '-f', '-'], pod('both', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'a' }), term({ tier: 'db' })] } } } }));
  assert.equal(
    await jsonpath(c, 'both', '{.status.conditions[0].message}'),
    message(`${TAINT}, 3 node(s) didn't match pod affinity rules`, '4 Preemption is not helpful for scheduling'),
  );
  await ok(c, ['apply', '-f', '-'], pod('ab', { labels: { app: 'a', tier: 'db' }, spec: { nodeSelector: { 'kubernetes.io/hostname': 'kind-worker3' } } }));
  assert.deepEqual((await placement(c)).get('both'), ['Running', 'kind-worker3']);
  // Only two workers carry a zone: the third and the control plane lack the key.
  await ok(c, ['label', 'node', 'kind-worker', 'topology.kubernetes.io/zone=a']);
  await ok(c, ['label', 'node', 'kind-worker2', 'topology.kubernetes.io/zone=b']);
  const zoned = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'z' } } }], tolerations: [{ operator: 'Exists' }] };
  for (const n of ['z1', 'z2', 'z3']) await ok(c, ['apply', '-f', '-'], pod(n, { labels: { app: 'z' }, spec: zoned }));
  const at = await placement(c);
  assert.deepEqual(['z1', 'z2', 'z3'].map((n) => at.get(n)![0]), ['Running', 'Running', 'Running']);
  assert.ok(['z1', 'z2', 'z3'].every((n) => ['kind-worker', 'kind-worker2'].includes(at.get(n)![1])));
  // With the zoned workers' memory taken, the nodes without a zone are left, and the missing key rules them out.
  await ok(c, ['apply', '-f', '-'], pod('fill-a', { spec: { nodeSelector: host }, container: requests({ memory: '2Gi' }) }));
  await ok(c, ['apply', '-f', '-'], pod('fill-b', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'kind-worker2' } }, container: requests({ memory: '2Gi' }) }));
  await ok(c, ['apply', '-f', '-'], pod('zbig', { labels: { app: 'z' }, spec: zoned, container: requests({ memory: '15Gi' }) }));
  assert.equal(
    await jsonpath(c, 'zbig', '{.status.conditions[0].message}'),
    "0/4 nodes are available: 2 Insufficient memory, 2 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
  );
});

test('affinity and spread constraints the API server refuses are refused with its words, and nothing is stored', async () => {
  const c = cluster();
  await ok(c, ['get', 'pods']);
  const bad = pod('v', {
    spec: {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'Equals', values: ['ssd'] }, { key: 'gen', operator: 'Gt', values: [] }] }] } } },
      topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'Never' }],
    },
  });
  const p = 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions';
  await assertRefused(c, ['apply', '-f', '-'], {
    stderr: [
      'The Pod "v" is invalid: ',
      `* ${p}[0].operator: Invalid value: "Equals": not a valid selector operator`,
      `* ${p}[1].values: Required value: must be specified single value when \`operator\` is 'Lt' or 'Gt'`,
      '* spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
      '* spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Never": supported values: "DoNotSchedule", "ScheduleAnyway"',
      '',
    ].join('\n'),
  }, { input: bad });
});
