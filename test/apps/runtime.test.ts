// What the kubelet sees of container processes: servers run, busybox with no command completes (or crash
// loops under Always), sleep N ends after N seconds, a command's exit code and output become status and log.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imagesFromDocument, mainProcess } from '../../src/apps/images.js';
import { containerOutcome } from '../../src/apps/runtime.js';
import { reconcile } from '../../src/cluster/controllers.js';
import type { Pod } from '../../src/api/types.js';
import { fixture } from '../net/fixture.js';
import { request } from '../../src/net/engine.js';
import { openNet } from '../../src/net/index.js';
import { GET } from '../net/fixture.js';

const c = (image: string, extra: Record<string, unknown> = {}) => ({ name: 'c', image, ...extra });
const pod = { metadata: { name: 'p', uid: 'u' } } as Pod;

describe('container outcomes', () => {
  it('servers run; client images end as their command does', () => {
    assert.deepEqual(containerOutcome(pod, c('nginx')), { kind: 'runs' });
    assert.deepEqual(containerOutcome(pod, c('luksa/kiada:0.1')), { kind: 'runs' });
    assert.deepEqual(containerOutcome(pod, c('busybox')), { kind: 'exits', exitCode: 0, afterMs: 0 });
    assert.deepEqual(containerOutcome(pod, c('busybox', { command: ['sleep', '30'] })), { kind: 'exits', exitCode: 0, afterMs: 30000 });
    assert.deepEqual(containerOutcome(pod, c('busybox', { args: ['sleep', 'infinity'] })), { kind: 'runs' });
    assert.deepEqual(containerOutcome(pod, c('busybox', { command: ['curl', 'x'] })), { kind: 'exits', exitCode: 128, afterMs: 0 });
    assert.deepEqual(containerOutcome(pod, c('busybox', { stdin: true })), { kind: 'runs' });
  });

  it('busybox with no command: Completed under Never, CrashLoopBackOff with climbing restarts under Always', () => {
    const f = fixture();
    f.pod('once', 'busybox', { spec: { restartPolicy: 'Never' } });
    const once = f.state.objects.view<any>('pods')['default/once'] as Pod;
    assert.equal(once.status?.phase, 'Succeeded');
    f.pod('loop', 'busybox');
    f.clock.ms += 5 * 60_000;
    reconcile(f.state, f.ctx);
    const loop = f.state.objects.view<any>('pods')['default/loop'] as Pod;
    const cs = loop.status!.containerStatuses![0];
    assert.ok((cs.restartCount ?? 0) >= 3, `restarts ${cs.restartCount}`);
    assert.equal(cs.state?.waiting?.reason ?? 'running', cs.state?.running ? 'running' : 'CrashLoopBackOff');
  });

  it('a command runs once when the kubelet starts it: exit code in status, output in the log', () => {
    const f = fixture();
    f.pod('web', 'nginx', { labels: { app: 'web' } });
    f.pod('client', 'curlimages/curl', { spec: { restartPolicy: 'Never' }, container: { args: ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${f.podIP('web')}`] } });
    f.pod('bad', 'curlimages/curl', { spec: { restartPolicy: 'Never' }, container: { args: ['curl', '-sS', 'http://nowhere'] } });
    const client = f.state.objects.view<any>('pods')['default/client'] as Pod;
    assert.equal(client.status?.phase, 'Succeeded');
    assert.deepEqual(f.state.logs['default/client/client'].map((l) => l.line), ['200']);
    const bad = f.state.objects.view<any>('pods')['default/bad'] as Pod;
    assert.equal(bad.status?.containerStatuses?.[0].state?.terminated?.exitCode, 6);
    assert.equal(bad.status?.phase, 'Failed');
  });
});

describe('images', () => {
  it('http-echo and agnhost take their settings from args', () => {
    assert.deepEqual(mainProcess('hashicorp/http-echo', undefined, ['-text=hello', '-listen=:8080']), { kind: 'server', app: 'http-echo', listens: [{ port: 8080, protocol: 'TCP', bind: 'all' }], params: { text: 'hello' } });
    const agn = mainProcess('registry.k8s.io/e2e-test-images/agnhost:2.39', undefined, ['netexec', '--http-port=8081']);
    assert.equal(agn.kind === 'server' && agn.listens[0].port, 8081);
    assert.deepEqual(mainProcess('curlimages/curl', undefined, ['-s', 'x']), { kind: 'command', argv: ['curl', '-s', 'x'] });
    assert.deepEqual(mainProcess('curlimages/curl', undefined, ['/bin/sh']), { kind: 'command', argv: ['/bin/sh'] });
  });

  it('agnhost netexec answers /hostname, /clientip and /echo', () => {
    const f = fixture();
    f.pod('agn', 'registry.k8s.io/e2e-test-images/agnhost:2.39', { node: 'kind-worker', container: { args: ['netexec', '--http-port=8080'] } });
    f.pod('c', 'busybox', { node: 'kind-worker2', container: { command: ['sleep', 'infinity'] } });
    const net = f.net();
    const client = { kind: 'pod' as const, pod: net.topo.podByKey.get('default/c')! };
    const body = (path: string) => {
      const o = request(net, client, f.podIP('agn'), 8080, GET(path));
      return o.kind === 'answered' ? o.response.body : o.kind;
    };
    assert.equal(body('/hostname'), 'agn');
    assert.match(body('/clientip'), new RegExp(`^${f.podIP('c').replace(/\./g, '\\.')}:\\d+$`));
    assert.equal(body('/echo?msg=hi'), 'hi');
  });

  it('a user images file adds a server with a response template and bind address', () => {
    const images = imagesFromDocument({ images: [{ name: 'example/hello', ports: [9000], bind: 'all', response: 'Hi {clientIP} from {hostname} ({podIP}) {method} {path}\n' }] });
    const f = fixture();
    // The kubelet pulls it because the images file names it.
    f.ctx.images = images;
    f.pod('h', 'example/hello:1', { node: 'kind-worker' });
    f.pod('c', 'busybox', { node: 'kind-worker', container: { command: ['sleep', 'infinity'] } });
    const net = openNet(f.state, f.ctx, { images });
    const o = request(net, { kind: 'pod', pod: net.topo.podByKey.get('default/c')! }, f.podIP('h'), 9000, GET('/x'));
    assert.equal(o.kind === 'answered' && o.response.body, `Hi ${f.podIP('c')} from h (${f.podIP('h')}) GET /x\n`);
  });
});
