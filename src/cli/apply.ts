// `kubesim apply -f FILE|DIR|-`: client-side apply with kubectl's last-applied annotation and lines.
import { CommandError } from '../api/errors.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { addManifestWriteFlags, writeManifests } from './write-manifests.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('apply', io, HELP));
  addManifestWriteFlags(cmd)
    .option('-l, --selector <selector>', 'only the objects with these labels (and, with --prune, the ones to prune)')
    .option('--prune', 'delete objects an earlier apply made that are no longer in the files')
    .option('--all', 'with --prune: every object, not only the ones -l selects')
    .option('--prune-allowlist <gvk>', 'group/version/kind to prune (repeatable)', (v: string, p: string[] = []) => [...p, v], [])
    .option('--force', 'accepted for compatibility')
    .option('--overwrite', 'accepted for compatibility')
    .option('--field-manager <name>', 'the manager that owns the fields this apply writes')
    .option('--server-side', 'server-side apply')
    .option('--force-conflicts', 'take the fields other managers own')
    .option('--show-managed-fields', 'keep metadata.managedFields in -o json/yaml')
    .option('--wait', 'accepted for compatibility');
  if (!parseArgs(cmd, argv, 'apply')) return 0;
  if (cmd.args.length) throw new CommandError(`Unexpected args: [${cmd.args.join(' ')}]`, { usageOf: 'apply' });
  const o = cmd.opts();
  // kubectl's checks, in its order, before anything is read.
  if (o.forceConflicts && !o.serverSide) throw new CommandError('--force-conflicts only works with --server-side');
  if (o.serverSide && o.force) throw new CommandError('--force cannot be used with --server-side');
  if (o.serverSide && (o.dryRun === true || o.dryRun === 'client')) throw new CommandError("--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)");
  if (o.serverSide && o.prune) throw new CommandError("--prune is in alpha and doesn't currently work on objects created by server-side apply");
  // An empty --field-manager sends none: the API server names the writer after its user agent, "kubectl".
  const fieldManager = o.fieldManager === '' ? 'kubectl' : o.fieldManager ?? (o.serverSide ? 'kubectl' : 'kubectl-client-side-apply');
  return writeManifests('apply', { ...o, fieldManager }, io);
}

// kubectl's layout, flags and examples; the prose says what kubesim does.
const HELP = `Make the simulated cluster match the objects in manifest files (YAML or JSON, from files, directories, - for
stdin, or a kustomization).

 An object that does not exist yet is created; one that exists is updated by a three-way merge of the
 manifest, the live object and the last-applied-configuration annotation an earlier apply (or create
 --save-config) stored (client-side apply); with --server-side the API server merges and tracks field
 ownership. Each object prints a created, configured, unchanged or serverside-applied line. The simulated
 controllers then react to the change. kubesim reads local files only, not URLs.

Examples:
  # Create or update the pod described in pod.json
  kubectl apply -f ./pod.json
  
  # The same, reading the manifest from stdin
  cat pod.json | kubectl apply -f -
  
  # Every .json file the pattern matches, in name order
  kubectl apply -f '*.json'

Options:
    --all=false:
	With --prune, prune candidates are all objects of the prunable kinds, not only those -l selects.

    --dry-run='none':
	"none", "server" or "client". client: report what would be created or configured, changing nothing; server: the simulated API server checks and defaults the objects, then discards them.

    --field-manager='kubectl-client-side-apply':
	The name metadata.managedFields records for the fields this apply writes ("kubectl" with --server-side when not given).

    --force-conflicts=false:
	With --server-side: take over the fields another manager owns with a different value instead of failing with a conflict.

    -f, --filename=[]:
	Manifest files, directories or glob patterns to apply (- for stdin); repeatable.

    --force=false:
	Accepted for compatibility; kubesim never deletes and recreates an object on apply.

    -k, --kustomize='':
	Build the kustomization in this directory and use the objects it produces; not together with -f or -R.

    -o, --output='':
	Print the applied objects in this format instead of the status lines. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).

    --overwrite=true:
	Accepted for compatibility; values in the manifest always win over the live ones.

    --prune=false:
	After applying, delete the objects of the prunable kinds that an earlier apply (or create --save-config) made, that match -l (or --all), live in the namespaces of the applied objects, and are not in the files any more. Each prints "<kind>/<name> pruned".

    --prune-allowlist=[]:
	The kinds --prune may delete, as group/version/kind (core/v1/ConfigMap); without it, kubectl's default list of common kinds.

    -R, --recursive=false:
	Also read the subdirectories of a directory given to -f.

    -l, --selector='':
	Apply only the manifest objects whose labels match (=, ==, !=; e.g. -l app=web,tier!=db); with --prune, also limits what is pruned.

    --server-side=false:
	Server-side apply: the simulated API server merges the objects, and the field manager owns exactly the fields they set; fields it applied before and no longer sets are removed, and a field another manager set to a different value is a conflict. Each object prints "<kind>/<name> serverside-applied".

    --show-managed-fields=false:
	Keep metadata.managedFields in json and yaml output.

    --validate='strict':
	What the simulated API server does with fields it does not know: strict (or true) rejects the object, warn prints a warning and drops them, ignore (or false) drops them silently.

    --wait=false:
	Accepted for compatibility; kubesim does not wait.

Usage:
  kubectl apply -f FILENAME [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
