// A whole lesson (the kiada pod: its IP and port, a client pod, exec, logs, port-forward, a deployment, diff, edit,
// kustomize, delete) typed with the real kubectl v1.32 against `kubesim serve`, in the order a student types it,
// interactive sessions on a real pseudo-terminal. One server for the file; the kubesim CLI checks the same state.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, tempCluster, type CliResult, type TempCluster } from '../support/cli.js';
import { openTerminal, skipWithoutPty, type Terminal } from '../support/pty.js';
import { kubectl, kubectlCommand, startServe, type Served } from '../support/serve.js';
import { skipWithoutKubectl } from '../support/stub-apiserver.js';

const skip = skipWithoutKubectl() || skipWithoutPty();
const KIADA = /Kiada version 0\.1\. Request processed by "kiada"\. Client IP: \S+/;

describe('a lesson typed with the real kubectl against kubesim serve', { skip }, () => {
  let c: TempCluster;
  let s: Served;
  let podIP = '';
  /** `kubectl logs -f kiada`, started early in the lesson: it must end when the pod is deleted at its end. */
  let following: Promise<CliResult> | undefined;

  const k = (args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) => kubectl(s, c, args, opts);
  const onTerminal = (args: string[]): Terminal => {
    const cmd = kubectlCommand(s, c, args);
    return openTerminal(cmd.argv, cmd.env, ROOT);
  };

  before(async () => {
    c = tempCluster();
    c.run(['get', 'nodes']);
    s = await startServe(c);
  });

  after(async () => {
    if (s?.child.exitCode === null) s.child.kill('SIGKILL');
    c?.cleanup();
  });

  test('apply -f the kiada manifest, wait for it to be Ready, and get -o wide prints what kubesim prints', async () => {
    const r = await k(['apply', '-f', 'manifests/kiada-pod.yaml']);
    assert.deepEqual([r.stdout, r.stderr, r.code], ['pod/kiada created\n', '', 0]);
    const w = await k(['wait', '--for=condition=Ready', 'pod/kiada', '--timeout=20s']);
    assert.deepEqual([w.stdout, w.code], ['pod/kiada condition met\n', 0]);
    const wide = await k(['get', 'pods', '-o', 'wide']);
    assert.equal(wide.stdout, c.run(['get', 'pods', '-o', 'wide']).stdout);
    const m = /^kiada +1\/1 +Running +0 +\S+ +(\d+\.\d+\.\d+\.\d+) +kind-worker/m.exec(wide.stdout);
    assert.ok(m, wide.stdout);
    podIP = m[1];
  });

  test('describe pod shows its IP and port as kubesim describes them (event ages are kubectl\'s own clock)', async () => {
    const d = await k(['describe', 'pod', 'kiada']);
    assert.equal(d.code, 0);
    const ageless = (t: string) => t.replace(/^ {2}Normal +(\S+) +\S+ +(.*)$/gm, '  Normal $1 AGE $2').replace(/^ {2}Type +Reason +Age +From +Message$/m, 'HEADER');
    assert.equal(ageless(d.stdout), ageless(c.run(['describe', 'pod', 'kiada']).stdout));
    assert.match(d.stdout, new RegExp(`^IP: +${podIP.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(d.stdout, /^ {4}Port: +8080\/TCP$/m);
    following = kubectl(s, c, ['logs', '-f', 'kiada'], { timeoutMs: 180_000 });
  });

  test('expose pod kiada as a NodePort service', async () => {
    const r = await k(['expose', 'pod', 'kiada', '--type=NodePort', '--port=80', '--target-port=8080']);
    assert.deepEqual([r.stdout, r.code], ['service/kiada exposed\n', 0]);
    assert.match(c.run(['get', 'svc', 'kiada']).stdout, /^kiada +NodePort +\S+ +<none> +80:3\d{4}\/TCP /m);
  });

  test('run -it --rm a curl client pod against the pod IP: the answer, then the pod is deleted', async () => {
    const t = onTerminal(['run', '--image=curlimages/curl', '-it', '--restart=Never', '--rm', 'client-pod', '--', 'curl', `${podIP}:8080`]);
    assert.equal(await t.exited, 0, t.screen());
    assert.match(t.screen(), new RegExp(`${KIADA.source}\\r\\npod "client-pod" deleted\\r\\n$`));
    assert.doesNotMatch(c.run(['get', 'pods']).stdout, /client-pod/);
  });

  test('exec runs a command in the container', async () => {
    const r = await k(['exec', 'kiada', '--', 'curl', '-s', 'localhost:8080']);
    assert.match(r.stdout, new RegExp(`^${KIADA.source}\\n$`));
    assert.equal(r.code, 0);
  });

  test('port-forward, then a real HTTP request to the local port reaches the app', async () => {
    const cmd = kubectlCommand(s, c, ['port-forward', 'kiada', ':8080']);
    const child = spawn(cmd.argv[0], cmd.argv.slice(1), { env: cmd.env });
    let out = '';
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no Forwarding line: ${out}`)), 15_000);
        child.stdout.on('data', (d) => {
          out += d;
          const m = /^Forwarding from 127\.0\.0\.1:(\d+) -> 8080$/m.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      const body = await new Promise<string>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/lesson' }, (res) => {
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => resolve(b));
        }).on('error', reject);
      });
      assert.equal(body, 'Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:127.0.0.1\n');
    } finally {
      child.kill('SIGINT');
    }
  });

  test('exec -it sh on a terminal: prompt, echo, editing, Ctrl-C ends the foreground command, resize, exit 3', async () => {
    const t = onTerminal(['exec', '-it', 'kiada', '--', 'sh']);
    try {
      await t.waitFor(/^# $/);
      t.type('echo hello\r');
      await t.waitFor(/^# echo hello\r\nhello\r\n# $/);
      // A command that takes a hundred seconds: no prompt until Ctrl-C (byte 3 on the tty), which ends it only.
      let mark = t.screen().length;
      t.type('sleep 100\r');
      await t.waitFor(/^sleep 100\r\n$/, 5000, mark);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(t.screen().slice(mark), 'sleep 100\r\n', 'the prompt waits for the command');
      t.type('\x03');
      await t.waitFor(/^sleep 100\r\n\^C\r\n# $/, 5000, mark);
      mark = t.screen().length;
      t.type('echo $?\r');
      await t.waitFor(/^echo \$\?\r\n130\r\n# $/, 5000, mark);
      // Ctrl-C at the prompt leaves the session open; backspace edits the line; a resize is taken.
      mark = t.screen().length;
      t.type('\x03');
      await t.waitFor(/^\^C\r\n# $/, 5000, mark);
      t.resize();
      mark = t.screen().length;
      t.type('ecjo\x7f\x7fho $HOSTNAME\r');
      await t.waitFor(/^ecjo\x08 \x08\x08 \x08ho \$HOSTNAME\r\nkiada\r\n# $/, 5000, mark);
      // Output shows when the simulated process writes it: `sleep 1` between two lines takes a second.
      mark = t.screen().length;
      t.type('echo a; sleep 1; echo b\r');
      await t.waitFor(/\r\na\r\n$/, 5000, mark);
      const shownA = Date.now();
      await t.waitFor(/\r\na\r\nb\r\n# $/, 5000, mark);
      assert.ok(Date.now() - shownA >= 800, `b came ${Date.now() - shownA} ms after a`);
      t.type('exit 3\r');
      assert.equal(await t.exited, 3);
      assert.match(t.screen(), /# exit 3\r\ncommand terminated with exit code 3\r\n$/);
    } finally {
      t.kill();
    }
  });

  test('run -it --rm ... -- sh on a terminal: Ctrl-C at the prompt keeps the session, curl reaches the service, exit deletes the pod', async () => {
    const t = onTerminal(['run', '-it', '--rm', '--restart=Never', '--image=curlimages/curl', 'client-pod', '--', 'sh']);
    try {
      await t.waitFor(/~ \$ $/);
      t.type('\x03');
      await t.waitFor(/~ \$ \^C\r\n~ \$ $/);
      let mark = t.screen().length;
      t.type('curl -s http://kiada\r');
      await t.waitFor(new RegExp(`^curl -s http://kiada\\r\\n${KIADA.source}\\r\\n~ \\$ $`), 10_000, mark);
      mark = t.screen().length;
      t.type('exit\r');
      assert.equal(await t.exited, 0);
      assert.equal(t.screen().slice(mark), 'exit\r\npod "client-pod" deleted\r\n');
      assert.doesNotMatch(c.run(['get', 'pods']).stdout, /client-pod/);
    } finally {
      t.kill();
    }
  });

  test('kubesim\'s own run -it --rm ... -- sh: Ctrl-C at the prompt keeps the session; exit ends it as kubectl\'s does', async () => {
    const t = openTerminal([process.execPath, BIN, 'run', '-it', '--rm', '--image=curlimages/curl', 'client-pod', '--', 'sh'], c.env, ROOT);
    try {
      await t.waitFor(/~ \$ $/);
      t.type('\x03');
      await t.waitFor(/~ \$ \^C\r\n~ \$ $/);
      t.type('echo still here\r');
      await t.waitFor(/echo still here\r\nstill here\r\n~ \$ $/);
      t.type('exit\r');
      assert.equal(await t.exited, 0);
      // What kubectl shows for the same keys (restartPolicy Always: the attach's closing line, then --rm's).
      assert.equal(t.screen(), 'If you don\'t see a command prompt, try pressing enter.\r\n~ $ ^C\r\n~ $ echo still here\r\nstill here\r\n~ $ exit\r\nSession ended, resume using \'kubectl attach client-pod -c client-pod -i -t\' command when the pod is running\r\npod "client-pod" deleted\r\n');
      assert.doesNotMatch(c.run(['get', 'pods']).stdout, /client-pod/);
    } finally {
      t.kill();
    }
  });

  test('a deployment: scale, rollout status, wait for its pods Ready', async () => {
    const manifest = join(c.dir, 'web.yaml');
    writeFileSync(manifest, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n');
    assert.equal((await k(['apply', '-f', manifest])).stdout, 'deployment.apps/web created\n');
    assert.equal((await k(['scale', 'deployment', 'web', '--replicas=3'])).stdout, 'deployment.apps/web scaled\n');
    const st = await k(['rollout', 'status', 'deployment/web', '--timeout=20s']);
    assert.deepEqual([st.stdout, st.code], ['deployment "web" successfully rolled out\n', 0]);
    const w = await k(['wait', '--for=condition=Ready', 'pod', '-l', 'app=web', '--timeout=20s']);
    assert.equal(w.code, 0);
    assert.equal(w.stdout.split('\n').filter((l) => / condition met$/.test(l)).length, 3, w.stdout);
    assert.equal((await k(['get', 'deploy', 'web'])).stdout, c.run(['get', 'deploy', 'web']).stdout);
  });

  test('diff exits 0 when the manifest matches the cluster and 1 with the difference', async () => {
    const same = await k(['diff', '-f', 'manifests/kiada-pod.yaml']);
    assert.deepEqual([same.stdout, same.stderr, same.code], ['', '', 0]);
    const changed = join(c.dir, 'kiada-v2.yaml');
    writeFileSync(changed, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kiada\n  labels:\n    app: kiada\n    tier: web\nspec:\n  containers:\n  - name: kiada\n    image: luksa/kiada:0.1\n    ports:\n    - name: http\n      containerPort: 8080\n');
    const d = await k(['diff', '-f', changed]);
    assert.equal(d.code, 1, d.stderr);
    assert.match(d.stdout, /^\+ {4}tier: web$/m);
    assert.doesNotMatch(c.run(['get', 'pod', 'kiada', '--show-labels']).stdout, /tier=web/, 'diff changes nothing');
  });

  test('edit with an EDITOR script changes the pod', async () => {
    const editor = join(c.dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/^    app: kiada$/    app: kiada\\n    edited: \\"yes\\"/" "$1"\n', { mode: 0o755 });
    const r = await k(['edit', 'pod', 'kiada'], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
    assert.deepEqual([r.stdout, r.stderr, r.code], ['pod/kiada edited\n', '', 0]);
    assert.match(c.run(['get', 'pod', 'kiada', '--show-labels']).stdout, /app=kiada,edited=yes/);
  });

  test('apply -k and delete -k an overlay that sets its namespace', async () => {
    const dir = join(c.dir, 'overlay');
    mkdirSync(dir);
    writeFileSync(join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: lesson\nnamePrefix: lesson-\nresources:\n- app.yaml\n');
    writeFileSync(join(dir, 'app.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kiada\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: kiada-set}\n  template:\n    metadata:\n      labels: {app: kiada-set}\n    spec:\n      containers:\n      - name: kiada\n        image: luksa/kiada:0.1\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: kiada\nspec:\n  selector: {app: kiada-set}\n  ports:\n  - port: 80\n    targetPort: 8080\n');
    assert.equal((await k(['create', 'namespace', 'lesson'])).stdout, 'namespace/lesson created\n');
    const a = await k(['apply', '-k', dir]);
    assert.deepEqual([a.stdout, a.stderr, a.code], ['service/lesson-kiada created\ndeployment.apps/lesson-kiada created\n', '', 0]);
    assert.equal((await k(['get', 'all', '-n', 'lesson'])).stdout, c.run(['get', 'all', '-n', 'lesson']).stdout);
    assert.match(c.run(['get', 'deploy', '-n', 'lesson']).stdout, /^lesson-kiada +2\/2 /m);
    const d = await k(['delete', '-k', dir]);
    assert.deepEqual([d.stdout, d.stderr, d.code], ['service "lesson-kiada" deleted\ndeployment.apps "lesson-kiada" deleted\n', '', 0]);
    assert.equal(c.run(['get', 'all', '-n', 'lesson']).stderr, 'No resources found in lesson namespace.\n');
  });

  test('delete the pod: logs -f, following since describe, ends with it', async () => {
    const r = await k(['delete', 'pod', 'kiada']);
    assert.deepEqual([r.stdout, r.code], ['pod "kiada" deleted\n', 0]);
    const f = await following!;
    assert.equal(f.code, 0, 'the stream ended with the pod, not by the timeout');
    assert.match(f.stdout, /^Kiada 0\.1 starting\.\.\.$/m);
    assert.match(f.stdout, /^Received request for \/lesson from ::ffff:127\.0\.0\.1$/m);
  });

  test('errors: a pod that is not there', async () => {
    for (const verb of [['get', 'pod', 'x'], ['delete', 'pod', 'x'], ['describe', 'pod', 'x']]) {
      const r = await k(verb);
      assert.deepEqual([r.stdout, r.stderr, r.code], ['', 'Error from server (NotFound): pods "x" not found\n', 1], verb.join(' '));
    }
  });

  test('Ctrl-C stops the server cleanly', async () => {
    const exited = new Promise<number | null>((resolve) => s.child.on('exit', (code) => resolve(code)));
    s.child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.equal(s.stderr(), 'kubesim serve: stopped\n');
  });
});
