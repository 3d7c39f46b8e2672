// `kubesim taint nodes NAME... KEY[=VALUE]:EFFECT | KEY[:EFFECT]- ... [--overwrite] [--all | -l SEL]`: kubectl's
// parsing, checks, ordering of the new taint list and tainted/untainted/modified lines. The scheduler and the
// taint manager (src/cluster/taint-manager.ts) react to the result.
import { CommandError, notFound } from '../api/errors.js';
import { matches, parseSelector } from '../api/labels.js';
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { labelValueErrors, qualifiedNameErrors } from '../api/validation.js';
import { getObject, listObjects } from '../store/objects.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { Session } from './session.js';
import { dryRunOf } from './write-manifests.js';

interface Taint {
  key: string;
  value?: string;
  effect?: string;
  timeAdded?: string;
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** One taint word (without a trailing "-"): key, key:effect or key=value:effect. */
function parseTaint(spec: string): Taint {
  const parts = spec.split(':');
  let key: string;
  let value = '';
  let effect = '';
  if (parts.length === 1) key = parts[0];
  else if (parts.length === 2) {
    effect = parts[1];
    if (!EFFECTS.includes(effect)) throw new CommandError(`invalid taint effect: ${effect}, unsupported taint effect`, { usageOf: 'taint' });
    const kv = parts[0].split('=');
    if (kv.length > 2) throw new CommandError(`invalid taint spec: ${spec}`, { usageOf: 'taint' });
    key = kv[0];
    if (kv.length === 2) {
      value = kv[1];
      const errs = labelValueErrors(value);
      if (errs.length) throw new CommandError(`invalid taint spec: ${spec}, ${errs.join('; ')}`, { usageOf: 'taint' });
    }
  } else throw new CommandError(`invalid taint spec: ${spec}`, { usageOf: 'taint' });
  const errs = qualifiedNameErrors(key);
  if (errs.length) throw new CommandError(`invalid taint spec: ${spec}, ${errs.join('; ')}`, { usageOf: 'taint' });
  return { key, value, effect };
}

/** v1.Taint.ToString: key[=value][:effect]. */
const taintString = (t: Taint) => `${t.key}${t.value ? `=${t.value}` : ''}${t.effect ? `:${t.effect}` : ''}`;
/** Go's %v of a v1.Taint. */
const goTaint = (t: Taint) => `{${t.key} ${t.value ?? ''} ${t.effect ?? ''} <nil>}`;
const clean = (t: Taint): Taint => ({ effect: t.effect, key: t.key, ...(t.value ? { value: t.value } : {}), ...(t.timeAdded ? { timeAdded: t.timeAdded } : {}) });

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('taint', io, HELP));
  cmd
    .option('--all', 'select all nodes')
    .option('--allow-missing-template-keys [bool]', 'ignore missing keys in templates')
    .option('--dry-run [strategy]', 'none, server or client')
    .option('--field-manager <name>', 'the field manager the write is recorded under')
    .option('-o, --output <format>', 'output format')
    .option('--overwrite', 'allow taints to be overwritten')
    .option('-l, --selector <selector>', 'label selector')
    .option('--show-managed-fields', 'accepted for compatibility')
    .option('--template <template>', 'accepted for compatibility')
    .option('--validate [mode]', 'accepted for compatibility');
  if (!parseArgs(cmd, argv, 'taint')) return 0;
  const o = cmd.opts();
  const dryRun = dryRunOf(o.dryRun);

  // Resources first, then taint words (anything with "=" or ":" or a trailing "-").
  const resources: string[] = [];
  const specs: string[] = [];
  for (const a of cmd.args) {
    const isTaint = a.includes('=') || a.includes(':') || a.endsWith('-');
    if (isTaint) specs.push(a);
    else if (specs.length) throw new CommandError(`all resources must be specified before taint changes: ${a}`);
    else resources.push(a);
  }
  const toAdd: Taint[] = [];
  const toRemove: Taint[] = [];
  const seen = new Set<string>();
  for (const s of specs) {
    if (s.endsWith('-')) {
      const t = parseTaint(s.slice(0, -1));
      toRemove.push({ key: t.key, effect: t.effect });
      continue;
    }
    const t = parseTaint(s);
    if (!t.effect) throw new CommandError(`invalid taint spec: ${s}`, { usageOf: 'taint' });
    if (seen.has(`${t.effect}\0${t.key}`)) throw new CommandError(`duplicated taints with the same key and effect: ${goTaint(t)}`, { usageOf: 'taint' });
    seen.add(`${t.effect}\0${t.key}`);
    toAdd.push(t);
  }
  if (toAdd.length === 0 && toRemove.length === 0) throw new CommandError('at least one taint update is required');
  // Validate: the resource type, conflicting changes, then the node selection flags.
  if (resources.length) {
    const info = findResource(resources[0]);
    if (!info || info.resource !== 'nodes') {
      if (!info) throw new CommandError(`the server doesn't have a resource type "${resources[0]}"`);
      throw new CommandError(`invalid resource type ${resources[0]}, only node types are supported`);
    }
  }
  const conflicts: string[] = [];
  for (const a of toAdd) for (const r of toRemove) if (a.key === r.key && (!r.effect || r.effect === a.effect)) conflicts.push(`${r.key}=${r.effect ?? ''}`);
  if (conflicts.length) throw new CommandError(`can not both modify and remove the following taint(s) in the same command: ${conflicts.join(', ')}`);
  if (o.all && o.selector) throw new CommandError("setting 'all' parameter with a non empty selector is prohibited");
  if (!o.all && !o.selector && resources.length < 2) throw new CommandError("at least one resource name must be specified since 'all' parameter is not set");

  const output: string = o.output ?? '';
  let print: ((obj: KubeObject) => string) | undefined;
  if (output && output !== 'name') print = await (await import('../printers/get.js')).changedObjectPrinter(output, o.allowMissingTemplateKeys);

  const { updateObject } = await import('../cluster/apiserver.js');
  const session = new Session(o, io);
  // Lines are printed as each node is done: a later node's error leaves the earlier ones changed.
  let failure: unknown;
  await session.change((state, ctx) => {
    let nodes: KubeObject[];
    if (o.all || o.selector) {
      const sel = o.selector ? parseSelector(o.selector) : [];
      nodes = listObjects(state, 'nodes').filter((n) => matches(sel, n.metadata.labels ?? {}));
    } else {
      nodes = resources.slice(1).map((name) => {
        const n = getObject(state, 'nodes', undefined, name);
        if (!n) throw notFound('nodes', name);
        return n;
      });
    }
    try {
      for (const node of nodes) {
        const next = structuredClone(node);
        const spec = (next.spec ??= {}) as { taints?: Taint[] };
        const old = spec.taints ?? [];
        if (!o.overwrite) {
          const exists = toAdd.filter((t) => old.some((x) => x.key === t.key && x.effect === t.effect)).map((t) => t.key);
          if (exists.length) throw new CommandError(`node ${node.metadata.name} already has ${exists.join(',')} taint(s) with same effect(s) and --overwrite is false`);
        }
        // kubectl's reorganizeTaints: the new taints first, then the old ones they do not replace, less removals.
        let list: Taint[] = toAdd.map(clean);
        for (const x of old) if (!list.some((t) => t.key === x.key && t.effect === x.effect)) list.push(x);
        const added = list.length !== old.length;
        const errs: string[] = [];
        let removed = false;
        for (const r of toRemove) {
          const before = list.length;
          list = list.filter((t) => !(t.key === r.key && (!r.effect || t.effect === r.effect)));
          removed = list.length !== before;
          if (!removed) errs.push(`taint ${JSON.stringify(taintString(r))} not found`);
        }
        if (errs.length) throw new CommandError(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
        const operation = (added && removed) || o.overwrite ? 'modified' : added ? 'tainted' : 'untainted';
        if (list.length) spec.taints = list;
        else delete spec.taints;
        let shown = next;
        if (dryRun !== 'client') shown = updateObject(state, ctx, next, { namespace: 'default', dryRun: dryRun === 'server', manager: { manager: o.fieldManager ?? 'kubectl-taint' } });
        if (print) io.stdout.write(print(shown));
        else io.stdout.write(output === 'name' ? `node/${node.metadata.name}\n` : `node/${node.metadata.name} ${operation}\n`);
      }
    } catch (e) {
      failure = e;
    }
  });
  if (failure) throw failure;
  return 0;
}

