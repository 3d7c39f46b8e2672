// `kubesim get`: kubectl's flags, the cluster read, and the printer core (src/printers/get.ts).
import { statSync } from 'node:fs';
import { CommandError, type KubeError } from '../api/errors.js';
import type { ResourceInfo } from '../api/resources.js';
import { runGet, watchChanges, watchSnapshot, type GetOptions } from '../printers/get.js';
import { formatWithWidths, rememberWidths } from '../printers/tabwriter.js';
import { addGlobalFlags, FlagError, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { readTextFile } from '../util/files.js';

const HELP = `Show objects of the simulated cluster.

 kubesim reads its local cluster state and prints the objects you name as kubectl's tables (or -o json, yaml,
 name, templates, custom columns). Ages come from the simulated clock. Namespaced types are read from the
 current namespace unless -n or -A says otherwise; -l and --field-selector narrow the list.

Use "kubectl api-resources" to see which types kubesim knows.

Examples:
  # Table of the pods in the current namespace
  kubectl get pods

  # The same, with extra columns such as the pod IP and node
  kubectl get pods -o wide

  # One replication controller, by name
  kubectl get replicationcontroller web

  # Deployments as JSON, naming the type with its version and group (apps/v1)
  kubectl get deployments.v1.apps -o json

  # One pod as JSON
  kubectl get -o json pod web-pod-13je7

  # Columns of your choice, each a JSONPath into the object
  kubectl get pod test-pod -o custom-columns=CONTAINER:.spec.containers[0].name,IMAGE:.spec.containers[0].image

  # Two types in one command, one table each
  kubectl get rc,services

  # Objects of different types, each as TYPE/NAME
  kubectl get rc/web service/frontend pods/web-pod-13je7

  # Pods of every namespace
  kubectl get pods --all-namespaces

  # The live object that pod.yaml describes (by its kind and name), as JSON
  kubectl get -f pod.yaml -o json

Options:
    -A, --all-namespaces=false:
	Read every namespace; the current namespace and -n are ignored.

    --allow-missing-template-keys=true:
	When false, a template or jsonpath that names a missing field is an error; when true it prints nothing for it.

    --field-selector='':
	Keep objects whose fields match, with =, == or != (e.g. --field-selector status.phase=Running); each type accepts only certain fields.

    -f, --filename=[]:
	Manifest files or directories (or - for stdin) whose objects to look up by kind and name; local files only.

    --ignore-not-found=false:
	A missing object is not an error: print nothing for it and exit 0.

    -k, --kustomize='':
	Build the kustomization in this directory and use the objects it produces; not together with -f or -R.

    -L, --label-columns=[]:
	Add a column for each of these label keys (comma-separated, or repeat -L).

    --no-headers=false:
	Leave out the header line of tables and custom columns.

    -o, --output='':
	How to print instead of the table. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide). The template formats evaluate Go text/template syntax over the object (or the List), including exists and base64decode.

    -R, --recursive=false:
	Also read the subdirectories of a directory given to -f.

    -l, --selector='':
	Keep objects whose labels match every term: =, ==, !=, in, notin, or a bare key (e.g. -l app=web,tier in (front)).

    --show-kind=false:
	Prefix each name with its type (pod/web), as when several types are listed.

    --show-labels=false:
	Add a LABELS column with all of each object's labels.

    --show-managed-fields=false:
	Keep metadata.managedFields (which field manager set which fields) in json, yaml, jsonpath and template output.

    --sort-by='':
	Order the rows by the value at this JSONPath (e.g. '{.metadata.name}' or .status.startTime); the value must be a string or a number.

    -w, --watch=false:
	After the table, keep printing a row for each object that changes (kubesim polls its state a few times a second). Tables and -o name only.

    --watch-only=false:
	Like --watch, but skip the first table: print only changes.

    --raw='':
	Print, unformatted, what the simulated API server answers at this path (/readyz, /version, /api, /apis,
	/api/v1/namespaces/default/pods, ...).

    --request-timeout='0':
	With --watch, stop after this long (e.g. 1s, 2m, 3h; real time, not the simulated clock); 0 means until Ctrl-C.

    --template='':
	The template text (or file) for -o go-template, go-template-file, jsonpath or jsonpath-file, if -o does not carry it.

Usage:
  kubectl get [(-o|--output=)json|yaml|name|wide|custom-columns=...|custom-columns-file=...|jsonpath=...|jsonpath-file=...] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('get', io, HELP), { allNamespaces: true });
  const collect = (v: string, prev: string[]) => [...prev, v];
  cmd
    .option('-o, --output <format>', 'output format')
    .option('-l, --selector <selector>', 'label selector')
    .option('--field-selector <selector>', 'field selector')
    .option('--no-headers', "don't print headers")
    .option('--show-labels', 'show labels')
    .option('--show-kind', 'show kind')
    .option('--show-managed-fields', 'keep metadata.managedFields in json and yaml output')
    .option('-L, --label-columns <labels>', 'label columns', collect, [] as string[])
    .option('--ignore-not-found', 'ignore not found')
    .option('--sort-by <jsonpath>', 'sort by')
    .option('--template <template>', 'template')
    .option('--allow-missing-template-keys <bool>', 'allow missing keys', 'true')
    // a comma-separated list or repeated flags, as kubectl's StringSlice
    .option('-k, --kustomize <dir>', 'a kustomization directory')
    .option('-f, --filename <file>', 'files naming the objects', (v: string, prev: string[]) => [...prev, ...v.split(',').filter((x) => x !== '')], [] as string[])
    .option('-R, --recursive', 'process -f directories recursively')
    .option('-w, --watch', 'after listing, watch for changes')
    .option('--watch-only', 'watch for changes without listing first')
    .option('--request-timeout <duration>', 'stop watching after this long (0: never)', '0')
    .option('--chunk-size <n>', 'ignored: kubesim lists in one go')
    .option('--raw <path>', 'the raw body the API server serves at this path');
  if (!parseArgs(cmd, argv, 'get')) return 0;
  const opts = cmd.opts();
  if (opts.raw !== undefined) {
    const { checkRaw, printRaw } = await import('./raw.js');
    checkRaw(opts.raw, { args: cmd.args, output: opts.output, filtered: !!(opts.watch || opts.watchOnly || opts.selector) });
    return printRaw((await new Session(opts, io).read()).state, opts.raw, io);
  }
  // pflag accepts "-o=json"; commander hands the "=" through
  const output: string | undefined = typeof opts.output === 'string' ? opts.output.replace(/^=/, '') : undefined;
  const allowMissing = String(opts.allowMissingTemplateKeys);
  if (allowMissing !== 'true' && allowMissing !== 'false') {
    throw new FlagError(`invalid argument "${allowMissing}" for "--allow-missing-template-keys" flag: strconv.ParseBool: parsing "${allowMissing}": invalid syntax\nSee 'kubectl get --help' for usage.`);
  }
  const session = new Session(opts, io);
  let files: { info: ResourceInfo; namespace?: string; name: string }[] | undefined;
  const fileErrors: KubeError[] = [];
  const paths = opts.filename as string[];
  if (paths.length || opts.kustomize !== undefined) {
    // manifests are decoded only when asked for: the YAML reader stays off the plain `get` path
    const [{ decodeManifests }, { readSourcesOrKustomization }] = await Promise.all([import('../api/manifest.js'), import('./manifest-files.js')]);
    const sources = await readSourcesOrKustomization(paths, opts.kustomize, !!opts.recursive, io);
    const items = await decodeManifests(sources, { validate: false, namespace: session.namespace, enforceNamespace: session.namespaceExplicit });
    files = [];
    for (const it of items) {
      if ('error' in it) fileErrors.push(it.error);
      else files.push({ info: it.ok.info, namespace: it.ok.object.metadata.namespace, name: it.ok.object.metadata.name });
    }
  }
  const singleFile = paths.length === 1 && paths[0] !== '-' && !isDirectory(paths[0]);
  const { state } = await session.read();
  const getOptions: GetOptions = {
    args: cmd.args,
    namespace: session.namespace,
    allNamespaces: !!opts.allNamespaces,
    selector: opts.selector,
    fieldSelector: opts.fieldSelector,
    output,
    template: opts.template,
    // commander's --no-headers sets headers=false
    noHeaders: opts.headers === false,
    showLabels: !!opts.showLabels,
    showKind: !!opts.showKind,
    labelColumns: opts.labelColumns,
    ignoreNotFound: !!opts.ignoreNotFound,
    sortBy: opts.sortBy,
    allowMissingTemplateKeys: allowMissing === 'true',
    readFile: (p) => readTextFile(p, 1 << 20),
    files,
    fileErrors,
    singleFile,
  };
  if (opts.watch || opts.watchOnly) return watch(session, getOptions, !!opts.watchOnly, parseTimeout(String(opts.requestTimeout)), io);
  const result = await runGet(state, session.clock.now(), getOptions);
  if (result.stdout) io.stdout.write(result.stdout);
  if (result.stderr) io.stderr.write(result.stderr);
  return result.exitCode;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** --request-timeout: "0" (none), "30s", "500ms", "1m", "1h", or bare seconds. */
function parseTimeout(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v);
  if (!m) throw new CommandError(`invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)`);
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60000, h: 3600000 }[m[2] ?? 's'] ?? 1000);
}

/**
 * get -w: the list (unless --watch-only), then a row whenever a watched object changes, in the columns of the
 * first table (remembered widths). There is no server to push events: the state is re-read a few times a second.
 */
async function watch(session: Session, o: GetOptions, watchOnly: boolean, timeoutMs: number, io: CliIO): Promise<number> {
  if (o.output && !['wide', 'name'].includes(o.output)) throw new CommandError(`kubesim watches tables and -o name only, not -o ${o.output}`);
  let { state } = await session.read();
  let snap = watchSnapshot(state, session.clock.now(), o);
  const rows = [...snap.rows.values()].map((r) => r.row);
  const widths = rememberWidths(o.noHeaders || o.output === 'name' ? rows : [snap.header, ...rows]);
  const withHeader = !o.noHeaders && snap.header.length > 0;
  // the header comes with the first rows printed (kubectl prints nothing for an empty first list)
  let headerDone = !withHeader;
  if (!watchOnly && snap.rows.size > 0) {
    const first = await runGet(state, session.clock.now(), o);
    io.stdout.write(first.stdout);
    io.stderr.write(first.stderr);
    headerDone = true;
  }
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, Math.min(250, Math.max(0, deadline - Date.now()))));
    ({ state } = await session.read());
    const next = watchSnapshot(state, session.clock.now(), o);
    const changed = watchChanges(snap, next);
    if (changed.length) {
      io.stdout.write(formatWithWidths(headerDone ? changed : [snap.header, ...changed], widths));
      headerDone = true;
    }
    snap = next;
  }
  return 0;
}
