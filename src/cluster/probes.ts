// The kubelet's prober: httpGet, tcpSocket, exec and grpc probes against the simulated apps, and when, on the
// simulated clock, each probe passes or fails (initialDelaySeconds, periodSeconds, failureThreshold,
// successThreshold). The simulated apps answer the same way every time, so a probe's verdict is computed once
// per look and its schedule gives the events and the moments a container turns ready or is killed.
import type { Container, KubeObject, Pod, Probe } from '../api/types.js';
import { mainProcess, type ImageSpec } from '../apps/images.js';
import { answer, type HttpRequest } from '../apps/servers.js';
import type { Ctx } from './context.js';

type PodObj = Pod & KubeObject;

export type ProbeKind = 'Liveness' | 'Readiness' | 'Startup';

export interface ProbeVerdict {
  ok: boolean;
  /** What the kubelet prints after "<Kind> probe failed: ". */
  output: string;
}

/** The probe's timing with the API server's defaults. */
export interface ProbeTiming {
  delayMs: number;
  periodMs: number;
  failureThreshold: number;
  successThreshold: number;
}

export function probeTiming(p: Probe): ProbeTiming {
  return {
    delayMs: (p.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, p.periodSeconds ?? 10) * 1000,
    failureThreshold: Math.max(1, p.failureThreshold ?? 3),
    successThreshold: Math.max(1, p.successThreshold ?? 1),
  };
}

/** The port a probe names: a number, or a container port's name. */
function probePort(port: number | string | undefined, c: Container): number | string {
  if (typeof port === 'number') return port;
  const named = (c.ports ?? []).find((p) => p.name === port);
  if (named) return named.containerPort;
  const n = Number(port);
  return Number.isInteger(n) ? n : String(port);
}

/** The server process in the pod (any container: they share the network namespace) listening on the TCP port. */
function listener(pod: PodObj, port: number, images: readonly ImageSpec[]) {
  for (const c of pod.spec?.containers ?? []) {
    const proc = mainProcess(c.image ?? '', c.command, c.args, images);
    if (proc.kind !== 'server') continue;
    const l = proc.listens.find((x) => x.port === port && x.protocol === 'TCP');
    // The kubelet dials the pod IP from the node: a server bound to the loopback only refuses it.
    if (l && l.bind !== 'loopback') return proc;
  }
  return undefined;
}

/**
 * One probe against the pod as it is, from the node (the kubelet connects from the node's address on the pod
 * network). exec probes run through `runExec` (the simulated shell), supplied by the caller.
 */
export function runProbe(pod: PodObj, c: Container, probe: Probe, gatewayIP: string, ctx: Ctx, runExec: (command: string[]) => ProbeVerdict): ProbeVerdict {
  const podIP = pod.status?.podIP ?? '';
  const images = ctx.images ?? [];
  if (probe.exec) return runExec(probe.exec.command ?? []);
  if (probe.httpGet) {
    const g = probe.httpGet;
    const port = probePort(g.port, c);
    const scheme = (g.scheme ?? 'HTTP').toLowerCase();
    const path = g.path ? (g.path.startsWith('/') ? g.path : `/${g.path}`) : '/';
    const url = `${scheme}://${podIP}:${port}${path}`;
    if (typeof port !== 'number') return { ok: false, output: `Get "${url}": dial tcp: lookup ${podIP}:${port}: invalid port` };
    const proc = listener(pod, port, images);
    if (!proc) return { ok: false, output: `Get "${url}": dial tcp ${podIP}:${port}: connect: connection refused` };
    if (scheme === 'https') return { ok: false, output: `Get "${url}": http: server gave HTTP response to HTTPS client` };
    const headers: [string, string][] = [['Host', `${podIP}:${port}`], ['User-Agent', 'kube-probe/1.32'], ['Accept', '*/*'], ['Connection', 'close']];
    for (const h of g.httpHeaders ?? []) {
      const i = headers.findIndex(([k]) => k.toLowerCase() === h.name.toLowerCase());
      if (i >= 0) headers[i] = [h.name, h.value];
      else headers.push([h.name, h.value]);
    }
    const req: HttpRequest = { method: 'GET', path, headers };
    const a = answer(proc, req, { hostname: pod.metadata.name, podIP, clientIP: gatewayIP, clientPort: 40000, port, now: ctx.clock.now() });
    const status = a.response.status;
    return status >= 200 && status < 400 ? { ok: true, output: '' } : { ok: false, output: `HTTP probe failed with statuscode: ${status}` };
  }
  if (probe.tcpSocket) {
    const port = probePort(probe.tcpSocket.port, c);
    if (typeof port === 'number' && listener(pod, port, images)) return { ok: true, output: '' };
    return { ok: false, output: `dial tcp ${podIP}:${port}: connect: connection refused` };
  }
  if (probe.grpc) {
    const port = probe.grpc.port;
    if (listener(pod, port, images)) return { ok: true, output: '' };
    return { ok: false, output: `timeout: failed to connect service "${podIP}:${port}" within 1s` };
  }
  return { ok: true, output: '' };
}

/** Probe times in one run of a container: the first at the initial delay, then every period. */
export function probesBetween(t: ProbeTiming, runStartMs: number, fromMs: number, toMs: number): { count: number; firstMs: number; lastMs: number } {
  const first = runStartMs + t.delayMs;
  const lo = Math.max(first, fromMs);
  if (toMs < lo) return { count: 0, firstMs: 0, lastMs: 0 };
  const i0 = Math.ceil((lo - first) / t.periodMs);
  const i1 = Math.floor((toMs - first) / t.periodMs);
  if (i1 < i0) return { count: 0, firstMs: 0, lastMs: 0 };
  return { count: i1 - i0 + 1, firstMs: first + i0 * t.periodMs, lastMs: first + i1 * t.periodMs };
}

