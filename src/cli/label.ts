// `kubesim label` (and, through runMetadataVerb, `annotate`): set or remove labels/annotations on objects
// named by TYPE NAME..., TYPE/NAME, -f, -l or --all, with kubectl's lines and errors.
import { CommandError, KubeError, notFound, StatusError } from '../api/errors.js';
import { matches, parseListSelector } from '../api/labels.js';
import { decodeManifests } from '../api/manifest.js';
import { requireResource, slashTargets, qualifiedKind, qualifiedResource, type ResourceInfo } from '../api/resources.js';
import { updateObject } from '../cluster/apiserver.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { collectFiles, Failures, readSources } from './manifest-files.js';
import { checkOutput, dryRunOf, toYAML } from './write-manifests.js';
import { hasOwn, own, setOwn } from '../util/own.js';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

class NothingToSave extends Error {}

export interface MetadataVerb {
  verb: 'label' | 'annotate';
  field: 'labels' | 'annotations';
  /** "label" / "annotation" in messages. */
  noun: string;
  done: string;
  help: string;
}

/** kubectl's GetResourcesAndPairs + parseLabels/parseAnnotations. */
export function parsePairs(args: string[], m: MetadataVerb): { resources: string[]; set: Record<string, string>; remove: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const a of args) {
    if (a.includes('=') || a.endsWith('-')) pairs.push(a);
    else {
      if (pairs.length) throw new CommandError(`all resources must be specified before ${m.noun} changes: ${a}`);
      resources.push(a);
    }
  }
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const p of pairs) {
    if (p.includes('=')) {
      const i = p.indexOf('=');
      const key = p.slice(0, i);
      const value = p.slice(i + 1);
      if (m.verb === 'label') {
        if (value.includes('=') || key === '') throw new CommandError(`invalid label spec: ${p}`);
        if (value.length > 63) throw new CommandError(`invalid label value: "${p}": must be no more than 63 characters`);
        if (!LABEL_VALUE.test(value)) throw new CommandError(`invalid label value: "${p}": ${LABEL_VALUE_MSG}`);
      } else if (key === '') throw new CommandError(`invalid annotation format: ${p}`);
      setOwn(set, key, value);
    } else remove.push(p.slice(0, -1));
  }
  for (const r of remove) {
    if (hasOwn(set, r)) throw new CommandError(`can not both modify and remove ${m.verb === 'label' ? 'a label' : 'an annotation'} in the same command`);
  }
  return { resources, set, remove };
}


