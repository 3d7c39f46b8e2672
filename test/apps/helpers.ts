// Runs command lines in a pod of an in-process cluster, through the simulated shell and tools.
import { removeLayers } from '../../src/apps/layer.js';
import { openProcess, startArgv } from '../../src/apps/process.js';
import { fixture, type Fixture } from '../net/fixture.js';

/** fresh: each run in a new instance of the container (its writable layer dropped first), as a recorded snippet ran. */
export function shellIn(f: Fixture, pod: string, opts: { stdoutTTY?: boolean; fresh?: boolean } = {}) {
  return (argv: string[], stdin = '') => {
    const net = f.net();
    const host = net.topo.podByKey.get(`default/${pod}`)!;
    if (opts.fresh) removeLayers(net.state.objects, 'default', pod, [host.pod.spec!.containers[0].name]);
    const p = openProcess(net, host, host.pod.spec!.containers[0], { stdoutTTY: !!opts.stdoutTTY, tty: false });
    const r = startArgv(p, argv, stdin);
    if (r.kind === 'not-found') return { code: -1, stdout: '', stderr: `not found: ${r.binary}`, elapsedMs: 0 };
    // running: the script was still going when its bounds ran out (an endless loop)
    return { code: r.code, stdout: r.out.stdout, stderr: r.out.stderr, elapsedMs: p.session.elapsedMs, ...(p.host.blocked ? { running: true } : {}) };
  };
}

export function tools(): { f: Fixture; sh: ReturnType<typeof shellIn>; curlPod: ReturnType<typeof shellIn> } {
  const f = fixture();
  f.pod('web', 'nginx:1.25.0-bullseye', { node: 'kind-worker', labels: { app: 'web' } });
  f.pod('bb', 'busybox', { node: 'kind-worker2', container: { command: ['sleep', 'infinity'] } });
  f.pod('cc', 'curlimages/curl:8.2.0', { node: 'kind-worker2', container: { command: ['sleep', 'infinity'] } });
  f.service('web', { clusterIP: '10.96.77.77', selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP' }] });
  return { f, sh: shellIn(f, 'bb'), curlPod: shellIn(f, 'cc') };
}
