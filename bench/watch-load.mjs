// `npm run bench` (via bench/run.mjs), and test/server/watch-load.test.ts in short: `kubesim serve` under N
// concurrent watchers of ConfigMaps while an HTTP client writes at a fixed rate through the REST API (each
// ConfigMap created, patched, then deleted). Every watcher must see every write exactly once, in one order,
// with strictly increasing resourceVersions. Reports writes/s achieved, events/s delivered (all watchers),
// write-to-event latency (from the write's request to the event reaching a watcher) and the server's RSS.
// Environment: BENCH_WATCHERS (50), BENCH_WRITES_PER_S (200), BENCH_SECONDS (30).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'kubesim');
const NS = 'load';

/** Starts `kubesim serve --port 0` on the state of env; resolves with its URL and process. */
function startServe(env) {
  return new Promise((resolve, reject) => {
    // BENCH_SERVE_NODE_ARGS: Node options for the server alone (--cpu-prof to see where its time goes).
    const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, bin, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^Serving the kubesim cluster at (https:\/\/[^;]+);/.exec(out);
      if (m) resolve({ child, url: new URL(m[1]) });
    });
    child.on('exit', () => reject(new Error(`kubesim serve exited: ${err}`)));
  });
}

/** The server's resident set (MB), from /proc; undefined elsewhere. */
function rssMB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const percentile = (xs, p) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/**
 * Runs the load on a fresh state in a temporary directory (or on opts.env's state). Resolves with the figures
 * and `problems`: every missed, repeated or out-of-order event (empty when the server kept up its promises).
 */
