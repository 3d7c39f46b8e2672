// kube-system as a fresh kind v0.25 cluster (Kubernetes v1.32) has it: what `get pods -A` shows, the static
// pods' mirror-pod identity, the node daemons, and the requests the scheduler counts on each node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inProcessCluster } from '../support/inproc.js';

const ok = async (c: ReturnType<typeof inProcessCluster>, args: string[]) => {
  const r = await c.run(args);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
};

test('get pods -A -o wide on a fresh cluster: control-plane static pods, kube-proxy and kindnet on every node, CoreDNS, local-path-provisioner', async () => {
  const c = inProcessCluster();
  try {
    assert.equal(
      await ok(c, ['get', 'pods', '-A', '-o', 'wide']),
      `NAMESPACE            NAME                                         READY   STATUS    RESTARTS   AGE   IP           NODE                 NOMINATED NODE   READINESS GATES
kube-system          coredns-7568988bc5-jxwjc                     1/1     Running   0          0s    10.244.0.2   kind-control-plane   <none>           <none>
kube-system          coredns-7568988bc5-rwr7r                     1/1     Running   0          0s    10.244.0.3   kind-control-plane   <none>           <none>
kube-system          etcd-kind-control-plane                      1/1     Running   0          0s    172.18.0.2   kind-control-plane   <none>           <none>
kube-system          kindnet-2s5vx                                1/1     Running   0          0s    172.18.0.4   kind-worker2         <none>           <none>
kube-system          kindnet-4zvx8                                1/1     Running   0          0s    172.18.0.2   kind-control-plane   <none>           <none>
kube-system          kindnet-6cvzp                                1/1     Running   0          0s    172.18.0.5   kind-worker3         <none>           <none>
kube-system          kindnet-nwmfq                                1/1     Running   0          0s    172.18.0.3   kind-worker          <none>           <none>
kube-system          kube-apiserver-kind-control-plane            1/1     Running   0          0s    172.18.0.2   kind-control-plane   <none>           <none>
kube-system          kube-controller-manager-kind-control-plane   1/1     Running   0          0s    172.18.0.2   kind-control-plane   <none>           <none>
kube-system          kube-proxy-5ncw4                             1/1     Running   0          0s    172.18.0.3   kind-worker          <none>           <none>
kube-system          kube-proxy-qlzxv                             1/1     Running   0          0s    172.18.0.2   kind-control-plane   <none>           <none>
kube-system          kube-proxy-r75kg                             1/1     Running   0          0s    172.18.0.4   kind-worker2         <none>           <none>
kube-system          kube-proxy-wprmz                             1/1     Running   0          0s    172.18.0.5   kind-worker3         <none>           <none>
kube-system          kube-scheduler-kind-control-plane            1/1     Running   0          0s    172.18.0.2   kind-control-plane   <none>           <none>
local-path-storage   local-path-provisioner-5945985f84-6mxt7      1/1     Running   0          0s    10.244.0.4   kind-control-plane   <none>           <none>
`,
    );
    assert.equal(
      await ok(c, ['get', 'ds', '-n', 'kube-system']),
      `NAME         DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE
kindnet      4         4         4       4            4           <none>                   0s
kube-proxy   4         4         4       4            4           kubernetes.io/os=linux   0s
`,
    );
    assert.equal(
      await ok(c, ['get', 'deploy', '-A']),
      `NAMESPACE            NAME                     READY   UP-TO-DATE   AVAILABLE   AGE
kube-system          coredns                  2/2     2            2           0s
local-path-storage   local-path-provisioner   1/1     1            1           0s
`,
    );
  } finally {
    c.cleanup();
  }
});

