// `kubesim port-forward TYPE/NAME [LOCAL:]REMOTE ...`: real local sockets into a simulated pod's loopback.
import { CommandError, KubeError } from '../api/errors.js';
import { LiveCluster } from '../forward/live-state.js';
import { PortForwarder, waitForPod } from '../forward/port-forward.js';
import { findTarget, parseGoDuration, planForward } from '../forward/resolve.js';
import { simEngine } from '../forward/sim-engine.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';

const HELP = `Forward one or more local ports to a pod.

 Use resource type/name such as deployment/mydeployment to select a pod. Resource type defaults to 'pod' if omitted.

 If there are multiple pods matching the criteria, a pod will be selected automatically. The forwarding session ends when the selected pod terminates, and a rerun of the command is needed to resume forwarding.

Examples:
  # Listen on ports 5000 and 6000 locally, forwarding data to/from ports 5000 and 6000 in the pod
  kubectl port-forward pod/mypod 5000 6000
  
  # Listen on ports 5000 and 6000 locally, forwarding data to/from ports 5000 and 6000 in a pod selected by the deployment
  kubectl port-forward deployment/mydeployment 5000 6000
  
  # Listen on port 8443 locally, forwarding to the targetPort of the service's port named "https" in a pod selected by the service
  kubectl port-forward service/myservice 8443:https
  
  # Listen on port 8888 locally, forwarding to 5000 in the pod
  kubectl port-forward pod/mypod 8888:5000
  
  # Listen on port 8888 on all addresses, forwarding to 5000 in the pod
  kubectl port-forward --address 0.0.0.0 pod/mypod 8888:5000
  
  # Listen on port 8888 on localhost and selected IP, forwarding to 5000 in the pod
  kubectl port-forward --address localhost,10.19.21.23 pod/mypod 8888:5000
  
  # Listen on a random port locally, forwarding to 5000 in the pod
  kubectl port-forward pod/mypod :5000

Options:
    --address=[localhost]:
	Addresses to listen on (comma separated). Only accepts IP addresses or localhost as a value. When localhost is supplied, kubectl will try to bind on both 127.0.0.1 and ::1 and will fail if neither of these addresses are available to bind.

    --pod-running-timeout=1m0s:
	The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running

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
