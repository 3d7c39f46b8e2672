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

const HELP = `Display one or many resources.

 Prints a table of the most important information about the specified resources. You can filter the list using a label selector and the --selector flag. If the desired resource type is namespaced you will only see results in the current namespace if you don't specify any namespace.

Use "kubectl api-resources" for a complete list of supported resources.

Examples:
  # List all pods in ps output format
  kubectl get pods

  # List all pods in ps output format with more information (such as node name)
  kubectl get pods -o wide

  # List a single replication controller with specified NAME in ps output format
  kubectl get replicationcontroller web

  # List deployments in JSON output format, in the "v1" version of the "apps" API group
  kubectl get deployments.v1.apps -o json

  # List a single pod in JSON output format
  kubectl get -o json pod web-pod-13je7

  # List resource information in custom columns
  kubectl get pod test-pod -o custom-columns=CONTAINER:.spec.containers[0].name,IMAGE:.spec.containers[0].image

  # List all replication controllers and services together in ps output format
  kubectl get rc,services

  # List one or more resources by their type and names
  kubectl get rc/web service/frontend pods/web-pod-13je7

  # List all pods existing in all namespaces
  kubectl get pods --all-namespaces

  # List a pod identified by type and name specified in "pod.yaml" in JSON output format
  kubectl get -f pod.yaml -o json

Options:
    -A, --all-namespaces=false:
	If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.

    --allow-missing-template-keys=true:
	If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.

    --field-selector='':
	Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.

    -f, --filename=[]:
	Filename, directory, or URL to files identifying the resource to get from a server.

    --ignore-not-found=false:
	If the requested object does not exist the command will return exit code 0.

    -k, --kustomize='':
	Build the kustomization in this directory and use the objects it produces; not together with -f or -R.

    -L, --label-columns=[]:
	Accepts a comma separated list of labels that are going to be presented as columns. Names are case-sensitive. You can also use multiple flag options like -L label1 -L label2...

    --no-headers=false:
	When using the default or custom-column output format, don't print headers (default print headers).

    -o, --output='':
	Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide). go-template and template run a Go text/template over the object (or the List), with kubectl's exists and base64decode functions.

    -R, --recursive=false:
	Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.

    -l, --selector='':
	Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints.

    --show-kind=false:
	If present, list the resource type for the requested object(s).

    --show-labels=false:
	When printing, show all labels as the last column (default hide labels column)

    --sort-by='':
	If non-empty, sort list types using this field specification.  The field specification is expressed as a JSONPath expression (e.g. '{.metadata.name}'). The field in the API resource specified by this JSONPath expression must be an integer or a string.

    -w, --watch=false:
	After listing/getting the requested object, watch for changes.

    --watch-only=false:
	Watch for changes to the requested object(s), without listing/getting first.

    --raw='':
	Print the body the simulated API server serves at this URL path (/readyz, /version, /api, /apis,
	/api/v1/namespaces/default/pods, ...), as is.

    --request-timeout='0':
	How long to watch before giving up (e.g. 1s, 2m, 3h); 0 watches until interrupted.

    --template='':
	The template (or its file) for -o go-template, go-template-file, jsonpath and jsonpath-file when the -o value has none.

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
