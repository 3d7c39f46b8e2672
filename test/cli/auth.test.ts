// `kubesim auth can-i` and `auth whoami`: answers computed from the stored RBAC objects for kind's admin or an
// impersonated user; yes/no and exit codes, kubectl's warnings and usage errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempCluster, type TempCluster } from '../support/cli.js';

const RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: default}
rules:
- apiGroups: [""]
  resources: [pods, pods/log]
  verbs: [get, list]
- apiGroups: [apps]
  resources: [deployments]
  resourceNames: [web]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: jane-reads, namespace: default}
subjects: [{kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-views}
subjects:
- {kind: ServiceAccount, name: ci, namespace: dev}
- {kind: Group, name: auditors, apiGroup: rbac.authorization.k8s.io}
roleRef: {kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io}
`;

describe('auth', () => {
  let c: TempCluster;
  before(() => {
    c = tempCluster();
    const r = c.run(['apply', '-f', '-'], { input: RBAC });
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => c.cleanup());

  const canI = (...args: string[]) => {
    const r = c.run(['auth', 'can-i', ...args]);
    return [r.stdout, r.stderr, r.code];
  };

  it('kind\'s admin may do anything, through kubeadm:cluster-admins', () => {
    assert.deepEqual(canI('create', 'pods'), ['yes\n', '', 0]);
    assert.deepEqual(canI('*', '*', '-A'), ['yes\n', '', 0]);
    assert.deepEqual(canI('delete', 'nodes'), ['yes\n', "Warning: resource 'nodes' is not namespace scoped\n", 0]);
    assert.deepEqual(canI('get', '/metrics'), ['yes\n', '', 0]);
  });

  it('a Role bound in one namespace: its verbs, resources, subresources and names there only', () => {
    assert.deepEqual(canI('list', 'pods', '--as', 'jane'), ['yes\n', '', 0]);
    assert.deepEqual(canI('delete', 'pods', '--as', 'jane'), ['no\n', '', 1]);
    assert.deepEqual(canI('list', 'pods', '--as', 'jane', '-n', 'dev'), ['no\n', '', 1]);
    assert.deepEqual(canI('list', 'pods', '--as', 'jane', '-A'), ['no\n', '', 1]);
    assert.deepEqual(canI('get', 'pods', '--subresource=log', '--as', 'jane'), ['yes\n', '', 0]);
    assert.deepEqual(canI('get', 'pods', '--subresource=exec', '--as', 'jane'), ['no\n', '', 1]);
    assert.deepEqual(canI('get', 'deployments.apps/web', '--as', 'jane'), ['yes\n', '', 0]);
    assert.deepEqual(canI('get', 'deploy/api', '--as', 'jane'), ['no\n', '', 1]);
    assert.deepEqual(canI('get', 'deployments', '--as', 'jane'), ['no\n', '', 1]);
    assert.deepEqual(canI('delete', 'pods', '--as', 'jane', '-q'), ['', '', 1]);
  });

  it('service accounts and groups in a ClusterRoleBinding; the discovery URLs every user may read', () => {
    assert.deepEqual(canI('list', 'deployments', '--as', 'system:serviceaccount:dev:ci', '-n', 'prod'), ['yes\n', '', 0]);
    assert.deepEqual(canI('create', 'deployments', '--as', 'system:serviceaccount:dev:ci'), ['no\n', '', 1]);
    assert.deepEqual(canI('list', 'secrets', '--as', 'system:serviceaccount:dev:ci'), ['no\n', '', 1]);
    assert.deepEqual(canI('get', 'pods', '--as', 'bob', '--as-group', 'auditors'), ['yes\n', '', 0]);
    assert.deepEqual(canI('get', 'pods', '--as', 'bob'), ['no\n', '', 1]);
    assert.deepEqual(canI('get', '/healthz', '--as', 'bob'), ['yes\n', '', 0]);
    assert.deepEqual(canI('post', '/healthz', '--as', 'bob'), ['no\n', '', 1]);
  });

  it('warnings for unknown verbs and types; the usage errors', () => {
    assert.deepEqual(canI('frob', 'pods'), ['yes\n', "Warning: verb 'frob' is not a known verb\n", 0]);
    assert.deepEqual(canI('get', 'foos', '--as', 'jane'), ['no\n', "Warning: the server doesn't have a resource type 'foos'\n", 1]);
    assert.deepEqual(canI('get', 'storageclasses', '--as', 'jane'), ['no\n', "Warning: resource 'storageclasses' is not namespace scoped in group 'storage.k8s.io'\n", 1]);
    const usage = "error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.\n";
    assert.deepEqual(canI('get'), ['', usage, 1]);
    assert.deepEqual(canI('get', 'pods', 'x'), ['', usage, 1]);
    assert.deepEqual(canI('get', 'pods', '--as-group', 'x'), ['', 'error: requesting uid, groups or user-extra for kind-kind without impersonating a user\n', 1]);
  });

  it('whoami: kind\'s admin with its certificate\'s credential id, or the impersonated user', () => {
    const me = c.run(['auth', 'whoami']).stdout.split('\n');
    assert.equal(me[0], 'ATTRIBUTE                                           VALUE');
    assert.equal(me[1], 'Username                                            kubernetes-admin');
    assert.equal(me[2], 'Groups                                              [kubeadm:cluster-admins system:authenticated]');
    assert.match(me[3], /^Extra: authentication\.kubernetes\.io\/credential-id {3}\[X509SHA256=[0-9a-f]{64}\]$/);
    assert.equal(
      c.run(['auth', 'whoami', '--as', 'system:serviceaccount:dev:ci']).stdout,
      'ATTRIBUTE   VALUE\nUsername    system:serviceaccount:dev:ci\nGroups      [system:serviceaccounts system:serviceaccounts:dev system:authenticated]\n',
    );
    assert.equal(
      c.run(['auth', 'whoami', '--as', 'jane', '-o', 'yaml']).stdout,
      'apiVersion: authentication.k8s.io/v1\nkind: SelfSubjectReview\nmetadata:\n  creationTimestamp: null\nstatus:\n  userInfo:\n    groups:\n    - system:authenticated\n    username: jane\n',
    );
    assert.equal(c.run(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']).stdout, 'kubernetes-admin');
  });
});
