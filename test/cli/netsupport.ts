// The lessons' cluster, built in-process (pods on chosen nodes, Services and Endpoints in standard shape)
// and written to a temporary state file that the real binary then uses.
import { writeStateAtomic } from '../../src/store/store.js';
import { fixture, type Fixture } from '../net/fixture.js';
import { tempCluster, type TempCluster } from '../support/cli.js';

export interface LessonCluster {
  t: TempCluster;
  f: Fixture;
  ip(pod: string, ns?: string): string;
  /** Re-reads nothing: saves the fixture's state for the binary. */
  save(): void;
}

export function lessonCluster(setup: (f: Fixture) => void, opts: { seed?: number } = {}): LessonCluster {
  const t = tempCluster({ seed: opts.seed ?? 1 });
  const f = fixture(opts.seed ?? 1);
  setup(f);
  const save = () => {
    f.state.random = f.ctx.random.state();
    writeStateAtomic(t.state, f.state, f.ctx.clock.now().getTime());
  };
  save();
  return { t, f, ip: (pod, ns) => f.podIP(pod, ns), save };
}

/** Lesson 003's kiada pod on kind-worker2 and lesson 002's demo pods behind demo-service in dev. */
export function lessonsSetup(f: Fixture): void {
  f.pod('kiada', 'luksa/kiada:0.1', { node: 'kind-worker2', container: { ports: [{ containerPort: 8080 }] } });
  const nodes = ['kind-worker3', 'kind-worker3', 'kind-worker3', 'kind-worker2', 'kind-worker'];
  nodes.forEach((node, i) => f.pod(`demo-58465f467c-${['24bcq', 'dhws5', 'f29sm', 'l2f6g', 'w4n6j'][i]}`, 'demo:1.1.0', { ns: 'dev', node, labels: { app: 'demo' } }));
  f.pod('jumpbox', 'nginx', { node: 'kind-worker2' });
  f.pod('bb', 'busybox', { node: 'kind-worker', container: { command: ['sleep', 'infinity'] } });
  f.service('demo-service', { clusterIP: '10.96.120.5', clusterIPs: ['10.96.120.5'], selector: { app: 'demo' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }, { ns: 'dev' });
  f.service('demo-sticky', { clusterIP: '10.96.120.6', selector: { app: 'demo' }, sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] }, { ns: 'dev' });
  f.service('empty', { clusterIP: '10.96.45.10', selector: { app: 'nothing' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
  f.pod('kubia', 'luksa/kubia', { node: 'kind-worker', labels: { app: 'kubia' } });
  f.service('kubia-nodeport', { type: 'NodePort', clusterIP: '10.96.130.1', selector: { app: 'kubia' }, ports: [{ port: 80, targetPort: 8080, nodePort: 30123, protocol: 'TCP' }] });
  f.service('kubia-local', { type: 'NodePort', clusterIP: '10.96.130.2', externalTrafficPolicy: 'Local', selector: { app: 'kubia' }, ports: [{ port: 80, targetPort: 8080, nodePort: 30124, protocol: 'TCP' }] });
}
