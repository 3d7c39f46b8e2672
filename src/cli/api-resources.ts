// `kubesim api-resources`: flags, then the listing from src/printers/api-resources.ts.
import { apiResources } from '../printers/api-resources.js';
import { addGlobalFlags, FlagError, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';

const HELP = `List the kinds of object kubesim's simulated API server knows: their plural names, short names, API version,
whether they live in a namespace, and their kind. Objects of other kinds are refused.

Examples:
  # Every kind the simulated API server serves
  kubectl api-resources

  # Add the verbs and categories of each
  kubectl api-resources -o wide

  # In order of name
  kubectl api-resources --sort-by=name

  # Only the kinds that live in a namespace
  kubectl api-resources --namespaced=true

  # Only the cluster-wide kinds
  kubectl api-resources --namespaced=false

  # Only the kinds of the apps group
  kubectl api-resources --api-group=apps

Options:
    --api-group='':
	List only the kinds of this API group (an empty group is the core one).

    --categories=[]:
	List only the kinds in all of these categories (such as all).

    --namespaced=true:
	true lists only namespaced kinds, false only cluster-wide ones; when the flag is absent, both are listed.

    --no-headers=false:
	Leave out the header line of the table.

    -o, --output='':
	wide adds the VERBS and CATEGORIES columns; name prints only resource.group names.

    --sort-by='':
	Sort the list by 'name' or by 'kind'.

    --verbs=[]:
	List only the kinds that allow all of these verbs (get, list, create, ...).

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
