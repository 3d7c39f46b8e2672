// Byte-exact comparisons with the real kubectl 1.32 transcripts of kubectl-facts.md §1.4, for objects built
// to give the same cells at a fixed clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runGet, type GetOptions } from '../../src/printers/get.js';
import type { KubeObject } from '../../src/api/types.js';
import * as fx from './fixtures.js';

async function get(objs: KubeObject[], args: string[], opts: Partial<GetOptions> = {}, now = fx.NOW) {
  return runGet(fx.stateOf(objs), now, { args, namespace: 'default', ...opts });
}

const later = (s: number) => new Date(fx.NOW.getTime() + s * 1000);

test('get pods -o wide', async () => {
  const r = await get(fx.pods(), ['pods'], { output: 'wide' });
  assert.equal(r.stdout, `NAME                     READY   STATUS              RESTARTS       AGE     IP            NODE           NOMINATED NODE   READINESS GATES
client-pod               0/1     Completed           0              3y12d   10.244.1.10   kind-worker    <none>           <none>
crashy                   0/1     CrashLoopBackOff    7 (49s ago)    45d     10.244.1.9    kind-worker    <none>           <none>
creating                 0/1     ContainerCreating   0              39s     <none>        kind-worker    <none>           <none>
kubia-5d8f7c9b6d-8xkzq   1/1     Running             0              5m16s   10.244.1.5    kind-worker    <none>           <none>
kubia-5d8f7c9b6d-hzmwq   1/1     Running             5 (5m4s ago)   3h20m   10.244.2.7    kind-worker2   <none>           <none>
kubia-5d8f7c9b6d-r7t2p   1/1     Running             0              2d5h    10.244.1.6    kind-worker    <none>           <none>
pending-unsched          0/1     Pending             0              100m    <none>        <none>         <none>           <none>
terminating-pod          1/1     Terminating         0              10m     10.244.2.11   kind-worker    <none>           <none>
`);
  assert.equal(r.stderr, '');
  assert.equal(r.exitCode, 0);
});

test('get pods -A', async () => {
  const r = await get(fx.pods(), ['pods'], { allNamespaces: true });
  assert.equal(r.stdout, `NAMESPACE     NAME                       READY   STATUS              RESTARTS       AGE
default       client-pod                 0/1     Completed           0              3y12d
default       crashy                     0/1     CrashLoopBackOff    7 (49s ago)    45d
default       creating                   0/1     ContainerCreating   0              39s
default       kubia-5d8f7c9b6d-8xkzq     1/1     Running             0              5m16s
default       kubia-5d8f7c9b6d-hzmwq     1/1     Running             5 (5m4s ago)   3h20m
default       kubia-5d8f7c9b6d-r7t2p     1/1     Running             0              2d5h
default       pending-unsched            0/1     Pending             0              100m
default       terminating-pod            1/1     Terminating         0              10m
kube-system   coredns-668d6bf9bc-4qk2j   1/1     Running             0              5d
`);
});

test('get pods --show-labels', async () => {
  const r = await get(fx.pods(), ['pods'], { showLabels: true });
  assert.equal(r.stdout, `NAME                     READY   STATUS              RESTARTS       AGE     LABELS
client-pod               0/1     Completed           0              3y12d   run=client-pod
crashy                   0/1     CrashLoopBackOff    7 (49s ago)    45d     run=crashy
creating                 0/1     ContainerCreating   0              39s     run=creating
kubia-5d8f7c9b6d-8xkzq   1/1     Running             0              5m16s   app=kubia,pod-template-hash=5d8f7c9b6d
kubia-5d8f7c9b6d-hzmwq   1/1     Running             5 (5m4s ago)   3h20m   app=kubia,pod-template-hash=5d8f7c9b6d
kubia-5d8f7c9b6d-r7t2p   1/1     Running             0              2d5h    app=kubia,pod-template-hash=5d8f7c9b6d
pending-unsched          0/1     Pending             0              100m    run=pending-unsched
terminating-pod          1/1     Terminating         0              10m     run=terminating-pod
`);
});

