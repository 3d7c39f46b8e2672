// `cluster create --config FILE`: the shapes of manifests/clusters/ reach what a user sees (node names and IPs,
// pod IPs from calico-like blocks, docker IDs, kube-proxy's ipvs round-robin and ping), bad files are refused
// with their field path, and the same file and seed give the same cluster.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const CLUSTERS = join(ROOT, 'manifests', 'clusters');
const made: InProcessCluster[] = [];
after(() => made.forEach((c) => c.cleanup()));

/** A fresh temp cluster whose kubeconfig is its own, so a named cluster's context does not leak. */
function fresh(): InProcessCluster {
  const c = inProcessCluster();
  c.env.KUBECONFIG = join(c.dir, 'kubeconfig');
  made.push(c);
  return c;
}

async function ok(c: InProcessCluster, args: string[]): Promise<string> {
  const r = await c.run(args);
  assert.equal(r.code, 0, `kubesim ${args.join(' ')}\n${r.stderr}`);
  return r.stdout;
}

test('default.yaml makes the same cluster as a plain cluster create (state export byte for byte)', async () => {
  const plain = fresh();
  const shaped = fresh();
  await ok(plain, ['cluster', 'create']);
  const out = await ok(shaped, ['cluster', 'create', '--config', join(CLUSTERS, 'default.yaml')]);
  assert.match(out, /^Cluster "kind" created \(seed 1\): 1 control-plane node, 3 workers, kube-proxy iptables, CNI kindnet, runtime containerd, load-balancer pool 172\.18\.255\.200-250\.\n/);
  const a = await ok(plain, ['state', 'export']);
  const b = await ok(shaped, ['state', 'export']);
  assert.equal(b, a);
  // States without the new settings behave as before: none of them is written for the default shape.
  assert.doesNotMatch(a, /"(kubeProxyMode|containerRuntime|cni|ipamBlocks|nodeSubnet)":/);
});

test('k8s-lab.yaml: lesson 000 prints worker02.k8s.lab, 192.168.80.232, calico-style pod IPs and docker IDs', async () => {
  const c = fresh();
  const created = await ok(c, ['cluster', 'create', '--config', join(CLUSTERS, 'k8s-lab.yaml')]);
  assert.match(created, /^Cluster "k8s-lab" created \(seed 7\): 1 control-plane node, 2 workers, kube-proxy iptables, CNI calico, runtime docker, no load-balancer\.\n/);
  assert.match(created, /Set kubectl context to "kind-k8s-lab"/);
  assert.equal(
    await ok(c, ['get', 'nodes', '-o', 'wide']),
    'NAME               STATUS   ROLES           AGE   VERSION   INTERNAL-IP      EXTERNAL-IP   OS-IMAGE          KERNEL-VERSION          CONTAINER-RUNTIME\n' +
      'master01.k8s.lab   Ready    control-plane   0s    v1.32.2   192.168.80.230   <none>        CentOS Stream 9   5.14.0-362.el9.x86_64   docker://27.4.1\n' +
      'worker01.k8s.lab   Ready    <none>          0s    v1.32.2   192.168.80.231   <none>        CentOS Stream 9   5.14.0-362.el9.x86_64   docker://27.4.1\n' +
      'worker02.k8s.lab   Ready    <none>          0s    v1.32.2   192.168.80.232   <none>        CentOS Stream 9   5.14.0-362.el9.x86_64   docker://27.4.1\n',
  );
  await ok(c, ['apply', '-f', join(ROOT, 'manifests', 'nginx-pod.yaml')]);
  await ok(c, ['apply', '-f', join(ROOT, 'manifests', 'kiada-pod.yaml')]);
  const wide = await ok(c, ['get', 'pods', '-o', 'wide']);
  // The scheduler spreads the two pods over the workers; each node's pods come from its pinned /26 block.
  assert.match(wide, /\nnginx-pod   1\/1     Running   0          0s    10\.244\.167\.193   worker02\.k8s\.lab   <none>           <none>\n/);
  assert.match(wide, /\nkiada       1\/1     Running   0          0s    10\.244\.203\.1     worker01\.k8s\.lab   <none>           <none>\n/);
  // The map draws each node with the calico block it claimed, where its pods' addresses come from.
  assert.match(await ok(c, ['graph']), /node worker02\.k8s\.lab \(<none>\) 192\.168\.80\.232  pods 10\.244\.167\.192\/26 /);
  const describe = await ok(c, ['describe', 'pod', 'nginx-pod']);
  assert.match(describe, /\nNode:             worker02\.k8s\.lab\/192\.168\.80\.232\n/);
  assert.match(describe, /\n    Container ID:   docker:\/\/[0-9a-f]{64}\n    Image:          nginx:1\.25\.0-bullseye\n    Image ID:       docker-pullable:\/\/nginx@sha256:[0-9a-f]{64}\n/);
  // Node to pod (the pod sees the tunnel address of worker01's block), then a one-off client pod.
  assert.match(await ok(c, ['curl', '--from', 'node/worker01.k8s.lab', '10.244.167.193:80']), /<title>Welcome to nginx!<\/title>/);
  const client = await ok(c, ['run', '--image=curlimages/curl:8.2.0', '-i', '--restart=Never', '--rm', 'client-pod', '--', 'sh', '-c', 'curl -s 10.244.203.1:8080; ifconfig eth0; ip route']);
  assert.match(client, /Request processed by "kiada"\. Client IP: ::ffff:10\.244\.(\d+)\.\d+\n/);
  assert.match(client, /inet addr:10\.244\.\d+\.\d+  Bcast:0\.0\.0\.0  Mask:255\.255\.255\.255\n          UP BROADCAST RUNNING MULTICAST  MTU:1450  Metric:1\n/);
  assert.match(client, /default via 169\.254\.1\.1 dev eth0 \n169\.254\.1\.1 dev eth0 scope link \n/);
  // kube-proxy is told its mode, the CNI daemon is calico's.
  assert.match(await ok(c, ['get', 'ds', '-n', 'kube-system']), /\ncalico-node  +3 +3 +3 /);
});

