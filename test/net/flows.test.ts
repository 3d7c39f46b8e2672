// The flows ring (src/net/flows.ts): every connection the engine carries is recorded, bounded, persisted with
// the command's commit, and read back by recentFlows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lessonCluster, lessonsSetup, type LessonCluster } from '../cli/netsupport.js';
import { readState, writeStateAtomic } from '../../src/store/store.js';
import { FLOWS_KIND, MAX_FLOWS, recentFlows, recordFlow } from '../../src/net/flows.js';
import { connect, exchange } from '../../src/net/engine.js';
import { fixture, GET } from './fixture.js';

describe('flows ring', () => {
  let c: LessonCluster;
  before(() => {
    c = lessonCluster(lessonsSetup);
  });
  after(() => c.t.cleanup());

  const last = () => recentFlows(readState(c.t.state)!, 1)[0];

  it('a NodePort request from the workstation: the NodePort rule, SNAT, the backend pod, the answer', () => {
    const r = c.t.run(['curl', '-s', 'http://172.18.0.4:30123']);
    assert.equal(r.stdout, "You've hit kubia\n");
    const f = last();
    assert.equal(f.what, 'curl http://172.18.0.4:30123');
    assert.equal(f.source, 'workstation');
    assert.equal(f.via, 'NodePort');
    assert.equal(f.service, 'svc/default/kubia-nodeport');
    assert.equal(f.dst, '172.18.0.4:30123');
    assert.equal(f.dnat, `${c.ip('kubia')}:8080`);
    assert.match(f.snat ?? '', /^172\.18\.0\.4:\d+$/, 'kind-worker2 masquerades toward the pod on kind-worker');
    assert.equal(f.backend, 'pod/default/kubia');
    assert.equal(f.backendNode, 'kind-worker');
    assert.equal(f.verdict, 'ok');
    assert.equal(f.status, 200);
    assert.equal(f.time, '2026-11-22T01:30:00.000Z');
    assert.ok(f.hops.some((h) => h.stage === 'snat') && f.hops.at(-1)!.stage === 'app', JSON.stringify(f.hops));
  });

  it('a pod to a ClusterIP by name: DNAT to one endpoint, no SNAT; recorded without --trace', () => {
    const before = last().seq;
    c.t.run(['curl', '--from', 'pod/jumpbox', '-n', 'default', '-s', 'http://demo-service.dev']);
    const f = last();
    assert.equal(f.seq, before + 1);
    assert.equal(f.source, 'pod/default/jumpbox');
    assert.equal(f.via, 'ClusterIP');
    assert.equal(f.dst, '10.96.120.5:80');
    assert.match(f.dnat ?? '', /^10\.244\.\d+\.\d+:8080$/);
    assert.match(f.backend ?? '', /^pod\/dev\/demo-58465f467c-/);
    assert.equal(f.snat, undefined);
    assert.equal(f.client.split(':')[0], c.ip('jumpbox'));
  });

  it('refused and timed-out connections carry their verdict', () => {
    c.t.run(['curl', '--from', 'pod/jumpbox', '-s', 'http://10.96.45.10']);
    assert.equal(last().verdict, 'refused');
    assert.equal(last().service, 'svc/default/empty');
    assert.equal(last().backend, undefined);
    c.t.run(['curl', '-s', '-m', '2', 'http://172.18.0.4:30124']);
    assert.equal(last().verdict, 'timeout');
  });

  it('recentFlows returns the last n, oldest first', () => {
    const all = recentFlows(readState(c.t.state)!, 50);
    assert.ok(all.length >= 4);
    const two = recentFlows(readState(c.t.state)!, 2);
    assert.deepEqual(two.map((f) => f.seq), all.slice(-2).map((f) => f.seq));
    assert.ok(two[0].seq < two[1].seq);
    assert.deepEqual(recentFlows(readState(c.t.state)!, 0), []);
  });
});

describe('flows ring bounds and validation', () => {
  it(`keeps the last ${MAX_FLOWS}, with seq going on, and survives a save`, () => {
    const f = fixture();
    for (let i = 0; i < MAX_FLOWS + 5; i++) {
      const c = connect(f.net(), { kind: 'workstation' }, '172.18.0.3', 1, 'TCP');
      assert.equal(c.kind, 'refused');
    }
    assert.equal(f.state.net.flowSeq, MAX_FLOWS + 5);
    const flows = recentFlows(f.state, 1000);
    assert.equal(flows.length, MAX_FLOWS);
    assert.equal(flows[0].seq, 6);
    assert.equal(flows.at(-1)!.seq, MAX_FLOWS + 5);
  });

  it('a damaged record read from disk is skipped, not used', () => {
    const l = lessonCluster(() => {});
    try {
      const s = readState(l.t.state)!;
      recordFlow(s, { time: 'x', source: 'workstation', what: 'w', protocol: 'TCP', client: 'a', dst: 'b', via: 'other', verdict: 'ok', hops: [] });
      s.objects.put(FLOWS_KIND, '000000000002', { seq: 'two', hops: 'no' });
      s.net.flowSeq = 2;
      writeStateAtomic(l.t.state, s, Date.now());
      const back = recentFlows(readState(l.t.state)!, 10);
      assert.deepEqual(back.map((x) => x.seq), [1]);
    } finally {
      l.t.cleanup();
    }
  });

  it('exchange notes the HTTP status on the open connection', () => {
    const f = fixture();
    f.pod('kiada', 'luksa/kiada:0.1', { node: 'kind-worker2', container: { ports: [{ containerPort: 8080 }] } });
    const net = f.net();
    const from = net.topo.podByKey.get('default/kiada')!;
    const c = connect(net, { kind: 'pod', pod: from }, f.podIP('kiada'), 8080, 'TCP');
    assert.equal(c.kind, 'connected');
    if (c.kind !== 'connected') return;
    exchange(net, c.conn, GET('/'));
    assert.equal(c.flow?.status, 200);
    assert.equal(c.flow?.via, 'pod IP');
    assert.equal(recentFlows(f.state, 1)[0].backend, 'pod/default/kiada');
  });
});
