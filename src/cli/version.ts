// `kubesim version`: kubectl's version lines, with kubesim's own version beside the client's.
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { KUBESIM_VERSION, KUBECTL_COMPAT_VERSION } from '../version.js';
import { CommandError } from '../api/errors.js';
import { goYAML } from '../printers/yaml.js';

const HELP = `Print the version of kubesim's kubectl-compatible client and of the simulated API server it talks to.

Examples:
  # Show both versions
  kubectl version

Options:
    --client=false:
	Print only the client version; the simulated server is not consulted.

    -o, --output='':
	Print the versions as 'yaml' or 'json' instead of plain lines.

Usage:
  kubectl version [flags] [options]
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('version', io, HELP));
  cmd.option('--client', 'client version only').option('-o, --output <format>', 'yaml or json');
  if (!parseArgs(cmd, argv, 'version')) return 0;
  const opts = cmd.opts();
  const client = { major: '1', minor: '32', gitVersion: `${KUBECTL_COMPAT_VERSION}+kubesim.${KUBESIM_VERSION}`, platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}` };
  let serverVersion: string | undefined;
  // --client loads neither the kubeconfig nor the store code.
  const unreachable = opts.client ? undefined : (await import('./context.js')).unreachableOf(io);
  if (!opts.client && !unreachable) {
    const { Session } = await import('./session.js');
    const { state } = await new Session(opts, io).read();
    serverVersion = state.cluster.kubernetesVersion;
  }
  if (opts.output === 'json' || opts.output === 'yaml') {
    const doc: Record<string, unknown> = { clientVersion: client, kustomizeVersion: 'v5.5.0' };
    if (serverVersion) doc.serverVersion = { major: '1', minor: serverVersion.split('.')[1], gitVersion: serverVersion, platform: 'linux/amd64' };
    if (opts.output === 'json') io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    // sigs.k8s.io/yaml, as kubectl prints it: keys sorted, "1" quoted.
    else io.stdout.write(goYAML(doc));
    if (unreachable) throw unreachable;
    return 0;
  }
  if (opts.output) throw new CommandError(`--output must be 'yaml' or 'json'`);
  io.stdout.write(`Client Version: ${client.gitVersion}\nKustomize Version: v5.5.0\n`);
  if (serverVersion) io.stdout.write(`Server Version: ${serverVersion}\n`);
  if (unreachable) throw unreachable;
  return 0;
}
