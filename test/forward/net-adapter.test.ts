// The socket servers' Engine on the real network engine, in-process: what arrives at the app and what is kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simEngine } from '../../src/forward/sim-engine.js';
import type { AppRequest, ClusterView, SendResult } from '../../src/forward/engine.js';
import { fixedClock } from '../../src/util/clock.js';
import { Random } from '../../src/util/random.js';
import { FIXED_NOW } from '../support/cli.js';
import { buildState, pod } from './support.js';
import { cloneState } from '../../src/store/store.js';

const get = (path: string): AppRequest => ({ method: 'GET', path, httpVersion: '1.1', headers: { host: 'localhost:8080' }, rawHeaders: ['Host', 'localhost:8080'], body: Buffer.alloc(0) });

test('port-forward enters on the pod loopback: kiada sees 127.0.0.1; log lines leave the in-memory state', () => {
  const state = buildState([pod('kiada')]);
  const view: ClusterView = { state, ctx: { clock: fixedClock(FIXED_NOW), random: Random.fromState(state.random) } };
  const uid = state.objects.view<any>('pods')['default/kiada'].metadata.uid!;
  const c = simEngine.connectPodLoopback(() => view, { namespace: 'default', name: 'kiada', uid }, 8080);
  assert.equal(c.kind, 'connected');
  if (c.kind !== 'connected') return;
  const before = state.logs['default/kiada/kiada']?.length ?? 0;
  for (let i = 0; i < 100; i++) {
    const r: SendResult = c.conn.send(get(`/r${i}`));
    assert.equal(r.kind, 'answered');
    if (r.kind !== 'answered') return;
    assert.equal(String(r.response.body), 'Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:127.0.0.1\n');
    assert.equal(r.response.chunked, true, 'kiada is a Node app: its body goes out chunked');
    assert.deepEqual(r.response.headers.map(([k]) => k.toLowerCase()).filter((k) => k === 'connection' || k === 'transfer-encoding'), []);
    assert.deepEqual(r.logs?.map((l) => `${l.key} ${l.line.line}`), [`default/kiada/kiada Received request for /r${i} from ::ffff:127.0.0.1`]);
  }
  assert.equal(state.logs['default/kiada/kiada']?.length ?? 0, before, 'memory stays flat: lines go to the writer');
  // nothing listens on 9999: refused, which port-forward turns into the kubelet's error
  const refused = simEngine.connectPodLoopback(() => view, { namespace: 'default', name: 'kiada', uid }, 9999);
  assert.equal(refused.kind, 'refused');
  // ...and its record for the flows ring (written with the next batch of log lines).
  assert.deepEqual(refused.kind === 'refused' && refused.flows?.map((f) => [f.source, f.via, f.dst, f.verdict]), [['workstation', 'port-forward', '127.0.0.1:9999', 'refused']]);
  // the pod gone (a reload without it): an open connection is refused from then on
  const without = cloneState(state);
  delete without.objects.view<any>('pods')['default/kiada'];
  without.resourceVersion += 1;
  const gone: ClusterView = { state: without, ctx: view.ctx };
  let current = view;
  const conn = simEngine.connectPodLoopback(() => current, { namespace: 'default', name: 'kiada', uid }, 8080);
  assert.equal(conn.kind, 'connected');
  current = gone;
  if (conn.kind === 'connected') assert.equal(conn.conn.send(get('/')).kind, 'refused');
});
