// Ingress as lesson 004 uses it, through the simulated ingress-nginx controller: the ADDRESS comes from the
// controller's LoadBalancer Service, requests from the workstation are routed by Host and path to the pods
// directly, unmatched hosts get nginx's 404 page, a backend with no endpoints 503, cookie affinity pins a
// client that sends the cookie back, rewrite-target rewrites the path the backend sees.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readState } from '../../src/store/store.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const KUBIA = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: kubia
spec:
  rules:
  - host: kubia.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: kubia
            port:
              number: 80
`;

const FOUR = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: four
spec:
  rules:
  - host: foo.example.com
    http:
      paths:
      - path: /a
        pathType: Prefix
        backend:
          service:
            name: foo-a
            port:
              number: 80
      - path: /b
        pathType: Exact
        backend:
          service:
            name: foo-b
            port:
              number: 80
  - host: "*.bar.example.com"
    http:
      paths:
      - path: /a
        pathType: Prefix
        backend:
          service:
            name: bar-a
            port:
              name: http
      - path: /
        pathType: Prefix
        backend:
          service:
            name: bar-b
            port:
              number: 80
  tls:
  - hosts: [foo.example.com]
    secretName: foo-tls
`;

const NOT_FOUND = '<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n';

describe('Ingress through the simulated ingress-nginx', () => {
  let c: InProcessCluster;
  let address = '';
  before(async () => {
    c = inProcessCluster();
    assert.equal((await c.run(['create', 'deployment', 'kubia', '--image=luksa/kubia', '--replicas=3'])).code, 0);
    assert.equal((await c.run(['expose', 'deployment', 'kubia', '--port=80', '--target-port=8080'])).code, 0);
  });
  after(() => c.cleanup());

  it('the first Ingress brings up the controller; its LoadBalancer IP becomes the ADDRESS', async () => {
    assert.equal((await c.run(['get', 'ns', 'ingress-nginx'])).code, 1);
    assert.equal((await c.run(['apply', '-f', '-'], { input: KUBIA })).stdout, 'ingress.networking.k8s.io/kubia created\n');
    const svc = await c.run(['get', 'svc', '-n', 'ingress-nginx', 'ingress-nginx-controller', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']);
    address = svc.stdout;
    assert.match(address, /^172\.18\.255\.2\d\d$/);
    const g = await c.run(['get', 'ingress']);
    assert.equal(g.stdout, `NAME    CLASS    HOSTS               ADDRESS          PORTS   AGE\nkubia   <none>   kubia.example.com   ${address}   80      0s\n`);
    const cls = await c.run(['get', 'ingressclass']);
    assert.equal(cls.stdout, 'NAME    CONTROLLER             PARAMETERS   AGE\nnginx   k8s.io/ingress-nginx   <none>       0s\n');
    const pods = await c.run(['get', 'pods', '-n', 'ingress-nginx']);
    assert.match(pods.stdout, /\ningress-nginx-controller-[a-z0-9]{8,10}-[a-z0-9]{5}   1\/1     Running   0          0s\n/);
  });

  it('kubia.example.com answers "You\'ve hit kubia-..." through the ingress address from the workstation', async () => {
    const r = await c.run(['curl', '-s', '-H', 'Host: kubia.example.com', `http://${address}/`]);
    assert.match(r.stdout, /^You've hit kubia-[a-z0-9]+-[a-z0-9]{5}\n$/);
    const viaResolve = await c.run(['curl', '-s', '--resolve', `kubia.example.com:80:${address}`, 'http://kubia.example.com/']);
    assert.match(viaResolve.stdout, /^You've hit kubia-/);
    // Without the Host header nothing matches: nginx's own 404 page.
    const miss = await c.run(['curl', '-s', '-i', '-H', 'Host: other.example.com', `http://${address}/`]);
    assert.match(miss.stdout, /^HTTP\/1\.1 404 Not Found\r\n/);
    assert.ok(miss.stdout.endsWith(`\r\n\r\n${NOT_FOUND}`), miss.stdout);
  });

  it('the controller forwards to the pod directly, not through the ClusterIP (trace)', async () => {
    const t = await c.run(['curl', '--trace', '-s', '-H', 'Host: kubia.example.com', `http://${address}/`]);
    assert.match(t.stderr, /app      ingress-nginx in pod ingress-nginx\/ingress-nginx-controller-\S+: Ingress default\/kubia rule host "kubia\.example\.com" path \/ \(Prefix\) -> service kubia port 80: endpoint 10\.244\.\d+\.\d+:8080 \(of 3 ready, straight to the pod, not via the ClusterIP\)\n/);
    assert.match(t.stderr, /source   pod ingress-nginx\/ingress-nginx-controller-\S+ connects from 10\.244\.\d+\.\d+ to 10\.244\.\d+\.\d+:8080\/TCP\n/);
    assert.doesNotMatch(t.stderr.split('app      ingress-nginx')[1], /ClusterIP of service/);
  });

  it('two hosts (one a wildcard) and two paths each route to four services; Exact and Prefix as the spec says', async () => {
    const backends = ['foo-a', 'foo-b', 'bar-a', 'bar-b']
      .map(
        (name) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  containers:
  - name: echo
    image: hashicorp/http-echo
    args: ["-text=${name}"]
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
  - ${name === 'bar-a' ? 'name: http\n    ' : ''}port: 80
    targetPort: 5678
`,
      )
      .join('---\n');
    const applied = await c.run(['apply', '-f', '-'], { input: backends });
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal((await c.run(['apply', '-f', '-'], { input: FOUR })).code, 0);
    const hit = async (host: string, path: string) => (await c.run(['curl', '-s', '-H', `Host: ${host}`, `http://${address}${path}`])).stdout;
    assert.equal(await hit('foo.example.com', '/a'), 'foo-a\n');
    assert.equal(await hit('foo.example.com', '/a/deeper'), 'foo-a\n');
    assert.equal(await hit('foo.example.com', '/b'), 'foo-b\n');
    assert.equal(await hit('foo.example.com', '/b/x'), NOT_FOUND);
    assert.equal(await hit('foo.example.com', '/abc'), NOT_FOUND);
    assert.equal(await hit('x.bar.example.com', '/a'), 'bar-a\n');
    assert.equal(await hit('y.bar.example.com', '/anything'), 'bar-b\n');
    assert.equal(await hit('a.b.bar.example.com', '/a'), NOT_FOUND);
    assert.equal(await hit('bar.example.com', '/'), NOT_FOUND);
    const g = await c.run(['get', 'ingress', 'four']);
    assert.equal(g.stdout, `NAME   CLASS    HOSTS                               ADDRESS          PORTS     AGE\nfour   <none>   foo.example.com,*.bar.example.com   ${address}   80, 443   0s\n`);
  });

  it('503 when the backend Service has no ready endpoints', async () => {
    assert.equal((await c.run(['scale', 'deployment', 'kubia', '--replicas=0'])).code, 0);
    const r = await c.run(['curl', '-s', '-i', '-H', 'Host: kubia.example.com', `http://${address}/`]);
    assert.match(r.stdout, /^HTTP\/1\.1 503 Service Temporarily Unavailable\r\n/);
    assert.match(r.stdout, /<center><h1>503 Service Temporarily Unavailable<\/h1><\/center>\n<hr><center>nginx<\/center>/);
    assert.equal((await c.run(['scale', 'deployment', 'kubia', '--replicas=3'])).code, 0);
  });

  it('cookie affinity keeps one pod for a client that sends the cookie back', async () => {
    assert.equal((await c.run(['annotate', 'ingress', 'kubia', 'nginx.ingress.kubernetes.io/affinity=cookie'])).code, 0);
    const first = await c.run(['curl', '-s', '-i', '-H', 'Host: kubia.example.com', `http://${address}/`]);
    const cookie = /\r\nSet-Cookie: (INGRESSCOOKIE=[^;]+); Path=\/; HttpOnly\r\n/.exec(first.stdout)?.[1];
    assert.ok(cookie, first.stdout);
    const pod = /You've hit (\S+)/.exec(first.stdout)![1];
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) seen.add(/You've hit (\S+)/.exec((await c.run(['curl', '-s', '-b', cookie, '-H', 'Host: kubia.example.com', `http://${address}/`])).stdout)![1]);
    assert.deepEqual([...seen], [pod]);
    // Without the cookie the controller spreads the requests again.
    const spread = new Set<string>();
    for (let i = 0; i < 12; i++) spread.add(/You've hit (\S+)/.exec((await c.run(['curl', '-s', '-H', 'Host: kubia.example.com', `http://${address}/`])).stdout)![1]);
    assert.ok(spread.size > 1, [...spread].join());
  });

  it('rewrite-target rewrites the path the backend sees; the backend gets X-Forwarded-For and X-Real-IP', async () => {
    assert.equal((await c.run(['run', 'echo', '--image=registry.k8s.io/e2e-test-images/agnhost:2.47', '--', 'netexec', '--http-port=8080'])).code, 0);
    assert.equal((await c.run(['expose', 'pod', 'echo', '--port=80', '--target-port=8080'])).code, 0);
    const ing = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: rewrite
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /$2
spec:
  ingressClassName: nginx
  rules:
  - host: rewrite.example.com
    http:
      paths:
      - path: /something(/|$)(.*)
        pathType: ImplementationSpecific
        backend:
          service:
            name: echo
            port:
              number: 80
`;
    assert.equal((await c.run(['apply', '-f', '-'], { input: ing })).code, 0);
    const t = await c.run(['curl', '--trace', '-s', '-H', 'Host: rewrite.example.com', `http://${address}/something/hostname`]);
    assert.match(t.stderr, /ingress-nginx: rewrite-target \/\$2: upstream path \/hostname\n/);
    assert.equal(t.stdout, 'echo');
    // The backend sees the workstation in X-Forwarded-For / X-Real-IP (the controller's Service keeps the
    // client IP: externalTrafficPolicy Local), and the controller pod as the TCP peer.
    const h = (key: string) => c.run(['curl', '-s', '-H', 'Host: rewrite.example.com', `http://${address}/something/header?key=${key}`]);
    assert.equal((await h('X-Forwarded-For')).stdout, '172.18.0.1');
    assert.equal((await h('X-Real-IP')).stdout, '172.18.0.1');
    const peer = (await c.run(['curl', '-s', '-H', 'Host: rewrite.example.com', `http://${address}/something/clientip`])).stdout;
    const ctrlIP = (await c.run(['get', 'pods', '-n', 'ingress-nginx', '-o', 'jsonpath={.items[0].status.podIP}'])).stdout;
    assert.match(peer, new RegExp(`^${ctrlIP.replace(/\./g, '\\.')}:\\d+$`));
  });

  it('describe ingress prints what the real kubectl prints for the same objects (TLS, wildcard host, named port, default class)', { skip: skipWithoutKubectl() }, async () => {
    const ours = await c.run(['describe', 'ingress', '-A']);
    assert.equal(ours.code, 0, ours.stderr);
    const ourClass = await c.run(['describe', 'ingressclass', 'nginx']);
    await withKubectl(readState(c.state)!, async (kubectl) => {
      const real = await kubectl(['describe', 'ingress', '-A'], { env: { TZ: 'UTC' } });
      assert.equal(real.code, 0, real.stderr);
      // Event ages: kubectl measures from the wall clock, kubesim from its fixed clock.
      const age = (t: string) => t.replace(/\S+ +(?=nginx-ingress-controller  )/g, 'AGE  ');
      assert.equal(age(ours.stdout), age(real.stdout));
      assert.match(ours.stdout, /\n  Normal  Sync    0s    nginx-ingress-controller  Scheduled for sync\n/);
      const realClass = await kubectl(['describe', 'ingressclass', 'nginx'], { env: { TZ: 'UTC' } });
      assert.equal(ourClass.stdout, realClass.stdout);
    });
  });
});
