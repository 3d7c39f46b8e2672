// `kubesim tunnel [--address A]`: a local port for every NodePort and LoadBalancer service (like
// `minikube tunnel`), following services as they come and go, until Ctrl-C.
import { LiveCluster } from '../forward/live-state.js';
import { parseAddresses } from '../forward/resolve.js';
import { simEngine } from '../forward/sim-engine.js';
import { Tunnel, TUNNEL_HEAD, tunnelRow, type OpenTunnel } from '../forward/tunnel.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';

const HELP = `Open a local port for every NodePort and LoadBalancer service, as minikube tunnel does.

 Each service port gets a port on this machine (the nodePort number when it is free). A connection to it enters
 the simulated cluster where an outside client's would: at the load balancer's IP, or at a node's address on
 the nodePort, so kube-proxy picks a backend per connection (a keep-alive client stays on one pod) and applies
 externalTrafficPolicy and SNAT. Services created or deleted while it runs are followed. Ctrl-C stops it.

Examples:
  # Tunnel every NodePort and LoadBalancer service to 127.0.0.1
  kubesim tunnel

  # Listen on all addresses of this machine
  kubesim tunnel --address 0.0.0.0

Options:
    --address=[127.0.0.1]:
	Addresses to listen on (comma separated): IP addresses or localhost (127.0.0.1 and ::1).

Usage:
  kubesim tunnel [options]
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = newCommand('tunnel', io, HELP);
  addGlobalFlags(cmd);
  const addressArgs: string[] = [];
  cmd.option('--address <addresses>', 'addresses to listen on', (v: string) => {
    addressArgs.push(...v.split(','));
    return v;
  });
  if (!parseArgs(cmd, argv, 'tunnel')) return 0;
  const opts = cmd.opts<{ namespace?: string; state?: string }>();
  const addresses = parseAddresses(addressArgs.length ? addressArgs : ['127.0.0.1']);
  const session = new Session(opts, io);
  const { state } = await session.read();
  const live = new LiveCluster(session.statePath, session.clock, state);
  const out = (text: string) => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  const err = (text: string) => io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  const tunnel = new Tunnel(live, simEngine, addresses, { out, err });
  const { default: Table } = await import('cli-table3');
  const table = (rows: OpenTunnel[]) => {
    const t = new Table({ head: TUNNEL_HEAD, style: { head: [], border: [], compact: true } });
    for (const r of rows) t.push(tunnelRow(r));
    return t.toString();
  };

  // Ctrl-C is caught from the start, so an interrupt right after the table still closes every port.
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const first = await tunnel.sync();
  for (const f of first.failed) err(`error: ${f}`);
  if (first.added.length) out(table(first.added));
  else out('No NodePort or LoadBalancer services yet; waiting for them.');
  out('Tunnel running; Ctrl-C to stop.');

  live.onChange(() => {
    void tunnel.sync().then((r) => {
      for (const t of r.removed) out(`Closed the tunnel for service ${t.entry.namespace}/${t.entry.service} (${tunnelRow(t)[4]})`);
      for (const f of r.failed) err(`error: ${f}`);
      if (r.added.length) out(table(r.added));
    });
  });
  await live.start();
  await interrupted;
  await tunnel.close();
  await live.stop();
  return 0;
}
