// `kubesim port-forward` as a user runs it: the real binary, real loopback sockets, the simulated apps behind.
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { createServer, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sandboxID } from '../../src/forward/klog.js';
import { tempCluster, type TempCluster, savedState } from '../support/cli.js';
import { httpGet, startKubesim } from '../forward/support.js';

const KIADA = `apiVersion: v1
kind: Pod
metadata:
  name: kiada
  labels:
    app: kiada
spec:
  containers:
  - name: kiada
    image: luksa/kiada:0.1
    ports:
    - name: http
      containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: kiada
spec:
  selector:
    app: kiada
  ports:
  - name: web
    port: 80
    targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: noselector
spec:
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: echo
spec:
  containers:
  - name: echo
    image: hashicorp/http-echo
    args: ["-listen=$(POD_IP):5678", "-text=hello"]
    env:
    - name: POD_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
    ports:
    - containerPort: 5678
---
apiVersion: v1
kind: Pod
metadata:
  name: stuck
spec:
  nodeSelector:
    disk: none
  containers:
  - name: app
    image: luksa/kiada:0.1
`;

function cluster(): TempCluster {
  const c = tempCluster();
  const file = join(c.dir, 'objects.yaml');
  writeFileSync(file, KIADA);
  const r = c.run(['apply', '-f', file]);
  assert.equal(r.code, 0, r.stderr);
  return c;
}