export async function runMetadataVerb(m: MetadataVerb, argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand(m.verb, io, m.help), { allNamespaces: true });
  cmd
    .option('-f, --filename <file>', 'files', collectFiles, [])
    .option('-R, --recursive', 'process directories recursively')
    .option('-l, --selector <selector>', 'label selector')
    .option('--all', 'all resources of the type')
    .option('--overwrite', 'allow overwriting existing values')
    .option('--dry-run [strategy]', 'none, server or client')
    .option('-o, --output <format>', 'json, yaml or name')
    .option('--resource-version <version>', 'only if unchanged')
    .option('--list', 'print the labels (annotations) instead of changing them');
  if (!parseArgs(cmd, argv, m.verb)) return 0;
  const o = cmd.opts();
  const files: string[] = o.filename ?? [];
  const { resources, set, remove } = parsePairs(cmd.args, m);
  const dryRun = dryRunOf(o.dryRun);
  checkOutput(o.output);
  if (!files.length && resources.length === 0) throw new CommandError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
  if (Object.keys(set).length === 0 && remove.length === 0 && !o.list) throw new CommandError(`at least one ${m.noun} update is required`);
  if (o.all && o.selector) throw new CommandError("setting 'all' parameter but found a non empty selector. ");
  const session = new Session(o, io);
  const failures = new Failures();

  type Target = { info: ResourceInfo; namespace?: string; name?: string };
  const targets: Target[] = [];
  const named = files.length ? undefined : slashTargets(resources);
  if (files.length) {
    const sources = await readSources(files, !!o.recursive, io);
    for (const it of await decodeManifests(sources, { validate: false, namespace: session.namespace, enforceNamespace: session.namespaceExplicit })) {
      if ('error' in it) failures.add(it.error);
      else targets.push({ info: it.ok.info, namespace: it.ok.object.metadata.namespace, name: it.ok.object.metadata.name });
    }
  } else if (named) {
    for (const { info, name } of named) targets.push({ info, namespace: info.namespaced ? session.namespace : undefined, name });
  } else {
    const types = resources[0].split(',').map(requireResource);
    const names = resources.slice(1);
    if (names.length && (o.all || o.selector)) throw new CommandError('name cannot be provided when a selector is specified');
    if (!names.length && !o.all && !o.selector) throw new CommandError('resource(s) were provided, but no name was specified');
    for (const info of types) {
      if (names.length) for (const name of names) targets.push({ info, namespace: info.namespaced ? session.namespace : undefined, name });
      else targets.push({ info, namespace: info.namespaced && !o.allNamespaces ? session.namespace : undefined });
    }
  }

  const expand = (state: ClusterState) => {
    const expanded: { info: ResourceInfo; namespace?: string; name: string }[] = [];
    for (const t of targets) {
      if (t.name !== undefined) expanded.push({ info: t.info, namespace: t.namespace, name: t.name });
      else {
        const sel = parseListSelector(o.selector, t.info);
        for (const obj of listObjects(state, t.info.resource, t.namespace)) {
          if (!sel || matches(sel, obj.metadata.labels ?? {})) expanded.push({ info: t.info, namespace: obj.metadata.namespace, name: obj.metadata.name });
        }
      }
    }
    return expanded;
  };

  if (o.list) {
    // kubectl prints key=value per entry (Go map order; sorted here), with a "Listing" header on stderr and an
    // indent unless a single named object was asked for. Nothing is changed.
    const { state } = await session.read();
    const one = targets.length === 1 && targets[0].name !== undefined && !files.length;
    for (const t of expand(state)) {
      const current = getObject(state, t.info.resource, t.namespace, t.name);
      if (!current) {
        failures.add(notFound(qualifiedResource(t.info), t.name));
        continue;
      }
      if (!one) io.stderr.write(`Listing ${m.noun}s for ${t.info.kind}.${t.info.group}/${t.name}:\n`);
      const map = (current.metadata[m.field] as Record<string, string> | undefined) ?? {};
      for (const k of Object.keys(map).sort()) io.stdout.write(`${one ? '' : ' '}${k}=${map[k]}\n`);
    }
    failures.print(io);
    return failures.any ? 1 : 0;
  }

  const out: string[] = [];
  const printed: unknown[] = [];
  const suffix = dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
  try {
    await session.change((state, ctx) => {
      let wrote = false;
      for (const t of expand(state)) {
        try {
          const current = getObject(state, t.info.resource, t.namespace, t.name);
          if (!current) throw notFound(qualifiedResource(t.info), t.name);
          if (o.resourceVersion && current.metadata.resourceVersion !== o.resourceVersion) {
            throw new StatusError('Conflict', 409, `Operation cannot be fulfilled on ${qualifiedResource(t.info)} "${t.name}": the object has been modified; please apply your changes to the latest version and try again`);
          }
          const before: Record<string, string> = { ...((current.metadata[m.field] as Record<string, string> | undefined) ?? {}) };
          if (!o.overwrite) {
            const clashes = Object.keys(set)
              .sort()
              .filter((k) => hasOwn(before, k) && own(before, k) !== own(set, k) && !(m.verb === 'annotate' && k === 'kubernetes.io/change-cause'));
            if (clashes.length && m.verb === 'label') {
              const errs = clashes.map((k) => `'${k}' already has a value (${own(before, k)}), and --overwrite is false`);
              throw new CommandError(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
            }
            if (clashes.length) {
              const list = clashes.map((k) => `'${k}' already has a value (${own(before, k)})`).join('; ');
              throw new CommandError(`--overwrite is false but found the following declared annotation(s): ${list}`);
            }
          }
          const after = { ...before, ...set };
          for (const r of remove) delete after[r];
          const differs = JSON.stringify(Object.entries(after).sort()) !== JSON.stringify(Object.entries(before).sort());
          // kubectl sets the map even when empty, so an object without one counts as changed ("labeled").
          const changed = differs || current.metadata[m.field] === undefined;
          const obj = structuredClone(current);
          if (Object.keys(after).length) obj.metadata[m.field] = after;
          else delete obj.metadata[m.field];
          let result = obj;
          if (differs && dryRun !== 'client') {
            result = updateObject(state, ctx, obj, { namespace: t.namespace ?? session.namespace, dryRun: dryRun === 'server', manager: { manager: m.verb === 'label' ? 'kubectl-label' : 'kubectl-annotate' } });
            if (dryRun === 'none') wrote = true;
          }
          // kubectl's updateDataChangeMsg: unchanged JSON is "not labeled", shorter JSON "unlabeled".
          const shorter = !o.overwrite && JSON.stringify(after).length < JSON.stringify(before).length && current.metadata[m.field] !== undefined;
          const word = m.verb !== 'label' ? m.done : !changed ? `not ${m.done}` : shorter ? 'unlabeled' : m.done;
          out.push(o.output === 'name' ? `${qualifiedKind(t.info)}/${t.name}` : `${qualifiedKind(t.info)}/${t.name} ${word}${suffix}`);
          printed.push(result);
        } catch (e) {
          if (!(e instanceof KubeError)) throw e;
          failures.add(e);
        }
      }
      if (!wrote) throw new NothingToSave();
    });
  } catch (e) {
    if (!(e instanceof NothingToSave)) throw e;
  }
  if (o.output === 'yaml' || o.output === 'json') {
    const { toJSON } = await import('../printers/format.js');
    for (let i = 0; i < printed.length; i++) io.stdout.write(o.output === 'json' ? toJSON(printed[i]) : (i ? '---\n' : '') + (await toYAML(printed[i])));
  } else for (const l of out) io.stdout.write(`${l}\n`);
  failures.print(io);
  return failures.any ? 1 : 0;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  return runMetadataVerb({ verb: 'label', field: 'labels', noun: 'label', done: 'labeled', help: HELP }, argv, io);
}

