// `kubesim explain` on its own: the descriptions are the Kubernetes API's text (checked against the
// published API reference), its errors and exit codes, and that it reads or changes no cluster state.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { openAPIV3Document, openAPIV3Index } from '../../src/api/openapi.js';
import { OPENAPI_DATA } from '../../src/api/openapi-data.js';
import { wrap } from '../../src/cli/explain.js';
import { inProcessCluster } from '../support/inproc.js';

test('explain service.spec.sessionAffinity: the field, its enum and the API reference text', async () => {
  const c = inProcessCluster();
  try {
    const r = await c.run(['explain', 'service.spec.sessionAffinity']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      [
        'KIND:       Service',
        'VERSION:    v1',
        '',
        'FIELD: sessionAffinity <string>',
        'ENUM:',
        '    ClientIP',
        '    None',
        '',
        'DESCRIPTION:',
        '    Supports "ClientIP" and "None". Used to maintain session affinity. Enable',
        '    client IP based session affinity. Must be ClientIP or None. Defaults to',
        '    None. More info:',
        '    https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies',
        '    ',
        '    Possible enum values:',
        '     - `"ClientIP"` is the Client IP based.',
        '     - `"None"` - no session affinity.',
        '    ',
        '',
        '',
      ].join('\n'),
    );
    // explain needs no cluster: it neither creates nor reads a state file.
    assert.equal(existsSync(c.state), false);
  } finally {
    c.cleanup();
  }
});

test('explain: descriptions keep the API text verbatim (no generator escapes), field lists carry types and -required-', async () => {
  const c = inProcessCluster();
  try {
    const role = await c.run(['explain', 'role.rules.verbs']);
    assert.equal(role.code, 0, role.stderr);
    assert.match(role.stdout, /FIELD: verbs <\[\]string>\n/);
    assert.match(role.stdout, /Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in\n {4}this rule\. '\*' represents all verbs\./);
    const pod = await c.run(['explain', 'pods.spec']);
    assert.match(pod.stdout, /\n {2}containers\t<\[\]Container> -required-\n {4}List of containers belonging to the pod\./);
    assert.match(pod.stdout, /\n {2}nodeSelector\t<map\[string\]string>\n/);
    assert.match(pod.stdout, /\n {2}restartPolicy\t<string>\n {2}enum: Always, Never, OnFailure\n/);
    const surge = await c.run(['explain', 'deploy.spec.strategy.rollingUpdate.maxSurge']);
    assert.match(surge.stdout, /^GROUP: {6}apps\nKIND: {7}Deployment\nVERSION: {4}v1\n\nFIELD: maxSurge <IntOrString>\n\n\nDESCRIPTION:\n/);
    const rec = await c.run(['explain', 'svc.spec.ports', '--recursive']);
    assert.match(rec.stdout, /\nFIELDS:\n {2}appProtocol\t<string>\n {2}name\t<string>\n {2}nodePort\t<integer>\n {2}port\t<integer> -required-\n {2}protocol\t<string>\n {2}enum: SCTP, TCP, UDP\n {2}targetPort\t<IntOrString>\n\n$/);
  } finally {
    c.cleanup();
  }
});

test('explain errors: kubectl\'s messages and exit code 1', async () => {
  const c = inProcessCluster();
  try {
    const cases: [string[], string, string][] = [
      [['explain', 'nope'], '', 'the server doesn\'t have a resource type "nope"\n'],
      [['explain', 'svc.nope'], 'KIND:       Service\nVERSION:    v1\n\n', 'error: field "nope" does not exist\n'],
      [['explain', 'po.spec.containers.image.x'], 'KIND:       Pod\nVERSION:    v1\n\n', 'error: field "x" does not exist\n'],
      [['explain'], '', 'error: You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n'],
      [['explain', 'svc', '-o', 'yaml'], '', 'error: unrecognized format: yaml\n'],
      [['explain', 'deploy', '--api-version=apps/v1beta1'], '', 'error: couldn\'t find resource for "apps/v1beta1, Resource=deployments"\n'],
      [['explain', 'svc', '--api-version=apps/v1'], '', 'error: GVR (apps/v1, Resource=services) not found in OpenAPI schema\n'],
      [['explain', 'svc.__proto__'], 'KIND:       Service\nVERSION:    v1\n\n', 'error: field "__proto__" does not exist\n'],
    ];
    for (const [args, stdout, stderr] of cases) {
      const r = await c.run(args);
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 1, stdout, stderr }, args.join(' '));
    }
  } finally {
    c.cleanup();
  }
});

test('openapi: the /openapi/v3 index names every served group/version, each document holds its kinds', () => {
  const index = openAPIV3Index();
  assert.ok(index.paths['api/v1'] && index.paths['apis/apps/v1'] && index.paths['apis/autoscaling/v2']);
  const apps = openAPIV3Document(OPENAPI_DATA, 'apps', 'v1') as any;
  assert.deepEqual(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
  const dep = apps.components.schemas['io.k8s.api.apps.v1.Deployment'];
  assert.deepEqual(dep['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  assert.deepEqual(dep.properties.spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }]);
  assert.ok(apps.components.schemas['io.k8s.api.core.v1.PodSpec'], 'referenced definitions come along');
  assert.equal(apps.components.schemas['io.k8s.api.core.v1.Service'], undefined, 'other groups\' kinds stay out');
});

test('wrap: breaks at spaces within the width, keeps line breaks, never splits a long word', () => {
  assert.equal(wrap(10, 'aaa bbb ccc ddd'), 'aaa bbb\nccc ddd');
  assert.equal(wrap(10, 'a\n\nb'), 'a\n\nb');
  assert.equal(wrap(5, 'x https://example.com/long y'), 'x\nhttps://example.com/long\ny');
  assert.equal(wrap(4, 'éééé ü'), 'éééé\nü');
});
