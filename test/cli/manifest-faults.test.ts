// Manifests that are not what they claim: kubectl's own decode of metadata, the API server's decode of the
// body (nulls, prototype keys, type errors) and its validation, with their exact messages.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertRefused, inProcessCluster, type InProcessCluster } from '../support/inproc.js';

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster();
  await c.run(['cluster', 'create']);
});
after(() => c.cleanup());

function file(name: string, text: string): string {
  const p = join(c.dir, name);
  writeFileSync(p, text);
  return p;
}

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n';

test('containers: [null] is a container with nothing set: the API server asks for its name and image', async () => {
  const f = file('null.yaml', `${POD}spec:\n  containers: [null]\n`);
  const stderr = 'The Pod "x" is invalid: \n* spec.containers[0].name: Required value\n* spec.containers[0].image: Required value\n';
  await assertRefused(c, ['apply', '-f', f], { stderr });
  await assertRefused(c, ['create', '-f', f], { stderr });
  await assertRefused(c, ['apply', '-f', file('nullenv.json', '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[{"name":"a","image":"nginx","env":[null]}]}}')], {
    stderr: 'The Pod "x" is invalid: spec.containers[0].env[0].name: Required value\n',
  });
});

test('a top-level __proto__ key is an unknown field (strict decoding), in YAML and in JSON', async () => {
  const yaml = file('proto.yaml', `__proto__: {a: 1}\n${POD}spec:\n  containers: [{name: a, image: nginx}]\n`);
  await assertRefused(c, ['apply', '-f', yaml], {
    stderr: `Error from server (BadRequest): error when creating "${yaml}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "__proto__"\n`,
  });
  const json = file('proto.json', '{"__proto__": {"spec": 5}, "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"containers": [{"name": "a", "image": "nginx"}]}}');
  await assertRefused(c, ['create', '-f', json], {
    stderr: `Error from server (BadRequest): error when creating "${json}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "__proto__"\n`,
  });
});

test('metadata of the wrong type: kubectl\'s own decode refuses it before any request', async () => {
  const f = file('meta.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: x, labels: {a: 5}}\n`);
  const stderr = `error: unable to decode "${f}": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string\n`;
  for (const verb of ['apply', 'create', 'delete']) await assertRefused(c, [verb, '-f', f], { stderr });
  const g = file('meta5.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: 5\n');
  await assertRefused(c, ['apply', '-f', g], { stderr: `error: unable to decode "${g}": json: cannot unmarshal number into Go struct field metadataOnlyObject.metadata of type v1.ObjectMeta\n` });
});

test('a quantity that is not one, a number too big for its field', async () => {
  const q = file('q.yaml', `${POD}spec:\n  containers: [{name: a, image: nginx, resources: {limits: {cpu: abc}}}]\n`);
  await assertRefused(c, ['apply', '-f', q], {
    stderr: `Error from server (BadRequest): error when creating "${q}": Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n`,
  });
  const n = file('n.json', '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":1e20}}');
  await assertRefused(c, ['apply', '-f', n], {
    stderr: `Error from server (BadRequest): error when creating "${n}": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 100000000000000000000 into Go struct field DeploymentSpec.spec.replicas of type int32\n`,
  });
});

test('documents nested past the bound and alias bombs are refused as go-yaml refuses them', async () => {
  const deep = file('deep.yaml', `${POD}spec: {x: ${'['.repeat(20000)}${']'.repeat(20000)}}\n`);
  await assertRefused(c, ['apply', '-f', deep], { stderr: `error: error parsing ${deep}: error converting YAML to JSON: yaml: line 5: exceeded max depth of 500\n` });
  const bomb = file('bomb.yaml', 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n');
  await assertRefused(c, ['apply', '-f', bomb], { stderr: `error: error parsing ${bomb}: error converting YAML to JSON: yaml: document contains excessive aliasing\n` });
  await assertRefused(c, ['apply', '-f', '/dev/zero'], { stderr: 'error: the file "/dev/zero" is larger than 67108864 bytes\n' });
});

test('ConfigMap keys and Service labels are validated', async () => {
  await assertRefused(c, ['apply', '-f', file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {"a b": x}\n')], {
    stderr:
      "The ConfigMap \"cm\" is invalid: data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')\n",
  });
  await assertRefused(c, ['apply', '-f', file('svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: s, labels: {"-x": "y"}}\nspec: {ports: [{port: 80}]}\n')], {
    stderr:
      "The Service \"s\" is invalid: metadata.labels: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n",
  });
});