test('get pod NAME', async () => {
  const r = await get(fx.pods(), ['pod', 'kubia-5d8f7c9b6d-8xkzq']);
  assert.equal(r.stdout, `NAME                     READY   STATUS    RESTARTS   AGE
kubia-5d8f7c9b6d-8xkzq   1/1     Running   0          5m16s
`);
});

test('get pods -A -o wide --show-labels', async () => {
  const r = await get(fx.pods(), ['pods'], { allNamespaces: true, output: 'wide', showLabels: true });
  assert.equal(r.stdout, `NAMESPACE     NAME                       READY   STATUS              RESTARTS       AGE     IP            NODE                 NOMINATED NODE   READINESS GATES   LABELS
default       client-pod                 0/1     Completed           0              3y12d   10.244.1.10   kind-worker          <none>           <none>            run=client-pod
default       crashy                     0/1     CrashLoopBackOff    7 (49s ago)    45d     10.244.1.9    kind-worker          <none>           <none>            run=crashy
default       creating                   0/1     ContainerCreating   0              39s     <none>        kind-worker          <none>           <none>            run=creating
default       kubia-5d8f7c9b6d-8xkzq     1/1     Running             0              5m16s   10.244.1.5    kind-worker          <none>           <none>            app=kubia,pod-template-hash=5d8f7c9b6d
default       kubia-5d8f7c9b6d-hzmwq     1/1     Running             5 (5m4s ago)   3h20m   10.244.2.7    kind-worker2         <none>           <none>            app=kubia,pod-template-hash=5d8f7c9b6d
default       kubia-5d8f7c9b6d-r7t2p     1/1     Running             0              2d5h    10.244.1.6    kind-worker          <none>           <none>            app=kubia,pod-template-hash=5d8f7c9b6d
default       pending-unsched            0/1     Pending             0              100m    <none>        <none>               <none>           <none>            run=pending-unsched
default       terminating-pod            1/1     Terminating         0              10m     10.244.2.11   kind-worker          <none>           <none>            run=terminating-pod
kube-system   coredns-668d6bf9bc-4qk2j   1/1     Running             0              5d      10.244.0.2    kind-control-plane   <none>           <none>            k8s-app=kube-dns,pod-template-hash=668d6bf9bc
`);
});

test('get svc, -o wide, -A', async () => {
  assert.equal((await get(fx.services(), ['svc'])).stdout, `NAME             TYPE           CLUSTER-IP     EXTERNAL-IP      PORT(S)                      AGE
external-db      ExternalName   <none>         db.example.com   <none>                       95s
kubernetes       ClusterIP      10.96.0.1      <none>           443/TCP                      5d
kubia            ClusterIP      10.96.45.10    <none>           80/TCP                       60m
kubia-extip      ClusterIP      10.96.99.1     192.168.99.100   80/TCP                       35s
kubia-headless   ClusterIP      None           <none>           80/TCP                       65s
kubia-lb         LoadBalancer   10.96.12.34    <pending>        80:31234/TCP                 2m5s
kubia-nodeport   NodePort       10.96.203.77   <none>           80:30123/TCP,443:30443/TCP   10m
noselector       ClusterIP      10.96.77.7     <none>           80/TCP                       35s
`);
  assert.equal((await get(fx.services(), ['svc'], { output: 'wide' })).stdout, `NAME             TYPE           CLUSTER-IP     EXTERNAL-IP      PORT(S)                      AGE    SELECTOR
external-db      ExternalName   <none>         db.example.com   <none>                       95s    <none>
kubernetes       ClusterIP      10.96.0.1      <none>           443/TCP                      5d     <none>
kubia            ClusterIP      10.96.45.10    <none>           80/TCP                       60m    app=kubia
kubia-extip      ClusterIP      10.96.99.1     192.168.99.100   80/TCP                       35s    app=kubia
kubia-headless   ClusterIP      None           <none>           80/TCP                       65s    app=kubia
kubia-lb         LoadBalancer   10.96.12.34    <pending>        80:31234/TCP                 2m5s   app=kubia
kubia-nodeport   NodePort       10.96.203.77   <none>           80:30123/TCP,443:30443/TCP   10m    app=kubia
noselector       ClusterIP      10.96.77.7     <none>           80/TCP                       35s    <none>
`);
  assert.equal((await get(fx.services(), ['svc'], { allNamespaces: true })).stdout, `NAMESPACE     NAME             TYPE           CLUSTER-IP     EXTERNAL-IP      PORT(S)                      AGE
default       external-db      ExternalName   <none>         db.example.com   <none>                       95s
default       kubernetes       ClusterIP      10.96.0.1      <none>           443/TCP                      5d
default       kubia            ClusterIP      10.96.45.10    <none>           80/TCP                       60m
default       kubia-extip      ClusterIP      10.96.99.1     192.168.99.100   80/TCP                       35s
default       kubia-headless   ClusterIP      None           <none>           80/TCP                       65s
default       kubia-lb         LoadBalancer   10.96.12.34    <pending>        80:31234/TCP                 2m5s
default       kubia-nodeport   NodePort       10.96.203.77   <none>           80:30123/TCP,443:30443/TCP   10m
default       noselector       ClusterIP      10.96.77.7     <none>           80/TCP                       35s
kube-system   kube-dns         ClusterIP      10.96.0.10     <none>           53/UDP,53/TCP,9153/TCP       5d
`);
});

