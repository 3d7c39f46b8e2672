// `create configmap` and `create secret generic|tls|docker-registry`: the objects kubectl's generators build
// (compared with the real kubectl's client dry run), their errors, and what a pod then sees.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl } from '../support/stub-apiserver.js';

const c = inProcessCluster();
after(() => c.cleanup());
const files = join(c.dir, 'files');
mkdirSync(join(files, 'dir'), { recursive: true });
writeFileSync(join(files, 'greet.txt'), 'hello\n');
writeFileSync(join(files, 'app.env'), 'x=1\n# a comment\n\nw\nq=a=b\n');
writeFileSync(join(files, 'bad.env'), 'export Z=3\n');
writeFileSync(join(files, 'bin.dat'), Buffer.from([0xff, 0xfe]));
writeFileSync(join(files, 'dir', 'one'), 'a');
writeFileSync(join(files, 'dir', 'two'), 'b');

const CASES = [
  ['configmap', 'x', '--from-literal=a=1', '--from-literal=b=', '--from-file=greet.txt', '--from-file=k2=greet.txt', '--dry-run=client', '-o', 'yaml'],
  ['configmap', 'y', '--from-env-file=app.env', '--dry-run=client', '-o', 'yaml'],
  ['configmap', 'b', '--from-file=bin.dat', '--dry-run=client', '-o', 'yaml'],
  ['configmap', 'd', '--from-file=dir', '--dry-run=client', '-o', 'yaml'],
  ['configmap', 'z', '--dry-run=client', '-o', 'json'],
  ['configmap', 'z', '--from-literal=a=1', '--from-file=bin.dat', '--append-hash', '--dry-run=client', '-o', 'name'],
  ['secret', 'generic', 's', '--from-literal=PW=hunter2', '--from-file=greet.txt', '--dry-run=client', '-o', 'yaml'],
  ['secret', 'generic', 'g', '--type=kubernetes.io/basic-auth', '--from-literal=username=u', '--append-hash', '--dry-run=client', '-o', 'json'],
  ['secret', 'docker-registry', 'r', '--docker-server=reg.io', '--docker-username=u', '--docker-password=p', '--docker-email=e@x', '--dry-run=client', '-o', 'yaml'],
  ['configmap', 'z', '--from-literal=a=1', '--from-literal=a=2'],
  ['configmap', 'z', '--from-literal=novalue'],
  ['configmap', 'z', '--from-literal=a b=1'],
  ['configmap', 'z', '--from-env-file=bad.env'],
  ['configmap', 'z', '--from-env-file=app.env', '--from-literal=a=1'],
  ['configmap', 'z', '--from-file=nosuch'],
  ['configmap'],
  ['secret', 'docker-registry', 'r'],
];

test('the generators build what the real kubectl builds, and fail as it fails', { skip: skipWithoutKubectl() }, async () => {
  for (const args of CASES) {
    const theirs = spawnSync('kubectl', ['create', ...args], { cwd: files, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: c.dir, KUBECONFIG: join(c.dir, 'none') } });
    const ours = await c.run(['create', ...args.map((a) => a.replace(/^(--from-(?:env-)?file=(?:\w+=)?)(?!\/)/, `$1${files}/`))]);
    const strip = (s: string) => s.split(`${files}/`).join('');
    assert.deepEqual({ code: ours.code, out: strip(ours.stdout), err: strip(ours.stderr) }, { code: theirs.status, out: theirs.stdout, err: theirs.stderr }, args.join(' '));
  }
});

test('a ConfigMap and a Secret created on the command line reach a pod as a file and a variable', async () => {
  assert.equal((await c.run(['create', 'configmap', 'cfg', `--from-file=greeting=${join(files, 'greet.txt')}`])).stdout, 'configmap/cfg created\n');
  assert.equal((await c.run(['create', 'secret', 'generic', 'db', '--from-literal=PW=s3cr3t'])).stdout, 'secret/db created\n');
  assert.equal((await c.run(['get', 'cm', 'cfg'])).stdout, 'NAME   DATA   AGE\ncfg    1      0s\n');
  assert.equal((await c.run(['get', 'secret', 'db', '-o', 'jsonpath={.type} {.data.PW}'])).stdout, 'Opaque czNjcjN0');
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers:\n  - name: app\n    image: busybox\n    command: [sleep, infinity]\n    env: [{name: PW, valueFrom: {secretKeyRef: {name: db, key: PW}}}]\n    volumeMounts: [{name: cfg, mountPath: /etc/cfg}]\n  volumes: [{name: cfg, configMap: {name: cfg}}]\n';
  await c.run(['apply', '-f', '-'], { input: pod });
  assert.equal((await c.run(['exec', 'app', '--', 'sh', '-c', 'echo $PW; cat /etc/cfg/greeting'])).stdout, 's3cr3t\nhello\n');
  assert.deepEqual(await c.run(['create', 'configmap', 'cfg', '--from-literal=a=1']), { code: 1, stdout: '', stderr: 'Error from server (AlreadyExists): configmaps "cfg" already exists\n' });
});
