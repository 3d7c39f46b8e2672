// The engine stage by stage and whole walks, against the reference's kube-proxy and DNS facts (§8, §9).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connect, ping, request, resolveName, type Client } from '../../src/net/engine.js';
import { forwardToPod, fromWorkstation } from '../../src/net/index.js';
import { fixture, GET } from './fixture.js';

const body = (o: ReturnType<typeof request>) => (o.kind === 'answered' ? o.response.body : `<${o.kind}>`);

function kiadaCluster() {
  const f = fixture();
  f.pod('kiada', 'luksa/kiada:0.1', { node: 'kind-worker2', labels: { app: 'kiada' } });
  f.pod('client', 'curlimages/curl', { node: 'kind-worker', container: { command: ['sleep', 'infinity'] } });
  return f;
}

function podClient(f: ReturnType<typeof fixture>, name: string, ns = 'default'): Client {
  const pod = f.net().topo.podByKey.get(`${ns}/${name}`);
  assert.ok(pod, `pod ${ns}/${name} in topology`);
  return { kind: 'pod', pod };
}

describe('pod to pod', () => {
  it('reaches the app on its pod IP and the app sees the client pod IP', () => {
    const f = kiadaCluster();
    const net = f.net();
    const out = request(net, podClient(f, 'client'), f.podIP('kiada'), 8080, GET());
    assert.equal(body(out), `Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:${f.podIP('client')}\n`);
    assert.deepEqual(f.state.logs['default/kiada/kiada'].map((l) => l.line), [`Received request for / from ::ffff:${f.podIP('client')}`]);
  });

  it('refuses a port nobody listens on, whatever containerPort says', () => {
    const f = fixture();
    f.pod('kiada', 'luksa/kiada:0.1', { node: 'kind-worker', container: { ports: [{ containerPort: 9999 }] } });
    f.pod('client', 'busybox', { node: 'kind-worker2', container: { command: ['sleep', 'infinity'] } });
    const net = f.net();
    assert.equal(request(net, { kind: 'pod', pod: net.topo.podByKey.get('default/client')! }, f.podIP('kiada'), 9999, GET()).kind, 'refused');
    assert.equal(request(net, { kind: 'pod', pod: net.topo.podByKey.get('default/client')! }, f.podIP('kiada'), 8080, GET()).kind, 'answered');
  });

  it('times out towards a pod IP nobody has', () => {
    const f = kiadaCluster();
    assert.equal(request(f.net(), podClient(f, 'client'), '10.244.2.250', 80, GET()).kind, 'timeout');
  });
});

describe('node to pod', () => {
  it('from the node hosting the pod, the app sees the node gateway 10.244.N.1', () => {
    const f = kiadaCluster();
    const net = f.net();
    const node = net.topo.nodeByName.get('kind-worker2')!;
    const out = request(net, { kind: 'node', node }, f.podIP('kiada'), 8080, GET());
    assert.match(body(out), /Client IP: ::ffff:10\.244\.2\.1\n$/);
  });

  it('from another node, the app sees that node InternalIP', () => {
    const f = kiadaCluster();
    const net = f.net();
    const node = net.topo.nodeByName.get('kind-worker')!;
    assert.match(body(request(net, { kind: 'node', node }, f.podIP('kiada'), 8080, GET())), new RegExp(`::ffff:${node.internalIP.replace(/\./g, '\\.')}\\n$`));
  });
});