// The interface (usage, flags, defaults, examples) is kubectl's; the words say what kubesim does.
const HELP = `Add, change or remove taints on nodes. A taint keeps pods off a node unless they tolerate it:
NoSchedule stops the scheduler placing new pods there, PreferNoSchedule makes it avoid the node when another
fits, and NoExecute also evicts running pods that do not tolerate it (those that do, for tolerationSeconds,
are evicted when that much simulated time has passed).

 A taint is written key=value:effect (the value may be left out, key:effect). A trailing "-" removes taints:
key:effect- removes that one, key- every taint with that key. The key must be a qualified name and the value a
valid label value; the effect is one of NoSchedule, PreferNoSchedule or NoExecute. Only nodes can be tainted.

Examples:
  # Update node 'foo' with a taint with key 'dedicated' and value 'special-user' and effect 'NoSchedule'
  # If a taint with that key and effect already exists, its value is replaced as specified
  kubectl taint nodes foo dedicated=special-user:NoSchedule
  
  # Remove from node 'foo' the taint with key 'dedicated' and effect 'NoSchedule' if one exists
  kubectl taint nodes foo dedicated:NoSchedule-
  
  # Remove from node 'foo' all the taints with key 'dedicated'
  kubectl taint nodes foo dedicated-
  
  # Add a taint with key 'dedicated' on nodes having label myLabel=X
  kubectl taint node -l myLabel=X  dedicated=foo:PreferNoSchedule
  
  # Add to node 'foo' a taint with key 'bar' and no value
  kubectl taint nodes foo bar:NoSchedule

Options:
    --all=false:
	Taint every node of the cluster.

    --allow-missing-template-keys=true:
	When false, a jsonpath output that names a missing field is an error.

    --dry-run='none':
	Must be "none", "server", or "client". client: print the result and change nothing; server: the API
	server checks the change and stores nothing.

    --field-manager='kubectl-taint':
	The name metadata.managedFields records for the fields this command writes.

    -o, --output='':
	Output format. One of: (json, yaml, name, jsonpath, jsonpath-as-json, jsonpath-file).

    --overwrite=false:
	Let a taint replace one with the same key and effect (and report the node as modified).

    -l, --selector='':
	Taint the nodes whose labels match this selector instead of naming them.

    --show-managed-fields=false:
	Accepted for compatibility; kubesim keeps no managedFields.

    --template='':
	Accepted for compatibility; go-template output is not supported yet.

    --validate='strict':
	Accepted for compatibility.

Usage:
  kubectl taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
