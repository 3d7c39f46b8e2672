// An in-process cluster for engine tests: pods placed on chosen nodes, Services and Endpoints written in
// standard Kubernetes shape (as the endpoints controller would), a fixed clock and seed.
import type { Container, Endpoints, KubeObject, Pod, Service } from '../../src/api/types.js';
import { createObject } from '../../src/cluster/apiserver.js';
import { createCluster } from '../../src/cluster/bootstrap.js';
import type { Ctx } from '../../src/cluster/context.js';
import { reconcile } from '../../src/cluster/controllers.js';
import { openNet } from '../../src/net/index.js';
import type { Net } from '../../src/net/engine.js';
import { listObjects, putObject } from '../../src/store/objects.js';
import type { ClusterState } from '../../src/store/state.js';
import { fixedClock, type Clock } from '../../src/util/clock.js';
import { Random } from '../../src/util/random.js';

export const NOW = '2026-11-22T01:30:00Z';

export interface Fixture {
  state: ClusterState;
  ctx: Ctx;
  clock: { ms: number } & Clock;
  pod(name: string, image: string, o?: { ns?: string; node?: string; labels?: Record<string, string>; container?: Partial<Container>; hostNetwork?: boolean; spec?: Record<string, unknown> }): Pod & KubeObject;
  service(name: string, spec: Record<string, unknown>, o?: { ns?: string; status?: Record<string, unknown> }): Service & KubeObject;
  /** Rewrites every selector service's Endpoints from ready pods (the controller's job). */
  syncEndpoints(): void;
  net(opts?: { trace?: boolean }): Net;
  podIP(name: string, ns?: string): string;
  namespace(name: string): void;
}

export function fixture(seed = 1, opts: { workstationReachesPods?: boolean } = {}): Fixture {
  const state = createCluster({ name: 'kind', seed, now: new Date(NOW), loadBalancer: true });
  state.cluster.workstationReachesPods = !!opts.workstationReachesPods;
  const clock = { ms: new Date(NOW).getTime(), now: () => new Date(clock.ms) };
  const ctx: Ctx = { clock, random: Random.fromState(state.random) };
  const f: Fixture = {
    state,
    ctx,
    clock,
    namespace(name) {
      if (!state.objects.view<any>('namespaces')?.[name]) createObject(state, ctx, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { namespace: 'default' });
    },
    pod(name, image, o = {}) {
      const ns = o.ns ?? 'default';
      f.namespace(ns);
      const obj = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: ns, labels: o.labels ?? {} },
        spec: { ...o.spec, ...(o.node ? { nodeName: o.node } : {}), ...(o.hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: o.container?.name ?? name.replace(/[^a-z0-9-]/g, ''), image, ...o.container }] },
      } as unknown as KubeObject;
      createObject(state, ctx, obj, { namespace: ns });
      f.syncEndpoints();
      return state.objects.view<any>('pods')[`${ns}/${name}`] as Pod & KubeObject;
    },
    service(name, spec, o = {}) {
      const ns = o.ns ?? 'default';
      f.namespace(ns);
      const svc = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ns, creationTimestamp: NOW, uid: `svc-${name}` },
        spec: { type: 'ClusterIP', sessionAffinity: 'None', ...spec },
        status: { loadBalancer: {}, ...o.status },
      } as unknown as KubeObject;
      putObject(state, 'services', svc);
      f.syncEndpoints();
      return svc as Service & KubeObject;
    },
    syncEndpoints() {
      reconcile(state, ctx);
      for (const svc of listObjects<Service>(state, 'services')) {
        const sel = svc.spec?.selector;
        if (!sel || svc.metadata.name === 'kube-dns' && svc.metadata.namespace === 'kube-system' && false) continue;
        const pods = listObjects<Pod>(state, 'pods', svc.metadata.namespace).filter(
          (p) => p.status?.podIP && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v),
        );
        const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        const notReady = pods.filter((p) => !ready.includes(p));
        const subsets = (svc.spec?.ports ?? []).map((sp) => {
          const tp = sp.targetPort ?? sp.port;
          const resolvePort = (p: Pod) =>
            typeof tp === 'number' ? tp : Number(p.spec?.containers.flatMap((c) => c.ports ?? []).find((cp) => cp.name === tp)?.containerPort ?? 0);
          const addr = (p: Pod) => ({ ip: p.status!.podIP!, nodeName: p.spec!.nodeName, targetRef: { kind: 'Pod', name: p.metadata!.name!, namespace: p.metadata!.namespace!, uid: p.metadata!.uid } });
          return {
            ...(ready.length ? { addresses: ready.map(addr) } : {}),
            ...(notReady.length ? { notReadyAddresses: notReady.map(addr) } : {}),
            ports: [{ ...(sp.name ? { name: sp.name } : {}), port: pods[0] ? resolvePort(pods[0]) : Number(tp), protocol: sp.protocol ?? 'TCP' }],
          };
        }).filter((s) => s.addresses || s.notReadyAddresses);
        const ep = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace }, subsets } as unknown as Endpoints & KubeObject;
        putObject(state, 'endpoints', ep as KubeObject);
      }
    },
    net(o = {}) {
      return openNet(state, ctx, { trace: o.trace ?? true });
    },
    podIP(name, ns = 'default') {
      return (state.objects.view<any>('pods')[`${ns}/${name}`] as Pod).status!.podIP!;
    },
  };
  return f;
}

export const GET = (path = '/') => ({ method: 'GET', path, headers: [['Host', 'x'], ['User-Agent', 'curl/8.5.0'], ['Accept', '*/*']] as [string, string][] });
