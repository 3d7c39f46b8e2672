// `kubesim create namespace NAME`: kubectl's generator, then the API server's create.
import { CommandError, KubeError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { createObject } from '../cluster/apiserver.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { checkOutput, dryRunOf, toYAML } from './write-manifests.js';

class NothingToSave extends Error {}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('create namespace', io, HELP));
  cmd
    .option('--dry-run [strategy]', 'none, server or client')
    .option('-o, --output <format>', 'json, yaml or name')
    .option('--validate [mode]', 'accepted for compatibility')
    .option('--save-config', 'accepted for compatibility')
    .option('--field-manager <name>', 'accepted for compatibility');
  if (!parseArgs(cmd, argv, 'create namespace')) return 0;
  const o = cmd.opts();
  if (cmd.args.length !== 1) throw new CommandError(`exactly one NAME is required, got ${cmd.args.length}`, { usageOf: 'create namespace' });
  const dryRun = dryRunOf(o.dryRun);
  checkOutput(o.output);
  const name = cmd.args[0];
  const input = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObject;
  let obj: KubeObject = input;
  if (dryRun === 'client') {
    obj = { apiVersion: 'v1', kind: 'Namespace', metadata: { creationTimestamp: null, name }, spec: {}, status: {} } as unknown as KubeObject;
  } else {
    const session = new Session(o, io);
    try {
      await session.change((state, ctx) => {
        obj = createObject(state, ctx, input, { namespace: session.namespace, dryRun: dryRun === 'server' });
        if (dryRun === 'server') throw new NothingToSave();
      });
    } catch (e) {
      if (!(e instanceof NothingToSave)) throw e as KubeError;
    }
  }
  const suffix = dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
  if (o.output === 'name') io.stdout.write(`namespace/${name}\n`);
  else if (o.output === 'json' || o.output === 'yaml') {
    const { toJSON } = await import('../printers/format.js');
    // A client dry run prints kubectl's typed object: JSON in Go struct field order.
    if (o.output === 'json' && dryRun === 'client') {
      io.stdout.write(`${JSON.stringify({ kind: 'Namespace', apiVersion: 'v1', metadata: { name, creationTimestamp: null }, spec: {}, status: {} }, null, 4)}\n`);
    } else io.stdout.write(o.output === 'json' ? toJSON(obj) : await toYAML(obj));
  } else io.stdout.write(`namespace/${name} created${suffix}\n`);
  return 0;
}

// kubectl's help text, with kubesim as the command name.
const HELP = `Create a namespace with the specified name.

Aliases:
namespace, ns

Examples:
  # Create a new namespace named my-namespace
  kubectl create namespace my-namespace

Options:
    --allow-missing-template-keys=true:
	If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.

    --dry-run='none':
	Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.

    --field-manager='kubectl-create':
	Name of the manager used to track field ownership.

    -o, --output='':
	Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).

    --save-config=false:
	If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.

    --show-managed-fields=false:
	If true, keep the managedFields when printing objects in JSON or YAML format.

    --template='':
	Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].

    --validate='strict':
	Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation is enabled on the api-server, but will fall back to less reliable client-side validation if not. "warn" will warn about unknown or duplicate fields without blocking the request if server-side field validation is enabled on the API server, and behave as "ignore" otherwise. "false" or "ignore" will not perform any schema validation, silently dropping any unknown or duplicate fields.

Usage:
  kubectl create namespace NAME [--dry-run=server|client|none] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
