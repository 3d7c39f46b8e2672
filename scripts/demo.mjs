// `npm run demo`: a walkthrough on a fresh, temporary default cluster. Each step prints the command as a
// workshop would show it (with `kubectl` aliased to kubesim) and then what kubesim printed.
import { spawn, spawnSync } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'kubesim');
const dir = mkdtempSync(join(tmpdir(), 'kubesim-demo-'));
// KUBECONFIG cleared: the demo's clusters stay in its own kubeconfig beside its state, never in yours.
const env = { ...process.env, KUBECONFIG: '', KUBESIM_STATE: join(dir, 'state.json'), KUBESIM_SEED: '42' };
const bold = process.stdout.isTTY && !process.env.NO_COLOR ? (s) => `\x1b[1m${s}\x1b[0m` : (s) => s;

// Verbs that kubectl has are shown as the workshop types them (alias kubectl=kubesim); the rest as kubesim.
const KUBESIM_ONLY = new Set(['cluster', 'curl', 'tunnel']);

function kubesim(args, { show = true, input } = {}) {
  const name = KUBESIM_ONLY.has(args[0]) ? 'kubesim' : 'kubectl';
  if (show) process.stdout.write(`\n${bold(`$ ${name} ${args.map(quote).join(' ')}`)}\n`);
  // Shown steps write straight to the terminal, so stdout and stderr keep their order (and curl sees a tty).
  const stdio = show ? ['pipe', 'inherit', 'inherit'] : 'pipe';
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, env, input: input ?? '', encoding: 'utf8', stdio });
}

function quote(a) {
  return /^[\w./:=,@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}

/** Runs `port-forward kiada :8080` in the background, sends one real HTTP request through it, stops it. */
async function portForwardDemo() {
  process.stdout.write(`\n${bold('$ kubectl port-forward kiada :8080 &')}\n`);
  const child = spawn(process.execPath, [bin, 'port-forward', 'kiada', ':8080'], { cwd: root, env });
  let out = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('port-forward did not start')), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Forwarding from \[::1\]:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', () => reject(new Error(`port-forward exited: ${out}`)));
  });
  const body = await new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let b = '';
      res.on('data', (d) => (b += d));
      res.on('end', () => resolve(b));
    }).on('error', reject);
  });
  await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  await new Promise((r) => child.on('close', r));
  process.stdout.write(out);
  process.stdout.write(`\n${bold(`$ curl localhost:${port}`)}\n${body}`);
}

/** `kubesim ui` for a moment: start it, read the view the page would draw, stop it (no browser needed). */
async function uiDemo() {
  process.stdout.write(`\n${bold('$ kubesim ui &')}\n`);
  const child = spawn(process.execPath, [bin, 'ui', '--port', '0'], { cwd: root, env });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ui did not start')), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /(http:\S+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(new URL(m[1]));
      }
    });
    child.on('exit', () => reject(new Error(`ui exited: ${out}`)));
  });
  const view = await (await fetch(`${url.origin}/api/view${url.search}`)).json();
  child.kill('SIGINT');
  await new Promise((r) => child.on('close', r));
  process.stdout.write(out);
  process.stdout.write(`(the page at that URL draws ${view.nodes.length} nodes, ${view.pods.length} pods, ${view.services.length} Services, ${view.policies.length} NetworkPolicies and the last ${view.flows.length} requests)\n`);
}

