// `kubesim api-resources`: flags, then the listing from src/printers/api-resources.ts.
import { apiResources } from '../printers/api-resources.js';
import { addGlobalFlags, FlagError, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';

const HELP = `Print the supported API resources on the server.

Examples:
  # Print the supported API resources
  kubectl api-resources

  # Print the supported API resources with more information
  kubectl api-resources -o wide

  # Print the supported API resources sorted by a column
  kubectl api-resources --sort-by=name

  # Print the supported namespaced resources
  kubectl api-resources --namespaced=true

  # Print the supported non-namespaced resources
  kubectl api-resources --namespaced=false

  # Print the supported API resources with a specific APIGroup
  kubectl api-resources --api-group=apps

Options:
    --api-group='':
	Limit to resources in the specified API group.

    --categories=[]:
	Limit to resources that belong to the specified categories.

    --namespaced=true:
	If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default.

    --no-headers=false:
	When using the default or custom-column output format, don't print headers (default print headers).

    -o, --output='':
	Output format. One of: (wide, name).

    --sort-by='':
	If non-empty, sort list of resources using specified field. The field can be either 'name' or 'kind'.

    --verbs=[]:
	Limit to resources that support the specified verbs.

Usage:
  kubectl api-resources [flags] [options]
`;

function parseBool(flag: string, v: string): boolean {
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(v)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(v)) return false;
  throw new FlagError(`invalid argument "${v}" for "--${flag}" flag: strconv.ParseBool: parsing "${v}": invalid syntax\nSee 'kubectl api-resources --help' for usage.`);
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('api-resources', io, HELP));
  const list = (v: string, prev: string[]) => [...prev, ...v.split(',').filter((x) => x !== '')];
  cmd
    .option('-o, --output <format>', 'output format')
    .option('--namespaced [bool]', 'namespaced or not')
    .option('--api-group <group>', 'api group')
    .option('--verbs <verbs>', 'verbs', list, [] as string[])
    .option('--categories <categories>', 'categories', list, [] as string[])
    .option('--sort-by <field>', 'name or kind')
    .option('--no-headers', "don't print headers")
    .option('--cached', 'ignored: kubesim has no discovery cache');
  if (!parseArgs(cmd, argv, 'api-resources')) return 0;
  const opts = cmd.opts();
  const namespaced = opts.namespaced === undefined ? undefined : opts.namespaced === true ? true : parseBool('namespaced', String(opts.namespaced));
  io.stdout.write(
    apiResources({
      output: typeof opts.output === 'string' ? opts.output.replace(/^=/, '') : undefined,
      namespaced,
      apiGroup: opts.apiGroup,
      verbs: opts.verbs,
      categories: opts.categories,
      sortBy: opts.sortBy,
      noHeaders: opts.headers === false,
    }),
  );
  return 0;
}
