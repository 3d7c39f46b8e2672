// expose against the real kubectl: the same objects served to kubectl by the stub API server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { skipWithoutKubectl, withKubectl, type Kubectl } from '../support/stub-apiserver.js';
import { exposeState, seeded } from './expose-support.js';

const SKIP = skipWithoutKubectl();
const c = seeded();
after(() => c.cleanup());

const CASES: string[][] = [
  ['pod', 'kubia-5d8f7c9b6d-8xkzq', '--name=kubia-http'],
  ['pod', 'kubia-5d8f7c9b6d-8xkzq', '--port=80', '--cluster-ip=None', '--name=hl'],
  ['pod', 'kiada', '--port', '80', '--target-port', '8080', '--type', 'NodePort'],
  ['pod', 'kiada', '--port=80', '--target-port=http', '--protocol=UDP', '-l', 'a=b', '--selector', 'x=y'],
  ['pod', 'dns'],
  ['pod', 'dns', '--protocol=TCP'],
  ['pod/creating', '--external-ip=1.2.3.4', '--session-affinity=None', '--type=LoadBalancer', '--load-balancer-ip=9.9.9.9'],
  ['pod', 'creating', '--load-balancer-ip=9.9.9.9'],
  ['svc', 'kubia-nodeport', '--name=copy'],
  ['svc', 'kubia', '--type=LoadBalancer', '--load-balancer-ip=5.6.7.8', '--name=lb', '--protocol=UDP'],
  ['deployment', 'kubia', '-n', 'wl'],
  ['deployment', 'kubia', '-n', 'wl', '--port=80', '--target-port=8080', '--type=NodePort'],
  ['rs', 'kubia-5d8f7c9b6d', '-n', 'wl', '--port=80', '--target-port=http', '--name=kubia-rs', '--external-ip=1.2.3.4', '--session-affinity=ClientIP'],
  ['rc', 'kubia-rc', '-n', 'wl'],
  ['pod', 'creating', '--port=80,81', '--target-port=8080'],
  ['pod', 'creating', '--overrides={"spec":{"type":"NodePort"},"metadata":{"annotations":{"a":"b"}}}'],
];

const ERRORS: string[][] = [
  ['pod', 'client-pod', '--name=y'],
  ['svc', 'external-db', '--name=z'],
  ['pod', 'nolabels'],
  ['deployment', 'exprs', '-n', 'wl'],
  ['node', 'kind-worker'],
  ['ns', 'default'],
  ['deployment', 'nosuch'],
  ['deployment', 'kubia', '-n', 'wl', '--session-affinity=Foo'],
  ['pod', 'creating', '--port=abc'],
  ['pod', 'creating', '--selector=a'],
];

let kubectl: Kubectl | undefined;
let done: (() => void) | undefined;
before(async () => {
  if (SKIP) return;
  // Keep one stub server for all cases.
  await new Promise<void>((ready) => {
    void withKubectl(exposeState(), (k) => {
      kubectl = k;
      ready();
      return new Promise<void>((r) => (done = r));
    });
  });
});
after(() => done?.());

for (const [i, args] of CASES.entries()) {
  // -o json prints the same object as -o yaml; checked on a few cases only, to keep the suite quick.
  for (const fmt of i < 3 ? ['yaml', 'json'] : ['yaml']) {
    test(`expose ${args.join(' ')} -o ${fmt} equals real kubectl's object`, { skip: SKIP }, async () => {
      const full = ['expose', ...args, '--dry-run=client', '-o', fmt];
      const [theirs, ours] = await Promise.all([kubectl!(full), c.run(full)]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.code, 0, ours.stderr);
      assert.deepEqual(parse(ours.stdout), parse(theirs.stdout));
      if (fmt === 'yaml') assert.equal(ours.stdout, theirs.stdout);
    });
  }
}

for (const args of ERRORS) {
  test(`expose ${args.join(' ')} fails as real kubectl does`, { skip: SKIP }, async () => {
    const full = ['expose', ...args, '--dry-run=client'];
    const [theirs, ours] = await Promise.all([kubectl!(full), c.run(full)]);
    assert.deepEqual({ code: ours.code, stdout: ours.stdout, stderr: ours.stderr }, { code: theirs.code, stdout: theirs.stdout, stderr: theirs.stderr });
  });
}