function say(text) {
  process.stdout.write(`\n${bold(`# ${text}`)}\n`);
}

let failed = false;
function step(args, opts) {
  const r = kubesim(args, opts);
  if (r.status !== 0 && !opts?.mayFail) {
    failed = true;
    process.stderr.write(`(step exited ${r.status})\n`);
  }
  return r;
}

try {
  say('A new simulated cluster shaped like kind: one control-plane node and three workers.');
  step(['cluster', 'create', '--seed', '42']);
  step(['get', 'nodes', '-o', 'wide']);

  say('Apply the example manifests: the kiada and nginx pods, a ClusterIP and a NodePort service.');
  step(['apply', '-f', 'manifests/']);
  step(['get', 'pods', '-o', 'wide']);
  step(['get', 'svc', '-o', 'wide']);
  step(['describe', 'pod', 'kiada']);

  const ip = kubesim(['get', 'pod', 'kiada', '-o', 'jsonpath={.status.podIP}'], { show: false }).stdout;
  const node = kubesim(['get', 'pod', 'kiada', '-o', 'jsonpath={.spec.nodeName}'], { show: false }).stdout;
  say('Pod to pod: a one-off client pod curls the kiada pod by IP; kiada sees the client pod\'s IP.');
  step(['run', '--image=curlimages/curl:8.2.0', '-it', '--restart=Never', '--rm', 'client-pod', 'curl', `${ip}:8080`]);
  say(`Node to pod: from ${node}, the node hosting kiada, the app sees the node's pod-network gateway.`);
  step(['curl', '--from', `node/${node}`, `http://${ip}:8080`]);
  say('The workstation has no route to pod IPs: the connection times out.');
  step(['curl', '-sS', '--connect-timeout', '2', `http://${ip}:8080`], { mayFail: true });

  say('Copy a file into the kiada container and back: cp runs the image\'s tar through exec, and the file stays in the container\'s writable layer for the next exec.');
  writeFileSync(join(dir, 'motd.txt'), 'Welcome to kiada\n');
  step(['cp', join(dir, 'motd.txt'), 'kiada:/tmp/motd.txt']);
  step(['exec', 'kiada', '--', 'cat', '/tmp/motd.txt']);
  step(['cp', 'kiada:/tmp/motd.txt', join(dir, 'motd-back.txt')]);

  say('Expose kiada on a NodePort: every node answers, and the pod sees the node that forwarded (SNAT).');
  step(['expose', 'pod', 'kiada', '--name', 'kiada-np', '--port', '80', '--target-port', '8080', '--type', 'NodePort']);
  step(['get', 'svc,ep', 'kiada-np']);
  const nodePort = kubesim(['get', 'svc', 'kiada-np', '-o', 'jsonpath={.spec.ports[0].nodePort}'], { show: false }).stdout;
  step(['curl', '-s', `http://172.18.0.3:${nodePort}`]);
  step(['curl', '-s', '--trace', `http://172.18.0.4:${nodePort}`]);

  say('The "Pod Networking" lesson: a demo deployment in namespace dev behind demo-service, and a jumpbox.');
  step(['apply', '-f', 'manifests/lessons/pod-networking.yaml']);
  step(['get', 'pods', '-n', 'dev', '-o', 'wide']);
  say('Each curl is a new connection: kube-proxy picks a ready endpoint at random every time.');
  for (let i = 0; i < 6; i++) step(['exec', 'jumpbox', '--', 'curl', '-s', 'http://demo-service.dev']);
  say('With sessionAffinity: ClientIP every connection from the jumpbox lands on the same pod.');
  step(['expose', 'deployment', 'demo', '-n', 'dev', '--name', 'demo-sticky', '--port', '80', '--target-port', '8080', '--session-affinity=ClientIP']);
  for (let i = 0; i < 3; i++) step(['exec', 'jumpbox', '--', 'curl', '-s', 'http://demo-sticky.dev']);
  say('patch changes a live object in place: the same affinity on demo-service, then back.');
  step(['patch', 'svc', 'demo-service', '-n', 'dev', '-p', '{"spec":{"sessionAffinity":"ClientIP"}}']);
  for (let i = 0; i < 3; i++) step(['exec', 'jumpbox', '--', 'curl', '-s', 'http://demo-service.dev']);
  step(['patch', 'svc', 'demo-service', '-n', 'dev', '--type=merge', '-p', '{"spec":{"sessionAffinity":"None","sessionAffinityConfig":null}}']);

  say('A rollout replaces the pods: new names, new IPs.');
  step(['set', 'image', 'deployment/demo', 'demo=demo:1.1.0', '-n', 'dev']);
  step(['rollout', 'status', 'deployment/demo', '-n', 'dev']);
  step(['rollout', 'history', 'deployment/demo', '-n', 'dev']);
  step(['get', 'pods', '-n', 'dev', '-o', 'wide']);
  step(['exec', 'jumpbox', '--', 'curl', '-s', 'http://demo-service.dev']);

  say('No ready endpoints: kube-proxy rejects at once, curl exits 7.');
  step(['scale', 'deployment', 'demo', '-n', 'dev', '--replicas', '0']);
  step(['exec', 'jumpbox', '--', 'curl', '-sS', 'http://demo-service.dev'], { mayFail: true });
  step(['scale', 'deployment', 'demo', '-n', 'dev', '--replicas', '3']);
  const clusterIP = kubesim(['get', 'svc', 'demo-service', '-n', 'dev', '-o', 'jsonpath={.spec.clusterIP}'], { show: false }).stdout;
  say('A ClusterIP is not bound to any interface: it does not answer ping.');
  step(['exec', 'jumpbox', '--', 'ping', '-c', '1', '-W', '1', clusterIP], { mayFail: true });

  say('What a real cluster refuses to run: an image tag that does not exist. wait gives up after 20 simulated seconds.');
  step(['create', 'deployment', 'broken', '--image=nginx:doesnotexist-999']);
  step(['wait', '--for=condition=available', 'deployment/broken', '--timeout=20s'], { mayFail: true });
  step(['get', 'pods', '-l', 'app=broken']);
  say('A readiness probe that gets 404 keeps the pod 0/1 and out of its Service.');
  step(['apply', '-f', 'manifests/workloads/not-ready.yaml']);
  step(['wait', '--for=condition=Ready', 'pod', '-l', 'app=not-ready', '--timeout=15s'], { mayFail: true });
  step(['get', 'pods', '-l', 'app=not-ready']);
  step(['get', 'endpoints', 'not-ready']);

  say('A Secret and a ConfigMap reach the container as an environment variable and a file.');
  step(['apply', '-f', 'manifests/workloads/config-demo.yaml']);
  step(['get', 'secret', 'db', '-o', 'jsonpath={.data.password}']);
  step(['exec', 'config-demo', '--', 'sh', '-c', 'echo "PW=$PW"; cat /etc/cfg/greeting; echo; ls -l /etc/cfg']);

  say('Jobs run to completion; a StatefulSet starts its pods in order, each with its own DNS name; a DaemonSet runs a pod on every node it tolerates.');
  step(['apply', '-f', 'manifests/workloads/hello-job.yaml']);
  step(['wait', '--for=condition=complete', 'job/hello', '--timeout=60s']);
  step(['get', 'jobs']);
  step(['logs', 'job/hello']);
  step(['apply', '-f', 'manifests/workloads/web-statefulset.yaml']);
  step(['rollout', 'status', 'statefulset/web']);
  step(['get', 'pods', '-l', 'app=nginx', '-o', 'wide']);
  step(['exec', 'jumpbox', '--', 'nslookup', 'web-1.nginx.default.svc.cluster.local']);
  step(['apply', '-f', 'manifests/workloads/node-exporter-daemonset.yaml']);
  step(['get', 'daemonsets']);

  say('Node maintenance: drain cordons a node and evicts its demo pods; the Deployment replaces them elsewhere.');
  step(['drain', 'kind-worker', '--ignore-daemonsets', '--pod-selector=app=demo', '--timeout=60s']);
  step(['get', 'nodes']);
  step(['get', 'pods', '-n', 'dev', '-l', 'app=demo', '-o', 'wide']);
  step(['uncordon', 'kind-worker']);

  say('port-forward opens a real local socket; here the demo itself plays the second terminal\'s curl.');
  await portForwardDemo();
  step(['logs', 'kiada', '--tail', '3']);
  say('Events in kubectl\'s own table, and RBAC answers computed from the stored roles and bindings.');
  step(['events', '--for', 'pod/kiada']);
  step(['auth', 'can-i', 'list', 'secrets', '--as', 'system:serviceaccount:default:default'], { mayFail: true });

  say('explain prints the API documentation of a field, from the OpenAPI schema kubesim serves.');
  step(['explain', 'service.spec.sessionAffinity']);
  say('A kustomize overlay (a base and overlays/dev with a configMapGenerator) applied with -k; a go-template lists what it made.');
  step(['apply', '-k', 'manifests/kustomize/overlays/dev']);
  step(['get', 'deploy,cm', '-n', 'dev', '-l', 'env=dev', '-o', 'go-template={{range .items}}{{.kind}}/{{.metadata.name}}{{"\\n"}}{{end}}']);

  say('Deleting a namespace: it stays Terminating, its pods still there, until the namespace controller empties it 5 s later.');
  step(['create', 'namespace', 'scratch']);
  step(['create', 'deployment', 'tmp', '-n', 'scratch', '--image=nginx', '--replicas=2']);
  step(['delete', 'namespace', 'scratch', '--wait=false']);
  step(['get', 'namespace', 'scratch']);
  step(['get', 'pods', '-n', 'scratch']);
  step(['wait', '--for=delete', 'namespace/scratch', '--timeout=30s']);

  say('A second cluster has its own state and kubeconfig context; config use-context switches back.');
  step(['cluster', 'create', '--name', 'lab', '--workers', '1']);
  step(['get', 'nodes']);
  step(['config', 'use-context', 'kind-kind']);
  step(['config', 'get-contexts']);

  say('An Ingress: the simulated ingress-nginx routes by host, straight to the demo pods\' endpoints.');
  step(['apply', '-f', 'manifests/networking/demo-ingress.yaml']);
  step(['get', 'ingress', '-n', 'dev']);
  const lb = kubesim(['get', 'ingress', 'demo', '-n', 'dev', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'], { show: false }).stdout;
  step(['curl', '-s', '-H', 'Host: demo.example.com', `http://${lb}/`]);
  step(['curl', '-s', '-H', 'Host: other.example.com', `http://${lb}/`], { mayFail: true });

  say('NetworkPolicy: deny all ingress in dev and the jumpbox times out; allow the labelled jumpbox and it answers again.');
  step(['apply', '-f', 'manifests/networking/dev-deny-ingress.yaml']);
  step(['exec', 'jumpbox', '--', 'curl', '-sS', '--connect-timeout', '2', 'http://demo-service.dev'], { mayFail: true });
  step(['label', 'pod', 'jumpbox', 'role=jumpbox']);
  step(['apply', '-f', 'manifests/networking/dev-allow-jumpbox.yaml']);
  step(['exec', 'jumpbox', '--', 'curl', '-s', 'http://demo-service.dev']);
  step(['describe', 'netpol', 'allow-jumpbox', '-n', 'dev']);

  say('kube-proxy\'s rules on a node, from the same topology: demo-service\'s ClusterIP jumps to one KUBE-SEP chain per endpoint.');
  step(['debug', 'node/kind-worker', '-it', '--image=nicolaka/netshoot', '--', 'sh', '-c', 'iptables -t nat -S | grep -F "dev/demo-service -> "']);

  say('A cluster shaped by a config file, like the kubeadm lab lesson 000 was recorded on: its node names, IPs and runtime.');
  step(['cluster', 'create', '--config', 'manifests/clusters/k8s-lab.yaml']);
  step(['get', 'nodes', '-o', 'wide']);
  step(['config', 'use-context', 'kind-kind']);

  say('kubesim ui serves a live map of all this to a browser; here it starts, serves its view once, and stops.');
  await uiDemo();
  say('The state is files a command reads only in part; state check reads every object and says what it found.');
  step(['state', 'check']);

  say('The map of what this demo built: the nodes, the dev pods on them, demo-service and the last requests\' paths.');
  step(['graph', '-n', 'dev', '--flows', '4']);
  say('Next: `kubesim ui` serves this map in a browser, live, animating every request as it happens.');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
