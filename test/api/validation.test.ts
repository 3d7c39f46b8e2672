import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldErrorBody, InvalidError, StatusError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import { decodeForWrite, objectCauses, validateObject } from '../../src/api/validation.js';
import { missingRequired } from '../../src/api/schema.js';

const pod = (spec: unknown, name = 'p'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec }) as KubeObject;
const causes = (o: KubeObject, old?: KubeObject) => objectCauses(o, old).map(fieldErrorBody);

test('pod required fields and ranges, in the API server order', () => {
  assert.deepEqual(causes(pod({})), ['spec.containers: Required value']);
  assert.deepEqual(causes(pod({ containers: [{ name: 'a' }] })), ['spec.containers[0].image: Required value']);
  assert.deepEqual(causes(pod({ containers: [{ image: 'x' }] })), ['spec.containers[0].name: Required value']);
  assert.deepEqual(causes(pod({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }, { name: 'http' }] }] })), [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[1].containerPort: Required value',
  ]);
  assert.deepEqual(causes(pod({ containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] })), ['spec.containers[1].name: Duplicate value: "a"']);
  assert.deepEqual(causes(pod({ containers: [{ name: 'A_b', image: 'x', ports: [{ containerPort: 80, protocol: 'HTTP' }] }], restartPolicy: 'Sometimes' })), [
    "spec.containers[0].name: Invalid value: \"A_b\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
  assert.deepEqual(causes(pod({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, name: 'toolongportname1' }] }] })), [
    'spec.containers[0].ports[0].name: Invalid value: "toolongportname1": must be no more than 15 characters',
  ]);
});

test('names: subdomain for pods, DNS-1035 for services, label for namespaces, required', () => {
  assert.match(causes(pod({ containers: [{ name: 'a', image: 'x' }] }, 'My_Pod'))[0], /^metadata\.name: Invalid value: "My_Pod": a lowercase RFC 1123 subdomain/);
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'Bad_Svc' }, spec: { ports: [{ port: 80 }] } } as unknown as KubeObject;
  assert.match(causes(svc)[0], /^metadata\.name: Invalid value: "Bad_Svc": a DNS-1035 label must consist/);
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } } as KubeObject;
  assert.deepEqual(causes(ns), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  assert.deepEqual(causes(pod({ containers: [{ name: 'a', image: 'x' }] }, '')), ['metadata.name: Required value: name or generateName is required']);
});

test('service ports: port range (targetPort defaults to it), names required when several', () => {
  const svc = (spec: unknown) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec }) as unknown as KubeObject;
  assert.deepEqual(causes(svc({ ports: [{ port: 70000 }] })), [
    'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
  ]);
  assert.deepEqual(causes(svc({ ports: [{ name: 'web', port: 80, targetPort: 8080 }, { port: 81 }] })), ['spec.ports[1].name: Required value']);
  assert.deepEqual(causes(svc({})), ['spec.ports: Required value']);
  assert.deepEqual(causes(svc({ clusterIP: 'None' })), []);
});

test('several causes print as kubectl lists them', () => {
  try {
    validateObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'Bad_Svc' }, spec: { ports: [{ port: 0, targetPort: 80 }] } } as unknown as KubeObject);
    assert.fail('no error');
  } catch (e) {
    assert.ok(e instanceof InvalidError);
    assert.equal(
      e.render(),
      'The Service "Bad_Svc" is invalid: \n' +
        "* metadata.name: Invalid value: \"Bad_Svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')\n" +
        '* spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    );
  }
});

test('deployments: selector required and must match the template labels', () => {
  const d = (spec: unknown) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec }) as unknown as KubeObject;
  const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'a', image: 'b' }] } };
  assert.deepEqual(causes(d({ template })), ['spec.selector: Required value']);
  assert.deepEqual(causes(d({ selector: { matchLabels: { app: 'y' } }, template })), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(causes(d({ selector: { matchLabels: { app: 'x' } }, template, replicas: -1 })), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
});

test('pod updates may change only the image and a few fields', () => {
  const old = pod({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80 }] }] });
  assert.deepEqual(causes(pod({ containers: [{ name: 'a', image: 'y', ports: [{ containerPort: 80 }] }] }), old), []);
  assert.equal(causes(pod({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 81 }] }] }), old)[0].split(': ').slice(0, 2).join(': '), 'spec: Forbidden');
});