/** A port that was free a moment ago (for tests that need a fixed LOCAL:REMOTE). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function occupy(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host, port, ipv6Only: host.includes(':') }, () => resolve(s));
  });
}

test('port-forward kiada :8080: curl-like GET gets kiada\'s answer with the loopback client; Ctrl-C exits 0 and frees the port', async () => {
  const c = cluster();
  const pf = startKubesim(['port-forward', 'kiada', ':8080'], c.env);
  try {
    const m = await pf.waitFor(/^Forwarding from 127\.0\.0\.1:(\d+) -> 8080\nForwarding from \[::1\]:(\d+) -> 8080\n/);
    assert.equal(m[1], m[2], 'the same chosen port for IPv4 and IPv6');
    const port = Number(m[1]);
    const r = await httpGet(port);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:127.0.0.1\n');
    await pf.waitFor(new RegExp(`Handling connection for ${port}\\n$`));
    const end = await pf.stop('SIGINT');
    assert.equal(end.code, 0);
    assert.equal(pf.stderr(), '');
    (await occupy('127.0.0.1', port)).close();
    (await occupy('::1', port)).close();
  } finally {
    await pf.stop('SIGKILL');
    c.cleanup();
  }
});

test('svc/kiada LOCAL:80 forwards to the target port of a pod the service selects; requests reach kubesim logs', async () => {
  const c = cluster();
  const local = await freePort();
  const pf = startKubesim(['port-forward', 'svc/kiada', `${local}:80`], c.env);
  try {
    await pf.waitFor(new RegExp(`^Forwarding from 127\\.0\\.0\\.1:${local} -> 8080\\nForwarding from \\[::1\\]:${local} -> 8080\\n`));
    const r = await httpGet(local, { path: '/hello' });
    assert.match(r.body, /^Kiada version 0\.1\. Request processed by "kiada"\. Client IP: ::ffff:127\.0\.0\.1\n$/);
    assert.equal(await pf.stop('SIGINT').then((e) => e.code), 0);
    const state = savedState(c.state);
    assert.deepEqual(state.logs['default/kiada/kiada'].map((l: { line: string }) => l.line), ['Received request for /hello from ::ffff:127.0.0.1']);
    // The connection joins the recent requests that graph and ui draw (and conntrack lists), with its answer.
    const graph = c.run(['graph', '--format', 'json']);
    assert.equal(graph.code, 0, graph.stderr);
    const paths = (JSON.parse(graph.stdout) as { paths: { flow: { source: string; via: string; dst: string; backend?: string; status?: number } }[] }).paths;
    assert.deepEqual(paths.map((p) => [p.flow.source, p.flow.via, p.flow.dst, p.flow.backend, p.flow.status]), [['workstation', 'port-forward', '127.0.0.1:8080', 'pod/default/kiada', 200]]);
  } finally {
    await pf.stop('SIGKILL');
    c.cleanup();
  }
});

test('50 concurrent connections with 4 keep-alive requests each all succeed', async () => {
  const c = cluster();
  const pf = startKubesim(['port-forward', 'pod/kiada', ':http'], c.env);
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  try {
    const port = Number((await pf.waitFor(/Forwarding from 127\.0\.0\.1:(\d+) -> 8080/))[1]);
    const bodies = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const out: string[] = [];
        for (let i = 0; i < 4; i++) out.push((await httpGet(port, { agent })).body);
        return out;
      }),
    );
    assert.equal(bodies.flat().length, 200);
    for (const b of bodies.flat()) assert.equal(b, 'Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:127.0.0.1\n');
    const handled = (pf.stdout().match(/Handling connection for/g) ?? []).length;
    assert.ok(handled <= 50, `keep-alive reuses connections: ${handled} handled`);
  } finally {
    agent.destroy();
    await pf.stop('SIGKILL');
    c.cleanup();
  }
});

test('a local port in use on both loopbacks: kubectl\'s messages, exit 1', async () => {
  const c = cluster();
  const a = await occupy('127.0.0.1', 0);
  const port = (a.address() as { port: number }).port;
  const b = await occupy('::1', port);
  try {
    const r = await c.runAsync(['port-forward', 'kiada', `${port}:8080`]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `Unable to listen on port ${port}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:${port}: bind: address already in use unable to create listener: Error listen tcp6 [::1]:${port}: bind: address already in use]\n` +
        `error: unable to listen on any of the requested ports: [{${port} 8080}]\n`,
    );
  } finally {
    a.close();
    b.close();
    c.cleanup();
  }
});

test('an app listening only on its pod IP: the kubelet\'s error line, then lost connection, exit 1', async () => {
  const c = cluster();
  const pf = startKubesim(['port-forward', 'echo', ':5678'], c.env);
  try {
    const port = Number((await pf.waitFor(/Forwarding from 127\.0\.0\.1:(\d+) -> 5678/))[1]);
    await assert.rejects(httpGet(port));
    const end = await pf.exited;
    assert.equal(end.code, 1);
    const uid = savedState(c.state).objects.pods['default/echo'].metadata.uid;
    const sandbox = sandboxID(uid);
    const lines = pf.stderr().split('\n');
    assert.match(lines[0], new RegExp(`^E1122 01:30:00\\.000000 {1,7}${pf.child.pid} portforward\\.go:424\\] "Unhandled Error" err="an error occurred forwarding ${port} -> 5678: error forwarding port 5678 to pod ${sandbox}, uid : failed to execute portforward in network namespace \\\\"/var/run/netns/cni-[0-9a-f-]{36}\\\\": failed to connect to localhost:5678 inside namespace \\\\"${sandbox}\\\\", IPv4: dial tcp4 127\\.0\\.0\\.1:5678: connect: connection refused IPv6 dial tcp6 \\[::1\\]:5678: connect: connection refused "$`));
    assert.equal(lines.slice(1).join('\n'), 'error: lost connection to pod\n');
    assert.match(pf.stdout(), new RegExp(`Handling connection for ${port}\\n$`));
  } finally {
    await pf.stop('SIGKILL');
    c.cleanup();
  }
});

test('deleting the pod while forwarding ends the forwarder: error: lost connection to pod', async () => {
  const c = cluster();
  const pf = startKubesim(['port-forward', 'kiada', ':8080'], c.env);
  try {
    await pf.waitFor(/Forwarding from \[::1\]/);
    const del = await c.runAsync(['delete', 'pod', 'kiada']);
    assert.equal(del.code, 0, del.stderr);
    const end = await pf.exited;
    assert.equal(end.code, 1);
    assert.equal(pf.stderr(), 'error: lost connection to pod\n');
  } finally {
    await pf.stop('SIGKILL');
    c.cleanup();
  }
});

test('kubectl\'s messages for what cannot be forwarded', () => {
  const c = cluster();
  try {
    const cases: [string[], string][] = [
      [['port-forward', 'kiada'], "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n"],
      [['port-forward', 'nosuch', '80'], 'Error from server (NotFound): pods "nosuch" not found\n'],
      [['port-forward', 'svc/nosuch', '80'], 'Error from server (NotFound): services "nosuch" not found\n'],
      [['port-forward', 'deployment/nosuch', '80'], 'Error from server (NotFound): deployments.apps "nosuch" not found\n'],
      [['port-forward', 'stuck', '8080'], 'error: unable to forward port because pod is not running. Current status=Pending\n'],
      [['port-forward', 'pod/kiada', '8080:web'], "error: Pod 'kiada' does not have a named port 'web'\n"],
      [['port-forward', 'svc/kiada', '9999'], 'error: Service kiada does not have a service port 9999\n'],
      [['port-forward', 'svc/kiada', '8080:http'], "error: Service 'kiada' does not have a named port 'http'\n"],
      [['port-forward', 'svc/noselector', '80'], "error: cannot attach to *v1.Service: invalid service 'noselector': Service is defined without a selector\n"],
      [['port-forward', 'kiada', '8080:0'], 'error: remote port must be > 0\n'],
      [['port-forward', 'kiada', '70000'], `error: error parsing local port '70000': strconv.ParseUint: parsing "70000": value out of range\n`],
      [['port-forward', '--address', '1.2.3.x', 'kiada', '8080'], 'error: 1.2.3.x is not a valid IP\n'],
      [['port-forward', '--pod-running-timeout', 'x', 'kiada', '80'], `Error: invalid argument "x" for "--pod-running-timeout" flag: time: invalid duration "x"\nSee 'kubectl port-forward --help' for usage.\n`],
      [['port-forward', '--pod-running-timeout', '0s', 'kiada', '80'], "error: --pod-running-timeout must be higher than zero\nSee 'kubectl port-forward -h' for help and examples\n"],
    ];
    for (const [args, stderr] of cases) {
      const r = c.run(args);
      assert.equal(r.stderr, stderr, args.join(' '));
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
    }
  } finally {
    c.cleanup();
  }
});

test('--address 127.0.0.1 listens on IPv4 only; --pod-running-timeout bounds the wait for a pod', async () => {
  const c = cluster();
  const pf = startKubesim(['port-forward', '--address', '127.0.0.1', 'kiada', ':8080'], c.env);
  try {
    const m = await pf.waitFor(/^Forwarding from 127\.0\.0\.1:(\d+) -> 8080\n/);
    await assert.rejects(httpGet(Number(m[1]), { host: '::1' }));
    assert.doesNotMatch(pf.stdout(), /\[::1\]/);
  } finally {
    await pf.stop('SIGKILL');
  }
  try {
    const file = join(c.dir, 'empty-deploy.yaml');
    writeFileSync(file, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: none\nspec:\n  replicas: 0\n  selector:\n    matchLabels:\n      app: none\n  template:\n    metadata:\n      labels:\n        app: none\n    spec:\n      containers:\n      - name: app\n        image: luksa/kiada:0.1\n');
    assert.equal(c.run(['apply', '-f', file]).code, 0);
    const r = await c.runAsync(['port-forward', '--pod-running-timeout', '300ms', 'deploy/none', '8080']);
    assert.equal(r.stderr, 'error: timed out waiting for the condition\n');
    assert.equal(r.code, 1);
  } finally {
    c.cleanup();
  }
});

test('a pod that appears within --pod-running-timeout is picked up (the state file is watched, no lock held)', async () => {
  const c = cluster();
  const deploy = join(c.dir, 'later.yaml');
  writeFileSync(deploy, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: later\nspec:\n  replicas: 0\n  selector:\n    matchLabels:\n      app: later\n  template:\n    metadata:\n      labels:\n        app: later\n    spec:\n      containers:\n      - name: app\n        image: luksa/kiada:0.1\n');
  assert.equal(c.run(['apply', '-f', deploy]).code, 0);
  const pf = startKubesim(['port-forward', '--pod-running-timeout', '20s', 'deploy/later', ':8080'], c.env);
  try {
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(pf.stdout(), '');
    const podFile = join(c.dir, 'later-pod.yaml');
    writeFileSync(podFile, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: later-one\n  labels:\n    app: later\nspec:\n  containers:\n  - name: app\n    image: luksa/kiada:0.1\n');
    const applied = await c.runAsync(['apply', '-f', podFile]);
    assert.equal(applied.code, 0, applied.stderr);
    const port = Number((await pf.waitFor(/Forwarding from 127\.0\.0\.1:(\d+) -> 8080/))[1]);
    assert.match((await httpGet(port)).body, /Request processed by "later-one"/);
  } finally {
    await pf.stop('SIGKILL');
    c.cleanup();
  }
});
