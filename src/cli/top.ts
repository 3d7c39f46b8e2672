// `kubesim top pod|node`: resource usage from a simulated metrics-server. Like kind, a fresh cluster has none
// ("error: Metrics API not available"); once a metrics-server Deployment in kube-system has a ready pod, the
// Metrics API answers. Usage is derived, deterministically, from each container's requests, its process kind
// and the requests its app served in the last minute (the app's log lines), plus each node's own daemons.
import { createHash } from 'node:crypto';
import { CLI_NAME, CommandError, ExitError, StatusError } from '../api/errors.js';
import { matches, parseSelector } from '../api/labels.js';
import { parseQuantity, quantityMilliValue, quantityValue } from '../api/quantity.js';
import type { Container, KubeObject, Pod } from '../api/types.js';
import { mainProcess } from '../apps/images.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { Session } from './session.js';

const TOP_HELP = `Show how much CPU and memory nodes and pods use.

 kubesim's usage comes from a simulated metrics-server: like kind, a new cluster has none, and top then fails
 with "Metrics API not available". Create a Deployment named metrics-server in kube-system (for example
 kubectl create deployment metrics-server -n kube-system --image=registry.k8s.io/metrics-server/metrics-server:v0.7.2);
 once its pod is ready, usage is reported, derived from each container's requests and the requests its app
 served in the last minute.

Available Commands:
  node          Display resource (CPU/memory) usage of nodes
  pod           Display resource (CPU/memory) usage of pods

Usage:
  kubectl top [flags] [options]

Use "kubectl top <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const POD_HELP = `Show the CPU and memory used by pods (and with --containers, by each container).

Examples:
  # Show metrics for all pods in the default namespace
  kubectl top pod
  
  # Show metrics for all pods in the given namespace
  kubectl top pod --namespace=NAMESPACE
  
  # Show metrics for a given pod and its containers
  kubectl top pod POD_NAME --containers
  
  # Show metrics for the pods defined by label name=myLabel
  kubectl top pod -l name=myLabel

Options:
    -A, --all-namespaces=false:
	Pods of every namespace.

    --containers=false:
	One line per container.

    --field-selector='':
	Accepted for compatibility; kubesim supports only metadata.name=NAME.

    --no-headers=false:
	Leave out the header line.

    -l, --selector='':
	Label selector choosing the pods.

    --sort-by='':
	cpu or memory: the largest first.

    --sum=false:
	Add a line with the totals.

    --use-protocol-buffers=true:
	Accepted for compatibility.

