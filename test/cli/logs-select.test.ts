// `kubesim logs` beyond one pod: -l with its default tail of 10, --prefix, --all-pods, --all-containers,
// --since/--since-time, --limit-bytes, -p on a restarted container, -f until the pod goes, and kubectl's
// validation messages.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { BIN } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const NGINX_LAST = '/docker-entrypoint.sh: Configuration complete; ready for start up';

describe('logs with selectors, instances and follow', () => {
  let c: InProcessCluster;
  let pods: string[];
  before(async () => {
    c = inProcessCluster();
    assert.equal((await c.run(['create', 'deployment', 'web', '--image=nginx', '--replicas=2'])).code, 0);
    assert.equal((await c.run(['wait', '--for=condition=available', 'deploy/web'])).code, 0);
    pods = (await c.run(['get', 'pods', '-l', 'app=web', '-o', 'name'])).stdout.trim().split('\n');
  });
  after(() => c.cleanup());

  it('-l prints up to the last 10 lines of each pod, in pod order; --prefix names pod and container', async () => {
    const r = await c.run(['logs', '-l', 'app=web']);
    const lines = r.stdout.split('\n').filter(Boolean);
    // nginx writes 9 start-up lines: all of them, twice
    assert.equal(lines.length, 18);
    assert.equal(lines[8], NGINX_LAST);
    const p = await c.run(['logs', '-l', 'app=web', '--prefix', '--tail=1']);
    assert.equal(p.stdout, pods.map((x) => `[${x}/nginx] ${NGINX_LAST}\n`).join(''));
  });

  it('--all-pods on a workload reads every pod with prefixes; without it, the first pod and a note', async () => {
    assert.equal((await c.run(['logs', 'deploy/web', '--all-pods', '--tail=1'])).stdout, pods.map((x) => `[${x}/nginx] ${NGINX_LAST}\n`).join(''));
    const one = await c.run(['logs', 'deploy/web', '--tail=1']);
    assert.deepEqual([one.stdout, one.stderr], [`${NGINX_LAST}\n`, `Found 2 pods, using ${pods[0]}\n`]);
  });

  it('a selector matching nothing says so on stderr and succeeds', async () => {
    const r = await c.run(['logs', '-l', 'app=none']);
    assert.deepEqual([r.stdout, r.stderr, r.code], ['', 'No resources found in default namespace.\n', 0]);
  });

  it('--since and --since-time keep the lines written after; --limit-bytes cuts the stream', async () => {
    const later = '2026-11-22T01:40:00Z';
    const ip = (await c.run(['get', pods[0], '-o', 'jsonpath={.status.podIP}'])).stdout;
    const curl = await c.run(['run', 'cl', '--image=curlimages/curl', '--restart=Never', '--', 'curl', '-s', `http://${ip}/`], { env: { KUBESIM_NOW: later } });
    assert.equal(curl.code, 0);
    const since = await c.run(['logs', pods[0], '--since=5m', '--timestamps'], { env: { KUBESIM_NOW: later } });
    assert.match(since.stdout, /^2026-11-22T01:40:00\.000000000Z 10\.244\.\d+\.\d+ - - \[22\/Nov\/2026:01:40:00 \+0000\] "GET \/ HTTP\/1\.1" 200 615 "-" "curl\/8\.11\.1" "-"\n$/);
    assert.equal((await c.run(['logs', pods[0], '--since-time=2026-11-22T01:35:00Z'], { env: { KUBESIM_NOW: later } })).stdout.split('\n').length, 2);
    assert.equal((await c.run(['logs', pods[0], '--limit-bytes=12'])).stdout, '/docker-entr');
    // 11 lines after one more request: the selector's default tail drops the first start-up line
    assert.equal((await c.run(['run', 'cl3', '--image=curlimages/curl', '--restart=Never', '--', 'curl', '-s', `http://${ip}/`], { env: { KUBESIM_NOW: later } })).code, 0);
    const sel = (await c.run(['logs', '-l', 'app=web', '--prefix'])).stdout.split('\n').filter((l) => l.startsWith(`[${pods[0]}/`));
    assert.equal(sel.length, 10);
    assert.equal(sel[0], `[${pods[0]}/nginx] /docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/`);
    await c.run(['delete', 'pod', 'cl', 'cl3']);
  });

  it('-p reads the instance before a restart; a container never restarted has none', async () => {
    assert.equal((await c.run(['run', 'crash', '--image=busybox', '--', 'sh', '-c', 'echo boom; exit 1'])).code, 0);
    const later = '2026-11-22T01:31:00Z';
    assert.match((await c.run(['get', 'pod', 'crash', '--no-headers'], { env: { KUBESIM_NOW: later } })).stdout, /CrashLoopBackOff/);
    const prev = await c.run(['logs', 'crash', '-p', '--timestamps'], { env: { KUBESIM_NOW: later } });
    assert.match(prev.stdout, /^2026-11-22T01:3\d:\d\d\.000000000Z boom\n$/);
    assert.equal((await c.run(['logs', 'crash'], { env: { KUBESIM_NOW: later } })).stdout, 'boom\n');
    const never = await c.run(['logs', pods[0], '-p']);
    assert.deepEqual([never.stderr, never.code], [`Error from server (BadRequest): previous terminated container "nginx" in pod "${pods[0].slice(4)}" not found\n`, 1]);
  });

  it('--all-containers prints init containers first; -f on a finished container ends at once', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  restartPolicy: Never
  initContainers: [{name: init, image: busybox, command: [sh, -c, 'echo init done']}]
  containers: [{name: main, image: busybox, command: [sh, -c, 'echo main done']}]
`;
    assert.equal((await c.run(['apply', '-f', '-'], { input: manifest })).code, 0);
    const later = '2026-11-22T01:32:00Z';
    assert.equal((await c.run(['logs', 'two', '--all-containers', '--prefix'], { env: { KUBESIM_NOW: later } })).stdout, '[pod/two/init] init done\n[pod/two/main] main done\n');
    const f = await c.run(['logs', 'two', '-f', '-c', 'main'], { env: { KUBESIM_NOW: later } });
    assert.deepEqual([f.stdout, f.code], ['main done\n', 0]);
  });

  it('-f prints lines as requests arrive and ends when the pod is deleted', async () => {
    const child = spawn(process.execPath, [BIN, 'logs', '-f', pods[1], '--tail=0'], { env: c.env });
    let out = '';
    const closed = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    child.stdout.on('data', (d) => (out += d));
    const ip = (await c.run(['get', pods[1], '-o', 'jsonpath={.status.podIP}'])).stdout;
    // The follower prints nothing until a request lands (--tail=0), and a request made before it has started is
    // not its to print: send one request a second until it shows one (a loaded machine starts node slowly).
    for (let i = 0; i < 30 && !out.includes('GET /'); i++) {
      assert.equal((await c.run(['run', `cl2-${i}`, '--image=curlimages/curl', '--restart=Never', '--', 'curl', '-s', `http://${ip}/`])).code, 0);
      for (let j = 0; j < 10 && !out.includes('GET /'); j++) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(out, /"GET \/ HTTP\/1\.1" 200 615 "-" "curl\/8\.11\.1" "-"\n$/);
    assert.equal((await c.run(['delete', pods[1], '--wait=false'])).code, 0);
    assert.equal(await closed, 0);
  });

  it('kubectl\'s validation messages', async () => {
    const cases: [string[], string][] = [
      [['logs', 'x', '-l', 'a=b'], "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n"],
      [['logs', 'x', '--since=1m', '--since-time=2026-11-22T01:00:00Z'], 'error: at most one of `sinceTime` or `sinceSeconds` may be specified\n'],
      [['logs', 'x', '--all-containers', '-c', 'y'], 'error: --all-containers=true should not be specified with container name y\n'],
      [['logs', 'x', 'y', '-c', 'z'], 'error: only one of -c or an inline [CONTAINER] arg is allowed\n'],
      [['logs', 'x', '--limit-bytes=-1'], 'error: --limit-bytes must be greater than 0\n'],
      [['logs', 'x', '--since=-1s'], 'error: --since must be greater than 0\n'],
      [['logs', 'x', '--tail=-2'], 'error: --tail must be greater than or equal to -1\n'],
      [['logs', 'x', '--since-time=yesterday'], 'error: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"\n'],
      [['logs', '-f', '-l', 'app=web', '--max-log-requests=1'], 'error: you are attempting to follow 2 log streams, but maximum allowed concurrency is 1, use --max-log-requests to increase the limit\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await c.run(args);
      assert.deepEqual([r.stderr, r.code], [stderr, 1], args.join(' '));
    }
  });
});
