// HorizontalPodAutoscaler, PodDisruptionBudget, RBAC, PriorityClass, ResourceQuota and LimitRange as a user
// sees them: apply, get (printers.go columns), describe, status written by the disruption and HPA controllers,
// and the API server's refusals.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: quarter}
spec:
  maxUnavailable: 25%
  selector: {matchLabels: {app: web}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
`;

const RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader}
rules:
- apiGroups: [""]
  resources: [pods, pods/log]
  verbs: [get, list]
- apiGroups: [""]
  resources: [pods]
  verbs: [watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods}
subjects:
- {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
- {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
- {kind: ServiceAccount, name: ci, namespace: default}
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
`;

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster({ now: '2026-11-22T01:30:00Z' });
  const r = await c.run(['apply', '-f', '-'], { input: `${WEB}---\n${RBAC}` });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  c.env.KUBESIM_NOW = '2026-11-22T01:35:00Z';
});
after(() => c.cleanup());

test('api-resources lists the kinds with their groups and short names', async () => {
  const out = (await c.run(['api-resources', '--api-group=rbac.authorization.k8s.io'])).stdout;
  assert.equal(out, `NAME                  SHORTNAMES   APIVERSION                     NAMESPACED   KIND
clusterrolebindings                rbac.authorization.k8s.io/v1   false        ClusterRoleBinding
clusterroles                       rbac.authorization.k8s.io/v1   false        ClusterRole
rolebindings                       rbac.authorization.k8s.io/v1   true         RoleBinding
roles                              rbac.authorization.k8s.io/v1   true         Role
`);
  assert.equal((await c.run(['api-resources', '--api-group=policy', '--no-headers'])).stdout, 'poddisruptionbudgets   pdb   policy/v1   true   PodDisruptionBudget\n');
});

test('get pdb: the disruption controller counts the ready pods its selector matches', async () => {
  assert.equal((await c.run(['get', 'pdb'])).stdout, `NAME      MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE
quarter   N/A             25%               1                     5m
web       2               N/A               1                     5m
`);
  const st = JSON.parse((await c.run(['get', 'pdb', 'web', '-o', 'jsonpath={.status}'])).stdout);
  assert.deepEqual(
    { ...st, conditions: st.conditions.map((x: { type: string; status: string; reason: string }) => [x.type, x.status, x.reason]) },
    { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3, observedGeneration: 1, conditions: [['DisruptionAllowed', 'True', 'SufficientPods']] },
  );
});

test('describe pdb as kubectl prints it', async () => {
  assert.equal((await c.run(['describe', 'pdb', 'web'])).stdout, `Name:           web
Namespace:      default
Min available:  2
Selector:       app=web
Status:
    Allowed disruptions:  1
    Current:              3
    Desired:              2
    Total:                3
Events:                   <none>
`);
});

test('get hpa without a metrics source: <unknown> targets, the target\'s replicas, and the controller\'s events', async () => {
  assert.equal((await c.run(['get', 'hpa'])).stdout, `NAME   REFERENCE        TARGETS              MINPODS   MAXPODS   REPLICAS   AGE
web    Deployment/web   cpu: <unknown>/80%   1         5         3          5m
`);
  const d = (await c.run(['describe', 'hpa', 'web'])).stdout;
  assert.match(d, /^  resource cpu on pods {2}\(as a percentage of request\): {2}<unknown> \/ 80%$/m);
  assert.match(d, /^Deployment pods: +3 current \/ 0 desired$/m);
  assert.match(d, /^ {2}ScalingActive {2}False {3}FailedGetResourceMetric {2}the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource \(get pods\.metrics\.k8s\.io\)$/m);
  assert.match(d, /^ {2}Warning {2}FailedComputeMetricsReplicas {2}5m +horizontal-pod-autoscaler {2}invalid metrics \(1 invalid out of 1\), first error is: failed to get cpu resource metric value: failed to get cpu utilization: /m);
  // defaulted by the API server
  assert.equal((await c.run(['get', 'hpa', 'web', '-o', 'jsonpath={.spec.minReplicas} {.spec.metrics[0].resource.target.averageUtilization}'])).stdout, '1 80');
});

