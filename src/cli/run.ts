// `kubesim run`: kubectl's BasicPod generator, then (with -i/--attach) the container's process runs attached
// through the simulated shell and tools; --rm deletes what was created; the exit code is the container's.
import { CommandError, ExitError, type KubeError } from '../api/errors.js';
import { resourceForKind } from '../api/resources.js';
import type { Container, KubeObject, Pod } from '../api/types.js';
import { createObject, deleteObject } from '../cluster/apiserver.js';
import { getObject } from '../store/objects.js';
import { objectName, toYAML } from '../printers/format.js';
import { addGlobalFlags, newCommand, parseArgs, readStdin } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { attachMain, isBareShell, loadUserImages, openIn, writeOutput, writeTraces } from './netcli.js';
import { mainProcess, type ImageSpec } from '../apps/images.js';
import { runLine, startArgv } from '../apps/process.js';
import { Output } from '../apps/shell.js';
import { appendLog, recordProcess, START_ERROR_EXIT, startErrorMessage } from '../apps/runtime.js';
import { setOwn } from '../util/own.js';
import { goAtoi } from '../util/goparse.js';

const HELP = `Create a pod with one container running the given image. The container runs kubesim's simulated version of
that image (its programs are simulated tools, not real processes). With -i or --attach the command waits for the pod
and connects this terminal to the container's main process; the exit code is then the container's.

Examples:
  # A pod named nginx running the nginx image
  kubectl run nginx --image=nginx

  # One curl from a temporary pod, deleted when curl exits
  kubectl run --image=curlimages/curl -it --restart=Never --rm client-pod curl 10.244.2.4:8080

  # An interactive simulated shell in a temporary pod
  kubectl run --image=curlimages/curl -it --restart=Never --rm client-pod /bin/sh

Options:
    --annotations=[]: key=value annotations for the pod (repeatable).
    --attach=false: Wait until the pod runs, then connect to its main process (implied by -i).
    --command=false: Put the words after NAME into the container's command rather than its args.
    --dry-run='none': "none", "server" or "client"; the last two only print, leaving the cluster unchanged.
    --env=[]: NAME=VALUE pairs for the container's environment (repeatable).
    --expose=false: Put a ClusterIP Service of the same name in front of the pod (needs --port).
    --image='': Which (simulated) image the container runs.
    --image-pull-policy='': Recorded as the container's imagePullPolicy.
    -l, --labels='': key=value,... labels for the pod, in place of the default run=NAME.
    --leave-stdin-open=false: With -i, keep the container's stdin open after this session detaches (no stdinOnce).
    -o, --output='': Print the created object as json, yaml or name.
    --port='': A port the container declares (and the Service's port with --expose).
    --privileged=false: Mark the container privileged in its securityContext.
    -q, --quiet=false: Leave out the prompt hint and deletion lines.
    --restart='Always': The pod's restartPolicy (Always, OnFailure or Never), which the simulated kubelet follows.
    --rm=false: With an attached run, delete the pod (and any --expose Service) when it ends.
    -i, --stdin=false: Give the container a stdin and feed this terminal's input to it.
    -t, --tty=false: Treat the container's input as a terminal (with -i).
    --trace=false: Explain every connection hop by hop on stderr (kubesim).

Usage:
  kubectl run NAME --image=image [--env="key=value"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...] [options]
`;

const IMAGE_RE = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

