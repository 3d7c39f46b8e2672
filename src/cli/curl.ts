// `kubesim curl [--from pod/NAME|node/NAME|external] [curl flags] URL...`: curl through the simulated network
// from the workstation (default), a node, or a pod, with --trace explaining every hop.
import { CommandError, notFound } from '../api/errors.js';
import { openHostProcess, openProcess, startArgv } from '../apps/process.js';
import { TOOLS } from '../apps/tools.js';
import { Output } from '../apps/shell.js';
import type { Client } from '../net/engine.js';
import { openNet } from '../net/index.js';
import { type GlobalOptions } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { loadUserImages, writeOutput, writeTraces } from './netcli.js';

const HELP = `Send HTTP requests through the simulated cluster network with curl's flags and messages.

Examples:
  # From the workstation to a NodePort on a node
  kubesim curl http://172.18.0.3:30123

  # From a pod, explaining each hop
  kubesim curl --from pod/jumpbox -n dev --trace http://demo-service.dev

  # From a node (as after 'docker exec -it kind-worker bash')
  kubesim curl --from node/kind-worker 10.244.2.4:8080

Options:
    --from='external': Where curl runs: external (the workstation), node/NAME or pod/NAME.
    -n, --namespace='': The namespace of --from pod/NAME.
    --trace=false: Explain every connection hop by hop on stderr.
    Other flags are curl's: -s -S -v -i -I -o -w -m --connect-timeout -H -X -d -f.

Usage:
  kubesim curl [--from pod/NAME|node/NAME|external] [curl flags] URL... [options]
`;

/** The workstation's curl; and the one kind's node image (Debian 12 bookworm) ships. */
const HOST_CURL = '8.5.0';
const NODE_CURL = '7.88.1';

export async function run(argv: string[], io: CliIO): Promise<number> {
  let from = 'external';
  let trace = false;
  const g: GlobalOptions = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (flag: string) => (a.startsWith(`${flag}=`) ? a.slice(flag.length + 1) : argv[++i]);
    if (a === '-h' || a === '--help') {
      io.stdout.write(HELP);
      return 0;
    } else if (a === '--from' || a.startsWith('--from=')) from = val('--from') ?? '';
    else if (a === '--trace') trace = true;
    else if (a === '-n' || a === '--namespace' || a.startsWith('--namespace=')) g.namespace = val('--namespace');
    else if (a === '--state' || a.startsWith('--state=')) g.state = val('--state');
    else rest.push(a);
  }
  const session = new Session(g, io);
  const images = await loadUserImages(io.env);
  const stdoutTTY = !!io.stdout.isTTY;
  const result = await session.change((state, ctx) => {
    const net = openNet(state, ctx, { images });
    let proc;
    if (from === 'external' || from === 'workstation') proc = openHostProcess(net, { kind: 'workstation' }, { stdoutTTY, curlVersion: HOST_CURL });
    else if (from.startsWith('node/')) {
      const node = net.topo.nodeByName.get(from.slice(5));
      if (!node) throw notFound('nodes', from.slice(5));
      const client: Client = { kind: 'node', node };
      proc = openHostProcess(net, client, { stdoutTTY, curlVersion: NODE_CURL });
    } else if (from.startsWith('pod/') || !from.includes('/')) {
      const name = from.replace(/^pod\//, '');
      const pod = net.topo.podByKey.get(`${session.namespace}/${name}`);
      if (!pod) {
        if (state.objects.has('pods', `${session.namespace}/${name}`)) throw new CommandError(`pod ${session.namespace}/${name} is not running`);
        throw notFound('pods', name);
      }
      const container = pod.pod.spec!.containers[0];
      proc = openProcess(net, pod, container, { images, stdoutTTY, tty: false });
      // The pod runs curl whether or not its image ships it: this is kubesim's probe, not an exec.
      const out = new Output();
      const code = TOOLS.curl({ ...proc.host.proc, argv: ['curl', ...rest], stdin: '', out, stdoutTTY, host: proc.host });
      return { out, code, traces: proc.session.traces };
    } else throw new CommandError(`--from must be external, node/NAME or pod/NAME, not "${from}"`);
    const r = startArgv(proc, ['curl', ...rest], '');
    if (r.kind !== 'ran') throw new CommandError('curl is not available');
    return { out: r.out, code: r.code, traces: proc.session.traces };
  });
  writeOutput(io, result.out);
  if (trace) await writeTraces(io, result.traces);
  return result.code;
}