test('the static pods are mirror pods: owned by the Node, host network, system-node-critical, the kubelet’s annotations', async () => {
  const c = inProcessCluster();
  try {
    for (const component of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      const name = `${component}-kind-control-plane`;
      const fields = await ok(c, [
        'get', 'pod', name, '-n', 'kube-system', '-o',
        'jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}/{.metadata.ownerReferences[0].controller} {.spec.hostNetwork} {.spec.priorityClassName} {.spec.priority} {.status.podIP} {.metadata.labels.component} {.metadata.labels.tier} {.metadata.annotations.kubernetes\\.io/config\\.source}',
      ]);
      assert.equal(fields, `Node/kind-control-plane/true true system-node-critical 2000001000 172.18.0.2 ${component} control-plane file`);
      const ann = JSON.parse(await ok(c, ['get', 'pod', name, '-n', 'kube-system', '-o', 'jsonpath={.metadata.annotations}']));
      assert.match(ann['kubernetes.io/config.hash'], /^[0-9a-f]{32}$/);
      assert.equal(ann['kubernetes.io/config.mirror'], ann['kubernetes.io/config.hash']);
      assert.match(ann['kubernetes.io/config.seen'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    }
    assert.equal(await ok(c, ['get', 'pod', 'etcd-kind-control-plane', '-n', 'kube-system', '-o', 'jsonpath={.spec.containers[0].image} {.metadata.annotations.kubeadm\\.kubernetes\\.io/etcd\\.advertise-client-urls}']), 'registry.k8s.io/etcd:3.5.16-0 https://172.18.0.2:2379');
    assert.equal(await ok(c, ['get', 'pod', 'kube-apiserver-kind-control-plane', '-n', 'kube-system', '-o', 'jsonpath={.spec.containers[0].image} {.metadata.annotations.kubeadm\\.kubernetes\\.io/kube-apiserver\\.advertise-address\\.endpoint}']), 'registry.k8s.io/kube-apiserver:v1.32.2 172.18.0.2:6443');
    // The kubelet's events about a static pod carry its config hash as uid, where describe looks for them.
    assert.match(await ok(c, ['describe', 'pod', 'etcd-kind-control-plane', '-n', 'kube-system']), /\n {2}Normal {2}Pulled {3}0s {4}kubelet {2}Container image "registry.k8s.io\/etcd:3.5.16-0" already present on machine\n/);
    const uid = await ok(c, ['get', 'events', '-n', 'kube-system', '--field-selector', 'involvedObject.name=etcd-kind-control-plane', '-o', 'jsonpath={.items[0].involvedObject.uid}']);
    assert.equal(uid, await ok(c, ['get', 'pod', 'etcd-kind-control-plane', '-n', 'kube-system', '-o', 'jsonpath={.metadata.annotations.kubernetes\\.io/config\\.mirror}']));
    // The node daemons tolerate every taint and run on the host network.
    assert.equal(await ok(c, ['get', 'ds', '-n', 'kube-system', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.template.spec.hostNetwork} {.spec.template.spec.tolerations[0].operator} {.spec.template.spec.containers[0].image}{"\\n"}{end}']),
      'kindnet true Exists docker.io/kindest/kindnetd:v20241108-5c6d2daf\nkube-proxy true Exists registry.k8s.io/kube-proxy:v1.32.2\n');
  } finally {
    c.cleanup();
  }
});

test('the system pods’ requests count on their nodes, as the scheduler and describe node see them', async () => {
  const c = inProcessCluster();
  try {
    // CoreDNS 2 x 100m/70Mi (limits 170Mi), local-path-provisioner none, etcd 100m/100Mi, apiserver 250m, controller-manager 200m, scheduler 100m, kindnet 100m/50Mi.
    const cp = await ok(c, ['describe', 'node', 'kind-control-plane']);
    assert.match(cp, /^Non-terminated Pods:\s+\(9 in total\)$/m);
    assert.match(cp, /^  cpu {16}950m \(11%\)  100m \(1%\)$/m);
    assert.match(cp, /^  memory {13}290Mi \(1%\)  390Mi \(2%\)$/m);
    const worker = await ok(c, ['describe', 'node', 'kind-worker']);
    assert.match(worker, /^Non-terminated Pods:\s+\(2 in total\)$/m);
    assert.match(worker, /^  cpu {16}100m \(1%\)  100m \(1%\)$/m);
    // A pod asking for all but 50m of a worker's cpu no longer fits beside kindnet.
    const big = await c.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n  - name: big\n    image: nginx\n    resources:\n      requests:\n        cpu: 7950m\n' });
    assert.equal(big.code, 0, big.stderr);
    const msg = await ok(c, ['get', 'pod', 'big', '-o', 'jsonpath={.status.conditions[0].message}']);
    assert.match(msg, /^0\/4 nodes are available: 1 node\(s\) had untolerated taint \{node-role\.kubernetes\.io\/control-plane: \}, 3 Insufficient cpu\./);
  } finally {
    c.cleanup();
  }
});
