// StatefulSets and DaemonSets as a user sees them: ordered pods with stable names and DNS, scale-down from the
// top, rolling updates with a partition, one daemon pod per eligible node, kubectl's columns, rollout status
// lines and describe (compared with the real kubectl through the stub API server).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { readState } from '../../src/store/store.js';
import { assertRefused, inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';
import { ROOT } from '../support/cli.js';

const T0 = '2026-12-01T10:00:00Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString().replace('.000Z', 'Z');
const WEB = join(ROOT, 'manifests', 'workloads', 'web-statefulset.yaml');
const DS = join(ROOT, 'manifests', 'workloads', 'node-exporter-daemonset.yaml');

let c: InProcessCluster;
beforeEach(() => {
  c = inProcessCluster({ now: T0 });
});
afterEach(() => c.cleanup());

const run = async (args: string[], seconds = 0, input?: string) => {
  const r = await c.run(args, { env: { KUBESIM_NOW: at(seconds) }, input });
  return r;
};
const ok = async (args: string[], seconds = 0, input?: string) => {
  const r = await run(args, seconds, input);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const file = (name: string, text: string) => {
  const p = join(c.dir, name);
  writeFileSync(p, text);
  return p;
};

test('web-0..2 start in order: each is created only once the one before is Running and Ready', async () => {
  assert.equal(await ok(['apply', '-f', WEB]), 'service/nginx created\nstatefulset.apps/web created\n');
  // The readiness probe waits 5 s: at first only web-0 exists, not ready.
  assert.match(await ok(['get', 'pods']), /^NAME +READY +STATUS +RESTARTS +AGE\nweb-0 +0\/1 +Running +0 +0s\n$/);
  assert.match(await ok(['get', 'sts']), /^NAME +READY +AGE\nweb +0\/3 +0s\n$/);
  // 7 s later web-0 has been ready for 2 s and web-1 was created when it became ready.
  assert.match(await ok(['get', 'pods'], 7), /^NAME +READY +STATUS +RESTARTS +AGE\nweb-0 +1\/1 +Running +0 +7s\nweb-1 +0\/1 +Running +0 +2s\n$/);
  const later = await ok(['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,CREATED:.metadata.creationTimestamp,HOST:.spec.hostname,SUB:.spec.subdomain,INDEX:.metadata.labels.apps\\.kubernetes\\.io/pod-index'], 30);
  assert.equal(
    later,
    'NAME    CREATED                HOST    SUB     INDEX\n' +
      `web-0   ${at(0)}   web-0   nginx   0\n` +
      `web-1   ${at(5)}   web-1   nginx   1\n` +
      `web-2   ${at(10)}   web-2   nginx   2\n`,
  );
  assert.match(await ok(['get', 'sts', '-o', 'wide'], 30), /^NAME +READY +AGE +CONTAINERS +IMAGES\nweb +3\/3 +30s +nginx +nginx:1\.27\n$/);
  const events = await ok(['get', 'events', '--field-selector', 'involvedObject.kind=StatefulSet', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message,FROM:.source.component,AT:.firstTimestamp'], 30);
  assert.equal(
    events,
    'REASON             MESSAGE                                          FROM                     AT\n' +
      `SuccessfulCreate   create Pod web-0 in StatefulSet web successful   statefulset-controller   ${at(0)}\n` +
      `SuccessfulCreate   create Pod web-1 in StatefulSet web successful   statefulset-controller   ${at(5)}\n` +
      `SuccessfulCreate   create Pod web-2 in StatefulSet web successful   statefulset-controller   ${at(10)}\n`,
  );
  const status = JSON.parse(await ok(['get', 'sts', 'web', '-o', 'jsonpath={.status}'], 30));
  const rev = status.updateRevision;
  assert.match(rev, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.deepEqual(status, { availableReplicas: 3, collisionCount: 0, currentReplicas: 3, currentRevision: rev, observedGeneration: 1, readyReplicas: 3, replicas: 3, updateRevision: rev, updatedReplicas: 3 });
  assert.equal(await ok(['get', 'pod', 'web-1', '-o', 'jsonpath={.metadata.labels}'], 30), JSON.stringify({ app: 'nginx', 'apps.kubernetes.io/pod-index': '1', 'controller-revision-hash': rev, 'statefulset.kubernetes.io/pod-name': 'web-1' }));
  assert.match(await ok(['get', 'controllerrevisions'], 30), new RegExp(`^NAME +CONTROLLER +REVISION +AGE\\n${rev} +statefulset.apps/web +1 +30s\\n$`));
});

test('web-1.nginx resolves to web-1 through the headless Service, from a pod', async () => {
  await ok(['apply', '-f', WEB]);
  const ip = await ok(['get', 'pod', 'web-1', '-o', 'jsonpath={.status.podIP}'], 30);
  assert.match(ip, /^10\.244\.\d+\.\d+$/);
  const short = await run(['run', 'dns', '--rm', '-i', '--restart=Never', '--image=busybox:1.36', '--', 'nslookup', 'web-1.nginx'], 30);
  assert.equal(short.code, 0, short.stderr);
  assert.match(short.stdout, new RegExp(`^Server:\\t\\t10\\.96\\.0\\.10\\nAddress:\\t10\\.96\\.0\\.10:53\\n\\nName:\\tweb-1\\.nginx\\.default\\.svc\\.cluster\\.local\\nAddress: ${ip.replace(/\./g, '\\.')}\\n`));
  await ok(['run', 'client', '--image=busybox:1.36', '--', 'sleep', '3600'], 30);
  const full = await ok(['exec', 'client', '--', 'nslookup', 'web-1.nginx.default.svc.cluster.local'], 31);
  assert.match(full, new RegExp(`Name:\\tweb-1\\.nginx\\.default\\.svc\\.cluster\\.local\\nAddress: ${ip.replace(/\./g, '\\.')}\\n`));
  // A pod that is not ready yet has no record; an ordinal that does not exist neither.
  await ok(['scale', 'sts', 'web', '--replicas=4'], 32);
  const pending = await run(['exec', 'client', '--', 'nslookup', 'web-3.nginx'], 33);
  assert.equal(pending.code, 1);
  assert.match(pending.stdout, /\*\* server can't find web-3\.nginx: NXDOMAIN/);
  const after = await run(['exec', 'client', '--', 'nslookup', 'web-3.nginx'], 40);
  assert.equal(after.code, 0, after.stdout);
});

test('scale down removes the highest ordinals first; Parallel creates every pod at once', async () => {
  await ok(['apply', '-f', WEB]);
  assert.equal(await ok(['scale', 'sts', 'web', '--replicas=1'], 30), 'statefulset.apps/web scaled\n');
  assert.equal(await ok(['get', 'pods', '-o', 'name'], 30), 'pod/web-0\n');
  const deleted = await ok(['get', 'events', '--field-selector', 'reason=SuccessfulDelete', '-o', 'custom-columns=MESSAGE:.message', '--no-headers'], 30);
  assert.equal(deleted, 'delete Pod web-2 in StatefulSet web successful\ndelete Pod web-1 in StatefulSet web successful\n');
  const parallel = (await import('node:fs')).readFileSync(WEB, 'utf8').replace('name: web\nspec:', 'name: db\nspec:\n  podManagementPolicy: Parallel').replace(/app: nginx/g, 'app: db');
  await ok(['apply', '-f', file('db.yaml', parallel)], 31);
  assert.match(await ok(['get', 'pods', '-l', 'app=db'], 31), /^NAME .*\ndb-0 +0\/1 +Running +0 +0s\ndb-1 +0\/1 +Running +0 +0s\ndb-2 +0\/1 +Running +0 +0s\n$/);
});

test('a rolling update with a partition updates only the ordinals at or above it, highest first', async () => {
  const text = (await import('node:fs')).readFileSync(WEB, 'utf8');
  await ok(['apply', '-f', WEB]);
  await ok(['rollout', 'status', 'sts/web'], 30);
  const first = await ok(['get', 'sts', 'web', '-o', 'jsonpath={.status.currentRevision}'], 30);
  const partitioned = text.replace('replicas: 3', 'replicas: 3\n  updateStrategy:\n    rollingUpdate:\n      partition: 1').replace('nginx:1.27', 'nginx:1.28');
  await ok(['apply', '-f', file('web2.yaml', partitioned)], 30);
  const status = await run(['rollout', 'status', 'sts/web'], 30);
  assert.equal(status.code, 0, status.stderr);
  // web-2 is replaced, then web-1 the moment web-2 is ready: one pod is always on its way to ready.
  assert.equal(status.stdout, 'Waiting for 1 pods to be ready...\npartitioned roll out complete: 2 new pods have been updated...\n');
  const images = await ok(['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image,CREATED:.metadata.creationTimestamp', '--no-headers']);
  const rows = images.trim().split('\n').map((l) => l.split(/ +/));
  assert.deepEqual(rows.map((r) => r.slice(0, 2)), [['web-0', 'nginx:1.27'], ['web-1', 'nginx:1.28'], ['web-2', 'nginx:1.28']]);
  assert.ok(rows[2][2] < rows[1][2], 'web-2 was replaced before web-1');
  const st = JSON.parse(await ok(['get', 'sts', 'web', '-o', 'jsonpath={.status}']));
  assert.equal(st.currentRevision, first);
  assert.notEqual(st.updateRevision, first);
  assert.equal(st.updatedReplicas, 2);
  assert.equal(st.currentReplicas, 1);
  // Both templates are kept as ControllerRevisions: the history kubectl shows.
  assert.equal(await ok(['rollout', 'history', 'sts/web']), 'statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
  assert.match(await ok(['rollout', 'history', 'sts/web', '--revision=2']), /^statefulset\.apps\/web with revision #2\nPod Template:\n  Labels:\tapp=nginx\n  Containers:\n   nginx:\n    Image:\tnginx:1\.28\n/);
  assert.match(await ok(['get', 'controllerrevisions', '-l', 'app=nginx', '-o', 'custom-columns=NAME:.metadata.name,REV:.revision,HASH:.metadata.labels.controller\\.kubernetes\\.io/hash', '--no-headers']), new RegExp(`^${first} +1 +${first.slice(4)}\n${st.updateRevision} +2 +${st.updateRevision.slice(4)}\n$`));
});

test('bad StatefulSets are refused with the API server message and leave the state alone', async () => {
  await ok(['get', 'pods']);
  const bad = file(
    'bad.yaml',
    'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: bad\nspec:\n  serviceName: x\n  selector:\n    matchLabels:\n      app: a\n  template:\n    metadata:\n      labels:\n        app: b\n    spec:\n      containers:\n      - name: c\n        image: nginx\n',
  );
  await assertRefused(c, ['apply', '-f', bad], {
    stderr: `The StatefulSet "bad" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: \`selector\` does not match template \`labels\`\n`,
  });
  await assertRefused(c, ['rollout', 'status', 'sts/nosuch'], { stderr: 'Error from server (NotFound): statefulsets.apps "nosuch" not found\n' });
});

test('a DaemonSet runs one pod per worker, and on the control plane too when it tolerates the taint', async () => {
  const text = (await import('node:fs')).readFileSync(DS, 'utf8');
  const workersOnly = text.replace(/ {6}tolerations:\n(.*\n){3}/, '').replace(/node-agent/g, 'workers-only');
  assert.ok(!workersOnly.includes('tolerations'));
  assert.equal(await ok(['apply', '-f', file('w.yaml', workersOnly)]), 'daemonset.apps/workers-only created\n');
  assert.equal(await ok(['apply', '-f', DS]), 'daemonset.apps/node-agent created\n');
  const nodes = async (app: string) => (await ok(['get', 'pods', '-l', `app=${app}`, '-o', 'custom-columns=NODE:.spec.nodeName', '--no-headers'])).trim().split('\n').sort();
  assert.deepEqual(await nodes('workers-only'), ['kind-worker', 'kind-worker2', 'kind-worker3']);
  assert.deepEqual(await nodes('node-agent'), ['kind-control-plane', 'kind-worker', 'kind-worker2', 'kind-worker3']);
  assert.match(
    await ok(['get', 'ds', '-o', 'wide']),
    /^NAME +DESIRED +CURRENT +READY +UP-TO-DATE +AVAILABLE +NODE SELECTOR +AGE +CONTAINERS +IMAGES +SELECTOR\nnode-agent +4 +4 +4 +4 +4 +<none> +0s +agent +nginx:1\.27 +app=node-agent\nworkers-only +3 +3 +3 +3 +3 +<none> +0s +agent +nginx:1\.27 +app=workers-only\n$/,
  );
  // Each pod is pinned to its node by a required node affinity on metadata.name, and tolerates what the
  // controller adds.
  const pod = JSON.parse(await ok(['get', 'pods', '-l', 'app=workers-only', '--field-selector', 'spec.nodeName=kind-worker', '-o', 'jsonpath={.items[0]}']));
  assert.match(pod.metadata.name, /^workers-only-[a-z0-9]{5}$/);
  assert.deepEqual(pod.spec.affinity, { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['kind-worker'] }] }] } } });
  assert.deepEqual(
    pod.spec.tolerations.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`),
    ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule'],
  );
  assert.equal(pod.metadata.labels['pod-template-generation'], '1');
  assert.equal(await ok(['rollout', 'status', 'ds/node-agent']), 'daemon set "node-agent" successfully rolled out\n');
  // A nodeSelector narrows it to the labelled node; the others' pods go.
  await ok(['label', 'node', 'kind-worker2', 'disk=ssd'], 1);
  await ok(['apply', '-f', file('w2.yaml', workersOnly.replace('    spec:\n', '    spec:\n      nodeSelector:\n        disk: ssd\n'))], 1);
  assert.deepEqual(await nodes('workers-only'), ['kind-worker2']);
  assert.match(await ok(['get', 'ds', 'workers-only'], 1), /^NAME .*\nworkers-only +1 +1 +1 +1 +1 +disk=ssd +1s\n$/);
});

test('a DaemonSet rolls a new template out one node at a time', async () => {
  await ok(['apply', '-f', DS]);
  const text = (await import('node:fs')).readFileSync(DS, 'utf8').replace('nginx:1.27', 'nginx:1.28').replace('      containers:', '      containers:').replace('image: nginx:1.28', 'image: nginx:1.28\n        readinessProbe:\n          tcpSocket:\n            port: 80\n          initialDelaySeconds: 3');
  await ok(['apply', '-f', file('ds2.yaml', text)], 10);
  assert.equal(await ok(['get', 'ds', 'node-agent', '-o', 'jsonpath={.metadata.annotations.deprecated\\.daemonset\\.template\\.generation}'], 10), '2');
  const r = await run(['rollout', 'status', 'ds/node-agent'], 10);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'Waiting for daemon set "node-agent" rollout to finish: 1 out of 4 new pods have been updated...\n' +
      'Waiting for daemon set "node-agent" rollout to finish: 2 out of 4 new pods have been updated...\n' +
      'Waiting for daemon set "node-agent" rollout to finish: 3 out of 4 new pods have been updated...\n' +
      'Waiting for daemon set "node-agent" rollout to finish: 3 of 4 updated pods are available...\n' +
      'daemon set "node-agent" successfully rolled out\n',
  );
  const created = (await ok(['get', 'pods', '-o', 'custom-columns=C:.metadata.creationTimestamp', '--no-headers'])).trim().split('\n').sort();
  assert.deepEqual(created, [at(10), at(13), at(16), at(19)]);
});

test('the real kubectl describes the StatefulSet and the DaemonSet as kubesim does (stub API server)', { skip: skipWithoutKubectl() }, async () => {
  const withClaims = (await import('node:fs')).readFileSync(WEB, 'utf8').replace(
    '          initialDelaySeconds: 5\n',
    '          initialDelaySeconds: 5\n        volumeMounts:\n        - name: www\n          mountPath: /usr/share/nginx/html\n  volumeClaimTemplates:\n  - metadata:\n      name: www\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n',
  );
  await ok(['apply', '-f', file('web.yaml', withClaims)]);
  await ok(['apply', '-f', DS]);
  // A write at 30 s saves the cluster as it is then, for the stub API server to serve.
  await ok(['label', 'pod', 'web-0', 'seen=yes'], 30);
  const head = (text: string) => text.slice(0, text.indexOf('\nEvents:'));
  await withKubectl(readState(c.state)!, async (kubectl) => {
    for (const target of [['statefulset', 'web'], ['daemonset', 'node-agent']]) {
      const theirs = await kubectl(['describe', ...target]);
      assert.equal(theirs.code, 0, theirs.stderr);
      const ours = await ok(['describe', ...target], 30);
      assert.equal(head(ours), head(theirs.stdout));
      assert.match(ours, /\nEvents:\n  Type +Reason +Age +From +Message\n/);
    }
  });
});

test('rollout restart replaces a StatefulSet\'s pods from the highest ordinal down, and a DaemonSet\'s node by node', async () => {
  await ok(['apply', '-f', WEB]);
  await ok(['apply', '-f', DS]);
  assert.equal(await ok(['rollout', 'restart', 'sts/web', 'ds/node-agent'], 60), 'statefulset.apps/web restarted\ndaemonset.apps/node-agent restarted\n');
  assert.equal(await ok(['rollout', 'status', 'sts/web'], 60), 'Waiting for 1 pods to be ready...\npartitioned roll out complete: 3 new pods have been updated...\n');
  const created = await ok(['get', 'pods', '-l', 'app=nginx', '-o', 'custom-columns=NAME:.metadata.name,CREATED:.metadata.creationTimestamp', '--no-headers'], 60);
  assert.deepEqual(created.trim().split('\n').map((l) => l.split(/ +/)), [['web-0', at(70)], ['web-1', at(65)], ['web-2', at(60)]]);
  assert.equal(await ok(['rollout', 'status', 'ds/node-agent'], 60), 'daemon set "node-agent" successfully rolled out\n');
  // OnDelete: nothing rolls by itself, and kubectl has no status to watch.
  const onDelete = (await import('node:fs')).readFileSync(WEB, 'utf8').replace('replicas: 3', 'replicas: 3\n  updateStrategy:\n    type: OnDelete');
  // Switching the applied set to OnDelete keeps the defaulted rollingUpdate, which the API server refuses.
  await assertRefused(c, ['apply', '-f', file('od.yaml', onDelete)], {
    stderr:
      'The StatefulSet "web" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: &apps.RollingUpdateStatefulSetStrategy{Partition:0, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy \'RollingUpdate\'\n',
    stdout: 'service/nginx unchanged\n',
  }, { env: { KUBESIM_NOW: at(61) } });
  await ok(['apply', '-f', file('od2.yaml', onDelete.replace('kind: StatefulSet\nmetadata:\n  name: web', 'kind: StatefulSet\nmetadata:\n  name: od').replace(/app: nginx/g, 'app: od'))], 61);
  await assertRefused(c, ['rollout', 'status', 'sts/od'], { stderr: 'error: rollout status is only available for RollingUpdate strategy type\n' }, { env: { KUBESIM_NOW: at(61) } });
});

test('StatefulSets and DaemonSets with fields of the wrong type or value are refused cleanly, the state unchanged', async () => {
  const { existsSync, readFileSync } = await import('node:fs');
  await ok(['get', 'pods']);
  const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'f' }, spec: { serviceName: 'f', replicas: 1, selector: { matchLabels: { app: 'f' } }, template: { metadata: { labels: { app: 'f' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
  const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'f' }, spec: { selector: { matchLabels: { app: 'f' } }, template: { metadata: { labels: { app: 'f' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
  const set = (o: object, path: string, v: unknown) => {
    const c = structuredClone(o) as Record<string, unknown>;
    const parts = path.split('.');
    let at = c;
    for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
    at[parts[parts.length - 1]] = v;
    return c;
  };
  const cases: [object, string, unknown][] = [
    [sts, 'spec.replicas', 'x'], [sts, 'spec.replicas', -1], [sts, 'spec.replicas', 1.5], [sts, 'spec.serviceName', 5],
    [sts, 'spec.podManagementPolicy', 'Random'], [sts, 'spec.updateStrategy', 'x'], [sts, 'spec.updateStrategy.type', 'Sideways'],
    [sts, 'spec.updateStrategy.rollingUpdate.partition', -3], [sts, 'spec.updateStrategy.rollingUpdate.partition', 'x'],
    [sts, 'spec.volumeClaimTemplates', 'x'], [sts, 'spec.volumeClaimTemplates', [null]], [sts, 'spec.volumeClaimTemplates', [{ spec: {} }]],
    [sts, 'spec.selector', null], [sts, 'spec.selector.matchLabels', {}], [sts, 'spec.template.metadata.labels', { app: 'g' }],
    [sts, 'spec.template.spec.restartPolicy', 'Never'], [sts, 'spec.template.spec.containers', []], [sts, 'metadata.name', 'Bad_Name'],
    [ds, 'spec.updateStrategy.type', 'Sideways'], [ds, 'spec.updateStrategy.rollingUpdate.maxUnavailable', 0], [ds, 'spec.updateStrategy.rollingUpdate.maxUnavailable', 'lots'],
    [ds, 'spec.updateStrategy.rollingUpdate.maxSurge', true], [ds, 'spec.template.spec.nodeSelector', 'x'], [ds, 'spec.template.spec.tolerations', [{ key: 5 }]],
    [ds, 'spec.selector.matchLabels', { app: 'g' }], [ds, 'spec.minReadySeconds', 'x'],
  ];
  for (const [base, path, value] of cases) {
    const bytes = () => (existsSync(c.state) ? readFileSync(c.state) : undefined);
    const before = bytes();
    const r = await run(['apply', '-f', file('f.json', JSON.stringify(set(base, path, value)))]);
    const what = `${(base as { kind: string }).kind} ${path}=${JSON.stringify(value)}`;
    assert.equal(r.code, 1, `${what} refused: ${r.stdout}`);
    assert.match(r.stderr, /^(Error from server \(BadRequest\): error when creating ".*": \w+ in version "v1" cannot be handled as a \w+: json: |The \w+ "[^"]*" is invalid: )/, what);
    assert.ok(before?.equals(bytes()!), `state unchanged by ${what}`);
  }
});
