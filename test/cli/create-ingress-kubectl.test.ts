// `create ingress` against the real kubectl: client dry runs (yaml, json, name) and the refusals, byte for
// byte; then a real create routes through the simulated ingress-nginx.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCluster } from '../../src/cluster/bootstrap.js';
import { skipWithoutKubectl, withKubectl, type Kubectl } from '../support/stub-apiserver.js';
import { FIXED_NOW } from '../support/cli.js';
import { inProcessCluster } from '../support/inproc.js';

const SKIP = skipWithoutKubectl();

const CASES: string[][] = [
  ['simple', '--rule=foo.com/bar=svc1:8080,tls=my-cert'],
  ['multi', '--class=default', '--default-backend=defsvc:http', '--rule=foo.com/path*=svc:8080', '--rule=bar.com/admin*=svc2:http', '--rule=*.a.com/=x:80,tls', '--annotation', 'ingress.annotation1=foo'],
  ['m', '--rule=foo.com/a=s:80,tls=c', '--rule=foo.com/b*=t:80,tls=c', '--rule=/c=u:80,tls', '--rule=bar.com/=u:80,tls=c'],
  ['m', '--rule=foo.com/a=s:80,tls=c,x'],
  ['m', '--rule=foo.com/a=s:80,x'],
  ['m', '--default-backend=svc:80'],
  ['x', '--rule=foo.com/=svc:80', '-n', 'other'],
  ['x', '--rule=foo.com/=svc:80', '--annotation=a=b=c', '--annotation=z='],
];

const ERRORS: string[][] = [
  ['m', '--default-backend=svc'],
  ['bad', '--rule=foo'],
  ['nor'],
  ['x', '--rule=foo.com/=svc'],
  ['x', '--rule=foo.com/=svc:80', '--annotation=novalue'],
  ['--rule=a/b=c:1'],
];

describe('create ingress', () => {
  const c = inProcessCluster();
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
  after(() => {
    done?.();
    c.cleanup();
  });

  for (const args of CASES) {
    for (const fmt of ['yaml', 'json', 'name']) {
      it(`${args.join(' ')} --dry-run=client -o ${fmt} equals real kubectl's`, { skip: SKIP }, async () => {
        const full = ['create', 'ingress', ...args, '--dry-run=client', '-o', fmt];
        const theirs = await kubectl!(full);
        const ours = await c.run(full);
        assert.equal(theirs.code, 0, theirs.stderr);
        assert.deepEqual({ code: ours.code, stdout: ours.stdout, stderr: ours.stderr }, { code: theirs.code, stdout: theirs.stdout, stderr: theirs.stderr });
      });
    }
  }
  for (const args of ERRORS) {
    it(`${args.join(' ')} fails as real kubectl does`, { skip: SKIP }, async () => {
      const full = ['create', 'ingress', ...args, '--dry-run=client'];
      const theirs = await kubectl!(full);
      const ours = await c.run(full);
      assert.notEqual(theirs.code, 0);
      assert.deepEqual({ code: ours.code, stdout: ours.stdout, stderr: ours.stderr }, { code: theirs.code, stdout: theirs.stdout, stderr: theirs.stderr });
    });
  }

  it('a created Ingress is served: kubia.example.com through the ingress address', async () => {
    assert.equal((await c.run(['create', 'deployment', 'kubia', '--image=luksa/kubia'])).code, 0);
    assert.equal((await c.run(['expose', 'deployment', 'kubia', '--port=80', '--target-port=8080'])).code, 0);
    const r = await c.run(['create', 'ingress', 'kubia', '--rule=kubia.example.com/*=kubia:80']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'ingress.networking.k8s.io/kubia created\n', '']);
    const ip = (await c.run(['get', 'ingress', 'kubia', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])).stdout;
    assert.match(ip, /^172\.18\.255\.\d+$/);
    assert.match((await c.run(['curl', '-s', '--resolve', `kubia.example.com:80:${ip}`, 'http://kubia.example.com/any/path'])).stdout, /^You've hit kubia-/);
  });
});
