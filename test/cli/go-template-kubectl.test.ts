// `get -o go-template` next to the real kubectl's for the same cluster (served to kubectl by the stub API
// server): a corpus of templates covering Go's text/template (actions, pipelines, variables, range, if/else,
// with, define/template/block, the comparison and logic functions, index, len, slice, printf's verbs, html/js/
// urlquery, trim markers) and kubectl's own functions, plus the parse and execution failures.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ClusterState } from '../../src/store/state.js';
import { readState } from '../../src/store/store.js';
import { ROOT } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

let c: InProcessCluster;
let state: ClusterState;
before(async () => {
  c = inProcessCluster({ now: '2026-11-22T01:30:00Z', seed: 5 });
  for (const f of ['manifests', 'manifests/lessons/kubia-named-ports.yaml']) {
    const r = await c.run(['apply', '-f', join(ROOT, f)]);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.equal((await c.run(['create', 'secret', 'generic', 'creds', '--from-literal=user=admin', '--from-literal=pass=s3cr<e>t&'])).code, 0);
  state = readState(c.state)!;
});
after(() => c?.cleanup());

const POD = ['get', 'pod', 'kiada', '-o'];
const PODS = ['get', 'pods', '-o'];
const SECRET = ['get', 'secret', 'creds', '-o'];
const T = (args: string[], tmpl: string): string[] => [...args, `go-template=${tmpl}`];

export const CORPUS: string[][] = [
  T(POD, '{{.metadata.name}}'),
  T(POD, '{{.metadata.name}} {{.kind}} {{.apiVersion}}\n'),
  T(POD, '{{.metadata.labels}}'),
  T(POD, '{{.spec.containers}}'),
  T(POD, '{{.metadata.nope}}|{{.metadata.nope.deeper}}'),
  T(POD, '{{range .spec.containers}}{{.name}}={{.image}}{{"\\n"}}{{end}}'),
  T(POD, '{{range $i, $c := .spec.containers}}{{$i}}:{{$c.name}} {{end}}'),
  T(POD, '{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}'),
  T(POD, '{{range .spec.nope}}x{{else}}none{{end}}'),
  T(POD, '{{if .spec.nodeName}}on {{.spec.nodeName}}{{else}}unscheduled{{end}}'),
  T(POD, '{{if eq .status.phase "Pending"}}P{{else if eq .status.phase "Running"}}R{{else}}?{{end}}'),
  T(POD, '{{with .status.podIP}}ip={{.}}{{else}}no ip{{end}}'),
  T(POD, '{{with $x := .metadata.name}}{{$x}}-{{$.kind}}{{end}}'),
  T(POD, '{{$n := .metadata.name}}{{$n = printf "%s!" $n}}{{$n}}'),
  T(POD, '{{len .spec.containers}} {{len .metadata.name}} {{len .metadata.labels}}'),
  T(POD, '{{index .metadata.labels "app"}} {{(index .spec.containers 0).name}} {{index .spec.containers 0 | printf "%T"}}'),
  T(POD, '{{printf "%-10s|%5s|%q|%v|%d|%05d|%x|%X|%o|%b|%t" .metadata.name "ab" .kind .spec.containers 42 7 255 255 8 5 true}}'),
  T(POD, '{{printf "%s %d" .metadata.name}} {{printf "%d" "x"}} {{printf "%s" 1 2}}'),
  T(POD, '{{printf "%.2f %6.1f %e %g %v" 3.14159 2.5 123456.789 0.000012 1.5}}'),
  T(POD, '{{print "a" 1 2 "b" 3.5 true nil}}|{{println "x" 1}}|'),
  T(POD, '{{and 1 0 "x"}} {{or 0 "" "y"}} {{not true}} {{and .metadata.name .kind}} {{or .metadata.nope "dflt"}}'),
  T(POD, '{{eq 1 1}} {{eq "a" "b" "a"}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2.5}}'),
  T(POD, '{{slice .metadata.name 1 3}} {{slice .spec.containers 0 1}} {{slice "hello" 2}}'),
  T(POD, '{{html "<a href=\'x\'>&</a>"}} {{js "it\'s \\"q\\" <b>"}} {{urlquery "a b&c=d/é"}}'),
  T(POD, '  {{- .metadata.name -}}  \n  {{- "|" -}}  \n'),
  T(POD, '{{/* a comment */}}x{{- /* trimmed */ -}} y'),
  T(POD, '{{define "c"}}<{{.name}}>{{end}}{{range .spec.containers}}{{template "c" .}}{{end}}'),
  T(POD, '{{block "b" .metadata}}[{{.name}}]{{end}}'),
  T(POD, '{{range .spec.containers}}{{if eq .name "kiada"}}{{break}}{{end}}{{.name}}{{end}}.'),
  T(POD, '{{range $i, $e := .spec.containers}}{{if eq $i 0}}{{continue}}{{end}}{{$e.name}}{{end}}.'),
  T(POD, '{{.spec.containers | len | printf "%03d"}}'),
  T(POD, '{{exists . "spec" "containers"}} {{exists . "spec" "nope"}}'),
  T(SECRET, '{{range $k, $v := .data}}{{$k}}={{base64decode $v}}\n{{end}}'),
  T(SECRET, '{{.data.user | base64decode}} {{.type}}'),
  T(PODS, '{{range .items}}{{.metadata.name}}{{"\\t"}}{{.status.phase}}{{"\\n"}}{{end}}'),
  T(PODS, '{{len .items}} {{.kind}} {{.metadata}}'),
  T(['get', 'svc', '-A', '-o'], '{{range .items}}{{.metadata.namespace}}/{{.metadata.name}}:{{range .spec.ports}} {{.port}}{{with .name}}({{.}}){{end}}{{end}}\n{{end}}'),
  T(['get', 'nodes', '-o'], '{{range .items}}{{.metadata.name}} {{range .status.addresses}}{{if eq .type "InternalIP"}}{{.address}}{{end}}{{end}}\n{{end}}'),
  T(POD, "{{'a'}} {{0x1F}} {{1e3}} {{-5}} {{`raw\\n`}}"),
  [...POD, 'template={{.metadata.name}}'],
  [...POD, 'go-template', '--template={{.metadata.uid}}'],
];

export const FAILING: string[][] = [
  T(POD, '{{.metadata.name'),
  T(POD, '{{nofunc 1}}'),
  T(POD, '{{if .x}}no end'),
  T(POD, '{{end}}'),
  T(POD, '{{index .spec.containers 5}}'),
  T(POD, 'a{{index 1 2}}b'),
  T(POD, 'x\n{{.kind.foo}}'),
  T(POD, '{{range .kind}}{{end}}'),
  T(POD, '{{len 3}}'),
  T(POD, '{{range $i, $v := 3}}{{.}}{{end}}'),
  T(POD, '{{.metadata.name.x.y}}'),
  T(POD, '{{eq .spec.containers 1}}'),
  T(POD, '{{lt 1 "a"}}'),
  T(POD, '{{template "nope"}}'),
  T(POD, '{{$x}}'),
  T(POD, '{{base64decode "!!"}}'),
  T(POD, '{{.metadata.name 1}}'),
  [...POD, 'go-template'],
  [...POD, 'go-template', '--allow-missing-template-keys=false', '--template={{.metadata.nope}}'],
];

for (const args of CORPUS) {
  test(`kubesim ${args.slice(0, 3).join(' ')} -o ${args.slice(4).join(' ')} prints what kubectl prints`, { skip: skipWithoutKubectl() }, async () => {
    const mine = await c.run(args);
    await withKubectl(state, async (kubectl) => {
      const real = await kubectl(args);
      assert.equal(real.code, 0, real.stderr);
      assert.equal(mine.stdout, real.stdout);
      assert.equal(mine.stderr, real.stderr);
      assert.equal(mine.code, 0);
    });
  });
}

for (const args of FAILING) {
  test(`kubesim ${args.slice(0, 3).join(' ')} -o ${args.slice(4).join(' ')} fails as kubectl fails`, { skip: skipWithoutKubectl() }, async () => {
    const mine = await c.run(args);
    await withKubectl(state, async (kubectl) => {
      const real = await kubectl(args);
      assert.notEqual(real.code, 0);
      assert.equal(mine.stderr, real.stderr);
      assert.equal(mine.stdout, real.stdout);
      assert.equal(mine.code, real.code);
    });
  });
}

// create's generators print through the same templates: compared with kubectl's client dry run (no server).
const DRY: string[][] = [
  ['create', 'configmap', 'x', '--from-literal=a=b', '--from-literal=c=d', '--dry-run=client', '-o', 'go-template={{.metadata.creationTimestamp}}|{{.metadata}}|{{range $k, $v := .data}}{{$k}}={{$v}} {{end}}'],
  ['create', 'secret', 'generic', 's', '--from-literal=p=q', '--dry-run=client', '-o', 'template={{.type}} {{base64decode .data.p}}'],
  ['create', 'configmap', 'x', '--dry-run=client', '-o', 'go-template={{.nope.x'],
];
for (const args of DRY) {
  test(`kubesim ${args.join(' ')} prints what kubectl prints`, { skip: skipWithoutKubectl() }, async () => {
    const { spawnSync } = await import('node:child_process');
    const mine = await c.run(args);
    const real = spawnSync('kubectl', args, { encoding: 'utf8' });
    assert.equal(mine.stdout, real.stdout);
    assert.equal(mine.stderr, real.stderr);
    assert.equal(mine.code, real.status);
  });
}
