// `kubesim describe` as a user runs it (the real binary), compared with the real kubectl on the same objects
// where kubectl is installed. Objects are made through the API server code (createObject), so the scheduler,
// the kubelet and their events are kubesim's own, made hours before now so that everything has settled; each
// describe runs with kubesim told the current instant, next to the real kubectl reading the wall clock.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { createObject } from '../../src/cluster/apiserver.js';
import { createCluster } from '../../src/cluster/bootstrap.js';
import { reconcile } from '../../src/cluster/controllers.js';
import type { ClusterState } from '../../src/store/state.js';
import { writeStateAtomic } from '../../src/store/store.js';
import { fixedClock } from '../../src/util/clock.js';
import { Random } from '../../src/util/random.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl, type Kubectl } from '../support/stub-apiserver.js';

const HOUR = 3_600_000;

/**
 * Runs `describe argv` with kubesim (told the current instant) and with the real kubectl (which reads the wall
 * clock) side by side; ages are whole minutes or more here, so only a minute boundary falling between the two
 * runs can part them, and such a mismatch is retried. Returns the difference left, or undefined.
 */
async function compareAtNow(c: InProcessCluster, kubectl: Kubectl, argv: string[], env: NodeJS.ProcessEnv = {}): Promise<string | undefined> {
  let diff: string | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const args = ['describe', ...argv];
    const opts = { env: { ...env, KUBESIM_NOW: new Date().toISOString() } };
    // TZ sets the zone of the process's own Date offsets, which a run inside this process cannot change.
    const ours = env.TZ === undefined ? c.run(args, opts) : Promise.resolve(c.runProcess(args, opts));
    const [mine, real] = await Promise.all([ours, kubectl(args, { env })]);
    if (mine.stdout === real.stdout && mine.stderr === real.stderr && mine.code === real.code) return undefined;
    diff = difference(argv, real, mine);
  }
  return diff;
}

/** The command and its first differing lines, for a readable failure. */
function difference(argv: string[], real: { code: number; stdout: string; stderr: string }, ours: { code: number; stdout: string; stderr: string }): string {
  const a = (real.stdout + real.stderr).split('\n');
  const b = (ours.stdout + ours.stderr).split('\n');
  const lines: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && lines.length < 12; i++) {
    if (a[i] !== b[i]) lines.push(`line ${i + 1}\n  kubectl: ${JSON.stringify(a[i])}\n  kubesim: ${JSON.stringify(b[i])}`);
  }
  return `describe ${argv.join(' ')} (exit kubectl ${real.code}, kubesim ${ours.code})\n${lines.join('\n')}`;
}

function pod(name: string, labels: Record<string, string>, ports: { containerPort: number; name?: string }[] = [{ containerPort: 8080 }]): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: name.split('-')[0], image: 'luksa/kubia:1.0', ports }] } };
}

/** The default cluster plus pods and a service, made three hours before `now`, settled at `now`. */
function buildState(now: Date): ClusterState {
  const created = new Date(now.getTime() - 3 * HOUR);
  const state = createCluster({ name: 'kind', seed: 3, now: created, loadBalancer: true });
  const ctx = { clock: fixedClock(created), random: Random.fromState(state.random) };
  createObject(state, ctx, pod('kiada', { app: 'kiada', rel: 'stable' }, [{ containerPort: 8080, name: 'http' }, { containerPort: 8443, name: 'https' }]), { namespace: 'default' });
  createObject(state, ctx, pod('kiada-canary', { app: 'kiada', rel: 'canary' }), { namespace: 'default' });
  createObject(state, ctx, pod('other', { app: 'other' }), { namespace: 'default' });
  createObject(state, ctx, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } }, { namespace: 'default' });
  createObject(state, ctx, pod('jumpbox', { app: 'jumpbox' }), { namespace: 'dev' });
  createObject(
    state,
    ctx,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kiada' },
      spec: { type: 'ClusterIP', selector: { app: 'kiada' }, clusterIP: '10.96.10.10', clusterIPs: ['10.96.10.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster', sessionAffinity: 'None', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    },
    { namespace: 'default' },
  );
  createObject(
    state,
    ctx,
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-web' }, spec: { podSelector: { matchLabels: { app: 'kiada' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }] } },
    { namespace: 'default' },
  );
  const settle = { clock: fixedClock(now), random: Random.fromState(state.random) };
  reconcile(state, settle);
  state.random = settle.random.state();
  return state;
}

function withState(now: Date): { c: InProcessCluster; state: ClusterState } {
  const state = buildState(now);
  const c = inProcessCluster({ now: now.toISOString() });
  writeStateAtomic(c.state, state, now.getTime());
  return { c, state };
}

