// Shared edge code for the verbs that run processes in the simulated cluster (run, exec, debug, curl):
// the user's images file, finding a pod and container, running a process session under the state lock,
// the interactive shell loop, and printing --trace.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CommandError, notFound, StatusError } from '../api/errors.js';
import type { Container, KubeObject, Pod } from '../api/types.js';
import { imagesDocumentError, imagesFromDocument, mainProcess, type ImageSpec } from '../apps/images.js';
import { openProcess, promptOf, runLine, startArgv, type ProcessSession } from '../apps/process.js';
import { appendLog, processKey, recordProcess, START_ERROR_EXIT, startErrorMessage } from '../apps/runtime.js';
import { fsOf, Output } from '../apps/shell.js';
import type { Ctx } from '../cluster/context.js';
import type { Hop, Net } from '../net/engine.js';
import { openNet } from '../net/index.js';
import { getObject, listObjects } from '../store/objects.js';
import { matchesMap } from '../api/labels.js';
import type { ClusterState } from '../store/state.js';
import { readStdin } from './common.js';
import type { Session } from './session.js';
import type { CliIO } from './io.js';
import { own } from '../util/own.js';
import { ioErrorText, readRegularFile } from '../util/files.js';

/** The images file is a few lines of YAML; anything bigger is not one (and is not read into memory). */
const MAX_IMAGES_FILE_BYTES = 1 << 20;

/** The user's images: $KUBESIM_IMAGES, else ~/.kube/kubesim/images.yaml when present (see README). */
export async function loadUserImages(env: NodeJS.ProcessEnv): Promise<ImageSpec[]> {
  const path = env.KUBESIM_IMAGES || join(env.HOME || homedir(), '.kube', 'kubesim', 'images.yaml');
  if (!existsSync(path)) {
    if (env.KUBESIM_IMAGES) throw new CommandError(`KUBESIM_IMAGES names "${path}", which does not exist`);
    return [];
  }
  const text = readImagesFile(path);
  const { loadYaml, yamlToValue } = await import('../api/manifest.js');
  let doc: unknown;
  try {
    doc = yamlToValue(await loadYaml(), text);
  } catch (e) {
    throw new CommandError(`error parsing images file "${path}": ${(e as Error).message}`);
  }
  const problem = imagesDocumentError(doc);
  if (problem) throw new CommandError(`invalid images file "${path}": ${problem}`);
  return imagesFromDocument(doc);
}

/** The file's text: a regular file of bounded size (not a device, a directory or a FIFO that never ends). */
function readImagesFile(path: string): string {
  const r = readRegularFile(path, MAX_IMAGES_FILE_BYTES);
  if ('data' in r) return r.data.toString('utf8');
  if ('error' in r) throw new CommandError(`reading images file "${path}": ${ioErrorText(r.error)}`);
  if (r.problem === 'too-large') throw new CommandError(`images file "${path}" is too large: ${r.size} bytes (at most ${MAX_IMAGES_FILE_BYTES})`);
  throw new CommandError(`images file "${path}" is not a regular file`);
}

export function findPod(state: ClusterState, namespace: string, name: string): Pod & KubeObject {
  const pod = getObject<Pod>(state, 'pods', namespace, name);
  if (!pod) throw notFound('pods', name);
  return pod;
}

/** -c, else the first container (kubectl notes the choice when there are several). */
export function pickContainer(pod: Pod & KubeObject, name: string | undefined, io: CliIO, quiet = false): Container {
  const containers = pod.spec?.containers ?? [];
  if (name) {
    // -c may name an init or ephemeral container too (its log, or a shell in a running sidecar).
    const c = [...containers, ...(pod.spec?.initContainers ?? []), ...((pod.spec?.ephemeralContainers ?? []) as Container[])].find((x) => x.name === name);
    if (!c) throw new StatusError('BadRequest', 400, `container ${name} is not valid for pod ${pod.metadata.name}`);
    return c;
  }
  if (containers.length > 1 && !quiet) {
    io.stderr.write(`Defaulted container "${containers[0].name}" out of: ${containers.map((c) => c.name).join(', ')}\n`);
  }
  return containers[0];
}

