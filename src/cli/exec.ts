// `kubesim exec`: runs a command in a container of an existing pod, through the simulated shell and tools.
import { CommandError, ExitError } from '../api/errors.js';
import { KILLED_EXIT, startArgv } from '../apps/process.js';
import { addGlobalFlags, newCommand, parseArgs, readStdin, readStdinBytes } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import type { Pod } from '../api/types.js';
import { attachShell, isBareShell, loadUserImages, pickContainer, resolveTarget, stepIn, writeOutput, writeTraces, type ShellCarry } from './netcli.js';

const HELP = `Run a command inside a container of a simulated pod. The command is one of the simulated tools of the container's image
(for example sh, curl, nslookup), and what it reaches goes through kubesim's simulated network.

Examples:
  # Fetch a page through a Service from the pod jumpbox
  kubectl exec jumpbox -- curl -s http://demo-service.dev

  # An interactive simulated shell in the pod's first container
  kubectl exec -it jumpbox -- sh

Options:
    -c, --container='':
	Which container to run in; without it, the pod's first container.

    -i, --stdin=false:
	Feed this terminal's input to the command.

    -q, --quiet=false:
	Print nothing but what the command itself writes.

    -t, --tty=false:
	Treat the input as a terminal (use with -i for an interactive shell).

    --trace=false:
	Explain every connection hop by hop on stderr (kubesim).

Usage:
  kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...] [options]
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const dash = argv.indexOf('--');
  const before = dash >= 0 ? argv.slice(0, dash) : argv;
  const command = dash >= 0 ? argv.slice(dash + 1) : [];
  const cmd = addGlobalFlags(newCommand('exec', io, HELP));
  cmd
    .option('-c, --container <name>')
    .option('-i, --stdin')
    .option('-t, --tty')
    .option('-q, --quiet')
    .option('--trace')
    .option('--pod-running-timeout <d>');
  if (!parseArgs(cmd, before, 'exec')) return 0;
  const o = cmd.opts() as { container?: string; stdin?: boolean; tty?: boolean; quiet?: boolean; trace?: boolean; namespace?: string; state?: string };
  const operands = cmd.args;
  if (operands.length === 0) throw new CommandError('pod, type/name or --filename must be specified');
  if (operands.length > 1) throw new CommandError('exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead', { usageOf: 'exec' });
  if (command.length === 0) throw new CommandError('you must specify at least one command for the container');
  let tty = !!o.tty;
  if (tty && !o.stdin) {
    // kubectl drops the TTY silently when stdin is not requested.
    tty = false;
  } else if (tty && !io.stdin.isTTY) {
    if (!o.quiet) io.stderr.write('Unable to use a TTY - input is not a terminal or the right kind of file\n');
    tty = false;
  }
  const session = new Session(o, io);
  const images = await loadUserImages(io.env);
  const { state } = await session.read();
  const pod = resolveTarget(state, session.namespace, operands[0]);
  checkRunning(pod);
  const container = pickContainer(pod, o.container, io, o.quiet);
  const target = { namespace: pod.metadata.namespace ?? session.namespace, pod: pod.metadata.name, container: container.name };
  const carry: ShellCarry = { lastCode: 0, elapsedMs: 0, traces: [] };
  let code: number;
  if (isBareShell(command) && o.stdin) {
    const r = await stepIn(session, target, images, { stdoutTTY: tty, tty }, carry, (p) => startArgv(p, [command[0], '-c', 'true'], ''));
    if (r.kind === 'not-found') throw notFoundError(command[0], state.random);
    code = await attachShell(session, io, target, images, { tty, trace: !!o.trace }, carry, () => readStdin(io));
  } else {
    const stdinBytes = o.stdin && !io.stdin.isTTY ? await readStdinBytes(io) : undefined;
    const stdin = stdinBytes?.toString('utf8') ?? '';
    // A command still running when its bounds run out (SHELL_LIMITS: a loop that never ends, sleep infinity)
    // ends as a killed process: kubectl would wait on it for ever.
    const r = await stepIn(session, target, images, { stdoutTTY: tty, tty }, carry, (p) => ({ ...startArgv(p, command, stdin, stdinBytes), running: p.host.blocked }));
    if (r.kind === 'not-found') throw notFoundError(command[0], state.random);
    writeOutput(io, r.out);
    code = r.running ? KILLED_EXIT : r.code;
  }
  if (o.trace) await writeTraces(io, carry.traces);
  if (code !== 0) throw new ExitError(code, `command terminated with exit code ${code}`);
  return 0;
}

/** A pod whose containers can run a command now (exec, cp), or the error kubectl reports. */
export function checkRunning(pod: Pod): void {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new CommandError(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  if (!pod.status?.podIP || phase !== 'Running') throw new CommandError(`unable to upgrade connection: container not found ("${pod.spec?.containers[0]?.name ?? ''}")`);
}

/** containerd's exec error, as kubectl prints it (the exec ID is random; derived here from the state). */
export function notFoundError(binary: string, seed: number[]): CommandError {
  let h = 0;
  for (const n of seed) h = (Math.imul(h, 31) + n) >>> 0;
  let id = '';
  for (let i = 0; i < 8; i++) {
    h = (Math.imul(h, 1103515245) + 12345) >>> 0;
    id += h.toString(16).padStart(8, '0');
  }
  return new CommandError(
    `Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${id}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${binary}": executable file not found in $PATH: unknown`,
  );
}
