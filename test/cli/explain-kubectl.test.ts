// `kubesim explain` against the real kubectl explain reading the same OpenAPI v3 documents from the stub API
// server: stdout, stderr and exit code byte for byte. (Serving kubectl our schema proves the layout; the
// descriptions themselves are checked against the Kubernetes API text in explain.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RESOURCES } from '../../src/api/resources.js';
import { inProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const CASES: string[][] = [
  // every kind at top level, by its plural
  ...RESOURCES.map((r) => ['explain', r.resource]),
  ['explain', 'service.spec'],
  ['explain', 'service.spec.sessionAffinity'],
  ['explain', 'svc.spec.externalTrafficPolicy'],
  ['explain', 'svc.spec.ports'],
  ['explain', 'svc.spec.ports.targetPort'],
  ['explain', 'svc.spec.selector'],
  ['explain', 'svc.metadata.creationTimestamp'],
  ['explain', 'pods.spec.containers'],
  ['explain', 'po.spec.containers.resources.limits'],
  ['explain', 'po.spec.containers.ports.protocol'],
  ['explain', 'pod.spec.volumes.configMap.items'],
  ['explain', 'pods.spec.containers', '--recursive'],
  ['explain', 'deploy', '--recursive'],
  ['explain', 'svc', '--recursive=true'],
  ['explain', 'deployment.spec.strategy'],
  ['explain', 'deployment.spec.strategy.rollingUpdate.maxSurge'],
  ['explain', 'deployments.apps'],
  ['explain', 'deployments.apps.spec.replicas'],
  ['explain', 'deploy.apps'],
  ['explain', 'deployments.v1.apps.spec.paused'],
  ['explain', 'hpa.autoscaling'],
  ['explain', 'ingresses.networking.k8s.io.spec.rules'],
  ['explain', 'svc.v1'],
  ['explain', 'deployments.apps.spec', '--api-version=apps/v1'],
  ['explain', 'pods.spec', '--api-version=apps/v1'],
  ['explain', 'deploy', '--api-version=apps/v1'],
  ['explain', 'Service.spec.type'],
  ['explain', 'sts.spec.volumeClaimTemplates'],
  ['explain', 'hpa.spec.metrics', '--api-version=autoscaling/v2'],
  ['explain', 'cj.spec.jobTemplate.spec.template.spec.restartPolicy'],
  ['explain', 'netpol.spec.policyTypes'],
  ['explain', 'ing.spec.rules.http.paths.backend.service.port'],
  ['explain', 'pvc.spec.resources.requests'],
  ['explain', 'cm.data'],
  ['explain', 'ns.status.phase'],
  ['explain', 'pods.metadata.managedFields.fieldsV1'],
  ['explain', 'pods.spec.containers.env.valueFrom.secretKeyRef.name'],
  ['explain', 'po.spec.overhead'],
  ['explain', 'ep.subsets.addresses.targetRef'],
  ['explain', 'pods', '--api-version=v1'],
  ['explain', 'sts', '--recursive'],
  ['explain', 'cj.spec', '--recursive'],
  ['explain', 'hpa.spec', '--recursive'],
  ['explain', 'ing', '--recursive'],
  ['explain', 'pods', '--recursive'],
  // errors
  ['explain', 'nope'],
  ['explain', 'SVC.spec'],
  ['explain', 'svc.nope'],
  ['explain', 'svc.spec.ports.nope'],
  ['explain', 'svc.spec.selector.foo'],
  ['explain', 'svc.spec.sessionAffinity.foo'],
  ['explain', 'svc.spec..ports'],
  ['explain', '.'],
  ['explain', '...'],
  ['explain', 'nope..x'],
  ['explain', '.svc'],
  ['explain', 'svc.'],
  ['explain', 'svc.__proto__'],
  ['explain', 'constructor'],
  ['explain'],
  ['explain', 'svc', 'pods'],
  ['explain', 'svc', '--output=json'],
  ['explain', 'svc', '--api-version=v2'],
  ['explain', 'deploy', '--api-version=apps/v1beta1'],
  ['explain', 'svc', '--api-version=apps/v1'],
];

test('explain: the same stdout, stderr and exit code as the real kubectl explain against the same OpenAPI v3 documents', { skip: skipWithoutKubectl() }, async () => {
  const c = inProcessCluster();
  try {
    await withKubectl([], async (kubectl) => {
      // kubectl takes most of a second to start here: run a few at once (they wait, they hardly compute).
      await kubectl(['explain', 'pods']); // fills the discovery cache first
      const theirsAll: Awaited<ReturnType<typeof kubectl>>[] = [];
      for (let i = 0; i < CASES.length; i += 4) theirsAll.push(...(await Promise.all(CASES.slice(i, i + 4).map((a) => kubectl(a)))));
      const affinity = theirsAll[CASES.findIndex((a) => a[1] === 'service.spec.sessionAffinity')];
      assert.match(affinity.stdout, /^KIND: {7}Service\nVERSION: {4}v1\n\nFIELD: sessionAffinity <string>\nENUM:\n {4}ClientIP\n {4}None\n/);
      for (const [i, args] of CASES.entries()) {
        const ours = await c.run(args);
        const theirs = theirsAll[i];
        const what = args.join(' ');
        assert.equal(ours.stderr, theirs.stderr, `stderr of ${what}`);
        assert.equal(ours.stdout, theirs.stdout, `stdout of ${what}`);
        assert.equal(ours.code, theirs.code, `exit code of ${what}`);
      }
    });
  } finally {
    c.cleanup();
  }
});