describe('ClusterIP services', () => {
  function svcCluster() {
    const f = fixture();
    for (let i = 0; i < 5; i++) f.pod(`demo-${i}`, 'demo:1.0.0', { ns: 'dev', labels: { app: 'demo' }, node: `kind-worker${i % 3 === 0 ? '' : (i % 3) + 1}` });
    f.pod('jumpbox', 'nginx', { ns: 'default', node: 'kind-worker' });
    f.service('demo-service', { clusterIP: '10.96.100.10', clusterIPs: ['10.96.100.10'], selector: { app: 'demo' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }, { ns: 'dev' });
    f.service('empty', { clusterIP: '10.96.100.11', selector: { app: 'none' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
    return f;
  }

  it('resolves demo-service.dev from another namespace and spreads new connections over all ready endpoints', () => {
    const f = svcCluster();
    const net = f.net();
    const client = podClient(f, 'jumpbox');
    const seen = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      const out = request(net, client, 'demo-service.dev', 80, GET());
      assert.equal(out.kind, 'answered');
      const m = /^Hello from (\S+) at (\S+) back to (\S+)\n$/.exec(body(out))!;
      assert.equal(m[3], f.podIP('jumpbox'));
      seen.set(m[1], (seen.get(m[1]) ?? 0) + 1);
    }
    assert.equal(seen.size, 5);
  });

  it('ClientIP affinity sends every connection from one client to one endpoint', () => {
    const f = svcCluster();
    f.service('sticky', { clusterIP: '10.96.100.12', selector: { app: 'demo' }, sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 8080 }] }, { ns: 'dev' });
    const net = f.net();
    const client = podClient(f, 'jumpbox');
    const hosts = new Set<string>();
    for (let i = 0; i < 100; i++) hosts.add(body(request(net, client, 'sticky.dev.svc.cluster.local', 80, GET())).split(' ')[2]);
    assert.equal(hosts.size, 1);
    assert.equal(Object.keys(f.state.net.affinity).length, 1);
  });

  it('affinity expires after its timeout', () => {
    const f = svcCluster();
    f.service('sticky', { clusterIP: '10.96.100.12', selector: { app: 'demo' }, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10 } }, ports: [{ port: 80, targetPort: 8080 }] }, { ns: 'dev' });
    const client = podClient(f, 'jumpbox');
    const hosts = new Set<string>();
    for (let i = 0; i < 40; i++) {
      f.clock.ms += 11_000;
      hosts.add(body(request(f.net(), client, 'sticky.dev', 80, GET())).split(' ')[2]);
    }
    assert.ok(hosts.size > 1);
  });

  it('a service with no endpoints refuses at once; an undeclared port times out', () => {
    const f = svcCluster();
    const net = f.net();
    const client = podClient(f, 'jumpbox');
    const refused = request(net, client, 'empty', 80, GET());
    assert.equal(refused.kind, 'refused');
    assert.ok(refused.trace.some((h) => /has no endpoints/.test(h.text)));
    assert.equal(request(net, client, '10.96.100.10', 81, GET()).kind, 'timeout');
  });

  it('ClusterIPs do not answer ping; pod IPs do', () => {
    const f = svcCluster();
    const net = f.net();
    const client = podClient(f, 'jumpbox');
    assert.equal(ping(net, client, '10.96.100.10').reply, false);
    assert.equal(ping(net, client, f.podIP('demo-0', 'dev')).reply, true);
  });

  it('hairpin: a pod reaching itself through its service sees its node gateway', () => {
    const f = fixture();
    f.pod('solo', 'demo:1', { labels: { app: 's' }, node: 'kind-worker3' });
    f.service('solo', { clusterIP: '10.96.7.7', selector: { app: 's' }, ports: [{ port: 80, targetPort: 8080 }] });
    const out = request(f.net(), podClient(f, 'solo'), 'solo.default.svc.cluster.local', 80, GET());
    assert.match(body(out), /back to 10\.244\.3\.1\n$/);
  });

  it('internalTrafficPolicy Local drops when the client node has no endpoint', () => {
    const f = fixture();
    f.pod('web', 'nginx', { labels: { app: 'w' }, node: 'kind-worker' });
    f.pod('c1', 'busybox', { node: 'kind-worker', container: { command: ['sleep', 'infinity'] } });
    f.pod('c2', 'busybox', { node: 'kind-worker2', container: { command: ['sleep', 'infinity'] } });
    f.service('web', { clusterIP: '10.96.8.8', selector: { app: 'w' }, internalTrafficPolicy: 'Local', ports: [{ port: 80 }] });
    const net = f.net();
    assert.equal(request(net, podClient(f, 'c1'), 'web', 80, GET()).kind, 'answered');
    assert.equal(request(net, podClient(f, 'c2'), 'web', 80, GET()).kind, 'timeout');
  });
});

