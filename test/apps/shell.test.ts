// The simulated shell: operators, pipes, quoting, expansion, loops, exit codes, missing commands.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tools } from './helpers.js';

describe('simulated shell', () => {
  const { sh } = tools();
  const run = (script: string, stdin = '') => sh(['sh', '-c', script], stdin);

  it('runs ; && || with the right statuses', () => {
    assert.deepEqual(run('echo a; false && echo b || echo c'), { code: 0, stdout: 'a\nc\n', stderr: '', elapsedMs: 0 });
    assert.equal(run('true && exit 4; echo no').code, 4);
    assert.equal(run('false').code, 1);
  });

  it('pipes into grep, head and wc; quoting and variables', () => {
    assert.equal(run('seq 1 10 | grep 1 | wc -l').stdout, '2\n');
    assert.equal(run('seq 1 20 | head -n 3').stdout, '1\n2\n3\n');
    assert.equal(run(`X=hello; echo "$X world" '$X'`).stdout, 'hello world $X\n');
    assert.equal(run('echo $(hostname)-x').stdout, 'bb-x\n');
    assert.equal(run('false; echo $?').stdout, '1\n');
  });

  it('for loops and if', () => {
    assert.equal(run('for i in 1 2 3; do echo n$i; done').stdout, 'n1\nn2\nn3\n');
    assert.equal(run('for i in $(seq 1 3); do if [ $i -eq 2 ]; then echo two; else echo $i; fi; done').stdout, '1\ntwo\n3\n');
  });

  it('reports a command the image lacks as busybox sh does (exit 127)', () => {
    assert.deepEqual(run('curl x'), { code: 127, stdout: '', stderr: 'sh: curl: not found\n', elapsedMs: 0 });
  });

  it('reads a script from stdin', () => {
    assert.equal(sh(['sh'], 'echo from stdin\nexit 2\necho never\n').stdout, 'from stdin\n');
    assert.equal(sh(['sh'], 'exit 2\n').code, 2);
  });

  it('sleep adds simulated time; a syntax error is sh\'s', () => {
    assert.equal(run('sleep 2; sleep 1').elapsedMs, 3000);
    assert.equal(run('for i in; do').code, 2);
  });

  it('redirects to /dev/null', () => {
    assert.equal(run('echo hidden > /dev/null; echo shown').stdout, 'shown\n');
  });
});
