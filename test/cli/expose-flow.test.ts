// The acceptance flows through the CLI as a user runs them: apply, expose, describe, delete.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, savedState } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const LESSONS = join(ROOT, 'manifests', 'lessons');

function field(text: string, label: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${label}:`))
    .map((l) => l.slice(label.length + 1).trim());
}

test('expose pod kiada --port 80 --target-port 8080 --type NodePort; deleting the pod empties the endpoints', async () => {
  const t = inProcessCluster();
  try {
    assert.equal((await t.run(['apply', '-f', join(ROOT, 'manifests', 'kiada-pod.yaml')])).stdout, 'pod/kiada created\n');
    const r = await t.run(['expose', 'pod', 'kiada', '--port', '80', '--target-port', '8080', '--type', 'NodePort']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'service/kiada exposed\n', '']);
    const podIP = savedState(t.state).objects.pods['default/kiada'].status.podIP;
    const d = (await t.run(['describe', 'svc', 'kiada'])).stdout;
    assert.match(field(d, 'IP')[0], /^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    assert.match(field(d, 'NodePort')[0], /^<unset>\s+3\d{4}\/TCP$/);
    assert.deepEqual(field(d, 'Endpoints'), [`${podIP}:8080`]);
    assert.deepEqual(field((await t.run(['describe', 'ep', 'kiada'])).stdout, '  Addresses'), [podIP]);
    await t.run(['delete', 'pod', 'kiada']);
    const after = (await t.run(['describe', 'ep', 'kiada'])).stdout;
    assert.match(after, /^Subsets:\nEvents:/m, 'no subsets left');
    assert.deepEqual(field((await t.run(['describe', 'svc', 'kiada'])).stdout, 'Endpoints'), ['']);
  } finally {
    t.cleanup();
  }
});

test('named ports: a pod without the named port is not an endpoint of a targetPort: http service', async () => {
  const t = inProcessCluster();
  try {
    const r = await t.run(['apply', '-f', join(LESSONS, 'kubia-named-ports.yaml')]);
    assert.equal(r.stdout, 'pod/kubia-named created\nservice/kubia created\n');
    const other = join(t.dir, 'other.yaml');
    writeFileSync(other, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: unnamed\n  labels:\n    app: kubia\nspec:\n  containers:\n  - name: c\n    image: luksa/kubia\n    ports:\n    - containerPort: 8080\n');
    await t.run(['apply', '-f', other]);
    const pods = savedState(t.state).objects.pods;
    const named = pods['default/kubia-named'].status.podIP;
    const unnamed = pods['default/unnamed'].status.podIP;
    // The Endpoints object leaves the pod out of both ports.
    const ep = (await t.run(['describe', 'ep', 'kubia'])).stdout;
    assert.deepEqual(field(ep, '  Addresses'), [named]);
    assert.ok(!ep.includes(unnamed));
    // The endpointslice controller puts it in a slice of its own without ports, and kubectl's describe prints
    // the bare addresses of port-less slices after each port's list: a real cluster shows the same.
    const d = (await t.run(['describe', 'svc', 'kubia'])).stdout;
    assert.deepEqual(field(d, 'Endpoints'), [`${named}:8080,${unnamed}`, `${named}:8443,${unnamed}`]);
  } finally {
    t.cleanup();
  }
});

test('apply: nodePort clash and immutable clusterIP fail with the API server text and change nothing; a type change releases the nodePort', async () => {
  const t = inProcessCluster();
  try {
    assert.equal((await t.run(['apply', '-f', join(LESSONS, 'kubia-nodeport.yaml')])).stdout, 'service/kubia-nodeport created\n');
    const dup = join(t.dir, 'dup.yaml');
    writeFileSync(dup, readFileSync(join(LESSONS, 'kubia-nodeport.yaml'), 'utf8').replace('name: kubia-nodeport', 'name: np-dup'));
    const before = readFileSync(t.state, 'utf8');
    const r = await t.run(['apply', '-f', dup]);
    assert.deepEqual([r.code, r.stderr], [1, 'The Service "np-dup" is invalid: spec.ports[0].nodePort: Invalid value: 30123: provided port is already allocated\n']);
    assert.equal(readFileSync(t.state, 'utf8'), before);
    const moved = join(t.dir, 'moved.yaml');
    writeFileSync(moved, readFileSync(join(LESSONS, 'kubia-nodeport.yaml'), 'utf8').replace('type: NodePort', 'clusterIP: 10.96.5.5').replace(/^.*nodePort:.*\n/m, ''));
    const imm = await t.run(['apply', '-f', moved]);
    assert.deepEqual([imm.code, imm.stderr], [1, 'The Service "kubia-nodeport" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.5.5"}: may not change once set\n']);
    assert.equal(readFileSync(t.state, 'utf8'), before);
    const cip = join(t.dir, 'cip.yaml');
    writeFileSync(cip, readFileSync(join(LESSONS, 'kubia-nodeport.yaml'), 'utf8').replace('type: NodePort', 'type: ClusterIP').replace(/^.*nodePort:.*\n/m, ''));
    assert.equal((await t.run(['apply', '-f', cip])).stdout, 'service/kubia-nodeport configured\n');
    assert.equal((await t.run(['apply', '-f', dup])).stdout, 'service/np-dup created\n', '30123 is free again');
  } finally {
    t.cleanup();
  }
});

test('lesson: expose rc kubia --type=LoadBalancer --name kubia-http gets an EXTERNAL-IP from the pool, or stays pending without one', async () => {
  for (const provider of [true, false]) {
    const t = inProcessCluster();
    try {
      if (!provider) assert.equal((await t.run(['cluster', 'create', '--no-load-balancer'])).code, 0);
      assert.equal((await t.run(['apply', '-f', join(LESSONS, 'kubia-rc.yaml')])).stdout, 'replicationcontroller/kubia created\n');
      const r = await t.run(['expose', 'rc', 'kubia', '--type=LoadBalancer', '--name', 'kubia-http']);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'service/kubia-http exposed\n', '']);
      const d = (await t.run(['describe', 'svc', 'kubia-http'])).stdout;
      assert.deepEqual(field(d, 'Selector'), ['app=kubia']);
      assert.equal(field(d, 'Endpoints')[0].split(',').length, 3, 'the three replicas');
      assert.match(field(d, 'NodePort')[0], /^<unset>\s+3\d{4}\/TCP$/);
      if (provider) {
        assert.deepEqual(field(d, 'LoadBalancer Ingress'), ['172.18.255.200 (VIP)']);
        assert.match(d, /Normal\s+EnsuringLoadBalancer\s+\S+\s+service-controller\s+Ensuring load balancer\n\s+Normal\s+EnsuredLoadBalancer\s+\S+\s+service-controller\s+Ensured load balancer\n$/);
      } else {
        assert.deepEqual(field(d, 'LoadBalancer Ingress'), []);
        assert.match(d, /Events:\s+<none>\n$/);
      }
    } finally {
      t.cleanup();
    }
  }
});
