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
const HELP = `Create the objects described in manifest files, directories, a kustomization or standard input, in the simulated
cluster. Each goes through the simulated API server (defaulting and validation), and the simulated controllers then act
on it; an object that already exists is an error (use apply or replace to change one).

 Manifests may be YAML or JSON, several to a file.

Examples:
  # Create the object defined in pod.json
  kubectl create -f ./pod.json
  
  # Create what arrives on standard input
  cat pod.json | kubectl create -f -

Available Commands:
  configmap             Make a ConfigMap from literals, files or an env file
  cronjob               Make a CronJob that starts Jobs on a schedule
  deployment            Make a Deployment running the given images
  ingress               Make an Ingress that routes HTTP hosts and paths to Services
  job                   Make a Job, from an image or a CronJob
  namespace             Make a Namespace
  secret                Make a Secret (generic, tls or docker-registry)
  service               Make a Service of a given type

Options:
    --dry-run='none':
	One of "none", "server" or "client". "client" prints the object kubesim would send and stops there; "server" also lets the simulated API server default and check it, but stores nothing. Either way the simulated cluster is left unchanged.

    --field-manager='kubectl-create':
	Accepted for compatibility; kubesim does not track field ownership, so the name is not recorded.

    -f, --filename=[]:
	Manifest files or directories to read, or - for standard input.

    -k, --kustomize='':
	Build the kustomization in this directory and use the objects it produces; not together with -f or -R.

    -o, --output='':
	Print the resulting object in this format instead of the usual status line; choose from (json, yaml, name, go-template, go-template-file, template, templatefile).

    -R, --recursive=false:
	Also read the manifests in subdirectories of any directory given with -f.

    --save-config=false:
	Also record the object as sent in its kubectl.kubernetes.io/last-applied-configuration annotation, so that a later apply can merge against it.

    --validate='strict':
	One of strict (or true), warn, ignore (or false). strict refuses a manifest with unknown or duplicate fields (checked against the schemas kubesim knows); warn creates it and prints a warning for each such field; ignore drops them silently.

Usage:
  kubectl create -f FILENAME [options]

Use "kubectl create <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
