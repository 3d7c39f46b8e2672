// `kubesim attach`: join a running container's main process. Without -i, its output from now on (the lines it
// writes as later commands reach it, as logs -f with no backlog) until it stops or Ctrl-C; with -i and a
// container started with stdin (run -it), a session with its shell, as `run -it` gives.
import { CLI_NAME, CommandError, ExitError } from '../api/errors.js';
import type { Container } from '../api/types.js';
import { addGlobalFlags, durationFlag, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { follow, instanceLines, type Stream } from './logs.js';
import { attachMain, loadUserImages, pickContainer, resolveTarget } from './netcli.js';
import { Session } from './session.js';

const HELP = `Join the main process of a container that is already running in the simulated cluster.

 kubesim attaches to the container's simulated main process. Without -i it prints what the process writes
 from now on (a server's line per request as other commands reach it) until the container stops, the pod is
 deleted, or Ctrl-C. With -i (and -t) to a container started with stdin, such as one made by run -it with a
 shell, you get that shell.

Examples:
  # Follow what the main process of mypod's first container writes from now on
  # (with several containers, kubesim says which one it picked)
  kubectl attach mypod
  
  # The same for the container ruby-container
  kubectl attach mypod -c ruby-container
  
  # An interactive session: your input goes to the container's shell and its output comes back
  # (the container must have been started with stdin, as run -it does)
  kubectl attach mypod -c ruby-container -i -t
  
  # Follow a pod of the replica set nginx (a running one if there is one)
  kubectl attach rs/nginx

Options:
    -c, --container='':
	Which container of the pod (default: the first one).

    --pod-running-timeout=1m0s:
	A duration (like 5s, 2m, or 3h), checked for its syntax only: kubesim does not wait for a pod to start.

    -q, --quiet=false:
	No notes of kubesim's own (container choice, TTY fallbacks, how to resume): only what the process writes.

    -i, --stdin=false:
	Forward your input to the process (when its container was started with stdin).

    -t, --tty=false:
	Treat the session as a terminal; needs a container started with a TTY.

Usage:
  kubectl attach (POD | TYPE/NAME) -c CONTAINER [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

interface AttachOptions {
  namespace?: string;
  state?: string;
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  quiet?: boolean;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('attach', io, HELP));
  cmd.option('-c, --container <name>').option('-i, --stdin').option('-t, --tty').option('-q, --quiet').option('--pod-running-timeout <d>', '', durationFlag('attach', '--pod-running-timeout'));
  if (!parseArgs(cmd, argv, 'attach')) return 0;
  const o = cmd.opts() as AttachOptions;
  const args = cmd.args;
  if (args.length === 0) throw new CommandError('at least 1 argument is required for attach', { usageOf: 'attach' });
  if (args.length > 2) throw new CommandError(`expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw ${args.length}: [${args.join(' ')}]`, { usageOf: 'attach' });
  const ref = args.length === 2 ? `${args[0]}/${args[1]}` : args[0];
  const session = new Session(o, io);
  const images = await loadUserImages(io.env);
  const { state } = await session.read();
  const pod = resolveTarget(state, session.namespace, ref);
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new CommandError(`cannot attach a container in a completed pod; current phase is ${phase}`);
  const container: Container = pickContainer(pod, o.container, io, o.quiet);
  let tty = !!o.tty;
  if (tty && !container.tty) {
    if (!o.quiet) io.stderr.write(`Unable to use a TTY - container ${container.name} did not allocate one\n`);
    tty = false;
  } else if (tty && o.stdin && !io.stdin.isTTY) {
    if (!o.quiet) io.stderr.write('Unable to use a TTY - input is not a terminal or the right kind of file\n');
    tty = false;
  }
  const namespace = pod.metadata.namespace ?? session.namespace;
  if (o.stdin && container.stdin) {
    const target = { namespace, pod: pod.metadata.name, container: container.name };
    const r = await attachMain(session, io, target, container, images, { tty, containerTTY: !!container.tty, trace: false, quiet: !!o.quiet });
    if (r.server) return 0;
    if (tty && !o.quiet && (pod.spec?.restartPolicy ?? 'Always') === 'Always') {
      io.stdout.write(`Session ended, resume using '${CLI_NAME} attach ${pod.metadata.name} -c ${container.name} -i -t' command when the pod is running\n`);
      return 0;
    }
    if (r.code !== 0) throw new ExitError(r.code);
    return 0;
  }
  // Output only: what the process writes from now on.
  const stream: Stream = { namespace, pod: pod.metadata.name, uid: pod.metadata.uid, container: container.name };
  const now = instanceLines(state, stream, false, images).length;
  return follow(session, io, new Map([[stream, now]]), images, { timestamps: false, prefix: false, previous: false });
}
