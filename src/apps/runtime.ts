// What a container's process does once started, as far as the kubelet can see: it keeps running (a server,
// `sleep infinity`, a shell waiting on an attached stdin) or exits after a while with a code. The image and
// the pod's command decide. A command (curl, a script) is run once through the simulated shell when the
// kubelet first looks at it; its exit code is kept in state.net.processes and its output becomes the
// container's log.
import type { Container, KubeObject, Pod } from '../api/types.js';
import { containerConfigError, containerEnv, expandVars } from '../cluster/containerconfig.js';
import type { Ctx } from '../cluster/context.js';
import { openNet } from '../net/index.js';
import type { ClusterState } from '../store/state.js';
import { findImage, hasBinary, mainProcess } from './images.js';
import { openProcess, serviceEnv, startArgv } from './process.js';
import type { Output } from './shell.js';

export type ContainerOutcome = { kind: 'runs' } | { kind: 'exits'; exitCode: number; afterMs: number };

export function processKey(pod: Pod, container: Container): string {
  return `${pod.metadata?.uid ?? pod.metadata?.name}/${container.name}`;
}

const SHELLS = new Set(['sh', 'ash', 'bash', 'zsh']);

/** Exit code kubelet reports when the runtime could not start the process (StartError). */
export const START_ERROR_EXIT = 128;

export function startErrorMessage(binary: string): string {
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "${binary}": executable file not found in $PATH: unknown`;
}

/** The outcome without running anything: undefined when the command has to be run to know. */
export function staticOutcome(pod: Pod, container: Container): ContainerOutcome | undefined {
  const proc = mainProcess(container.image ?? '', container.command, container.args);
  if (proc.kind === 'server') return { kind: 'runs' };
  const argv = proc.argv;
  const bin = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1);
  // An attached stdin (run -i, debug -i): the process waits for its session.
  if (container.stdin) return { kind: 'runs' };
  if (argv.length === 0) return { kind: 'exits', exitCode: 0, afterMs: 0 };
  if (bin === 'sleep') {
    const v = argv[1];
    if (v === 'infinity' || Number(v) >= 86400) return { kind: 'runs' };
    return { kind: 'exits', exitCode: 0, afterMs: (Number(v) || 0) * 1000 };
  }
  const image = findImage(container.image ?? '');
  if (!hasBinary(image, bin)) return { kind: 'exits', exitCode: START_ERROR_EXIT, afterMs: 0 };
  // A shell with no script and no stdin reads EOF and exits 0 at once (busybox with no command).
  if (SHELLS.has(bin) && !argv.includes('-c')) return { kind: 'exits', exitCode: 0, afterMs: 0 };
  void pod;
  return undefined;
}

/**
 * What the kubelet sees of a container's main process. With state and ctx, a command that must run to be
 * known (curl ..., sh -c '...') runs once now; without them it is assumed to succeed at once.
 */
export function containerOutcome(pod: Pod, container: Container, state?: ClusterState, ctx?: Ctx): ContainerOutcome {
  const rec = state?.net?.processes?.[processKey(pod, container)];
  if (rec) return rec.runs ? { kind: 'runs' } : { kind: 'exits', exitCode: rec.exitCode, afterMs: rec.afterMs };
  const known = staticOutcome(pod, container);
  if (known) return known;
  if (!state || !ctx || !pod.status?.podIP) return { kind: 'exits', exitCode: 0, afterMs: 0 };
  // A container whose config the kubelet cannot make has not started: its command runs once it can.
  if (containerConfigError(state, pod as Pod & KubeObject, container)) return { kind: 'runs' };
  const result = runMainProcess(state, ctx, pod, container);
  return result.runs ? { kind: 'runs' } : { kind: 'exits', exitCode: result.exitCode, afterMs: result.afterMs };
}

export interface MainRun {
  exitCode: number;
  afterMs: number;
  runs: boolean;
  out?: Output;
  notFound?: string;
}

/** Appends a process's output to the container's log (kubectl logs shows stdout and stderr). */
export function appendLog(state: ClusterState, pod: Pod, container: string, text: string, at: Date): void {
  if (!text) return;
  const key = `${pod.metadata?.namespace}/${pod.metadata?.name}/${container}`;
  const list = (state.logs[key] ??= []);
  const time = at.toISOString().replace('Z', '000000Z');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) list.push({ time, line: line.replace(/\r$/, '') });
}

export function recordProcess(state: ClusterState, pod: Pod, container: Container, r: { exitCode: number; afterMs: number; runs?: boolean }): void {
  state.net.processes ??= {};
  state.net.processes[processKey(pod, container)] = { exitCode: r.exitCode, afterMs: r.afterMs, ...(r.runs ? { runs: true } : {}) };
}

/** Runs the container's main command through the simulated shell, logs its output and records its exit. */
export function runMainProcess(state: ClusterState, ctx: Ctx, pod: Pod, container: Container, stdin = ''): MainRun {
  const net = openNet(state, ctx);
  const host = net.topo.podByKey.get(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
  if (!host) return { exitCode: 0, afterMs: 0, runs: true };
  // The kubelet expands $(VAR) in command and args from the container's environment before starting it.
  const made = containerEnv(state, host.pod, container, serviceEnv(net, host));
  const env = new Map('env' in made ? made.env : []);
  const expand = (xs: string[] | undefined) => xs?.map((x) => expandVars(x, (name) => env.get(name)));
  const proc = mainProcess(container.image ?? '', expand(container.command), expand(container.args));
  if (proc.kind !== 'command') return { exitCode: 0, afterMs: 0, runs: true };
  const p = openProcess(net, host, container, { stdoutTTY: !!container.tty, tty: !!container.tty });
  const started = startArgv(p, proc.argv, stdin);
  if (started.kind === 'not-found') {
    recordProcess(state, pod, container, { exitCode: START_ERROR_EXIT, afterMs: 0 });
    return { exitCode: START_ERROR_EXIT, afterMs: 0, runs: false, notFound: started.binary };
  }
  const runs = p.host.blocked;
  // Exit times count in whole seconds (status timestamps have second precision): a quick curl ends "now".
  const afterMs = Math.floor(p.session.elapsedMs / 1000) * 1000;
  recordProcess(state, pod, container, { exitCode: started.code, afterMs, runs });
  appendLog(state, pod, container.name, started.out.stdout + started.out.stderr, ctx.clock.now());
  return { exitCode: started.code, afterMs, runs, out: started.out };
}