test('kubesim describe prints what the real kubectl prints for the same pods, service, node and namespace', { skip: skipWithoutKubectl() }, async () => {
  const commands = [
    ['pod', 'kiada'],
    ['pods'],
    ['pods', 'kia'],
    ['pods', '-A', '-l', 'app'],
    ['pod/jumpbox', '-n', 'dev'],
    ['svc', 'kiada'],
    ['endpoints', 'kubernetes'],
    ['node', 'kind-worker'],
    ['nodes', 'kind-control-plane'],
    ['ns', 'dev'],
    ['deploy', 'coredns', '-n', 'kube-system'],
    ['pods', 'kiada', '--show-events=false'],
    ['pods', 'nosuch'],
    ['pods', 'kiada', 'nosuch', 'other'],
    ['svc', '-n', 'kube-public'],
  ];
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const { c, state } = withState(now);
  try {
    const manifest = join(c.dir, 'objects.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kiada\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: nosuch\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: kind-worker2\n');
    const mismatches: string[] = [];
    await withKubectl(state, async (kubectl) => {
      for (const argv of [...commands, ['-f', manifest], ['-f', manifest, 'pods']]) {
        const diff = await compareAtNow(c, kubectl, argv);
        if (diff) mismatches.push(diff);
      }
    });
    assert.deepEqual(mismatches, []);
  } finally {
    c.cleanup();
  }
});

test('times print in the user\'s time zone (TZ), as kubectl prints them', { skip: skipWithoutKubectl() }, async () => {
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const { c, state } = withState(now);
  try {
    const mismatches: string[] = [];
    await withKubectl(state, async (kubectl) => {
      for (const TZ of ['Asia/Kolkata', 'America/New_York', 'Europe/Paris', 'America/Sao_Paulo', '']) {
        for (const argv of [['pod', 'kiada'], ['node', 'kind-worker'], ['deploy', 'coredns', '-n', 'kube-system'], ['netpol', 'allow-web']]) {
          const diff = await compareAtNow(c, kubectl, argv, { TZ });
          if (diff) mismatches.push(`TZ=${TZ} ${diff}`);
        }
      }
    });
    assert.deepEqual(mismatches, []);
    const r = c.runProcess(['describe', 'node', 'kind-worker'], { env: { TZ: 'Asia/Kolkata' } });
    assert.match(r.stdout, /^CreationTimestamp:  \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0530$/m);
  } finally {
    c.cleanup();
  }
});