test('the same config and seed make the same cluster; another seed draws other calico blocks', async () => {
  const a = fresh();
  const b = fresh();
  const d = fresh();
  for (const c of [a, b]) (await ok(c, ['cluster', 'create', '--config', join(CLUSTERS, 'k8s-lab.yaml')]));
  await ok(d, ['cluster', 'create', '--config', join(CLUSTERS, 'k8s-lab.yaml'), '--seed', '8']);
  const ipsOf = async (c: InProcessCluster) => (await ok(c, ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'jsonpath={.items[*].status.podIP}']));
  assert.equal(await ok(a, ['state', 'export']), await ok(b, ['state', 'export']));
  // master01 has no pinned block: CoreDNS's addresses come from the block its seed draws.
  assert.match(await ipsOf(a), /^10\.244\.\d+\.\d+ 10\.244\.\d+\.\d+$/);
  assert.notEqual(await ipsOf(a), await ipsOf(d));
});

test('minikube.yaml: one untainted node that runs the pods, docker runtime, its own node network', async () => {
  const c = fresh();
  await ok(c, ['cluster', 'create', '--config', join(CLUSTERS, 'minikube.yaml')]);
  assert.match(await ok(c, ['get', 'nodes', '-o', 'wide']), /\nminikube   Ready    control-plane   0s    v1\.32\.2   192\.168\.49\.2   <none>        Ubuntu 22\.04\.5 LTS   6\.8\.0-45-generic   docker:\/\/27\.4\.1\n$/);
  await ok(c, ['run', 'web', '--image=nginx']);
  assert.match(await ok(c, ['get', 'pod', 'web', '-o', 'wide']), /\nweb    1\/1     Running   0          0s    10\.244\.0\.\d+   minikube   /);
  const node = await ok(c, ['describe', 'node', 'minikube']);
  assert.match(node, /\nTaints:             <none>\n/);
  assert.match(node, /minikube\.k8s\.io\/primary=true/);
  assert.match(node, /\n  Container Runtime Version:  docker:\/\/27\.4\.1\n/);
});

