// `auth can-i --list` against the real kubectl: the stub API server answers kubectl's SelfSubjectRulesReview
// from the same simulated RBAC objects, so the table kubectl prints (its breakdown, merge and sort of the
// rules) is the oracle for kubesim's.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readState } from '../../src/store/store.js';
import { tempCluster } from '../support/cli.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const c = tempCluster();
after(() => c.cleanup());

const RBAC = `apiVersion: v1
kind: Namespace
metadata: {name: dev}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: bob, namespace: default}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: default}
rules:
- apiGroups: [""]
  resources: [pods, pods/log, services]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [app-config, other]
  verbs: [get, update]
- apiGroups: ["", apps]
  resources: [deployments, replicasets]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bob-reads, namespace: default}
subjects:
- {kind: ServiceAccount, name: bob, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: deployer}
rules:
- apiGroups: [apps]
  resources: [deployments, deployments/scale]
  verbs: [create, delete, patch]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get]
- nonResourceURLs: [/metrics, /logs/*]
  verbs: [get, post]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-deploys, namespace: dev}
subjects:
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
- {kind: Group, name: deployers, apiGroup: rbac.authorization.k8s.io}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: deployer}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: alice-metrics}
subjects:
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: deployer}
`;

test('auth can-i --list: the same table as kubectl for the admin, a service account, a user, a group, per namespace', { skip: skipWithoutKubectl() }, async () => {
  const r = c.run(['apply', '-f', '-'], { input: RBAC });
  assert.equal(r.code, 0, r.stderr);
  const state = readState(c.state)!;
  await withKubectl(state, async (kubectl) => {
    for (const args of [
      [],
      ['--no-headers'],
      ['--as=system:serviceaccount:default:bob'],
      ['--as=system:serviceaccount:default:bob', '-n', 'dev'],
      ['--as=alice'],
      ['--as=alice', '-n', 'dev'],
      ['--as=alice', '-A'],
      ['-q'],
      ['--as=carol', '--as-group=deployers', '-n', 'dev'],
      ['--as=nobody'],
    ]) {
      const ours = c.run(['auth', 'can-i', '--list', ...args]);
      const theirs = await kubectl(['auth', 'can-i', '--list', ...args]);
      assert.deepEqual(ours, theirs, args.join(' '));
    }
  });
  // A resource rule lists one row per resource name; the verbs of one resource gather in one row.
  const bob = c.run(['auth', 'can-i', '--list', '--as=system:serviceaccount:default:bob']);
  assert.match(bob.stdout, /^configmaps +\[\] +\[app-config\] +\[get update\]$/m);
  assert.match(bob.stdout, /^pods\/log +\[\] +\[\] +\[get list watch\]$/m);
});

test('auth can-i --list refuses arguments as kubectl does', () => {
  const r = c.run(['auth', 'can-i', '--list', 'get', 'pods']);
  assert.deepEqual(r, { code: 1, stdout: '', stderr: "error: list option must be specified with no arguments\nSee 'kubectl auth can-i -h' for help and examples.\n" });
});
