// The OpenAPI documents of `kubesim serve` read by the real kubectl v1.32: `kubectl explain` through serve
// prints what `kubesim explain` prints, client-side apply merges lists by the served patch-merge keys, and
// `kubectl autoscale` posts autoscaling/v1 HorizontalPodAutoscalers that serve converts to the stored v2.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempCluster, type TempCluster } from '../support/cli.js';
import { runInProcess } from '../support/inproc.js';
import { kubectl, raw, startServe, type Served } from '../support/serve.js';
import { skipWithoutKubectl } from '../support/stub-apiserver.js';

const skip = skipWithoutKubectl();

describe('kubesim serve OpenAPI with the real kubectl', { skip }, () => {
  let c: TempCluster;
  let s: Served;

  before(async () => {
    c = tempCluster();
    c.run(['create', 'deployment', 'web', '--image=nginx']);
    s = await startServe(c);
  });

  after(async () => {
    if (s?.child.exitCode === null) s.child.kill('SIGKILL');
    c?.cleanup();
  });

  test('kubectl explain through serve prints exactly what kubesim explain prints', async () => {
    const cases = [
      ['pods.spec.containers'],
      ['deploy', '--recursive'],
      ['svc.spec.sessionAffinity'],
      ['pods', '--api-version=v1'],
      ['hpa.spec.metrics.resource.target'],
      ['ingresses.networking.k8s.io.spec.rules.http.paths'],
      ['cm.data.x'],
      ['hpa.spec', '--api-version=autoscaling/v1'],
    ];
    for (const args of cases) {
      const k = await kubectl(s, c, ['explain', ...args]);
      const ours = await runInProcess(['explain', ...args], c.env);
      assert.equal(k.stdout, ours.stdout, args.join(' '));
      assert.equal(k.stderr, ours.stderr, args.join(' '));
      assert.equal(k.code, ours.code, args.join(' '));
    }
    // Not an empty document: the field list is there.
    assert.match(c.run(['explain', 'svc.spec.sessionAffinity']).stdout, /ENUM:\n    ClientIP\n    None/);
    assert.match(c.run(['explain', 'hpa.spec', '--api-version=autoscaling/v1']).stdout, /^  targetCPUUtilizationPercentage\t<integer>$/m);
  });

  test('serves /openapi/v3 with content hashes and group/version documents holding the kinds and their patch metadata', async () => {
    const root = JSON.parse((await raw(s, '/openapi/v3')).body);
    assert.match(root.paths['api/v1'].serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    assert.match(root.paths['apis/autoscaling/v1'].serverRelativeURL, /^\/openapi\/v3\/apis\/autoscaling\/v1\?hash=/);
    const apps = JSON.parse((await raw(s, root.paths['apis/apps/v1'].serverRelativeURL)).body);
    const deploy = apps.components.schemas['io.k8s.api.apps.v1.Deployment'];
    assert.deepEqual(deploy['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    const containers = apps.components.schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    const patch = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    assert.deepEqual(patch.parameters, [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }]);
    assert.ok(patch.requestBody.content['application/strategic-merge-patch+json']);
    assert.equal((await raw(s, '/openapi/v3/apis/nope/v1')).code, 404);
  });

  test('serves /openapi/v2 as JSON and as the protobuf document kubectl explain --output=plaintext-openapiv2 reads', async () => {
    const v2 = await raw(s, '/openapi/v2');
    assert.equal(v2.code, 200);
    const doc = JSON.parse(v2.body);
    assert.equal(doc.swagger, '2.0');
    assert.deepEqual(doc.definitions['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Pod', version: 'v1' }]);
    assert.equal(doc.definitions['io.k8s.api.core.v1.Pod'].properties.spec.$ref, '#/definitions/io.k8s.api.core.v1.PodSpec');
    assert.equal(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format, 'int-or-string');
    assert.equal((await raw(s, '/openapi/v2', { accept: 'text/plain' })).code, 406);
    const k = await kubectl(s, c, ['explain', 'svc.spec.sessionAffinity', '--output=plaintext-openapiv2']);
    assert.equal(k.stderr, '');
    assert.match(k.stdout, /^KIND: {5}Service\nVERSION: {2}v1\n\nFIELD: {4}sessionAffinity <string>\n\nDESCRIPTION:\n {5}Supports "ClientIP" and "None"/);
    const d = await kubectl(s, c, ['explain', 'deploy.spec', '--output=plaintext-openapiv2']);
    assert.match(d.stdout, /^ {3}replicas\t<integer>\n {5}Number of desired pods/m);
    assert.match(d.stdout, /^ {3}template\t<Object> -required-\n/m);
  });

  test('kubectl apply merges the env list by the served merge key: a variable set outside the manifest stays', async () => {
    const file = join(c.dir, 'app.yaml');
    const manifest = (env: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  selector:\n    matchLabels: {app: app}\n  template:\n    metadata:\n      labels: {app: app}\n    spec:\n      containers:\n      - name: app\n        image: nginx\n        env: [${env}]\n`;
    writeFileSync(file, manifest('{name: A, value: "1"}'));
    assert.equal((await kubectl(s, c, ['apply', '-f', file])).stdout, 'deployment.apps/app created\n');
    assert.equal((await kubectl(s, c, ['set', 'env', 'deploy/app', 'X=9'])).code, 0);
    writeFileSync(file, manifest('{name: B, value: "2"}'));
    const r = await kubectl(s, c, ['apply', '-f', file]);
    assert.equal(r.stdout, 'deployment.apps/app configured\n');
    assert.equal(c.run(['get', 'deploy', 'app', '-o', 'jsonpath={.spec.template.spec.containers[0].env}']).stdout, '[{"name":"B","value":"2"},{"name":"X","value":"9"}]');
  });

  test('kubectl autoscale posts an autoscaling/v1 HorizontalPodAutoscaler; kubectl get hpa then prints what kubesim prints', async () => {
    const r = await kubectl(s, c, ['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80']);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'horizontalpodautoscaler.autoscaling/web autoscaled\n');
    const k = await kubectl(s, c, ['get', 'hpa']);
    assert.equal(k.stdout, c.run(['get', 'hpa']).stdout);
    assert.match(k.stdout, /web\s+Deployment\/web\s+cpu: <unknown>\/80%\s+2\s+5\s+2/);
    // Stored as v2, the CPU target a Resource metric; read back in v1 as targetCPUUtilizationPercentage.
    assert.equal(c.run(['get', 'hpa', 'web', '-o', 'jsonpath={.apiVersion} {.spec.metrics[0].resource.target.averageUtilization}']).stdout, 'autoscaling/v2 80');
    const v1 = JSON.parse((await raw(s, '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web')).body);
    assert.equal(v1.apiVersion, 'autoscaling/v1');
    assert.deepEqual(v1.spec, { maxReplicas: 5, minReplicas: 2, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, targetCPUUtilizationPercentage: 80 });
    assert.equal(v1.status.desiredReplicas, 2);
    assert.match(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/conditions'], /"type":"AbleToScale"/);
    // A v1 patch changes the v2 metric.
    const p = await kubectl(s, c, ['patch', 'horizontalpodautoscalers.v1.autoscaling', 'web', '--type=merge', '-p', '{"spec":{"targetCPUUtilizationPercentage":60}}']);
    assert.equal(p.stdout, 'horizontalpodautoscaler.autoscaling/web patched\n');
    assert.match(c.run(['get', 'hpa', 'web']).stdout, /cpu: <unknown>\/60%/);
    const list = JSON.parse((await raw(s, '/apis/autoscaling/v1/horizontalpodautoscalers')).body);
    assert.equal(list.apiVersion, 'autoscaling/v1');
    assert.equal(list.items[0].spec.targetCPUUtilizationPercentage, 60);
  });
});
