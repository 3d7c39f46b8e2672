// `kubesim port-forward TYPE/NAME [LOCAL:]REMOTE ...`: real local sockets into a simulated pod's loopback.
import { CommandError, KubeError } from '../api/errors.js';
import { LiveCluster } from '../forward/live-state.js';
import { PortForwarder, waitForPod } from '../forward/port-forward.js';
import { findTarget, parseGoDuration, planForward } from '../forward/resolve.js';
import { simEngine } from '../forward/sim-engine.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';

const HELP = `Open real listening sockets on this machine and carry each connection into a port of a simulated pod.

 The target is a pod, or TYPE/NAME of something that selects pods (a deployment, a service, ...), in which case kubesim picks one of its running pods; a bare name means a pod. Traffic reaches the pod's own port directly, without passing through the service's simulated load balancing.

 The command keeps running until interrupted, and stops when the chosen pod goes away; start it again to forward to another pod.

Examples:
  # Local ports 5000 and 6000 lead to the same ports of the pod mypod
  kubectl port-forward pod/mypod 5000 6000
  
  # The same, into one of the deployment's pods
  kubectl port-forward deployment/mydeployment 5000 6000
  
  # Local port 8443 leads to the target port behind the service port named "https", in one of the service's pods
  kubectl port-forward service/myservice 8443:https
  
  # Local port 8888 leads to the pod's port 5000
  kubectl port-forward pod/mypod 8888:5000
  
  # As above, but accept connections on every local address
  kubectl port-forward --address 0.0.0.0 pod/mypod 8888:5000
  
  # As above, on localhost and one chosen local IP
  kubectl port-forward --address localhost,10.19.21.23 pod/mypod 8888:5000
  
  # Let the system choose a free local port for the pod's port 5000
  kubectl port-forward pod/mypod :5000

Options:
    --address=[localhost]:
	Comma-separated local addresses to listen on: IP addresses or localhost. localhost means 127.0.0.1 and ::1; it is an error only when neither can be bound.

    --pod-running-timeout=1m0s:
	How long (a duration above zero, such as 5s, 2m or 3h) to wait (in real time) for a chosen pod to be running.

Usage:
  kubectl port-forward TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = newCommand('port-forward', io, HELP);
  addGlobalFlags(cmd);
  const addresses: string[] = [];
  cmd.option('--address <addresses>', 'addresses to listen on', (v: string) => {
    addresses.push(...v.split(','));
    return v;
  });
  cmd.option('--pod-running-timeout <duration>', 'how long to wait for a pod', '1m0s');
  if (!parseArgs(cmd, argv, 'port-forward')) return 0;
  const opts = cmd.opts<{ namespace?: string; state?: string; podRunningTimeout: string }>();
  const args = cmd.args;
  if (args.length < 2) throw new CommandError('TYPE/NAME and list of ports are required for port-forward', { usageOf: 'port-forward' });
  const timeoutMs = parseGoDuration(opts.podRunningTimeout);
  if (timeoutMs === undefined) {
    // pflag's parse error, printed by cobra (capital "Error:").
    throw new KubeError(`Error: invalid argument "${opts.podRunningTimeout}" for "--pod-running-timeout" flag: time: invalid duration "${opts.podRunningTimeout}"\nSee 'kubectl port-forward --help' for usage.`);
  }
  if (timeoutMs <= 0) throw new CommandError('--pod-running-timeout must be higher than zero', { usageOf: 'port-forward' });

  const session = new Session(opts, io);
  const { state } = await session.read();
  const live = new LiveCluster(session.statePath, session.clock, state);
  const target = findTarget(live.view().state, session.namespace, args[0]);
  const pod = await waitForPod(live, target, timeoutMs);
  const plan = planForward(target, pod, args.slice(1), addresses.length ? addresses : ['localhost']);

  const out = (line: string) => io.stdout.write(`${line}\n`);
  const err = (line: string) => io.stderr.write(`${line}\n`);
  const forwarder = new PortForwarder(
    live,
    simEngine,
    { namespace: pod.metadata.namespace ?? session.namespace, name: pod.metadata.name, uid: pod.metadata.uid ?? '' },
    plan.ports,
    plan.addresses,
    { out, err, now: () => session.clock.now(), pid: process.pid },
  );
  // Handlers go in before the first "Forwarding from" line: a Ctrl-C right after it must still end cleanly.
  const onSignal = () => forwarder.interrupt();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const listening = await forwarder.listen();
  if (!listening) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await forwarder.close();
    throw new CommandError(`unable to listen on any of the requested ports: [${plan.ports.map((p) => `{${p.local} ${p.remote}}`).join(' ')}]`);
  }
  await live.start();
  const end = await forwarder.done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await forwarder.close();
  await live.stop();
  if (live.lastFlushError) err(`warning: could not save app log lines: ${live.lastFlushError.message}`);
  if (end.kind === 'lost') throw new CommandError('lost connection to pod');
  return 0;
}
