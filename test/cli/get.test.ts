// `kubesim get` and `kubesim api-resources` as a user runs them, against the default kind-like cluster.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster({ now: '2026-11-22T01:30:00Z' });
  // create the cluster, then look at it 5 minutes later
  assert.equal((await c.run(['get', 'ns', '-o', 'name'])).code, 0);
  c.env.KUBESIM_NOW = '2026-11-22T01:35:00Z';
});
after(() => c.cleanup());

test('get nodes', async () => {
  const r = await c.run(['get', 'nodes']);
  assert.equal(r.stdout, `NAME                 STATUS   ROLES           AGE   VERSION
kind-control-plane   Ready    control-plane   5m    v1.32.2
kind-worker          Ready    <none>          5m    v1.32.2
kind-worker2         Ready    <none>          5m    v1.32.2
kind-worker3         Ready    <none>          5m    v1.32.2
`);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
});

test('get no -o wide', async () => {
  assert.equal((await c.run(['get', 'no', '-o', 'wide'])).stdout, `NAME                 STATUS   ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION     CONTAINER-RUNTIME
kind-control-plane   Ready    control-plane   5m    v1.32.2   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-45-generic   containerd://1.7.24
kind-worker          Ready    <none>          5m    v1.32.2   172.18.0.3    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-45-generic   containerd://1.7.24
kind-worker2         Ready    <none>          5m    v1.32.2   172.18.0.4    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-45-generic   containerd://1.7.24
kind-worker3         Ready    <none>          5m    v1.32.2   172.18.0.5    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-45-generic   containerd://1.7.24
`);
});

test('get ns', async () => {
  assert.equal((await c.run(['get', 'ns'])).stdout, `NAME                 STATUS   AGE
default              Active   5m
kube-node-lease      Active   5m
kube-public          Active   5m
kube-system          Active   5m
local-path-storage   Active   5m
`);
});

test('get svc -A', async () => {
  assert.equal((await c.run(['get', 'svc', '-A'])).stdout, `NAMESPACE     NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                  AGE
default       kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP                  5m
kube-system   kube-dns     ClusterIP   10.96.0.10   <none>        53/UDP,53/TCP,9153/TCP   5m
`);
});

test('get pods -A lists what the cluster runs, with the NAMESPACE column', async () => {
  // kind's kube-system: CoreDNS, the control plane's static pods, kindnet and kube-proxy on every node; and the
  // local-path-provisioner. Host-network pods show their node's address.
  const r = await c.run(['get', 'pods', '-A']);
  assert.equal(r.code, 0);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^NAMESPACE {3,}NAME {3,}READY {3}STATUS {3,}RESTARTS {3}AGE$/);
  const names = lines.slice(1).map((l) => l.split(/ +/).slice(0, 2).join(' ').replace(/-(?!plane$)[a-z0-9]{5}$/, '-*').replace(/-[a-z0-9]{8,10}-\*$/, '-*-*'));
  assert.deepEqual(names, [
    'kube-system coredns-*-*',
    'kube-system coredns-*-*',
    'kube-system etcd-kind-control-plane',
    'kube-system kindnet-*',
    'kube-system kindnet-*',
    'kube-system kindnet-*',
    'kube-system kindnet-*',
    'kube-system kube-apiserver-kind-control-plane',
    'kube-system kube-controller-manager-kind-control-plane',
    'kube-system kube-proxy-*',
    'kube-system kube-proxy-*',
    'kube-system kube-proxy-*',
    'kube-system kube-proxy-*',
    'kube-system kube-scheduler-kind-control-plane',
    'local-path-storage local-path-provisioner-*-*',
  ]);
  for (const l of lines.slice(1)) assert.match(l, / 1\/1 {5}Running {3}0 {10}5m$/);
});

test('jsonpath acceptance: the four node InternalIPs', async () => {
  const r = await c.run(['get', 'nodes', '-o', 'jsonpath={.items[*].status.addresses[?(@.type=="InternalIP")].address}']);
  assert.deepEqual([r.stdout, r.stderr, r.code], ['172.18.0.2 172.18.0.3 172.18.0.4 172.18.0.5', '', 0]);
});

