// `kubesim cordon|uncordon|drain NODE...`: mark nodes (un)schedulable, and empty a node through the eviction
// subresource as kubectl's drain helper does: the same pod filters, warnings, error lists and lines, evictions
// retried every 5 s of simulated time while a PodDisruptionBudget refuses them, --timeout on that clock.
import { CommandError, KubeError, notFound, StatusError } from '../api/errors.js';
import { matches, parseSelector, type Selector } from '../api/labels.js';
import { findResource, qualifiedKind, qualifiedResource } from '../api/resources.js';
import type { KubeObject, Pod } from '../api/types.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import type { Ctx } from '../cluster/context.js';
import { goDurationString } from '../util/goparse.js';
import { addGlobalFlags, durationFlag, intFlag, newCommand, parseArgs } from './common.js';
import type { CliIO, Verb } from './io.js';
import { Session } from './session.js';
import { dryRunOf, type DryRun } from './write-manifests.js';

type PodObj = Pod & KubeObject;

const DAEMONSET_FATAL = 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
const DAEMONSET_WARNING = 'ignoring DaemonSet-managed Pods';
const LOCAL_STORAGE_FATAL = 'Pods with local storage (use --delete-emptydir-data to override)';
const LOCAL_STORAGE_WARNING = 'deleting Pods with local storage';
const UNMANAGED_FATAL = 'cannot delete Pods that declare no controller (use --force to override)';
const UNMANAGED_WARNING = 'deleting Pods that declare no controller';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** How long kubectl's drain helper sleeps before it asks again after a 429. */
const RETRY_MS = 5000;

const suffix = (d: DryRun) => (d === 'client' ? ' (dry run)' : d === 'server' ? ' (server dry run)' : '');

interface NodeOptions {
  dryRun: DryRun;
  selector?: string;
}

/** The nodes named (or selected), as kubectl's builder resolves them; NotFound before anything is done. */
function resolveNodes(state: ClusterState, verb: string, args: string[], o: NodeOptions): KubeObject[] {
  if (args.length && o.selector) throw new CommandError('cannot specify both a node name and a --selector option', { usageOf: verb });
  if (!args.length && o.selector === undefined) throw new CommandError(`USAGE: ${verb} NODE [flags]`, { usageOf: verb });
  if (o.selector !== undefined) {
    const sel = parseSelector(o.selector);
    return listObjects(state, 'nodes').filter((n) => matches(sel, n.metadata.labels ?? {}));
  }
  const out: KubeObject[] = [];
  for (const a of args) {
    const slash = a.indexOf('/');
    const info = slash < 0 ? findResource('nodes') : findResource(a.slice(0, slash));
    const name = slash < 0 ? a : a.slice(slash + 1);
    if (!info) throw new CommandError(`the server doesn't have a resource type "${a.slice(0, slash)}"`);
    if (info.resource !== 'nodes') {
      // kubectl looks the object up and then skips it: only nodes are cordoned.
      const obj = getObject(state, info.resource, info.namespaced ? 'default' : undefined, name);
      if (!obj) throw notFound(qualifiedResource(info), name);
      out.push({ ...obj, kind: info.kind, apiVersion: info.group ? `${info.group}/${info.version}` : info.version });
      continue;
    }
    const node = getObject(state, 'nodes', undefined, name);
    if (!node) throw notFound('nodes', name);
    out.push(node);
  }
  return out;
}

/** kubectl's RunCordonOrUncordon: a line per node; failures are printed and do not stop the others. */
function cordonNodes(state: ClusterState, ctx: Ctx, nodes: KubeObject[], desired: boolean, dryRun: DryRun, io: CliIO): Promise<void> | void {
  const word = desired ? 'cordoned' : 'uncordoned';
  for (const node of nodes) {
    if (node.kind !== 'Node') {
      const info = findResource(node.kind)!;
      io.stdout.write(`${qualifiedKind(info)}/${node.metadata.name} skipped${suffix(dryRun)}\n`);
      continue;
    }
    const current = getObject(state, 'nodes', undefined, node.metadata.name) ?? node;
    if (!!(current.spec as { unschedulable?: boolean } | undefined)?.unschedulable === desired) {
      io.stdout.write(`node/${node.metadata.name} already ${word}${suffix(dryRun)}\n`);
      continue;
    }
    if (dryRun !== 'client') {
      const next = structuredClone(current);
      const spec = (next.spec ??= {}) as { unschedulable?: boolean };
      if (desired) spec.unschedulable = true;
      else delete spec.unschedulable;
      try {
        updateNode(state, ctx, next, dryRun === 'server');
      } catch (e) {
        if (!(e instanceof KubeError)) throw e;
        io.stderr.write(`error: unable to ${desired ? 'cordon' : 'uncordon'} node "${node.metadata.name}": ${e.message}\n`);
        continue;
      }
    }
    io.stdout.write(`node/${node.metadata.name} ${word}${suffix(dryRun)}\n`);
  }
}