test('ipvs: a ClusterIP answers ping and new connections take the endpoints in turn; iptables: no ping reply', async () => {
  const ipvs = fresh();
  const file = join(ipvs.dir, 'ipvs.yaml');
  writeFileSync(file, 'kind: Cluster\napiVersion: kubesim.dev/v1alpha1\nnetworking:\n  kubeProxyMode: ipvs\n');
  await ok(ipvs, ['cluster', 'create', '--config', file]);
  const iptables = fresh();
  await ok(iptables, ['cluster', 'create']);
  for (const c of [ipvs, iptables]) {
    await ok(c, ['create', 'deployment', 'kubia', '--image=luksa/kubia', '--replicas=3']);
    await ok(c, ['expose', 'deployment', 'kubia', '--port=80', '--target-port=8080']);
  }
  const script = 'for i in 1 2 3 4 5 6 7 8 9; do wget -qO- kubia; done; ping -c 1 kubia';
  const out = await ok(ipvs, ['run', 'c', '--image=busybox', '-i', '--restart=Never', '--rm', '--', 'sh', '-c', script]);
  const hits = [...out.matchAll(/You've hit (\S+)/g)].map((m) => m[1]);
  assert.equal(hits.length, 9);
  assert.equal(new Set(hits.slice(0, 3)).size, 3, `three different pods first: ${hits}`);
  assert.deepEqual(hits.slice(3, 6), hits.slice(0, 3), 'then the same rotation again');
  assert.deepEqual(hits.slice(6, 9), hits.slice(0, 3));
  assert.match(out, /1 packets transmitted, 1 packets received, 0% packet loss/);
  assert.match(await ok(ipvs, ['get', 'cm', '-n', 'kube-system', 'kube-proxy', '-o', 'jsonpath={.data.config\\.conf}']), /\nmode: ipvs\n/);
  // The rotation continues across commands (kept in the state), as one ipvs virtual server's would.
  const next = await ok(ipvs, ['run', 'd', '--image=busybox', '-i', '--restart=Never', '--rm', '--', 'wget', '-qO-', 'kubia']);
  assert.equal(/You've hit (\S+)/.exec(next)?.[1], hits[0]);
  const r = await iptables.run(['run', 'c', '--image=busybox', '-i', '--restart=Never', '--rm', '--', 'ping', '-c', '1', 'kubia']);
  assert.match(r.stdout, /1 packets transmitted, 0 packets received, 100% packet loss/);
  // ipvsadm on a node lists the virtual server with one real server per endpoint; in iptables mode there is none.
  const ips = (await ok(ipvs, ['get', 'pods', '-l', 'app=kubia', '-o', 'jsonpath={.items[*].status.podIP}'])).split(' ').sort();
  const clusterIP = await ok(ipvs, ['get', 'svc', 'kubia', '-o', 'jsonpath={.spec.clusterIP}']);
  const table = await ok(ipvs, ['debug', 'node/kind-worker', '-it', '--image=nicolaka/netshoot', '--', 'ipvsadm', '-Ln']);
  const block = table.slice(table.indexOf(`TCP  ${clusterIP}:80 rr\n`));
  assert.ok(table.includes('IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n'), table);
  assert.deepEqual(block.split('\n').slice(1, 4).map((l) => /^  -> (\S+):8080 +Masq    1      0          0 +$/.exec(l)?.[1]).sort(), ips);
  const none = await iptables.run(['debug', 'node/kind-worker', '-it', '--image=nicolaka/netshoot', '--', 'sh', '-c', 'ipvsadm -Ln; echo "exit $?"']);
  assert.match(none.stderr, /Can't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module\?\n/);
  assert.match(none.stdout, /^exit 1$/m);
});

test('service subnet, cluster domain and NodePort range flow into Services, DNS and allocation', async () => {
  const c = fresh();
  const file = join(c.dir, 'c.yaml');
  writeFileSync(
    file,
    'kind: Cluster\napiVersion: kubesim.dev/v1alpha1\nnetworking:\n  serviceSubnet: 10.100.0.0/16\n  dnsDomain: lab.internal\n  serviceNodePortRange: 31000-31009\n  podSubnet: 10.32.0.0/16\n  nodeCIDRMaskSize: 25\nnodes:\n- role: control-plane\n- role: worker\n  name: w1\n  labels: {disk: ssd}\n  allocatable: {cpu: "2", pods: "20"}\n',
  );
  await ok(c, ['cluster', 'create', '--config', file]);
  assert.match(await ok(c, ['get', 'svc', '-A']), /default       kubernetes   ClusterIP   10\.100\.0\.1    <none>        443\/TCP                  0s\nkube-system   kube-dns     ClusterIP   10\.100\.0\.10   <none>        53\/UDP,53\/TCP,9153\/TCP   0s\n/);
  await ok(c, ['create', 'deployment', 'web', '--image=nginx']);
  await ok(c, ['expose', 'deployment', 'web', '--port=80', '--type=NodePort']);
  const svc = await ok(c, ['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}']);
  assert.match(svc, /^10\.100\.\d+\.\d+ 310\d\d$/);
  assert.ok(Number(svc.split(' ')[1]) <= 31009);
  const pod = await ok(c, ['get', 'pods', '-o', 'wide']);
  assert.match(pod, /10\.32\.0\.1\d\d +w1 /, 'the worker\'s podCIDR is the second /25 of 10.32.0.0/16');
  const dns = await ok(c, ['run', 'q', '--image=busybox:1.36', '-i', '--restart=Never', '--rm', '--', 'sh', '-c', 'cat /etc/resolv.conf; nslookup web']);
  assert.match(dns, /search default\.svc\.lab\.internal svc\.lab\.internal lab\.internal\nnameserver 10\.100\.0\.10\n/);
  assert.match(dns, /Name:\tweb\.default\.svc\.lab\.internal\nAddress: 10\.100\.\d+\.\d+\n/);
  const node = await ok(c, ['get', 'node', 'w1', '-o', 'jsonpath={.metadata.labels.disk} {.status.allocatable.cpu} {.status.allocatable.pods} {.spec.podCIDR}']);
  assert.equal(node, 'ssd 2 20 10.32.0.128/25');
  // The scheduler fits pods against the configured allocatable: 3 CPUs fit nowhere.
  const big = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: "3"\n';
  assert.equal((await c.run(['apply', '-f', '-'], { input: big })).code, 0);
  assert.match(await ok(c, ['describe', 'pod', 'big']), /0\/2 nodes are available: 1 Insufficient cpu, 1 node\(s\) had untolerated taint \{node-role\.kubernetes\.io\/control-plane: \}/);
});

test('calico IPAM claims another block when the node\'s first one is full', async () => {
  const c = fresh();
  const file = join(c.dir, 'c.yaml');
  writeFileSync(file, 'kind: Cluster\napiVersion: kubesim.dev/v1alpha1\nnetworking:\n  cni: calico\n  calico: {blockSize: 28, encapsulation: IPIP}\nnodes:\n- role: control-plane\n  taints: []\n  ipamBlocks: [10.244.9.0/28]\n');
  await ok(c, ['cluster', 'create', '--config', file]);
  await ok(c, ['create', 'deployment', 'many', '--image=nginx', '--replicas=16']);
  const ips = (await ok(c, ['get', 'pods', '-A', '-o', 'jsonpath={range .items[*]}{.status.podIP}{"\\n"}{end}'])).trim().split('\n').filter((ip) => ip.startsWith('10.244.'));
  // 16 nginx pods, 2 CoreDNS and the provisioner: 19 addresses; the /28 holds 15 after the tunnel's.
  assert.equal(ips.length, 19);
  assert.equal(ips.filter((ip) => ip.startsWith('10.244.9.') && Number(ip.split('.')[3]) < 16).length, 15);
  assert.equal(ips.filter((ip) => !(ip.startsWith('10.244.9.') && Number(ip.split('.')[3]) < 16)).length, 4, 'four from a second block');
  const shell = await ok(c, ['run', 'x', '--image=nicolaka/netshoot', '-i', '--restart=Never', '--rm', '--', 'sh', '-c', 'ip addr']);
  assert.match(shell, /mtu 1480 /, 'IPIP: the pods\' MTU is 1480');
});

test('bad config files are refused with the field path, exit 1 and nothing written', async () => {
  const c = fresh();
  const cases: [string, string][] = [
    ['kind: Cluster\napiVersion: kubesim.dev/v1alpha1\nnetworking:\n  podSubnet: 10.244.1.0/16\n', 'networking.podSubnet: Invalid value: "10.244.1.0/16": must be a network address: host bits are set (did you mean 10.244.0.0/16?)'],
    ['kind: Cluster\napiVersion: kubesim.dev/v1alpha1\nnetworking:\n  kubeProxyMode: userspace\n', 'networking.kubeProxyMode: Unsupported value: "userspace": supported values: "iptables", "ipvs", "nftables"'],
    ['kind: Cluster\napiVersion: kubesim.dev/v1alpha1\nnodes:\n- role: control-plane\n  taints: [{key: a, effect: Never}]\n', 'nodes[0].taints[0].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'],
    ['kind: Cluster\napiVersion: kubesim.dev/v1alpha1\nnetworking:\n  podSubnett: 10.0.0.0/16\n', 'unknown field "networking.podSubnett"'],
  ];
  for (const [text, message] of cases) {
    const file = join(c.dir, 'bad.yaml');
    writeFileSync(file, text);
    const r = await c.run(['cluster', 'create', '--config', file]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `error: invalid cluster config "${file}": ${message}\n`);
    assert.equal(r.stdout, '');
    assert.ok(!existsSync(c.state), 'no state written');
  }
  const file = join(c.dir, 'several.yaml');
  writeFileSync(file, 'kind: Cluster\napiVersion: v1\nnodes:\n- name: a\n  role: control-plane\n- name: a\n  role: worker\n  internalIP: 10.0.0.1\n');
  const r = await c.run(['cluster', 'create', '--config', file]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `error: invalid cluster config "${file}":\n` +
      '* apiVersion: Unsupported value: "v1": supported values: "kubesim.dev/v1alpha1"\n' +
      '* nodes[1].name: Duplicate value: "a"\n' +
      '* nodes[1].internalIP: Invalid value: "10.0.0.1": must be inside networking.nodeSubnet 172.18.0.0/16\n',
  );
  assert.ok(!existsSync(c.state));
});

test('a state whose shape settings are damaged is reported, not half-used', async () => {
  const c = fresh();
  await ok(c, ['cluster', 'create', '--config', join(CLUSTERS, 'minikube.yaml'), '--name', 'kind']);
  const head = JSON.parse(readFileSync(c.state, 'utf8'));
  head.cluster.kubeProxyMode = 'userspace';
  writeFileSync(c.state, JSON.stringify(head));
  const r = await c.run(['get', 'nodes']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: the state file ".*" is damaged \(cluster\.kubeProxyMode is not a mode\)/);
});
