import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { savedState } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const SKIP = KUBECTL ? false : 'kubectl is not installed: cannot compare with the real client';

function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', args, { env: { ...process.env, KUBECONFIG: '/dev/null' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs kubesim and kubectl side by side. */
function both(args: string[]) {
  return Promise.all([c.run(args), kubectl(args)]);
}

const c = inProcessCluster();
after(() => c.cleanup());

const SAME_OBJECT: string[][] = [
  ['clusterip', 'x', '--tcp=80:8080'],
  ['nodeport', 'x', '--tcp=80:8080', '--node-port=30080'],
  ['nodeport', 'x', '--tcp=80:8080', '--tcp=81:8081', '--node-port=30080'],
  ['loadbalancer', 'x', '--tcp=80:8080', '--tcp=443'],
  ['externalname', 'x', '--external-name=db.example.com'],
  ['externalname', 'x', '--external-name', 'db.example.com', '--tcp=80'],
  ['clusterip', 'x', '--clusterip=None'],
  ['clusterip', 'x', '--clusterip', 'None', '--tcp=80:8080'],
  ['clusterip', 'x', '--tcp=80', '--clusterip=1.2.3.4'],
  ['clusterip', 'x', '--tcp=80:http'],
  ['clusterip', 'x', '--tcp=80,443', '--tcp=53:5353'],
  ['clusterip', 'x', '--tcp=80:8080:9'],
  ['clusterip', 'x', '--tcp=0'],
  ['clusterip', 'Bad_X', '--tcp=80'],
  ['nodeport', 'x', '--tcp=80', '--node-port=5'],
  ['clusterip', 'x', '--tcp=80', '-n', 'foo'],
];

// The comparisons only read (dry-run client), so they may run side by side.
describe('objects', { concurrency: 4 }, () => {
for (const [i, args] of SAME_OBJECT.entries()) {
  // -o json and -o yaml print the same object; json is checked on a few cases only, to keep the suite quick.
  for (const fmt of i < 4 ? ['yaml', 'json'] : ['yaml']) {
    test(`create service ${args.join(' ')} -o ${fmt} equals kubectl's object`, { skip: SKIP }, async () => {
      const full = ['create', 'service', ...args, '--dry-run=client', '-o', fmt];
      const [ours, theirs] = await both(full);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.code, 0, ours.stderr);
      assert.deepEqual(parse(ours.stdout), parse(theirs.stdout));
      if (fmt === 'yaml') assert.equal(ours.stdout, theirs.stdout, 'sorted keys make the YAML text equal too');
    });
  }
}
});

test('create svc alias, -o name, -o jsonpath and the plain dry-run line match kubectl', { skip: SKIP }, async () => {
  for (const extra of [['-o', 'name'], [], ['-o', 'jsonpath={.spec.ports[0].name} {.metadata.labels}'], ['-o=jsonpath-as-json={.spec.type}']]) {
    const full = ['create', 'svc', 'clusterip', 'x', '--tcp=80', '--dry-run=client', ...extra];
    const [ours, theirs] = await both(full);
    assert.deepEqual(ours, theirs);
  }
  assert.equal((await c.run(['create', 'service', 'clusterip', 'x', '--tcp=80', '--dry-run=client'])).stdout, 'service/x created (dry run)\n');
});

const SAME_ERROR: string[][] = [
  ['clusterip', 'x'],
  ['clusterip'],
  ['clusterip', 'x', 'y', '--tcp=80'],
  ['nodeport', 'x', '--tcp=abc'],
  ['clusterip', 'x', '--tcp=-1'],
  ['clusterip', 'x', '--tcp=:80'],
  ['clusterip', 'x', '--tcp=70000'],
  ['clusterip', 'x', '--tcp=80:0'],
  ['clusterip', 'x', '--tcp=80:70000'],
  ['clusterip', 'x', '--tcp=80:Bad_'],
  ['clusterip', 'x', '--tcp=80:toolongportname1'],
  ['externalname', 'x', '--external-name=Bad_Name'],
  ['nodeport', 'x', '--clusterip=None', '--tcp=80'],
  ['loadbalancer', 'x', '--tcp=80', '--node-port=30000'],
  ['nodeport', 'x', '--tcp=80', '--node-port=abc'],
  ['foo', 'x'],
];

describe('errors', { concurrency: 4 }, () => {
for (const args of SAME_ERROR) {
  test(`create service ${args.join(' ')} fails as kubectl does`, { skip: SKIP }, async () => {
    const full = ['create', 'service', ...args, '--dry-run=client', '-o', 'yaml'];
    const [ours, theirs] = await both(full);
    assert.equal(theirs.code, 1);
    assert.deepEqual({ code: ours.code, stderr: ours.stderr, stdout: ours.stdout }, { code: 1, stderr: theirs.stderr, stdout: '' });
  });
}
});

test('create service without --external-name', async () => {
  const r = await c.run(['create', 'service', 'externalname', 'x']);
  assert.deepEqual([r.code, r.stderr], [1, 'error: required flag(s) "external-name" not set\n']);
});

test('create service creates through the API server: allocation, AlreadyExists, nodePort clash', async () => {
  const t = inProcessCluster();
  try {
    const r = await t.run(['create', 'service', 'nodeport', 'web', '--tcp=80:8080', '--node-port=30080']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'service/web created\n', '']);
    const state = savedState(t.state);
    const s = state.objects.services['default/web'];
    assert.equal(s.spec.ports[0].nodePort, 30080);
    assert.match(s.spec.clusterIP, /^10\.(9[6-9]|10\d|11[01])\./);
    assert.deepEqual(s.metadata.labels, { app: 'web' });
    const again = await t.run(['create', 'service', 'nodeport', 'web', '--tcp=80:8080']);
    assert.deepEqual([again.code, again.stderr], [1, 'Error from server (AlreadyExists): services "web" already exists\n']);
    const clash = await t.run(['create', 'service', 'nodeport', 'web2', '--tcp=80:8080', '--node-port=30080']);
    assert.deepEqual([clash.code, clash.stderr], [1, 'The Service "web2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated\n']);
    const range = await t.run(['create', 'service', 'nodeport', 'web3', '--tcp=80', '--node-port=5']);
    assert.deepEqual([range.code, range.stderr], [1, 'The Service "web3" is invalid: spec.ports[0].nodePort: Invalid value: 5: provided port is not in the valid range. The range of valid ports is 30000-32767\n']);
    const bad = await t.run(['create', 'service', 'clusterip', 'Bad_X', '--tcp=80']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^The Service "Bad_X" is invalid: metadata\.name: Invalid value: "Bad_X": a DNS-1035 label must consist of/);
    const lb = await t.run(['create', 'service', 'loadbalancer', 'lb', '--tcp=80:8080', '-o', 'yaml']);
    const obj = parse(lb.stdout);
    assert.deepEqual(obj.status, { loadBalancer: { ingress: [{ ip: '172.18.255.200', ipMode: 'VIP' }] } });
    assert.equal(obj.spec.allocateLoadBalancerNodePorts, true);
    const dry = await t.run(['create', 'service', 'clusterip', 'srv', '--tcp=80', '--dry-run=server']);
    assert.equal(dry.stdout, 'service/srv created (server dry run)\n');
    const after = savedState(t.state);
    assert.deepEqual(Object.keys(after.objects.services).filter((k) => k.startsWith('default/')).sort(), ['default/kubernetes', 'default/lb', 'default/web']);
  } finally {
    t.cleanup();
  }
});
