// The tools' own output formats: curl (errors, -v, -I, -w, progress meter), wget, ping, nslookup, ip.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NGINX_WELCOME } from '../../src/apps/servers.js';
import { tools } from './helpers.js';

describe('curl', () => {
  const { f, curlPod } = tools();

  it('prints nginx\'s welcome page; -I shows the headers with Server: nginx/<tag>', () => {
    assert.equal(curlPod(['curl', '-s', 'web']).stdout, NGINX_WELCOME);
    const head = curlPod(['curl', '-sI', 'http://web/']).stdout;
    assert.match(head, /^HTTP\/1\.1 200 OK\r\nServer: nginx\/1\.25\.0\r\nDate: Sun, 22 Nov 2026 01:30:00 GMT\r\nContent-Type: text\/html\r\nContent-Length: 615\r\n/);
    assert.ok(head.endsWith('\r\n\r\n'));
  });

  it('draws the progress meter on stderr when stdout is not a terminal', () => {
    const r = curlPod(['curl', 'web']);
    assert.equal(
      r.stderr,
      '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n' +
        '\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r100   615  100   615    0     0   600k      0 --:--:-- --:--:-- --:--:--  600k\n',
    );
    assert.equal(curlPod(['curl', '-s', 'web']).stderr, '');
  });

  it('refused, unresolved and timed out, with curl\'s exit codes', () => {
    f.service('none', { clusterIP: '10.96.77.78', selector: { app: 'x' }, ports: [{ port: 80 }] });
    assert.deepEqual(
      [curlPod(['curl', '-sS', 'none']).stderr, curlPod(['curl', '-sS', 'none']).code],
      ["curl: (7) Failed to connect to 10.96.77.78 port 80 after 0 ms: Couldn't connect to server\n", 7],
    );
    const nx = curlPod(['curl', '-s', 'nope.default']);
    assert.deepEqual([nx.code, nx.stderr], [6, '']);
    const t = curlPod(['curl', '-sS', 'web:81']);
    assert.equal(t.code, 28);
    assert.match(t.stderr, /^curl: \(28\) Failed to connect to 10\.96\.77\.77 port 81 after 13\d{4} ms: Couldn't connect to server\n$/);
    assert.ok(t.elapsedMs >= 130000);
    assert.equal(curlPod(['curl', '-sS', '-m', '5', 'web:81']).stderr, 'curl: (28) Connection timed out after 5001 milliseconds\n');
  });

  it('-w %{http_code}, -o /dev/null, -X, -H, -v', () => {
    assert.equal(curlPod(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'web/missing']).stdout, '404');
    assert.equal(curlPod(['curl', '-s', '-w', '%{http_code}\\n', 'http://none']).stdout, '000\n');
    const v = curlPod(['curl', '-sv', '-H', 'X-Test: 1', 'web']).stderr;
    assert.match(v, /^\*   Trying 10\.96\.77\.77:80\.\.\.\n\* Connected to web \(10\.96\.77\.77\) port 80 \(#0\)\n> GET \/ HTTP\/1\.1\n> Host: web\n> User-Agent: curl\/8\.2\.0\n> Accept: \*\/\*\n> X-Test: 1\n> \n< HTTP\/1\.1 200 OK\n/);
    assert.match(v, /\* Connection #0 to host web left intact\n$/);
    assert.match(curlPod(['curl', '-s', '-X', 'POST', 'web']).stdout, /405 Not Allowed/);
  });

  it('needs a URL', () => {
    assert.deepEqual(curlPod(['curl']), { code: 2, stdout: '', stderr: "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n", elapsedMs: 0 });
  });
});

describe('busybox tools', () => {
  const { f, sh } = tools();

  it('wget -qO- and its errors', () => {
    assert.equal(sh(['wget', '-qO-', 'http://web']).stdout, NGINX_WELCOME);
    assert.deepEqual([sh(['wget', '-qO-', 'http://nope']).stderr, sh(['wget', '-qO-', 'http://nope']).code], ["wget: bad address 'nope'\n", 1]);
    assert.equal(sh(['wget', '-qO-', 'http://web/x']).stderr, 'wget: server returned error: HTTP/1.1 404 Not Found\n');
  });

  it('ping -c answers from a pod, not from a ClusterIP', () => {
    const ok = sh(['ping', '-c', '2', f.podIP('web')]);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /^PING 10\.244\.1\.\d+ \(10\.244\.1\.\d+\): 56 data bytes\n64 bytes from .*seq=0 ttl=62 .*\n64 bytes .*seq=1 .*\n\n--- .* ping statistics ---\n2 packets transmitted, 2 packets received, 0% packet loss\nround-trip min\/avg\/max = /);
    assert.equal(sh(['ping', '-c', '1', 'web']).stdout, 'PING web (10.96.77.77): 56 data bytes\n\n--- web ping statistics ---\n1 packets transmitted, 0 packets received, 100% packet loss\n');
  });

  it('nslookup finds services and fails for unknown names', () => {
    assert.equal(sh(['nslookup', 'web']).stdout, 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.default.svc.cluster.local\nAddress: 10.96.77.77\n\n');
    const nx = sh(['nslookup', 'nope']);
    assert.equal(nx.code, 1);
    assert.match(nx.stdout, /\*\* server can't find nope: NXDOMAIN\n/);
  });

  it('ip addr shows eth0 with the pod IP and MTU 1450; /etc/hosts has the pod', () => {
    const ip = sh(['ip', 'addr']).stdout;
    assert.ok(ip.includes(`inet ${f.podIP('bb')}/24 `));
    assert.ok(ip.includes('mtu 1450'));
    assert.ok(sh(['cat', '/etc/hosts']).stdout.endsWith(`${f.podIP('bb')}\tbb\n`));
    assert.equal(sh(['cat', '/nope']).stderr, "cat: can't open '/nope': No such file or directory\n");
  });
});

describe('nc', () => {
  const { f, sh } = tools();
  it('-zv reports open, refused and timed out ports as busybox nc does', () => {
    assert.deepEqual([sh(['nc', '-zv', 'web', '80']).stderr, sh(['nc', '-zv', 'web', '80']).code], ['web (10.96.77.77:80) open\n', 0]);
    assert.equal(sh(['nc', '-zv', f.podIP('web'), '81']).stderr, `nc: ${f.podIP('web')} (${f.podIP('web')}:81): Connection refused\n`);
    const t = sh(['nc', '-zv', '-w', '2', 'web', '81']);
    assert.deepEqual([t.code, t.stderr, t.elapsedMs], [1, 'nc: web (10.96.77.77:81): Connection timed out\n', 2000]);
  });
});

describe('netshoot tools', () => {
  it('ping is iputils\' and nslookup is bind\'s', async () => {
    const { f } = tools();
    f.pod('ns', 'nicolaka/netshoot', { node: 'kind-worker3', container: { command: ['sleep', 'infinity'] } });
    const { shellIn } = await import('./helpers.js');
    const run = shellIn(f, 'ns');
    assert.equal(run(['ping', '-c', '1', 'web']).stdout, 'PING web (10.96.77.77) 56(84) bytes of data.\n\n--- web ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, time 0ms\n\n');
    assert.equal(run(['nslookup', 'web']).stdout, 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb.default.svc.cluster.local\nAddress: 10.96.77.77\n\n');
  });
});