Usage:
  kubectl top pod [NAME | -l label] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const NODE_HELP = `Show the CPU and memory used by nodes, and the share of what is allocatable.

Examples:
  # Show metrics for all nodes
  kubectl top node
  
  # Show metrics for a given node
  kubectl top node NODE_NAME

Options:
    --no-headers=false:
	Leave out the header line.

    -l, --selector='':
	Label selector choosing the nodes.

    --show-capacity=false:
	Percentages of the nodes' capacity instead of their allocatable resources.

    --sort-by='':
	cpu or memory: the largest first.

    --use-protocol-buffers=true:
	Accepted for compatibility.

Usage:
  kubectl top node [NAME | -l label] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const MI = 1024 * 1024;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const sub = argv.find((a) => !a.startsWith('-'));
  const rest = argv.filter((_, i) => i !== argv.indexOf(sub ?? ''));
  if (sub === 'pod' || sub === 'pods' || sub === 'po') return topPods(rest, io);
  if (sub === 'node' || sub === 'nodes' || sub === 'no') return topNodes(rest, io);
  if (sub === undefined) {
    io.stdout.write(TOP_HELP);
    return 0;
  }
  io.stderr.write(`Error: unknown command "${sub}"\nSee '${CLI_NAME} top -h' for help and examples\n`);
  return 0;
}

interface TopOptions {
  namespace?: string;
  allNamespaces?: boolean;
  state?: string;
  selector?: string;
  sortBy?: string;
  containers?: boolean;
  sum?: boolean;
  showCapacity?: boolean;
  fieldSelector?: string;
}

function commonFlags(cmd: ReturnType<typeof newCommand>): void {
  cmd.option('-l, --selector <selector>').option('--sort-by <what>').option('--no-headers').option('--use-protocol-buffers');
}

/** The Metrics API is served while a metrics-server pod in kube-system is ready. */
function metricsAvailable(state: ClusterState): boolean {
  return listObjects<Pod>(state, 'pods', 'kube-system').some(
    (p) => (p.metadata.name.startsWith('metrics-server') || p.metadata.labels?.['k8s-app'] === 'metrics-server') && !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
}

function checkSort(sortBy: string | undefined): void {
  if (sortBy && sortBy !== 'cpu' && sortBy !== 'memory') throw new CommandError('--sort-by accepts only cpu or memory');
}

/** A stable per-name fraction in [0, 1): usage that differs between pods without any randomness. */
function jitter(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

interface Usage {
  nanoCores: number;
  bytes: number;
}

/** One container's usage: a share of its requests, its process's baseline, and 0.5m per request served in the last minute. */
function containerUsage(state: ClusterState, pod: Pod & KubeObject, c: Container, nowMs: number): Usage {
  const req = c.resources?.requests ?? {};
  const cpuReq = req.cpu !== undefined ? Number(quantityMilliValue(parseQuantity(req.cpu)!)) : 0;
  const memReq = req.memory !== undefined ? Number(quantityValue(parseQuantity(req.memory)!)) : 0;
  const proc = mainProcess(c.image ?? '', c.command, c.args);
  const server = proc.kind === 'server';
  const j = jitter(`${pod.metadata.uid}/${c.name}`);
  const lines = state.logs[`${pod.metadata.namespace}/${pod.metadata.name}/${c.name}`] ?? [];
  const served = lines.filter((l) => nowMs - Date.parse(l.time) < 60_000 && Date.parse(l.time) <= nowMs).length;
  const milli = (server ? 1 : 0) + cpuReq * 0.02 + served * 0.5 + j;
  const bytes = Math.max(server ? 6 * MI : 0.5 * MI, memReq * 0.3) * (1 + j * 0.25) + served * 16 * 1024;
  return { nanoCores: Math.round(milli * 1e6), bytes: Math.round(bytes) };
}

/** Pods the metrics-server reports: running ones (it scrapes the kubelets' running containers). */
function podMetrics(state: ClusterState, pod: Pod & KubeObject, nowMs: number): { name: string; usage: Usage }[] | undefined {
  if (pod.status?.phase !== 'Running') return undefined;
  const running = new Set((pod.status.containerStatuses ?? []).filter((s) => s.state?.running).map((s) => s.name));
  return (pod.spec?.containers ?? []).filter((c) => running.has(c.name)).map((c) => ({ name: c.name, usage: containerUsage(state, pod, c, nowMs) }));
}

const cpuText = (n: number) => `${Math.ceil(n / 1e6)}m`;
const memText = (b: number) => `${Math.floor(b / MI)}Mi`;

/** kubectl top prints every cell followed by a tab, so its lines end in padding. */
async function table(rows: string[][]): Promise<string> {
  const { formatTable } = await import('../printers/tabwriter.js');
  return formatTable(rows.map((r) => [...r, '']));
}

async function topPods(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('top pod', io, POD_HELP), { allNamespaces: true });
  commonFlags(cmd);
  cmd.option('--containers').option('--sum').option('--field-selector <s>');
  if (!parseArgs(cmd, argv, 'top pod')) return 0;
  const o = cmd.opts() as TopOptions;
  const noHeaders = (cmd.opts() as { headers?: boolean }).headers === false;
  checkSort(o.sortBy);
  const name = cmd.args[0];
  if (name && o.selector) throw new CommandError('only one of NAME or --selector can be provided');
  const selector = o.selector ? parseSelector(o.selector) : undefined;
  const session = new Session(o, io);
  const { state } = await session.read();
  if (!metricsAvailable(state)) throw new CommandError('Metrics API not available');
  const nowMs = session.clock.now().getTime();
  const ns = o.allNamespaces ? undefined : session.namespace;
  let pods: (Pod & KubeObject)[];
  if (name) {
    const pod = getObject<Pod>(state, 'pods', session.namespace, name);
    if (!pod || !podMetrics(state, pod, nowMs)) throw new StatusError('NotFound', 404, `podmetrics.metrics.k8s.io "${session.namespace}/${name}" not found`);
    pods = [pod];
  } else {
    pods = listObjects<Pod>(state, 'pods', ns).filter((p) => !selector || matches(selector, p.metadata.labels));
    pods.sort((a, b) => cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || cmp(a.metadata.name, b.metadata.name));
  }
  const measured = pods.map((p) => ({ pod: p, containers: podMetrics(state, p, nowMs) })).filter((m) => m.containers !== undefined) as { pod: Pod & KubeObject; containers: { name: string; usage: Usage }[] }[];
  if (measured.length === 0) {
    io.stderr.write(o.allNamespaces ? 'No resources found\n' : `No resources found in ${session.namespace} namespace.\n`);
    return 0;
  }
  const total = (cs: { usage: Usage }[]) => cs.reduce((a, c) => ({ nanoCores: a.nanoCores + Math.ceil(c.usage.nanoCores / 1e6) * 1e6, bytes: a.bytes + c.usage.bytes }), { nanoCores: 0, bytes: 0 });
  if (o.sortBy) {
    const key = (m: (typeof measured)[number]) => (o.sortBy === 'cpu' ? total(m.containers).nanoCores : total(m.containers).bytes);
    measured.sort((a, b) => key(b) - key(a));
  }
  const nsCol = o.allNamespaces ? ['NAMESPACE'] : [];
  const rows: string[][] = [];
  if (!noHeaders) rows.push(o.containers ? [...nsCol, 'POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)'] : [...nsCol, 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  for (const m of measured) {
    const nsCell = o.allNamespaces ? [m.pod.metadata.namespace ?? ''] : [];
    if (o.containers) for (const c of m.containers) rows.push([...nsCell, m.pod.metadata.name, c.name, cpuText(c.usage.nanoCores), memText(c.usage.bytes)]);
    else {
      const t = total(m.containers);
      rows.push([...nsCell, m.pod.metadata.name, cpuText(t.nanoCores), memText(t.bytes)]);
    }
  }
  if (o.sum) {
    const all = total(measured.flatMap((m) => m.containers));
    const blanks = rows[0].length - 2;
    rows.push([...Array(blanks).fill(''), '________', '________']);
    rows.push([...Array(blanks).fill(''), cpuText(all.nanoCores), memText(all.bytes)]);
  }
  io.stdout.write(await table(rows));
  return 0;
}

/** What a node's own daemons use (kubelet, containerd, and on the control plane the static pods' share). */
function nodeBaseline(name: string, controlPlane: boolean): Usage {
  const j = jitter(`node/${name}`);
  return controlPlane ? { nanoCores: Math.round((95 + j * 20) * 1e6), bytes: Math.round((540 + j * 40) * MI) } : { nanoCores: Math.round((18 + j * 8) * 1e6), bytes: Math.round((180 + j * 30) * MI) };
}

async function topNodes(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('top node', io, NODE_HELP));
  commonFlags(cmd);
  cmd.option('--show-capacity');
  if (!parseArgs(cmd, argv, 'top node')) return 0;
  const o = cmd.opts() as TopOptions;
  const noHeaders = (cmd.opts() as { headers?: boolean }).headers === false;
  checkSort(o.sortBy);
  const name = cmd.args[0];
  if (name && o.selector) throw new CommandError('only one of NAME or --selector can be provided');
  const selector = o.selector ? parseSelector(o.selector) : undefined;
  const session = new Session(o, io);
  const { state } = await session.read();
  if (!metricsAvailable(state)) throw new CommandError('Metrics API not available');
  const nowMs = session.clock.now().getTime();
  let nodes = listObjects(state, 'nodes').filter((n) => !selector || matches(selector, n.metadata.labels));
  if (name) {
    nodes = nodes.filter((n) => n.metadata.name === name);
    if (!nodes.length) throw new StatusError('NotFound', 404, `nodemetrics.metrics.k8s.io "${name}" not found`);
  }
  if (!nodes.length) throw new ExitError(1, 'error: metrics not available yet');
  const pods = listObjects<Pod>(state, 'pods');
  const data = nodes.map((n) => {
    const controlPlane = state.cluster.nodes.find((c) => c.name === n.metadata.name)?.role === 'control-plane';
    const u = nodeBaseline(n.metadata.name, controlPlane);
    for (const p of pods.filter((x) => x.spec?.nodeName === n.metadata.name)) {
      for (const c of podMetrics(state, p, nowMs) ?? []) {
        u.nanoCores += c.usage.nanoCores;
        u.bytes += c.usage.bytes;
      }
    }
    const status = (n.status ?? {}) as { allocatable?: Record<string, string>; capacity?: Record<string, string> };
    const of = (o.showCapacity ? status.capacity : status.allocatable) ?? {};
    return { node: n, usage: u, cpuMilli: of.cpu ? Number(quantityMilliValue(parseQuantity(of.cpu)!)) : 0, memBytes: of.memory ? Number(quantityValue(parseQuantity(of.memory)!)) : 0 };
  });
  if (o.sortBy) data.sort((a, b) => (o.sortBy === 'cpu' ? b.usage.nanoCores - a.usage.nanoCores : b.usage.bytes - a.usage.bytes));
  const rows: string[][] = noHeaders ? [] : [['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']];
  for (const d of data) {
    const milli = Math.ceil(d.usage.nanoCores / 1e6);
    const cpuPct = d.cpuMilli ? `${Math.floor((milli * 100) / d.cpuMilli)}%` : '<unknown>';
    const memPct = d.memBytes ? `${Math.floor((d.usage.bytes * 100) / d.memBytes)}%` : '<unknown>';
    rows.push([d.node.metadata.name, `${milli}m`, cpuPct, memText(d.usage.bytes), memPct]);
  }
  io.stdout.write(await table(rows));
  return 0;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
