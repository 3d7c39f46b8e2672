// `graph --format mermaid` parses with Mermaid's own grammar (mermaid under jsdom: a dev dependency, never
// loaded by the CLI), for the lesson 002 cluster with a request path, a policy fence and every namespace.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { renderMermaid } from '../../src/graph/diagram.js';
import { buildClusterGraph } from '../../src/graph/model.js';
import { connect, exchange } from '../../src/net/engine.js';
import { createObject } from '../../src/cluster/apiserver.js';
import { lessonsSetup } from '../cli/netsupport.js';
import { fixture, GET } from '../net/fixture.js';

type Mermaid = {
  parse(text: string): Promise<unknown>;
  mermaidAPI: { getDiagramFromText(text: string): Promise<{ db: { getEdges(): unknown[]; getSubGraphs(): unknown[]; getVertices(): Map<string, unknown> } }> };
};
let mermaid: Mermaid;

describe('graph --format mermaid against the mermaid grammar', () => {
  before(async () => {
    // jsdom ships no types; only its constructor and window are used.
    const jsdom = 'jsdom';
    const { JSDOM } = (await import(jsdom)) as { JSDOM: new (html: string) => { window: { document: unknown } } };
    const dom = new JSDOM('<!doctype html><html><body></body></html>');
    Object.assign(globalThis, { window: dom.window, document: dom.window.document });
    mermaid = (await import('mermaid')).default as unknown as Mermaid;
  });

  function lesson() {
    const f = fixture();
    lessonsSetup(f);
    const net = f.net();
    const c = connect(net, { kind: 'pod', pod: net.topo.podByKey.get('default/jumpbox')! }, '10.96.120.5', 80, 'TCP');
    if (c.kind === 'connected') exchange(net, c.conn, GET('/'));
    connect(net, { kind: 'workstation' }, '172.18.0.4', 30124, 'TCP');
    createObject(f.state, f.ctx, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'dev' }, spec: { podSelector: {} } } as never, { namespace: 'dev' });
    return f;
  }

  it('the lesson 002 view (-n dev): nodes as subgraphs, pods in them, links, styles', async () => {
    const text = renderMermaid(buildClusterGraph(lesson().state, { namespace: 'dev' }));
    await mermaid.parse(text);
    const d = await mermaid.mermaidAPI.getDiagramFromText(text);
    assert.equal(d.db.getSubGraphs().length, 4, 'a subgraph per node');
    const edges = d.db.getEdges().length;
    // 2 services x 5 endpoints, 5 fence links, 2 path steps.
    assert.equal(edges, 17);
    const styled = [...text.matchAll(/^ {2}linkStyle (\d+) /gm)].map((m) => Number(m[1]));
    assert.deepEqual(styled, [15, 16], 'the path links are the last two');
    assert.ok(d.db.getVertices().has('k_pod_default_jumpbox'));
  });

  it('-A with every namespace, a namespace named end, quotes and pipes in a request, parses', async () => {
    const f = lesson();
    f.pod('weird.pod-1', 'nginx', { node: 'kind-worker', ns: 'end' });
    const net = f.net();
    const c = connect(net, { kind: 'pod', pod: net.topo.podByKey.get('end/weird.pod-1')! }, '10.96.120.5', 80, 'TCP');
    if (c.flow) c.flow.what = `sh -c 'curl "http://demo-service.dev/<a>|b" # ;end'`;
    const text = renderMermaid(buildClusterGraph(f.state, { allNamespaces: true }));
    await mermaid.parse(text);
  });

  it('a broken flowchart is refused by the same check (the check can fail)', async () => {
    await assert.rejects(mermaid.parse('flowchart LR\n  a["x"] --> '));
  });
});
