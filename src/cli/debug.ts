// `kubesim debug node/NAME`: kubectl's node debugging pod (host network, host PID/IPC, the node's root at
// /host) on that node, attached like `run -i`, to test node-to-pod connectivity.
import { CommandError, notFound } from '../api/errors.js';
import type { Container, KubeObject, Pod } from '../api/types.js';
import { createObject } from '../cluster/apiserver.js';
import { getObject } from '../store/objects.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { attachMain, loadUserImages } from './netcli.js';

const HELP = `Start a debugging pod on a simulated node and attach to it. kubesim supports the node form only (node/NAME):
the pod shares the node's network, so commands in it test node-to-pod connectivity on the simulated network.

Examples:
  # A shell on node kind-worker, using the node's network
  kubectl debug node/kind-worker -it --image=busybox

  # Run a single command from the node
  kubectl debug node/kind-worker -it --image=curlimages/curl -- curl 10.244.2.4:8080

Options:
    --attach=false: Attach to the debugging container once it runs (implied by -i).
    -c, --container='': Name for the debugging container.
    --env=[]: NAME=VALUE pairs set in the debugging container's environment.
    --image='': The simulated image the debugging container runs.
    --image-pull-policy='': Recorded as the container's imagePullPolicy.
    --profile='legacy': Accepted for compatibility; kubesim uses one node profile.
    -q, --quiet=false: Leave out kubesim's informational lines.
    -i, --stdin=false: Feed this terminal's input to the debugging container.
    -t, --tty=false: Treat the input as a terminal.
    --trace=false: Explain every connection hop by hop on stderr (kubesim).

Usage:
  kubectl debug (POD | TYPE/NAME) [ -- COMMAND [args...] ] [options]
`;

const collect = (v: string, prev: string[]) => [...prev, v];

export async function run(argv: string[], io: CliIO): Promise<number> {
  const dash = argv.indexOf('--');
  const before = dash >= 0 ? argv.slice(0, dash) : argv;
  const after = dash >= 0 ? argv.slice(dash + 1) : [];
  const cmd = addGlobalFlags(newCommand('debug', io, HELP));
  cmd
    .option('--image <image>')
    .option('-i, --stdin')
    .option('-t, --tty')
    .option('--attach')
    .option('-q, --quiet')
    .option('-c, --container <name>')
    .option('--env <kv>', '', collect, [])
    .option('--image-pull-policy <p>')
    .option('--profile <p>')
    .option('--trace');
  if (!parseArgs(cmd, before, 'debug')) return 0;
  const o = cmd.opts() as { image?: string; stdin?: boolean; tty?: boolean; attach?: boolean; quiet?: boolean; container?: string; env: string[]; imagePullPolicy?: string; trace?: boolean; namespace?: string; state?: string };
  const operands = cmd.args;
  if (operands.length === 0) throw new CommandError('you must specify at least one resource', { usageOf: 'debug' });
  if (!o.image) throw new CommandError('you must specify --image when not using --copy-to.');
  const ref = operands[0];
  if (!/^(node|nodes|no)\//.test(ref)) throw new CommandError(`kubesim simulates node debugging only (debug node/NAME); "${ref}" would need ephemeral containers`);
  const nodeName = ref.slice(ref.indexOf('/') + 1);
  const args = [...operands.slice(1), ...after];
  const argsOnly = dash < 0;
  const session = new Session(o, io);
  const images = await loadUserImages(io.env);
  const namespace = session.namespace;
  const cname = o.container ?? 'debugger';
  const created = await session.change((state, ctx) => {
    if (!getObject(state, 'nodes', undefined, nodeName)) throw notFound('nodes', nodeName);
    let podName: string;
    do podName = `node-debugger-${nodeName}-${ctx.random.nameSuffix(5)}`;
    while (getObject(state, 'pods', namespace, podName));
    const container: Container = {
      name: cname,
      image: o.image,
      ...(o.env.length ? { env: o.env.map((e) => ({ name: e.slice(0, e.indexOf('=')), value: e.slice(e.indexOf('=') + 1) })) } : {}),
      ...(o.imagePullPolicy ? { imagePullPolicy: o.imagePullPolicy } : {}),
      ...(args.length ? (argsOnly ? { args } : { command: args }) : {}),
      stdin: !!o.stdin,
      terminationMessagePolicy: 'File',
      tty: !!o.tty,
      volumeMounts: [{ mountPath: '/host', name: 'host-root' }],
    };
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName },
      spec: {
        containers: [container],
        hostIPC: true,
        hostNetwork: true,
        hostPID: true,
        nodeName,
        restartPolicy: 'Never',
        tolerations: [{ operator: 'Exists' }],
        volumes: [{ hostPath: { path: '/' }, name: 'host-root' }],
      },
    } as unknown as KubeObject;
    return createObject(state, ctx, pod, { namespace, manager: { manager: 'kubectl-debug' } }) as Pod & KubeObject;
  });
  if (!o.quiet) io.stdout.write(`Creating debugging pod ${created.metadata.name} with container ${cname} on node ${nodeName}.\n`);
  const attach = o.attach ?? !!o.stdin;
  if (!attach) return 0;
  let tty = !!o.tty;
  if (tty && !io.stdin.isTTY) {
    if (!o.quiet) io.stderr.write('Unable to use a TTY - input is not a terminal or the right kind of file\n');
    tty = false;
  }
  const container = created.spec!.containers[0];
  await attachMain(session, io, { namespace, pod: created.metadata.name, container: cname }, container, images, { tty, containerTTY: !!o.tty, trace: !!o.trace, quiet: !!o.quiet });
  return 0;
}
