// `kubesim cluster create|delete|info`: the simulated cluster's lifecycle (kind-like), and cluster-info.
import { CommandError } from '../api/errors.js';
import { createCluster } from '../cluster/bootstrap.js';
import { readState, removeState, resolveStatePath, withLock, writeStateAtomic } from '../store/store.js';
import { clockFromEnv } from '../util/clock.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { SEED_RANGE, parseSeed } from '../util/random.js';
import { seedEnvError } from './environment.js';

const HELP = `Create, delete and inspect the simulated cluster kept in the state file.

 The state file is chosen by --state, else $KUBESIM_STATE, else ~/.kube/kubesim/state.json. Any command creates
the default cluster on first use; 'cluster create' makes one with a chosen name, seed or shape.

Examples:
  # A new cluster whose names, IPs and load-balancing choices repeat exactly for the same commands
  kubesim cluster create --seed 42

  # A cluster without a load-balancer provider: LoadBalancer services stay <pending>
  kubesim cluster create --no-load-balancer

  # Show where the control plane and CoreDNS run
  kubesim cluster info

  # Remove the cluster (and its state file)
  kubesim cluster delete

Usage:
  kubesim cluster create [--name NAME] [--seed N] [--workers N] [--no-load-balancer] [--workstation-reaches-pods]
  kubesim cluster delete
  kubesim cluster info
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('cluster', io, HELP));
  cmd
    .option('--name <name>', 'cluster name', 'kind')
    .option('--seed <n>', 'seed of the random source')
    .option('--workers <n>', 'number of worker nodes', '3')
    .option('--no-load-balancer', 'no load-balancer provider')
    .option('--workstation-reaches-pods', 'route pod IPs from the workstation, as kind on Linux does');
  if (!parseArgs(cmd, argv, 'cluster')) return 0;
  const opts = cmd.opts();
  const [action, ...rest] = cmd.args;
  if (rest.length) throw new CommandError(`unexpected arguments: ${rest.join(' ')}`, { usageOf: 'cluster' });
  const path = resolveStatePath(opts.state, io.env);
  switch (action) {
    case 'create': {
      const seedText = opts.seed ?? (io.env.KUBESIM_SEED || '1');
      const seed = parseSeed(seedText);
      if (seed === undefined) {
        if (opts.seed === undefined) throw seedEnvError(seedText);
        throw new CommandError(`invalid argument "${seedText}" for "--seed" flag: must be ${SEED_RANGE}`);
      }
      const workers = Number(opts.workers);
      if (!Number.isInteger(workers) || workers < 0 || workers > 250) throw new CommandError(`invalid argument "${opts.workers}" for "--workers" flag: must be 0-250`);
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(opts.name)) throw new CommandError(`invalid cluster name "${opts.name}": must be a lowercase RFC 1123 label`);
      const clock = clockFromEnv(io.env);
      const state = await withLock(path, () => {
        if (readState(path)) {
          throw new CommandError(`a cluster already exists in "${path}"; remove it first with 'kubesim cluster delete'`);
        }
        const s = createCluster({ name: opts.name, seed, now: clock.now(), loadBalancer: opts.loadBalancer !== false, workers });
        if (opts.workstationReachesPods) s.cluster.workstationReachesPods = true;
        writeStateAtomic(path, s, clock.now().getTime());
        return s;
      });
      const workerCount = state.cluster.nodes.length - 1;
      io.stdout.write(
        `Cluster "${state.cluster.name}" created (seed ${seed}): 1 control-plane node, ${workerCount} worker${workerCount === 1 ? '' : 's'}` +
          `${state.cluster.loadBalancerPool ? ', load-balancer pool ' + state.cluster.loadBalancerPool.first + '-' + state.cluster.loadBalancerPool.last.split('.').pop() : ', no load-balancer'}.\n` +
          `State file: ${path}\n`,
      );
      return 0;
    }
    case 'delete': {
      // An explicit delete also clears a damaged file: it is the way out the damage message names.
      const name = await withLock(path, () => {
        let n = 'kind';
        try {
          n = readState(path)?.cluster.name ?? n;
        } catch {
          /* damaged: removed all the same */
        }
        return removeState(path) ? n : undefined;
      });
      if (name === undefined) {
        io.stderr.write(`No cluster in "${path}"; nothing to delete.\n`);
        return 0;
      }
      io.stdout.write(`Deleted cluster "${name}" (${path}).\n`);
      return 0;
    }
    case 'info':
    case undefined: {
      if (action === undefined) throw new CommandError('one of create, delete or info is required', { usageOf: 'cluster' });
      const session = new Session(opts, io);
      const { state } = await session.read();
      const server = `https://${state.cluster.nodes[0].internalIP}:6443`;
      const { Chalk } = await import('chalk');
      const c = new Chalk({ level: io.stdout.isTTY && !io.env.NO_COLOR ? 1 : 0 });
      io.stdout.write(
        `${c.green('Kubernetes control plane')} is running at ${c.yellow(server)}\n` +
          `${c.green('CoreDNS')} is running at ${c.yellow(`${server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy`)}\n\n` +
          `To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`,
      );
      return 0;
    }
    default:
      throw new CommandError(`unknown cluster action "${action}": use create, delete or info`, { usageOf: 'cluster' });
  }
}