test('scaling the target moves the PDB and HPA status with it', async () => {
  assert.equal((await c.run(['scale', 'deploy', 'web', '--replicas=1'])).code, 0);
  // 25% of one pod, rounded up, may be unavailable: the one ready pod may go
  assert.equal((await c.run(['get', 'pdb', '--no-headers'])).stdout, `quarter   N/A   25%   1     5m
web       2     N/A   0     5m
`);
  assert.equal((await c.run(['get', 'pdb', 'web', '-o', 'jsonpath={.status.conditions[0].reason}'])).stdout, 'InsufficientPods');
  assert.equal((await c.run(['get', 'hpa', 'web', '-o', 'jsonpath={.status.currentReplicas}'])).stdout, '1');
  assert.equal((await c.run(['scale', 'deploy', 'web', '--replicas=3'])).code, 0);
  assert.equal((await c.run(['get', 'pdb', 'web', '-o', 'jsonpath={.status.disruptionsAllowed}'])).stdout, '1');
});

test('get and describe Role and RoleBinding', async () => {
  assert.equal((await c.run(['get', 'role'])).stdout, 'NAME         CREATED AT\npod-reader   2026-11-22T01:30:00Z\n');
  assert.equal((await c.run(['get', 'rolebinding', '-o', 'wide'])).stdout, `NAME        ROLE              AGE   USERS   GROUPS   SERVICEACCOUNTS
read-pods   Role/pod-reader   5m    jane    devs     default:ci
`);
  assert.equal((await c.run(['describe', 'role', 'pod-reader'])).stdout, `Name:         pod-reader
Labels:       <none>
Annotations:  <none>
PolicyRule:
  Resources  Non-Resource URLs  Resource Names  Verbs
  ---------  -----------------  --------------  -----
  pods       []                 []              [get list watch]
  pods/log   []                 []              [get list]
`);
  assert.equal((await c.run(['describe', 'rolebinding', 'read-pods'])).stdout, `Name:         read-pods
Labels:       <none>
Annotations:  <none>
Role:
  Kind:  Role
  Name:  pod-reader
Subjects:
  Kind            Name  Namespace
  ----            ----  ---------
  User            jane  
  Group           devs  
  ServiceAccount  ci    default
`);
});

test('a RoleBinding\'s roleRef cannot change; the binding is left as it was', async () => {
  const changed = RBAC.split('---\n')[1].replace('kind: Role, name: pod-reader', 'kind: ClusterRole, name: view');
  const r = await c.run(['apply', '-f', '-'], { input: changed });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'The RoleBinding "read-pods" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}: cannot change roleRef\n');
  assert.equal((await c.run(['get', 'rolebinding', 'read-pods', '-o', 'jsonpath={.roleRef.name}'])).stdout, 'pod-reader');
});

test('the default cluster has kind\'s PriorityClasses and default ClusterRoles', async () => {
  assert.equal((await c.run(['get', 'pc'])).stdout, `NAME                      VALUE        GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY
system-cluster-critical   2000000000   false            5m    PreemptLowerPriority
system-node-critical      2000001000   false            5m    PreemptLowerPriority
`);
  const roles = (await c.run(['get', 'clusterroles', '-o', 'name'])).stdout.split('\n');
  for (const r of ['cluster-admin', 'admin', 'edit', 'view']) assert.ok(roles.includes(`clusterrole.rbac.authorization.k8s.io/${r}`), r);
  const admin = (await c.run(['describe', 'clusterrole', 'cluster-admin'])).stdout;
  assert.match(admin, /^  \*\.\*  +\[\] +\[\] +\[\*\]$/m);
  assert.match(admin, /^ +\[\*\] +\[\] +\[\*\]$/m);
  // view is aggregated from system:aggregate-to-view
  assert.match((await c.run(['describe', 'clusterrole', 'view'])).stdout, /^  poddisruptionbudgets\.policy +\[\] +\[\] +\[get list watch\]$/m);
});

