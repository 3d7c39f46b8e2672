// `kubesim attach`: the main process's output from now on (until the pod goes), a shell session with a
// container started with stdin, and kubectl's messages.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { BIN, tempCluster, type TempCluster } from '../support/cli.js';

describe('attach', () => {
  let c: TempCluster;
  before(() => {
    c = tempCluster();
    assert.equal(c.run(['run', 'web', '--image=nginx']).code, 0);
    assert.equal(c.run(['run', 'done', '--image=busybox', '--restart=Never', '--', 'echo', 'hi']).code, 0);
  });
  after(() => c.cleanup());

  it('prints what the server writes from now on, and ends when the pod is deleted', async () => {
    const child = spawn(process.execPath, [BIN, 'attach', 'web'], { env: c.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const closed = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(out, '', 'no backlog: the start-up lines were written before attaching');
    const ip = c.run(['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}']).stdout;
    assert.equal(c.run(['run', 'cl', '--image=curlimages/curl', '--restart=Never', '--', 'curl', '-s', `http://${ip}/`]).code, 0);
    for (let i = 0; i < 40 && !out.includes('GET /'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /^\S+ - - \[22\/Nov\/2026:01:30:00 \+0000\] "GET \/ HTTP\/1\.1" 200 615 "-" "curl\/8\.11\.1" "-"\n$/);
    assert.equal(c.run(['delete', 'pod', 'web', '--wait=false']).code, 0);
    assert.equal(await closed, 0);
    assert.equal(err, '');
  });

  it('-i to a container started with stdin: its shell reads the input', () => {
    assert.equal(c.run(['run', 'box', '-i', '--image=busybox', '--', 'sh'], { input: 'echo first\n' }).stdout, 'first\n');
    const r = c.run(['attach', 'box', '-i'], { input: 'echo again\n' });
    assert.deepEqual([r.stdout, r.stderr, r.code], ['again\n', "If you don't see a command prompt, try pressing enter.\n", 0]);
    const t = c.run(['attach', 'box', '-i', '-t'], { input: 'exit\n' });
    assert.equal(t.stderr, "Unable to use a TTY - container box did not allocate one\nIf you don't see a command prompt, try pressing enter.\n");
  });

  it('kubectl\'s errors', () => {
    const cases: [string[], string][] = [
      [['attach'], "error: at least 1 argument is required for attach\nSee 'kubectl attach -h' for help and examples\n"],
      [['attach', 'done'], 'error: cannot attach a container in a completed pod; current phase is Succeeded\n'],
      [['attach', 'nosuch'], 'Error from server (NotFound): pods "nosuch" not found\n'],
      [['attach', 'a', 'b', 'c'], "error: expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw 3: [a b c]\nSee 'kubectl attach -h' for help and examples\n"],
    ];
    for (const [args, stderr] of cases) {
      const r = c.run(args);
      assert.deepEqual([r.stderr, r.code], [stderr, 1], args.join(' '));
    }
  });
});