interface RunOpts {
  image?: string;
  restart: string;
  rm?: boolean;
  stdin?: boolean;
  tty?: boolean;
  attach?: boolean;
  command?: boolean;
  env: string[];
  labels?: string;
  port?: string;
  expose?: boolean;
  annotations: string[];
  imagePullPolicy?: string;
  privileged?: boolean;
  dryRun?: string;
  output?: string;
  quiet?: boolean;
  leaveStdinOpen?: boolean;
  trace?: boolean;
  namespace?: string;
  state?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function usage(message: string): CommandError {
  return new CommandError(message, { usageOf: 'run' });
}

function klogTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds() * 1000, 6)}`;
}

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of s.split(',')) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new CommandError(`invalid label spec: ${kv}`);
    setOwn(out, kv.slice(0, eq), kv.slice(eq + 1));
  }
  return out;
}

/** kubectl's BasicPod generator (run.go), field for field. */
function buildPod(name: string, o: RunOpts, args: string[], namespace: string | undefined): KubeObject {
  const env = o.env.map((e) => {
    const eq = e.indexOf('=');
    const key = eq < 0 ? '' : e.slice(0, eq);
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new CommandError(`invalid env: ${e}`);
    return { name: key, value: e.slice(eq + 1) };
  });
  // Keys in the Go structs' field order: `-o json` prints typed objects that way (yaml sorts them).
  const container: Record<string, unknown> = { name, image: o.image };
  if (args.length) container[o.command ? 'command' : 'args'] = args;
  if (o.port) container.ports = [{ containerPort: Number(o.port) }];
  if (env.length) container.env = env;
  container.resources = {};
  if (o.imagePullPolicy) container.imagePullPolicy = o.imagePullPolicy;
  if (o.privileged) container.securityContext = { privileged: true };
  if (o.stdin) {
    container.stdin = true;
    container.stdinOnce = !o.leaveStdinOpen;
  }
  if (o.tty) container.tty = true;
  const annotations: Record<string, string> = {};
  for (const a of o.annotations) {
    const eq = a.indexOf('=');
    if (eq > 0) setOwn(annotations, a.slice(0, eq), a.slice(eq + 1));
  }
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      creationTimestamp: null as unknown as string,
      labels: o.labels ? parseLabels(o.labels) : { run: name },
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: { containers: [container], restartPolicy: o.restart, dnsPolicy: 'ClusterFirst' },
    status: {},
  } as KubeObject;
}

function buildService(name: string, o: RunOpts, namespace: string | undefined): KubeObject {
  const port = Number(o.port);
  return {
    kind: 'Service',
    apiVersion: 'v1',
    metadata: { name, ...(namespace ? { namespace } : {}), creationTimestamp: null as unknown as string },
    spec: { ports: [{ protocol: 'TCP', port, targetPort: port }], selector: o.labels ? parseLabels(o.labels) : { run: name } },
    status: { loadBalancer: {} },
  } as KubeObject;
}

async function printObject(io: CliIO, obj: KubeObject, output: string | undefined, suffix: string): Promise<void> {
  if (output === 'yaml') io.stdout.write(await toYAML(obj));
  // Generated objects print in their Go field order, as kubectl prints the typed object it built.
  else if (output === 'json') io.stdout.write(`${JSON.stringify(obj, null, 4)}\n`);
  else if (output === 'name') io.stdout.write(`${objectName(obj)}\n`);
  else io.stdout.write(`${objectName(obj)} created${suffix}\n`);
}

/**
 * An attached run whose input is known up front (a command, or a script piped into a shell): create, run,
 * record and (with --rm) delete in one state change, then print what the session printed.
 */
async function runAttachedAtOnce(
  session: Session,
  io: CliIO,
  o: RunOpts,
  a: { name: string; namespace: string; podObj: KubeObject; svcObj?: KubeObject; argv: string[]; images: ImageSpec[]; tty: boolean },
): Promise<number> {
  const { name, namespace } = a;
  // Only a process that reads its input waits for it (curl with -i attached does not).
  const reads = ['sh', 'ash', 'bash', 'zsh', 'cat', 'grep', 'head', 'tail', 'wc', 'sort', 'uniq'].includes(a.argv[0]?.slice(a.argv[0].lastIndexOf('/') + 1) ?? '');
  const stdin = io.stdin.isTTY || !reads ? '' : await readStdin(io);
  const r = await session.change((state, ctx) => {
    if (a.svcObj) createObject(state, ctx, a.svcObj, { namespace, manager: { manager: 'kubectl-run' } });
    const pod = createObject(state, ctx, a.podObj, { namespace, manager: { manager: 'kubectl-run' } }) as Pod & KubeObject;
    const container = pod.spec!.containers[0];
    const { proc } = openIn(state, ctx, { namespace, pod: name, container: container.name }, a.images, { stdoutTTY: !!o.tty, tty: !!o.tty });
    let out = new Output();
    let code: number;
    let startError: string | undefined;
    if (isBareShell(a.argv)) code = runLine(proc, stdin, out, false).code;
    else {
      const res = startArgv(proc, a.argv, stdin);
      if (res.kind === 'not-found') {
        code = START_ERROR_EXIT;
        startError = startErrorMessage(res.binary);
      } else {
        out = res.out;
        code = res.code;
      }
    }
    appendLog(state, pod, container.name, out.stdout + out.stderr, ctx.clock.now());
    recordProcess(state, pod, container, { exitCode: code, afterMs: Math.floor(proc.session.elapsedMs / 1000) * 1000 });
    if (o.rm) {
      deleteObject(state, ctx, resourceForKind('v1', 'Pod')!, namespace, name);
      if (a.svcObj) deleteObject(state, ctx, resourceForKind('v1', 'Service')!, namespace, name);
    }
    return { out, code, startError, traces: proc.session.traces, container: container.name };
  });
  if (!o.quiet) io.stderr.write("If you don't see a command prompt, try pressing enter.\n");
  writeOutput(io, r.out, a.tty && !!io.stdout.isTTY);
  if (o.trace) await writeTraces(io, r.traces);
  // kubectl attach's closing line (stdout, on a raw terminal, restartPolicy Always), then run --rm's deletion.
  if (o.restart === 'Always' && a.tty && !o.quiet) io.stdout.write(`Session ended, resume using 'kubectl attach ${name} -c ${r.container} -i -t' command when the pod is running\n`);
  if (o.rm && !o.quiet) io.stdout.write(`pod "${name}" deleted\n${a.svcObj ? `service "${name}" deleted\n` : ''}`);
  if (o.restart === 'Always') return 0;
  if (r.code !== 0 && o.restart === 'Never') throw new ExitError(r.code, `pod ${namespace}/${name} terminated (${r.startError ? 'StartError' : 'Error'})${r.startError ? `\n${r.startError}` : ''}`);
  if (r.code !== 0) throw new CommandError(`pod ${namespace}/${name} left in phase Running`);
  return 0;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const dash = argv.indexOf('--');
  const before = dash >= 0 ? argv.slice(0, dash) : argv;
  const after = dash >= 0 ? argv.slice(dash + 1) : [];
  const cmd = addGlobalFlags(newCommand('run', io, HELP));
  cmd
    .option('--image <image>')
    .option('--restart <policy>', '', 'Always')
    .option('--rm')
    .option('-i, --stdin')
    .option('-t, --tty')
    .option('--attach')
    .option('--command')
    .option('--env <kv>', '', collect, [])
    .option('-l, --labels <labels>')
    .option('--port <port>')
    .option('--expose')
    .option('--annotations <kv>', '', collect, [])
    .option('--image-pull-policy <policy>')
    .option('--privileged')
    .option('--overrides <json>')
    .option('--dry-run <mode>')
    .option('-o, --output <format>')
    .option('-q, --quiet')
    .option('--leave-stdin-open')
    .option('--pod-running-timeout <d>')
    .option('--field-manager <name>')
    .option('--trace');
  if (!parseArgs(cmd, before, 'run')) return 0;
  const o = cmd.opts() as RunOpts;
  const operands = cmd.args;
  const session = new Session(o, io);
  if (o.image === undefined) {
    throw new ExitError(1, `E${klogTime(session.clock.now())}   ${String(process.pid).padStart(5)} run.go:72] "command failed" err="required flag(s) \\"image\\" not set"`);
  }
  const words = [...operands, ...after];
  if (words.length === 0) throw usage('NAME is required for run');
  const name = words[0];
  const args = words.slice(1);
  if (!IMAGE_RE.test(o.image)) throw new CommandError(`Invalid image name "${o.image}": invalid reference format`);
  if (o.tty && !o.stdin) throw usage('-i/--stdin is required for containers with -t/--tty=true');
  if (o.expose && !o.port) throw usage('--port must be set when exposing a service');
  const dryRun = o.dryRun && o.dryRun !== 'none' ? o.dryRun : undefined;
  if (dryRun && !['client', 'server'].includes(dryRun)) throw new CommandError(`Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`);
  const attach = o.attach ?? !!o.stdin;
  if ((o.stdin || o.attach || o.tty) && dryRun) throw usage("--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)");
  if (!['Always', 'OnFailure', 'Never'].includes(o.restart)) throw usage(`invalid restart policy: ${o.restart}`);
  if (o.rm && !attach) throw usage('--rm should only be used for attached containers');
  if (o.imagePullPolicy && !['Always', 'IfNotPresent', 'Never'].includes(o.imagePullPolicy)) throw usage(`invalid image pull policy: ${o.imagePullPolicy}`);

  const nsForObject = session.namespaceExplicit ? session.namespace : undefined;
  // The generator reads --port with strconv.Atoi.
  if (o.port) {
    const port = goAtoi(o.port);
    if ('error' in port) throw new CommandError(port.error);
  }
  const podObj = buildPod(name, o, args, nsForObject);
  const svcObj = o.expose ? buildService(name, o, nsForObject) : undefined;
  if (dryRun === 'client') {
    if (svcObj) {
      await printObject(io, svcObj, o.output, ' (dry run)');
      // run.go writes a separator after the service, and the YAML printer another before the next object.
      if (o.output === 'yaml') io.stdout.write('---\n---\n');
    }
    await printObject(io, podObj, o.output, ' (dry run)');
    return 0;
  }

  const images = await loadUserImages(io.env);
  let tty = !!o.tty;
  if (attach && tty && !io.stdin.isTTY) {
    if (!o.quiet) io.stderr.write('Unable to use a TTY - input is not a terminal or the right kind of file\n');
    tty = false;
  }
  const namespace = session.namespace;
  const specContainer = (podObj.spec as { containers: Container[] }).containers[0];
  const main = mainProcess(specContainer.image ?? '', specContainer.command, specContainer.args, images);
  if (attach && o.stdin && main.kind === 'command' && !(isBareShell(main.argv) && io.stdin.isTTY)) {
    return runAttachedAtOnce(session, io, o, { name, namespace, podObj, svcObj, argv: main.argv, images, tty });
  }
  const created = await session.change((state, ctx) => {
    const out: KubeObject[] = [];
    if (svcObj) out.push(createObject(state, ctx, svcObj, { namespace, dryRun: dryRun === 'server', manager: { manager: 'kubectl-run' } }));
    out.push(createObject(state, ctx, podObj, { namespace, dryRun: dryRun === 'server', manager: { manager: 'kubectl-run' } }));
    return out;
  });
  if (!attach) {
    for (const obj of created) await printObject(io, obj, o.output, dryRun === 'server' ? ' (server dry run)' : '');
    return 0;
  }

  const pod = created[created.length - 1] as Pod & KubeObject;
  const container = pod.spec!.containers[0];
  const target = { namespace, pod: name, container: container.name };
  let exitCode = 0;
  let failure: KubeError | undefined;
  try {
    const r = await attachMain(session, io, target, container, images, { tty, containerTTY: !!o.tty, trace: !!o.trace, quiet: !!o.quiet });
    if (r.server) return 0;
    const code = r.code;
    const startError = r.startError;
    exitCode = code;
    if (o.restart === 'Always') {
      if (tty && !o.quiet) io.stdout.write(`Session ended, resume using 'kubectl attach ${name} -c ${container.name} -i -t' command when the pod is running\n`);
      exitCode = 0;
    } else if (code !== 0 && !(o.restart === 'OnFailure')) {
      failure = new ExitError(code, `pod ${namespace}/${name} terminated (${startError ? 'StartError' : 'Error'})\n${startError ?? ''}`.replace(/\n$/, ''));
    } else if (code !== 0) {
      failure = new CommandError(`pod ${namespace}/${name} left in phase Running`);
    }
  } finally {
    if (o.rm) {
      await session.change((state, ctx) => {
        const info = resourceForKind('v1', 'Pod')!;
        if (getObject(state, 'pods', namespace, name)) deleteObject(state, ctx, info, namespace, name);
        if (svcObj && getObject(state, 'services', namespace, name)) deleteObject(state, ctx, resourceForKind('v1', 'Service')!, namespace, name);
      });
      if (!o.quiet) {
        io.stdout.write(`pod "${name}" deleted\n`);
        if (svcObj) io.stdout.write(`service "${name}" deleted\n`);
      }
    }
  }
  if (failure) throw failure;
  return exitCode;
}
