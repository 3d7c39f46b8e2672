// `kubesim ui`: the live map of the cluster in a browser. The web server (src/ui/server.ts) and ws are loaded
// here only, so other commands never pay for them.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { CommandError } from '../api/errors.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { listenOrExplain, urlHost } from './listen.js';

const HELP = `Open a web page that draws the simulated cluster as the lessons do: nodes with their addresses and pod
ranges, the pods inside them, Services with arrows to the pods behind them, Ingresses and NetworkPolicy fences.
The page follows every kubesim command run beside it, moves each request along its path as it happens, and shows
an object's describe text or a request's hop-by-hop trace when clicked. With -n only that namespace is drawn;
otherwise every namespace but the cluster's own (kube-system and the like). Everything the page needs is served
by kubesim itself. The URL carries a token that every request must present. Ctrl-C stops the server.

Examples:
  # Serve the map on a free loopback port and open the printed URL
  kubesim ui

  # Share the map with a classroom on port 8080, with a token of your choosing
  kubesim ui --address 0.0.0.0 --port 8080 --token workshop-2026

Options:
    --address='127.0.0.1':
	The address to listen on. Only loopback addresses unless another is given here.

    --port=0:
	The port to listen on; 0 picks a free one.

    --token='':
	The token the URL must carry; a random one when not given.

Usage:
  kubesim ui [--address 127.0.0.1] [--port 0] [--token T] [options]
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('ui', io, HELP));
  cmd.option('--address <address>', 'address to listen on', '127.0.0.1').option('--port <port>', 'port to listen on', '0').option('--token <token>', 'token the URL carries');
  if (!parseArgs(cmd, argv, 'ui')) return 0;
  const o = cmd.opts() as { address: string; port: string; token?: string; state?: string; namespace?: string };
  if (cmd.args.length) throw new CommandError(`unknown command "${cmd.args[0]}" for "kubesim ui"`);
  if (!/^\d+$/.test(o.port) || Number(o.port) > 65535) throw new CommandError(`invalid argument "${o.port}" for "--port" flag: must be a port number from 0 to 65535`);
  if (!isIP(o.address) && o.address !== 'localhost') throw new CommandError(`invalid argument "${o.address}" for "--address" flag: must be an IP address`);
  if (o.token !== undefined && !/^[A-Za-z0-9._~-]{8,128}$/.test(o.token)) {
    throw new CommandError(`invalid argument "${o.token}" for "--token" flag: use 8 to 128 letters, digits, '.', '_', '~' and '-'`);
  }
  const token = o.token ?? randomBytes(18).toString('base64url');

  const { Session } = await import('./session.js');
  const { UiServer } = await import('../ui/server.js');
  const session = new Session({ state: o.state, namespace: o.namespace }, io);
  let server: InstanceType<typeof UiServer>;
  try {
    server = new UiServer({ session, address: o.address, port: Number(o.port), token, ...(session.namespaceExplicit ? { namespace: session.namespace } : {}) });
  } catch (e) {
    throw new CommandError(`cannot serve the map: ${(e as Error).message}`);
  }
  const { mountTerminal } = await import('../ui/terminal-mount.js');
  const terminal = await mountTerminal(server.http, { statePath: session.statePath, env: io.env, token, ...(session.namespaceExplicit ? { namespace: session.namespace } : {}) });
  const port = await listenOrExplain(() => server.start(), o.address, o.port);
  io.stdout.write(`Serving the kubesim map at http://${urlHost(o.address, port)}/?token=${token}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    const off = io.onInterrupt?.(stop);
    process.once('SIGTERM', stop);
    if (!off) process.once('SIGINT', stop);
  });
  terminal.close();
  await server.close();
  io.stderr.write('kubesim ui: stopped\n');
  return 0;
}
