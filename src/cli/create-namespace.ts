// `kubesim create namespace NAME`: kubectl's generator, then the API server's create.
import { CommandError, KubeError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { createObject } from '../cluster/apiserver.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { checkOutput, dryRunOf, printTemplate, templateFormat, toYAML } from './write-manifests.js';

class NothingToSave extends Error {}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('create namespace', io, HELP));
  cmd
    .option('--dry-run [strategy]', 'none, server or client')
    .option('-o, --output <format>', 'json, yaml or name')
    .option('--validate [mode]', 'accepted for compatibility')
    .option('--save-config', 'accepted for compatibility')
    .option('--field-manager <name>', 'the field manager the write is recorded under')
    .option('--template <template>', 'the template of -o go-template')
    .option('--allow-missing-template-keys [bool]', 'accepted for compatibility')
    .option('--show-managed-fields', 'accepted for compatibility');
  if (!parseArgs(cmd, argv, 'create namespace')) return 0;
  const o = cmd.opts();
  // --template alone means -o go-template, as kubectl's printer flags read it.
  if (o.template !== undefined && (o.output === undefined || o.output === 'go-template' || o.output === 'template')) o.output = `${o.output ?? 'go-template'}=${o.template}`;
  if (cmd.args.length !== 1) throw new CommandError(`exactly one NAME is required, got ${cmd.args.length}`, { usageOf: 'create namespace' });
  const dryRun = dryRunOf(o.dryRun);
  checkOutput(o.output, true);
  const name = cmd.args[0];
  const input = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObject;
  let obj: KubeObject = input;
  if (dryRun === 'client') {
    obj = { apiVersion: 'v1', kind: 'Namespace', metadata: { creationTimestamp: null, name }, spec: {}, status: {} } as unknown as KubeObject;
  } else {
    const session = new Session(o, io);
    try {
      await session.change((state, ctx) => {
        obj = createObject(state, ctx, input, { namespace: session.namespace, dryRun: dryRun === 'server', manager: { manager: o.fieldManager ?? 'kubectl-create' } });
        if (dryRun === 'server') throw new NothingToSave();
      });
    } catch (e) {
      if (!(e instanceof NothingToSave)) throw e as KubeError;
    }
  }
  const suffix = dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
  if (typeof o.output === 'string' && templateFormat(o.output)) await printTemplate(o.output, obj, io);
  else if (o.output === 'name') io.stdout.write(`namespace/${name}\n`);
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
const HELP = `Make a Namespace called NAME in the simulated cluster. The simulated controllers then give it its
default service account and kube-root-ca.crt config map.

Aliases:
namespace, ns

Examples:
  # A namespace called my-namespace
  kubectl create namespace my-namespace

Options:
    --allow-missing-template-keys=true:
	Accepted for compatibility: a template's missing keys print as <no value>.

    --dry-run='none':
	One of "none", "server" or "client". "client" prints the object kubesim would send and stops there; "server" also lets the simulated API server default and check it, but stores nothing. Either way the simulated cluster is left unchanged.

    --field-manager='kubectl-create':
	Accepted for compatibility; kubesim does not track field ownership, so the name is not recorded.

    -o, --output='':
	Print the resulting object in this format instead of the usual status line; choose from (json, yaml, name, go-template, go-template-file, template, templatefile).

    --save-config=false:
	Accepted for compatibility; this generator does not write the last-applied annotation.

    --show-managed-fields=false:
	Accepted for compatibility; kubesim records no managed fields.

    --template='':
	The template for -o go-template or -o template (Go text/template syntax: golang.org/pkg/text/template).

    --validate='strict':
	One of strict (or true), warn, ignore (or false); accepted for compatibility. The object is built by kubesim itself, so there is no input to check.

Usage:
  kubectl create namespace NAME [--dry-run=server|client|none] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