describe('external traffic', () => {
  function npCluster(policy: 'Cluster' | 'Local') {
    const f = fixture();
    f.pod('kubia', 'luksa/kubia', { labels: { app: 'kubia' }, node: 'kind-worker' });
    f.service('kubia-nodeport', { type: 'NodePort', clusterIP: '10.96.9.9', externalTrafficPolicy: policy, selector: { app: 'kubia' }, ports: [{ port: 80, targetPort: 8080, nodePort: 30123 }] });
    f.pod('client', 'curlimages/curl', { node: 'kind-worker2', container: { command: ['sleep', 'infinity'] } });
    return f;
  }

  it('a NodePort answers on every node IP from the workstation; the pod sees a node address', () => {
    const f = npCluster('Cluster');
    const net = f.net();
    for (const n of net.topo.nodes) {
      const out = fromWorkstation(net, n.internalIP, 30123, GET());
      assert.equal(body(out), 'You\'ve hit kubia\n', n.name);
      const last = f.state.logs['default/kubia/kubia'].at(-1)!.line;
      assert.equal(last, `Received request from ::ffff:${n.name === 'kind-worker' ? '10.244.1.1' : n.internalIP}`);
    }
  });

  it('externalTrafficPolicy Local keeps the client IP and times out on a node without a local pod', () => {
    const f = npCluster('Local');
    const net = f.net();
    const local = net.topo.nodeByName.get('kind-worker')!;
    const other = net.topo.nodeByName.get('kind-worker3')!;
    assert.equal(fromWorkstation(net, local.internalIP, 30123, GET()).kind, 'answered');
    assert.equal(f.state.logs['default/kubia/kubia'].at(-1)!.line, `Received request from ::ffff:${net.topo.workstationIP}`);
    assert.equal(fromWorkstation(net, other.internalIP, 30123, GET()).kind, 'timeout');
    // Pods short-circuit to all endpoints and keep their IP.
    assert.equal(request(net, podClient(f, 'client'), other.internalIP, 30123, GET()).kind, 'answered');
  });

  it('the workstation reaches LoadBalancer IPs but not ClusterIPs or pod IPs (unless the cluster routes them)', () => {
    const f = fixture();
    f.pod('web', 'nginx:1.25.0-bullseye', { labels: { app: 'web' }, node: 'kind-worker2' });
    f.service('web', { type: 'LoadBalancer', clusterIP: '10.96.3.3', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 31000 }] }, { status: { loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } } });
    const net = f.net();
    const out = fromWorkstation(net, '172.18.255.200', 80, GET());
    assert.equal(out.kind, 'answered');
    if (out.kind === 'answered') assert.deepEqual(out.response.headers[0], ['Server', 'nginx/1.25.0']);
    assert.equal(fromWorkstation(net, '10.96.3.3', 80, GET()).kind, 'timeout');
    assert.equal(fromWorkstation(net, f.podIP('web'), 80, GET()).kind, 'timeout');
    f.state.cluster.workstationReachesPods = true;
    assert.equal(fromWorkstation(f.net(), f.podIP('web'), 80, GET()).kind, 'answered');
  });
});

describe('sockets and port-forward', () => {
  it('port-forward arrives on the loopback from 127.0.0.1', () => {
    const f = kiadaCluster();
    const out = forwardToPod(f.net(), 'default', 'kiada', 8080, GET());
    assert.equal(body(out), 'Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:127.0.0.1\n');
  });

  it('inside a pod, a connection to localhost comes from 127.0.0.1, not from the pod IP', () => {
    const f = kiadaCluster();
    const net = f.net();
    const out = request(net, podClient(f, 'kiada'), '127.0.0.1', 8080, GET());
    assert.equal(body(out), 'Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:127.0.0.1\n');
  });

  it('an app bound to loopback only is reachable by port-forward but refused on the pod IP; pod-IP-only the reverse', () => {
    const f = fixture();
    f.pod('lo', 'hashicorp/http-echo', { node: 'kind-worker', container: { args: ['-text=hi', '-listen=127.0.0.1:5678'] } });
    f.pod('eth', 'hashicorp/http-echo', { node: 'kind-worker', container: { args: ['-text=hi'] } });
    f.pod('c', 'busybox', { node: 'kind-worker2', container: { command: ['sleep', 'infinity'] } });
    const net = f.net();
    assert.equal(body(forwardToPod(net, 'default', 'lo', 5678, GET())), 'hi\n');
    assert.equal(request(net, podClient(f, 'c'), f.podIP('lo'), 5678, GET()).kind, 'refused');
    assert.equal(body(request(net, podClient(f, 'c'), f.podIP('eth'), 5678, GET())), 'hi\n');
    assert.equal(forwardToPod(net, 'default', 'nosuch', 5678, GET()).kind, 'refused');
  });
});