let updateNode: (state: ClusterState, ctx: Ctx, node: KubeObject, dryRun: boolean) => void;

async function loadWriters(): Promise<void> {
  const { updateObject } = await import('../cluster/apiserver.js');
  updateNode = (state, ctx, node, dryRun) => void updateObject(state, ctx, node, { namespace: 'default', dryRun, manager: { manager: 'kubectl' } });
}

async function runCordon(argv: string[], io: CliIO, desired: boolean): Promise<number> {
  const verb = desired ? 'cordon' : 'uncordon';
  const cmd = addGlobalFlags(newCommand(verb, io, desired ? CORDON_HELP : UNCORDON_HELP));
  cmd.option('--dry-run [strategy]', 'none, server or client').option('-l, --selector <selector>', 'label selector');
  if (!parseArgs(cmd, argv, verb)) return 0;
  const o = cmd.opts();
  const dryRun = dryRunOf(o.dryRun);
  await loadWriters();
  const session = new Session(o, io);
  await session.change((state, ctx) => {
    const nodes = resolveNodes(state, verb, cmd.args, { dryRun, selector: o.selector });
    cordonNodes(state, ctx, nodes, desired, dryRun, io);
  });
  return 0;
}

export const cordonVerb: Verb = { run: (argv, io) => runCordon(argv, io, true) };
export const uncordonVerb: Verb = { run: (argv, io) => runCordon(argv, io, false) };

// ---------------------------------------------------------------------------------------------------------
// drain

interface DrainOptions {
  force: boolean;
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  disableEviction: boolean;
  podSelector: Selector;
  timeoutMs: number;
  gracePeriod: number;
  dryRun: DryRun;
}

type Verdict = { delete: boolean; kind: 'okay' | 'skip' | 'warning' | 'error'; message?: string };
const OKAY: Verdict = { delete: true, kind: 'okay' };

const finished = (p: PodObj) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const controllerOf = (p: PodObj) => p.metadata.ownerReferences?.find((r) => r.controller);

/** kubectl's pod filters, in its order; the first that keeps a pod decides, else the last one's word stands. */
function podVerdict(state: ClusterState, p: PodObj, o: DrainOptions): Verdict {
  const filters: (() => Verdict)[] = [
    () => {
      const ref = controllerOf(p);
      if (!ref || ref.kind !== 'DaemonSet' || finished(p)) return OKAY;
      if (!getObject(state, 'daemonsets', p.metadata.namespace, ref.name)) {
        const msg = `daemonsets.apps "${ref.name}" not found`;
        return o.force ? { delete: true, kind: 'warning', message: msg } : { delete: false, kind: 'error', message: msg };
      }
      return o.ignoreDaemonSets ? { delete: false, kind: 'warning', message: DAEMONSET_WARNING } : { delete: false, kind: 'error', message: DAEMONSET_FATAL };
    },
    () => (p.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined ? { delete: false, kind: 'skip' } : OKAY),
    () => {
      if (!(p.spec?.volumes ?? []).some((v) => v.emptyDir) || finished(p)) return OKAY;
      return o.deleteEmptyDirData ? { delete: true, kind: 'warning', message: LOCAL_STORAGE_WARNING } : { delete: false, kind: 'error', message: LOCAL_STORAGE_FATAL };
    },
    () => {
      if (finished(p) || controllerOf(p)) return OKAY;
      return o.force ? { delete: true, kind: 'warning', message: UNMANAGED_WARNING } : { delete: false, kind: 'error', message: UNMANAGED_FATAL };
    },
  ];
  let v = OKAY;
  for (const f of filters) {
    v = f();
    if (!v.delete) break;
  }
  return v;
}

