// `kubesim logs`: what a container wrote: its app's start-up lines and one line per request it served
// (src/apps), or a command's output. -f prints what there is and returns (no daemon writes more).
import { CommandError, StatusError } from '../api/errors.js';
import type { Container, KubeObject, Pod } from '../api/types.js';
import { mainProcess, type ImageSpec } from '../apps/images.js';
import type { ClusterState, LogLine } from '../store/state.js';
import { startupLog } from '../apps/servers.js';
import { addGlobalFlags, durationFlag, intFlag, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { loadUserImages, pickContainer, resolveTarget } from './netcli.js';

const HELP = `Print the logs for a container in a pod.

Examples:
  # Return the logs of pod kiada
  kubectl logs kiada

  # The last 5 lines, with timestamps
  kubectl logs kiada --tail=5 --timestamps

Options:
    -c, --container='': Print the logs of this container.
    -f, --follow=false: Specify if the logs should be streamed (kubesim prints what there is).
    -p, --previous=false: Print the logs for the previous instance of the container.
    --tail=-1: Lines of recent log file to display. Defaults to -1, showing all log lines.
    --timestamps=false: Include timestamps on each line in the log output.

Usage:
  kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('logs', io, HELP));
  cmd
    .option('-c, --container <name>')
    .option('-f, --follow')
    .option('-p, --previous')
    .option('--tail <n>', '', intFlag('logs', '--tail'), -1)
    .option('--timestamps')
    .option('--all-containers')
    .option('--prefix')
    .option('--since <d>', '', durationFlag('logs', '--since'))
    .option('--limit-bytes <n>', '', intFlag('logs', '--limit-bytes'));
  if (!parseArgs(cmd, argv, 'logs')) return 0;
  const o = cmd.opts() as { container?: string; previous?: boolean; tail: number; timestamps?: boolean; namespace?: string; state?: string; prefix?: boolean; allContainers?: boolean };
  const ref = cmd.args[0];
  if (!ref) throw new CommandError("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command", { usageOf: 'logs' });
  const session = new Session(o, io);
  const images = await loadUserImages(io.env);
  const { state } = await session.read();
  const found = { pods: 1 };
  const pod = resolveTarget(state, session.namespace, ref, found);
  if (found.pods > 1) io.stderr.write(`Found ${found.pods} pods, using pod/${pod.metadata.name}\n`);
  const containers = o.allContainers ? [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])] : [pickContainer(pod, o.container, io)];
  let out = '';
  for (const container of containers) {
    const lines = containerLog(state, pod, container, images, !!o.previous);
    const tail = o.tail;
    const shown = tail >= 0 ? lines.slice(Math.max(0, lines.length - tail)) : lines;
    const prefix = o.prefix ? `[pod/${pod.metadata.name}/${container.name}] ` : '';
    for (const l of shown) out += `${prefix}${o.timestamps ? `${l.time} ` : ''}${l.line}\n`;
  }
  io.stdout.write(out);
  return 0;
}

/**
 * What one container wrote, oldest first: its app's start-up lines, then what the state recorded. Errors are
 * the API server's (a container still waiting, no previous instance). `kubesim serve` answers pods/log with it.
 */
export function containerLog(state: ClusterState, pod: Pod & KubeObject, container: Container, images: readonly ImageSpec[], previous: boolean): LogLine[] {
  const status = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((s) => s.name === container.name);
  const waiting = status?.state?.waiting;
  if (!status || (waiting && !status.lastState?.terminated && (status.restartCount ?? 0) === 0)) {
    throw new StatusError('BadRequest', 400, `container "${container.name}" in pod "${pod.metadata.name}" is waiting to start: ${waiting?.reason ?? 'ContainerCreating'}`);
  }
  if (previous) {
    if (!status.lastState?.terminated) throw new StatusError('BadRequest', 400, `previous terminated container "${container.name}" in pod "${pod.metadata.name}" not found`);
  }
  const started = status.state?.running?.startedAt ?? status.state?.terminated?.startedAt ?? pod.status?.startTime ?? '';
  const startNs = started ? started.replace('Z', '.000000000Z') : '';
  const lines: LogLine[] = [];
  const proc = mainProcess(container.image ?? '', container.command, container.args, images);
  if (proc.kind === 'server') for (const l of startupLog(proc, pod.metadata.name)) lines.push({ time: startNs, line: l });
  lines.push(...(state.logs[`${pod.metadata.namespace}/${pod.metadata.name}/${container.name}`] ?? []));
  return lines;
}
