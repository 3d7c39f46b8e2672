import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { seeded } from './expose-support.js';
import { savedState } from '../support/cli.js';

const c = seeded();
after(() => c.cleanup());

async function yamlOf(args: string[]): Promise<unknown> {
  const r = await c.run(['expose', ...args, '--dry-run=client', '-o', 'yaml']);
  assert.equal(r.code, 0, r.stderr);
  return parse(r.stdout);
}

// Reference §5.1 transcripts (real kubectl against a server holding these objects).
const TRANSCRIPTS: [string[], string][] = [
  [
    ['pod', 'kubia-5d8f7c9b6d-8xkzq', '--name=kubia-http'],
    `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: kubia
    pod-template-hash: 5d8f7c9b6d
  name: kubia-http
spec:
  ports:
  - port: 8080
    protocol: TCP
    targetPort: 8080
  selector:
    app: kubia
    pod-template-hash: 5d8f7c9b6d
status:
  loadBalancer: {}
`,
  ],
  [
    ['deployment', 'kubia'],
    `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: kubia
  name: kubia
spec:
  ports:
  - port: 8080
    protocol: TCP
    targetPort: 8080
  selector:
    app: kubia
status:
  loadBalancer: {}
`,
  ],
  [
    ['deployment', 'kubia', '--port=80', '--target-port=8080', '--type=NodePort'],
    `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: kubia
  name: kubia
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: kubia
  type: NodePort
status:
  loadBalancer: {}
`,
  ],
  [
    ['rs', 'kubia-5d8f7c9b6d', '--port=80', '--target-port=http', '--name=kubia-rs', '--external-ip=1.2.3.4', '--session-affinity=ClientIP'],
    `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: kubia
    pod-template-hash: 5d8f7c9b6d
  name: kubia-rs
spec:
  externalIPs:
  - 1.2.3.4
  ports:
  - port: 80
    protocol: TCP
    targetPort: http
  selector:
    app: kubia
    pod-template-hash: 5d8f7c9b6d
  sessionAffinity: ClientIP
status:
  loadBalancer: {}
`,
  ],
  [
    ['svc', 'kubia-nodeport', '--name=copy'],
    `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  name: copy
spec:
  ports:
  - name: port-1
    port: 80
    protocol: TCP
    targetPort: 80
  - name: port-2
    port: 443
    protocol: TCP
    targetPort: 443
  selector:
    app: kubia
status:
  loadBalancer: {}
`,
  ],
  [
    ['svc', 'kubia', '--type=LoadBalancer', '--load-balancer-ip=5.6.7.8', '--name=lb', '--protocol=UDP'],
    `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  name: lb
spec:
  loadBalancerIP: 5.6.7.8
  ports:
  - port: 80
    protocol: UDP
    targetPort: 80
  selector:
    app: kubia
  type: LoadBalancer
status:
  loadBalancer: {}
`,
  ],
  [
    ['pod', 'kubia-5d8f7c9b6d-8xkzq', '--port=80', '--cluster-ip=None', '--name=hl'],
    `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: kubia
    pod-template-hash: 5d8f7c9b6d
  name: hl
spec:
  clusterIP: None
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: kubia
    pod-template-hash: 5d8f7c9b6d
status:
  loadBalancer: {}
`,
  ],
];

for (const [args, expected] of TRANSCRIPTS) {
  test(`expose ${args.join(' ')} --dry-run=client -o yaml matches kubectl's transcript`, async () => {
    const workload = args[0] === 'deployment' || args[0] === 'rs';
    const r = await c.run(['expose', ...args, '--dry-run=client', '-o', 'yaml', ...(workload ? ['-n', 'wl'] : [])]);
    assert.equal(r.code, 0, r.stderr);
    if (workload) {
      // -n puts the namespace into the dry-run object, as kubectl does; the transcripts ran without it.
      const obj = parse(r.stdout);
      assert.equal(obj.metadata.namespace, 'wl');
      delete obj.metadata.namespace;
      assert.deepEqual(obj, parse(expected));
      return;
    }
    assert.deepEqual(parse(r.stdout), parse(expected));
    assert.equal(r.stdout, expected);
  });
}