/** Messages with the pods they name, in the order the messages first appear (kubectl's map has none). */
function grouped(items: { pod: PodObj; v: Verdict }[], kind: 'warning' | 'error'): [string, string[]][] {
  const m = new Map<string, string[]>();
  for (const { pod, v } of items) {
    if (v.kind !== kind) continue;
    const msg = v.message || 'unexpected error';
    m.set(msg, [...(m.get(msg) ?? []), `${pod.metadata.namespace}/${pod.metadata.name}`]);
  }
  return [...m];
}

interface PodList {
  items: { pod: PodObj; v: Verdict }[];
  errors: string[];
  warnings: string;
  toDelete: PodObj[];
}

function podsForDeletion(state: ClusterState, node: string, o: DrainOptions): PodList {
  const pods = listObjects<PodObj>(state, 'pods')
    .filter((p) => p.spec?.nodeName === node && matches(o.podSelector, p.metadata.labels ?? {}))
    .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const items = pods.map((pod) => ({ pod, v: podVerdict(state, pod, o) }));
  return {
    items,
    errors: grouped(items, 'error').map(([msg, names]) => `cannot delete ${msg}: ${names.join(', ')}`),
    warnings: grouped(items, 'warning').map(([msg, names]) => `${msg}: ${names.join(', ')}`).join('; '),
    toDelete: items.filter((i) => i.v.delete).map((i) => i.pod),
  };
}

