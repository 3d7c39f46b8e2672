// `kubesim auth can-i` and `kubesim auth whoami`: the simulated API server's RBAC decision (src/cluster/rbac.ts)
// for kind's admin user, or for the user --as/--as-group impersonate.
import { createHash } from 'node:crypto';
import { CLI_NAME, CommandError, ExitError } from '../api/errors.js';
import { findResource } from '../api/resources.js';
import { impersonated, KIND_ADMIN, type UserInfo } from '../cluster/rbac.js';
import type { ClusterState } from '../store/state.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { Session } from './session.js';

const AUTH_HELP = `Ask the simulated API server what you may do and who you are.

Available Commands:
  can-i         Check whether an action is allowed
  whoami        Experimental: Check self subject attributes

Usage:
  kubectl auth [flags] [options]

Use "kubectl auth <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const CAN_I_HELP = `Check whether an action is allowed.

 kubesim answers from the RBAC objects it stores (ClusterRoles, Roles and their bindings), as the API
 server's RBAC authorizer would: "yes" (exit 0) or "no" (exit 1). VERB is an API verb (get, list, watch,
 create, delete, ...); TYPE a resource kind, short name or resource.group; NAME one object; NONRESOURCEURL a
 path starting with "/". Without --as, the user is kind's admin (kubernetes-admin, in kubeadm:cluster-admins).

Examples:
  # Check to see if I can create pods in any namespace
  kubectl auth can-i create pods --all-namespaces
  
  # Check to see if I can list deployments in my current namespace
  kubectl auth can-i list deployments.apps
  
  # Check to see if service account "foo" of namespace "dev" can list pods in the namespace "prod"
  # You must be allowed to use impersonation for the global option "--as"
  kubectl auth can-i list pods --as=system:serviceaccount:dev:foo -n prod
  
  # Check to see if I can do everything in my current namespace ("*" means all)
  kubectl auth can-i '*' '*'
  
  # Check to see if I can get the job named "bar" in namespace "foo"
  kubectl auth can-i list jobs.batch/bar -n foo
  
  # Check to see if I can read pod logs
  kubectl auth can-i get pods --subresource=log
  
  # Check to see if I can access the URL /logs/
  kubectl auth can-i get /logs/
  
  # Check to see if I can approve certificates.k8s.io
  kubectl auth can-i approve certificates.k8s.io

Options:
    -A, --all-namespaces=false:
	Ask about every namespace at once (only cluster-wide grants count).

    --list=false:
	List every rule the user holds in the namespace: resources, URLs, names and verbs.

    --no-headers=false:
	Leave out the header line of --list.

    -q, --quiet=false:
	Print nothing; the exit code is the answer.

    --subresource='':
	A subresource of TYPE, such as log or exec for pods.

