// `kubesim run`: the lessons' one-off client pods, exit codes, --rm, usage errors and the generated Pod.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { savedState } from '../support/cli.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { lessonCluster, lessonsSetup, type LessonCluster } from './netsupport.js';

const TTY_WARNING = 'Unable to use a TTY - input is not a terminal or the right kind of file\n';
const PROMPT_HINT = "If you don't see a command prompt, try pressing enter.\n";

describe('run: one-off client pods (lessons 000 and 003)', () => {
  let c: LessonCluster;
  before(async () => {
    c = lessonCluster(lessonsSetup);
  });
  after(() => c.t.cleanup());

  it('run -it --rm client-pod curl <pod IP>:8080 prints kiada\'s answer, then deletes the pod', async () => {
    const r = c.t.run(['run', '--image=curlimages/curl:8.2.0', '-it', '--restart=Never', '--rm', 'client-pod', 'curl', `${c.ip('kiada')}:8080`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Kiada version 0\.1\. Request processed by "kiada"\. Client IP: ::ffff:10\.244\.\d+\.\d+\npod "client-pod" deleted\n$/);
    assert.equal(r.stderr, TTY_WARNING + PROMPT_HINT);
    const state = savedState(c.t.state);
    assert.equal(state.objects.pods['default/client-pod'], undefined);
  });

  it('the client IP kiada reports is the client pod\'s own IP (shown by ifconfig in the same shell)', async () => {
    const r = c.t.run(['run', '--image=curlimages/curl:8.2.0', '-it', '--restart=Never', '--rm', 'client-pod', '/bin/sh'], { input: `curl ${c.ip('kiada')}:8080\nifconfig\nhostname\n` });
    assert.equal(r.code, 0, r.stderr);
    const ip = /Client IP: ::ffff:(\S+)\n/.exec(r.stdout)?.[1];
    assert.ok(ip);
    assert.ok(r.stdout.includes(`eth0      Link encap:Ethernet  HWaddr `));
    assert.ok(r.stdout.includes(`          inet addr:${ip}  Bcast:0.0.0.0  Mask:255.255.255.255\n          UP BROADCAST RUNNING MULTICAST  MTU:1450  Metric:1\n`));
    assert.ok(r.stdout.includes('lo        Link encap:Local Loopback  \n          inet addr:127.0.0.1  Mask:255.0.0.0\n'));
    assert.match(r.stdout, /\nclient-pod\npod "client-pod" deleted\n$/);
  });

  it('exits with the container\'s exit code and says how the pod terminated', async () => {
    const r = c.t.run(['run', '--image=curlimages/curl', '-i', '--rm', '--restart=Never', 'client-fail', '--', 'curl', '-sS', 'http://nosuch']);
    assert.equal(r.code, 6);
    assert.equal(r.stdout, 'pod "client-fail" deleted\n');
    assert.equal(r.stderr, `${PROMPT_HINT}curl: (6) Could not resolve host: nosuch\npod default/client-fail terminated (Error)\n`);
  });

  it('a service with no endpoints refuses: curl (7), exit 7', async () => {
    const r = c.t.run(['run', '--image=curlimages/curl', '-i', '--rm', '--restart=Never', '-q', 'c7', '--', 'curl', '-sS', 'http://empty']);
    assert.equal(r.code, 7);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, "curl: (7) Failed to connect to 10.96.45.10 port 80 after 0 ms: Couldn't connect to server\npod default/c7 terminated (Error)\n");
  });

  it('a shell script piped into run -i /bin/sh ends with the script\'s exit code', async () => {
    const r = c.t.run(['run', '--image=busybox', '-i', '--rm', '--restart=Never', 'sh1', '--', 'sh'], { input: 'echo one && false || echo two; exit 3\n' });
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'one\ntwo\npod "sh1" deleted\n');
  });

  it('without -i the pod is created and the command runs in the background; its output is the pod log', async () => {
    const r = c.t.run(['run', 'bg', '--image=curlimages/curl', '--restart=Never', '--', 'curl', '-s', `${c.ip('kiada')}:8080`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'pod/bg created\n');
    const logs = c.t.run(['logs', 'bg']);
    assert.match(logs.stdout, /^Kiada version 0\.1\. Request processed by "kiada"\. Client IP: ::ffff:10\.244\.\d+\.\d+\n$/);
  });

  it('a binary the image lacks fails to start (StartError, exit 128)', async () => {
    const r = c.t.run(['run', '--image=busybox', '-i', '--rm', '--restart=Never', '-q', 'nocurl', '--', 'curl', 'x']);
    assert.equal(r.code, 128);
    assert.match(r.stderr, /^pod default\/nocurl terminated \(StartError\)\nfailed to create containerd task: .*exec: "curl": executable file not found in \$PATH: unknown\n$/);
  });
});