/** utilerrors.Aggregate's Error(): one message as it is, several in brackets. */
const aggregate = (errs: string[]) => (errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('drain', io, DRAIN_HELP));
  cmd
    .option('--chunk-size <n>', 'list chunk size', intFlag('drain', '--chunk-size'))
    .option('--delete-emptydir-data', 'continue even if there are pods using emptyDir')
    .option('--disable-eviction', 'delete instead of evicting')
    .option('--dry-run [strategy]', 'none, server or client')
    .option('--force', 'continue even if there are pods that do not declare a controller')
    .option('--grace-period <seconds>', 'grace period', intFlag('drain', '--grace-period'))
    .option('--ignore-daemonsets', 'ignore DaemonSet-managed pods')
    .option('--pod-selector <selector>', 'label selector for the pods on the node')
    .option('-l, --selector <selector>', 'label selector for the nodes')
    .option('--skip-wait-for-delete-timeout <seconds>', 'skip waiting for pods deleted that long ago', intFlag('drain', '--skip-wait-for-delete-timeout'))
    .option('--timeout <duration>', 'give up after this long', durationFlag('drain', '--timeout'));
  if (!parseArgs(cmd, argv, 'drain')) return 0;
  const f = cmd.opts();
  const dryRun = dryRunOf(f.dryRun);
  let podSelector: Selector = [];
  if (f.podSelector !== undefined) {
    try {
      podSelector = parseSelector(f.podSelector);
    } catch {
      throw new CommandError('--pod-selector=<pod_selector> must be a valid label selector');
    }
  }
  const o: DrainOptions = {
    force: !!f.force,
    ignoreDaemonSets: !!f.ignoreDaemonsets,
    deleteEmptyDirData: !!f.deleteEmptydirData,
    disableEviction: !!f.disableEviction,
    podSelector,
    timeoutMs: f.timeout ?? 0,
    gracePeriod: f.gracePeriod ?? -1,
    dryRun,
  };
  await loadWriters();
  const { evictPod } = await import('../cluster/eviction.js');
  const { deleteObject, resourceOf } = await import('../cluster/apiserver.js');
  const { reconcile } = await import('../cluster/controllers.js');
  const session = new Session(f, io);

  const nodes = await session.change((state, ctx) => {
    const found = resolveNodes(state, 'drain', cmd.args, { dryRun, selector: f.selector });
    cordonNodes(state, ctx, found, true, dryRun, io);
    return found.filter((n) => n.kind === 'Node').map((n) => n.metadata.name);
  });

  const fatal: string[][] = [];
  const remaining: string[] = [];
  for (const node of nodes) {
    const errs = await drainNode(node);
    if (errs.length === 0) io.stdout.write(`node/${node} drained${suffix(dryRun)}\n`);
    else {
      io.stderr.write(`error: unable to drain node "${node}" due to error: ${aggregate(errs)}, continuing command...\n`);
      fatal.push(errs);
      remaining.push(node);
    }
  }
  if (remaining.length === 0) return 0;
  io.stderr.write('There are pending nodes to be drained:\n');
  for (const n of remaining) io.stderr.write(` ${n}\n`);
  // cmdutil.CheckErr: one failed node's errors each on a line; several nodes, one line per node.
  const lines = fatal.length === 1 ? fatal[0] : fatal.map(aggregate);
  io.stderr.write(lines.map((l) => `${l}\n`).join(''));
  return 1;

  /** One node: the pods to delete, then evictions (or deletions) until done, refused or out of time. */
  async function drainNode(node: string): Promise<string[]> {
    const first = await session.change((state) => {
      const list = podsForDeletion(state, node, o);
      if (list.errors.length) return { errors: list.errors, pods: [] as PodObj[] };
      if (list.warnings) io.stderr.write(`Warning: ${list.warnings}\n`);
      return { errors: [] as string[], pods: list.toDelete };
    });
    if (first.errors.length) return first.errors;
    const pods = first.pods;
    if (pods.length === 0) return [];
    if (dryRun === 'client') {
      for (const p of pods) io.stdout.write(`evicting pod ${p.metadata.namespace}/${p.metadata.name} (dry run)\n`);
      return [];
    }
    const podsInfo = resourceOf({ apiVersion: 'v1', kind: 'Pod' });
    if (o.disableEviction) {
      await session.change((state, ctx) => {
        for (const p of pods) {
          if (!getObject(state, 'pods', p.metadata.namespace, p.metadata.name)) continue;
          deleteObject(state, ctx, podsInfo, p.metadata.namespace, p.metadata.name, { dryRun: dryRun === 'server', reconcile: false });
        }
        reconcile(state, ctx);
        if (dryRun === 'none') for (const p of pods) io.stdout.write(`pod/${p.metadata.name} deleted\n`);
      });
      return [];
    }
    // Each pod's eviction loop, as kubectl's goroutines run it, stepped together on the simulated clock.
    const errors: string[] = [];
    let pending = pods;
    let elapsed = 0;
    for (;;) {
      const outcome = await session.change((state, ctx) => {
        if (elapsed > 0) {
          state.clockOffsetMs = (state.clockOffsetMs ?? 0) + RETRY_MS;
          reconcile(state, ctx);
        }
        const retry: PodObj[] = [];
        const evicted: PodObj[] = [];
        for (const p of pending) {
          io.stdout.write(`evicting pod ${p.metadata.namespace}/${p.metadata.name}${dryRun === 'server' ? ' (server dry run)' : ''}\n`);
          if (o.timeoutMs > 0 && elapsed >= o.timeoutMs) {
            errors.push(`error when evicting pods/"${p.metadata.name}" -n "${p.metadata.namespace}": global timeout reached: ${goDurationString(o.timeoutMs)}`);
            continue;
          }
          try {
            const live = getObject<PodObj>(state, 'pods', p.metadata.namespace, p.metadata.name);
            // A pod of the same name but another uid is a new pod: the one asked for is gone.
            if (!live || live.metadata.uid !== p.metadata.uid) continue;
            evictPod(state, ctx, p.metadata.namespace!, p.metadata.name, { dryRun: dryRun === 'server', gracePeriodSeconds: o.gracePeriod });
            evicted.push(p);
          } catch (e) {
            if (e instanceof StatusError && e.code === 429) {
              io.stderr.write(`error when evicting pods/"${p.metadata.name}" -n "${p.metadata.namespace}" (will retry after 5s): ${e.message}\n`);
              retry.push(p);
            } else if (e instanceof StatusError && e.code === 404) continue;
            else if (e instanceof KubeError) errors.push(`error when evicting pods/"${p.metadata.name}" -n "${p.metadata.namespace}": ${e.message}`);
            else throw e;
          }
        }
        reconcile(state, ctx);
        if (dryRun === 'none') for (const p of evicted) io.stdout.write(`pod/${p.metadata.name} evicted\n`);
        return { retry, settled: state.unsettled?.length === 0 };
      });
      pending = outcome.retry;
      if (pending.length === 0) break;
      // Nothing left to happen on its own and no deadline: kubectl would retry forever; pace it in real time
      // so that another command (a scale, a budget deleted) can change the answer, and Ctrl-C ends it.
      if (o.timeoutMs === 0 && outcome.settled) await sleep(RETRY_MS);
      elapsed += RETRY_MS;
    }
    if (errors.length) {
      // kubectl lists what is still on the node before it gives up on it.
      const still = await session.change((state) => podsForDeletion(state, node, o).toDelete);
      if (still.length) {
        io.stderr.write(`There are pending pods in node "${node}" when an error occurred: ${aggregate(errors)}\n`);
        for (const p of still) io.stderr.write(`pod/${p.metadata.name}\n`);
      }
    }
    return errors;
  }
}

