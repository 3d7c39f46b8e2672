// `crictl ps|pods|images` in a node shell: the runtime's view of the pods on that node, with the container IDs
// pod status shows, stable sandbox IDs, and cri-tools' table layout (minwidth 20, padding 3, 13-character IDs).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { goUnitsHumanDuration, goUnitsHumanSize } from '../../src/apps/crictl.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';

const LATER = '2026-11-22T01:31:30Z';

describe('crictl in a node shell', () => {
  let t: InProcessCluster;
  const onNode = (node: string, script: string) => t.run(['debug', `node/${node}`, '-it', '--image=nicolaka/netshoot', '--', 'sh', '-c', script], { env: { KUBESIM_NOW: LATER } });
  const nodeOf = async (pod: string) => (await t.run(['get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}'])).stdout;
  let web: string;

  before(async () => {
    t = inProcessCluster();
    assert.equal((await t.run(['create', 'deployment', 'web', '--image=nginx', '--replicas=3'])).code, 0);
    assert.equal((await t.run(['run', 'done', '--image=busybox', '--restart=Never', '--', 'true'])).code, 0);
    assert.equal((await t.run(['run', 'ns', '--image=nicolaka/netshoot', '--', 'sleep', 'infinity'])).code, 0);
    web = (await t.run(['get', 'pods', '-l', 'app=web', '-o', `jsonpath={.items[?(@.spec.nodeName=="${await nodeOf('done')}")].metadata.name}`])).stdout;
    assert.match(web, /^web-/);
  });
  after(() => t.cleanup());

  it('ps lists the running containers with the IDs kubectl shows, in columns of at least 20', async () => {
    const node = await nodeOf(web);
    const ids = (await t.run(['get', 'pods', '-A', '-o', `jsonpath={.items[?(@.spec.nodeName=="${node}")].status.containerStatuses[*].containerID}`], { env: { KUBESIM_NOW: LATER } })).stdout;
    const r = await onNode(node, 'crictl ps');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').slice(1, -1);
    assert.equal(lines[0], 'CONTAINER           IMAGE               CREATED                  STATE               NAME                ATTEMPT             POD ID              POD                                NAMESPACE');
    const webID = (await (await t.run(['get', 'pod', web, '-o', 'jsonpath={.status.containerStatuses[0].containerID}']))).stdout;
    const nginxID = /containerd:\/\/([0-9a-f]{64})/.exec(ids.split(' ').find((id) => webID === id)!)![1];
    const row = lines.find((l) => l.includes(' nginx '))!;
    assert.match(row, new RegExp(`^${nginxID.slice(0, 13)}       [0-9a-f]{13}       About a minute ago       Running             nginx               0                   [0-9a-f]{13}       ${web} +default$`));
    // the completed pod's container is not running: only -a shows it, as Exited
    assert.ok(!r.stdout.includes(' done '));
    const all = await onNode(node, 'crictl ps -a --name "^do" --namespace default');
    assert.match(all.stdout.split('\n')[2], /^[0-9a-f]{13}       [0-9a-f]{13}       About a minute ago   Exited              done                0                   [0-9a-f]{13}       done                default$/);
    // in full, each one a container ID kubectl shows for a pod on that node (the debugger pod's too)
    const quiet = (await onNode(node, 'crictl ps -q')).stdout.split('\n').slice(1, -1);
    const after = (await t.run(['get', 'pods', '-A', '-o', `jsonpath={.items[?(@.spec.nodeName=="${node}")].status.containerStatuses[*].containerID}`], { env: { KUBESIM_NOW: LATER } })).stdout.split(' ');
    for (const id of quiet) assert.ok(after.includes(`containerd://${id}`), id);
    assert.ok(quiet.includes(nginxID));
    const doneID = (await t.run(['get', 'pod', 'done', '-o', 'jsonpath={.status.containerStatuses[0].containerID}'])).stdout.replace('containerd://', '');
    assert.match(doneID, /^[0-9a-f]{64}$/);
    assert.ok(!quiet.includes(doneID));
    assert.ok(quiet.length >= 4, quiet.join('\n')); // debuggers, web, kindnet, kube-proxy
  });

  it('pods: sandbox IDs are stable across commands and filter ps by --pod prefix', async () => {
    const node = await nodeOf(web);
    const a = (await onNode(node, `crictl pods --name ${web} -q`)).stdout.split('\n')[1];
    const b = (await onNode(node, `crictl pods --name ${web} --no-trunc -q`)).stdout.split('\n')[1];
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.equal(a, b);
    const table = (await onNode(node, 'crictl pods --namespace default')).stdout.split('\n').slice(1, -1);
    assert.match(table[0], /^POD ID              CREATED                  STATE               NAME +NAMESPACE           ATTEMPT             RUNTIME$/);
    assert.ok(table.some((l) => new RegExp(`^${a.slice(0, 13)}       About a minute ago       Ready               ${web} +default             0                   \\(default\\)$`).test(l)), table.join('\n'));
    assert.ok(table.some((l) => /^[0-9a-f]{13}       About a minute ago       NotReady            done /.test(l)), table.join('\n'));
    const byPod = (await onNode(node, `crictl ps --pod ${a.slice(0, 8)}`)).stdout.split('\n').slice(1, -1);
    assert.equal(byPod.length, 2);
    assert.match(byPod[1], / nginx /);
  });

  it('images: the node\'s images, with the IMAGE ID ps shows', async () => {
    const node = await nodeOf(web);
    const r = await onNode(node, 'crictl images; crictl ps --name nginx');
    const lines = r.stdout.split('\n');
    assert.match(lines[1], /^IMAGE +TAG +IMAGE ID            SIZE$/);
    const nginx = lines.find((l) => l.startsWith('docker.io/library/nginx '))!;
    const m = /^docker\.io\/library\/nginx +latest +([0-9a-f]{13}) +(\d+(\.\d+)?[kMG]?B)$/.exec(nginx);
    assert.ok(m, nginx);
    const psRow = lines.find((l) => / nginx /.test(l) && !l.startsWith('docker.io'))!;
    assert.equal(psRow.split(/ {3,}/)[1], m![1]);
  });

  it('inside an ordinary pod there is no runtime socket', async () => {
    const r = await t.run(['exec', 'ns', '--', 'crictl', 'ps']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /level=fatal msg="validate service connection: validate CRI v1 runtime API for endpoint \\"unix:\/\/\/run\/containerd\/containerd\.sock\\": .*connect: no such file or directory\\""\ncommand terminated with exit code 1\n$/);
    assert.equal(r.stdout, '');
  });

  it('bad flags and subcommands fail as urfave/cli does', async () => {
    const node = await nodeOf(web);
    const r = await onNode(node, 'crictl ps --bogus; echo "rc=$?"; crictl frob; echo "rc=$?"; crictl ps --state weird; echo "rc=$?"');
    assert.match(r.stdout, /rc=1\nrc=3\nrc=1\n$/);
    assert.match(r.stderr, /Incorrect Usage: flag provided but not defined: -bogus\n\nFATA\[0000\] flag provided but not defined: -bogus\n/);
    assert.match(r.stderr, /No help topic for 'frob'\n/);
    assert.match(r.stderr, /FATA\[0000\] listing containers: list containers: --state should be one of created, running, exited or unknown\n/);
  });

  it('hostile filters match nothing rather than fail', async () => {
    const node = await nodeOf(web);
    const r = await onNode(node, 'crictl ps --name "(" -q | wc -l; crictl ps --pod constructor -q | wc -l; crictl images __proto__; crictl ps -n abc; echo "rc=$?"; crictl ps --name; echo "rc=$?"');
    assert.equal(r.stdout.split('\n').slice(1).join('\n'), '0\n0\nIMAGE               TAG                 IMAGE ID            SIZE\nrc=1\nrc=1\n');
    assert.match(r.stderr, /Incorrect Usage: invalid value "abc" for flag -last: parse error\n\nFATA\[0000\] invalid value "abc" for flag -last: parse error\n/);
    assert.match(r.stderr, /Incorrect Usage: flag needs an argument: -name\n/);
  });

  it('go-units durations and sizes', () => {
    assert.equal(goUnitsHumanDuration(500), 'Less than a second');
    assert.equal(goUnitsHumanDuration(1000), '1 second');
    assert.equal(goUnitsHumanDuration(59_999), '59 seconds');
    assert.equal(goUnitsHumanDuration(90_000), 'About a minute');
    assert.equal(goUnitsHumanDuration(59 * 60_000), '59 minutes');
    assert.equal(goUnitsHumanDuration(89 * 60_000), 'About an hour');
    assert.equal(goUnitsHumanDuration(2 * 3600_000), '2 hours');
    assert.equal(goUnitsHumanDuration(3 * 86400_000), '3 days');
    assert.equal(goUnitsHumanDuration(20 * 86400_000), '2 weeks');
    assert.equal(goUnitsHumanDuration(90 * 86400_000), '3 months');
    assert.equal(goUnitsHumanSize(157_901_234), '158MB');
    assert.equal(goUnitsHumanSize(11_250_741), '11.3MB');
    assert.equal(goUnitsHumanSize(21_012_988), '21MB');
    assert.equal(goUnitsHumanSize(999), '999B');
    assert.equal(goUnitsHumanSize(999_960), '1e+03kB');
  });

  it('tracepath: the path MTU, the hops traceroute shows, reached and the resume line (iputils)', async () => {
    const target = (await t.run(['get', 'pod', web, '-o', 'jsonpath={.status.podIP}'])).stdout;
    const node = await nodeOf(web);
    const nodeIP = (await t.run(['get', 'node', node, '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}'])).stdout;
    const from = (await t.run(['get', 'pod', 'ns', '-o', 'jsonpath={.spec.nodeName}'])).stdout;
    assert.notEqual(from, node, 'the pods are on different nodes');
    const r = await t.run(['exec', 'ns', '--', 'tracepath', '-n', target]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], ` 1?: ${'[LOCALHOST]'.padEnd(51)} pmtu 1450`);
    assert.match(lines[1], /^ 1:  10\.244\.\d+\.1 +  0\.\d{3}ms $/);
    assert.equal(lines[1].search(/ {2}0\.\d{3}ms $/), 5 + 52);
    assert.match(lines[2], /^ 1:  10\.244\.\d+\.1 +  0\.\d{3}ms $/);
    assert.equal(lines[3].slice(0, 5 + 52), ` 2:  ${nodeIP.padEnd(52)}`);
    assert.match(lines[4], new RegExp(`^ 3:  ${target.replace(/\./g, '\\.')} +  0\\.\\d{3}ms reached$`));
    assert.equal(lines.slice(5).join('\n'), '     Resume: pmtu 1450 hops 3 back 3 \n');
    const lost = await t.run(['exec', 'ns', '--', 'tracepath', '-m', '3', '10.96.0.1']);
    assert.match(lost.stdout, / 3:  no reply\n     Too many hops: pmtu 1450\n     Resume: pmtu 1450 \n$/);
    const bad = await t.run(['exec', 'ns', '--', 'tracepath', 'nosuch-host']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^tracepath: nosuch-host: Name or service not known\n/);
  });
});
