// `kubesim serve` driven by the real kubectl v1.32 over HTTPS on an ephemeral loopback port, with the kubesim
// CLI working on the same state beside it: what kubectl prints must be what kubesim prints.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { ROOT, type CliResult } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { openTerminal, skipWithoutPty } from '../support/pty.js';
import { kubectl, kubectlCommand, raw, startServe, waitUntil, type Served } from '../support/serve.js';
import { skipWithoutKubectl } from '../support/stub-apiserver.js';

const skip = skipWithoutKubectl();

describe('kubesim serve with the real kubectl', { skip }, () => {
  let c: InProcessCluster;
  let s: Served;

  before(async () => {
    c = inProcessCluster();
    await c.run(['get', 'nodes']);
    s = await startServe(c);
  });

  after(async () => {
    if (s?.child.exitCode === null) s.child.kill('SIGKILL');
    c?.cleanup();
  });

  test('keeps its credentials beside the state, readable by the owner only, and writes a kubeconfig for context kubesim', () => {
    assert.equal(s.kubeconfig, `${c.state}.serve/kubeconfig`);
    for (const f of ['ca.crt', 'ca.key', 'apiserver.crt', 'apiserver.key', 'token', 'kubeconfig']) {
      assert.equal(statSync(join(`${c.state}.serve`, f)).mode & 0o777, 0o600, f);
    }
    const kc = readFileSync(s.kubeconfig, 'utf8');
    assert.match(kc, /current-context: kubesim/);
    assert.match(kc, /certificate-authority-data: /);
  });

  test('refuses a request without the token with an Unauthorized Status; health checks need none', async () => {
    const r = await raw(s, '/api/v1/pods', { token: null });
    assert.equal(r.code, 401);
    assert.deepEqual(JSON.parse(r.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    assert.equal((await raw(s, '/readyz', { token: null })).body, 'ok');
    const bad = await raw(s, '/api/v1/pods', { token: 'x'.repeat(43) });
    assert.equal(bad.code, 401);
  });

  test('serves aggregated discovery when asked for it', async () => {
    const r = await raw(s, '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    assert.match(r.type, /g=apidiscovery.k8s.io;v=v2/);
    const doc = JSON.parse(r.body);
    const apps = doc.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((x: { resource: string }) => x.resource === 'deployments');
    assert.deepEqual(deploy.shortNames, ['deploy']);
    assert.deepEqual(deploy.categories, ['all']);
    assert.deepEqual(deploy.subresources.map((x: { subresource: string }) => x.subresource), ['status', 'scale']);
  });

  test('kubectl apply creates, then finds nothing to change', async () => {
    const r = await kubectl(s, c, ['apply', '-f', 'manifests/kiada-pod.yaml']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'pod/kiada created\n');
    assert.equal(r.code, 0);
    const again = await kubectl(s, c, ['apply', '-f', 'manifests/kiada-pod.yaml']);
    assert.equal(again.stdout, 'pod/kiada unchanged\n');
  });

  test('kubectl get -o wide prints exactly what kubesim get -o wide prints', async () => {
    for (const args of [['get', 'pods', '-o', 'wide'], ['get', 'pods', '-A', '-o', 'wide']]) {
      const k = await kubectl(s, c, args);
      const ours = await c.run(args);
      assert.equal(k.stderr, '');
      assert.equal(k.stdout, ours.stdout, args.join(' '));
    }
    const k = await kubectl(s, c, ['get', 'pods', '-o', 'wide']);
    assert.match(k.stdout, /^kiada +1\/1 +Running +0 /m);
  });

  test('kubectl describe pod shows the pod as kubesim describes it (event ages are kubectl\'s own clock)', async () => {
    const k = await kubectl(s, c, ['describe', 'pod', 'kiada']);
    const ours = await c.run(['describe', 'pod', 'kiada']);
    assert.equal(k.code, 0);
    // kubectl computes event ages from the host's clock; kubesim from the simulated one.
    const ageless = (t: string) => t.replace(/^ {2}Normal +(\S+) +\S+ +(.*)$/gm, '  Normal $1 AGE $2').replace(/^ {2}Type +Reason +Age +From +Message$/m, 'HEADER');
    assert.equal(ageless(k.stdout), ageless(ours.stdout));
    assert.match(k.stdout, /^Status: +Running$/m);
    const logs = await kubectl(s, c, ['logs', 'kiada']);
    assert.equal(logs.stdout, (await c.run(['logs', 'kiada'])).stdout);
    assert.match(logs.stdout, /^Kiada 0\.1 starting\.\.\./m);
  });

  test('kubectl expose creates the service the control plane allocates, as kubesim shows it', async () => {
    const r = await kubectl(s, c, ['expose', 'pod', 'kiada', '--type=NodePort', '--port=80', '--target-port=8080']);
    assert.equal(r.stdout, 'service/kiada exposed\n');
    const k = await kubectl(s, c, ['get', 'svc', 'kiada', '-o', 'wide']);
    assert.equal(k.stdout, (await c.run(['get', 'svc', 'kiada', '-o', 'wide'])).stdout);
    assert.match(k.stdout, /^kiada +NodePort +10\.\S+ +<none> +80:3\d{4}\/TCP /m);
  });

  test('kubectl scale goes through the scale subresource; rollout status and get agree with kubesim', async () => {
    const manifest = join(c.dir, 'web.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(manifest, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n');
    assert.equal((await kubectl(s, c, ['apply', '-f', manifest])).stdout, 'deployment.apps/web created\n');
    const r = await kubectl(s, c, ['scale', 'deployment', 'web', '--replicas=3']);
    assert.equal(r.stdout, 'deployment.apps/web scaled\n');
    const st = await kubectl(s, c, ['rollout', 'status', 'deployment', 'web']);
    assert.equal(st.stdout, 'deployment "web" successfully rolled out\n');
    const k = await kubectl(s, c, ['get', 'deploy,rs', '-o', 'wide']);
    assert.equal(k.stdout, (await c.run(['get', 'deploy,rs', '-o', 'wide'])).stdout);
    assert.match(k.stdout, /^deployment\.apps\/web +3\/3 +3 +3 /m);
  });

  test('an API error reaches kubectl as its own error line', async () => {
    const r = await kubectl(s, c, ['get', 'pod', 'nope']);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'Error from server (NotFound): pods "nope" not found\n');
    assert.equal(r.code, 1);
    const d = await kubectl(s, c, ['get', 'deploy', 'nope']);
    assert.equal(d.stderr, 'Error from server (NotFound): deployments.apps "nope" not found\n');
    // Validation and strict decoding: the same lines as kubesim's own apply.
    const { writeFileSync } = await import('node:fs');
    const bad = join(c.dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  foo: 1\n  containers:\n  - name: c\n');
    const strict = await kubectl(s, c, ['apply', '-f', bad]);
    assert.equal(strict.stderr, `Error from server (BadRequest): error when creating "${bad}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"\n`);
    assert.equal(strict.stderr, (await c.run(['apply', '-f', bad])).stderr);
    writeFileSync(bad, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n  - name: c\n');
    const invalid = await kubectl(s, c, ['apply', '-f', bad]);
    assert.equal(invalid.stderr, 'The Pod "bad" is invalid: spec.containers[0].image: Required value\n');
    assert.equal(invalid.code, 1);
  });

  test('kubectl get -w sees a pod the kubesim CLI creates on the same state', async () => {
    let listed = '';
    const watching = kubectl(s, c, ['get', 'pods', '-w', '--output-watch-events'], { timeoutMs: 10_000, until: /^ADDED +from-cli /m, onStdout: (t) => (listed = t) });
    // The watch goes on from its list's resourceVersion: a pod created once the list is printed is an event in it.
    await waitUntil(() => /^ADDED +kiada /m.test(listed), 'the watch\'s list');
    const created = await c.run(['run', 'from-cli', '--image=nginx']);
    assert.equal(created.stdout, 'pod/from-cli created\n');
    const w = await watching;
    assert.match(w.stdout, /^EVENT +NAME +READY +STATUS/m);
    assert.match(w.stdout, /^ADDED +kiada +1\/1 +Running/m);
    assert.match(w.stdout, /^ADDED +from-cli +/m);
  });

  test('a watch from a resourceVersion older than the server holds is answered 410 Expired', async () => {
    const r = await raw(s, '/api/v1/namespaces/default/pods?watch=true&resourceVersion=1&timeoutSeconds=1');
    assert.equal(r.code, 200);
    const ev = JSON.parse(r.body.trim().split('\n')[0]);
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object.code, 410);
    assert.equal(ev.object.reason, 'Expired');
  });

  test('a watch from a list\'s resourceVersion sees every later change once, in resourceVersion order', async () => {
    const list = JSON.parse((await raw(s, '/api/v1/namespaces/default/pods')).body);
    const from = Number(list.metadata.resourceVersion);
    const dir = s.kubeconfig.replace(/\/kubeconfig$/, '');
    const events: { type: string; name: string; rv: number }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = request(`${s.url}/api/v1/namespaces/default/pods?watch=true&resourceVersion=${from}&timeoutSeconds=15`, {
        // Not the global agent, whose 5 s idle timeout ends a quiet watch on a busy machine.
        agent: false,
        ca: readFileSync(join(dir, 'ca.crt')),
        headers: { Authorization: `Bearer ${readFileSync(join(dir, 'token'), 'utf8').trim()}` },
      }, (res) => {
        let buf = '';
        res.on('data', (d) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const ev = JSON.parse(buf.slice(0, i));
            buf = buf.slice(i + 1);
            events.push({ type: ev.type, name: ev.object.metadata.name, rv: Number(ev.object.metadata.resourceVersion) });
            if (ev.type === 'DELETED' && ev.object.metadata.name === 'w1') req.destroy();
          }
        });
        res.on('close', () => resolve());
      });
      req.on('error', () => resolve());
      req.on('timeout', reject);
      req.end();
    });
    assert.equal((await c.run(['run', 'w1', '--image=nginx'])).code, 0);
    assert.equal((await kubectl(s, c, ['label', 'pod', 'w1', 'step=two'])).stdout, 'pod/w1 labeled\n');
    assert.equal((await c.run(['delete', 'pod', 'w1'])).code, 0);
    await done;
    const mine = events.filter((e) => e.name === 'w1');
    assert.equal(mine[0].type, 'ADDED');
    assert.equal(mine[mine.length - 1].type, 'DELETED');
    assert.ok(mine.some((e) => e.type === 'MODIFIED'));
    for (const e of events) assert.ok(e.rv > from, `an event at or before the list: ${JSON.stringify(e)}`);
    for (let i = 1; i < events.length; i++) assert.ok(events[i].rv > events[i - 1].rv, `resourceVersions increase: ${JSON.stringify(events)}`);
  });

  test('a list is cut by limit and continued', async () => {
    const first = JSON.parse((await raw(s, '/api/v1/pods?limit=2')).body);
    assert.equal(first.items.length, 2);
    assert.ok(first.metadata.continue);
    const all = JSON.parse((await raw(s, '/api/v1/pods')).body);
    const rest = JSON.parse((await raw(s, `/api/v1/pods?continue=${encodeURIComponent(first.metadata.continue)}`)).body);
    assert.deepEqual([...first.items, ...rest.items].map((p: { metadata: { name: string } }) => p.metadata.name), all.items.map((p: { metadata: { name: string } }) => p.metadata.name));
  });

  test('kubectl exec runs the command in the simulated shell over WebSocket, with its output and exit code', async () => {
    const r = await kubectl(s, c, ['exec', 'kiada', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    const ours = await c.run(['exec', 'kiada', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\ncommand terminated with exit code 3\n');
    assert.equal(r.code, 3);
    assert.deepEqual([r.stdout, r.stderr, r.code], [ours.stdout, ours.stderr, ours.code]);
    const curl = await kubectl(s, c, ['exec', 'kiada', '--', 'curl', '-s', 'http://kiada:8080']);
    assert.equal(curl.stdout, (await c.run(['exec', 'kiada', '--', 'curl', '-s', 'http://kiada:8080'])).stdout);
    assert.match(curl.stdout, /^Kiada version 0\.1\. Request processed by "kiada"/);
    const piped = await new Promise<CliResult>((resolve) => {
      const child = spawn('kubectl', ['--kubeconfig', s.kubeconfig, '--cache-dir', join(c.dir, 'kcache'), 'exec', '-i', 'kiada', '--', 'cat'], { env: { ...process.env, HOME: c.dir } });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr: '' }));
      child.stdin.end('from stdin\n');
    });
    assert.equal(piped.stdout, 'from stdin\n');
    assert.equal(piped.code, 0);
  });

  test('kubectl exec over the legacy SPDY upgrade (KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false): output, exit code, piped stdin', async () => {
    const env = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
    const r = await kubectl(s, c, ['exec', 'kiada', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], { env });
    assert.deepEqual([r.stdout, r.stderr, r.code], ['out\n', 'err\ncommand terminated with exit code 3\n', 3]);
    const piped = await kubectl(s, c, ['exec', '-i', 'kiada', '--', 'sh', '-c', 'cat; echo end'], { env, input: 'from stdin\n' });
    assert.deepEqual([piped.stdout, piped.code], ['from stdin\nend\n', 0]);
    const v8 = await kubectl(s, c, ['exec', 'kiada', '-v=8', '--', 'true'], { env });
    // The legacy upgrade it was: its 101 names SPDY, where the WebSocket one names websocket.
    assert.match(v8.stderr, /Response Status: 101 Switching Protocols[^]*Upgrade: SPDY\/3\.1/);
  });

  test('kubectl exec -it over the legacy SPDY upgrade: a terminal session, window resizes, the exit code', { skip: skipWithoutPty() }, async () => {
    const cmd = kubectlCommand(s, c, ['exec', '-it', 'kiada', '--', 'sh']);
    const t = openTerminal(cmd.argv, { ...cmd.env, KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }, ROOT);
    try {
      await t.waitFor(/^# $/);
      // The resize stream carries the new size; the session goes on.
      t.resize();
      t.type('echo hello\r');
      await t.waitFor(/^# echo hello\r\nhello\r\n# $/);
      t.type('exit 5\r');
      assert.equal(await t.exited, 5);
      assert.equal(t.screen(), '# echo hello\r\nhello\r\n# exit 5\r\ncommand terminated with exit code 5\r\n');
    } finally {
      t.kill();
    }
  });

  test('kubectl cp copies both ways through the simulated tar, byte for byte, and says what kubesim cp says', async () => {
    const src = join(c.dir, 'cp-src');
    const bytes = Buffer.from([...Array(256).keys()]);
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'alpha\n');
    writeFileSync(join(src, 'sub', 'b.bin'), bytes);
    const up = await kubectl(s, c, ['cp', src, 'kiada:/tmp/site']);
    assert.deepEqual([up.code, up.stdout, up.stderr], [0, '', '']);
    assert.equal((await c.run(['exec', 'kiada', '--', 'cat', '/tmp/site/a.txt'])).stdout, 'alpha\n');
    const down = await kubectl(s, c, ['cp', 'kiada:/tmp/site', join(c.dir, 'cp-back')]);
    assert.deepEqual([down.code, down.stdout, down.stderr], [0, "tar: Removing leading `/' from member names\n", '']);
    assert.ok(readFileSync(join(c.dir, 'cp-back', 'sub', 'b.bin')).equals(bytes));
    assert.equal(readFileSync(join(c.dir, 'cp-back', 'a.txt'), 'utf8'), 'alpha\n');
    for (const args of [['cp', join(src, 'a.txt'), 'kiada:/nodir/x'], ['cp', join(src, 'missing'), 'kiada:/tmp'], ['cp', 'kiada:/tmp/site/a.txt', join(c.dir, 'one.txt')]]) {
      const theirs = await kubectl(s, c, args);
      const ours = await c.run(args);
      assert.deepEqual([ours.code, ours.stdout, ours.stderr], [theirs.code, theirs.stdout, theirs.stderr], args.join(' '));
    }
  });

  test('kubectl run -i --rm attaches to the container\'s command, exits with its code and deletes the pod, as kubesim run does', async () => {
    for (const url of ['http://kiada', 'http://nowhere:8080']) {
      const args = ['run', 'client-pod', '--image=curlimages/curl', '-i', '--restart=Never', '--rm', '--', 'curl', '-s', url];
      const k = await kubectl(s, c, args);
      const ours = await c.run(args);
      // Each run's pod gets its own IP, which kiada reports.
      const ip = (t: string) => t.replace(/Client IP: \S+/, 'Client IP: IP');
      assert.equal(ip(k.stdout), ip(ours.stdout), url);
      assert.equal(k.stderr, ours.stderr, url);
      assert.equal(k.code, ours.code, url);
      assert.doesNotMatch((await c.run(['get', 'pods'])).stdout, /client-pod/);
    }
    const ok = await kubectl(s, c, ['run', 'client-pod', '--image=curlimages/curl', '-i', '--restart=Never', '--rm', '--', 'curl', '-s', 'http://kiada']);
    assert.match(ok.stdout, /^Kiada version 0\.1\. Request processed by "kiada"[^\n]*\npod "client-pod" deleted\n$/);
    assert.equal(ok.code, 0);
  });

  test('kubectl attach follows what a running server writes from now on', async () => {
    const attached = kubectl(s, c, ['attach', 'kiada'], { until: /Received request/ , timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await c.run(['exec', 'kiada', '--', 'curl', '-s', 'http://localhost:8080/attached'])).code, 0);
    const r = await attached;
    assert.match(r.stdout, /^Received request for \/attached from \S+\n$/);
  });

  /** `kubectl port-forward pod/kiada :8080` (env: how kubectl connects) and the local port it chose. */
  const portForward = async (env: NodeJS.ProcessEnv = {}, args: string[] = []) => {
    const child = spawn('kubectl', ['--kubeconfig', s.kubeconfig, '--cache-dir', join(c.dir, 'kcache'), 'port-forward', 'pod/kiada', ':8080', ...args], { env: { ...process.env, HOME: c.dir, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Forwarding line: ${out}`)), 15_000);
      child.stdout.on('data', () => {
        const m = /^Forwarding from 127\.0\.0\.1:(\d+) -> 8080$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    }).catch((e) => {
      child.kill('SIGINT');
      throw e;
    });
    return { child, port, out: () => out, err: () => err };
  };

  /** A real HTTP request to the forwarded port, on a connection of its own. */
  const get = async (port: number, path: string) => {
    const http = await import('node:http');
    return new Promise<{ code: number; body: string }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
  };

  test('kubectl port-forward reaches the pod\'s app through the simulated network: a real HTTP request, the app\'s log line', async () => {
    const pf = await portForward();
    try {
      const answer = await get(pf.port, '/through-kubectl');
      assert.equal(answer.code, 200);
      assert.equal(answer.body, 'Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:127.0.0.1\n');
      assert.match(pf.out(), /Handling connection for \d+\n/);
      const logged = /Received request for \/through-kubectl from ::ffff:127\.0\.0\.1\n$/;
      // The log line is written by the server process after the answer: wait for it, then check it.
      await waitUntil(async () => logged.test((await c.run(['logs', 'kiada'])).stdout), 'the app\'s log line');
      assert.match((await c.run(['logs', 'kiada'])).stdout, logged);
    } finally {
      pf.child.kill('SIGINT');
    }
  });

  test('kubectl port-forward over the legacy SPDY upgrade (KUBECTL_PORT_FORWARD_WEBSOCKETS=false): two connections at once reach the app', async () => {
    const pf = await portForward({ KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }, ['-v=6']);
    try {
      assert.match(pf.err(), /POST https:\S+\/pods\/kiada\/portforward 101 Switching Protocols/);
      const answers = await Promise.all([get(pf.port, '/spdy-1'), get(pf.port, '/spdy-2')]);
      for (const a of answers) assert.deepEqual(a, { code: 200, body: 'Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:127.0.0.1\n' });
      assert.equal(pf.out().match(/Handling connection for \d+\n/g)?.length, 2);
      const logs = async () => (await c.run(['logs', 'kiada'])).stdout;
      await waitUntil(async () => /\/spdy-1 /.test(await logs()) && /\/spdy-2 /.test(await logs()), 'both log lines');
    } finally {
      pf.child.kill('SIGINT');
    }
  });

  test('a port-forward session that sends what kubectl never would is closed; the server serves on', async () => {
    // A raw client: ws (as a client) refuses the subprotocol name kubectl uses, which holds a '/'.
    const { connect } = await import('node:tls');
    const dir = s.kubeconfig.replace(/\/kubeconfig$/, '');
    const url = new URL(s.url);
    // The server's close frame (opcode 8, status 1000).
    const CLOSE_1000 = Buffer.from([0x88, 0x02, 0x03, 0xe8]);
    const session = (frames: Buffer[]) =>
      new Promise<Buffer>((resolve, reject) => {
        const sock = connect({ host: url.hostname, port: Number(url.port), ca: readFileSync(join(dir, 'ca.crt')), servername: 'localhost' }, () => {
          sock.write(`GET /api/v1/namespaces/default/pods/kiada/portforward HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: a3ViZXNpbS1zZXJ2ZS0xMg==\r\nSec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io\r\nAuthorization: Bearer ${readFileSync(join(dir, 'token'), 'utf8').trim()}\r\n\r\n`);
          // Binary messages, masked with a zero key (the payload as is).
          for (const f of frames) sock.write(Buffer.concat([Buffer.from([0x82, 0x80 | f.length, 0, 0, 0, 0]), f]));
        });
        const got: Buffer[] = [];
        let answered = false;
        sock.on('data', (d) => {
          got.push(d);
          // Answer the server's close frame as a client must (masked, status 1000): the server then ends the
          // connection at once, where a silent client would hold it until ws's 30 s close time-out.
          if (!answered && Buffer.concat(got).includes(CLOSE_1000)) {
            answered = true;
            sock.write(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]));
          }
        });
        sock.on('close', () => resolve(Buffer.concat(got)));
        sock.on('error', reject);
      });
    const synStream = (block: Buffer) => Buffer.concat([Buffer.from([0x80, 3, 0, 1, 0, 0, 0, 10 + block.length, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), block]);
    // A frame longer than any kubectl sends; a SYN_STREAM whose header block is not zlib; one cut short.
    for (const frames of [[Buffer.from([0x80, 3, 0, 1, 0, 0x7f, 0xff, 0xff])], [synStream(Buffer.from('not zlib at all'))], [synStream(Buffer.alloc(0))]]) {
      const answer = await session(frames);
      assert.match(answer.toString('latin1'), /^HTTP\/1\.1 101 Switching Protocols\r\n[^]*Sec-WebSocket-Protocol: SPDY\/3\.1\+portforward\.k8s\.io\r\n/);
      // The server's close frame (opcode 8, status 1000) ends the session.
      assert.ok(answer.includes(CLOSE_1000), JSON.stringify(answer.toString('latin1')));
    }
    assert.equal((await raw(s, '/readyz')).body, 'ok');
  });

  test('the legacy SPDY upgrade: the token is checked, the protocol negotiated, and v2 reports a failure as text', async () => {
    const { connect } = await import('node:tls');
    const { HeaderWriter } = await import('../../src/server/spdy.js');
    const dir = s.kubeconfig.replace(/\/kubeconfig$/, '');
    const url = new URL(s.url);
    const token = readFileSync(join(dir, 'token'), 'utf8').trim();
    /** Sends the upgrade request, then `frames`; resolves with all the server wrote when it closes. */
    const session = (path: string, headers: string, frames: Buffer[] = []) =>
      new Promise<Buffer>((resolve, reject) => {
        const sock = connect({ host: url.hostname, port: Number(url.port), ca: readFileSync(join(dir, 'ca.crt')), servername: 'localhost' }, () => {
          sock.write(`POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${headers}\r\n`);
          for (const f of frames) sock.write(f);
        });
        const got: Buffer[] = [];
        sock.on('data', (d) => got.push(d));
        sock.on('close', () => resolve(Buffer.concat(got)));
        sock.on('error', reject);
      });
    const pf = '/api/v1/namespaces/default/pods/kiada/portforward';
    const noToken = (await session(pf, 'X-Stream-Protocol-Version: portforward.k8s.io\r\n')).toString('latin1');
    assert.match(noToken, /^HTTP\/1\.1 401 Unauthorized\r\n[^]*"reason":"Unauthorized","code":401\}$/);
    const auth = `Authorization: Bearer ${token}\r\n`;
    const exec = '/api/v1/namespaces/default/pods/kiada/exec?command=sh&command=-c&command=echo%20hi%3B%20exit%203&stdout=true&stderr=true';
    const v1Only = (await session(exec, `${auth}X-Stream-Protocol-Version: channel.k8s.io\r\n`)).toString('latin1');
    assert.match(v1Only, /^HTTP\/1\.1 403 Forbidden\r\n[^]*unable to negotiate protocol: client supports \[channel\.k8s\.io\], server supports \[v5\.channel\.k8s\.io v4\.channel\.k8s\.io v3\.channel\.k8s\.io v2\.channel\.k8s\.io\]/);
    // A v2 client's three streams, as client-go opens them (odd ids, one header block stream).
    const hw = new HeaderWriter();
    const syn = (id: number, type: string) => {
      const block = hw.block([['streamtype', type]]);
      const f = Buffer.alloc(18);
      f.writeUInt32BE(0x80030001, 0);
      f.writeUInt32BE(10 + block.length, 4);
      f.writeUInt32BE(id, 8);
      return Buffer.concat([f, block]);
    };
    const answer = await session(exec, `${auth}X-Stream-Protocol-Version: v2.channel.k8s.io\r\n`, [syn(1, 'error'), syn(3, 'stdout'), syn(5, 'stderr')]);
    const text = answer.toString('latin1');
    assert.match(text, /^HTTP\/1\.1 101 Switching Protocols\r\n[^]*X-Stream-Protocol-Version: v2\.channel\.k8s\.io\r\n/);
    // The data each stream carried, to its FIN.
    const data = new Map<number, string>();
    const fins = new Set<number>();
    for (let at = text.indexOf('\r\n\r\n') + 4; at + 8 <= answer.length; ) {
      const len = answer.readUInt32BE(at + 4) & 0xffffff;
      if (!(answer[at] & 0x80)) {
        const id = answer.readUInt32BE(at);
        data.set(id, (data.get(id) ?? '') + answer.toString('utf8', at + 8, at + 8 + len));
        if (answer[at + 4] & 1) fins.add(id);
      }
      at += 8 + len;
    }
    assert.equal(data.get(3), 'hi\n');
    assert.equal(data.get(1), 'command terminated with non-zero exit code: error executing command [sh -c echo hi; exit 3], exit code 3');
    assert.deepEqual([...fins].sort(), [1, 3, 5]);
  });

  test('kubectl create <kind> sends protobuf: the objects equal those kubesim create makes', async () => {
    await c.run(['create', 'namespace', 'cli']);
    const cases = [
      ['deployment', 'pb', '--image=nginx', '--replicas=0', '--port=80'],
      ['secret', 'generic', 'pb', '--from-literal=pw=s3cr3t', '--type=Opaque'],
      ['service', 'nodeport', 'pb', '--tcp=80:8080'],
      ['cronjob', 'pb', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'],
      ['priorityclass', 'pb', '--value=0'],
    ];
    const mask = (yaml: string) => yaml.replace(/^(\s*(?:uid|resourceVersion|namespace|clusterIP|nodePort)).*$/gm, '$1').replace(/^(\s*- )\d+\.\d+\.\d+\.\d+$/gm, '$1IP');
    for (const args of cases) {
      const kind = args[0];
      const k = await kubectl(s, c, ['create', ...args]);
      assert.equal(k.stderr, '', args.join(' '));
      assert.equal(k.code, 0);
      if (kind === 'priorityclass') {
        // kubesim has no create priorityclass: a value of 0, which Go's protobuf writes like an unset one, stays.
        assert.match((await c.run(['get', kind, 'pb', '-o', 'yaml'])).stdout, /^value: 0$/m);
        continue;
      }
      const dash = args.indexOf('--');
      const inCli = dash < 0 ? [...args, '-n', 'cli'] : [...args.slice(0, dash), '-n', 'cli', ...args.slice(dash)];
      assert.equal((await c.run(['create', ...inCli])).code, 0, args.join(' '));
      assert.equal(mask((await c.run(['get', kind, 'pb', '-o', 'yaml'])).stdout), mask((await c.run(['get', kind, 'pb', '-n', 'cli', '-o', 'yaml'])).stdout), args.join(' '));
    }
    assert.match((await c.run(['get', 'deployment', 'pb', '-o', 'yaml'])).stdout, /^ {2}replicas: 0$/m);
    const again = await kubectl(s, c, ['create', 'deployment', 'pb', '--image=nginx']);
    assert.equal(again.stderr, 'error: failed to create deployment: deployments.apps "pb" already exists\n');
    assert.equal(again.code, 1);
  });

  test('kubectl logs -f follows lines written by another process and ends when kubectl delete removes the pod', async () => {
    let followed = '';
    const following = kubectl(s, c, ['logs', '-f', 'kiada'], { timeoutMs: 10_000, onStdout: (t) => (followed = t) });
    const before = (await raw(s, '/api/v1/namespaces/default/pods/kiada/log')).body;
    // kubectl prints the lines so far, then follows: once they are out, the stream is open.
    await waitUntil(() => followed.length >= before.length, 'the lines so far');
    assert.equal((await c.run(['exec', 'kiada', '--', 'curl', '-s', 'http://localhost:8080/'])).code, 0);
    await waitUntil(() => followed.length > before.length, 'the followed line');
    const r = await kubectl(s, c, ['delete', 'pod', 'kiada']);
    assert.equal(r.stdout, 'pod "kiada" deleted\n');
    assert.doesNotMatch((await c.run(['get', 'pods'])).stdout, /kiada/);
    const f = await following;
    assert.equal(f.code, 0, 'the stream ended with the pod, not by the timeout');
    assert.ok(f.stdout.startsWith(before));
    assert.match(f.stdout.slice(before.length), /^Received request for \/ from \S+\n$/);
  });

  test('kubectl apply --server-side: serverside-applied, a scale conflict as kubectl words it, --force-conflicts wins', async () => {
    const manifest = (n: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa\nspec:\n  replicas: ${n}\n  selector: {matchLabels: {app: ssa}}\n  template:\n    metadata: {labels: {app: ssa}}\n    spec:\n      containers: [{name: web, image: nginx}]\n`;
    const f2 = join(c.dir, 'ssa2.yaml');
    const f5 = join(c.dir, 'ssa5.yaml');
    writeFileSync(f2, manifest(2));
    writeFileSync(f5, manifest(5));
    const first = await kubectl(s, c, ['apply', '--server-side', '-f', f2]);
    assert.deepEqual([first.code, first.stdout, first.stderr], [0, 'deployment.apps/ssa serverside-applied\n', '']);
    assert.equal((await kubectl(s, c, ['apply', '--server-side', '-f', f2])).stdout, 'deployment.apps/ssa serverside-applied\n');
    assert.equal((await kubectl(s, c, ['scale', 'deploy/ssa', '--replicas=3'])).code, 0);
    const k = await kubectl(s, c, ['apply', '--server-side', '-f', f5]);
    const ours = await c.run(['apply', '--server-side', '-f', f5]);
    assert.equal(k.code, 1);
    assert.match(k.stderr, /^error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps\/v1: \.spec\.replicas\nPlease review the fields above/);
    assert.deepEqual(ours, { code: 1, stdout: '', stderr: k.stderr }, 'the CLI says what kubectl says');
    const forced = await kubectl(s, c, ['apply', '--server-side', '--force-conflicts', '-f', f5]);
    assert.equal(forced.stdout, 'deployment.apps/ssa serverside-applied\n');
    const got = await kubectl(s, c, ['get', 'deploy', 'ssa', '-o', 'json', '--show-managed-fields']);
    const d = JSON.parse(got.stdout);
    assert.equal(d.spec.replicas, 5);
    assert.deepEqual(d.metadata.managedFields.map((e: { manager: string; operation: string }) => `${e.manager}/${e.operation}`), ['kubectl/Apply']);
    assert.doesNotMatch((await kubectl(s, c, ['get', 'deploy', 'ssa', '-o', 'yaml'])).stdout, /managedFields/);
  });

  test('Ctrl-C stops the server cleanly', async () => {
    const exited = new Promise<number | null>((resolve) => s.child.on('exit', (code) => resolve(code)));
    s.child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.equal(s.stderr(), 'kubesim serve: stopped\n');
  });
});
