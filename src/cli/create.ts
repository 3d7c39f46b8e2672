// `kubesim create -f FILE|DIR|-` and `kubesim create <subcommand>` (service, deployment and namespace
// generators live in their own modules).
import { CommandError } from '../api/errors.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO, Verb } from './io.js';
import { addManifestWriteFlags, writeManifests } from './write-manifests.js';
import { own } from '../util/own.js';

/** `create <sub>` generators, each its own module. */
export const SUBCOMMANDS: Record<string, () => Promise<Verb>> = {
  service: () => import('./create-service.js'),
  svc: () => import('./create-service.js'),
  deployment: () => import('./create-deployment.js'),
  deploy: () => import('./create-deployment.js'),
  job: () => import('./create-job.js'),
  cronjob: () => import('./create-cronjob.js'),
  cj: () => import('./create-cronjob.js'),
  configmap: () => import('./create-config.js').then((m) => ({ run: m.configMap })),
  cm: () => import('./create-config.js').then((m) => ({ run: m.configMap })),
  secret: () => import('./create-config.js').then((m) => ({ run: m.secret })),
  ingress: () => import('./create-ingress.js'),
  ing: () => import('./create-ingress.js'),
  namespace: () => import('./create-namespace.js'),
  ns: () => import('./create-namespace.js'),
};

export async function run(argv: string[], io: CliIO): Promise<number> {
  const sub = argv.find((a) => !a.startsWith('-'));
  const generator = sub === undefined ? undefined : own(SUBCOMMANDS, sub);
  if (generator && !isFlagValue(argv, argv.indexOf(sub!))) {
    const verb = await generator();
    return verb.run(argv.filter((_a, i) => i !== argv.indexOf(sub!)), io);
  }
  const cmd = addGlobalFlags(newCommand('create', io, HELP));
  addManifestWriteFlags(cmd)
    .option('--save-config', 'accepted for compatibility')
    .option('--field-manager <name>', 'accepted for compatibility');
  if (!parseArgs(cmd, argv, 'create')) return 0;
  if (cmd.args.length) throw new CommandError(`Unexpected args: [${cmd.args.join(' ')}]`, { usageOf: 'create' });
  return writeManifests('create', cmd.opts(), io);
}

/** Whether argv[i] is the value of a preceding flag (create -f service.yaml is a file, not a subcommand). */
function isFlagValue(argv: string[], i: number): boolean {
  const prev = argv[i - 1];
  return !!prev && /^(-f|--filename|-n|--namespace|-o|--output|--state|-l|--selector|--field-manager)$/.test(prev);
}

// kubectl's help text, limited to what kubesim supports.
const HELP = `Create a resource from a file or from stdin.

 JSON and YAML formats are accepted.

Examples:
  # Create a pod using the data in pod.json
  kubectl create -f ./pod.json
  
  # Create a pod based on the JSON passed into stdin
  cat pod.json | kubectl create -f -

Available Commands:
  configmap             Create a config map from a local file, directory or literal value
  cronjob               Create a cron job with the specified name
  deployment            Create a deployment with the specified name
  ingress               Create an ingress with the specified name
  job                   Create a job with the specified name
  namespace             Create a namespace with the specified name
  secret                Create a secret using a specified subcommand
  service               Create a service using a specified subcommand

Options:
    --dry-run='none':
	Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.

    --field-manager='kubectl-create':
	Name of the manager used to track field ownership.

    -f, --filename=[]:
	Filename, directory, or URL to files to use to create the resource

    -k, --kustomize='':
	Build the kustomization in this directory and use the objects it produces; not together with -f or -R.

    -o, --output='':
	Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).

    -R, --recursive=false:
	Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.

    --save-config=false:
	If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.

    --validate='strict':
	Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. "warn" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as "ignore" otherwise. "false" or "ignore" will not perform any schema validation, silently dropping any unknown or duplicate fields.

Usage:
  kubectl create -f FILENAME [options]

Use "kubectl create <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
