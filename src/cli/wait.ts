// `kubesim wait`: wait for a condition, a JSONPath value, creation or deletion of objects. Time is the
// simulated clock: the wait moves it on while the cluster can still change, never past --timeout, and the
// time that passed is saved, so the next command sees the cluster as it is then.
import { CommandError, ExitError, KubeError, notFound } from '../api/errors.js';
import { matches, parseSelector } from '../api/labels.js';
import { decodeManifests } from '../api/manifest.js';
import { qualifiedKind, requireResource, slashTargets, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Ctx } from '../cluster/context.js';
import { isSettled } from '../cluster/settled.js';
import { JSONPath } from '../printers/jsonpath.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { goParseDuration } from '../util/goparse.js';
import { addGlobalFlags, invalidFlagValue, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { collectFiles, readSources } from './manifest-files.js';
import { Session } from './session.js';

const HELP = `Wait until objects reach a state: a status condition, a JSONPath value, being created or being deleted.

 kubesim checks the condition against the simulated cluster. While it does not hold and the cluster can still
 change with time (pods starting, probes, back-offs, rollouts), the simulated clock moves on, up to --timeout;
 the time that passed is kept for later commands. When nothing more can happen, the wait ends at the timeout.
 Each object met prints "<kind>/<name> condition met"; a timeout prints kubectl's error and exits 1.

Examples:
  # Wait for the pod "busybox1" to have the status condition Ready
  kubectl wait --for=condition=Ready pod/busybox1
  
  # Wait for a condition to be false (values compare without regard to case)
  kubectl wait --for=condition=Ready=false pod/busybox1
  
  # Wait for the pod "busybox1" to be in phase Running
  kubectl wait --for=jsonpath='{.status.phase}'=Running pod/busybox1
  
  # Wait for the pod "busybox1" to be Ready, with a JSONPath filter
  kubectl wait --for='jsonpath={.status.conditions[?(@.type=="Ready")].status}=True' pod/busybox1
  
  # Until the simulated load-balancer provider has given service loadbalancer an address
  kubectl wait --for=jsonpath='{.status.loadBalancer.ingress}' service/loadbalancer
  
  # Until secret busybox1 exists, for at most 30s
  kubectl create secret generic busybox1
  kubectl wait --for=create secret/busybox1 --timeout=30s
  
  # Delete a pod, then wait (at most 60s of simulated time) until it is gone
  kubectl delete pod/busybox1
  kubectl wait --for=delete pod/busybox1 --timeout=60s

Options:
    --all=false:
	Every object of the given types in the namespace.

    -A, --all-namespaces=false:
	Look in every namespace.

    -f, --filename=[]:
	Files naming the objects to wait for.

    --for='':
	What to wait for: create, delete, condition=NAME[=VALUE] (VALUE defaults to true) or
	jsonpath='{EXPRESSION}'[=VALUE] (without a value: until the expression finds something).

    -o, --output='':
	Output format: name (the default).

    -R, --recursive=true:
	Read directories given to -f recursively.

    -l, --selector='':
	Label selector for the objects (e.g. -l app=web).

    --timeout=30s:
	How long to wait, in simulated time. Zero checks once; a negative value waits up to a week.

Usage:
  kubectl wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const WEEK_MS = 7 * 24 * 3600 * 1000;

type Condition =
  | { kind: 'create' }
  | { kind: 'delete' }
  | { kind: 'condition'; name: string; value: string }
  | { kind: 'jsonpath'; path: JSONPath; expression: string; value?: string };

/** The --for value as kubectl reads it, or its error. */
export function parseCondition(v: string): Condition {
  const lower = v.toLowerCase();
  if (lower === 'delete') return { kind: 'delete' };
  if (lower === 'create') return { kind: 'create' };
  if (v.startsWith('condition=')) {
    const rest = v.slice('condition='.length);
    const eq = rest.indexOf('=');
    return eq < 0 ? { kind: 'condition', name: rest, value: 'true' } : { kind: 'condition', name: rest.slice(0, eq), value: rest.slice(eq + 1) };
  }
  if (v.startsWith('jsonpath=')) {
    const rest = v.slice('jsonpath='.length);
    // The expression ends at its last closing brace; "=VALUE" may follow (a filter's "==" stays inside).
    const close = rest.lastIndexOf('}');
    let expression = close < 0 ? rest : rest.slice(0, close + 1);
    let value: string | undefined;
    if (close < 0) {
      const eq = rest.indexOf('=');
      if (eq >= 0) {
        expression = rest.slice(0, eq);
        value = rest.slice(eq + 1);
      }
    } else if (rest.length > close + 1) {
      if (rest[close + 1] !== '=') throw new CommandError(`unrecognized condition: "${v}"`);
      value = rest.slice(close + 2);
    }
    if (expression === '') throw new CommandError('jsonpath expression cannot be empty');
    if (value === '') throw new CommandError("jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3");
    // kubectl's RelaxedJSONPathExpression: one path, braces and leading dot optional.
    const relaxed = /^\{?(\.?[^{}]+)\}?$/.exec(expression);
    if (!relaxed) throw new ExitError(1, "Error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
    const braced = `{${relaxed[1].startsWith('.') ? '' : '.'}${relaxed[1]}}`;
    let path: JSONPath;
    try {
      path = new JSONPath(braced, { allowMissingKeys: true });
    } catch (e) {
      throw new CommandError(`error parsing jsonpath ${braced}: ${(e as Error).message}`);
    }
    return { kind: 'jsonpath', path, expression: braced, value };
  }
  throw new CommandError(`unrecognized condition: "${v}"`);
}

/** Whether the object (undefined: absent) meets the condition; an error for a JSONPath that cannot compare. */
function met(c: Condition, obj: KubeObject | undefined): boolean {
  switch (c.kind) {
    case 'create':
      return !!obj;
    case 'delete':
      return !obj;
    case 'condition': {
      const conditions = (obj?.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? [];
      const cond = conditions.find((x) => typeof x.type === 'string' && x.type.toLowerCase() === c.name.toLowerCase());
      return !!cond && typeof cond.status === 'string' && cond.status.toLowerCase() === c.value.toLowerCase();
    }
    case 'jsonpath': {
      if (!obj) return false;
      const results = c.path.findResults(obj);
      if (results.length === 0 || results[0].length === 0) return false;
      if (results.length > 1) throw new CommandError('given jsonpath expression matches more than one list');
      if (results[0].length > 1) throw new CommandError('given jsonpath expression matches more than one value');
      if (c.value === undefined) return true;
      const v = results[0][0];
      if (v !== null && typeof v === 'object') throw new CommandError('jsonpath leads to a nested object or list which is not supported');
      return String(v ?? '').trim() === c.value;
    }
  }
}

interface Target {
  info: ResourceInfo;
  namespace?: string;
  name: string;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('wait', io, HELP), { allNamespaces: true });
  cmd
    .option('--for <condition>', 'what to wait for')
    .option('--timeout <duration>', 'how long to wait', '30s')
    .option('-f, --filename <file>', 'files', collectFiles, [])
    .option('-R, --recursive', 'process directories recursively')
    .option('-l, --selector <selector>', 'label selector')
    .option('--all', 'all objects of the types')
    .option('-o, --output <format>', 'output format');
  if (!parseArgs(cmd, argv, 'wait')) return 0;
  const o = cmd.opts();
  if (o.output !== undefined && o.output !== 'name') throw new CommandError(`unable to match a printer suitable for the output format "${o.output}", allowed formats are: name`);
  const parsedTimeout = goParseDuration(String(o.timeout));
  if ('error' in parsedTimeout) throw invalidFlagValue('wait', '--timeout', String(o.timeout), parsedTimeout.error);
  const timeoutMs = parsedTimeout.ms < 0 ? WEEK_MS : parsedTimeout.ms;
  // kubectl checks --for while it builds the options, where errors print as cobra's "Error: ...".
  if (!o.for) throw new ExitError(1, 'Error: unrecognized condition: ""');
  const condition = parseCondition(o.for);
  const files: string[] = o.filename ?? [];
  const args = cmd.args;
  if (!files.length && args.length === 0) throw new CommandError('You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   \'-f rsrc.yaml\'\n   \'--filename=rsrc.json\'\n   \'<resource> <name>\'\n   \'<resource>\'');
  const session = new Session(o, io);

  // What the command names: files, TYPE/NAME, TYPE NAME..., or TYPE with -l/--all (resolved when first read).
  const named: Target[] = [];
  let listed: { types: ResourceInfo[]; selector?: ReturnType<typeof parseSelector> } | undefined;
  if (files.length) {
    const sources = await readSources(files, o.recursive !== false, io);
    for (const it of await decodeManifests(sources, { validate: false, namespace: session.namespace, enforceNamespace: session.namespaceExplicit })) {
      if ('error' in it) throw it.error;
      named.push({ info: it.ok.info, namespace: it.ok.object.metadata.namespace, name: it.ok.object.metadata.name });
    }
  } else {
    const slashed = slashTargets(args, 'wait');
    if (slashed) {
      for (const { info, name } of slashed) named.push({ info, namespace: info.namespaced ? session.namespace : undefined, name });
    } else {
      const types = args[0].split(',').map(requireResource);
      const names = args.slice(1);
      if (names.length) {
        for (const info of types) for (const name of names) named.push({ info, namespace: info.namespaced ? session.namespace : undefined, name });
      } else if (o.all || o.selector !== undefined) {
        listed = { types, selector: o.selector ? parseSelector(o.selector) : undefined };
      } else throw new CommandError('resource(s) were provided, but no name was specified');
    }
  }

  const { state, ctx } = await session.read();
  const { reconcile } = await import('../cluster/controllers.js');
  let aheadMs = 0;
  const at: Ctx = { ...ctx, clock: { now: () => new Date(ctx.clock.now().getTime() + aheadMs) } };
  const resourceName = (info: ResourceInfo) => (info.group ? `${info.resource}.${info.group}` : info.resource);
  const exists = (t: Target) => !!getObject(state, t.info.resource, t.namespace, t.name);
  // As kubectl's resource finder: a named object must exist, except that waiting for the deletion of one
  // already gone succeeds at once, silently; waiting for creation polls for it.
  let targets = listed ? listTargets(state, listed, o.allNamespaces ? undefined : session.namespace) : named;
  if (condition.kind === 'delete') targets = targets.filter(exists);
  let failure: KubeError | undefined;
  try {
    if (targets.length === 0 && condition.kind !== 'delete') throw new CommandError('no matching resources found');
    for (const t of targets) {
      if (condition.kind !== 'create' && !exists(t)) throw notFound(resourceName(t.info), t.name);
      const deadline = aheadMs + timeoutMs;
      for (;;) {
        if (met(condition, getObject(state, t.info.resource, t.namespace, t.name))) {
          io.stdout.write(`${qualifiedKind(t.info)}/${t.name} condition met\n`);
          break;
        }
        if (aheadMs >= deadline || isSettled(state)) {
          // Nothing more can happen by itself: the wait runs out its time.
          aheadMs = deadline;
          throw new CommandError(`timed out waiting for the condition on ${resourceName(t.info)}/${t.name}`);
        }
        aheadMs = Math.min(deadline, aheadMs + stepMs(aheadMs));
        reconcile(state, at);
      }
    }
  } catch (e) {
    if (e instanceof KubeError || e instanceof ExitError) failure = e as KubeError;
    else throw e;
  } finally {
    if (aheadMs > 0) {
      await session.change((s, c) => {
        s.clockOffsetMs = (s.clockOffsetMs ?? 0) + aheadMs;
        reconcile(s, c);
      });
    }
  }
  if (failure) throw failure;
  return 0;
}

/** How far the clock moves per look: seconds at first, then coarser (probes and back-offs run on seconds). */
function stepMs(aheadMs: number): number {
  if (aheadMs < 60_000) return 1000;
  if (aheadMs < 600_000) return 5000;
  return 30_000;
}

function listTargets(state: ClusterState, l: { types: ResourceInfo[]; selector?: ReturnType<typeof parseSelector> }, namespace: string | undefined): Target[] {
  const out: Target[] = [];
  for (const info of l.types) {
    for (const obj of listObjects(state, info.resource, info.namespaced ? namespace : undefined)) {
      if (!l.selector || matches(l.selector, obj.metadata.labels ?? {})) out.push({ info, namespace: obj.metadata.namespace, name: obj.metadata.name });
    }
  }
  return out;
}