export interface ProcessTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** Opens the engine and a process in the target container, against a state the caller holds. */
export function openIn(state: ClusterState, ctx: Ctx, t: ProcessTarget, images: readonly ImageSpec[], opts: { stdoutTTY: boolean; tty: boolean }): { net: Net; proc: ProcessSession } {
  const net = openNet(state, ctx, { images });
  const host = net.topo.podByKey.get(`${t.namespace}/${t.pod}`);
  const pod = getObject<Pod>(state, 'pods', t.namespace, t.pod);
  const container = pod?.spec?.containers.find((c) => c.name === t.container);
  if (!host || !pod || !container) throw new CommandError(`unable to upgrade connection: container not found ("${t.container}")`);
  return { net, proc: openProcess(net, host, container, { images, ...opts }) };
}

export function writeOutput(io: CliIO, out: Output, crlf = false): void {
  for (const c of out.chunks) {
    const text = crlf && !c.bin ? c.text.replace(/\r?\n/g, '\r\n') : c.text;
    (c.fd === 1 ? io.stdout : io.stderr).write(c.bin ? Buffer.from(text, 'latin1') : text);
  }
}

/** --trace: the hop-by-hop explanation of every connection, on stderr (coloured on a terminal). */
export async function writeTraces(io: CliIO, traces: { what: string; hops: Hop[] }[]): Promise<void> {
  if (traces.length === 0) return;
  const colour = !!io.stderr.isTTY && !io.env.NO_COLOR;
  let paint = { stage: (s: string) => s, head: (s: string) => s };
  if (colour) {
    const chalk = (await import('chalk')).default;
    paint = { stage: (s) => chalk.cyan(s), head: (s) => chalk.bold(s) };
  }
  let s = '';
  for (const t of traces) {
    s += `${paint.head(`[trace] ${t.what}`)}\n`;
    for (const h of t.hops) s += `  ${paint.stage(h.stage.padEnd(8))} ${h.text}\n`;
  }
  io.stderr.write(s);
}

/** Carries a shell's variables and last status from one locked step to the next. */
export interface ShellCarry {
  vars?: Map<string, string>;
  /** The shell's functions, options, $@, working directory and the container's written files. */
  sh?: import('../apps/shell.js').ShState;
  lastCode: number;
  elapsedMs: number;
  traces: { what: string; hops: Hop[] }[];
}

/** A state change under the lock (the CLI's session, or kubesim serve's writer). */
export type Changer = <T>(fn: (state: ClusterState, ctx: Ctx) => T) => Promise<T>;

/**
 * Runs `step` with a process open in the target, inside one state change (logs, affinity and the random
 * position are saved). Shell variables carry over between steps.
 */
export async function stepIn<T>(
  session: Session | Changer,
  t: ProcessTarget,
  images: readonly ImageSpec[],
  opts: { stdoutTTY: boolean; tty: boolean },
  carry: ShellCarry,
  step: (p: ProcessSession, state: ClusterState, ctx: Ctx) => T,
): Promise<T> {
  const change: Changer = typeof session === 'function' ? session : (fn) => session.change(fn);
  return change((state, ctx) => {
    const { proc } = openIn(state, ctx, t, images, opts);
    if (carry.vars) proc.host.vars = carry.vars;
    // The shell's state carries over; its files are the container's, read afresh from this step's state.
    if (carry.sh) {
      carry.sh.fs = fsOf(proc.host);
      proc.host.sh = carry.sh;
    }
    proc.host.lastCode = carry.lastCode;
    const r = step(proc, state, ctx);
    carry.vars = proc.host.vars;
    carry.sh = proc.host.sh;
    carry.lastCode = proc.host.lastCode;
    carry.elapsedMs += proc.session.elapsedMs;
    carry.traces.push(...proc.session.traces);
    return r;
  });
}

