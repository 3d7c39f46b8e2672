// NetworkPolicy as a user meets it: a default-deny policy makes clients time out (DROP, curl's exit 28 after
// its connect timeout on the simulated clock), an allow-from-label policy re-opens exactly the labelled
// clients, an egress default-deny without a DNS rule breaks name resolution, --trace names the policy and rule
// that decided; and `get`/`describe netpol` as the real kubectl prints the same objects.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readState } from '../../src/store/store.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

const ALLOW = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-kubia-clients
spec:
  podSelector:
    matchLabels:
      app: kubia
  ingress:
  - from:
    - podSelector:
        matchLabels:
          access: "true"
    ports:
    - port: 8080
`;

const EGRESS_DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-egress
  namespace: locked
spec:
  podSelector: {}
  policyTypes: [Egress]
`;

const ALLOW_DNS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns
  namespace: locked
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
`;

const RICH = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: rich
  namespace: locked
  labels:
    team: a
spec:
  podSelector:
    matchExpressions:
    - key: tier
      operator: In
      values: [web, api]
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          team: a
      podSelector:
        matchLabels:
          role: client
    - ipBlock:
        cidr: 172.18.0.0/16
        except: [172.18.0.1/32]
    ports:
    - port: http
    - port: 8000
      endPort: 8100
      protocol: TCP
  - {}
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/8
    ports:
    - port: 5432
  - ports:
    - port: 53
      protocol: UDP
`;