test('expose TYPE/NAME, rc, -n, -l, --selector and -o json', async () => {
  assert.deepEqual(await yamlOf(['deployment/kubia', '-n', 'wl']), await yamlOf(['deployment', 'kubia', '-n', 'wl']));
  const rc = (await yamlOf(['rc', 'kubia-rc', '--port=80', '-n', 'wl'])) as any;
  assert.deepEqual([rc.metadata.name, rc.spec.selector, rc.metadata.labels], ['kubia-rc', { app: 'kubia' }, { app: 'kubia' }]);
  const ns = (await yamlOf(['deploy', 'kubia', '-n', 'wl'])) as any;
  assert.equal(ns.metadata.namespace, 'wl', 'an explicit namespace is written into the dry-run object');
  assert.equal(((await yamlOf(['pod', 'creating'])) as any).metadata.namespace, undefined, 'none without -n');
  const ls = (await yamlOf(['pod', 'creating', '-l', 'a=b,c=d', '--selector', 'x=y'])) as any;
  assert.deepEqual([ls.metadata.labels, ls.spec.selector], [{ a: 'b', c: 'd' }, { x: 'y' }]);
  const j = await c.run(['expose', 'pod', 'creating', '--dry-run=client', '-o', 'json']);
  assert.deepEqual(JSON.parse(j.stdout), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { creationTimestamp: null, labels: { app: 'creating' }, name: 'creating' },
    spec: { ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], selector: { app: 'creating' } },
    status: { loadBalancer: {} },
  });
});

test('a port number with two protocols becomes port-<i>-<proto> ServicePorts', async () => {
  const s = (await yamlOf(['pod', 'dns'])) as any;
  assert.deepEqual(s.spec.ports, [
    { name: 'port-1-udp', port: 53, protocol: 'UDP', targetPort: 53 },
    { name: 'port-1-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
    { name: 'port-2', port: 9153, protocol: 'TCP', targetPort: 9153 },
  ]);
});

test('expose -f FILE uses the object in the file', async () => {
  const f = join(c.dir, 'pod.yaml');
  writeFileSync(f, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-file\n  labels:\n    app: ff\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports:\n    - containerPort: 8081\n');
  const s = (await yamlOf(['-f', f, '--port=80', '--target-port=8081'])) as any;
  assert.deepEqual([s.metadata.name, s.spec.selector, s.spec.ports], ['from-file', { app: 'ff' }, [{ port: 80, protocol: 'TCP', targetPort: 8081 }]]);
  const missing = await c.run(['expose', '-f', join(c.dir, 'nope.yaml')]);
  assert.deepEqual([missing.code, missing.stderr], [1, `error: the path "${join(c.dir, 'nope.yaml')}" does not exist\n`]);
});

const ERRORS: [string[], string][] = [
  [['pod', 'client-pod', '--name=y'], "error: couldn't find port via --port flag or introspection"],
  [['svc', 'external-db', '--name=z'], "error: couldn't retrieve selectors via --selector flag or introspection: the service has no pod selector set"],
  [['svc', 'noselector', '--name=z'], "error: couldn't retrieve selectors via --selector flag or introspection: the service has no pod selector set"],
  [['pod', 'nolabels'], "error: couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed"],
  [
    ['deployment', 'exprs', '-n', 'wl'],
    'error: couldn\'t retrieve selectors via --selector flag or introspection: couldn\'t convert expressions - "[{Key:tier Operator:In Values:[a b]}]" to map-based selector format',
  ],
  [['node', 'kind-worker'], 'error: cannot expose a Node'],
  [['ns', 'default'], 'error: cannot expose a Namespace'],
  [['deployment', 'nosuch'], 'Error from server (NotFound): deployments.apps "nosuch" not found'],
  [['deployment', 'kubia', '-n', 'wl', '--session-affinity=Foo', '--dry-run=client'], 'error: unknown session affinity: Foo'],
  [['pod', 'creating', '--dry-run=bogus'], 'error: Invalid dry-run value (bogus). Must be "none", "server", or "client".'],
  [['pod', 'creating', '--port=abc'], 'error: strconv.Atoi: parsing "abc": invalid syntax'],
  [['pod', 'creating', '--selector=a'], 'error: unexpected label spec: a'],
  [['foo', 'x'], 'error: the server doesn\'t have a resource type "foo"'],
  [
    [],
    "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
  ],
];

for (const [args, message] of ERRORS) {
  test(`expose ${args.join(' ')} fails with kubectl's message and changes nothing`, async () => {
    const before = readFileSync(c.state, 'utf8');
    const r = await c.run(['expose', ...args]);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', `${message}\n`]);
    assert.equal(readFileSync(c.state, 'utf8'), before);
  });
}

test('expose creates the service: "exposed", dry-run lines, AlreadyExists, server-side validation', async () => {
  const t = seeded();
  try {
    assert.equal((await t.run(['expose', 'pod', 'creating', '--name=x', '--dry-run=client'])).stdout, 'service/x exposed (dry run)\n');
    assert.equal((await t.run(['expose', 'deployment', 'kubia', '-n', 'wl', '--name=kubia-http2', '--port=8080', '--dry-run=server'])).stdout, 'service/kubia-http2 exposed (server dry run)\n');
    const r = await t.run(['expose', 'deployment', 'kubia', '-n', 'wl', '--name=kubia-http', '--port=8080', '--type=LoadBalancer']);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'service/kubia-http exposed\n', '']);
    const again = await t.run(['expose', 'deployment', 'kubia', '-n', 'wl', '--name=kubia-http', '--port=8080', '--type=LoadBalancer']);
    assert.deepEqual([again.code, again.stderr], [1, 'Error from server (AlreadyExists): services "kubia-http" already exists\n']);
    const badType = await t.run(['expose', 'pod', 'creating', '--type=Foo']);
    assert.deepEqual([badType.code, badType.stderr], [1, 'The Service "creating" is invalid: spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"\n']);
    const state = savedState(t.state);
    assert.deepEqual(Object.keys(state.objects.services).filter((k) => /kubia-http|creating|\/x$/.test(k)), ['wl/kubia-http']);
    assert.equal(state.objects.services['wl/kubia-http'].status.loadBalancer.ingress[0].ip, '172.18.255.200');
  } finally {
    t.cleanup();
  }
});