/** When, after a run starts, failing probes reach the failure threshold (a liveness or startup kill). */
export function killAfterMs(t: ProbeTiming): number {
  return t.delayMs + (t.failureThreshold - 1) * t.periodMs;
}

/** When, after a run starts, passing probes reach the success threshold. */
export function passAfterMs(t: ProbeTiming): number {
  return t.delayMs + (t.successThreshold - 1) * t.periodMs;
}

/**
 * The exit code of a server killed by the kubelet's SIGTERM: nginx shuts down cleanly (0); a process that
 * does not handle the signal dies of it (143); a shell's `sleep` ignores it as PID 1 and is killed (137).
 */
export function killedExitCode(c: Container, images: readonly ImageSpec[]): number {
  const proc = mainProcess(c.image ?? '', c.command, c.args, images);
  if (proc.kind === 'server') return proc.app === 'nginx' ? 0 : 143;
  return 137;
}

/** What a container's probes decide about each of its runs, measured from the run's start. */
export interface ProbePlan {
  /** When the container turns ready (Infinity: never); undefined: at once, as without a readiness probe. */
  readyAfterMs?: number;
  /** When a startup probe passes (the container counts as started); undefined: at once. */
  startedAfterMs?: number;
  /** When failing liveness or startup probes kill the container, and which. */
  killAfterMs?: number;
  killedBy?: 'liveness' | 'startup';
  failing: { kind: ProbeKind; timing: ProbeTiming; output: string; fromMs: number }[];
}

/** Runs the container's probes once and works out their schedule. */
export function probePlan(pod: PodObj, c: Container, gatewayIP: string, ctx: Ctx, runExec: (command: string[]) => ProbeVerdict): ProbePlan {
  const plan: ProbePlan = { failing: [] };
  const run = (p: Probe) => runProbe(pod, c, p, gatewayIP, ctx, runExec);
  let base = 0;
  if (c.startupProbe) {
    const t = probeTiming(c.startupProbe);
    const v = run(c.startupProbe);
    if (!v.ok) {
      plan.killAfterMs = killAfterMs(t);
      plan.killedBy = 'startup';
      plan.readyAfterMs = Number.POSITIVE_INFINITY;
      plan.startedAfterMs = Number.POSITIVE_INFINITY;
      plan.failing.push({ kind: 'Startup', timing: t, output: v.output, fromMs: 0 });
      return plan;
    }
    base = passAfterMs(t);
    plan.startedAfterMs = base;
    plan.readyAfterMs = base;
  }
  if (c.readinessProbe) {
    const t = probeTiming(c.readinessProbe);
    const v = run(c.readinessProbe);
    plan.readyAfterMs = v.ok ? base + passAfterMs(t) : Number.POSITIVE_INFINITY;
    if (!v.ok) plan.failing.push({ kind: 'Readiness', timing: t, output: v.output, fromMs: base });
  }
  if (c.livenessProbe) {
    const t = probeTiming(c.livenessProbe);
    const v = run(c.livenessProbe);
    if (!v.ok) {
      plan.killAfterMs = base + killAfterMs(t);
      plan.killedBy = 'liveness';
      plan.failing.push({ kind: 'Liveness', timing: t, output: v.output, fromMs: base });
    }
  }
  return plan;
}

/**
 * The kubelet's Unhealthy and Killing events for a container's failing probes, counted over its runs so far:
 * `restarts` earlier runs (each ended by the kill when probes kill it) and the current one from `runStartMs`.
 */
export function syncProbeEvents(
  sync: (type: 'Normal' | 'Warning', reason: string, message: string, count: number, firstMs: number, lastMs: number) => void,
  c: Container,
  plan: ProbePlan,
  podStartMs: number,
  runStartMs: number | undefined,
  restarts: number,
  nowMs: number,
  lastKillMs: number | undefined,
): void {
  for (const f of plan.failing) {
    const per = plan.killAfterMs !== undefined ? probesBetween(f.timing, 0, f.fromMs, plan.killAfterMs) : { count: 0, firstMs: 0, lastMs: 0 };
    let count = per.count * restarts;
    let last = 0;
    if (runStartMs !== undefined) {
      const end = plan.killAfterMs !== undefined ? Math.min(nowMs, runStartMs + plan.killAfterMs) : nowMs;
      const cur = probesBetween(f.timing, runStartMs + f.fromMs, runStartMs + f.fromMs, end);
      count += cur.count;
      last = cur.lastMs;
    }
    if (count === 0) continue;
    const first = podStartMs + f.fromMs + f.timing.delayMs;
    sync('Warning', 'Unhealthy', `${f.kind} probe failed: ${f.output}`, count, first, Math.max(last, first));
  }
  if (plan.killedBy && plan.killAfterMs !== undefined) {
    const kills = restarts + (runStartMs === undefined ? 1 : 0);
    if (kills > 0) {
      const first = podStartMs + plan.killAfterMs;
      sync('Normal', 'Killing', `Container ${c.name} failed ${plan.killedBy} probe, will be restarted`, kills, first, Math.max(first, lastKillMs ?? first));
    }
  }
}
