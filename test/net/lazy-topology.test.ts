// The network reads what a connection touches: a request through one Service of many reads that Service's
// EndpointSlices and the pods it meets, not every slice and every pod, and answers exactly as the topology
// built from everything (a store without a pod summary, as an older kubesim left it) does.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Ctx } from '../../src/cluster/context.js';
import { request } from '../../src/net/engine.js';
import { openNet } from '../../src/net/index.js';
import { MIN_SHARDS } from '../../src/store/layout.js';
import { readState, writeStateAtomic } from '../../src/store/store.js';
import { Random } from '../../src/util/random.js';
import { fixture, GET, NOW } from './fixture.js';

const OTHER_SERVICES = 30;

/** A saved cluster: six nginx pods behind `web` and 30 more Services over them, and a client pod. */
function savedCluster(): { dir: string; path: string } {
  const f = fixture();
  for (let i = 0; i < 6; i++) f.pod(`web-${i}`, 'nginx', { node: i % 2 ? 'kind-worker' : 'kind-worker2', labels: { app: 'web' } });
  f.pod('client', 'curlimages/curl', { node: 'kind-worker', container: { command: ['sleep', 'infinity'] } });
  f.service('web', { clusterIP: '10.96.8.8', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] });
  for (let i = 0; i < OTHER_SERVICES; i++) f.service(`svc-${i}`, { clusterIP: `10.96.9.${i + 1}`, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] });
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-lazy-net-'));
  const path = join(dir, 'state.json');
  writeStateAtomic(path, f.state, Date.parse(NOW));
  return { dir, path };
}

/** `curl web` from the client pod on the saved state, and what the store read to answer it. */
function curlWeb(path: string) {
  const state = readState(path)!;
  const ctx: Ctx = { clock: { now: () => new Date(NOW) }, random: Random.fromState(state.random) };
  const net = openNet(state, ctx);
  const client = net.topo.podByKey.get('default/client');
  assert.ok(client, 'the client pod is in the topology');
  const out = request(net, { kind: 'pod', pod: client }, 'web', 80, GET());
  assert.equal(out.kind, 'answered');
  return {
    answer: out.kind === 'answered' ? { body: out.response.body, backend: out.conn.backendIP, seen: out.conn.seenIP, trace: out.trace.map((h) => h.text) } : undefined,
    servicesRead: state.objects.readKeys('services'),
    slicesRead: state.objects.readKeys('endpointslices'),
    podsRead: state.objects.readKeys('pods'),
    podShards: state.objects.shardsRead('pods'),
  };
}

test('curl through one Service of many reads its slices and the pods it meets, and answers as the full topology does', () => {
  const { dir, path } = savedCluster();
  try {
    const lazy = curlWeb(path);
    assert.match(lazy.answer!.body, /Welcome to nginx!/);
    // web's slices, and kube-dns's (the name was resolved through the cluster DNS): none of the 30 others'.
    assert.ok(lazy.slicesRead.length > 0);
    for (const k of lazy.slicesRead) assert.match(k, /^(default\/web-|kube-system\/kube-dns-)/, `slice ${k} read`);
    // The Services themselves likewise: their addresses come from the services index.
    assert.deepEqual(lazy.servicesRead, ['default/web', 'kube-system/kube-dns']);
    // The client, the backend and the DNS server it asked: not the 14 pods of the cluster.
    assert.ok(lazy.podsRead.includes('default/client'));
    assert.ok(lazy.podsRead.length <= 4, `pods read: ${lazy.podsRead.join(' ')}`);
    assert.ok(lazy.podShards <= 4, `pod index shards read: ${lazy.podShards} of ${MIN_SHARDS}`);

    // Without the summary the topology reads every pod's projection, and answers the same.
    for (const f of readdirSync(`${path}.d`)) if (f.startsWith('pods-summary-')) rmSync(join(`${path}.d`, f));
    const full = curlWeb(path);
    assert.equal(full.podShards, MIN_SHARDS);
    assert.deepEqual(full.answer, lazy.answer);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