test('get endpoints, ep -A, endpointslices', async () => {
  assert.equal((await get(fx.endpoints(), ['endpoints'])).stdout, `NAME             ENDPOINTS                                                     AGE
kubernetes       172.18.0.2:6443                                               5d
kubia            10.244.1.5:8080,10.244.1.6:8080,10.244.2.7:8080 + 1 more...   60m
kubia-nodeport   10.244.1.5:8080,10.244.1.6:8080,10.244.1.5:8443 + 1 more...   10m
noselector       <none>                                                        35s
`);
  assert.equal((await get(fx.endpoints(), ['ep'], { allNamespaces: true })).stdout, `NAMESPACE   NAME             ENDPOINTS                                                     AGE
default     kubernetes       172.18.0.2:6443                                               5d
default     kubia            10.244.1.5:8080,10.244.1.6:8080,10.244.2.7:8080 + 1 more...   60m
default     kubia-nodeport   10.244.1.5:8080,10.244.1.6:8080,10.244.1.5:8443 + 1 more...   10m
default     noselector       <none>                                                        35s
`);
  assert.equal((await get(fx.endpointSlices(), ['endpointslices'])).stdout, `NAME                   ADDRESSTYPE   PORTS       ENDPOINTS                                      AGE
kubernetes             IPv4          6443        172.18.0.2                                     5d
kubia-nodeport-abcde   IPv4          8080,8443   10.244.1.5,10.244.1.6                          10m
kubia-x7k2p            IPv4          8080        10.244.1.5,10.244.1.6,10.244.2.7 + 2 more...   60m
`);
});

test('get nodes, -o wide', async () => {
  assert.equal((await get(fx.nodes(), ['nodes'])).stdout, `NAME                 STATUS   ROLES           AGE     VERSION
kind-control-plane   Ready    control-plane   5d      v1.32.2
kind-worker          Ready    <none>          4d23h   v1.32.2
kind-worker2         Ready    <none>          4d23h   v1.32.2
`);
  assert.equal((await get(fx.nodes(), ['nodes'], { output: 'wide' })).stdout, `NAME                 STATUS   ROLES           AGE     VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION     CONTAINER-RUNTIME
kind-control-plane   Ready    control-plane   5d      v1.32.2   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-45-generic   containerd://1.7.24
kind-worker          Ready    <none>          4d23h   v1.32.2   172.18.0.3    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-45-generic   containerd://1.7.24
kind-worker2         Ready    <none>          4d23h   v1.32.2   172.18.0.4    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-45-generic   containerd://1.7.24
`);
});

