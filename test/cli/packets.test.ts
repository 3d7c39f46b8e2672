// The tools that show the packets: kube-proxy's iptables rules on a node (from the same topology the engine
// routes by), tcpdump during a curl, dig, traceroute, ss/netstat, conntrack, as a student runs them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { lessonCluster, type LessonCluster } from './netsupport.js';
import type { Fixture } from '../net/fixture.js';

/** kube-proxy's chain suffix, computed here independently: base32(sha256(text))[:16]. */
function kubeHash(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...createHash('sha256').update(text).digest()].map((b) => b.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i < 80; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

function setup(f: Fixture): void {
  ['kind-worker', 'kind-worker2', 'kind-worker3'].forEach((node, i) => f.pod(`web-${i}`, 'nginx', { node, labels: { app: 'web' } }));
  f.service('web', { clusterIP: '10.96.100.100', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' }] });
  f.service('web-np', { type: 'NodePort', clusterIP: '10.96.100.101', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80, nodePort: 30080, protocol: 'TCP' }] });
  f.service('nobody', { clusterIP: '10.96.100.102', selector: { app: 'nobody' }, ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }] });
  f.pod('shoot', 'nicolaka/netshoot', { node: 'kind-worker', container: { command: ['sleep', 'infinity'] } });
  f.pod('ag', 'registry.k8s.io/e2e-test-images/agnhost:2.39', { node: 'kind-worker2', container: { args: ['netexec', '--http-port=8080'] } });
  f.pod('cu', 'curlimages/curl', { node: 'kind-worker2', container: { command: ['sleep', 'infinity'] } });
}

const SVC = `KUBE-SVC-${kubeHash('default/web:httptcp')}`;

