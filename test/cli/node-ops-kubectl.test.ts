// The node and workload verbs of issue 12 against the real kubectl, on the same objects served by the stub API
// server: where kubectl can answer without writing (--dry-run=client, --list, the first editor pass), kubesim's
// stdout, stderr and exit code must be the same. Skipped when kubectl is not installed.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readState } from '../../src/store/store.js';
import { tempCluster, type TempCluster } from '../support/cli.js';
import { skipWithoutKubectl, withKubectl, type Kubectl } from '../support/stub-apiserver.js';

const SKIP = skipWithoutKubectl();

const OBJECTS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  replicas: 1
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - name: main
        image: nginx
        env:
        - {name: A, value: "1"}
        - name: P
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
        - name: S
          valueFrom: {secretKeyRef: {name: sec, key: pw}}
      - {name: side, image: busybox, command: [sleep, infinity]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {b-key: two, C: three}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
stringData: {pw: hunter2}
---
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec:
  nodeName: kind-worker
  containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: scratch}
spec:
  nodeName: kind-worker
  volumes: [{name: s, emptyDir: {}}]
  containers: [{name: c, image: nginx, volumeMounts: [{name: s, mountPath: /s}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`;

let c: TempCluster;
before(() => {
  c = tempCluster();
  writeFileSync(join(c.dir, 'objs.yaml'), OBJECTS);
  const r = c.run(['apply', '-f', join(c.dir, 'objs.yaml')]);
  assert.equal(r.code, 0, r.stderr);
});
after(() => c.cleanup());

/** Runs the same command with kubesim and with kubectl; both must print and exit alike. */
async function same(kubectl: Kubectl, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  const theirs = await kubectl(args, { env });
  const ours = c.run(args, { env });
  // -o json of an object kubectl built itself comes in Go's struct field order: compared as objects.
  const out = (s: string) => (args.includes('json') && s.startsWith('{') ? JSON.parse(s) : s);
  assert.deepEqual({ code: ours.code, stdout: out(ours.stdout), stderr: unordered(ours.stderr) }, { code: theirs.code, stdout: out(theirs.stdout), stderr: unordered(theirs.stderr) }, args.join(' '));
  return ours;
}

/**
 * kubectl groups drain's errors and warnings in a Go map, so their order changes from run to run (kubesim
 * keeps the order in which the pods list them): compare the items of each aggregate, and the lines, as sets.
 */
function unordered(stderr: string): string {
  const items = (s: string) => s.split(/, (?=cannot delete |ignoring |deleting |error when )|; /).sort().join(' | ');
  return stderr
    .split('\n')
    .map((l) => l.replace(/\[(.*)\]/, (_, inner: string) => `[${items(inner)}]`).replace(/^(Warning: )(.*)$/, (_, w: string, rest: string) => w + items(rest)))
    .sort()
    .join('\n');
}

describe('against the real kubectl', { skip: SKIP }, () => {
  test('cordon, uncordon and drain with --dry-run=client: lines, warnings, error lists, exit codes', async () => {
    await withKubectl(readState(c.state)!, async (kubectl) => {
      await same(kubectl, ['cordon', 'kind-worker', 'kind-worker2', '--dry-run=client']);
      await same(kubectl, ['uncordon', 'kind-worker', '--dry-run=client']);
      await same(kubectl, ['cordon', '-l', 'kubernetes.io/hostname=kind-worker3', '--dry-run=client']);
      await same(kubectl, ['cordon']);
      await same(kubectl, ['cordon', 'nope']);
      await same(kubectl, ['cordon', 'kind-worker', '-l', 'a=b']);
      // kind-worker holds a bare pod, an emptyDir pod and two DaemonSet pods: each blocks until its flag is given.
      const blocked = await same(kubectl, ['drain', 'kind-worker', '--dry-run=client', '--ignore-daemonsets']);
      assert.equal(blocked.code, 1);
      assert.match(blocked.stderr, /cannot delete cannot delete Pods that declare no controller \(use --force to override\): default\/bare/);
      await same(kubectl, ['drain', 'kind-worker', '--dry-run=client', '--ignore-daemonsets', '--force']);
      const ok = await same(kubectl, ['drain', 'kind-worker', '--dry-run=client', '--ignore-daemonsets', '--force', '--delete-emptydir-data']);
      assert.match(ok.stdout, /evicting pod default\/bare \(dry run\)\nevicting pod default\/scratch \(dry run\)\nnode\/kind-worker drained \(dry run\)\n$/);
      await same(kubectl, ['drain', 'kind-control-plane', '--dry-run=client', '--ignore-daemonsets']);
      await same(kubectl, ['drain', 'kind-worker2', 'kind-worker3', '--dry-run=client', '--ignore-daemonsets', '--pod-selector=app=web']);
      await same(kubectl, ['drain', 'kind-worker2', '--dry-run=client', '--timeout=xx']);
      await same(kubectl, ['drain', 'kind-worker2', '--dry-run=client', '--pod-selector=a in (']);
      await same(kubectl, ['drain']);
    });
  });

  test('taint: the object sent, the lines and the errors', async () => {
    await withKubectl(readState(c.state)!, async (kubectl) => {
      for (const args of [
        ['taint', 'nodes', 'kind-worker', 'k=v:NoExecute', 'x:NoSchedule', '--dry-run=client', '-o', 'yaml'],
        ['taint', 'nodes', 'kind-worker', 'k=v:NoExecute', '--dry-run=client'],
        ['taint', 'nodes', 'kind-control-plane', 'node-role.kubernetes.io/control-plane:NoSchedule-', '--dry-run=client', '-o', 'json'],
        ['taint', 'nodes', 'kind-control-plane', 'node-role.kubernetes.io/control-plane=x:NoSchedule', '--dry-run=client'],
        ['taint', 'nodes', 'kind-control-plane', 'node-role.kubernetes.io/control-plane=x:NoSchedule', '--overwrite', '--dry-run=client', '-o', 'yaml'],
        ['taint', 'nodes', 'kind-worker', 'k-', '--dry-run=client'],
        ['taint', 'nodes', 'kind-worker', 'k=v:Bad'],
        ['taint', 'nodes', 'kind-worker', 'k=v'],
        ['taint', 'nodes', 'kind-worker', '=v:NoExecute'],
        ['taint', 'nodes', 'kind-worker', 'a=b=c:NoExecute'],
        ['taint', 'nodes', 'kind-worker', 'a b:NoSchedule'],
        ['taint', 'nodes', 'kind-worker'],
        ['taint', 'nodes', '--all', 'a=b:NoSchedule', '--dry-run=client'],
        ['taint', 'nodes', '-l', 'kubernetes.io/hostname=kind-worker', 'a=b:PreferNoSchedule', '--dry-run=client'],
        ['taint', 'node', 'kind-worker', 'a=b:NoSchedule', 'a=c:NoSchedule'],
        ['taint', 'pods', 'x', 'a=b:NoSchedule'],
        ['taint', 'nodes', 'kind-worker', 'a=b:NoSchedule', 'a:NoSchedule-', 'b=c:NoSchedule', 'b-'],
        ['taint', 'nodes', 'a=b:NoSchedule'],
        ['taint', 'nodes', 'nope', 'a=b:NoSchedule'],
      ]) {
        await same(kubectl, args);
      }
    });
  });

  test('set env, resources, serviceaccount and selector with --dry-run=client', async () => {
    await withKubectl(readState(c.state)!, async (kubectl) => {
      for (const args of [
        ['set', 'env', 'deploy/app', '--list'],
        ['set', 'env', 'deploy/app', '--list', '--resolve'],
        ['set', 'env', 'deploy/app', 'B=2', 'A-', '--dry-run=client', '-o', 'yaml'],
        ['set', 'env', 'deploy/app', '--from=secret/sec', '--prefix=X_', '-c', 'main', '--dry-run=client', '-o', 'yaml'],
        ['set', 'env', 'deploy/app', 'A=2', '--overwrite=false', '--dry-run=client'],
        ['set', 'env', 'deploy/app', 'A=1', '-c', 'main', '--dry-run=client'],
        ['set', 'env', 'deploy/app', 'A=1', '-c', 'nope', '--dry-run=client'],
        ['set', 'env', 'deploy/app', '1A=1', '--dry-run=client'],
        ['set', 'env', 'deploy/web', 'A-', '--dry-run=client'],
        ['set', 'env', 'deploy/web', 'A=1', '--dry-run=client'],
        ['set', 'resources', 'deploy/app', '-c', 'main', '--limits=cpu=200m,memory=512Mi', '--requests=cpu=100m', '--dry-run=client', '-o', 'yaml'],
        ['set', 'resources', 'deploy/app', '--dry-run=client'],
        ['set', 'resources', 'deploy/app', '-c', 'nope', '--limits=cpu=1', '--dry-run=client'],
        ['set', 'resources', 'deploy/app', '--limits=cpu=abc', '--dry-run=client'],
        ['set', 'resources', 'deploy/app', '--limits=cpu', '--dry-run=client'],
        ['set', 'serviceaccount', 'deploy/app', 'robot', '--dry-run=client'],
        ['set', 'sa', 'deploy/app', '--dry-run=client'],
        ['set', 'selector', 'svc/web', 'app=x', '--dry-run=client', '-o', 'yaml'],
        ['set', 'selector', 'svc/web', 'app in (x)', '--dry-run=client'],
        ['set', 'selector', 'deploy/app', 'app=x', '--dry-run=client'],
      ]) {
        await same(kubectl, args);
      }
    });
  });

  test('autoscale: the HorizontalPodAutoscaler kubectl builds, and its checks', async () => {
    await withKubectl(readState(c.state)!, async (kubectl) => {
      await same(kubectl, ['autoscale', 'deploy', 'app', '--min=2', '--max=5', '--cpu-percent=80', '--dry-run=client', '-o', 'yaml']);
      await same(kubectl, ['autoscale', 'deploy/web', '--max=5', '--dry-run=client', '-o', 'json']);
      await same(kubectl, ['autoscale', 'deploy', 'app', '--max=5', '--dry-run=client']);
      await same(kubectl, ['autoscale', 'deploy', 'app', '--min=6', '--max=5', '--dry-run=client']);
      await same(kubectl, ['autoscale', 'deploy', 'app', '--max=0', '--dry-run=client']);
      await same(kubectl, ['autoscale', 'svc', 'web', '--max=3', '--dry-run=client']);
      await same(kubectl, ['autoscale', 'deploy', 'nope', '--max=3']);
    });
  });

  test('delete all: the expansion of the category and its lines', async () => {
    await withKubectl(readState(c.state)!, async (kubectl) => {
      await same(kubectl, ['delete', 'all', '--all', '--dry-run=client']);
      await same(kubectl, ['delete', 'all', '-l', 'app=web', '--dry-run=client']);
      await same(kubectl, ['delete', 'all', '--dry-run=client']);
      await same(kubectl, ['delete', 'all', 'web', '--dry-run=client']);
    });
  });

  test('edit: the file handed to the editor, and saving it unchanged', async () => {
    const script = join(c.dir, 'copy-editor.sh');
    writeFileSync(script, `#!/bin/sh\ncp "$1" "$(dirname "$0")/seen-$WHO"\n`);
    chmodSync(script, 0o755);
    await withKubectl(readState(c.state)!, async (kubectl) => {
      const theirs = await kubectl(['edit', 'svc', 'web'], { env: { KUBE_EDITOR: script, WHO: 'kubectl' } });
      const ours = c.run(['edit', 'svc', 'web'], { env: { KUBE_EDITOR: script, WHO: 'kubesim' } });
      assert.deepEqual([ours.code, ours.stdout, ours.stderr], [theirs.code, theirs.stdout, theirs.stderr]);
      assert.equal(ours.stderr, 'Edit cancelled, no changes made.\n');
      assert.equal(readFileSync(join(c.dir, 'seen-kubesim'), 'utf8'), readFileSync(join(c.dir, 'seen-kubectl'), 'utf8'));
      const j = join(c.dir, 'json-editor.sh');
      writeFileSync(j, `#!/bin/sh\ncp "$1" "$(dirname "$0")/json-$WHO"\n`);
      chmodSync(j, 0o755);
      await kubectl(['edit', 'deploy/web', '-o', 'json'], { env: { KUBE_EDITOR: j, WHO: 'kubectl' } });
      c.run(['edit', 'deploy/web', '-o', 'json'], { env: { KUBE_EDITOR: j, WHO: 'kubesim' } });
      assert.deepEqual(JSON.parse(readFileSync(join(c.dir, 'json-kubesim'), 'utf8')), JSON.parse(readFileSync(join(c.dir, 'json-kubectl'), 'utf8')));
    });
  });
});