test('get deploy and rs, normal and wide', async () => {
  const w = fx.workloads();
  assert.equal((await get(w, ['deploy'])).stdout, `NAME    READY   UP-TO-DATE   AVAILABLE   AGE
kubia   3/3     3            3           3h20m
`);
  assert.equal((await get(w, ['deploy'], { output: 'wide' })).stdout, `NAME    READY   UP-TO-DATE   AVAILABLE   AGE     CONTAINERS   IMAGES           SELECTOR
kubia   3/3     3            3           3h20m   kubia        luksa/kubia:v1   app=kubia
`);
  assert.equal((await get(w, ['rs'])).stdout, `NAME               DESIRED   CURRENT   READY   AGE
kubia-5d8f7c9b6d   3         3         3       3h20m
`);
  assert.equal((await get(w, ['rs'], { output: 'wide' })).stdout, `NAME               DESIRED   CURRENT   READY   AGE     CONTAINERS   IMAGES           SELECTOR
kubia-5d8f7c9b6d   3         3         3       3h20m   kubia        luksa/kubia:v1   app=kubia,pod-template-hash=5d8f7c9b6d
`);
});

test('get ing, netpol', async () => {
  const o = fx.ingressesAndPolicies();
  assert.equal((await get(o, ['ing'])).stdout, `NAME    CLASS    HOSTS                                                   ADDRESS      PORTS     AGE
kubia   nginx    kubia.example.com                                       172.18.0.3   80        3m26s
multi   <none>   a.example.com,b.example.com,c.example.com + 1 more...                80, 443   3m26s
`);
  assert.equal((await get(o, ['netpol'])).stdout, `NAME          POD-SELECTOR   AGE
deny-all      <none>         107s
kubia-allow   app=kubia      107s
`);
});

test('get ns', async () => {
  assert.equal((await get(fx.namespaces(), ['ns'])).stdout, `NAME                 STATUS   AGE
default              Active   5d
kube-node-lease      Active   5d
kube-public          Active   5d
kube-system          Active   5d
local-path-storage   Active   5d
`);
});

test('get events, -o wide', async () => {
  assert.equal((await get(fx.events(), ['events'])).stdout, `LAST SEEN   TYPE      REASON              OBJECT                       MESSAGE
47s         Warning   BackOff             pod/crashy                   Back-off restarting failed container kubia in pod crashy_default(uid)
5m19s       Normal    Scheduled           pod/kubia-5d8f7c9b6d-8xkzq   Successfully assigned default/kubia-5d8f7c9b6d-8xkzq to kind-worker
5m18s       Normal    Pulling             pod/kubia-5d8f7c9b6d-8xkzq   Pulling image "luksa/kubia"
5m12s       Normal    Pulled              pod/kubia-5d8f7c9b6d-8xkzq   Successfully pulled image "luksa/kubia" in 5.123s (5.123s including waiting). Image size: 243016064 bytes.
5m12s       Normal    Created             pod/kubia-5d8f7c9b6d-8xkzq   Created container: kubia
5m11s       Normal    Started             pod/kubia-5d8f7c9b6d-8xkzq   Started container kubia
3h20m       Normal    ScalingReplicaSet   deployment/kubia             Scaled up replica set kubia-5d8f7c9b6d from 0 to 3
`);
  assert.equal((await get(fx.events(), ['events'], { output: 'wide' })).stdout, `LAST SEEN   TYPE      REASON              OBJECT                       SUBOBJECT                SOURCE                  MESSAGE                                                                                                      FIRST SEEN   COUNT   NAME
47s         Warning   BackOff             pod/crashy                   spec.containers{kubia}   kubelet, kind-worker    Back-off restarting failed container kubia in pod crashy_default(uid)                                        45d          180     crashy.1
5m19s       Normal    Scheduled           pod/kubia-5d8f7c9b6d-8xkzq                            default-scheduler       Successfully assigned default/kubia-5d8f7c9b6d-8xkzq to kind-worker                                          5m19s        1       kubia-5d8f7c9b6d-8xkzq.1
5m18s       Normal    Pulling             pod/kubia-5d8f7c9b6d-8xkzq   spec.containers{kubia}   kubelet, kind-worker    Pulling image "luksa/kubia"                                                                                  5m18s        1       kubia-5d8f7c9b6d-8xkzq.2
5m12s       Normal    Pulled              pod/kubia-5d8f7c9b6d-8xkzq   spec.containers{kubia}   kubelet, kind-worker    Successfully pulled image "luksa/kubia" in 5.123s (5.123s including waiting). Image size: 243016064 bytes.   5m12s        1       kubia-5d8f7c9b6d-8xkzq.3
5m12s       Normal    Created             pod/kubia-5d8f7c9b6d-8xkzq   spec.containers{kubia}   kubelet, kind-worker    Created container: kubia                                                                                     5m12s        1       kubia-5d8f7c9b6d-8xkzq.4
5m11s       Normal    Started             pod/kubia-5d8f7c9b6d-8xkzq   spec.containers{kubia}   kubelet, kind-worker    Started container kubia                                                                                      5m11s        1       kubia-5d8f7c9b6d-8xkzq.5
3h20m       Normal    ScalingReplicaSet   deployment/kubia                                      deployment-controller   Scaled up replica set kubia-5d8f7c9b6d from 0 to 3                                                           3h20m        1       kubia.1
`);
});