export async function runWatchLoad(opts = {}) {
  const watchers = opts.watchers ?? 50;
  const rate = opts.writesPerSecond ?? 200;
  const seconds = opts.seconds ?? 30;
  const dir = opts.env ? undefined : mkdtempSync(join(tmpdir(), 'kubesim-watch-load-'));
  const env = opts.env ?? { ...process.env, KUBESIM_STATE: join(dir, 'state.json'), KUBESIM_SEED: '1', NO_COLOR: '1', KUBECONFIG: '' };
  const served = await startServe(env);
  const creds = `${env.KUBESIM_STATE}.serve`;
  const ca = readFileSync(join(creds, 'ca.crt'));
  const token = readFileSync(join(creds, 'token'), 'utf8').trim();
  const writeAgent = new Agent({ keepAlive: true, maxSockets: 256, ca });
  const watchAgent = new Agent({ keepAlive: false, maxSockets: Infinity, ca });
  const problems = [];
  const open = [];
  try {
    const call = (method, path, body, contentType = 'application/json') =>
      new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : JSON.stringify(body);
        const req = request(
          { host: served.url.hostname, port: served.url.port, path, method, agent: writeAgent, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(data ? { 'Content-Type': contentType } : {}) } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ code: res.statusCode, body: text ? JSON.parse(text) : undefined }));
          },
        );
        req.on('error', reject);
        req.end(data);
      });

    const ns = await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    if (ns.code !== 201) throw new Error(`cannot create namespace ${NS}: ${JSON.stringify(ns.body)}`);
    const list = await call('GET', `/api/v1/namespaces/${NS}/configmaps`);
    const fromRV = list.body.metadata.resourceVersion;

    // The watchers: each keeps what it heard, in order.
    const heard = Array.from({ length: watchers }, () => []);
    /** key "TYPE name" -> when its write was sent (ms, performance.now). */
    const sentAt = new Map();
    const latencies = [];
    /** key -> when the write's answer came back; how long after it each watcher heard of it (may be < 0). */
    const answeredAt = new Map();
    const afterAnswer = [];
    await Promise.all(
      heard.map(
        (events) =>
          new Promise((resolve, reject) => {
            const req = request(
              { host: served.url.hostname, port: served.url.port, path: `/api/v1/namespaces/${NS}/configmaps?watch=true&resourceVersion=${fromRV}`, agent: watchAgent, headers: { Authorization: `Bearer ${token}` } },
              (res) => {
                if (res.statusCode !== 200) return reject(new Error(`watch: HTTP ${res.statusCode}`));
                let buf = '';
                res.setEncoding('utf8');
                res.on('data', (d) => {
                  buf += d;
                  let nl;
                  while ((nl = buf.indexOf('\n')) >= 0) {
                    const line = buf.slice(0, nl);
                    buf = buf.slice(nl + 1);
                    const e = JSON.parse(line);
                    const name = e.object?.metadata?.name;
                    events.push({ type: e.type, name, rv: Number(e.object?.metadata?.resourceVersion) });
                    const t = sentAt.get(`${e.type} ${name}`);
                    if (t !== undefined) latencies.push(performance.now() - t);
                    const a = answeredAt.get(`${e.type} ${name}`);
                    if (a !== undefined) afterAnswer.push(performance.now() - a);
                  }
                });
                res.on('error', () => undefined);
                resolve();
              },
            );
            req.on('error', (e) => (open.includes(req) ? problems.push(`a watch failed: ${e.message}`) : reject(e)));
            open.push(req);
            req.end();
          }),
      ),
    );
    const rssStart = rssMB(served.child.pid);
    let rssPeak = rssStart ?? 0;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMB(served.child.pid) ?? 0)), 500);

    // The writer: `rate` operations a second, each ConfigMap created, then patched, then deleted.
    const expected = [];
    let next = 0;
    const created = [];
    const patched = [];
    let inFlight = 0;
    let done = 0;
    let failed = 0;
    const op = () => {
      let method;
      let name;
      let path;
      let body;
      let type;
      let contentType;
      if (patched.length && (next % 3 === 2 || created.length === 0)) {
        name = patched.shift();
        method = 'DELETE';
        type = 'DELETED';
        path = `/api/v1/namespaces/${NS}/configmaps/${name}`;
      } else if (created.length && next % 3 === 1) {
        name = created.shift();
        method = 'PATCH';
        type = 'MODIFIED';
        path = `/api/v1/namespaces/${NS}/configmaps/${name}`;
        body = { data: { step: 'patched' } };
        contentType = 'application/merge-patch+json';
      } else {
        name = `cm-${next}`;
        method = 'POST';
        type = 'ADDED';
        path = `/api/v1/namespaces/${NS}/configmaps`;
        body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { step: 'created', payload: 'x'.repeat(200) } };
      }
      next++;
      inFlight++;
      const key = `${type} ${name}`;
      sentAt.set(key, performance.now());
      return call(method, path, body, contentType)
        .then((r) => {
          if (r.code !== 200 && r.code !== 201) {
            failed++;
            problems.push(`${method} ${name}: HTTP ${r.code} ${r.body?.message ?? ''}`);
            return;
          }
          expected.push(key);
          answeredAt.set(key, performance.now());
          if (type === 'ADDED') created.push(name);
          if (type === 'MODIFIED') patched.push(name);
        })
        .catch((e) => {
          failed++;
          problems.push(`${method} ${name}: ${e.message}`);
        })
        .finally(() => {
          inFlight--;
          done++;
        });
    };
    const started = performance.now();
    const pending = [];
    let skipped = 0;
    await new Promise((resolve) => {
      // Every 10 ms, the operations due by now (timers are coarse; the schedule is not). A server that cannot
      // keep up is not sent more than 256 writes at once: the rate achieved is then reported as it is.
      const tick = setInterval(() => {
        const elapsed = (performance.now() - started) / 1000;
        if (elapsed >= seconds) {
          clearInterval(tick);
          return resolve();
        }
        const due = Math.floor(elapsed * rate) - next - skipped;
        for (let i = 0; i < due; i++) {
          if (inFlight >= 256) {
            skipped += due - i;
            break;
          }
          pending.push(op());
        }
      }, 10);
    });
    await Promise.all(pending);
    const writeSeconds = (performance.now() - started) / 1000;
    // The last events may still be on their way.
    const want = expected.length;
    const deadline = performance.now() + 10_000;
    while (performance.now() < deadline && heard.some((h) => h.length < want)) await new Promise((r) => setTimeout(r, 20));
    clearInterval(sampler);
    const rssEnd = rssMB(served.child.pid);

    // Every watcher: each write's event exactly once, resourceVersions strictly increasing, one order for all.
    const wanted = new Set(expected);
    for (const [i, events] of heard.entries()) {
      const seen = new Set();
      for (const [j, e] of events.entries()) {
        const key = `${e.type} ${e.name}`;
        if (seen.has(key)) problems.push(`watcher ${i}: ${key} twice`);
        seen.add(key);
        if (!wanted.has(key)) problems.push(`watcher ${i}: ${key} was not written`);
        if (j > 0 && !(e.rv > events[j - 1].rv)) problems.push(`watcher ${i}: resourceVersion ${e.rv} (${key}) after ${events[j - 1].rv}`);
      }
      const missed = expected.filter((k) => !seen.has(k));
      if (missed.length) problems.push(`watcher ${i}: missed ${missed.length} events (${missed.slice(0, 3).join(', ')}...)`);
      if (i > 0 && events.map((e) => e.rv).join() !== heard[0].map((e) => e.rv).join()) problems.push(`watcher ${i}: another order than watcher 0`);
    }
    const delivered = heard.reduce((n, h) => n + h.length, 0);
    return {
      watchers,
      seconds: writeSeconds,
      writes: done - failed,
      failed,
      writesPerSecond: (done - failed) / writeSeconds,
      eventsDelivered: delivered,
      eventsPerSecond: delivered / writeSeconds,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.reduce((m, x) => Math.max(m, x), 0) },
      /** From the write's answer to the event at a watcher: the watch's own delay, without the write's queue. */
      afterAnswerMs: { p50: percentile(afterAnswer, 50), p99: percentile(afterAnswer, 99), max: afterAnswer.reduce((m, x) => Math.max(m, x), 0) },
      rssMB: { start: rssStart, peak: rssPeak, end: rssEnd },
      problems: problems.slice(0, 50),
    };
  } finally {
    for (const r of open) r.destroy();
    open.length = 0;
    writeAgent.destroy();
    watchAgent.destroy();
    // SIGTERM stops the server as Ctrl-C does (a profile asked for with NODE_OPTIONS is written); then it is killed.
    const exited = new Promise((r) => served.child.once('exit', r));
    served.child.kill('SIGTERM');
    const timer = setTimeout(() => served.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly (bench/run.mjs): the full load, printed as a table.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { default: Table } = await import('cli-table3');
  const r = await runWatchLoad({
    watchers: Number(process.env.BENCH_WATCHERS ?? 50),
    writesPerSecond: Number(process.env.BENCH_WRITES_PER_S ?? 200),
    seconds: Number(process.env.BENCH_SECONDS ?? 30),
  });
  const style = process.stdout.isTTY && !process.env.NO_COLOR ? {} : { style: { head: [], border: [] } };
  const table = new Table({ head: ['watchers', 'seconds', 'writes/s', 'events/s', 'write -> event p50 / p99 / max (ms)', 'answer -> event p50 / p99 / max (ms)', 'server RSS start / peak / end (MB)', 'missed or repeated'], ...style });
  const mb = (x) => (x === undefined ? '?' : x.toFixed(0));
  table.push([
    r.watchers,
    r.seconds.toFixed(1),
    r.writesPerSecond.toFixed(0),
    r.eventsPerSecond.toFixed(0),
    `${r.latencyMs.p50.toFixed(0)} / ${r.latencyMs.p99.toFixed(0)} / ${r.latencyMs.max.toFixed(0)}`,
    `${r.afterAnswerMs.p50.toFixed(0)} / ${r.afterAnswerMs.p99.toFixed(0)} / ${r.afterAnswerMs.max.toFixed(0)}`,
    `${mb(r.rssMB.start)} / ${mb(r.rssMB.peak)} / ${mb(r.rssMB.end)}`,
    r.problems.length ? r.problems.length : 'none',
  ]);
  process.stdout.write(`${table.toString()}\n`);
  for (const p of r.problems) process.stdout.write(`  ${p}\n`);
  if (r.problems.length) process.exitCode = 1;
}
