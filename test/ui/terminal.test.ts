// The page's terminal over a real loopback WebSocket: lines typed in it run as kubesim commands in this
// process against the page's state, output streams back, Tab completes, Ctrl-C interrupts; host commands,
// host files and a wrong token are refused. The line editor runs as in the page, drawing on a headless xterm.
import assert from 'node:assert/strict';
import childProcess from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { syncBuiltinESMExports } from 'node:module';
import { after, before, describe, it, mock } from 'node:test';
import xtermHeadless from '@xterm/headless';
import { WebSocket } from 'ws';
import { mountTerminal, type TerminalContext } from '../../src/ui/terminal.js';
import { LineEditor, type FromServer, type ToServer } from '../../src/ui/web/line-editor.js';
import { ROOT, savedState } from '../support/cli.js';
import { lessonCluster, lessonsSetup, type LessonCluster } from '../cli/netsupport.js';

const CURL_LINE = 'kubectl run --rm -i --restart=Never c --image=curlimages/curl -- curl -s http://demo-service.dev';
const TOKEN = 'secret-token-1';

interface Page {
  url: string;
  server: Server;
  close(): Promise<void>;
}

async function page(ctx: TerminalContext): Promise<Page> {
  const server = createServer((_req, res) => void res.writeHead(404).end());
  const terminal = mountTerminal(server, ctx);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/terminal`,
    server,
    close: () =>
      new Promise((r) => {
        // A failed test may leave a terminal open: closing the page hangs up on it.
        terminal.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A raw client of the terminal's protocol: sends messages, collects what comes back. */
class Client {
  frames: FromServer[] = [];
  private waiters: (() => void)[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.frames.push(JSON.parse(d.toString()) as FromServer);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static async open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    const c = new Client(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    await c.until((f) => f.t === 'ready');
    return c;
  }
  send(m: ToServer | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(m));
  }
  /** Waits for a frame (after index `from`) that passes the test; returns its index. */
  async until(test: (f: FromServer) => boolean, from = 0, timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex((f, k) => k >= from && test(f));
      if (i >= 0) return i;
      if (Date.now() > deadline) throw new Error(`no such frame; got ${JSON.stringify(this.frames.slice(from))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }
  /** Runs a line; returns what it printed and its exit code. */
  async run(line: string, input?: { stdin?: string; eof?: boolean }): Promise<{ out: string; err: string; code: number }> {
    const from = this.frames.length;
    this.send({ t: 'run', line });
    if (input?.stdin !== undefined) this.send({ t: 'stdin', data: input.stdin });
    if (input?.eof) this.send({ t: 'eof' });
    const end = await this.until((f) => f.t === 'exit', from);
    return collect(this.frames.slice(from, end + 1));
  }
  close(): void {
    this.ws.close();
  }
}

function collect(frames: FromServer[]): { out: string; err: string; code: number } {
  let out = '';
  let err = '';
  let code = -1;
  for (const f of frames) {
    if (f.t === 'out') out += f.data;
    else if (f.t === 'err') err += f.data;
    else if (f.t === 'exit') code = f.code;
  }
  return { out, err, code };
}