test('jsonpath range with literals, and -o=jsonpath', async () => {
  const r = await c.run(['get', 'nodes', '-o=jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.spec.podCIDR}{"\\n"}{end}']);
  assert.equal(r.stdout, 'kind-control-plane\t10.244.0.0/24\nkind-worker\t10.244.1.0/24\nkind-worker2\t10.244.2.0/24\nkind-worker3\t10.244.3.0/24\n');
});

test('jsonpath parse error in kubectl words', async () => {
  const r = await c.run(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name']);
  assert.deepEqual([r.stdout, r.stderr, r.code], ['', 'error: error parsing jsonpath {.items[0].metadata.name, unclosed action\n', 1]);
});

test('-o json parses; a single name prints the object, a list request a List', async () => {
  const one = JSON.parse((await c.run(['get', 'svc', 'kubernetes', '-o', 'json'])).stdout);
  assert.equal(one.kind, 'Service');
  assert.equal(one.spec.clusterIP, '10.96.0.1');
  const r = await c.run(['get', 'svc', '-o', 'json']);
  assert.match(r.stdout, /^\{\n {4}"apiVersion": "v1",\n {4}"items": \[\n/);
  const list = JSON.parse(r.stdout);
  assert.equal(list.kind, 'List');
  assert.deepEqual(list.metadata, { resourceVersion: '' });
  assert.deepEqual(list.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['kubernetes']);
});

test('-o yaml of a namespace', async () => {
  const r = await c.run(['get', 'ns', 'kube-public', '-o', 'yaml']);
  assert.match(r.stdout, /^apiVersion: v1\nkind: Namespace\nmetadata:\n  creationTimestamp: "2026-11-22T01:30:00Z"\n  labels:\n    kubernetes.io\/metadata.name: kube-public\n  name: kube-public\n/);
  assert.match(r.stdout, /\nspec:\n  finalizers:\n  - kubernetes\nstatus:\n  phase: Active\n$/);
});

test('custom-columns', async () => {
  assert.equal((await c.run(['get', 'nodes', '-o', 'custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR', '-l', '!node-role.kubernetes.io/control-plane'])).stdout, `NAME           CIDR
kind-worker    10.244.1.0/24
kind-worker2   10.244.2.0/24
kind-worker3   10.244.3.0/24
`);
});

test('empty results message on stderr, nothing on stdout', async () => {
  let r = await c.run(['get', 'pods']);
  assert.deepEqual([r.stdout, r.stderr, r.code], ['', 'No resources found in default namespace.\n', 0]);
  r = await c.run(['get', 'pods', '-n', 'kube-public']);
  assert.deepEqual([r.stdout, r.stderr, r.code], ['', 'No resources found in kube-public namespace.\n', 0]);
  r = await c.run(['get', 'nodes', '-l', 'x=y']);
  assert.deepEqual([r.stdout, r.stderr, r.code], ['', 'No resources found\n', 0]);
});

test('NotFound and unknown type', async () => {
  let r = await c.run(['get', 'pod', 'nosuch']);
  assert.deepEqual([r.stdout, r.stderr, r.code], ['', 'Error from server (NotFound): pods "nosuch" not found\n', 1]);
  r = await c.run(['get', 'svc', 'kubernetes', 'nosuch']);
  assert.equal(r.stdout, 'NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nkubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   5m\n');
  assert.equal(r.stderr, 'Error from server (NotFound): services "nosuch" not found\n');
  assert.equal(r.code, 1);
  r = await c.run(['get', 'foo']);
  assert.deepEqual([r.stdout, r.stderr, r.code], ['', 'error: the server doesn\'t have a resource type "foo"\n', 1]);
});

test('TYPE/NAME forms and mixing errors', async () => {
  let r = await c.run(['get', 'svc/kubernetes', 'ns/default']);
  assert.equal(r.stdout, `NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   5m

NAME                STATUS   AGE
namespace/default   Active   5m
`);
  r = await c.run(['get', 'svc/kubernetes', 'svc']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: there is no need to specify a resource type as a separate argument/);
  r = await c.run(['get', 'pods', 'x', '-l', 'a=b']);
  assert.deepEqual([r.stderr, r.code], ['error: name cannot be provided when a selector is specified\n', 1]);
});

test('no type given', async () => {
  const r = await c.run(['get']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.

error: Required resource not specified.
Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).
See 'kubectl get -h' for help and examples
`);
});

test('unknown output format', async () => {
  const r = await c.run(['get', 'ns', '-o', 'foo']);
  assert.equal(r.stderr, 'error: unable to match a printer suitable for the output format "foo", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n');
  assert.equal(r.code, 1);
});

test('field selector', async () => {
  assert.equal((await c.run(['get', 'ns', '--field-selector', 'metadata.name=default', '-o', 'name'])).stdout, 'namespace/default\n');
  assert.equal((await c.run(['get', 'svc', '-A', '--field-selector', 'metadata.namespace!=default', '-o', 'name'])).stdout, 'service/kube-dns\n');
});

test('-L and --show-labels', async () => {
  assert.equal((await c.run(['get', 'svc', '-n', 'kube-system', '-L', 'k8s-app', '--show-labels'])).stdout, `NAME       TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                  AGE   K8S-APP    LABELS
kube-dns   ClusterIP   10.96.0.10   <none>        53/UDP,53/TCP,9153/TCP   5m    kube-dns   k8s-app=kube-dns,kubernetes.io/cluster-service=true,kubernetes.io/name=CoreDNS
`);
});

test('api-resources', async () => {
  const r = await c.run(['api-resources']);
  assert.equal(r.code, 0);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'NAME                       SHORTNAMES   APIVERSION                     NAMESPACED   KIND');
  assert.ok(lines.includes('pods                       po           v1                             true         Pod'));
  assert.ok(lines.includes('deployments                deploy       apps/v1                        true         Deployment'));
  assert.ok(lines.includes('horizontalpodautoscalers   hpa          autoscaling/v2                 true         HorizontalPodAutoscaler'));
  assert.ok(lines.includes('clusterroles                            rbac.authorization.k8s.io/v1   false        ClusterRole'));
  assert.equal((await c.run(['api-resources', '--namespaced=false', '-o', 'name'])).stdout, 'namespaces\nnodes\npersistentvolumes\ningressclasses.networking.k8s.io\nclusterrolebindings.rbac.authorization.k8s.io\nclusterroles.rbac.authorization.k8s.io\npriorityclasses.scheduling.k8s.io\nstorageclasses.storage.k8s.io\n');
  const wide = (await c.run(['api-resources', '-o', 'wide', '--api-group=apps'])).stdout;
  assert.equal(wide, `NAME                  SHORTNAMES   APIVERSION   NAMESPACED   KIND                 VERBS                                                        CATEGORIES
controllerrevisions                apps/v1      true         ControllerRevision   create,delete,deletecollection,get,list,patch,update,watch   
daemonsets            ds           apps/v1      true         DaemonSet            create,delete,deletecollection,get,list,patch,update,watch   all
deployments           deploy       apps/v1      true         Deployment           create,delete,deletecollection,get,list,patch,update,watch   all
replicasets           rs           apps/v1      true         ReplicaSet           create,delete,deletecollection,get,list,patch,update,watch   all
statefulsets          sts          apps/v1      true         StatefulSet          create,delete,deletecollection,get,list,patch,update,watch   all
`);
  assert.equal((await c.run(['api-resources', '-o', 'json'])).stderr, 'error: --output json is not available\n');
});

test('bad boolean flag values in cobra\'s words', async () => {
  let r = await c.run(['get', 'ns', '--allow-missing-template-keys=x']);
  assert.deepEqual([r.stderr, r.code], ['Error: invalid argument "x" for "--allow-missing-template-keys" flag: strconv.ParseBool: parsing "x": invalid syntax\nSee \'kubectl get --help\' for usage.\n', 1]);
  r = await c.run(['api-resources', '--namespaced=foo']);
  assert.deepEqual([r.stderr, r.code], ['Error: invalid argument "foo" for "--namespaced" flag: strconv.ParseBool: parsing "foo": invalid syntax\nSee \'kubectl api-resources --help\' for usage.\n', 1]);
  assert.equal((await c.run(['api-resources', '--sort-by=foo'])).stderr, 'error: --sort-by accepts only name or kind\n');
  assert.match((await c.run(['api-resources', '--namespaced'])).stdout, /\npods {23}po/);
});