describe('DNS', () => {
  it('follows the search path, ndots:5, headless, ExternalName and pod A records; the workstation knows no cluster names', () => {
    const f = fixture();
    f.pod('a', 'demo:1', { labels: { app: 'a' }, node: 'kind-worker' });
    f.pod('b', 'demo:1', { labels: { app: 'a' }, node: 'kind-worker2' });
    f.service('kubia', { clusterIP: '10.96.45.10', selector: { app: 'a' }, ports: [{ port: 80, targetPort: 8080 }] });
    f.service('headless', { clusterIP: 'None', selector: { app: 'a' }, ports: [{ port: 80, targetPort: 8080 }] });
    f.service('ext', { type: 'ExternalName', externalName: 'kubia.default.svc.cluster.local' });
    const net = f.net();
    const c = podClient(f, 'a');
    const ok = (name: string) => {
      const r = resolveName(net, c, name).answer;
      return r.kind === 'ok' ? r.addresses.join(',') : 'NX';
    };
    assert.equal(ok('kubia'), '10.96.45.10');
    assert.equal(ok('kubia.default'), '10.96.45.10');
    assert.equal(ok('kubia.default.svc.cluster.local'), '10.96.45.10');
    assert.equal(ok('kubia.other'), 'NX');
    assert.equal(ok('headless').split(',').sort().join(','), [f.podIP('a'), f.podIP('b')].sort().join(','));
    assert.equal(ok('ext'), '10.96.45.10');
    assert.equal(ok(`${f.podIP('b').replace(/\./g, '-')}.default.pod.cluster.local`), f.podIP('b'));
    assert.equal(ok('a'), f.podIP('a'));
    assert.equal(resolveName(net, { kind: 'workstation' }, 'kubia').answer.kind, 'nxdomain');
  });
});

describe('connections', () => {
  it('an open connection keeps its backend (keep-alive), new connections choose again', () => {
    const f = fixture();
    for (let i = 0; i < 4; i++) f.pod(`k${i}`, 'luksa/kubia', { labels: { app: 'k' }, node: 'kind-worker' });
    f.pod('c', 'busybox', { node: 'kind-worker', container: { command: ['sleep', 'infinity'] } });
    f.service('k', { clusterIP: '10.96.1.1', selector: { app: 'k' }, ports: [{ port: 80, targetPort: 8080 }] });
    const net = f.net();
    const c = connect(net, podClient(f, 'c'), '10.96.1.1', 80);
    assert.equal(c.kind, 'connected');
    if (c.kind !== 'connected') return;
    const t = c.conn.target;
    assert.equal(t.kind, 'pod');
    assert.equal(c.conn.backendPort, 8080);
  });

  it('with a fixed seed the choices repeat exactly', () => {
    const run = () => {
      const f = fixture(42);
      for (let i = 0; i < 5; i++) f.pod(`k${i}`, 'luksa/kubia', { labels: { app: 'k' } });
      f.pod('c', 'busybox', { container: { command: ['sleep', 'infinity'] } });
      f.service('k', { clusterIP: '10.96.1.1', selector: { app: 'k' }, ports: [{ port: 80, targetPort: 8080 }] });
      const net = f.net();
      const client = podClient(f, 'c');
      return Array.from({ length: 30 }, () => body(request(net, client, 'k', 80, GET()))).join('');
    };
    assert.equal(run(), run());
  });
});

describe('cluster DNS availability', () => {
  it('without a ready CoreDNS endpoint, cluster names do not resolve (IPs still work)', () => {
    const f = kiadaCluster();
    f.service('kiada', { clusterIP: '10.96.33.33', selector: { app: 'kiada' }, ports: [{ port: 80, targetPort: 8080 }] });
    const net0 = f.net();
    assert.equal(request(net0, podClient(f, 'client'), 'kiada', 80, GET()).kind, 'answered');
    // kube-proxy reads the slices: empty the kube-dns ones.
    const slices = Object.values(f.state.objects.view<any>('endpointslices')).filter((s: any) => s.metadata.labels?.['kubernetes.io/service-name'] === 'kube-dns');
    assert.ok(slices.length > 0);
    for (const s of slices as { endpoints?: unknown[] }[]) s.endpoints = [];
    const net = f.net();
    const out = request(net, podClient(f, 'client'), 'kiada', 80, GET());
    assert.equal(out.kind, 'unresolved');
    assert.match(out.trace[0].text, /kube-dns Service has no ready CoreDNS endpoint/);
    assert.equal(request(net, podClient(f, 'client'), '10.96.33.33', 80, GET()).kind, 'answered');
  });
});