/**
 * An attached shell. On a terminal: prompt, one line at a time, each in its own state change (so other
 * commands can run meanwhile). From a pipe: the whole input is one script, without prompts (sh is not
 * interactive when stdin is not a terminal).
 */
export async function attachShell(
  session: Session,
  io: CliIO,
  t: ProcessTarget,
  images: readonly ImageSpec[],
  opts: { tty: boolean; trace: boolean; containerTTY?: boolean },
  carry: ShellCarry,
  readAll: () => Promise<string>,
): Promise<number> {
  // The process sees a terminal when its container (run -t) or exec session has one.
  const ptty = opts.containerTTY ?? opts.tty;
  const popts = { stdoutTTY: ptty, tty: ptty };
  if (!io.stdin.isTTY) {
    const script = await readAll();
    const out = await stepIn(session, t, images, popts, carry, (p) => {
      const o = new Output();
      runLine(p, script, o, false);
      return o;
    });
    writeOutput(io, out);
    if (opts.trace) await writeTraces(io, carry.traces.splice(0));
    return carry.lastCode;
  }
  let prompt = '';
  await stepIn(session, t, images, popts, carry, (p) => {
    prompt = promptOf(p);
  });
  const rl = createInterface({ input: io.stdin, terminal: false });
  // Ctrl-C goes to the shell, as through kubectl's raw terminal: the line is dropped (the terminal shows ^C),
  // $? is 130 and a new prompt follows. The session (and a --rm pod) lives on until `exit`. The handler is in
  // place before the prompt shows: a Ctrl-C typed the moment it appears would otherwise end the process.
  const stopInterrupts = io.onInterrupt?.(() => {
    carry.lastCode = 130;
    io.stdout.write(`\n${prompt}`);
  });
  io.stdout.write(prompt);
  try {
    return await promptLoop(session, io, t, images, popts, carry, opts, rl, prompt);
  } finally {
    stopInterrupts?.();
  }
}

async function promptLoop(
  session: Session,
  io: CliIO,
  t: ProcessTarget,
  images: readonly ImageSpec[],
  popts: { stdoutTTY: boolean; tty: boolean },
  carry: ShellCarry,
  opts: { trace: boolean },
  rl: ReturnType<typeof createInterface>,
  prompt: string,
): Promise<number> {
  for await (const line of rl) {
    const r = await stepIn(session, t, images, popts, carry, (p) => {
      const o = new Output();
      const res = runLine(p, line, o);
      return { o, exited: res.exited };
    });
    writeOutput(io, r.o);
    if (opts.trace) await writeTraces(io, carry.traces.splice(0));
    if (r.exited) {
      rl.close();
      return carry.lastCode;
    }
    io.stdout.write(prompt);
  }
  return carry.lastCode;
}

/** Whether argv starts an interactive shell (a shell with no -c script). */
export function isBareShell(argv: string[]): boolean {
  const bin = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1);
  return ['sh', 'ash', 'bash', 'zsh'].includes(bin) && !argv.includes('-c');
}

/**
 * Attaches to a container's main process (run -i, debug -i), or streams its logs when the kubelet already ran
 * it (--attach without -i). Records how the process ended, so the pod shows Completed or Error.
 */