Usage:
  kubectl auth can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const WHOAMI_HELP = `Experimental: Check self subject attributes.

 Prints the user the simulated API server sees: kind's admin (kubernetes-admin, authenticated by its client
 certificate) or the user --as/--as-group impersonate, with its groups.

Examples:
  # Get your subject attributes
  kubectl auth whoami
  
  # Get your subject attributes in JSON format
  kubectl auth whoami -o json

Options:
    --allow-missing-template-keys=true:
	Accepted for compatibility: a missing key in a jsonpath template is not an error.

    -o, --output='':
	Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).

    --show-managed-fields=false:
	Accepted for compatibility; the review has no managedFields.

    --template='':
	The template for -o jsonpath.

Usage:
  kubectl auth whoami [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const RESOURCE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'use', 'bind', 'impersonate', '*', 'approve', 'sign', 'escalate', 'attest'];
const URL_VERBS = ['get', 'put', 'post', 'head', 'options', 'delete', 'patch', '*'];

interface AuthOptions {
  namespace?: string;
  allNamespaces?: boolean;
  state?: string;
  as?: string;
  asGroup: string[];
  quiet?: boolean;
  list?: boolean;
  headers?: boolean;
  subresource?: string;
  output?: string;
  template?: string;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const sub = argv.find((a) => !a.startsWith('-'));
  if (sub === 'can-i') return canI(argv.filter((a, i) => i !== argv.indexOf('can-i')), io);
  if (sub === 'whoami') return whoami(argv.filter((a, i) => i !== argv.indexOf('whoami')), io);
  if (sub === undefined || argv.includes('-h') || argv.includes('--help')) {
    io.stdout.write(AUTH_HELP);
    return 0;
  }
  // cobra's answer for an unknown subcommand of a command that only groups others (exit 0, as kubectl does)
  io.stderr.write(`Error: unknown command "${sub}"\nSee '${CLI_NAME} auth -h' for help and examples\n`);
  return 0;
}

function addImpersonation(cmd: ReturnType<typeof newCommand>): void {
  cmd.option('--as <user>').option('--as-group <group>', '', (v: string, prev: string[]) => [...prev, v], [] as string[]);
}

/** The user the request runs as; kind's kubeconfig names its user kind-<cluster>, which client-go's error quotes. */
function userOf(o: AuthOptions, state: ClusterState): UserInfo {
  if (o.asGroup.length && !o.as) throw new CommandError(`requesting uid, groups or user-extra for kind-${state.cluster.name} without impersonating a user`);
  return o.as ? impersonated(o.as, o.asGroup) : KIND_ADMIN;
}

async function canI(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('auth can-i', io, CAN_I_HELP), { allNamespaces: true });
  cmd.option('--list').option('--no-headers').option('-q, --quiet').option('--subresource <name>');
  addImpersonation(cmd);
  if (!parseArgs(cmd, argv, 'auth can-i')) return 0;
  const o = cmd.opts() as AuthOptions;
  const args = cmd.args;
  if (o.list) {
    if (args.length) throw new ExitError(1, `error: list option must be specified with no arguments\nSee '${CLI_NAME} auth can-i -h' for help and examples.`);
    if (o.quiet || o.allNamespaces || o.subresource) throw new CommandError("list option can't be specified with neither quiet, all-namespaces nor subresource options");
    const session = new Session(o, io);
    const { state } = await session.read();
    const user = userOf(o, state);
    const { rulesReview } = await import('../cluster/rbac.js');
    const { accessList } = await import('./can-i-list.js');
    io.stdout.write(accessList(rulesReview(state, user, session.namespace), o.headers !== false));
    return 0;
  }
  if (args.length !== 2) throw new ExitError(1, `error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee '${CLI_NAME} auth can-i -h' for help and examples.`);
  const [verb, target] = args;
  const session = new Session(o, io);
  const { state } = await session.read();
  const user = userOf(o, state);
  let allowed: boolean;
  const { canDoResource, canDoURL } = await import('../cluster/rbac.js');
  if (target.startsWith('/')) {
    if (!URL_VERBS.includes(verb)) io.stderr.write(`Warning: verb '${verb}' is not a known verb\n`);
    allowed = canDoURL(state, user, verb, target);
  } else {
    const slash = target.indexOf('/');
    const word = slash < 0 ? target : target.slice(0, slash);
    const name = slash < 0 ? undefined : target.slice(slash + 1);
    const res = resolve(word, io);
    if (!RESOURCE_VERBS.includes(verb)) io.stderr.write(`Warning: verb '${verb}' is not a known verb\n`);
    if (!o.allNamespaces && res.namespaced === false) {
      io.stderr.write(`Warning: resource '${res.resource}' is not namespace scoped${res.group ? ` in group '${res.group}'` : ''}\n`);
    }
    allowed = canDoResource(state, user, {
      verb,
      group: res.group,
      resource: res.resource,
      subresource: o.subresource || undefined,
      name,
      namespace: o.allNamespaces ? undefined : session.namespace,
    });
  }
  if (!o.quiet) io.stdout.write(allowed ? 'yes\n' : 'no\n');
  return allowed ? 0 : 1;
}

/** TYPE as kubectl's RESTMapper reads it; an unknown one is checked as written, after a warning. */
function resolve(word: string, io: CliIO): { group: string; resource: string; namespaced?: boolean } {
  if (word === '*') return { group: '', resource: '*' };
  const lower = word.toLowerCase();
  const info = findResource(lower);
  if (info) return { group: info.group, resource: info.resource, namespaced: info.namespaced };
  const dot = lower.indexOf('.');
  const resource = dot < 0 ? lower : lower.slice(0, dot);
  const group = dot < 0 ? '' : lower.slice(dot + 1);
  io.stderr.write(group ? `Warning: the server doesn't have a resource type '${resource}' in group '${group}'\n` : `Warning: the server doesn't have a resource type '${resource}'\n`);
  // kubectl then asks about the argument as typed, in the core group
  return { group: '', resource: word };
}

/** The x509 credential id the API server reports for kind's admin certificate (simulated, per cluster). */
function credentialID(state: ClusterState): string {
  return `X509SHA256=${createHash('sha256').update(`kubesim/${state.cluster.name}/${state.cluster.seed}/kubernetes-admin`).digest('hex')}`;
}

async function whoami(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('auth whoami', io, WHOAMI_HELP));
  cmd.option('-o, --output <format>').option('--template <t>').option('--allow-missing-template-keys').option('--show-managed-fields');
  addImpersonation(cmd);
  if (!parseArgs(cmd, argv, 'auth whoami')) return 0;
  const o = cmd.opts() as AuthOptions;
  if (cmd.args.length) throw new ExitError(1, `error: unknown command "${cmd.args[0]}" for "kubectl auth whoami"`);
  const { state } = await new Session(o, io).read();
  const user = userOf(o, state);
  const extra: Record<string, string[]> = o.as ? {} : { 'authentication.kubernetes.io/credential-id': [credentialID(state)] };
  const review = {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    status: { userInfo: { username: user.username, groups: user.groups, ...(Object.keys(extra).length ? { extra } : {}) } },
  };
  const output = o.output ?? '';
  if (output === '') {
    const rows = [['ATTRIBUTE', 'VALUE'], ['Username', user.username], ['Groups', `[${user.groups.join(' ')}]`]];
    for (const [k, v] of Object.entries(extra).sort()) rows.push([`Extra: ${k}`, `[${v.join(' ')}]`]);
    const { formatTable } = await import('../printers/tabwriter.js');
    io.stdout.write(formatTable(rows));
    return 0;
  }
  if (output === 'json') {
    io.stdout.write(`${JSON.stringify(review, null, 4)}\n`);
    return 0;
  }
  if (output === 'yaml') {
    const { goYAML } = await import('../printers/yaml.js');
    io.stdout.write(goYAML(review));
    return 0;
  }
  if (output === 'name') {
    io.stdout.write('selfsubjectreview.authentication.k8s.io/\n');
    return 0;
  }
  if (output.startsWith('jsonpath=') || output === 'jsonpath') {
    const tmpl = output === 'jsonpath' ? o.template : output.slice('jsonpath='.length);
    if (!tmpl) throw new CommandError('template format specified but no template given');
    const { JSONPath, JSONPathParseError } = await import('../printers/jsonpath.js');
    try {
      io.stdout.write(new JSONPath(tmpl).execute(JSON.parse(JSON.stringify(review)), false));
    } catch (e) {
      if (e instanceof JSONPathParseError) throw new CommandError(`error parsing jsonpath ${tmpl}, ${e.message}`);
      throw new CommandError(`error executing jsonpath "${tmpl}": ${(e as Error).message}`);
    }
    return 0;
  }
  throw new CommandError(`unable to match a printer suitable for the output format "${output}", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml`);
}
