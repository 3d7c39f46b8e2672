// An attached shell on a terminal: the image's prompt before each line, output after it, `exit` ends the
// session. Driven in-process with a fake terminal (a spawned binary never has a TTY on stdin).
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { run as runVerb } from '../../src/cli/run.js';
import { run as execVerb } from '../../src/cli/exec.js';
import type { CliIO } from '../../src/cli/io.js';
import { lessonCluster, lessonsSetup } from './netsupport.js';

function terminal(lines: string[], env: NodeJS.ProcessEnv): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stdin = Readable.from(lines.map((l) => `${l}\n`)) as Readable & { isTTY?: boolean };
  stdin.isTTY = true;
  const sink = (f: (s: string) => void) => Object.assign(new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) }), { isTTY: true });
  return { io: { stdin, stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env }, out: () => out, err: () => err };
}

describe('interactive shells', () => {
  const c = lessonCluster(lessonsSetup);
  after(() => c.t.cleanup());

  it('run -it ... /bin/sh shows curlimages/curl\'s prompt "~ $ " and ends on exit', async () => {
    const term = terminal([`curl ${c.ip('kiada')}:8080`, 'exit 0'], c.t.env);
    const code = await runVerb(['--image=curlimages/curl:8.2.0', '-it', '--restart=Never', '--rm', 'client-pod', '/bin/sh'], term.io);
    assert.equal(code, 0);
    assert.match(term.out(), /^~ \$ Kiada version 0\.1\. Request processed by "kiada"\. Client IP: ::ffff:10\.244\.\d+\.\d+\n~ \$ pod "client-pod" deleted\n$/);
    assert.equal(term.err(), "If you don't see a command prompt, try pressing enter.\n");
  });

  it('Ctrl-C at the prompt goes to the shell: a new prompt, $? 130, and the --rm pod goes on exit', async () => {
    let out = '';
    let handler: (() => void) | undefined;
    async function* typed() {
      yield 'echo one\n';
      // The user presses Ctrl-C at the next prompt.
      await new Promise((r) => setTimeout(r, 20));
      handler?.();
      yield 'echo $?\n';
      yield 'exit\n';
    }
    const stdin = Object.assign(Readable.from(typed()), { isTTY: true });
    const sink = (f: (s: string) => void) => Object.assign(new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) }), { isTTY: true });
    const io: CliIO = {
      stdin,
      stdout: sink((s) => (out += s)),
      stderr: sink(() => {}),
      env: c.t.env,
      onInterrupt(fn) {
        handler = fn;
        return () => (handler = undefined);
      },
    };
    const code = await runVerb(['--image=curlimages/curl:8.2.0', '-it', '--restart=Never', '--rm', 'ctrl-c', '--', 'sh'], io);
    assert.equal(code, 0);
    assert.equal(out, '~ $ one\n~ $ \n~ $ 130\n~ $ pod "ctrl-c" deleted\n');
    assert.equal(handler, undefined, 'the handler is removed when the session ends');
    assert.equal(c.t.run(['get', 'pod', 'ctrl-c']).stderr, 'Error from server (NotFound): pods "ctrl-c" not found\n');
  });

  it('exec -it POD -- sh keeps shell variables between lines', async () => {
    const term = terminal(['X=42', 'echo $X', 'exit 3'], c.t.env);
    await assert.rejects(execVerb(['-it', 'bb', '--', 'sh'], term.io), (e: Error & { exitCode?: number }) => e.exitCode === 3 && e.message === 'command terminated with exit code 3');
    assert.equal(term.out(), '/ # / # 42\n/ # ');
  });

  it('exec -it POD -- sh keeps functions and written files between lines', async () => {
    const term = terminal(['f() { echo "f:$1"; }', 'echo hi > /tmp/x', 'f $(cat /tmp/x)', 'exit'], c.t.env);
    assert.equal(await execVerb(['-it', 'bb', '--', 'sh'], term.io), 0);
    assert.equal(term.out(), '/ # / # / # f:hi\n/ # ');
  });
});
