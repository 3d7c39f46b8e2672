// Which cluster a command talks to: the kubeconfig's current context, or --context/--cluster/--user, resolved
// before the verb runs so that every verb (dry runs too) refuses an unknown context as kubectl does. The verb's
// Session then opens that context's state and takes its namespace as the default.
import { existsSync } from 'node:fs';
import { ExitError, KubeError } from '../api/errors.js';
import { kubeconfigFiles, loadKubeconfig, statePathOf, type Kubeconfig } from '../store/kubeconfig.js';
import type { CliIO } from './io.js';

export interface GlobalSelection {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  state?: string;
  namespace?: string;
}

/** What a command works on: the state file and the context's namespace (when it names one). */
export interface Target {
  statePath: string;
  namespace?: string;
  /** The simulated cluster's name when a command creates it (kind's: "kind-lab" is cluster "lab"). */
  clusterName?: string;
}

const TARGETS = new WeakMap<CliIO, Target>();

/** The target dispatch resolved for this command's streams (undefined outside dispatch: tests, tools). */
export function targetOf(io: CliIO): Target | undefined {
  return TARGETS.get(io);
}

const VALUED = new Map([
  ['--kubeconfig', 'kubeconfig'],
  ['--context', 'context'],
  ['--cluster', 'cluster'],
  ['--user', 'user'],
  ['--state', 'state'],
  ['--namespace', 'namespace'],
  ['-n', 'namespace'],
] as const);

/** The selection flags among a command's words, up to `--` (what follows is the command's own). */
export function scanSelection(argv: string[]): GlobalSelection & { help: boolean } {
  const out: GlobalSelection & { help: boolean } = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a === '-h' || a === '--help') out.help = true;
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const key = VALUED.get(flag as never);
    if (!key) {
      if (/^-n./.test(a) && !a.startsWith('--')) out.namespace = a.slice(a[2] === '=' ? 3 : 2);
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Verbs whose kubectl reads the namespace before it builds a client: an unknown --context (without -n) fails
 * there, with clientcmd's "Error in configuration" wording; the others fail when the client is made.
 */
const NAMESPACE_FIRST = new Set(['get', 'describe', 'delete', 'logs', 'scale', 'label', 'annotate', 'patch', 'rollout', 'port-forward', 'set', 'debug', 'exec', 'edit', 'top', 'events', 'cp', 'attach', 'autoscale', 'taint', 'drain', 'cordon', 'uncordon']);

const notFound = (name: string) => new ExitError(1, `Error in configuration: context was not found for specified context: ${name}`);

/** The context has no server: kubectl builds a client for localhost:8080 and fails only when it calls it. */
export class NoServerError extends KubeError {
  constructor() {
    super('The connection to the server localhost:8080 was refused - did you specify the right host or port?');
  }
}

const UNREACHABLE = new WeakMap<CliIO, NoServerError>();

/** Remembers that this command's server cannot be reached (for `version`, which prints its own part first). */
export function markUnreachable(io: CliIO, err: NoServerError): void {
  UNREACHABLE.set(io, err);
}

export function unreachableOf(io: CliIO): NoServerError | undefined {
  return UNREACHABLE.get(io);
}

/** Resolves the target for a verb, or throws kubectl's error for the selection. */
export async function resolveTarget(verb: string, sel: GlobalSelection, io: CliIO): Promise<Target> {
  const { paths, own, basePath } = kubeconfigFiles(sel, io.env);
  // The common case costs one stat: no flags, no $KUBECONFIG, no kubesim kubeconfig: the default cluster.
  if (own && !sel.context && !sel.cluster && !sel.user && !existsSync(paths[0])) {
    const t = { statePath: basePath };
    TARGETS.set(io, t);
    return t;
  }
  if (sel.kubeconfig && !existsSync(sel.kubeconfig)) throw new KubeError(`error: stat ${sel.kubeconfig}: no such file or directory`);
  const kc = await loadKubeconfig(sel, io.env);
  const t = targetIn(kc, verb, sel);
  TARGETS.set(io, t);
  return t;
}

export function targetIn(kc: Kubeconfig, verb: string, sel: GlobalSelection): Target {
  const name = sel.context || kc.currentContext;
  const ctx = name ? kc.contexts.get(name) : undefined;
  if (name && !ctx) {
    if (!sel.context) throw notFound(name);
    if (NAMESPACE_FIRST.has(verb) && sel.namespace === undefined) throw notFound(name);
    throw new KubeError(`error: context "${name}" does not exist`);
  }
  if (sel.user && !kc.users.has(sel.user)) throw new KubeError(`error: auth info "${sel.user}" does not exist`);
  const clusterName = sel.cluster || (ctx?.body.cluster as string | undefined) || '';
  const cluster = clusterName ? kc.clusters.get(clusterName) : undefined;
  if (sel.cluster && !cluster) {
    // The same split as for --context: the namespace lookup validates the whole config first.
    if (NAMESPACE_FIRST.has(verb) && sel.namespace === undefined) throw new KubeError(`error: no server found for cluster "${sel.cluster}"`);
    throw new KubeError(`error: cluster "${sel.cluster}" does not exist`);
  }
  const namespace = (ctx?.body.namespace as string | undefined) || undefined;
  // No context at all: kubesim's default cluster (kubectl would try localhost:8080, where nothing listens).
  if (!ctx && !cluster) return { statePath: kc.basePath, namespace };
  // A context naming no cluster, or one the file lacks: kubectl has no server for it and tries localhost:8080.
  if (!cluster) throw new NoServerError();
  const simName = cluster.name.replace(/^kind-/, '');
  return { statePath: statePathOf(kc, cluster), namespace, clusterName: /^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(simName) ? simName : undefined };
}