describe('packet tools', () => {
  let c: LessonCluster;
  before(() => {
    c = lessonCluster(setup);
  });
  after(() => c.t.cleanup());

  const onNode = (node: string, ...cmd: string[]) => c.t.run(['debug', `node/${node}`, '-it', '--image=nicolaka/netshoot', '--', ...cmd]);
  const inPod = (pod: string, script: string) => c.t.run(['exec', pod, '--', 'sh', '-c', script]);
  const body = (stdout: string) => stdout.replace(/^Creating debugging pod .*\n/, '');

  it('the chain hash is kube-proxy\'s (published kube-dns chain names)', () => {
    assert.equal(kubeHash('kube-system/kube-dns:dnsudp'), 'TCOU7JCQXEZGVUNU');
    assert.equal(kubeHash('default/kubernetes:httpstcp'), 'NPX46M4PTMTKRN6Y');
  });

  it('iptables -t nat -L KUBE-SERVICES -n lists a rule per service port with endpoints, NODEPORTS last', () => {
    const r = onNode('kind-worker', 'iptables', '-t', 'nat', '-L', 'KUBE-SERVICES', '-n');
    assert.equal(r.code, 0, r.stderr);
    const lines = body(r.stdout).split('\n');
    assert.equal(lines[0], 'Chain KUBE-SERVICES (2 references)');
    assert.equal(lines[1], 'target     prot opt source               destination         ');
    assert.ok(lines.includes(`${SVC}  tcp  --  0.0.0.0/0            10.96.100.100        /* default/web:http cluster IP */ tcp dpt:80`), r.stdout);
    assert.ok(lines.includes(`KUBE-SVC-${kubeHash('default/web-nptcp')}  tcp  --  0.0.0.0/0            10.96.100.101        /* default/web-np cluster IP */ tcp dpt:80`), r.stdout);
    assert.ok(lines.includes('KUBE-SVC-TCOU7JCQXEZGVUNU  udp  --  0.0.0.0/0            10.96.0.10           /* kube-system/kube-dns:dns cluster IP */ udp dpt:53'), r.stdout);
    // A Service without endpoints has no nat rule (the filter table rejects it).
    assert.doesNotMatch(r.stdout, /default\/nobody/);
    const rules = lines.slice(2).filter(Boolean);
    assert.match(rules[rules.length - 1], /^KUBE-NODEPORTS  all  --  0\.0\.0\.0\/0 {12}0\.0\.0\.0\/0 {12}\/\* kubernetes service nodeports; NOTE: this must be the last rule in this chain \*\/ ADDRTYPE match dst-type LOCAL$/);
  });

  it('the KUBE-SVC chain has one KUBE-SEP per ready endpoint with 1/3, 1/2, then unconditional', () => {
    const r = onNode('kind-worker', 'iptables', '-t', 'nat', '-L', SVC, '-n');
    assert.equal(r.code, 0, r.stderr);
    const eps = [c.ip('web-0'), c.ip('web-1'), c.ip('web-2')].map((ip) => `${ip}:80`).sort();
    const sep = (ep: string) => `KUBE-SEP-${kubeHash(`default/web:httptcp${ep}`)}`;
    assert.equal(
      body(r.stdout),
      `Chain ${SVC} (1 references)\n` +
        'target     prot opt source               destination         \n' +
        'KUBE-MARK-MASQ  tcp  -- !10.244.0.0/16        10.96.100.100        /* default/web:http cluster IP */ tcp dpt:80\n' +
        `${sep(eps[0])}  all  --  0.0.0.0/0            0.0.0.0/0            /* default/web:http -> ${eps[0]} */ statistic mode random probability 0.33333333349\n` +
        `${sep(eps[1])}  all  --  0.0.0.0/0            0.0.0.0/0            /* default/web:http -> ${eps[1]} */ statistic mode random probability 0.50000000000\n` +
        `${sep(eps[2])}  all  --  0.0.0.0/0            0.0.0.0/0            /* default/web:http -> ${eps[2]} */\n`,
    );
    const s = onNode('kind-worker', 'iptables', '-t', 'nat', '-S', sep(eps[0]));
    assert.equal(
      body(s.stdout),
      `-N ${sep(eps[0])}\n` +
        `-A ${sep(eps[0])} -s ${eps[0].split(':')[0]}/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ\n` +
        `-A ${sep(eps[0])} -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination ${eps[0]}\n`,
    );
  });

  it('a request lands on one of the DNAT targets the rules list', () => {
    const save = onNode('kind-worker', 'iptables-save', '-t', 'nat');
    assert.match(body(save.stdout), /^# Generated by iptables-save v1\.8\.10 \(nf_tables\) on \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n\*nat\n:PREROUTING ACCEPT \[0:0\]\n/);
    assert.match(save.stdout, /\nCOMMIT\n# Completed on /);
    assert.match(save.stdout, /-A KUBE-NODEPORTS -p tcp -m comment --comment "default\/web-np" -m tcp --dport 30080 -j KUBE-EXT-/);
    const targets = [...save.stdout.matchAll(/-m comment --comment "default\/web:http" -m tcp -j DNAT --to-destination (\S+)/g)].map((m) => m[1].split(':')[0]);
    assert.equal(targets.length, 3);
    const r = inPod('shoot', 'for i in 1 2 3 4 5 6; do curl -s web | grep -o "Welcome to nginx" >/dev/null && echo ok; done');
    assert.equal(r.stdout, 'ok\n'.repeat(6), r.stderr);
  });

  it('iptables in a pod sees its own empty tables; an unknown chain is an error', () => {
    const r = inPod('shoot', 'iptables -t nat -L -n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Chain PREROUTING (policy ACCEPT)\ntarget     prot opt source               destination         \n\nChain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n\nChain OUTPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n\nChain POSTROUTING (policy ACCEPT)\ntarget     prot opt source               destination         \n');
    const e = inPod('shoot', 'iptables -t nat -L KUBE-NOPE -n');
    assert.equal(e.code, 1);
    assert.equal(e.stderr, 'iptables: No chain/target/match by that name.\ncommand terminated with exit code 1\n');
  });

  it('tcpdump during a curl shows the SYN to the ClusterIP and the reply from it', () => {
    const r = inPod('shoot', 'tcpdump -i eth0 -n -c 10 port 80 & curl -s -o /dev/null web');
    assert.equal(r.code, 0, r.stderr);
    const ip = c.ip('shoot').replace(/\./g, '\\.');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 10, r.stdout);
    assert.match(lines[0], new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{6} IP ${ip}\\.(\\d+) > 10\\.96\\.100\\.100\\.80: Flags \\[S\\], seq \\d+, win 64860, options \\[mss 1410,sackOK,TS val \\d+ ecr 0,nop,wscale 7\\], length 0$`));
    assert.match(lines[1], new RegExp(`IP 10\\.96\\.100\\.100\\.80 > ${ip}\\.\\d+: Flags \\[S\\.\\], seq \\d+, ack \\d+,`));
    assert.match(lines[2], /Flags \[\.\], ack 1, win 507/);
    assert.match(lines[3], /Flags \[P\.\], seq 1:\d+, ack 1, .*: HTTP: GET \/ HTTP\/1\.1$/);
    assert.match(lines[5], /IP 10\.96\.100\.100\.80 > .*Flags \[P\.\], seq 1:\d+, .*: HTTP: HTTP\/1\.1 200 OK$/);
    assert.match(lines[7], /Flags \[F\.\]/);
    // DNAT happens on the node: the pod never sees the endpoint's address.
    for (const n of [0, 1, 2]) assert.ok(!r.stdout.includes(`${c.ip(`web-${n}`)}.80`), r.stdout);
    assert.equal(r.stderr, 'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\nlistening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n10 packets captured\n10 packets received by filter\n0 packets dropped by kernel\n');
  });

  it('tcpdump shows the DNS query to kube-dns and a refused connection as SYN then RST', () => {
    const r = inPod('shoot', 'tcpdump -n -c 6 & curl -s nobody; true');
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /> 10\.96\.0\.10\.53: \d+\+ A\? nobody\.default\.svc\.cluster\.local\. \(50\)$/);
    assert.match(lines[2], /IP 10\.96\.0\.10\.53 > .*: \d+\*- 1\/0\/0 A 10\.96\.100\.102 \(66\)$/);
    assert.match(lines[4], /> 10\.96\.100\.102\.80: Flags \[S\]/);
    assert.match(lines[5], /IP 10\.96\.100\.102\.80 > .*: Flags \[R\.\], seq 0, ack \d+, win 0, length 0$/);
  });

  // BIND lays fields out at tab stops (class at column 32): a 31-character question reaches it with one tab.
  it('dig answers as CoreDNS does, in dig\'s layout', () => {
    const r = inPod('shoot', 'dig +short web.default.svc.cluster.local; dig web.default.svc.cluster.local; dig nope.default.svc.cluster.local | grep status');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith('10.96.100.100\n\n; <<>> DiG 9.18.27 <<>> web.default.svc.cluster.local\n;; global options: +cmd\n;; Got answer:\n'), r.stdout);
    assert.match(r.stdout, /;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n;; WARNING: recursion requested but not available\n/);
    assert.match(r.stdout, /;; QUESTION SECTION:\n;web\.default\.svc\.cluster\.local\.\tIN\tA\n\n;; ANSWER SECTION:\nweb\.default\.svc\.cluster\.local\. 30 IN\tA\t10\.96\.100\.100\n/);
    assert.match(r.stdout, /;; SERVER: 10\.96\.0\.10#53\(10\.96\.0\.10\) \(UDP\)\n/);
    assert.match(r.stdout, /status: NXDOMAIN/);
  });

  it('images without a tool say so; busybox has traceroute and netstat', () => {
    const r = inPod('cu', 'dig web');
    assert.equal(r.code, 127);
    assert.equal(r.stderr.split('\n')[0], 'sh: dig: not found');
    const n = inPod('ag', 'netstat -tlnp');
    assert.equal(
      n.stdout,
      'Active Internet connections (only servers)\n' +
        'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    \n' +
        'tcp        0      0 0.0.0.0:8080            0.0.0.0:*               LISTEN      1/agnhost\n',
    );
  });

  it('traceroute walks the simulated path: own node, the other node, the pod', () => {
    const r = inPod('shoot', `traceroute -n ${c.ip('web-2')}`);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], `traceroute to ${c.ip('web-2')} (${c.ip('web-2')}), 30 hops max, 46 byte packets`);
    assert.match(lines[1], /^ 1  10\.244\.1\.1  0\.\d{3} ms  0\.\d{3} ms  0\.\d{3} ms$/);
    assert.match(lines[2], /^ 2  172\.18\.0\.5  /);
    assert.match(lines[3], new RegExp(`^ 3  ${c.ip('web-2').replace(/\./g, '\\.')}  `));
    assert.equal(lines.length, 5);
  });

  it('ss on a node lists the kubelet; conntrack shows the NAT of the curl just made', () => {
    const s = onNode('kind-worker', 'ss', '-tlnp');
    assert.match(body(s.stdout), /^State +Recv-Q Send-Q Local Address:Port +Peer Address:PortProcess\n/);
    assert.match(s.stdout, /\n\S+ +0 +4096 +\*:10250 +\*:\* +users:\(\("kubelet",pid=\d+,fd=\d+\)\)\n/);
    inPod('shoot', 'curl -s -o /dev/null 10.96.100.100');
    const r = onNode('kind-worker', 'conntrack', '-L', '-d', '10.96.100.100');
    assert.equal(r.code, 0, r.stderr);
    const ip = c.ip('shoot').replace(/\./g, '\\.');
    assert.match(body(r.stdout), new RegExp(`^tcp      6 120 TIME_WAIT src=${ip} dst=10\\.96\\.100\\.100 sport=(\\d+) dport=80 src=10\\.244\\.\\d+\\.\\d+ dst=${ip} sport=80 dport=\\1 \\[ASSURED\\] mark=0 use=1\\n`));
    assert.match(r.stderr, /conntrack v1\.4\.8 \(conntrack-tools\): \d+ flow entries have been shown\.\n/);
  });
});
