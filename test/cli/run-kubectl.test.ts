// run's generated objects and usage errors against the real kubectl (served by the stub API server).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createCluster } from '../../src/cluster/bootstrap.js';
import { skipWithoutKubectl, withKubectl, type Kubectl } from '../support/stub-apiserver.js';
import { FIXED_NOW, tempCluster } from '../support/cli.js';

const SKIP = skipWithoutKubectl();
const t = tempCluster();
after(() => t.cleanup());

const OBJECTS: string[][] = [
  ['x', '--image=y', '--restart=Never', '--', 'curl', 'a:b'],
  ['x', '--image=y', '--restart=Never', '--command', '--', 'sh', '-c', 'echo hi'],
  ['kubia', '--image=luksa/kubia', '--port=8080', '--labels=app=kubia,tier=web', '--env=FOO=bar', '--env=X=1'],
  ['kubia', '--image=luksa/kubia', '--port=8080', '--expose'],
  ['client', '--image=curlimages/curl:8.2.0', '--restart=OnFailure', '--image-pull-policy=IfNotPresent', '--annotations=a=b', 'curl', '10.244.2.4:8080'],
  ['p', '--image=busybox', '--privileged', '--', 'sleep', 'infinity'],
  ['--image=busybox', '--restart=Never', '--', 'first', 'second'],
];

const ERRORS: string[][] = [
  ['x', '--image=y', '--rm'],
  ['x', '--image=y', '--rm', '--restart=Never'],
  ['x', '--image=y', '-t'],
  ['x', '--image=y', '--expose'],
  ['x', '--image=y', '-i', '--dry-run=client'],
  ['x', '--image=y', '--restart=Sometimes'],
  ['--image=y'],
  ['x', '--image=Bad Image'],
  ['x', '--image=y', '--env=1BAD=x', '--dry-run=client'],
  ['x', '--image=y', '--image-pull-policy=Foo'],
];

let kubectl: Kubectl | undefined;
let done: (() => void) | undefined;
before(async () => {
  if (SKIP) return;
  const state = createCluster({ name: 'kind', seed: 1, now: new Date(FIXED_NOW), loadBalancer: true });
  await new Promise<void>((ready) => {
    void withKubectl(state, (k) => {
      kubectl = k;
      ready();
      return new Promise<void>((r) => (done = r));
    });
  });
});
after(() => done?.());

for (const args of OBJECTS) {
  for (const fmt of ['yaml', 'json', 'name']) {
    test(`run ${args.join(' ')} --dry-run=client -o ${fmt} equals real kubectl's`, { skip: SKIP }, async () => {
      const full = ['run', ...args.slice(0, args.indexOf('--') < 0 ? args.length : args.indexOf('--')), '--dry-run=client', '-o', fmt, ...(args.includes('--') ? args.slice(args.indexOf('--')) : [])];
      const theirs = await kubectl!(full);
      const ours = t.run(full);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.deepEqual({ code: ours.code, stdout: ours.stdout, stderr: ours.stderr }, { code: theirs.code, stdout: theirs.stdout, stderr: theirs.stderr });
    });
  }
}

for (const args of ERRORS) {
  test(`run ${args.join(' ')} fails as real kubectl does`, { skip: SKIP }, async () => {
    const full = ['run', ...args];
    const theirs = await kubectl!(full);
    const ours = t.run(full);
    assert.deepEqual({ code: ours.code, stdout: ours.stdout, stderr: ours.stderr }, { code: theirs.code, stdout: theirs.stdout, stderr: theirs.stderr });
  });
}
