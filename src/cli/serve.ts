// `kubesim serve`: the simulated cluster as a Kubernetes API server, for the real kubectl, Helm, k9s and
// client libraries. Everything it needs (node:https, the certificate library) is loaded here only.
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { CommandError } from '../api/errors.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { listenOrExplain, urlHost } from './listen.js';

const HELP = `Serve the simulated cluster over the Kubernetes REST API, so that the real kubectl, Helm, k9s and client
libraries can drive it. The server uses the same state as the other kubesim commands, which may run beside it.
A CA, a serving certificate and a bearer token are made on first use and kept beside the state; a kubeconfig
for them is written (context "kubesim"). Ctrl-C stops the server.

Examples:
  # Serve the cluster on https://127.0.0.1:6443 and use it with kubectl
  kubesim serve
  KUBECONFIG=~/.kube/kubesim/state.json.serve/kubeconfig kubectl get pods -o wide

  # Write the kubeconfig where kubectl looks by default, on another port
  kubesim serve --port 7443 --kubeconfig ~/.kube/config

Options:
    --address='127.0.0.1':
	The address to listen on. Only loopback addresses unless another is given here.

    --context='kubesim':
	The name of the context (and of its cluster and user entries) in the kubeconfig.

    --kubeconfig='':
	The kubeconfig file to write or update; default: kubeconfig in the server's directory beside the state.

    --port=6443:
	The port to listen on; 0 picks a free one.

Usage:
  kubesim serve [--address 127.0.0.1] [--port 6443] [--kubeconfig FILE] [options]
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('serve', io, HELP));
  cmd.option('--address <address>', 'address to listen on', '127.0.0.1').option('--port <port>', 'port to listen on', '6443');
  if (!parseArgs(cmd, argv, 'serve')) return 0;
  const o = cmd.opts() as { address: string; port: string; kubeconfig?: string; context?: string; state?: string; namespace?: string };
  if (cmd.args.length) throw new CommandError(`unknown command "${cmd.args[0]}" for "kubesim serve"`);
  if (!/^\d+$/.test(o.port) || Number(o.port) > 65535) throw new CommandError(`invalid argument "${o.port}" for "--port" flag: must be a port number from 0 to 65535`);
  if (!isIP(o.address) && o.address !== 'localhost') throw new CommandError(`invalid argument "${o.address}" for "--address" flag: must be an IP address`);
  const contextName = o.context || 'kubesim';
  if (!/^[A-Za-z0-9._@-]+$/.test(contextName)) throw new CommandError(`invalid argument "${contextName}" for "--context" flag: use letters, digits, '.', '_', '@' and '-'`);

  const { Session } = await import('./session.js');
  const { KubesimServer } = await import('../server/server.js');
  const { ensureCredentials } = await import('../server/pki.js');
  const session = new Session({ state: o.state, namespace: o.namespace }, io);
  const { credentialsDir } = await import('../server/pki.js');
  const kubeconfig = o.kubeconfig || join(credentialsDir(session.statePath), 'kubeconfig');
  // A kubeconfig that cannot be updated is refused before anything starts.
  const kcDoc = await readKubeconfig(kubeconfig);
  const creds = await ensureCredentials(session.statePath, o.address);
  const server = new KubesimServer({ session, address: o.address, port: Number(o.port), token: creds.token, tls: { cert: creds.certPem, key: creds.keyPem } });
  const port = await listenOrExplain(() => server.start(), o.address, o.port);
  const url = `https://${urlHost(o.address, port)}`;
  try {
    await writeKubeconfig(kubeconfig, kcDoc, { name: contextName, url, caPem: creds.caPem, token: creds.token, namespace: o.namespace });
  } catch (e) {
    await server.close();
    throw e;
  }
  io.stdout.write(`Serving the kubesim cluster at ${url}; KUBECONFIG=${kubeconfig}\n`);

  // Runs until Ctrl-C (or SIGTERM): then the watches end, the listener closes, the last write completes.
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    const off = io.onInterrupt?.(stop);
    process.once('SIGTERM', stop);
    if (!off) process.once('SIGINT', stop);
  });
  await server.close();
  io.stderr.write('kubesim serve: stopped\n');
  return 0;
}

interface KubeconfigEntry {
  name: string;
  url: string;
  caPem: string;
  token: string;
  namespace?: string;
}

type Named = { name?: unknown } & Record<string, unknown>;

/** The kubeconfig to update (a new one when the file is absent or empty); a file that is not one is refused. */
async function readKubeconfig(path: string): Promise<Record<string, unknown>> {
  const { loadYaml } = await import('../api/manifest.js');
  const yaml = await loadYaml();
  const { readRegularFile, ioErrorText } = await import('../util/files.js');
  const r = readRegularFile(path, 16 * 1024 * 1024);
  if ('error' in r) {
    if (r.error.code === 'ENOENT') return { apiVersion: 'v1', kind: 'Config', preferences: {} };
    throw new CommandError(`cannot read the kubeconfig "${path}": ${ioErrorText(r.error)}`);
  }
  if ('problem' in r) throw new CommandError(`cannot read the kubeconfig "${path}": ${r.problem === 'not-regular' ? 'not a regular file' : 'the file is too large'}`);
  const text = r.data.toString('utf8');
  if (text.trim() === '') return { apiVersion: 'v1', kind: 'Config', preferences: {} };
  let parsed: unknown;
  try {
    parsed = yaml.parse(text);
  } catch {
    throw new CommandError(`"${path}" is not a kubeconfig (it does not parse as YAML); it was left untouched`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || ((parsed as { kind?: unknown }).kind !== undefined && (parsed as { kind?: unknown }).kind !== 'Config')) {
    throw new CommandError(`"${path}" is not a kubeconfig; it was left untouched`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Writes the server's cluster, user and context into the kubeconfig, keeping whatever else the file holds
 * (as \`kind\` does), and makes it the current context.
 */
export async function writeKubeconfig(path: string, doc: Record<string, unknown>, e: KubeconfigEntry): Promise<void> {
  const { loadYaml } = await import('../api/manifest.js');
  const yaml = await loadYaml();
  const upsert = (key: string, entry: Named) => {
    const list = Array.isArray(doc[key]) ? (doc[key] as Named[]).filter((x) => x && typeof x === 'object' && x.name !== entry.name) : [];
    list.push(entry);
    doc[key] = list;
  };
  upsert('clusters', { name: e.name, cluster: { server: e.url, 'certificate-authority-data': Buffer.from(e.caPem).toString('base64') } });
  upsert('users', { name: e.name, user: { token: e.token } });
  upsert('contexts', { name: e.name, context: { cluster: e.name, user: e.name, ...(e.namespace ? { namespace: e.namespace } : {}) } });
  doc['current-context'] = e.name;
  doc.apiVersion ??= 'v1';
  doc.kind ??= 'Config';
  const tmp = `${path}.kubesim-tmp`;
  try {
    writeFileSync(tmp, yaml.stringify(doc), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (err) {
    throw new CommandError(`cannot write the kubeconfig "${path}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