// The interface (usage, flags, defaults, examples) is kubectl's; the words say what kubesim does.
const CORDON_HELP = `Mark a node unschedulable: spec.unschedulable becomes true, the node lifecycle controller adds the
node.kubernetes.io/unschedulable:NoSchedule taint, \`get nodes\` shows SchedulingDisabled, and the scheduler places
no new pod there. Pods already on the node keep running.

Examples:
  # Mark node "foo" as unschedulable
  kubectl cordon foo

Options:
    --dry-run='none':
	Must be "none", "server", or "client". client: print what would change and change nothing; server: the
	API server checks the change and stores nothing.

    -l, --selector='':
	Cordon the nodes whose labels match this selector (supports '=', '==', '!=', in, notin, exists) instead of
	naming them.

Usage:
  kubectl cordon NODE [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const UNCORDON_HELP = `Make a cordoned node schedulable again: spec.unschedulable is cleared, its unschedulable taint goes, and the
scheduler may place pods there (pods evicted earlier do not come back by themselves).

Examples:
  # Mark node "foo" as schedulable
  kubectl uncordon foo

Options:
    --dry-run='none':
	Must be "none", "server", or "client". client: print what would change and change nothing; server: the
	API server checks the change and stores nothing.

    -l, --selector='':
	Uncordon the nodes whose labels match this selector instead of naming them.

Usage:
  kubectl uncordon NODE [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const DRAIN_HELP = `Empty a node before maintenance. The node is cordoned first, then each of its pods is evicted through the
eviction API, which refuses (429) while the pod's PodDisruptionBudget allows no disruption; a refused eviction
is asked again every 5 seconds of simulated time until it succeeds or --timeout runs out. Controllers replace
evicted pods on the other nodes.

 Some pods stop the drain unless a flag allows them: DaemonSet pods (their controller would put them straight
back; --ignore-daemonsets leaves them running), pods with emptyDir volumes (their data is lost;
--delete-emptydir-data), and pods no controller manages (nothing recreates them; --force). Mirror pods of
static pods are left alone. Use uncordon to let pods back onto the node.

Examples:
  # Drain node "foo", even if there are pods not managed by a replication controller, replica set, job, daemon set, or stateful set on it
  kubectl drain foo --force
  
  # As above, but abort if there are pods not managed by a replication controller, replica set, job, daemon set, or stateful set, and use a grace period of 15 minutes
  kubectl drain foo --grace-period=900

Options:
    --chunk-size=500:
	Accepted for compatibility: kubesim lists in one piece.

    --delete-emptydir-data=false:
	Evict pods that use emptyDir volumes too (their data goes with them).

    --disable-eviction=false:
	Delete the pods instead of evicting them, which skips the PodDisruptionBudget check.

    --dry-run='none':
	Must be "none", "server", or "client". client: list what would be evicted and change nothing; server:
	the API server checks each eviction (budgets included) and stores nothing.

    --force=false:
	Evict pods that no controller manages as well (nothing will recreate them).

    --grace-period=-1:
	Seconds each pod gets to stop; negative uses the pod's own. kubesim's pods stop at once.

    --ignore-daemonsets=false:
	Leave DaemonSet-managed pods running instead of refusing to drain.

    --pod-selector='':
	Only evict the pods on the node whose labels match this selector.

    -l, --selector='':
	Drain the nodes whose labels match this selector instead of naming them.

    --skip-wait-for-delete-timeout=0:
	Accepted for compatibility: kubesim's pods are gone as soon as they are deleted.

    --timeout=0s:
	How long (simulated time) to keep trying before giving up; zero means no limit.

Usage:
  kubectl drain NODE [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