async function decodeError(o: unknown): Promise<string> {
  try {
    await decodeForWrite(o as KubeObject, 'Strict');
  } catch (e) {
    assert.ok(e instanceof StatusError);
    return e.render();
  }
  return '';
}

test('strict decoding: unknown fields joined, with paths and indexes', async () => {
  const o = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', foo: 1 }, spec: { containers: [{ name: 'a', image: 'b', foo: 1 }] }, bar: 2 };
  assert.equal(
    await decodeError(o),
    'Error from server (BadRequest): Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "metadata.foo", unknown field "spec.containers[0].foo", unknown field "bar"',
  );
  const warn = await decodeForWrite(o as unknown as KubeObject, 'Warn');
  assert.deepEqual(warn.warnings, ['unknown field "metadata.foo"', 'unknown field "spec.containers[0].foo"', 'unknown field "bar"']);
  assert.equal('bar' in (warn.object as object), false);
  const ignore = await decodeForWrite(o as unknown as KubeObject, 'Ignore');
  assert.deepEqual(ignore.warnings, []);
  assert.deepEqual((ignore.object.spec as { containers: object[] }).containers[0], { name: 'a', image: 'b' });
});

test('wrong types: encoding/json messages with the Go struct, field path and Go type', async () => {
  const p = (spec: unknown) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
  const prefix = 'Error from server (BadRequest): Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal ';
  assert.equal(await decodeError(p({ containers: [{ name: 'a', image: 'b', ports: [{ containerPort: 'abc' }] }] })), `${prefix}string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32`);
  assert.equal(await decodeError(p({ containers: [{ name: 'a', image: 'b', ports: [{ containerPort: 80.5 }] }] })), `${prefix}number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32`);
  assert.equal(await decodeError(p({ containers: { name: 'a' } })), `${prefix}object into Go struct field PodSpec.spec.containers of type []v1.Container`);
  assert.equal(await decodeError(p('x')), `${prefix}string into Go struct field Pod.spec of type v1.PodSpec`);
  assert.equal(await decodeError({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 1 } } }), `${prefix}number into Go struct field ObjectMeta.metadata.labels of type string`);
  assert.equal(
    await decodeError({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 'three' } }),
    'Error from server (BadRequest): Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
  );
  // targetPort is an IntOrString: both forms decode
  assert.equal(await decodeError({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'http' }] } }), '');
});

test('server-set fields (status, uid, resourceVersion) decode without complaint', async () => {
  const o = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u', resourceVersion: '7', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { containers: [{ name: 'a', image: 'b' }] }, status: { phase: 'Running', podIP: '10.244.1.2', conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null }] } };
  assert.equal(await decodeError(o), '');
});

test('the generated schema knows required fields', () => {
  assert.deepEqual(missingRequired({ spec: { containers: [{ image: 'x', ports: [{}] }] } }, 'IoK8sApiCoreV1Pod'), ['spec.containers[0].name', 'spec.containers[0].ports[0].containerPort']);
});

test('label and annotation keys and values: IsQualifiedName / IsValidLabelValue wording', () => {
  const p = (metadata: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...metadata }, spec: { containers: [{ name: 'a', image: 'b' }] } }) as unknown as KubeObject;
  const NAME = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  assert.deepEqual(causes(p({ labels: { 'a b': 'c' } })), [`metadata.labels: Invalid value: "a b": name part ${NAME}`]);
  assert.deepEqual(causes(p({ labels: { '/x': 'c' } })), ['metadata.labels: Invalid value: "/x": prefix part must be non-empty']);
  assert.deepEqual(causes(p({ labels: { 'a/b/c': 'c' } })), [`metadata.labels: Invalid value: "a/b/c": a qualified name ${NAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]);
  assert.match(causes(p({ labels: { app: 'x y' } }))[0], /^metadata\.labels: Invalid value: "x y": a valid label must be an empty string/);
  assert.deepEqual(causes(p({ labels: { 'example.com/app': '', 'app.kubernetes.io/name': 'kiada' }, annotations: { 'Note': 'upper case keys are fine' } })), []);
});