describe('the page terminal (kubesim ui)', () => {
  let c: LessonCluster;
  let p: Page;
  before(async () => {
    c = lessonCluster(lessonsSetup);
    p = await page({ statePath: c.t.state, env: c.t.env, token: TOKEN });
  });
  after(async () => {
    await p.close();
    c.t.cleanup();
  });

  it('runs the lesson 002 curl line in-process and prints what the real binary prints', async () => {
    const twin = lessonCluster(lessonsSetup);
    const expected = twin.t.run(['run', '--rm', '-i', '--restart=Never', 'c', '--image=curlimages/curl', '--', 'curl', '-s', 'http://demo-service.dev']);
    twin.t.cleanup();
    assert.match(expected.stdout, /^Hello from demo-58465f467c-\w+ at 10\.244\.\d+\.\d+ back to 10\.244\.\d+\.\d+\npod "c" deleted\n$/);
    const t = await Client.open(`${p.url}?token=${TOKEN}`);
    const r = await t.run(CURL_LINE);
    assert.deepEqual(r, { out: expected.stdout, err: expected.stderr, code: 0 });
    // `kubesim` and `k` work as `kubectl` does, and so does the bare verb.
    for (const prefix of ['kubesim ', 'k ', '']) {
      const g = await t.run(`${prefix}get pod c`);
      assert.deepEqual(g, { out: '', err: 'Error from server (NotFound): pods "c" not found\n', code: 1 });
    }
    t.close();
  });

  it('streams output as it is written, and Ctrl-C ends a command that waits (get -w, logs -f)', async () => {
    const t = await Client.open(`${p.url}?token=${TOKEN}`);
    for (const line of ['get pods -w -n dev', 'logs -f kiada']) {
      const from = t.frames.length;
      t.send({ t: 'run', line });
      await t.until((f) => f.t === 'out', from);
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(t.frames.slice(from).some((f) => f.t === 'exit'), false, `${line} is still running`);
      const asked = Date.now();
      t.send({ t: 'interrupt' });
      const end = await t.until((f) => f.t === 'exit', from);
      assert.ok(Date.now() - asked < 500, 'the prompt comes back at once');
      const r = collect(t.frames.slice(from, end + 1));
      assert.equal(r.code, 130);
      if (line.startsWith('get')) assert.match(r.out, /^NAME {20}READY   STATUS    RESTARTS   AGE\ndemo-58465f467c-24bcq   1\/1     Running   0 /);
    }
    // The connection runs the next line as usual.
    assert.equal((await t.run('get ns dev -o name')).out, 'namespace/dev\n');
    t.close();
  });

  it('feeds typed input to the command: apply -f - with a pasted manifest and Ctrl-D', async () => {
    const t = await Client.open(`${p.url}?token=${TOKEN}`);
    const r = await t.run('kubectl apply -f -', { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pasted\ndata:\n  k: v\n', eof: true });
    assert.deepEqual(r, { out: 'configmap/pasted created\n', err: '', code: 0 });
    assert.equal(savedState(c.t.state).objects.configmaps['default/pasted'].data.k, 'v');
    t.close();
  });

  it('an exec -it shell reads typed lines; Ctrl-C gives it a new prompt, exit ends it', async () => {
    const t = await Client.open(`${p.url}?token=${TOKEN}`);
    const from = t.frames.length;
    t.send({ t: 'run', line: 'kubectl exec -it bb -- sh' });
    await t.until((f) => f.t === 'out' && f.data === '/ # ', from);
    t.send({ t: 'stdin', data: 'echo hi $HOSTNAME\n' });
    await t.until((f) => f.t === 'out' && f.data === 'hi bb\n', from);
    t.send({ t: 'interrupt' });
    await t.until((f) => f.t === 'out' && f.data === '\n/ # ', from);
    t.send({ t: 'stdin', data: 'exit 3\n' });
    const end = await t.until((f) => f.t === 'exit', from);
    assert.deepEqual(collect(t.frames.slice(from, end + 1)), { out: '/ # hi bb\n/ # \n/ # ', err: 'command terminated with exit code 3\n', code: 3 });
    t.close();
  });

  it('completes verbs, kinds and names from the state', async () => {
    const t = await Client.open(`${p.url}?token=${TOKEN}`);
    const ask = async (line: string) => {
      const id = t.frames.length + 1000;
      t.send({ t: 'complete', id, line });
      const i = await t.until((f) => f.t === 'completions' && f.id === id);
      const f = t.frames[i] as Extract<FromServer, { t: 'completions' }>;
      return { from: f.from, items: f.items };
    };
    assert.deepEqual(await ask('kubectl ge'), { from: 8, items: ['get'] });
    assert.deepEqual(await ask('kub'), { from: 0, items: ['kubectl', 'kubesim'] });
    const po = await ask('kubectl get po');
    assert.equal(po.from, 12);
    assert.ok(po.items.includes('pods'), JSON.stringify(po));
    assert.ok(po.items.every((i) => i.startsWith('po')), JSON.stringify(po));
    assert.deepEqual(await ask('kubectl get pods ki'), { from: 17, items: ['kiada'] });
    assert.deepEqual(await ask('k logs -n dev demo-58465f467c-d'), { from: 14, items: ['demo-58465f467c-dhws5'] });
    t.close();
  });

  it('refuses host commands as unknown commands, spawning nothing', async () => {
    const spawned: string[] = [];
    const mocks = (['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const).map((name) =>
      mock.method(childProcess, name, (...args: unknown[]) => {
        spawned.push(`${name} ${String(args[0])}`);
        throw new Error('no host process may start');
      }),
    );
    syncBuiltinESMExports();
    const marker = join(c.t.dir, 'touched');
    try {
      const t = await Client.open(`${p.url}?token=${TOKEN}`);
      for (const line of ['ls /', 'rm -rf /', `touch ${marker}`]) {
        const r = await t.run(line);
        const word = line.split(' ')[0];
        assert.equal(r.code, 1, line);
        assert.equal(r.out, '', line);
        // kubectl's words for a verb it does not have (with its "Did you mean" list when one is near)
        assert.ok(r.err.startsWith(`Error: unknown command "${word}" for "kubectl"\n`), r.err);
      }
      const piped = await t.run(`kubectl get pods | sh -c "touch ${marker}"`);
      assert.deepEqual(piped, { out: '', err: 'error: "|" is not supported: the terminal runs one kubectl command per line, without pipes, lists or redirections\n', code: 1 });
      const diff = await t.run('kubectl diff -f -');
      assert.deepEqual(diff, { out: '', err: 'error: "diff" runs a diff program on the host, which the terminal in the page does not do: run it in a shell on the host running kubesim ui\n', code: 1 });
      const edit = await t.run('kubectl edit pod kiada');
      assert.equal(edit.err, 'error: "edit" needs an editor, which the terminal in the page does not do: run it in a shell on the host running kubesim ui\n');
      const pf = await t.run('kubectl port-forward pod/kiada 8080');
      assert.equal(pf.err, 'error: "port-forward" opens a port on the host, which the terminal in the page does not do: run it in a shell on the host running kubesim ui\n');
      const file = await t.run('kubectl apply -f /etc/passwd');
      assert.deepEqual(file, { out: '', err: 'error: the terminal in the page reads no files on the host ("/etc/passwd"): use "-f -", paste the manifest and press Ctrl-D\n', code: 1 });
      const state = await t.run(`kubectl get pods --state=${join(c.t.dir, 'other.json')}`);
      assert.equal(state.code, 1);
      t.close();
    } finally {
      for (const m of mocks) m.mock.restore();
      syncBuiltinESMExports();
    }
    assert.deepEqual(spawned, []);
    assert.equal(existsSync(marker), false);
    assert.equal(existsSync(join(c.t.dir, 'other.json')), false);
  });

  it('hostile lines get a kubectl-shaped refusal and leave the state as it was', async () => {
    const t = await Client.open(`${p.url}?token=${TOKEN}`);
    const before = readFileSync(c.t.state);
    const lines = [
      'kubectl get pods "unterminated',
      "kubectl get 'pods",
      'kubectl get pods; rm -rf /',
      'kubectl get pods && ls',
      'kubectl get pods > /tmp/out',
      'kubectl get pods < /etc/passwd',
      'kubectl get $(rm -rf /)',
      'kubectl get `id`',
      'kubectl get pods &',
      'kubectl get pods\u0000',
      `kubectl get ${'x'.repeat(200_000)}`,
      'kubectl --kubeconfig /etc/passwd get pods',
      'kubectl create configmap x --from-file=/etc/passwd',
      'kubectl apply -k /etc',
      'kubectl kustomize /etc',
      'kubectl cluster delete',
      'kubectl tunnel',
      'kubectl serve',
      'kubectl ui',
      'kubectl alias-dir /tmp/x',
      '\x1b[31m',
      '   ',
    ];
    for (const line of lines) {
      const r = await t.run(line);
      assert.doesNotMatch(r.err, /internal error|TypeError|at .*\.js/, line);
      if (line.trim() !== '' && line !== '\x1b[31m') assert.ok(r.code !== 0 && r.err.startsWith('error: ') || r.err.startsWith('Error'), `${line.slice(0, 60)}: ${r.code} ${r.err}`);
    }
    assert.ok(before.equals(readFileSync(c.t.state)), 'state unchanged');
    t.close();
  });

  it('refuses a connection without the token, or with another', async () => {
    for (const query of ['', '?token=', '?token=secret-token-2', `?token=${TOKEN}x`]) {
      const ws = new WebSocket(`${p.url}${query}`);
      ws.on('error', () => {});
      const status = await new Promise<number>((resolve) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
      });
      assert.equal(status, 401, query);
    }
  });

  it('answers a message it does not know without running anything', async () => {
    const t = await Client.open(`${p.url}?token=${TOKEN}`);
    t.ws.send('not json');
    t.send({ t: 'run', line: 42 });
    t.send({ t: 'exec', line: 'ls' });
    await t.until((f) => f.t === 'error' && t.frames.filter((g) => g.t === 'error').length === 3);
    assert.deepEqual(t.frames.filter((f) => f.t !== 'ready'), [1, 2, 3].map(() => ({ t: 'error', message: 'not a terminal message' })));
    t.close();
  });

  it('two tabs changing the cluster at once lose nothing', async () => {
    const a = await Client.open(`${p.url}?token=${TOKEN}`);
    const b = await Client.open(`${p.url}?token=${TOKEN}`);
    const runs = [];
    for (let i = 0; i < 6; i++) {
      runs.push(a.run(`kubectl create configmap tab-a-${i} --from-literal=i=${i}`));
      runs.push(b.run(`kubectl create configmap tab-b-${i} --from-literal=i=${i}`));
      // one command per tab at a time, as a terminal runs them
      await Promise.all(runs.splice(0));
    }
    const names = Object.keys(savedState(c.t.state).objects.configmaps).filter((k) => k.startsWith('default/tab-'));
    assert.equal(names.length, 12);
    a.close();
    b.close();
  });
});

describe('the page terminal in a workshop namespace', () => {
  let c: LessonCluster;
  let p: Page;
  before(async () => {
    c = lessonCluster(lessonsSetup);
    p = await page({ statePath: c.t.state, env: c.t.env, token: TOKEN, namespace: 'dev' });
  });
  after(async () => {
    await p.close();
    c.t.cleanup();
  });

  it('runs commands in the namespace unless the line names one', async () => {
    const t = await Client.open(`${p.url}?token=${TOKEN}`);
    assert.deepEqual(t.frames[0], { t: 'ready', namespace: 'dev' });
    const dev = await t.run('kubectl get pods -o name');
    assert.equal(dev.out.split('\n').filter(Boolean).length, 5);
    assert.ok(dev.out.startsWith('pod/demo-58465f467c-24bcq\n'), dev.out);
    assert.equal((await t.run('kubectl get pods -n default kiada -o name')).out, 'pod/kiada\n');
    assert.equal((await t.run('kubectl get svc -A -o name')).out.includes('service/kubia-nodeport'), true);
    assert.deepEqual(await t.run('kubectl get pod kiada'), { out: '', err: 'Error from server (NotFound): pods "kiada" not found\n', code: 1 });
    t.close();
  });
});

describe('the page terminal as the page draws it (line editor on a headless xterm)', () => {
  let c: LessonCluster;
  let p: Page;
  before(async () => {
    c = lessonCluster(lessonsSetup);
    p = await page({ statePath: c.t.state, env: c.t.env, token: TOKEN });
  });
  after(async () => {
    await p.close();
    c.t.cleanup();
  });

  /** The page's terminal: xterm (headless), the line editor, the socket; screen() reads what it shows. */
  async function browserLike(cols = 100) {
    const term = new xtermHeadless.Terminal({ cols, rows: 40, allowProposedApi: true });
    const ws = new WebSocket(`${p.url}?token=${TOKEN}`);
    const editor = new LineEditor({ write: (s) => term.write(s), send: (m) => ws.send(JSON.stringify(m)), cols: () => term.cols });
    const seen: FromServer[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as FromServer;
      seen.push(m);
      editor.receive(m);
    });
    await new Promise((r) => ws.once('open', r));
    const settle = () => new Promise<void>((r) => term.write('', () => r()));
    const screen = async () => {
      await settle();
      const b = term.buffer.active;
      const lines: string[] = [];
      // written blanks count as text for xterm; trailing ones are dropped here as an eye would
      for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)!.translateToString(true).trimEnd());
      while (lines.length && lines[lines.length - 1] === '') lines.pop();
      return lines.join('\n');
    };
    const waitFor = async (test: (s: string) => boolean) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const s = await screen();
        if (test(s)) return s;
        if (Date.now() > deadline) throw new Error(`screen never matched:\n${s}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    return { term, ws, editor, seen, screen, waitFor, type: (s: string) => editor.key(s) };
  }

  it('types the lesson line, shows the answer and the next prompt', async () => {
    const b = await browserLike();
    await b.waitFor((s) => s === '$');
    b.type(`${CURL_LINE}\r`);
    const s = await b.waitFor((x) => x.endsWith('pod "c" deleted\n$'));
    assert.match(s, /^\$ kubectl run --rm -i --restart=Never c --image=curlimages\/curl -- curl -s http:\/\/demo-service\.dev\nIf you don't see a command prompt, try pressing enter\.\nHello from demo-58465f467c-\w+ at [\d.]+ back to [\d.]+\npod "c" deleted\n\$$/);
    b.ws.close();
  });

  it('keeps a history on Up/Down, edits the line, completes on Tab, and Ctrl-C drops a line', async () => {
    const b = await browserLike();
    await b.waitFor((s) => s === '$');
    b.type('kubectl get ns dev -o name\r');
    await b.waitFor((s) => s.endsWith('namespace/dev\n$'));
    b.type('kubectl get pod kiada -o name\r');
    await b.waitFor((s) => s.endsWith('pod/kiada\n$'));
    b.type('\x1b[A');
    await b.waitFor((s) => s.endsWith('\n$ kubectl get pod kiada -o name'));
    b.type('\x1b[A');
    await b.waitFor((s) => s.endsWith('\n$ kubectl get ns dev -o name'));
    b.type('\x1b[B');
    await b.waitFor((s) => s.endsWith('\n$ kubectl get pod kiada -o name'));
    // Edit in the middle: Left x7 then Backspace over "kiada" -> "bb"
    b.type('\x1b[D'.repeat(8) + '\x7f'.repeat(5) + 'bb\r');
    await b.waitFor((s) => s.endsWith('$ kubectl get pod bb -o name\npod/bb\n$'));
    assert.deepEqual(b.editor.history, ['kubectl get ns dev -o name', 'kubectl get pod kiada -o name', 'kubectl get pod bb -o name']);
    // Tab: what the answers have in common goes in; a second Tab lists them under the line; one answer
    // goes in with a space.
    b.type('kubectl get po\t');
    await b.waitFor((s) => s.endsWith('\n$ kubectl get pod'));
    await new Promise((r) => setTimeout(r, 200));
    b.type('\t');
    const listed = await b.waitFor((s) => /\npods\s/.test(s) && s.endsWith('\n$ kubectl get pod'));
    assert.match(listed, /\$ kubectl get pod\n.*poddisruptionbudgets/);
    b.type('s\t');
    await b.waitFor((s) => s.endsWith('\n$ kubectl get pods'));
    await new Promise((r) => setTimeout(r, 200));
    b.type('ki\t');
    await b.waitFor((s) => s.endsWith('\n$ kubectl get pods kiada'));
    await new Promise((r) => setTimeout(r, 200));
    b.type('-o');
    await b.waitFor((s) => s.endsWith('\n$ kubectl get pods kiada -o'));
    b.type('\x03');
    await b.waitFor((s) => s.endsWith('\n$ kubectl get pods kiada -o^C\n$'));
    b.ws.close();
  });

  it('edits a line longer than the screen is wide (large type on a projector)', async () => {
    const b = await browserLike(40);
    await b.waitFor((s) => s === '$');
    b.type('kubectl get pods --namespace dev --output name --sort-by .metadata.name\r');
    await b.waitFor((s) => s.endsWith('pod/demo-58465f467c-w4n6j\n$'));
    b.type('\x1b[A');
    // The line again over two rows; Home, then a word changed at its start, redraws across the wrap.
    await b.waitFor((s) => s.endsWith('w4n6j\n$ kubectl get pods --namespace dev --out\nput name --sort-by .metadata.name'));
    b.type(`\x01${'\x1b[C'.repeat(7)}${'\x7f'.repeat(7)}kubesim\r`);
    const s = await b.waitFor((x) => /\$ kubesim get pods --namespace dev --out\nput name --sort-by .metadata.name\npod\/demo-58465f467c-24bcq\n/.test(x) && x.endsWith('\n$'));
    assert.equal(s.split('\n').filter((l) => l.startsWith('pod/')).length, 10);
    b.ws.close();
  });

  it('the page is built with the pane and xterm inside, and the xterm stylesheet beside it (nothing from a CDN)', () => {
    const dir = join(ROOT, 'dist', 'ui');
    const chunks = readdirSync(join(dir, 'chunks')).map((f) => readFileSync(join(dir, 'chunks', f), 'utf8'));
    const pane = chunks.find((t) => t.includes('/xterm.css') && t.includes('/terminal'));
    assert.ok(pane, 'a lazily loaded chunk holds the terminal pane');
    assert.ok(chunks.some((t) => t.includes('xterm-helper-textarea')), 'xterm.js is bundled');
    for (const t of chunks) assert.doesNotMatch(t, /https?:\/\/(cdn|unpkg|esm\.sh|jsdelivr)/);
    assert.match(readFileSync(join(dir, 'xterm.css'), 'utf8'), /\.xterm-helper-textarea/);
  });
});
