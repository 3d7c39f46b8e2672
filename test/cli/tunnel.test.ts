// `kubesim tunnel` as a user runs it: real loopback ports for NodePort/LoadBalancer services, traffic through
// the simulated kube-proxy path.
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempCluster } from '../support/cli.js';
import { httpGet, startKubesim } from '../forward/support.js';

const OBJECTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: kiada
spec:
  replicas: 3
  selector:
    matchLabels:
      app: kiada
  template:
    metadata:
      labels:
        app: kiada
    spec:
      containers:
      - name: kiada
        image: luksa/kiada:0.1
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: kiada-np
spec:
  type: NodePort
  selector:
    app: kiada
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: kiada-internal
spec:
  selector:
    app: kiada
  ports:
  - port: 80
    targetPort: 8080
`;

const NGINX = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  containers:
  - name: nginx
    image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: nginx-lb
spec:
  type: LoadBalancer
  selector:
    app: nginx
  ports:
  - port: 80
`;

const podOf = (body: string) => /Request processed by "([^"]+)"/.exec(body)?.[1];

test('tunnel: a port per NodePort/LoadBalancer service; keep-alive keeps one pod, new connections spread; services followed', async () => {
  const c = tempCluster();
  writeFileSync(join(c.dir, 'objects.yaml'), OBJECTS);
  writeFileSync(join(c.dir, 'nginx.yaml'), NGINX);
  assert.equal(c.run(['apply', '-f', join(c.dir, 'objects.yaml')]).code, 0);
  const tunnel = startKubesim(['tunnel'], c.env);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const row = await tunnel.waitFor(/│ default\s+│ kiada-np\s+│ NodePort\s+│ -\s+│ 172\.18\.0\.2:(\d+)\s+│ http:\/\/127\.0\.0\.1:(\d+)\s+│/);
    await tunnel.waitFor(/Tunnel running; Ctrl-C to stop\.\n/);
    assert.doesNotMatch(tunnel.stdout(), /kiada-internal/, 'a ClusterIP service gets no tunnel');
    const port = Number(row[2]);

    const separate = new Set<string | undefined>();
    for (let i = 0; i < 12; i++) {
      const r = await httpGet(port);
      assert.match(r.body, /^Kiada version 0\.1\. Request processed by "kiada-[a-z0-9]+-[a-z0-9]{5}"\. Client IP: ::ffff:/);
      separate.add(podOf(r.body));
    }
    assert.ok(separate.size >= 2, `separate connections spread over pods: ${[...separate].join(' ')}`);

    const kept = new Set<string | undefined>();
    for (let i = 0; i < 6; i++) kept.add(podOf((await httpGet(port, { agent })).body));
    assert.equal(kept.size, 1, 'one keep-alive connection stays on one pod');

    // a LoadBalancer service added by another command gets its port; deleted, its port closes
    assert.equal(c.run(['apply', '-f', join(c.dir, 'nginx.yaml')]).code, 0);
    const lb = await tunnel.waitFor(/│ default\s+│ nginx-lb\s+│ LoadBalancer\s+│ -\s+│ (\d+\.\d+\.\d+\.\d+):80\s+│ http:\/\/127\.0\.0\.1:(\d+)\s+│/);
    const lbPort = Number(lb[2]);
    const welcome = await httpGet(lbPort);
    assert.match(welcome.body, /<title>Welcome to nginx!<\/title>/);
    assert.equal(c.run(['delete', 'svc', 'nginx-lb']).code, 0);
    await tunnel.waitFor(new RegExp(`Closed the tunnel for service default/nginx-lb \\(${lb[1].replace(/\./g, '\\.')}:80\\)\\n`));
    await assert.rejects(httpGet(lbPort));

    agent.destroy();
    const end = await tunnel.stop('SIGINT');
    assert.equal(end.code, 0);
    assert.equal(tunnel.stderr(), '');
    await assert.rejects(httpGet(port));
  } finally {
    agent.destroy();
    await tunnel.stop('SIGKILL');
    c.cleanup();
  }
});