test('describe errors: no type, unknown type, missing object, name with a selector', async () => {
  const c = inProcessCluster();
  try {
    let r = await c.run(['describe']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n');
    r = await c.run(['describe', 'foo']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: the server doesn\'t have a resource type "foo"\n');
    r = await c.run(['describe', 'pod', 'nosuch']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'Error from server (NotFound): pods "nosuch" not found\n');
    r = await c.run(['describe', 'deploy/nosuch']);
    assert.equal(r.stderr, 'Error from server (NotFound): deployments.apps "nosuch" not found\n');
    r = await c.run(['describe', 'pods', 'x', '-l', 'app=a']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: name cannot be provided when a selector is specified\n');
    r = await c.run(['describe', 'pods', 'x', '-A']);
    assert.equal(r.stderr, 'error: a resource cannot be retrieved by name across all namespaces\n');
    r = await c.run(['describe', 'pods']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'No resources found in default namespace.\n');
    r = await c.run(['describe', 'pods', '-A', '-l', 'nothing=here']);
    assert.equal(r.stderr, 'No resources found\n');
    r = await c.run(['describe', 'pods', '--show-events=maybe']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: invalid argument "maybe" for "--show-events" flag/);
  } finally {
    c.cleanup();
  }
});

test('describe TYPE separates objects by two blank lines; a name prefix by one, with a trailing one', async () => {
  const now = new Date('2026-11-22T01:30:00Z');
  const { c } = withState(now);
  try {
    const all = await c.run(['describe', 'pods', '--show-events=false']);
    assert.equal(all.code, 0, all.stderr);
    const names = [...all.stdout.matchAll(/^Name:\s+(\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(names, ['kiada', 'kiada-canary', 'other']);
    assert.equal(all.stdout.split('\n\n\nName:').length, 3);
    const prefix = await c.run(['describe', 'pods', 'kiada-', '--show-events=false']);
    assert.equal(prefix.code, 0);
    assert.match(prefix.stdout, /^Name:\s+kiada-canary\n/);
    assert.ok(prefix.stdout.endsWith('op=Exists for 300s\n\n'), JSON.stringify(prefix.stdout.slice(-60)));
    const exact = await c.run(['describe', 'pods', 'kiada', '--show-events=false']);
    assert.equal([...exact.stdout.matchAll(/^Name:/gm)].length, 1, 'an exact name wins over the prefix');
    assert.ok(exact.stdout.endsWith('op=Exists for 300s\n'));
  } finally {
    c.cleanup();
  }
});

const RC = `apiVersion: v1
kind: ReplicationController
metadata:
  name: legacy
spec:
  replicas: 2
  selector:
    app: legacy
  template:
    metadata:
      labels:
        app: legacy
    spec:
      containers:
      - name: main
        image: nginx:1.27
        ports:
        - containerPort: 8080
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
          limits:
            memory: 128Mi
`;

test('after apply, a rollout and expose, kubesim describes the deployment, its ReplicaSet, pods, service, endpoints and slices as kubectl does', { skip: skipWithoutKubectl() }, async () => {
  {
    const now = new Date();
    const created = new Date(now.getTime() - 3 * HOUR);
    const c = inProcessCluster({ now: created.toISOString() });
    try {
      const manifests = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: kubia
  labels:
    app: kubia
spec:
  replicas: 3
  selector:
    matchLabels:
      app: kubia
  template:
    metadata:
      labels:
        app: kubia
    spec:
      containers:
      - name: kubia
        image: luksa/kubia:1.0
        ports:
        - containerPort: 8080
          name: http
        readinessProbe:
          httpGet:
            path: /
            port: http
---
apiVersion: v1
kind: Pod
metadata:
  name: client
  labels:
    app: client
spec:
  containers:
  - name: main
    image: curlimages/curl
    command: ["sleep", "infinity"]
`;
      let r = await c.run(['apply', '-f', '-'], { input: manifests });
      assert.equal(r.code, 0, r.stderr);
      r = await c.run(['expose', 'deployment', 'kubia', '--port', '80', '--target-port', 'http', '--type', 'NodePort']);
      assert.equal(r.code, 0, r.stderr);
      // A rollout a minute later (a second ReplicaSet, the first scaled to zero), a ReplicationController behind
      // a LoadBalancer service.
      const later = { KUBESIM_NOW: new Date(created.getTime() + 60_000).toISOString() };
      r = await c.run(['apply', '-f', '-'], { input: manifests.replace('luksa/kubia:1.0', 'luksa/kubia:2.0'), env: later });
      assert.equal(r.code, 0, r.stderr);
      r = await c.run(['apply', '-f', '-'], { input: RC, env: later });
      assert.equal(r.code, 0, r.stderr);
      r = await c.run(['expose', 'rc', 'legacy', '--port', '80', '--target-port', '8080', '--type', 'LoadBalancer', '--name', 'legacy-lb'], { env: later });
      assert.equal(r.code, 0, r.stderr);
      // Settle at `now` as the describe command will, and serve exactly that to kubectl.
      const state = (await import('../../src/store/store.js')).readState(c.state)!;
      const settle = { clock: fixedClock(now), random: Random.fromState(state.random) };
      reconcile(state, settle);
      state.random = settle.random.state();
      // kubesim then starts from the same settled state (a catch-up reconcile stamps the time it runs at).
      writeStateAtomic(c.state, state, now.getTime());
      const rsName = Object.values(state.objects.view<any>('replicasets') ?? {}).filter((r) => r.metadata.name.startsWith('kubia-'))[0].metadata.name;
      const podNames = Object.values(state.objects.view<any>('pods') ?? {}).filter((p) => p.metadata.name.startsWith('kubia-')).map((p) => p.metadata.name);
      const sliceName = Object.values(state.objects.view<any>('endpointslices') ?? {}).find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'kubia')!.metadata.name;
      assert.equal(podNames.length, 3);
      assert.equal(Object.values(state.objects.view<any>('replicasets') ?? {}).filter((x) => x.metadata.name.startsWith('kubia-')).length, 2);
      const commands = [['rc', 'legacy'], ['svc', 'legacy-lb'], ['rs', '-l', 'app=kubia'], ['deploy', 'kubia'], ['rs', rsName], ['pod', podNames[0]], ['pod', 'client'], ['svc', 'kubia'], ['ep', 'kubia'], ['endpointslice', sliceName], ['pods', '-l', 'app=kubia'], ['nodes'], ['events'], ['events', '-n', 'kube-system'], ['rs', '-n', 'kube-system'], ['pods', '-n', 'kube-system']];
      const mismatches: string[] = [];
      await withKubectl(state, async (kubectl) => {
        for (const argv of commands) {
          const diff = await compareAtNow(c, kubectl, argv);
          if (diff) mismatches.push(diff);
        }
      });
      assert.deepEqual(mismatches, []);
    } finally {
      c.cleanup();
    }
  }
});