describe('run: usage errors and the generated pod', () => {
  const t = inProcessCluster();
  after(() => t.cleanup());
  const cases: [string[], string][] = [
    [['run', 'x', '--image=y', '--rm'], 'error: --rm should only be used for attached containers\nSee \'kubectl run -h\' for help and examples\n'],
    [['run', 'x', '--image=y', '-t'], 'error: -i/--stdin is required for containers with -t/--tty=true\nSee \'kubectl run -h\' for help and examples\n'],
    [['run', 'x', '--image=y', '--expose'], 'error: --port must be set when exposing a service\nSee \'kubectl run -h\' for help and examples\n'],
    [['run', 'x', '--image=y', '-i', '--dry-run=client'], "error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\nSee 'kubectl run -h' for help and examples\n"],
    [['run', 'x', '--image=y', '--restart=Sometimes'], 'error: invalid restart policy: Sometimes\nSee \'kubectl run -h\' for help and examples\n'],
    [['run', '--image=y'], 'error: NAME is required for run\nSee \'kubectl run -h\' for help and examples\n'],
    [['run', 'x', '--image=Bad Image'], 'error: Invalid image name "Bad Image": invalid reference format\n'],
    [['run', 'x', '--image=y', '--env=1BAD=x', '--dry-run=client'], 'error: invalid env: 1BAD=x\n'],
  ];
  for (const [args, stderr] of cases) {
    it(args.join(' '), async () => {
      const r = await t.run(args);
      assert.equal(r.stderr, stderr);
      assert.equal(r.code, 1);
    });
  }

  it('a missing --image is reported through klog', async () => {
    const r = await t.run(['run', 'x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^E1122 01:30:00\.000000 +\d+ run\.go:72\] "command failed" err="required flag\(s\) \\"image\\" not set"\n$/);
  });

  it('--dry-run=client -o yaml prints kubectl\'s BasicPod', async () => {
    const r = await t.run(['run', 'x', '--image=y', '--restart=Never', '--dry-run=client', '-o', 'yaml', '--', 'curl', 'a:b']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n  labels:\n    run: x\n  name: x\nspec:\n  containers:\n  - args:\n    - curl\n    - a:b\n    image: "y"\n    name: x\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Never\nstatus: {}\n',
    );
  });
});

describe('run: --expose and restart policies', () => {
  const t = inProcessCluster();
  after(() => t.cleanup());

  it('--expose creates the service first; a client pod reaches it by name; --rm removes both', async () => {
    const a = await t.run(['run', 'kubia', '--image=luksa/kubia', '--port=8080', '--expose']);
    assert.equal(a.stdout, 'service/kubia created\npod/kubia created\n');
    const b = await t.run(['run', '-i', '--rm', 'c', '--image=curlimages/curl', '--restart=Never', '--', 'curl', '-s', 'kubia:8080']);
    assert.equal(b.stdout, 'You\'ve hit kubia\npod "c" deleted\n');
    const d = await t.run(['run', '-i', '-q', '--rm', '--expose', '--port=80', 'web', '--image=curlimages/curl', '--restart=Never', '--', 'true']);
    assert.equal(d.code, 0, d.stderr);
    const state = savedState(t.state);
    assert.equal(state.objects.services['default/web'], undefined);
    assert.ok(state.objects.services['default/kubia']);
  });

  it('under --restart=Always an attached run returns 0 whatever the process exit code', async () => {
    const r = await t.run(['run', '-i', '-q', 'loop', '--image=busybox', '--', 'sh', '-c', 'echo hi; exit 3']);
    assert.deepEqual([r.code, r.stdout], [0, 'hi\n']);
  });
});