test('empty results: message on stderr only', async () => {
  const objs = [...fx.pods(), ...fx.nodes()];
  let r = await get(objs, ['pods'], { namespace: 'kube-public' });
  assert.deepEqual([r.stdout, r.stderr, r.exitCode], ['', 'No resources found in kube-public namespace.\n', 0]);
  r = await get(objs, ['pods'], { allNamespaces: true, selector: 'app=nothing' });
  assert.deepEqual([r.stdout, r.stderr, r.exitCode], ['', 'No resources found\n', 0]);
  r = await get(objs, ['nodes'], { selector: 'x=y' });
  assert.deepEqual([r.stdout, r.stderr, r.exitCode], ['', 'No resources found\n', 0]);
});

test('NotFound per name, found ones still printed; unknown type', async () => {
  let r = await get(fx.pods(), ['pod', 'nosuch']);
  assert.deepEqual([r.stdout, r.stderr, r.exitCode], ['', 'Error from server (NotFound): pods "nosuch" not found\n', 1]);
  r = await get(fx.pods(), ['pods', 'nosuch', 'other']);
  assert.equal(r.stderr, 'Error from server (NotFound): pods "nosuch" not found\nError from server (NotFound): pods "other" not found\n');
  r = await get(fx.services(), ['svc', 'nosuch'], { namespace: 'kube-system' });
  assert.equal(r.stderr, 'Error from server (NotFound): services "nosuch" not found\n');
  r = await get(fx.pods(), ['pods', 'crashy', 'nosuch']);
  assert.equal(r.stdout, `NAME     READY   STATUS             RESTARTS      AGE
crashy   0/1     CrashLoopBackOff   7 (49s ago)   45d
`);
  assert.equal(r.stderr, 'Error from server (NotFound): pods "nosuch" not found\n');
  assert.equal(r.exitCode, 1);
  r = await get(fx.workloads(), ['deploy', 'nosuch']);
  assert.equal(r.stderr, 'Error from server (NotFound): deployments.apps "nosuch" not found\n');
  await assert.rejects(get([], ['foo']), (e: Error & { render(): string }) => e.render() === 'error: the server doesn\'t have a resource type "foo"');
  r = await get(fx.pods(), ['pod', 'nosuch'], { ignoreNotFound: true });
  assert.deepEqual([r.stdout, r.stderr, r.exitCode], ['', '', 0]);
});