test('bad objects get the API server\'s errors, a non-zero exit, and nothing is stored', async () => {
  const cases: [string, string][] = [
    [
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: both}\nspec: {minAvailable: 1, maxUnavailable: 1}\n',
      'The PodDisruptionBudget "both" is invalid: spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0xc000b7a1a0), MaxUnavailable:(*intstr.IntOrString)(0xc000b7a1c0), Selector:(*v1.LabelSelector)(nil), UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set\n',
    ],
    ['apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: noverbs}\nrules: [{apiGroups: [""], resources: [pods]}]\n', 'The Role "noverbs" is invalid: rules[0].verbs: Required value: verbs must contain at least one value\n'],
    ['apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: huge}\nvalue: 2000000000\n', 'The PriorityClass "huge" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000\n'],
    ['apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: "3"}\n', 'Error from server (BadRequest): error when creating "STDIN": HorizontalPodAutoscaler in version "v2" cannot be handled as a HorizontalPodAutoscaler: json: cannot unmarshal string into Go struct field HorizontalPodAutoscalerSpec.spec.maxReplicas of type int32\n'],
  ];
  for (const [doc, err] of cases) {
    const r = await c.run(['create', '-f', '-'], { input: doc });
    assert.equal(r.stderr, err);
    assert.equal(r.code, 1);
  }
  assert.equal((await c.run(['get', 'pdb,role,pc,hpa', '-o', 'name'])).stdout.split('\n').filter((l) => /both|noverbs|huge|\/h$/.test(l)).length, 0);
  assert.equal((await c.run(['apply', '-f', '-'], { input: 'apiVersion: autoscaling/v1\nkind: Foo\nmetadata: {name: x}\n' })).code, 1);
});

test('a ResourceQuota counts what its namespace holds (the resource quota controller)', async () => {
  const quota = 'apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q, namespace: team}\nspec:\n  hard: {pods: "10", requests.cpu: "4", limits.memory: 8Gi, configmaps: "5", count/deployments.apps: "2"}\n';
  const deploy = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: team}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: 100m}, limits: {memory: 64Mi}}}]}
`;
  assert.equal((await c.run(['create', 'namespace', 'team'])).code, 0);
  assert.equal((await c.run(['apply', '-f', '-'], { input: `${quota}---\n${deploy}` })).code, 0);
  assert.equal((await c.run(['get', 'quota', '-n', 'team'])).stdout, `NAME   AGE   REQUEST                                                                          LIMIT
q      0s    configmaps: 1/5, count/deployments.apps: 1/2, pods: 2/10, requests.cpu: 200m/4   limits.memory: 128Mi/8Gi
`);
  assert.equal((await c.run(['describe', 'quota', 'q', '-n', 'team'])).stdout, `Name:                   q
Namespace:              team
Resource                Used   Hard
--------                ----   ----
configmaps              1      5
count/deployments.apps  1      2
limits.memory           128Mi  8Gi
pods                    2      10
requests.cpu            200m   4
`);
  assert.equal((await c.run(['scale', 'deploy', 'api', '-n', 'team', '--replicas=3'])).code, 0);
  assert.equal((await c.run(['get', 'quota', 'q', '-n', 'team', '-o', 'jsonpath={.status.used.pods} {.status.used.requests\\.cpu}'])).stdout, '3 300m');
});

test('an HPA scales a target that is outside [minReplicas, maxReplicas], metrics or not', async () => {
  const doc = `apiVersion: apps/v1
kind: Deployment
metadata: {name: small}
spec:
  replicas: 1
  selector: {matchLabels: {app: small}}
  template:
    metadata: {labels: {app: small}}
    spec: {containers: [{name: nginx, image: nginx}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: small}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: small}
  minReplicas: 2
  maxReplicas: 4
`;
  assert.equal((await c.run(['apply', '-f', '-'], { input: doc })).code, 0);
  assert.equal((await c.run(['get', 'deploy', 'small', '-o', 'jsonpath={.spec.replicas}'])).stdout, '2');
  assert.equal((await c.run(['scale', 'deploy', 'small', '--replicas=9'])).code, 0);
  assert.equal((await c.run(['get', 'deploy', 'small', '-o', 'jsonpath={.spec.replicas}'])).stdout, '4');
  const d = (await c.run(['describe', 'hpa', 'small'])).stdout;
  assert.match(d, /^Deployment pods: +4 current \/ 4 desired$/m);
  assert.match(d, /^ {2}Normal {3}SuccessfulRescale +0s +horizontal-pod-autoscaler {2}New size: 2; reason: Current number of replicas below Spec\.MinReplicas$/m);
  assert.match(d, /^ {2}Normal {3}SuccessfulRescale +0s +horizontal-pod-autoscaler {2}New size: 4; reason: Current number of replicas above Spec\.MaxReplicas$/m);
});
