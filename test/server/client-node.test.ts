// `kubesim serve` driven by the official JavaScript client (@kubernetes/client-node) with the kubeconfig serve
// writes, while the kubesim CLI changes the same state beside it: a watch opened by the library sees each
// command's changes promptly, every event with its own, strictly increasing resourceVersion.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { AuthorizationV1Api, CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { tempCluster, type TempCluster } from '../support/cli.js';
import { runInProcess } from '../support/inproc.js';
import { startServe, type Served } from '../support/serve.js';

interface Heard {
  type: string;
  name: string;
  rv: number;
  /** When the event reached the client (epoch ms). */
  at: number;
}

/** A commit's time: a commit renames a freshly written head over the old one. */
const committedAt = (state: string) => statSync(state).mtimeMs;

describe('kubesim serve with @kubernetes/client-node', () => {
  let c: TempCluster;
  let s: Served;
  let kc: KubeConfig;
  const heard: Heard[] = [];
  let watching: AbortController | undefined;
  let watchError: unknown;

  const cli = async (args: string[]) => {
    const r = await runInProcess(args, c.env);
    assert.equal(r.code, 0, `kubesim ${args.join(' ')}: ${r.stderr}`);
    return r;
  };

  /** Resolves with the first event after `from` that matches, or fails after `ms`. */
  const heardOf = (match: (h: Heard) => boolean, from: number, ms = 10_000): Promise<Heard> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const look = () => {
        const hit = heard.slice(from).find(match);
        if (hit) return resolve(hit);
        if (watchError) return reject(new Error(`the watch ended: ${String(watchError)}`));
        if (Date.now() - started > ms) return reject(new Error(`not heard within ${ms} ms; heard ${JSON.stringify(heard.slice(from))}`));
        setTimeout(look, 5);
      };
      look();
    });

  before(async () => {
    c = tempCluster();
    await cli(['get', 'nodes']);
    s = await startServe(c);
    kc = new KubeConfig();
    kc.loadFromFile(s.kubeconfig);
  });

  after(async () => {
    watching?.abort();
    if (s?.child.exitCode === null) s.child.kill('SIGKILL');
    c?.cleanup();
  });

  test('lists pods with CoreV1Api and watches them from the list\'s resourceVersion', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedPod({ namespace: 'default' });
    assert.deepEqual(list.items, []);
    const system = await core.listNamespacedPod({ namespace: 'kube-system' });
    assert.ok(system.items.some((p) => p.metadata?.name?.startsWith('coredns-')), 'coredns runs in kube-system');
    const rv = list.metadata?.resourceVersion;
    assert.match(rv ?? '', /^\d+$/);
    watching = await new Watch(kc).watch(
      '/api/v1/namespaces/default/pods',
      { resourceVersion: rv },
      (type, obj: V1Pod) => heard.push({ type, name: obj.metadata?.name ?? '', rv: Number(obj.metadata?.resourceVersion), at: Date.now() }),
      (err) => (watchError = err ?? 'closed by the server'),
    );
  });

  test('a pod the CLI creates and deletes reaches the watch as ADDED, then DELETED, within a bound', async (t) => {
    const latencies: number[] = [];
    for (const name of ['web', 'api', 'db']) {
      const from = heard.length;
      assert.equal((await cli(['run', name, '--image=nginx'])).stdout, `pod/${name} created\n`);
      const commit = committedAt(c.state);
      const added = await heardOf((h) => h.type === 'ADDED' && h.name === name, from);
      latencies.push(added.at - commit);
    }
    let from = heard.length;
    assert.equal((await cli(['delete', 'pod', 'web'])).stdout, 'pod "web" deleted\n');
    const commit = committedAt(c.state);
    const deleted = await heardOf((h) => h.type === 'DELETED' && h.name === 'web', from);
    latencies.push(deleted.at - commit);
    const worst = Math.max(...latencies);
    t.diagnostic(`commit-to-watch-event latency (ms): ${latencies.map((l) => l.toFixed(1)).join(', ')}`);
    // The server hears of a commit through fs.watch (about a millisecond idle); the bound is generous for
    // shared CI machines, and the figure is printed above.
    assert.ok(worst < 1000, `a CLI change took ${worst.toFixed(1)} ms to reach the watch`);
    from = heard.length;
    // Several pods deleted by one command: one DELETED each, each with the version its own deletion took.
    assert.equal((await cli(['delete', 'pods', '--all'])).stdout, 'pod "api" deleted\npod "db" deleted\n');
    await heardOf((h) => h.type === 'DELETED' && h.name === 'db', from);
    await heardOf((h) => h.type === 'DELETED' && h.name === 'api', from);
    const gone = heard.slice(from).filter((h) => h.type === 'DELETED');
    assert.deepEqual(gone.map((h) => h.name).sort(), ['api', 'db']);
    assert.notEqual(gone[0].rv, gone[1].rv);
  });

  test('concurrent writes share commits, yet each succeeds or fails as it would alone', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const names = ['c0', 'c1', 'c2', 'c1', 'c3', 'c4', 'c5', 'c2', 'c6', 'c7'];
    const made = await Promise.allSettled(names.map((name, i) => core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name }, data: { i: String(i) } } })));
    // The first create of a name wins (requests are committed in arrival order); the repeat is told AlreadyExists.
    const refused = made.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: number; body?: string })] : []));
    assert.deepEqual(refused.map((e) => e.code), [409, 409]);
    assert.deepEqual(refused.map((e) => JSON.parse(e.body ?? '{}').reason), ['AlreadyExists', 'AlreadyExists']);
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    assert.deepEqual(list.items.map((m) => m.metadata?.name).filter((n) => /^c\d$/.test(n ?? '')).sort(), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    const rvs = made.flatMap((r) => (r.status === 'fulfilled' ? [Number(r.value.metadata?.resourceVersion)] : []));
    assert.equal(new Set(rvs).size, 8, `each created ConfigMap has its own resourceVersion: ${rvs.join(', ')}`);
  });

  test('answers SelfSubjectAccessReviews (k9s asks one before each view): the token may do everything', async () => {
    const authz = kc.makeApiClient(AuthorizationV1Api);
    const attrs = { verb: 'watch', resource: 'pods', namespace: 'kube-system' };
    const review = await authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: attrs } } });
    assert.equal(review.status?.allowed, true);
    assert.deepEqual({ ...review.spec.resourceAttributes }, attrs);
  });

  test('every event the watch delivered has a strictly greater resourceVersion than the one before', () => {
    assert.ok(heard.length >= 6, `heard ${heard.length} events`);
    for (let i = 1; i < heard.length; i++) assert.ok(heard[i].rv > heard[i - 1].rv, `event ${i} (${JSON.stringify(heard[i])}) after ${JSON.stringify(heard[i - 1])}`);
    assert.equal(watchError, undefined);
  });
});