test('acceptance: expose pod kiada --port 80 --target-port 8080 --type NodePort', async () => {
  const t = seeded();
  try {
    const r = await t.run(['expose', 'pod', 'kiada', '--port', '80', '--target-port', '8080', '--type', 'NodePort']);
    assert.deepEqual([r.code, r.stdout], [0, 'service/kiada exposed\n']);
    const state = savedState(t.state);
    const s = state.objects.services['default/kiada'];
    assert.match(s.spec.clusterIP, /^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    assert.ok(s.spec.ports[0].nodePort >= 30086 && s.spec.ports[0].nodePort <= 32767);
    assert.deepEqual(s.spec.ports, [{ nodePort: s.spec.ports[0].nodePort, port: 80, protocol: 'TCP', targetPort: 8080 }]);
    const podIP = state.objects.pods['default/kiada'].status.podIP;
    assert.match(podIP, /^10\.244\.\d+\.\d+$/);
    const ep = state.objects.endpoints['default/kiada'];
    assert.deepEqual(ep.subsets.map((x: any) => `${x.addresses[0].ip}:${x.ports[0].port}`), [`${podIP}:8080`]);
    const y = await t.run(['expose', 'pod', 'kiada', '--name', 'kiada-http', '--port', '80', '--target-port', 'http', '-o', 'yaml']);
    const created = parse(y.stdout);
    assert.equal(created.spec.ports[0].targetPort, 'http');
    assert.equal(created.metadata.namespace, 'default');
    const st = savedState(t.state);
    assert.equal(st.objects.endpoints['default/kiada-http'].subsets[0].ports[0].port, 8080, 'the named port resolves to 8080');
  } finally {
    t.cleanup();
  }
});
