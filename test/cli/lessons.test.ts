// The workshop lessons replayed through the CLI, as a user with `alias kubectl=kubesim` types them. Only the
// lines that must hold whatever the seed are asserted: names, IPs and the chosen endpoint vary, the shape of
// each answer, the messages and the exit codes do not.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../support/cli.js';
import { inProcessCluster, inTurn, type InProcessCluster } from '../support/inproc.js';

const MANIFESTS = join(ROOT, 'manifests');
const LESSONS = join(MANIFESTS, 'lessons');
const NODE_IPS = ['172.18.0.2', '172.18.0.3', '172.18.0.4', '172.18.0.5'];
const KIADA = /^Kiada version 0\.1\. Request processed by "kiada"\. Client IP: ::ffff:(\d+\.\d+\.\d+\.\d+)\n$/;

async function ok(t: InProcessCluster, args: string[], input?: string): Promise<string> {
  const r = await t.run(args, { input });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function jsonpath(t: InProcessCluster, args: string[], path: string): Promise<string> {
  return await ok(t, [...args, '-o', `jsonpath={${path}}`]);
}

test('lessons 000 and 003: the kiada pod from a node, from a one-off client pod, not from the workstation', async () => {
  const t = inProcessCluster({ seed: 3 });
  try {
    assert.equal(await ok(t, ['apply', '-f', join(MANIFESTS, 'kiada-pod.yaml')]), 'pod/kiada created\n');
    const wide = await ok(t, ['get', 'pod', 'kiada', '-o', 'wide']);
    assert.match(wide, /^NAME {4}READY {3}STATUS {4}RESTARTS {3}AGE {3}IP {11}NODE/);
    const podIP = await jsonpath(t, ['get', 'pod', 'kiada'], '.status.podIP');
    const node = await jsonpath(t, ['get', 'pod', 'kiada'], '.spec.nodeName');
    assert.ok(wide.includes(podIP) && wide.includes(node));
    assert.match(await ok(t, ['describe', 'pod', 'kiada']), /^    Port: {11}8080\/TCP\n    Host Port: {6}0\/TCP$/m);

    // From the node hosting the pod, the client is the node's bridge address (10.244.N.1).
    const fromNode = await t.run(['curl', '--from', `node/${node}`, '-s', `${podIP}:8080`]);
    const bridge = podIP.replace(/\.\d+$/, '.1');
    assert.equal(fromNode.stdout, `Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:${bridge}\n`);

    // The one-off client pod: kiada sees the client pod's IP, then --rm deletes it.
    const run = await t.run(['run', '--image=curlimages/curl', '-it', '--restart=Never', '--rm', 'client-pod', 'curl', `${podIP}:8080`]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.replace(/\r\n/g, '\n').split('\n');
    assert.match(`${lines[0]}\n`, KIADA);
    assert.match(lines[0], /Client IP: ::ffff:10\.244\.\d+\.\d+$/);
    assert.equal(lines[1], 'pod "client-pod" deleted');
    assert.doesNotMatch(await ok(t, ['get', 'pods']), /client-pod/);

    // kind on macOS: the workstation does not route to pod IPs; the SYN goes nowhere.
    const ws = await t.run(['curl', '-sS', '--connect-timeout', '1', `${podIP}:8080`]);
    assert.equal(ws.code, 28);
    assert.equal(ws.stderr, `curl: (28) Failed to connect to ${podIP} port 8080 after 1001 ms: Timeout was reached\n`);
  } finally {
    t.cleanup();
  }
});

test('lesson 001: nginx-service port 30080 on the ClusterIP, nodePort 30001 on every node, ClusterIP not pingable', async () => {
  const t = inProcessCluster({ seed: 11 });
  try {
    assert.equal(await ok(t, ['apply', '-f', join(LESSONS, 'nginx-service.yaml')]), 'pod/nginx-pod created\nservice/nginx-service created\n');
    assert.match(await ok(t, ['get', 'svc', 'nginx-service']), /^nginx-service {3}NodePort {3}10\.\d+\.\d+\.\d+ +<none> {8}30080:30001\/TCP {3}0s\n$/m);
    const d = await ok(t, ['describe', 'svc', 'nginx-service']);
    assert.match(d, /^Port: {21}<unset>  30080\/TCP\nTargetPort: {15}80\/TCP\nNodePort: {17}<unset>  30001\/TCP\nEndpoints: {16}10\.244\.\d+\.\d+:80\n/m);
    assert.match(d, /^External Traffic Policy: {2}Cluster$/m);

    // From outside the cluster: every node answers on 30001, whichever node runs the pod.
    const outside = await inTurn(NODE_IPS, (ip) => t.run(['curl', '-s', `http://${ip}:30001/`]));
    for (const r of outside) {
      assert.equal(r.code, 0);
      assert.match(r.stdout, /<title>Welcome to nginx!<\/title>/);
    }
    // Inside: clusterIP:port works, clusterIP:targetPort is not a service port (nothing answers).
    const clusterIP = await jsonpath(t, ['get', 'svc', 'nginx-service'], '.spec.clusterIP');
    const inside = await t.run(['run', 'c', '--image=curlimages/curl', '-i', '--rm', '--restart=Never', '-q', '--', 'curl', '-s', `${clusterIP}:30080`]);
    assert.equal(inside.code, 0);
    assert.match(inside.stdout, /<title>Welcome to nginx!<\/title>/);
    const wrongPort = await t.run(['run', 'c', '--image=curlimages/curl', '-i', '--rm', '--restart=Never', '-q', '--', 'curl', '-sS', '--connect-timeout', '2', `${clusterIP}:80`]);
    assert.equal(wrongPort.code, 28);
    assert.match(wrongPort.stderr, new RegExp(`curl: \\(28\\) Failed to connect to ${clusterIP.replace(/\./g, '\\.')} port 80 after 2001 ms: Timeout was reached`));
    // A ClusterIP is only a kube-proxy rule: nothing answers ICMP.
    const ping = await t.run(['run', 'p', '--image=busybox', '-i', '--rm', '--restart=Never', '-q', '--', 'ping', '-c', '2', clusterIP]);
    assert.equal(ping.code, 1);
    assert.match(ping.stdout, /^2 packets transmitted, 0 packets received, 100% packet loss$/m);
  } finally {
    t.cleanup();
  }
});

test('lesson 002: the jumpbox reaches demo-service.dev; each answer names a demo pod and the jumpbox IP', async () => {
  const t = inProcessCluster({ seed: 5 });
  try {
    await ok(t, ['apply', '-f', join(LESSONS, 'pod-networking.yaml')]);
    const pods = (await ok(t, ['get', 'pods', '-n', 'dev'])).trim().split('\n');
    assert.equal(pods.length, 6);
    for (const l of pods.slice(1)) assert.match(l, /^demo-[a-z0-9]{8,10}-[a-z0-9]{5} {3}1\/1 {5}Running {3}0 {10}\d+s$/);
    const jumpbox = await jsonpath(t, ['get', 'pod', 'jumpbox'], '.status.podIP');
    const ips = new Set((await jsonpath(t, ['get', 'pods', '-n', 'dev'], '.items[*].status.podIP')).split(' '));
    const answers = await inTurn(Array.from({ length: 6 }), () => t.run(['exec', 'jumpbox', '--', 'curl', '-s', 'http://demo-service.dev']));
    for (const r of answers) {
      const m = /^Hello from (demo-\S+) at (\S+) back to (\S+)\n$/.exec(r.stdout);
      assert.ok(m, r.stdout);
      assert.ok(ips.has(m[2]), `${m[2]} is a demo pod`);
      assert.equal(m[3], jumpbox);
    }
  } finally {
    t.cleanup();
  }
});

test('lesson 004: kubia behind ClusterIP, ClientIP affinity, manual endpoints, NodePort 30123, LoadBalancer', async () => {
  const t = inProcessCluster({ seed: 9 });
  try {
    assert.equal(await ok(t, ['create', '-f', join(LESSONS, 'kubia-rc.yaml')]), 'replicationcontroller/kubia created\n');
    assert.equal(await ok(t, ['create', '-f', join(LESSONS, 'kubia-manual.yaml')]), 'pod/kubia-manual created\n');
    assert.equal(await ok(t, ['expose', 'rc', 'kubia', '--type=LoadBalancer', '--name', 'kubia-http']), 'service/kubia-http exposed\n');
    // The hand-made pod is not the controller's: it still has 3 pods of its own, plus kubia-manual.
    assert.match(await ok(t, ['get', 'rc', 'kubia']), /^kubia {3}3 {9}3 {9}3 {7}\d+s\n$/m);
    assert.equal((await ok(t, ['get', 'pods', '--no-headers'])).trim().split('\n').length, 4);

    // The lesson's kubia service (port 80 -> 8080, selector app=kubia), made from the controller.
    assert.equal(await ok(t, ['expose', 'rc', 'kubia', '--port=80', '--target-port=8080']), 'service/kubia exposed\n');
    const rcPods = (await jsonpath(t, ['get', 'pods', '-l', 'app=kubia'], '.items[*].metadata.name')).split(' ');
    const clusterIP = await jsonpath(t, ['get', 'svc', 'kubia'], '.spec.clusterIP');
    const hits = await inTurn(Array.from({ length: 4 }), () => t.run(['exec', rcPods[0], '--', 'curl', '-s', `http://${clusterIP}`]));
    for (const h of hits) assert.match(h.stdout, new RegExp(`^You've hit (${rcPods.join('|')})\n$`));
    const d = await ok(t, ['describe', 'svc', 'kubia']);
    assert.match(d, /^Labels: {19}app=kubia\nAnnotations: {14}<none>\nSelector: {17}app=kubia\nType: {21}ClusterIP$/m);
    assert.match(d, /^Port: {21}<unset>  80\/TCP\nTargetPort: {15}8080\/TCP\nEndpoints: {16}(10\.244\.\d+\.\d+:8080,){2}10\.244\.\d+\.\d+:8080\n/m);
    assert.match(d, /^Session Affinity: {9}None$/m);
    assert.match(await ok(t, ['get', 'endpoints', 'kubia']), /^kubia {3}(10\.244\.\d+\.\d+:8080,){2}10\.244\.\d+\.\d+:8080 {3}\d+s\n$/m);

    // sessionAffinity: ClientIP: one client, one pod.
    await ok(t, ['apply', '-f', join(LESSONS, 'kubia-client-ip.yaml')]);
    const sticky = [];
    for (let i = 0; i < 5; i++) sticky.push(await ok(t, ['exec', rcPods[0], '--', 'curl', '-s', 'http://kubia-client-ip']));
    assert.equal(new Set(sticky).size, 1, sticky.join(''));

    // Two ports: 443 -> 8443 has endpoints but kubia does not listen there.
    await ok(t, ['apply', '-f', join(LESSONS, 'kubia-multiport.yaml')]);
    assert.match(await ok(t, ['exec', rcPods[0], '--', 'curl', '-s', 'http://kubia-multiport']), /^You've hit kubia-/);
    const https = await t.run(['exec', rcPods[0], '--', 'curl', '-s', 'http://kubia-multiport:443']);
    assert.equal(https.code, 7);
    assert.equal(https.stderr, 'command terminated with exit code 7\n');

    // A selector-less service with hand-written Endpoints.
    assert.equal(await ok(t, ['apply', '-f', join(LESSONS, 'external-service.yaml')]), 'service/external-service created\nendpoints/external-service created\n');
    assert.match(await ok(t, ['get', 'endpoints', 'external-service']), /^external-service {3}11\.11\.11\.11:80,22\.22\.22\.22:80 {3}\d+s\n$/m);
    assert.match(await ok(t, ['describe', 'svc', 'external-service']), /^Selector: {17}<none>\n[^]*^Endpoints: {16}11\.11\.11\.11:80,22\.22\.22\.22:80$/m);

    // NodePort 30123: every node IP, from the workstation.
    await ok(t, ['create', '-f', join(LESSONS, 'kubia-nodeport.yaml')]);
    assert.match(await ok(t, ['get', 'svc', 'kubia-nodeport']), /^kubia-nodeport {3}NodePort {3}10\.\d+\.\d+\.\d+ +<none> {8}80:30123\/TCP {3}\d+s\n$/m);
    const nodeIPs = await jsonpath(t, ['get', 'nodes'], '.items[*].status.addresses[?(@.type=="InternalIP")].address');
    assert.equal(nodeIPs, NODE_IPS.join(' '));
    const viaNodes = await inTurn(NODE_IPS, (ip) => t.run(['curl', '-s', `http://${ip}:30123`]));
    for (const r of viaNodes) assert.match(r.stdout, new RegExp(`^You've hit (${rcPods.join('|')})\n$`));

    // LoadBalancer: an EXTERNAL-IP from the kind-like pool, a node port, reachable from the workstation.
    await ok(t, ['create', '-f', join(LESSONS, 'kubia-loadbalancer.yaml')]);
    assert.match(await ok(t, ['get', 'svc', 'kubia-loadbalancer']), /^kubia-loadbalancer {3}LoadBalancer {3}10\.\d+\.\d+\.\d+ +172\.18\.255\.2\d\d +80:3\d{4}\/TCP {3}\d+s\n$/m);
    const lb = await jsonpath(t, ['get', 'svc', 'kubia-loadbalancer'], '.status.loadBalancer.ingress[0].ip');
    assert.match(await ok(t, ['curl', '-s', `http://${lb}`]), /^You've hit kubia-/);
  } finally {
    t.cleanup();
  }
});

test('lessons 001 and 004: externalTrafficPolicy Local answers only on nodes with a local pod and keeps the client IP', async () => {
  const t = inProcessCluster({ seed: 13 });
  try {
    await ok(t, ['apply', '-f', join(MANIFESTS, 'kiada-pod.yaml')]);
    const node = await jsonpath(t, ['get', 'pod', 'kiada'], '.spec.nodeName');
    const hostIP = await jsonpath(t, ['get', 'pod', 'kiada'], '.status.hostIP');
    const svc = (name: string, policy: string, nodePort: number) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: NodePort\n  externalTrafficPolicy: ${policy}\n  selector:\n    app: kiada\n  ports:\n  - port: 80\n    targetPort: 8080\n    nodePort: ${nodePort}\n`;
    assert.equal(await ok(t, ['apply', '-f', '-'], `${svc('kiada-local', 'Local', 30124)}---\n${svc('kiada-cluster', 'Cluster', 30125)}`), 'service/kiada-local created\nservice/kiada-cluster created\n');
    assert.match(await ok(t, ['describe', 'svc', 'kiada-local']), /^External Traffic Policy: {2}Local$/m);

    const local = await inTurn(NODE_IPS, (ip) => t.run(['curl', '-sS', '--connect-timeout', '1', `${ip}:30124`]));
    const cluster = await inTurn(NODE_IPS, (ip) => t.run(['curl', '-sS', '--connect-timeout', '1', `${ip}:30125`]));
    NODE_IPS.forEach((ip, i) => {
      if (ip === hostIP) {
        // Local: no SNAT, kiada sees the workstation (the docker bridge gateway of the kind network).
        assert.equal(local[i].code, 0, `${node} has the pod`);
        assert.match(local[i].stdout, KIADA);
        assert.equal(KIADA.exec(local[i].stdout)?.[1], '172.18.0.1');
      } else {
        // No local endpoint: kube-proxy drops the packet, the client times out.
        assert.equal(local[i].code, 28, `${ip} has no kiada pod`);
        assert.equal(local[i].stderr, `curl: (28) Failed to connect to ${ip} port 30124 after 1001 ms: Timeout was reached\n`);
      }
      // Cluster: every node answers, and the pod sees a node-side address (SNAT), never the workstation.
      assert.equal(cluster[i].code, 0);
      const client = KIADA.exec(cluster[i].stdout)?.[1];
      assert.ok(client && client !== '172.18.0.1', `SNAT via ${ip}: ${client}`);
    });
  } finally {
    t.cleanup();
  }
});

test('a service with no endpoints: curl is refused at once, exit 7', async () => {
  const t = inProcessCluster({ seed: 2 });
  try {
    assert.equal(await ok(t, ['create', 'service', 'clusterip', 'empty', '--tcp=80:8080']), 'service/empty created\n');
    assert.match(await ok(t, ['get', 'endpoints', 'empty']), /^empty {3}<none> {6}\d+s\n$/m);
    const ip = await jsonpath(t, ['get', 'svc', 'empty'], '.spec.clusterIP');
    const r = await t.run(['run', 'client', '--image=curlimages/curl', '-i', '--rm', '--restart=Never', '--', 'curl', '-sS', 'http://empty']);
    assert.equal(r.code, 7);
    assert.equal(r.stdout.replace(/\r\n/g, '\n'), 'pod "client" deleted\n');
    assert.ok(r.stderr.includes(`curl: (7) Failed to connect to ${ip} port 80 after 0 ms: Couldn't connect to server\n`), r.stderr);
    assert.ok(r.stderr.includes('pod default/client terminated (Error)\n'), r.stderr);
  } finally {
    t.cleanup();
  }
});