export async function attachMain(
  session: Session,
  io: CliIO,
  target: ProcessTarget,
  container: Container,
  images: readonly ImageSpec[],
  o: { tty: boolean; containerTTY: boolean; trace: boolean; quiet: boolean },
): Promise<{ code: number; startError?: string; server: boolean }> {
  const { namespace, pod: name } = target;
  const carry: ShellCarry = { lastCode: 0, elapsedMs: 0, traces: [] };
  const proc = mainProcess(container.image ?? '', container.command, container.args, images);
  if (!container.stdin) {
    // The kubelet already ran the process: kubectl streams its logs.
    const { state } = await session.read();
    const podNow = getObject<Pod>(state, 'pods', namespace, name);
    for (const l of state.logs[`${namespace}/${name}/${container.name}`] ?? []) io.stdout.write(`${l.line}\n`);
    const rec = podNow ? state.net.processes?.[processKey(podNow, container)] : undefined;
    return { code: rec && !rec.runs ? rec.exitCode : 0, server: proc.kind === 'server' || !rec || !!rec.runs };
  }
  if (!o.quiet) io.stderr.write("If you don't see a command prompt, try pressing enter.\n");
  // A server runs until interrupted; the simulation returns at once.
  if (proc.kind === 'server') return { code: 0, server: true };
  let code: number;
  let startError: string | undefined;
  if (isBareShell(proc.argv)) {
    code = await attachShell(session, io, target, images, { tty: o.tty, trace: o.trace, containerTTY: o.containerTTY }, carry, () => readStdin(io));
  } else {
    const stdin = !io.stdin.isTTY ? await readStdin(io) : '';
    const r = await stepIn(session, target, images, { stdoutTTY: o.containerTTY, tty: o.containerTTY }, carry, (p, state, ctx) => {
      const res = startArgv(p, proc.argv, stdin);
      const podNow = getObject<Pod>(state, 'pods', namespace, name);
      if (podNow && res.kind === 'ran') appendLog(state, podNow, container.name, res.out.stdout + res.out.stderr, ctx.clock.now());
      return res;
    });
    if (r.kind === 'not-found') {
      code = START_ERROR_EXIT;
      startError = startErrorMessage(r.binary);
    } else {
      writeOutput(io, r.out, o.tty && !!io.stdout.isTTY);
      code = r.code;
    }
  }
  if (o.trace) await writeTraces(io, carry.traces);
  // The process has ended: the kubelet now reports it terminated with this code.
  await session.change((state) => {
    const podNow = getObject<Pod>(state, 'pods', namespace, name);
    if (podNow) recordProcess(state, podNow, container, { exitCode: code, afterMs: Math.floor(carry.elapsedMs / 1000) * 1000 });
  });
  return { code, startError, server: false };
}

/** "pod/x", "x", or a workload/service: its first pod by selector. */
export function resolveTarget(state: Parameters<typeof findPod>[0], namespace: string, ref: string, found?: { pods: number }): Pod & KubeObject {
  const slash = ref.indexOf('/');
  if (slash < 0) return findPod(state, namespace, ref);
  const type = ref.slice(0, slash).toLowerCase();
  const name = ref.slice(slash + 1);
  if (['pod', 'pods', 'po'].includes(type)) return findPod(state, namespace, name);
  const kinds: Record<string, [string, string]> = {
    deploy: ['deployments', 'deployments.apps'],
    deployment: ['deployments', 'deployments.apps'],
    deployments: ['deployments', 'deployments.apps'],
    rs: ['replicasets', 'replicasets.apps'],
    replicaset: ['replicasets', 'replicasets.apps'],
    job: ['jobs', 'jobs.batch'],
    jobs: ['jobs', 'jobs.batch'],
    svc: ['services', 'services'],
    service: ['services', 'services'],
    services: ['services', 'services'],
  };
  const k = own(kinds, type);
  if (!k) throw new CommandError(`the server doesn't have a resource type "${type}"`);
  const obj = getObject(state, k[0], namespace, name) as { spec?: { selector?: { matchLabels?: Record<string, string> } | Record<string, string> } } | undefined;
  if (!obj) throw notFound(k[1], name);
  const sel = (obj.spec?.selector as { matchLabels?: Record<string, string> })?.matchLabels ?? (obj.spec?.selector as Record<string, string>);
  const matching = listObjects<Pod>(state, 'pods', namespace).filter((p) => matchesMap(sel, p.metadata.labels) && !p.metadata.deletionTimestamp);
  const pod = matching.find((p) => p.status?.phase === 'Running') ?? matching[0];
  if (!pod) throw new CommandError('timed out waiting for the condition');
  if (found) found.pods = matching.length;
  return pod;
}

