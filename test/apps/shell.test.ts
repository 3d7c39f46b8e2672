// The simulated shell: operators, pipes, quoting, expansion, loops, exit codes, missing commands.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SHELL_LIMITS } from '../../src/apps/shell.js';
import type { Pod } from '../../src/api/types.js';
import { getObject } from '../../src/store/objects.js';
import { tools } from './helpers.js';

describe('simulated shell', () => {
  const { sh, f } = tools();
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

  it('arithmetic expansion as ash evaluates it: 64-bit integers, C precedence, bare names are variables', () => {
    assert.equal(run('n=5; echo $((n+1)) $(($n*3)) "$(( (2+3)*4 % 7 ))"').stdout, '6 15 6\n');
    assert.equal(run('echo $((0x10 + 010)) $((-7/2)) $((3>2 && 1)) $((unset_name + 1)) $((9223372036854775807 + 1))').stdout, '24 -3 1 1 -9223372036854775808\n');
    assert.equal(run('n=0; for i in $(seq 1 30); do n=$((n+i)); done; echo $n').stdout, '465\n');
    assert.deepEqual(run('echo $((1/0)); echo after'), { code: 2, stdout: '', stderr: 'sh: divide by zero\n', elapsedMs: 0 });
    assert.deepEqual(run('echo $((1+))'), { code: 2, stdout: '', stderr: 'sh: arithmetic syntax error\n', elapsedMs: 0 });
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

  it('ends runaway scripts with ash\'s errors at the bounds of a 512 MiB container, never a JavaScript one', () => {
    const nest = (n: number) => `echo ${'$(echo '.repeat(n)}x${')'.repeat(n)}`;
    assert.deepEqual(run(nest(3000)), { code: 2, stdout: '', stderr: 'sh: recursion too deep\n', elapsedMs: 0 });
    assert.equal(run(nest(50)).stdout, 'x\n');
    assert.deepEqual(run(`${'if true; then '.repeat(3000)}echo hi${'; fi'.repeat(3000)}`), { code: 2, stdout: '', stderr: 'sh: recursion too deep\n', elapsedMs: 0 });
    // 2^28 bytes cannot be built; 2^20 can.
    assert.deepEqual(run('a=x; for i in $(seq 1 28); do a=$a$a; done; echo ${#a}'), { code: 2, stdout: '', stderr: 'sh: out of memory\n', elapsedMs: 0 });
    assert.equal(run('a=x; for i in $(seq 1 20); do a=$a$a; done; echo ${#a}').stdout, '1048576\n');
    assert.deepEqual(run('seq 1 100000000 | wc -l'), { code: 2, stdout: '', stderr: 'sh: out of memory\n', elapsedMs: 0 });
    assert.equal(run('seq 1 1000000 | wc -l').stdout, '1000000\n');
    // A tool started directly reports the bound in its own name, as a busybox applet does.
    // (what it wrote before is kept, as a pipe's reader would have read it)
    const direct = sh(['seq', '1', '100000000']);
    assert.deepEqual([direct.code, direct.stderr, direct.stdout.startsWith('1\n2\n3\n'), direct.stdout.length <= SHELL_LIMITS.valueBytes], [1, 'seq: out of memory\n', true, true]);
  });

  it('assignments are not split; $(exit) ends only its subshell; seq checks its numbers', () => {
    assert.equal(run('x=$(seq 1 3); echo "$x"; echo ${#x}').stdout, '1\n2\n3\n5\n');
    assert.equal(run('echo $(exit 3) $?; echo after').stdout, '3\nafter\n');
    assert.deepEqual(run('seq abc'), { code: 1, stdout: '', stderr: "seq: invalid number 'abc'\n", elapsedMs: 0 });
  });

  it('a readiness loop polls on the simulated clock while the name does not resolve', () => {
    // resolves at once: the body never runs
    assert.deepEqual(run('n=0; until nslookup web >/dev/null; do n=$((n+1)); sleep 2; done; echo $n'), { code: 0, stdout: '0\n', stderr: '', elapsedMs: 0 });
    // does not resolve: loops, each round sleeping 2 s of simulated time
    const five = run('n=0; until nslookup nosvc >/dev/null 2>&1; do n=$((n+1)); [ $n -ge 5 ] && break; sleep 2; done; echo $n');
    assert.deepEqual(five, { code: 0, stdout: '5\n', stderr: '', elapsedMs: 8000 });
    // one long sleep is not a loop: it is not cut
    assert.deepEqual(run('sleep 5000; echo done'), { code: 0, stdout: 'done\n', stderr: '', elapsedMs: 5_000_000 });
    // never resolves: the loop keeps going until the hour of simulated time a command line's loops may spend
    const forever = run('until wget -qO- http://nosvc 2>/dev/null; do sleep 1; done; echo never');
    assert.deepEqual({ ...forever, code: undefined }, { code: undefined, stdout: '', stderr: '', elapsedMs: SHELL_LIMITS.simulatedMs, running: true });
  });

  it('an endless loop is a process that keeps running, never a silent cap', () => {
    const spin = run('i=0; while :; do i=$((i+1)); done');
    assert.equal(spin.running, true);
    const sleeper = run('while true; do echo tick; sleep 60; done');
    assert.equal(sleeper.running, true);
    assert.equal(sleeper.stdout, 'tick\n'.repeat(60));
    // a writer into a reader that stops early ends with it (SIGPIPE), as a real one does
    assert.deepEqual(run('while :; do echo y; done | head -n 2; echo $?'), { code: 0, stdout: 'y\ny\n0\n', stderr: '', elapsedMs: 0 });
    // recursion ends with ash's error, not a JavaScript one
    assert.deepEqual(run('f() { f; }; f'), { code: 2, stdout: '', stderr: 'sh: recursion too deep\n', elapsedMs: 0 });
  });

  it('files written go to the container\'s writable layer: cat, ls, test, sh FILE, redirections', () => {
    assert.equal(run('echo hi > /tmp/x; cat /tmp/x; ls /tmp; [ -f /tmp/x ] && echo file').stdout, 'hi\nx\nfile\n');
    assert.equal(run('printf "echo from \\$0 \\$1\\n" > /tmp/s.sh; sh /tmp/s.sh arg').stdout, 'from /tmp/s.sh arg\n');
    assert.deepEqual(run('echo x > /nodir/f'), { code: 1, stdout: '', stderr: "sh: can't create /nodir/f: nonexistent directory\n", elapsedMs: 0 });
    assert.equal(run('cat /etc/hostname; echo extra >> /etc/hosts; tail -n 1 /etc/hosts').stdout, 'bb\nextra\n');
    assert.equal(run('mkdir -p /a/b; touch /a/b/c; rm -r /a; ls /a; echo $?').stdout, '1\n');
    // the next exec into the container finds them; a restarted container (a new instance) starts from the image
    assert.equal(run('cat /tmp/x').stdout, 'hi\n');
    const pod = getObject<Pod>(f.state, 'pods', 'default', 'bb')!;
    pod.status!.containerStatuses![0].restartCount = 1;
    assert.equal(run('cat /tmp/x').code, 1);
  });

  it('set -x, set -e and set -u as ash prints them', () => {
    assert.deepEqual(run('set -x; x=$(echo a); echo "$x b"'), { code: 0, stdout: 'a b\n', stderr: "+ echo a\n+ x=a\n+ echo 'a b'\n", elapsedMs: 0 });
    assert.deepEqual(run('set -e; echo a; false; echo b'), { code: 1, stdout: 'a\n', stderr: '', elapsedMs: 0 });
    assert.deepEqual(run('set -u; echo $nope'), { code: 2, stdout: '', stderr: 'sh: nope: parameter not set\n', elapsedMs: 0 });
  });
});
