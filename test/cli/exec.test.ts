// `kubesim exec`: lesson 002's jumpbox reaching demo-service.dev across namespaces, spreading and affinity,
// exit codes and the runtime's messages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lessonCluster, lessonsSetup, type LessonCluster } from './netsupport.js';

describe('exec', () => {
  let c: LessonCluster;
  before(() => {
    c = lessonCluster(lessonsSetup);
  });
  after(() => c.t.cleanup());

  it('exec -it jumpbox -- curl http://demo-service.dev reaches a demo pod from another namespace', () => {
    const r = c.t.run(['exec', '-it', 'jumpbox', '--', 'curl', 'http://demo-service.dev']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Hello from demo-58465f467c-\\w{5} at 10\\.244\\.\\d+\\.\\d+ back to ${c.ip('jumpbox').replace(/\./g, '\\.')}\\n$`));
    // No TTY from a pipe: kubectl says so, and curl (stdout not a terminal) draws its progress meter.
    assert.ok(r.stderr.startsWith('Unable to use a TTY - input is not a terminal or the right kind of file\n  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n'));
  });

  it('100 requests spread over all 5 pods; the ClientIP-affinity service sends all 100 to one', () => {
    const loop = (svc: string) => c.t.run(['exec', 'jumpbox', '--', 'sh', '-c', `for i in $(seq 1 100); do curl -s http://${svc}.dev; done`]);
    const spread = loop('demo-service');
    assert.equal(spread.code, 0, spread.stderr);
    const lines = spread.stdout.trim().split('\n');
    assert.equal(lines.length, 100);
    assert.equal(new Set(lines.map((l) => l.split(' ')[2])).size, 5);
    const sticky = loop('demo-sticky');
    assert.equal(new Set(sticky.stdout.trim().split('\n').map((l) => l.split(' ')[2])).size, 1);
  });

  it('a failing command: command terminated with exit code N, and kubectl exits N', () => {
    const r = c.t.run(['exec', 'jumpbox', '--', 'curl', '-sS', 'http://empty']);
    assert.equal(r.code, 7);
    assert.equal(r.stderr, "curl: (7) Failed to connect to 10.96.45.10 port 80 after 0 ms: Couldn't connect to server\ncommand terminated with exit code 7\n");
  });

  it('ping to a ClusterIP gets no reply; a pod IP answers', () => {
    const r = c.t.run(['exec', 'bb', '--', 'ping', '-c', '2', '10.96.120.5']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'PING 10.96.120.5 (10.96.120.5): 56 data bytes\n\n--- 10.96.120.5 ping statistics ---\n2 packets transmitted, 0 packets received, 100% packet loss\n');
    assert.equal(r.stderr, 'command terminated with exit code 1\n');
    const ok = c.t.run(['exec', 'bb', '--', 'ping', '-c', '1', c.ip('kiada')]);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /64 bytes from 10\.244\.\d+\.\d+: seq=0 ttl=62 time=\d\.\d{3} ms\n/);
  });

  it('a binary the image lacks: the runtime\'s exec error, exit 1', () => {
    const r = c.t.run(['exec', 'bb', '--', 'curl', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in \$PATH: unknown\n$/);
  });

  it('busybox tools: nslookup, wget, env, resolv.conf', () => {
    const ns = c.t.run(['exec', 'bb', '--', 'nslookup', 'demo-service.dev']);
    assert.equal(ns.stdout, 'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tdemo-service.dev.svc.cluster.local\nAddress: 10.96.120.5\n\n');
    const w = c.t.run(['exec', 'bb', '--', 'wget', '-qO-', `http://${c.ip('kiada')}:8080/`]);
    assert.match(w.stdout, /^Kiada version 0\.1/);
    const rc = c.t.run(['exec', 'bb', '--', 'cat', '/etc/resolv.conf']);
    assert.equal(rc.stdout, 'search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    const env = c.t.run(['exec', 'bb', '--', 'sh', '-c', 'env | grep ^KUBERNETES_ | sort']);
    assert.equal(env.stdout, 'KUBERNETES_PORT=tcp://10.96.0.1:443\nKUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443\nKUBERNETES_PORT_443_TCP_ADDR=10.96.0.1\nKUBERNETES_PORT_443_TCP_PORT=443\nKUBERNETES_PORT_443_TCP_PROTO=tcp\nKUBERNETES_SERVICE_HOST=10.96.0.1\nKUBERNETES_SERVICE_PORT=443\nKUBERNETES_SERVICE_PORT_HTTPS=443\n');
  });

  it('usage: exec without -- and without a command', () => {
    const a = c.t.run(['exec', 'bb', 'ls']);
    assert.equal(a.stderr, "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n");
    const b = c.t.run(['exec', 'bb']);
    assert.equal(b.stderr, 'error: you must specify at least one command for the container\n');
    const n = c.t.run(['exec', 'nosuch', '--', 'ls']);
    assert.equal(n.stderr, 'Error from server (NotFound): pods "nosuch" not found\n');
  });

  it('--trace explains the hops on stderr', () => {
    const r = c.t.run(['exec', 'jumpbox', '--trace', '--', 'curl', '-s', 'http://demo-service.dev']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /\[trace\] curl http:\/\/demo-service\.dev\n  resolve  demo-service\.dev -> demo-service\.dev\.svc\.cluster\.local -> 10\.96\.120\.5 \(cluster DNS 10\.96\.0\.10\)\n/);
    assert.match(r.stderr, /  dnat     chose 10\.244\.\d+\.\d+:8080 at random among 5 ready endpoint\(s\)/);
    assert.match(r.stderr, /  snat     no SNAT: the backend sees the client's own IP /);
  });

  it('a readiness wait that never succeeds does not pass: it runs out its hour and ends as killed (137)', () => {
    const r = c.t.run(['exec', 'bb', '--', 'sh', '-c', 'n=0; until nslookup nosvc >/dev/null 2>&1; do n=$((n+1)); sleep 2; done; echo ready']);
    assert.equal(r.code, 137);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'command terminated with exit code 137\n');
    // a wait on a name that resolves ends at once
    const ok = c.t.run(['exec', 'bb', '--', 'sh', '-c', 'until nslookup demo-service.dev >/dev/null; do sleep 2; done; echo ready']);
    assert.deepEqual([ok.code, ok.stdout], [0, 'ready\n']);
  });

  it('a POSIX script: functions, case, here-documents, files in the container', () => {
    const script = [
      'check() { case $1 in ok|ready) return 0;; *) return 1;; esac; }',
      'for s in starting ok; do if check $s; then echo "$s: up"; else echo "$s: down"; fi; done',
      'cat > /tmp/conf <<EOF',
      'name=${HOSTNAME:-none}',
      'EOF',
      'cat /tmp/conf; ls /tmp',
    ].join('\n');
    const r = c.t.run(['exec', 'bb', '--', 'sh', '-c', script]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'starting: down\nok: up\nname=bb\nconf\n');
    const err = c.t.run(['exec', 'bb', '--', 'sh', '-c', 'while true; do echo; done; done']);
    assert.deepEqual([err.code, err.stderr], [2, 'sh: syntax error: unexpected "done"\ncommand terminated with exit code 2\n']);
  });
});
