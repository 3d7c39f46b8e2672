// `kubesim graph`: the lesson 002 cluster (5 demo pods on their nodes, demo-service, the jumpbox) in every format,
// a curl recorded as a flow drawn as a path, -n/-A scope, and kubectl-shaped errors (whose hint names kubectl,
// as every kubesim verb's does).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lessonCluster, lessonsSetup, type LessonCluster } from './netsupport.js';

const DEMO = ['demo-58465f467c-24bcq', 'demo-58465f467c-dhws5', 'demo-58465f467c-f29sm', 'demo-58465f467c-l2f6g', 'demo-58465f467c-w4n6j'];

describe('kubesim graph', () => {
  let c: LessonCluster;
  before(() => {
    c = lessonCluster(lessonsSetup);
    const r = c.t.run(['curl', '--from', 'pod/jumpbox', '-s', 'http://demo-service.dev']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => c.t.cleanup());

  it('text -A: every node box holds its pods with their IPs; the service points at its 5 endpoints; the curl is a path', () => {
    const r = c.t.run(['graph', '-A']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.split('\n');
    for (const l of lines) assert.ok(l.length <= 100, `wider than 100 columns: ${l}`);
    // Each demo pod inside the box of the node it runs on.
    const boxOf = (pod: string) => {
      const i = lines.findIndex((l) => l.includes(` dev/${pod} `));
      assert.ok(i > 0, pod);
      for (let j = i; j >= 0; j--) if (lines[j].startsWith('┌─ node ')) return lines[j].split(' ')[2];
      return '';
    };
    assert.deepEqual(DEMO.map(boxOf), ['kind-worker3', 'kind-worker3', 'kind-worker3', 'kind-worker2', 'kind-worker']);
    assert.match(r.stdout, new RegExp(`│ ● default/jumpbox +${c.ip('jumpbox').replace(/\./g, '\\.')} +Running`));
    assert.match(r.stdout, /┌─ node kind-worker2 \(<none>\) 172\.18\.0\.4  pods 10\.244\.2\.0\/24 ─+┐/);
    assert.match(r.stdout, /  ◆ dev\/demo-service  ClusterIP 10\.96\.120\.5  80->8080\/TCP\n(      └─> dev\/demo-58465f467c-\w+  10\.244\.\d+\.\d+ on kind-worker\d?\n){5}/);
    assert.match(r.stdout, /Recent requests \(1\)\n  #1 curl http:\/\/demo-service\.dev\n     pod\/default\/jumpbox -> 10\.96\.120\.5:80 \(ClusterIP\) -> DNAT\n        -> 10\.244\.\d+\.\d+:8080 demo-58465f467c-\w+ \(kind-worker\d?\) \[200\]\n$/);
  });

  it('-n dev shows dev and the jumpbox its request came from; -n default shows no demo pod', () => {
    const dev = c.t.run(['graph', '-n', 'dev']).stdout;
    for (const p of DEMO) assert.match(dev, new RegExp(`│ ● ${p} `));
    assert.match(dev, /│ ● default\/jumpbox /, 'the visitor that made the request');
    assert.doesNotMatch(dev, /kiada|kube-system|coredns/);
    const def = c.t.run(['graph']).stdout;
    assert.doesNotMatch(def, /│ ● demo-58465f467c/);
    assert.equal(def.match(/│ ● dev\/demo-58465f467c-\w+ /g)?.length, 1, 'only the endpoint the jumpbox reached, as a visitor');
    assert.match(def, /│ ● jumpbox /);
    assert.match(def, /│ ● kiada /);
    assert.match(c.t.run(['graph', '-n', 'dev', '--flows', '0']).stdout, /Recent requests \(0\)/);
  });

  it('mermaid: a flowchart with a subgraph per node, the pods in them, service edges and the path', () => {
    const r = c.t.run(['graph', '-n', 'dev', '--format', 'mermaid']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^flowchart LR\n/);
    assert.match(r.stdout, /  subgraph k_node_kind_worker3\["node kind-worker3<br\/>172\.18\.0\.5 · pods 10\.244\.3\.0\/24"\]\n    k_pod_dev_demo_58465f467c_24bcq\["demo-58465f467c-24bcq<br\/>10\.244\.3\.\d+<br\/>Running"\]/);
    assert.equal(r.stdout.match(/^  k_svc_dev_demo_service --> k_pod_dev_demo_58465f467c_\w+$/gm)?.length, 5);
    assert.match(r.stdout, /  k_pod_default_jumpbox ==>\|"#1 curl http:\/\/demo-service\.dev"\| k_svc_dev_demo_service\n  k_svc_dev_demo_service ==>\|"#1"\| k_pod_dev_demo_/);
  });

  it('dot: clusters per node, edges to endpoints; Graphviz lays it out', async () => {
    const r = c.t.run(['graph', '-A', '--format', 'dot']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^digraph "cluster kind" \{\n/);
    assert.match(r.stdout, /  subgraph cluster_k_node_kind_worker \{\n    label="node kind-worker\\n172\.18\.0\.3  pods 10\.244\.1\.0\/24";/);
    assert.equal(r.stdout.match(/^  k_svc_dev_demo_service -> k_pod_dev_demo_\w+ \[id="endpoint"\];$/gm)?.length, 5);
    const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
    const gv = await Graphviz.load();
    const laid = JSON.parse(gv.layout(r.stdout, 'json', 'dot')) as { objects: { name: string }[] };
    for (const p of DEMO) assert.ok(laid.objects.some((o) => o.name === `k_pod_dev_${p.replace(/-/g, '_')}`), p);
  });

  it('svg: a picture with every demo pod, the service, the jumpbox and the path', () => {
    const r = c.t.run(['graph', '-n', 'dev', '--format', 'svg']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="[\d.]+" height="[\d.]+"/);
    assert.match(r.stdout, /<\/svg>\n$/);
    for (const p of DEMO) assert.match(r.stdout, new RegExp(`<g class="pod" data-id="pod/dev/${p}">`));
    assert.match(r.stdout, /<g class="pod" data-id="pod\/default\/jumpbox">/);
    assert.match(r.stdout, /<g class="service" data-id="svc\/dev\/demo-service">/);
    assert.equal(r.stdout.match(/<path class="edge path"/g)?.length, 2, 'jumpbox -> service -> pod');
    assert.equal(r.stdout.match(/<g /g)?.length, r.stdout.match(/<\/g>/g)?.length);
  });

  it('json: the model', () => {
    const g = JSON.parse(c.t.run(['graph', '-n', 'dev', '--format', 'json']).stdout);
    assert.equal(g.namespace, 'dev');
    assert.deepEqual(g.services.map((s: { id: string }) => s.id), ['svc/dev/demo-service', 'svc/dev/demo-sticky']);
    assert.equal(g.paths[0].flow.what, 'curl http://demo-service.dev');
  });

  it('errors are kubectl-shaped and change nothing', () => {
    const bad = c.t.run(['graph', '--format', 'png']);
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, '');
    assert.equal(bad.stderr, `Error: invalid argument "png" for "--format" flag: must be one of: text, mermaid, dot, svg, json\nSee 'kubectl graph --help' for usage.\n`);
    const flows = c.t.run(['graph', '--flows', 'x']);
    assert.equal(flows.code, 1);
    assert.match(flows.stderr, /^Error: invalid argument "x" for "--flows" flag: strconv\.ParseInt: parsing "x": invalid syntax\n/);
    assert.equal(c.t.run(['graph', '--flows', '201']).code, 1);
    const arg = c.t.run(['graph', 'pods']);
    assert.equal(arg.code, 1);
    assert.match(arg.stderr, /^error: unexpected argument "pods"/);
    assert.equal(c.t.run(['graph', '--bogus']).stderr, "Error: unknown flag: --bogus\nSee 'kubectl graph --help' for usage.\n");
    assert.match(c.t.run(['graph', '--help']).stdout, /Usage:\n  kubesim graph \[-n NAMESPACE\|-A\] \[--format text\|mermaid\|dot\|svg\|json\] \[--flows N\] \[options\]\n/);
  });
});
