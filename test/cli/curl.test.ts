// `kubesim curl`: from the workstation to NodePorts on every node, externalTrafficPolicy Local, --trace.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lessonCluster, lessonsSetup, type LessonCluster } from './netsupport.js';

const NODE_IPS = ['172.18.0.2', '172.18.0.3', '172.18.0.4', '172.18.0.5'];

describe('kubesim curl', () => {
  let c: LessonCluster;
  before(() => {
    c = lessonCluster(lessonsSetup);
  });
  after(() => c.t.cleanup());

  it('a NodePort answers on every node IP from the workstation', () => {
    for (const ip of NODE_IPS) {
      const r = c.t.run(['curl', '-s', `http://${ip}:30123`]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "You've hit kubia\n");
    }
  });

  it('externalTrafficPolicy Local shows the real client IP, and times out on a node without a local pod', () => {
    c.t.run(['curl', '-s', 'http://172.18.0.3:30124']);
    const logs = c.t.run(['logs', 'kubia', '--tail=1']);
    assert.equal(logs.stdout, 'Received request from ::ffff:172.18.0.1\n');
    const r = c.t.run(['curl', '-sS', '--connect-timeout', '3', 'http://172.18.0.4:30124']);
    assert.equal(r.code, 28);
    assert.equal(r.stderr, 'curl: (28) Failed to connect to 172.18.0.4 port 30124 after 3001 ms: Timeout was reached\n');
  });

  it('the workstation cannot reach ClusterIPs or pod IPs, nor resolve cluster names', () => {
    assert.equal(c.t.run(['curl', '-sS', '-m', '2', 'http://10.96.120.5']).stderr, 'curl: (28) Connection timed out after 2001 milliseconds\n');
    const dns = c.t.run(['curl', 'http://demo-service.dev']);
    assert.equal(dns.code, 6);
    assert.match(dns.stderr, /curl: \(6\) Could not resolve host: demo-service\.dev\n$/);
  });

  it('--from pod/NAME and --from node/NAME, with -w and -i', () => {
    const r = c.t.run(['curl', '--from', 'pod/jumpbox', '-s', '-o', '/dev/null', '-w', '%{http_code}\\n', `http://${c.ip('kiada')}:8080`]);
    assert.equal(r.stdout, '200\n');
    const h = c.t.run(['curl', '--from', 'node/kind-worker', '-si', `http://${c.ip('jumpbox')}/nope`]);
    assert.match(h.stdout, /^HTTP\/1\.1 404 Not Found\r\nServer: nginx\/1\.27\.3\r\n/);
    assert.match(h.stdout, /<hr><center>nginx\/1\.27\.3<\/center>\n<\/body>\n<\/html>\n$/);
  });

  it('several URLs to the same host reuse one connection (same backend)', () => {
    const r = c.t.run(['curl', '--from', 'pod/bb', '-s', 'http://demo-service.dev/a', 'http://demo-service.dev/b', 'http://demo-service.dev/c']);
    const pods = new Set(r.stdout.trim().split('\n').map((l) => l.split(' ')[2]));
    assert.equal(pods.size, 1);
  });

  it('--trace explains why a NodePort on a node without a local pod drops', () => {
    const r = c.t.run(['curl', '--trace', '-s', '--connect-timeout', '1', 'http://172.18.0.4:30124']);
    assert.match(r.stderr, /externalTrafficPolicy Local: node kind-worker2 has no local endpoint of default\/kubia-local; kube-proxy DROPs/);
  });
});
