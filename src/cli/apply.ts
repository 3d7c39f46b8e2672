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
    .option('--field-manager <name>', 'accepted for compatibility')
    .option('--server-side', 'accepted for compatibility')
    .option('--wait', 'accepted for compatibility');
  if (!parseArgs(cmd, argv, 'apply')) return 0;
  if (cmd.args.length) throw new CommandError(`Unexpected args: [${cmd.args.join(' ')}]`, { usageOf: 'apply' });
  return writeManifests('apply', cmd.opts(), io);
}

// kubectl's help text, limited to what kubesim supports.
const HELP = `Apply a configuration to a resource by file name or stdin. The resource name must be specified. This resource will be created if it doesn't exist yet. To use 'apply', always create the resource initially with either 'apply' or 'create --save-config'.

 JSON and YAML formats are accepted.

Examples:
  # Apply the configuration in pod.json to a pod
  kubectl apply -f ./pod.json
  
  # Apply the JSON passed into stdin to a pod
  cat pod.json | kubectl apply -f -
  
  # Apply the configuration from all files that end with '.json'
  kubectl apply -f '*.json'

Options:
    --all=false:
	With --prune, consider every object of the prunable kinds instead of the ones -l selects.

    --dry-run='none':
	Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.

    --field-manager='kubectl-client-side-apply':
	Name of the manager used to track field ownership.

    -f, --filename=[]:
	The files that contain the configurations to apply.

    --force=false:
	If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.

    -k, --kustomize='':
	Build the kustomization in this directory and use the objects it produces; not together with -f or -R.

    -o, --output='':
	Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).

    --overwrite=true:
	Automatically resolve conflicts between the modified and live configuration by using values from the modified configuration

    --prune=false:
	After applying, delete the objects of the prunable kinds that an earlier apply (or create --save-config) made, that match -l (or --all), live in the namespaces of the applied objects, and are not in the files any more. Each prints "<kind>/<name> pruned".

    --prune-allowlist=[]:
	The kinds --prune may delete, as group/version/kind (core/v1/ConfigMap); without it, kubectl's default list of common kinds.

    -R, --recursive=false:
	Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.

    -l, --selector='':
	Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.

    --validate='strict':
	Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. "warn" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as "ignore" otherwise. "false" or "ignore" will not perform any schema validation, silently dropping any unknown or duplicate fields.

    --wait=false:
	If true, wait for resources to be gone before returning. This waits for finalizers.

Usage:
  kubectl apply -f FILENAME [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
