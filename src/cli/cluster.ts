// `kubesim cluster create|delete|info`: the simulated cluster's lifecycle (kind-like), and cluster-info.
import { existsSync } from 'node:fs';
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

 The default cluster "kind" keeps its state in --state, else $KUBESIM_STATE, else ~/.kube/kubesim/state.json, and
any command creates it on first use. 'cluster create --name NAME' makes another one (its state under
clusters/NAME/ beside the default one), adds the cluster, user and context "kind-NAME" to the kubeconfig
(--kubeconfig, else $KUBECONFIG, else kubesim's own file beside the state) and makes that context current, as
kind does; 'cluster delete --name NAME' removes them again.

 --config FILE reads a cluster config (kind: Cluster, apiVersion: kubesim.dev/v1alpha1): its nodes, pod and
service subnets, per-node podCIDR size, NodePort range, cluster domain, load-balancer pool, kube-proxy mode
(iptables, ipvs or nftables), CNI (kindnet, or calico-like /26 blocks and a tunnel), container runtime and seed.
The state keeps it, so every later command routes, allocates and prints by it. --name and --seed given on the
command line win over the file's; --workers cannot be combined with it.

Examples:
  # A new cluster whose names, IPs and load-balancing choices repeat exactly for the same commands
  kubesim cluster create --seed 42

  # A cluster without a load-balancer provider: LoadBalancer services stay <pending>
  kubesim cluster create --no-load-balancer

  # A cluster shaped by a config file: node names and IPs, subnets, kube-proxy mode, CNI, runtime
  # (schema: docs/cluster-config.md; examples: manifests/clusters/)
  kubesim cluster create --config manifests/clusters/k8s-lab.yaml

  # Show where the control plane and CoreDNS run
  kubesim cluster info

  # Remove the cluster (and its state file)
  kubesim cluster delete [--name NAME] [--kubeconfig FILE]

Usage:
  kubesim cluster create [--name NAME] [--kubeconfig FILE] [--seed N] [--workers N] [--no-load-balancer] [--workstation-reaches-pods]
  kubesim cluster create --config FILE [--name NAME] [--kubeconfig FILE] [--seed N] [--no-load-balancer] [--workstation-reaches-pods]
  kubesim cluster delete [--name NAME] [--kubeconfig FILE]
  kubesim cluster info
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('cluster', io, HELP));
  cmd
    .option('--name <name>', 'cluster name', 'kind')
    .option('--seed <n>', 'seed of the random source')
    .option('--config <file>', 'a cluster config file (kind: Cluster, apiVersion: kubesim.dev/v1alpha1)')
    .option('--workers <n>', 'number of worker nodes', '3')
    .option('--no-load-balancer', 'no load-balancer provider')
    .option('--workstation-reaches-pods', 'route pod IPs from the workstation, as kind on Linux does');
  if (!parseArgs(cmd, argv, 'cluster')) return 0;
  const opts = cmd.opts();
  const [action, ...rest] = cmd.args;
  if (rest.length) throw new CommandError(`unexpected arguments: ${rest.join(' ')}`, { usageOf: 'cluster' });
  // A config file is read (and refused) before anything is touched; its name names the cluster unless --name does.
  let shape: import('../cluster/cluster-config.js').ParsedClusterConfig | undefined;
  if (opts.config !== undefined) {
    if (action !== 'create') throw new CommandError('--config applies to cluster create only', { usageOf: 'cluster' });
    if (cmd.getOptionValueSource('workers') === 'cli') throw new CommandError('--workers cannot be used with --config: the config file lists the nodes', { usageOf: 'cluster' });
    const cc = await import('../cluster/cluster-config.js');
    try {
      shape = await cc.readClusterConfig(opts.config, { name: opts.name, seed: 1, loadBalancer: opts.loadBalancer !== false });
    } catch (e) {
      if (e instanceof cc.ClusterConfigError) throw new CommandError(e.message);
      throw e;
    }
    if (shape.named && cmd.getOptionValueSource('name') !== 'cli') opts.name = shape.config.name;
    if (opts.loadBalancer === false) shape.config.loadBalancerPool = null;
  }
  // create and delete name their cluster (kind's way); info works on the current context's.
  const named = action === 'create' || action === 'delete' ? await namedCluster(opts, io) : undefined;
  const path = named?.statePath ?? resolveStatePath(opts.state, io.env);
  switch (action) {
    case 'create': {
      // --seed, else the config file's seed, else $KUBESIM_SEED, else 1.
      const seedText = opts.seed ?? (shape?.seeded ? String(shape.config.seed) : undefined) ?? (io.env.KUBESIM_SEED || '1');
      const seed = parseSeed(seedText);
      if (seed === undefined) {
        if (opts.seed === undefined) throw seedEnvError(seedText);
        throw new CommandError(`invalid argument "${seedText}" for "--seed" flag: must be ${SEED_RANGE}`);
      }
      const workers = Number(opts.workers);
      if (!Number.isInteger(workers) || workers < 0 || workers > 250) throw new CommandError(`invalid argument "${opts.workers}" for "--workers" flag: must be 0-250`);
      const clock = clockFromEnv(io.env);
      const state = await withLock(path, () => {
        if (readState(path)) {
          throw new CommandError(`a cluster already exists in "${path}"; remove it first with 'kubesim cluster delete'`);
        }
        const s = createCluster({ name: opts.name, seed, now: clock.now(), loadBalancer: opts.loadBalancer !== false, workers, shape: shape?.config });
        if (opts.workstationReachesPods) s.cluster.workstationReachesPods = true;
        writeStateAtomic(path, s, clock.now().getTime());
        return s;
      });
      const context = await named!.register();
      const workerCount = state.cluster.nodes.length - 1;
      io.stdout.write(
        `Cluster "${state.cluster.name}" created (seed ${seed}): 1 control-plane node, ${workerCount} worker${workerCount === 1 ? '' : 's'}` +
          (shape ? `, kube-proxy ${state.cluster.kubeProxyMode ?? 'iptables'}, CNI ${state.cluster.cni?.plugin ?? 'kindnet'}, runtime ${state.cluster.containerRuntime ?? 'containerd'}` : '') +
          `${state.cluster.loadBalancerPool ? ', load-balancer pool ' + state.cluster.loadBalancerPool.first + '-' + state.cluster.loadBalancerPool.last.split('.').pop() : ', no load-balancer'}.\n` +
          `State file: ${path}\n` +
          (context ? `Set kubectl context to "${context}"\n` : ''),
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
      await named!.unregister();
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

interface NamedCluster {
  statePath: string;
  /** Adds the cluster, user and context to the kubeconfig and makes the context current; returns its name when written. */
  register(): Promise<string | undefined>;
  /** Removes them (an empty current-context when it was this one, as kind leaves it). */
  unregister(): Promise<void>;
}

/** The state of the cluster --name names, and its kubeconfig entries ("kind-NAME", as kind names them). */
async function namedCluster(opts: Record<string, string | undefined>, io: CliIO): Promise<NamedCluster> {
  const name = opts.name ?? 'kind';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new CommandError(`invalid cluster name "${name}": must be a lowercase RFC 1123 label`);
  const kcMod = await import('../store/kubeconfig.js');
  const kc = await kcMod.loadKubeconfig({ kubeconfig: opts.kubeconfig, state: opts.state }, io.env);
  const entry = `kind-${name}`;
  const known = kc.clusters.get(entry);
  const statePath = known ? kcMod.statePathOf(kc, known) : kcMod.statePathForName(name, kc.home, kc.basePath);
  // kubesim's own file that does not exist yet already holds the default cluster: nothing to write for it.
  const ownUnwritten = kc.own && !existsSync(kc.files[0].path);
  return {
    statePath,
    async register() {
      if (name === 'kind' && ownUnwritten) return undefined;
      const file = kcMod.fileOf(kc, kc.clusters.get(entry)?.origin);
      const d = kcMod.defaultEntries(name, kcMod.relativeRef(file.path, statePath));
      const touched = new Set([
        kcMod.putEntry(kc, 'clusters', entry, { ...(known?.body ?? {}), ...d.cluster }),
        kcMod.putEntry(kc, 'users', entry, kc.users.get(entry)?.body ?? d.user),
        kcMod.putEntry(kc, 'contexts', entry, { ...(kc.contexts.get(entry)?.body ?? {}), ...d.context }),
      ]);
      const cur = kcMod.currentContextFile(kc);
      for (const f of kc.files) if (f.doc && f !== cur && f.doc.currentContext) f.doc.currentContext = '';
      cur.doc!.currentContext = entry;
      touched.add(cur);
      for (const f of touched) await kcMod.writeKubeconfigFile(kc, f, io.env);
      return entry;
    },
    async unregister() {
      if (name === 'kind' && ownUnwritten) return;
      const touched = new Set<import('../store/kubeconfig.js').KubeconfigFile>();
      for (const section of ['clusters', 'users', 'contexts'] as const) {
        if (kc[section].has(entry)) touched.add(kcMod.putEntry(kc, section, entry, undefined));
      }
      for (const f of kc.files) {
        if (f.doc?.currentContext === entry) {
          f.doc.currentContext = '';
          touched.add(f);
        }
      }
      for (const f of touched) await kcMod.writeKubeconfigFile(kc, f, io.env);
    },
  };
}