describe('NetworkPolicy through the CLI', () => {
  let c: InProcessCluster;
  before(async () => {
    c = inProcessCluster();
    assert.equal((await c.run(['create', 'deployment', 'kubia', '--image=luksa/kubia', '--replicas=2'])).code, 0);
    assert.equal((await c.run(['expose', 'deployment', 'kubia', '--port=80', '--target-port=8080'])).code, 0);
  });
  after(() => c.cleanup());

  it('a default-deny policy makes run --rm curl time out with curl: (28) after the connect timeout', async () => {
    assert.equal((await c.run(['run', '--rm', '-i', '--restart=Never', 'before', '--image=curlimages/curl', '--', 'curl', '-s', 'http://kubia'])).stdout.includes("You've hit kubia-"), true);
    const a = await c.run(['apply', '-f', '-'], { input: DENY });
    assert.equal(a.stdout, 'networkpolicy.networking.k8s.io/default-deny created\n');
    const r = await c.run(['run', '--rm', '-i', '--restart=Never', 'curl', '--image=curlimages/curl', '--', 'curl', '-sS', '--connect-timeout', '5', 'http://kubia']);
    assert.match(r.stderr, /curl: \(28\) Failed to connect to 10\.\d+\.\d+\.\d+ port 80 after 5001 ms: Timeout was reached\n/);
    assert.doesNotMatch(r.stdout, /You've hit/);
  });

  it('an allow-from-label policy re-opens exactly the labelled clients, and --trace names the rule', async () => {
    assert.equal((await c.run(['apply', '-f', '-'], { input: ALLOW })).code, 0);
    const ok = await c.run(['run', '--rm', '-i', '--restart=Never', 'labelled', '--image=curlimages/curl', '--labels=access=true', '--', 'curl', '-sS', '--connect-timeout', '5', 'http://kubia']);
    assert.match(ok.stdout, /^You've hit kubia-[a-z0-9]+-[a-z0-9]{5}\n/);
    const no = await c.run(['run', '--rm', '-i', '--restart=Never', 'other', '--image=curlimages/curl', '--labels=access=false', '--', 'curl', '-sS', '--connect-timeout', '5', 'http://kubia']);
    assert.match(no.stderr, /curl: \(28\) /);
    assert.equal((await c.run(['run', 'client', '--image=curlimages/curl', '--labels=access=true', '--', 'sleep', 'infinity'])).code, 0);
    const t = await c.run(['curl', '--from', 'pod/client', '--trace', '-s', 'http://kubia']);
    assert.match(t.stderr, /\n  policy   NetworkPolicy default\/allow-kubia-clients ingress rule #1 allows pod default\/client \(10\.244\.\d+\.\d+\) to pod default\/kubia-\S+ port 8080\/TCP\n/);
    assert.equal((await c.run(['run', 'stranger', '--image=curlimages/curl', '--', 'sleep', 'infinity'])).code, 0);
    const d = await c.run(['curl', '--from', 'pod/stranger', '--trace', '-sS', '--connect-timeout', '3', 'http://kubia']);
    assert.equal(d.code, 28);
    assert.match(d.stderr, /\n  policy   NetworkPolicy ingress of pod default\/kubia-\S+ \(isolated by allow-kubia-clients, default-deny\): no rule allows pod default\/stranger \(10\.244\.\d+\.\d+\) on port 8080\/TCP: dropped\n/);
    assert.match(d.stderr, /curl: \(28\) Failed to connect to 10\.\d+\.\d+\.\d+ port 80 after 3001 ms: Timeout was reached\n/);
  });

  it('egress default-deny without a DNS rule makes nslookup fail; allowing DNS to kube-dns fixes names only', async () => {
    assert.equal((await c.run(['create', 'namespace', 'locked'])).code, 0);
    assert.equal((await c.run(['apply', '-f', '-'], { input: EGRESS_DENY })).code, 0);
    const ns = await c.run(['run', '-n', 'locked', '--rm', '-i', '--restart=Never', 'dns', '--image=busybox', '--', 'nslookup', 'kubia.default']);
    assert.equal(ns.code, 1);
    assert.match(ns.stdout, /^;; connection timed out; no servers could be reached\n/);
    assert.equal((await c.run(['run', '-n', 'locked', 'bb', '--image=busybox', '--', 'sleep', 'infinity'])).code, 0);
    const cu = await c.run(['curl', '-n', 'locked', '--from', 'pod/bb', '--trace', '-sS', 'http://kubia.default']);
    assert.equal(cu.code, 6);
    assert.match(cu.stderr, /resolve  kubia\.default: the query to kube-dns 10\.96\.0\.10:53\/UDP went unanswered: NetworkPolicy egress of pod locked\/bb \(isolated by deny-egress\): no rule allows pod kube-system\/coredns-\S+ port 53\/UDP: dropped\n/);
    assert.match(cu.stderr, /curl: \(6\) Could not resolve host: kubia\.default\n/);

    assert.equal((await c.run(['apply', '-f', '-'], { input: ALLOW_DNS })).code, 0);
    const ok = await c.run(['exec', '-n', 'locked', 'bb', '--', 'nslookup', 'kubia.default']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Name:\tkubia\.default\.svc\.cluster\.local\nAddress: 10\.\d+\.\d+\.\d+\n/);
    const w = await c.run(['exec', '-n', 'locked', 'bb', '--', 'wget', '-T', '3', '-qO-', 'http://kubia.default']);
    assert.equal(w.code, 1);
    assert.equal(w.stderr, 'wget: download timed out\ncommand terminated with exit code 1\n');
  });

  it('get and describe netpol print as kubectl does (describe compared with the real kubectl)', { skip: skipWithoutKubectl() }, async () => {
    assert.equal((await c.run(['apply', '-f', '-'], { input: RICH })).code, 0);
    const ours = await c.run(['describe', 'netpol', '-A']);
    const oursGet = await c.run(['get', 'netpol', '-A', '-o', 'wide']);
    assert.equal(ours.code, 0, ours.stderr);
    // The API server's table for networkpolicies (the stub serves none, so kubectl there falls back to NAME/AGE).
    assert.equal(
      oursGet.stdout,
      'NAMESPACE   NAME                  POD-SELECTOR        AGE\ndefault     allow-kubia-clients   app=kubia           0s\ndefault     default-deny          <none>              0s\nlocked      allow-dns             <none>              0s\nlocked      deny-egress           <none>              0s\nlocked      rich                  tier in (api,web)   0s\n',
    );
    const state = readState(c.state)!;
    await withKubectl(state, async (kubectl) => {
      const real = await kubectl(['describe', 'netpol', '-A'], { env: { TZ: 'UTC' } });
      assert.equal(real.code, 0, real.stderr);
      assert.equal(ours.stdout, real.stdout);
    });
  });
});
