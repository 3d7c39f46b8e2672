// `kubesim logs`: what a container wrote: its app's start-up lines and one line per request it served
// (src/apps), or a command's output. Lines belong to one instance of the container (the kubelet's restarts);
// -p reads the one before. -f follows: the cluster is read again a few times a second and new lines are
// printed as other commands (curl, port-forward, tunnel, wait) make the app write them; the stream ends when
// the instance stops or the pod goes.
import { CommandError, StatusError } from '../api/errors.js';
import { matches, parseSelector } from '../api/labels.js';
import type { Container, ContainerStatus, KubeObject, Pod } from '../api/types.js';
import { mainProcess, type ImageSpec } from '../apps/images.js';
import { startupLog } from '../apps/servers.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState, LogLine } from '../store/state.js';
import { parseRFC3339 } from '../util/clock.js';
import { addGlobalFlags, durationFlag, intFlag, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { loadUserImages, pickContainer, resolveTarget } from './netcli.js';

const HELP = `Print what a container of a pod wrote to its standard output and error.

 kubesim keeps each container's lines as its simulated app or command writes them: a server's start-up lines
 and one line per request it served, a command's output. A container restarted by the kubelet starts a new
 log; --previous reads the instance before. --follow keeps printing lines as later commands make the app
 write them, and ends when the container stops or the pod is deleted (or on Ctrl-C).

Examples:
  # Return snapshot logs from pod nginx with only one container
  kubectl logs nginx

  # Return snapshot logs from pod nginx, prefixing each line with the source pod and container name
  kubectl logs nginx --prefix

  # Return snapshot logs from pod nginx, limiting output to 500 bytes
  kubectl logs nginx --limit-bytes=500

  # Return snapshot logs from pod nginx, waiting up to 20 seconds for it to start running.
  kubectl logs nginx --pod-running-timeout=20s

  # Return snapshot logs from pod nginx with multi containers
  kubectl logs nginx --all-containers=true

  # Return snapshot logs from all pods in the deployment nginx
  kubectl logs deployment/nginx --all-pods=true

  # Return snapshot logs from all containers in pods defined by label app=nginx
  kubectl logs -l app=nginx --all-containers=true

  # Return snapshot logs from all pods defined by label app=nginx, limiting concurrent log requests to 10 pods
  kubectl logs -l app=nginx --max-log-requests=10

  # Return snapshot of previous terminated ruby container logs from pod web-1
  kubectl logs -p -c ruby web-1

  # Begin streaming the logs from pod nginx, continuing even if errors occur
  kubectl logs nginx -f --ignore-errors=true

  # Begin streaming the logs of the ruby container in pod web-1
  kubectl logs -f -c ruby web-1

  # Begin streaming the logs from all containers in pods defined by label app=nginx
  kubectl logs -f -l app=nginx --all-containers=true

  # Display only the most recent 20 lines of output in pod nginx
  kubectl logs --tail=20 nginx

  # Show all logs from pod nginx written in the last hour
  kubectl logs --since=1h nginx

  # Show all logs with timestamps from pod nginx starting from August 30, 2024, at 06:00:00 UTC
  kubectl logs nginx --since-time=2024-08-30T06:00:00Z --timestamps=true

  # Show logs from a kubelet with an expired serving certificate
  kubectl logs --insecure-skip-tls-verify-backend nginx

  # Return snapshot logs from first container of a job named hello
  kubectl logs job/hello

  # Return snapshot logs from container nginx-1 of a deployment named nginx
  kubectl logs deployment/nginx -c nginx-1

Options:
    --all-containers=false:
	Print the logs of every container of the pod(s): init containers first, then the others.

    --all-pods=false:
	For a TYPE/NAME target, print the logs of all its pods, not only the first; turns --prefix on.

    -c, --container='':
	The container whose log to print.

    -f, --follow=false:
	Keep printing new lines until the container stops, the pod is deleted, or Ctrl-C.

    --ignore-errors=false:
	When several logs are read, print an error for one and go on with the others.

    --insecure-skip-tls-verify-backend=false:
	Accepted for compatibility; the simulated kubelet has no certificate to check.

    --limit-bytes=0:
	Print at most this many bytes of each log; 0 is no limit.

    --max-log-requests=5:
	How many logs -f may follow at once when a selector picks the pods.

    --pod-running-timeout=20s:
	How long to wait for a pod to run (like 5s, 2m, or 3h, above zero).

    --prefix=false:
	Start each line with its source, as [pod/NAME/CONTAINER].

    -p, --previous=false:
	Print the log of the container's previous instance, the one the kubelet last restarted.

    -l, --selector='':
	Label selector choosing the pods (supports '=', '==', and '!='; e.g. -l key1=value1,key2=value2).

    --since=0s:
	Only lines newer than this duration (like 5s, 2m, or 3h). Not with --since-time.

    --since-time='':
	Only lines written at or after this RFC3339 time. Not with --since.

    --tail=-1:
	How many of the last lines to print; -1 is all of them, except with a selector, where it is 10.

    --timestamps=false:
	Start each line with the time it was written (RFC3339 with nanoseconds).

Usage:
  kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const USAGE = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command";
/** How often -f looks at the cluster again (wall time). */
const FOLLOW_POLL_MS = 250;

interface LogsOptions {
  container?: string;
  follow?: boolean;
  previous?: boolean;
  tail: number;
  timestamps?: boolean;
  namespace?: string;
  state?: string;
  prefix?: boolean;
  allContainers?: boolean;
  allPods?: boolean;
  selector?: string;
  since?: number;
  sinceTime?: string;
  limitBytes?: number;
  maxLogRequests: number;
  ignoreErrors?: boolean;
}

/** One log request: a container of a pod (by uid, so a pod made again under the same name is another stream). */
export interface Stream {
  namespace: string;
  pod: string;
  uid: string | undefined;
  container: string;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('logs', io, HELP));
  cmd
    .option('-c, --container <name>')
    .option('-f, --follow')
    .option('-p, --previous')
    .option('--tail <n>', '', intFlag('logs', '--tail'), -1)
    .option('--timestamps')
    .option('--all-containers')
    .option('--all-pods')
    .option('--prefix')
    .option('--ignore-errors')
    .option('--insecure-skip-tls-verify-backend')
    .option('-l, --selector <selector>')
    .option('--max-log-requests <n>', '', intFlag('logs', '--max-log-requests'), 5)
    .option('--pod-running-timeout <d>', '', durationFlag('logs', '--pod-running-timeout'))
    .option('--since <d>', '', durationFlag('logs', '--since'))
    .option('--since-time <time>')
    .option('--limit-bytes <n>', '', intFlag('logs', '--limit-bytes'));
  if (!parseArgs(cmd, argv, 'logs')) return 0;
  const o = cmd.opts() as LogsOptions;
  const tailSet = cmd.getOptionValueSource('tail') === 'cli';
  const args = cmd.args;
  // kubectl's Complete: one POD or TYPE/NAME (a second word names the container), or a selector alone.
  if (args.length === 0 && !o.selector) throw new CommandError(USAGE, { usageOf: 'logs' });
  if (args.length === 1 && o.selector) throw new CommandError('only a selector (-l) or a POD name is allowed', { usageOf: 'logs' });
  if (args.length > 2) throw new CommandError(USAGE, { usageOf: 'logs' });
  const inlineContainer = args.length === 2 ? args[1] : undefined;
  // Validate, in kubectl's order.
  if (o.sinceTime !== undefined && o.sinceTime !== '' && o.since) throw new CommandError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  const container = o.container || inlineContainer;
  if (o.allContainers && container) throw new CommandError(`--all-containers=true should not be specified with container name ${container}`);
  if (o.container !== undefined && inlineContainer !== undefined) throw new CommandError('only one of -c or an inline [CONTAINER] arg is allowed');
  if ((o.limitBytes ?? 0) < 0) throw new CommandError('--limit-bytes must be greater than 0');
  if ((o.since ?? 0) < 0) throw new CommandError('--since must be greater than 0');
  if (o.tail < -1) throw new CommandError('--tail must be greater than or equal to -1');
  let sinceTimeMs: number | undefined;
  if (o.sinceTime) {
    const t = parseRFC3339(o.sinceTime);
    if (!t) throw new CommandError(`parsing time "${o.sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${o.sinceTime}" as "2006"`);
    sinceTimeMs = t.getTime();
  }
  const selector = o.selector !== undefined ? parseSelector(o.selector) : undefined;
  // With a selector and no --tail, the last 10 lines of each log.
  const tail = selector && !tailSet ? 10 : o.tail;
  const prefix = !!o.prefix || !!o.allPods;

  const session = new Session(o, io);
  const images = await loadUserImages(io.env);
  const { state } = await session.read();
  const pods = selector ? listObjects<Pod>(state, 'pods', session.namespace).filter((p) => matches(selector, p.metadata.labels)) : podsOfTarget(state, session.namespace, args[0], !!o.allPods, io);
  if (selector && pods.length === 0) {
    io.stderr.write(`No resources found in ${session.namespace} namespace.\n`);
    return 0;
  }
  const streams: Stream[] = [];
  for (const pod of pods) {
    const containers = o.allContainers ? [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...((pod.spec?.ephemeralContainers ?? []) as Container[])] : [pickContainer(pod, container, io)];
    for (const c of containers) streams.push({ namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name, uid: pod.metadata.uid, container: c.name });
  }
  if (o.follow && streams.length > 1 && streams.length > o.maxLogRequests) {
    throw new CommandError(`you are attempting to follow ${streams.length} log streams, but maximum allowed concurrency is ${o.maxLogRequests}, use --max-log-requests to increase the limit`);
  }
  const nowMs = session.clock.now().getTime();
  const since = o.since ? nowMs - Math.ceil(o.since / 1000) * 1000 : sinceTimeMs;
  const printed = new Map<Stream, number>();
  for (const s of streams) {
    let lines: LogLine[];
    try {
      lines = instanceLines(state, s, !!o.previous, images);
    } catch (e) {
      if (!o.ignoreErrors || !(e instanceof StatusError)) throw e;
      io.stdout.write(`error: ${e.message}\n`);
      continue;
    }
    printed.set(s, lines.length);
    let shown = tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines;
    if (since !== undefined) shown = shown.filter((l) => Date.parse(l.time) >= since);
    io.stdout.write(render(shown, s, { timestamps: !!o.timestamps, prefix, limitBytes: o.limitBytes ?? 0 }));
  }
  if (!o.follow) return 0;
  return follow(session, io, printed, images, { timestamps: !!o.timestamps, prefix, previous: !!o.previous });
}

/** The pods a POD or TYPE/NAME argument names: one, or with --all-pods all of a workload's. */
function podsOfTarget(state: ClusterState, namespace: string, ref: string, allPods: boolean, io: CliIO): (Pod & KubeObject)[] {
  const found = { pods: 1 };
  const pod = resolveTarget(state, namespace, ref, found);
  if (allPods && ref.includes('/') && found.pods > 1) {
    // resolveTarget picked one; the others match the same workload (its pods share the owner's selector).
    const owner = pod.metadata.ownerReferences?.[0]?.uid;
    return listObjects<Pod>(state, 'pods', namespace).filter((p) => !p.metadata.deletionTimestamp && (p.metadata.uid === pod.metadata.uid || (owner !== undefined && p.metadata.ownerReferences?.[0]?.uid === owner)));
  }
  if (found.pods > 1) io.stderr.write(`Found ${found.pods} pods, using pod/${pod.metadata.name}\n`);
  return [pod];
}

function render(lines: LogLine[], s: Stream, o: { timestamps: boolean; prefix: boolean; limitBytes: number }): string {
  let text = '';
  for (const l of lines) text += `${o.timestamps ? `${l.time} ` : ''}${l.line}\n`;
  // The kubelet cuts the stream at --limit-bytes; the client adds the prefix afterwards, per line.
  if (o.limitBytes > 0) text = Buffer.from(text, 'utf8').subarray(0, o.limitBytes).toString('utf8');
  if (!o.prefix || text === '') return text;
  const head = `[pod/${s.pod}/${s.container}] `;
  return text.replace(/^(?=.)/gms, head);
}

/**
 * The lines of one instance of a container, as the kubelet picks it: the running or last terminated one; a
 * container waiting to restart shows the instance that ended; --previous the instance before the current one.
 */
export function instanceLines(state: ClusterState, s: Stream, previous: boolean, images: readonly ImageSpec[]): LogLine[] {
  const pod = getObject<Pod>(state, 'pods', s.namespace, s.pod);
  if (!pod || (s.uid && pod.metadata.uid !== s.uid)) throw new StatusError('NotFound', 404, `pods "${s.pod}" not found`);
  const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...((pod.spec?.ephemeralContainers ?? []) as Container[])].find((c) => c.name === s.container);
  const status = statusesOf(pod).find((c) => c.name === s.container);
  const waiting = status?.state?.waiting;
  if (previous) {
    if (!status?.lastState?.terminated) throw new StatusError('BadRequest', 400, `previous terminated container "${s.container}" in pod "${s.pod}" not found`);
  } else if (!status || (waiting && !status.lastState?.terminated)) {
    throw new StatusError('BadRequest', 400, `container "${s.container}" in pod "${s.pod}" is waiting to start: ${waiting?.reason ?? 'ContainerCreating'}`);
  }
  // The instance shown: [from, to) in time; to is open while it runs.
  const term = previous || waiting ? status!.lastState!.terminated! : status!.state?.terminated;
  const from = term?.startedAt ?? status!.state?.running?.startedAt ?? pod.status?.startTime ?? '';
  const to = term?.finishedAt;
  const restarted = (status!.restartCount ?? 0) > 0;
  const fromNs = from ? from.replace('Z', '.000000000Z') : '';
  const proc = spec ? mainProcess(spec.image ?? '', spec.command, spec.args, images) : undefined;
  const logged = state.logs[`${s.namespace}/${s.pod}/${s.container}`] ?? [];
  if (proc?.kind === 'server') {
    const lines = startupLog(proc, s.pod).map((line) => ({ time: fromNs, line }));
    // Requests land in the instance that was running when they were served.
    const fromMs = restarted && from ? Date.parse(from) : -Infinity;
    const toMs = to ? Date.parse(to) : Infinity;
    for (const l of logged) {
      const at = Date.parse(l.time);
      if (at >= fromMs && at < toMs) lines.push(l);
    }
    return lines;
  }
  // A command's output: it ran once in the simulation and each restart prints the same, from its own start.
  if (!restarted || !fromNs) return logged;
  return logged.map((l) => ({ time: fromNs, line: l.line }));
}

/**
 * -f: looks at the cluster again every FOLLOW_POLL_MS (each look reconciles with the clock as it is then) and
 * prints what each stream's instance wrote since. A stream ends when its pod is gone or replaced, or its
 * instance is no longer running; the command ends when every stream has.
 */
export async function follow(session: Session, io: CliIO, printed: Map<Stream, number>, images: readonly ImageSpec[], o: { timestamps: boolean; prefix: boolean; previous: boolean }): Promise<number> {
  const open = new Map(printed);
  let { state } = await session.read();
  // The instance followed: a restart between two looks ends its stream (the new one is another log).
  const restarts = new Map([...open.keys()].map((s) => [s, containerStatus(state, s)?.restartCount ?? 0]));
  for (let first = true; ; first = false) {
    if (!first) ({ state } = await session.read());
    for (const [s, count] of [...open]) {
      let lines: LogLine[];
      if ((containerStatus(state, s)?.restartCount ?? 0) !== restarts.get(s)) {
        open.delete(s);
        continue;
      }
      try {
        lines = instanceLines(state, s, o.previous, images);
      } catch {
        open.delete(s);
        continue;
      }
      if (lines.length > count) io.stdout.write(render(lines.slice(count), s, { ...o, limitBytes: 0 }));
      open.set(s, lines.length);
      if (o.previous || !running(state, s)) open.delete(s);
    }
    if (open.size === 0) return 0;
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
  }
}

function containerStatus(state: ClusterState, s: Stream): ContainerStatus | undefined {
  const pod = getObject<Pod>(state, 'pods', s.namespace, s.pod);
  if (!pod || (s.uid && pod.metadata.uid !== s.uid)) return undefined;
  return statusesOf(pod).find((c) => c.name === s.container);
}

function statusesOf(pod: Pod): ContainerStatus[] {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...((pod.status?.ephemeralContainerStatuses ?? []) as ContainerStatus[])];
}

function running(state: ClusterState, s: Stream): boolean {
  const pod = getObject<Pod>(state, 'pods', s.namespace, s.pod);
  if (!pod || pod.metadata.deletionTimestamp) return false;
  return !!containerStatus(state, s)?.state?.running;
}

/** The lines of one container instance of a pod (the API server's pods/log answers with them). */
export function containerLog(state: ClusterState, pod: Pod & KubeObject, container: Container, images: readonly ImageSpec[], previous: boolean): LogLine[] {
  return instanceLines(state, { namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name, uid: pod.metadata.uid, container: container.name }, previous, images);
}