// kubectl's interface (usage, flags, defaults, examples); the words say what kubesim does.
const HELP = `Add, change or remove labels of objects in the simulated cluster. Controllers and Services select pods by label,
so a change here can move a pod into or out of a Service's endpoints or a controller's count.

  *  KEY=VALUE sets a label and KEY- removes one. Keys and values start with a letter or digit and hold letters, digits, '-', '.' and '_' (at most 63 characters each).
  *  A key may carry a DNS-subdomain prefix followed by '/', as in example.com/my-app.
  *  Changing the value of a label that is already there is refused unless --overwrite is given.
  *  --resource-version makes the update conditional: it fails with a conflict if the object has changed since that version.

Examples:
  # Give pod foo the label unhealthy=true
  kubectl label pods foo unhealthy=true
  
  # Set status=unhealthy on pod foo, replacing the value it had
  kubectl label --overwrite pods foo status=unhealthy
  
  # Label every pod of the namespace
  kubectl label pods --all status=unhealthy
  
  # Label the object that pod.json defines
  kubectl label -f pod.json status=unhealthy
  
  # Label pod foo only if its resourceVersion is still 1
  kubectl label pods foo status=unhealthy --resource-version=1
  
  # Remove the label bar from pod foo (no --overwrite needed)
  kubectl label pods foo bar-

Options:
    --all=false:
	Act on every object of the given kinds in the namespace.

    -A, --all-namespaces=false:
	With --all or -l, look in every namespace.

    --dry-run='none':
	One of "none", "server" or "client". "client" prints the object kubesim would send and stops there; "server" also lets the simulated API server default and check it, but stores nothing. Either way the simulated cluster is left unchanged.

    -f, --filename=[]:
	Files or directories whose manifests name the objects to label.

    --list=false:
	Print the object's current labels, one KEY=VALUE a line, instead of changing them.

    -o, --output='':
	Print the resulting object in this format instead of the usual status line; choose from (json, yaml, name).

    --overwrite=false:
	Allow new values for labels that are already set; without it such a change is refused.

    -R, --recursive=false:
	Also read the manifests in subdirectories of any directory given with -f.

    --resource-version='':
	Update only if the object's resourceVersion is still this one (one object only).

    -l, --selector='':
	Only act on objects whose labels match this query, such as -l app=web,tier!=db ('=', '==' and '!=' work); every term has to hold.

Usage:
  kubectl label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