test('get pods,svc: kind prefixes, a blank line between groups, widths per group', async () => {
  const svcs = fx.services(7).filter((s) => s.metadata.namespace === 'default');
  const r = await get([...fx.pods(8), ...svcs], ['pods,svc']);
  assert.equal(r.stdout, `NAME                         READY   STATUS              RESTARTS        AGE
pod/client-pod               0/1     Completed           0               3y12d
pod/crashy                   0/1     CrashLoopBackOff    7 (57s ago)     45d
pod/creating                 0/1     ContainerCreating   0               47s
pod/kubia-5d8f7c9b6d-8xkzq   1/1     Running             0               5m24s
pod/kubia-5d8f7c9b6d-hzmwq   1/1     Running             5 (5m12s ago)   3h20m
pod/kubia-5d8f7c9b6d-r7t2p   1/1     Running             0               2d5h
pod/pending-unsched          0/1     Pending             0               100m
pod/terminating-pod          1/1     Terminating         0               10m

NAME                     TYPE           CLUSTER-IP     EXTERNAL-IP      PORT(S)                      AGE
service/external-db      ExternalName   <none>         db.example.com   <none>                       102s
service/kubernetes       ClusterIP      10.96.0.1      <none>           443/TCP                      5d
service/kubia            ClusterIP      10.96.45.10    <none>           80/TCP                       60m
service/kubia-extip      ClusterIP      10.96.99.1     192.168.99.100   80/TCP                       42s
service/kubia-headless   ClusterIP      None           <none>           80/TCP                       72s
service/kubia-lb         LoadBalancer   10.96.12.34    <pending>        80:31234/TCP                 2m12s
service/kubia-nodeport   NodePort       10.96.203.77   <none>           80:30123/TCP,443:30443/TCP   10m
service/noselector       ClusterIP      10.96.77.7     <none>           80/TCP                       42s
`);
});

test('get deploy,rs,pods -l app=kubia', async () => {
  const r = await get([...fx.workloads(), ...fx.pods()], ['deploy,rs,pods'], { selector: 'app=kubia' }, later(9));
  assert.equal(r.stdout, `NAME                    READY   UP-TO-DATE   AVAILABLE   AGE
deployment.apps/kubia   3/3     3            3           3h20m

NAME                               DESIRED   CURRENT   READY   AGE
replicaset.apps/kubia-5d8f7c9b6d   3         3         3       3h20m

NAME                         READY   STATUS    RESTARTS        AGE
pod/kubia-5d8f7c9b6d-8xkzq   1/1     Running   0               5m25s
pod/kubia-5d8f7c9b6d-hzmwq   1/1     Running   5 (5m13s ago)   3h20m
pod/kubia-5d8f7c9b6d-r7t2p   1/1     Running   0               2d5h
`);
});

test('-o name, single and list', async () => {
  assert.equal((await get(fx.pods(), ['pods'], { output: 'name' })).stdout, `pod/client-pod
pod/crashy
pod/creating
pod/kubia-5d8f7c9b6d-8xkzq
pod/kubia-5d8f7c9b6d-hzmwq
pod/kubia-5d8f7c9b6d-r7t2p
pod/pending-unsched
pod/terminating-pod
`);
  assert.equal((await get(fx.services(), ['svc', 'kubia'], { output: 'name' })).stdout, 'service/kubia\n');
  assert.equal((await get(fx.workloads(), ['deploy,rs'], { output: 'name' })).stdout, 'deployment.apps/kubia\nreplicaset.apps/kubia-5d8f7c9b6d\n');
});

test('--no-headers: widths from the data rows only (minwidth 6)', async () => {
  const r = await get(fx.pods(45), ['pods'], { noHeaders: true });
  assert.deepEqual(r.stdout.split('\n').slice(0, 3), [
    'client-pod               0/1   Completed           0               3y12d',
    'crashy                   0/1   CrashLoopBackOff    7 (94s ago)     45d',
    'creating                 0/1   ContainerCreating   0               84s',
  ]);
});
