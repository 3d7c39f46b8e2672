import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeManifests, failureOf, renderFailures, splitDocuments, type ManifestItem } from '../../src/api/manifest.js';
import { InvalidError, notFound } from '../../src/api/errors.js';

const opts = { validate: true, namespace: 'default', enforceNamespace: false };

function errors(items: ManifestItem[]): string[] {
  return items.filter((i): i is { error: never } => 'error' in i).map((i) => (i.error as { render(): string }).render());
}
function names(items: ManifestItem[]): string[] {
  return items.filter((i) => 'ok' in i).map((i) => ('ok' in i ? `${i.ok.object.kind}/${i.ok.object.metadata.namespace ?? ''}/${i.ok.object.metadata.name}` : ''));
}
async function one(text: string, name = 'f.yaml', o = opts): Promise<string[]> {
  return errors(await decodeManifests([{ name, text }], o));
}

// Each expected line was produced by the real kubectl v1.32 (`kubectl create --dry-run=client -f FILE`).
const YAML_CASES: [string, string, string][] = [
  ['bad indentation', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n labels: bad\n', 'yaml: line 4: did not find expected key'],
  ['tab indentation', 'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n', 'yaml: line 4: found character that cannot start any token'],
  ['nested tab', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels:\n\t  a: b\n', 'yaml: line 6: found character that cannot start any token'],
  ['value with a colon', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x: y\n', 'yaml: line 4: mapping values are not allowed in this context'],
  ['over-indented key', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n    labels: y\n', 'yaml: line 5: mapping values are not allowed in this context'],
  ['unindented mapping', 'apiVersion: v1\nkind: Pod\nmetadata:\nname: x\n  labels: a\n', 'yaml: line 5: mapping values are not allowed in this context'],
  ['sequence item indentation', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n   image: b\n', 'yaml: line 5: did not find expected key'],
  ['sequence broken by a key', 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n  image: b\n  - name: c\n', 'yaml: line 6: did not find expected key'],
  ['unterminated quote', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "x\n', 'yaml: line 5: found unexpected end of stream'],
  ['unterminated flow map', 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n', "yaml: line 3: did not find expected ',' or '}'"],
  ['unknown alias', 'a: *x\n', "yaml: unknown anchor 'x' referenced"],
];

for (const [what, text, msg] of YAML_CASES) {
  test(`YAML syntax error wording as go-yaml: ${what}`, async () => {
    assert.deepEqual(await one(text), [`error: error parsing f.yaml: error converting YAML to JSON: ${msg}`]);
  });
}

test('JSON syntax errors use encoding/json wording with the offset', async () => {
  const text = '{"apiVersion": "v1", "kind": "Pod",\n "metadata": {"name": "x",}}';
  assert.deepEqual(await one(text, 'badjson.json'), [
    "error: error parsing badjson.json: json: offset 63: invalid character '}' looking for beginning of object key string",
  ]);
});

test('missing kind, apiVersion, both, and non-string kind', async () => {
  const tail = '; if you choose to ignore these errors, turn validation off with --validate=false';
  assert.deepEqual(await one('apiVersion: v1\nmetadata:\n  name: x\n'), [`error: error validating "f.yaml": error validating data: kind not set${tail}`]);
  assert.deepEqual(await one('kind: Pod\nmetadata:\n  name: x\n'), [`error: error validating "f.yaml": error validating data: apiVersion not set${tail}`]);
  assert.deepEqual(await one('metadata:\n  name: x\n'), [`error: error validating "f.yaml": error validating data: [apiVersion not set, kind not set]${tail}`]);
  assert.deepEqual(await one('apiVersion: v1\nkind: 5\n'), [`error: error validating "f.yaml": error validating data: kind isn't string type${tail}`]);
  assert.deepEqual(await one('hello\n'), [`error: error validating "f.yaml": error validating data: invalid object to validate${tail}`]);
});

test('with --validate=false a missing kind is a decode error instead', async () => {
  assert.deepEqual(await one('apiVersion: v1\nmetadata:\n  name: x\n', 'nokind.yaml', { ...opts, validate: false }), [
    `error: unable to decode "nokind.yaml": Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"x"}}'`,
  ]);
});

test('unknown kind or apiVersion: resource mapping not found, with the CRD hint', async () => {
  assert.deepEqual(await one('apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n'), [
    'error: resource mapping not found for name: "x" namespace: "" from "f.yaml": no matches for kind "Foo" in version "v1"\nensure CRDs are installed first',
  ]);
  assert.deepEqual(await one('apiVersion: apps/v2\nkind: Deployment\nmetadata:\n  name: d\n  namespace: a\n'), [
    'error: resource mapping not found for name: "d" namespace: "a" from "f.yaml": no matches for kind "Deployment" in version "apps/v2"\nensure CRDs are installed first',
  ]);
});

test('multi-document YAML: documents before a syntax error count, the rest of the file does not', async () => {
  const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n labels: x\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: c\n';
  const items = await decodeManifests([{ name: 'multi.yaml', text }], opts);
  assert.deepEqual(names(items), ['Pod/default/a']);
  // line numbers count from the start of the document, as kubectl's YAML reader splits first
  assert.deepEqual(errors(items), ['error: error parsing multi.yaml: error converting YAML to JSON: yaml: line 4: did not find expected key']);
});

test('an unknown kind only skips its own document', async () => {
  const text = 'apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n';
  const items = await decodeManifests([{ name: 'f.yaml', text }], opts);
  assert.deepEqual(names(items), ['Pod/default/b']);
  assert.equal(errors(items).length, 1);
});

test('kind: List is flattened; empty documents and comments are skipped; JSON works', async () => {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u', resourceVersion: '5' }, status: { phase: 'Running' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } },
  ] }, null, 4);
  const items = await decodeManifests([
    { name: 'list.json', text: list },
    { name: 'c.yaml', text: '---\n# only a comment\n---\n\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n' },
  ], opts);
  assert.deepEqual(names(items), ['Pod/default/p', 'Namespace//n', 'Deployment/default/d']);
});

test('an object namespace differing from an explicit -n is refused; without -n it wins', async () => {
  const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\n';
  assert.deepEqual(await one(text, 'f.yaml', { validate: true, namespace: 'b', enforceNamespace: true }), [
    `error: the namespace from the provided object "a" does not match the namespace "b". You must pass '--namespace=a' to perform this operation.`,
  ]);
  assert.deepEqual(names(await decodeManifests([{ name: 'f', text }], { validate: true, namespace: 'b', enforceNamespace: false })), ['Pod/a/p']);
});

test('document separators: only "---" lines, with comments allowed after', () => {
  assert.deepEqual(splitDocuments('a: 1\n--- # two\nb: 2\n').docs, ['a: 1\n', 'b: 2\n']);
  assert.equal(splitDocuments('a: 1\n--- b\n').error, 'invalid Yaml document separator: --- b');
});

test('one failure prints as itself, several one per line without "error: " (Invalid gains its source)', () => {
  const inv = new InvalidError('Pod', 'My_Pod', [{ type: 'Required value', field: 'spec.containers' }]);
  assert.equal(renderFailures([failureOf(inv, { verb: 'creating', name: 'f.yaml' })]), 'The Pod "My_Pod" is invalid: spec.containers: Required value\n');
  assert.equal(
    renderFailures([failureOf(inv, { verb: 'creating', name: 'f.yaml' }), failureOf(notFound('pods', 'x'), { verb: 'creating', name: 'f.yaml' })]),
    'Error from server (Invalid): error when creating "f.yaml": Pod "My_Pod" is invalid: spec.containers: Required value\n' +
      'Error from server (NotFound): error when creating "f.yaml": pods "x" not found\n',
  );
});
