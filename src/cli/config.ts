// `kubesim config ...`: kubectl's config subcommands over the kubeconfig kubesim reads (src/store/kubeconfig.ts).
// They work on the files alone, as kubectl's do (an unknown --context does not stop `config view`); a change
// rewrites the file that holds the entry, in kubectl's layout.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CommandError } from '../api/errors.js';
import { currentContextFile, defaultFile, fileOf, loadKubeconfig, putEntry, v1Config, writeKubeconfigFile, type Entry, type Kubeconfig, type KubeconfigFile, type Named } from '../store/kubeconfig.js';
import { formatTable } from '../printers/tabwriter.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { Given } from './config-set.js';
import type { CliIO } from './io.js';

const FOOTER = `Use "kubectl options" for a list of global command-line options (applies to all commands).\n`;

const PARENT_HELP = `Read and change the kubeconfig: its clusters, users and contexts, and which context is current.

 kubesim reads the file named by --kubeconfig, else the files listed in $KUBECONFIG (merged as kubectl merges
them: the first file that names an entry wins, a change goes to the file that holds the entry, a new entry to
the first file that exists), else its own file beside its state (~/.kube/kubesim/kubeconfig). Each kubeconfig
cluster is a simulated cluster with its own state; 'kubesim cluster create --name NAME' adds one. kubesim never
changes ~/.kube/config unless --kubeconfig names it.

Available Commands:
  current-context   Print the name of the current context
  delete-cluster    Remove a cluster entry from the kubeconfig
  delete-context    Remove a context entry from the kubeconfig
  delete-user       Remove a user entry from the kubeconfig
  get-clusters      List the kubeconfig's clusters
  get-contexts      List the kubeconfig's contexts, or the ones named
  get-users         List the kubeconfig's users
  rename-context    Give a context another name
  set               Set one value of the kubeconfig by its dotted path
  set-cluster       Create or change a cluster entry
  set-context       Create or change a context entry
  set-credentials   Create or change a user entry
  unset             Clear one value of the kubeconfig by its dotted path
  use-context       Make a context the current one
  view              Print the merged kubeconfig, or a part of it

Usage:
  kubectl config SUBCOMMAND [options]

Use "kubectl config <command> --help" for more information about a given command.
${FOOTER}`;

interface Sub {
  help: string;
  /** Extra flags of the subcommand. */
  flags?: (cmd: ReturnType<typeof newCommand>) => void;
  run(kc: Kubeconfig, args: string[], opts: Record<string, unknown>, io: CliIO, help: string, given: Given): Promise<number>;
}

const sub = (summary: string, examples: string, options: string, usage: string, extra = '') =>
  `${summary}\n${extra}\nExamples:\n${examples}\n\n${options ? `Options:\n${options}\n` : ''}Usage:\n  ${usage}\n\n${FOOTER}`;

/** cobra's ExactArgs-style refusal kubectl's config subcommands use: the help, then the error. */
function unexpectedArgs(io: CliIO, help: string, args: string[]): never {
  io.stdout.write(help);
  throw new CommandError(`Unexpected args: [${args.join(' ')}]`);
}

async function save(kc: Kubeconfig, files: Iterable<KubeconfigFile>, io: CliIO): Promise<void> {
  for (const f of new Set(files)) await writeKubeconfigFile(kc, f, io.env);
}

const sorted = (m: Map<string, Named>) => [...m.keys()].sort();

const SUBS: Record<string, Sub> = {
  'current-context': {
    help: sub('Print the name of the context kubectl commands use when --context is not given.', '  # Print the current context\n  kubectl config current-context', '', 'kubectl config current-context [options]'),
    async run(kc, _args, _o, io) {
      if (!kc.currentContext) throw new CommandError('current-context is not set');
      io.stdout.write(`${kc.currentContext}\n`);
      return 0;
    },
  },
  'get-contexts': {
    help: sub(
      'List the contexts of the kubeconfig (or only the ones named), marking the current one with *.',
      '  # List all the contexts in your kubeconfig file\n  kubectl config get-contexts\n\n  # Describe one context in your kubeconfig file\n  kubectl config get-contexts my-context',
      "    --no-headers=false:\n\tLeave out the header line.\n\n    -o, --output='':\n\tOutput format. One of: (name).\n",
      'kubectl config get-contexts [(-o|--output=)name)] [options]',
    ),
    flags: (cmd) => cmd.option('-o, --output <format>', 'output format', '').option('--no-headers', 'no headers'),
    async run(kc, args, o, io) {
      const output = String(o.output ?? '');
      if (output !== '' && output !== 'name') throw new CommandError(`--output ${output} is not available in kubectl config get-contexts; resetting to default output format`);
      const names = args.length ? args : sorted(kc.contexts);
      const rows: string[][] = [];
      const missing: string[] = [];
      for (const n of names) {
        const c = kc.contexts.get(n);
        if (!c) {
          missing.push(n);
          continue;
        }
        if (output === 'name') io.stdout.write(`${n}\n`);
        else rows.push([kc.currentContext === n ? '*' : '', n, str(c.body.cluster), str(c.body.user), str(c.body.namespace)]);
      }
      if (output !== 'name') {
        if (o.headers !== false) rows.unshift(['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE']);
        io.stdout.write(formatTable(rows));
      }
      if (missing.length) throw new CommandError(missing.map((n) => `context ${n} not found`).join('\n'));
      return 0;
    },
  },
  'get-clusters': {
    help: sub('List the clusters the kubeconfig names.', '  # List the clusters that kubectl knows about\n  kubectl config get-clusters', '', 'kubectl config get-clusters [options]'),
    async run(kc, _a, _o, io) {
      // kubectl walks a Go map here (its order varies from run to run); kubesim keeps the files' order.
      io.stdout.write(`NAME\n${[...kc.clusters.keys()].map((n) => `${n}\n`).join('')}`);
      return 0;
    },
  },
  'get-users': {
    help: sub('List the users the kubeconfig names.', '  # List the users that kubectl knows about\n  kubectl config get-users', '', 'kubectl config get-users [options]'),
    async run(kc, _a, _o, io) {
      io.stdout.write(`NAME\n${sorted(kc.users).map((n) => `${n}\n`).join('')}`);
      return 0;
    },
  },
  'use-context': {
    help: sub('Make a context the current one: commands without --context work on its cluster and namespace.', '  # Use the context for the minikube cluster\n  kubectl config use-context minikube', '', 'kubectl config use-context CONTEXT_NAME [options]', '\nAliases:\nuse-context, use\n'),
    async run(kc, args, _o, io, help) {
      if (args.length !== 1) unexpectedArgs(io, help, args);
      const name = args[0];
      if (!kc.contexts.has(name)) throw new CommandError(`no context exists with the name: "${name}"`);
      const f = currentContextFile(kc);
      f.doc!.currentContext = name;
      await save(kc, [f], io);
      io.stdout.write(`Switched to context "${name}".\n`);
      return 0;
    },
  },
  'set-context': {
    help: sub(
      'Create a context entry, or change the fields given of an existing one (the others stay as they are).',
      '  # Set the user field on the gce context entry without touching other values\n  kubectl config set-context gce --user=cluster-admin\n\n  # Make dev the default namespace of the current context\n  kubectl config set-context --current --namespace=dev',
      "    --cluster='':\n\tThe cluster the context uses.\n\n    --current=false:\n\tChange the current context.\n\n    --namespace='':\n\tThe namespace commands default to in this context.\n\n    --user='':\n\tThe user the context uses.\n",
      'kubectl config set-context [NAME | --current] [--cluster=cluster_nickname] [--user=user_nickname] [--namespace=namespace] [options]',
    ),
    flags: (cmd) => cmd.option('--current', 'the current context'),
    async run(kc, args, o, io, help) {
      if (args.length > 1) unexpectedArgs(io, help, args);
      if (args.length === 1 && o.current) throw new CommandError('you cannot specify both a context name and --current');
      let name = args[0] ?? '';
      if (o.current) {
        if (!kc.currentContext) throw new CommandError('no current context is set');
        name = kc.currentContext;
      }
      if (!name) throw new CommandError('you must specify a non-empty context name or --current');
      const old = kc.contexts.get(name);
      const body: Entry = { ...(old?.body ?? {}) };
      for (const [flag, field] of [['cluster', 'cluster'], ['user', 'user'], ['namespace', 'namespace']] as const) {
        const v = o[flag];
        if (typeof v !== 'string') continue;
        if (v === '') delete body[field];
        else body[field] = v;
      }
      await save(kc, [putEntry(kc, 'contexts', name, body)], io);
      io.stdout.write(`Context "${name}" ${old ? 'modified' : 'created'}.\n`);
      return 0;
    },
  },
  'delete-context': deleter('contexts', 'context', 'Remove a context entry from the kubeconfig.', '  # Delete the context for the minikube cluster\n  kubectl config delete-context minikube', 'kubectl config delete-context NAME [options]'),
  'delete-cluster': deleter('clusters', 'cluster', 'Remove a cluster entry from the kubeconfig.', '  # Delete the minikube cluster\n  kubectl config delete-cluster minikube', 'kubectl config delete-cluster NAME [options]'),
  'delete-user': deleter('users', 'user', 'Remove a user entry from the kubeconfig.', '  # Delete the minikube user\n  kubectl config delete-user minikube', 'kubectl config delete-user NAME [options]'),
  'rename-context': {
    help: sub('Give a context another name; the current context follows it.', "  # Rename the context 'old-name' to 'new-name' in your kubeconfig file\n  kubectl config rename-context old-name new-name", '', 'kubectl config rename-context CONTEXT_NAME NEW_NAME [options]'),
    async run(kc, args, _o, io, help) {
      if (args.length !== 2) unexpectedArgs(io, help, args);
      const [from, to] = args;
      const where = defaultFile(kc).path;
      const old = kc.contexts.get(from);
      if (!old) throw new CommandError(`cannot rename the context "${from}", it's not in ${where}`);
      if (kc.contexts.has(to)) throw new CommandError(`cannot rename the context "${from}", the context "${to}" already exists in ${where}`);
      const touched = [putEntry(kc, 'contexts', from, undefined)];
      kc.contexts.set(from, old);
      const file = fileOf(kc, old.origin);
      file.doc!.contexts.push({ name: to, body: old.body, origin: file.path });
      touched.push(file);
      if (kc.currentContext === from) {
        const f = currentContextFile(kc);
        f.doc!.currentContext = to;
        touched.push(f);
      }
      await save(kc, touched, io);
      io.stdout.write(`Context "${from}" renamed to "${to}".\n`);
      return 0;
    },
  },
  view: {
    help: sub(
      'Print the merged kubeconfig (or the file --kubeconfig names). Certificate data and tokens are hidden unless --raw is given.',
      "  # Show merged kubeconfig settings\n  kubectl config view\n\n  # Show only the current context, with its cluster and user\n  kubectl config view --minify\n\n  # Get the password for the e2e user\n  kubectl config view -o jsonpath='{.users[?(@.name == \"e2e\")].user.password}'",
      "    --flatten=false:\n\tWrite file references (certificates, keys) inline, so the output stands alone.\n\n    --minify=false:\n\tKeep only what the current context uses.\n\n    -o, --output='yaml':\n\tOutput format. One of: (json, yaml, jsonpath, jsonpath-as-json, jsonpath-file).\n\n    --raw=false:\n\tPrint certificate data and tokens as they are.\n",
      'kubectl config view [flags] [options]',
    ),
    flags: (cmd) =>
      cmd
        .option('--minify', 'minify')
        .option('--raw', 'raw')
        .option('--flatten', 'flatten')
        .option('--merge [bool]', 'merge')
        .option('-o, --output <format>', 'output format', 'yaml')
        .option('--template <template>', 'template'),
    async run(kc, args, o, io, help) {
      if (args.length) unexpectedArgs(io, help, args);
      let clusters = [...kc.clusters.values()];
      let users = [...kc.users.values()];
      let contexts = [...kc.contexts.values()];
      let current = kc.currentContext;
      if (typeof o.context === 'string' && o.context) current = o.context;
      if (o.minify) {
        if (!current) throw new CommandError('current-context must exist in order to minify');
        const ctx = kc.contexts.get(current);
        if (!ctx) throw new CommandError(`cannot locate context ${current}`);
        const cl = kc.clusters.get(str(ctx.body.cluster));
        if (!cl) throw new CommandError(`cannot locate cluster ${str(ctx.body.cluster)}`);
        const us = kc.users.get(str(ctx.body.user));
        if (!us) throw new CommandError(`cannot locate user ${str(ctx.body.user)}`);
        contexts = [ctx];
        clusters = [cl];
        users = [us];
      }
      if (o.flatten) {
        clusters = clusters.map((c) => ({ ...c, body: inline(c, { 'certificate-authority': 'certificate-authority-data' }) }));
        users = users.map((u) => ({ ...u, body: inline(u, { 'client-certificate': 'client-certificate-data', 'client-key': 'client-key-data' }) }));
      } else if (!o.raw) {
        clusters = clusters.map((c) => ({ ...c, body: redact(c.body, ['certificate-authority-data'], []) }));
        users = users.map((u) => ({ ...u, body: redact(u.body, ['client-certificate-data', 'client-key-data'], ['token', 'password']) }));
      }
      const doc = v1Config({ clusters, users, contexts, currentContext: current, preferences: kc.preferences });
      const output = String(o.output ?? 'yaml');
      const eq = output.indexOf('=');
      const format = eq < 0 ? output : output.slice(0, eq);
      if (format === 'yaml' || format === '') {
        const { goYAML } = await import('../printers/yaml.js');
        io.stdout.write(goYAML(doc));
      } else if (format === 'json') {
        io.stdout.write(`${JSON.stringify(doc, null, 4).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`);
      } else if (format.startsWith('jsonpath')) {
        const { structuredPrinter } = await import('../printers/get.js');
        const arg = eq < 0 ? String(o.template ?? '') : output.slice(eq + 1);
        const p = await structuredPrinter(format, arg, { readFile: (f) => readFileSync(f, 'utf8') });
        if (!p) throw new CommandError(`unable to match a printer suitable for the output format "${output}"`);
        io.stdout.write(await p(doc as never));
      } else if (format === 'name') {
        // A Config has no name: kubectl's name printer says so.
        io.stdout.write('config/<unknown>\n');
      } else {
        throw new CommandError(`unable to match a printer suitable for the output format "${output}", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml`);
      }
      return 0;
    },
  },
};
SUBS.use = SUBS['use-context'];

const setModule = () => import('./config-set.js');

/** cobra's refusal for set-credentials: its help, then the error (in lower case, as kubectl words it there). */
function unexpectedLower(io: CliIO, help: string, args: string[]): never {
  io.stdout.write(help);
  throw new CommandError(`unexpected args: [${args.join(' ')}]`);
}

SUBS.set = {
  help: sub(
    `Set one value of the kubeconfig, named by a dotted path.

 PROPERTY_NAME names a field (clusters, users, contexts, current-context, preferences, and the fields inside
them) or, after clusters, users or contexts, an entry's name. A name may hold dots as long as no part of it
is also a field name.

 PROPERTY_VALUE is the new value. Certificate and key data fields take base64 unless --set-raw-bytes is
given. An entry that does not exist is created; the other fields of an existing one stay as they are.
`,
    '  # Set the server field on the my-cluster cluster to https://1.2.3.4\n  kubectl config set clusters.my-cluster.server https://1.2.3.4\n  \n  # Set the certificate-authority-data field on the my-cluster cluster\n  kubectl config set clusters.my-cluster.certificate-authority-data $(echo "cert_data_here" | base64 -i -)\n  \n  # Set the cluster field in the my-context context to my-cluster\n  kubectl config set contexts.my-context.cluster my-cluster\n  \n  # Set the client-key-data field in the cluster-admin user using --set-raw-bytes option\n  kubectl config set users.cluster-admin.client-key-data cert_data_here --set-raw-bytes=true',
    "    --set-raw-bytes=false:\n\tStore the value of a data field as given, instead of decoding it from base64.\n",
    'kubectl config set PROPERTY_NAME PROPERTY_VALUE [options]',
  ),
  flags: (cmd) => cmd.option('--set-raw-bytes', 'raw bytes'),
  async run(kc, args, o, io, help) {
    if (args.length !== 2) unexpectedArgs(io, help, args);
    await (await setModule()).setProperty(kc, args[0], args[1], o.setRawBytes === true, io);
    return 0;
  },
};

SUBS.unset = {
  help: sub(
    `Clear one value of the kubeconfig, named by a dotted path (as for 'config set'); naming an entry removes it.
`,
    '  # Unset the current-context\n  kubectl config unset current-context\n  \n  # Unset namespace in foo context\n  kubectl config unset contexts.foo.namespace',
    '',
    'kubectl config unset PROPERTY_NAME [options]',
  ),
  async run(kc, args, _o, io, help) {
    if (args.length !== 1) unexpectedArgs(io, help, args);
    await (await setModule()).unsetProperty(kc, args[0], io);
    return 0;
  },
};

SUBS['set-cluster'] = {
  help: sub(
    `Create a cluster entry, or change the fields given of an existing one (the others stay as they are).
A new --server forgets the entry's TLS server name unless --tls-server-name is given too. In kubesim the
entry's server is only a name: the simulated cluster behind it is chosen by the entry's name or its kubesim
extension.
`,
    '  # Set only the server field on the e2e cluster entry without touching other values\n  kubectl config set-cluster e2e --server=https://1.2.3.4\n  \n  # Embed certificate authority data for the e2e cluster entry\n  kubectl config set-cluster e2e --embed-certs --certificate-authority=~/.kube/e2e/kubernetes.ca.crt\n  \n  # Disable cert checking for the e2e cluster entry\n  kubectl config set-cluster e2e --insecure-skip-tls-verify=true\n  \n  # Set the custom TLS server name to use for validation for the e2e cluster entry\n  kubectl config set-cluster e2e --tls-server-name=my-cluster-name\n  \n  # Set the proxy URL for the e2e cluster entry\n  kubectl config set-cluster e2e --proxy-url=https://1.2.3.4',
    "    --certificate-authority='':\n\tThe file of the certificate authority that signs the cluster's serving certificate.\n\n    --embed-certs=false:\n\tStore the certificate authority file's contents in the entry instead of its path.\n\n    --insecure-skip-tls-verify=false:\n\tDo not check the server's certificate (clears any certificate authority).\n\n    --proxy-url='':\n\tThe proxy to reach the cluster through.\n\n    --server='':\n\tThe address of the cluster's API server.\n\n    --tls-server-name='':\n\tThe name to check the server's certificate against.\n",
    'kubectl config set-cluster NAME [--server=server] [--certificate-authority=path/to/certificate/authority] [--insecure-skip-tls-verify=true] [--tls-server-name=example.com] [options]',
  ),
  flags: (cmd) =>
    cmd
      .option('--certificate-authority <path>', 'ca file')
      .option('--embed-certs', 'embed')
      .option('--insecure-skip-tls-verify', 'insecure')
      .option('--proxy-url <url>', 'proxy')
      .option('--server <server>', 'server')
      .option('--tls-server-name <name>', 'tls server name'),
  async run(kc, args, _o, io, help, given) {
    if (args.length !== 1) unexpectedArgs(io, help, args);
    await (await setModule()).setCluster(kc, args[0], given, io);
    return 0;
  },
};

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

SUBS['set-credentials'] = {
  help: sub(
    `Create a user entry, or change the fields given of an existing one (the others stay as they are).

        Client-certificate flags:
        --client-certificate=certfile --client-key=keyfile
        
        Bearer token flags:
        --token=bearer_token
        
        Basic auth flags:
        --username=basic_user --password=basic_password
        
 A user has either a token or a user name and password: setting one clears the other. kubesim keeps these
fields for kubectl's sake; its simulated API server acts as the user 'auth can-i --as' names.
`,
    '  # Set only the "client-key" field on the "cluster-admin"\n  # entry, without touching other values\n  kubectl config set-credentials cluster-admin --client-key=~/.kube/admin.key\n  \n  # Set basic auth for the "cluster-admin" entry\n  kubectl config set-credentials cluster-admin --username=admin --password=uXFGweU9l35qcif\n  \n  # Embed client certificate data in the "cluster-admin" entry\n  kubectl config set-credentials cluster-admin --client-certificate=~/.kube/admin.crt --embed-certs=true\n  \n  # Enable the Google Compute Platform auth provider for the "cluster-admin" entry\n  kubectl config set-credentials cluster-admin --auth-provider=gcp\n  \n  # Enable the OpenID Connect auth provider for the "cluster-admin" entry with additional arguments\n  kubectl config set-credentials cluster-admin --auth-provider=oidc --auth-provider-arg=client-id=foo --auth-provider-arg=client-secret=bar\n  \n  # Remove the "client-secret" config value for the OpenID Connect auth provider for the "cluster-admin" entry\n  kubectl config set-credentials cluster-admin --auth-provider=oidc --auth-provider-arg=client-secret-\n  \n  # Enable new exec auth plugin for the "cluster-admin" entry\n  kubectl config set-credentials cluster-admin --exec-command=/path/to/the/executable --exec-api-version=client.authentication.k8s.io/v1beta1\n  \n  # Enable new exec auth plugin for the "cluster-admin" entry with interactive mode\n  kubectl config set-credentials cluster-admin --exec-command=/path/to/the/executable --exec-api-version=client.authentication.k8s.io/v1beta1 --exec-interactive-mode=Never\n  \n  # Define new exec auth plugin arguments for the "cluster-admin" entry\n  kubectl config set-credentials cluster-admin --exec-arg=arg1 --exec-arg=arg2\n  \n  # Create or update exec auth plugin environment variables for the "cluster-admin" entry\n  kubectl config set-credentials cluster-admin --exec-env=key1=val1 --exec-env=key2=val2\n  \n  # Remove exec auth plugin environment variables for the "cluster-admin" entry\n  kubectl config set-credentials cluster-admin --exec-env=var-to-remove-',
    "    --auth-provider='':\n\tThe auth provider plugin's name.\n\n    --auth-provider-arg=[]:\n\tkey=value settings of the auth provider (key- removes one).\n\n    --client-certificate='':\n\tThe file of the user's client certificate.\n\n    --client-key='':\n\tThe file of the user's client key.\n\n    --embed-certs=false:\n\tStore the certificate and key files' contents in the entry instead of their paths.\n\n    --exec-api-version='':\n\tThe API version the exec credential plugin speaks.\n\n    --exec-arg=[]:\n\tArguments of the exec credential plugin (they replace the old ones).\n\n    --exec-command='':\n\tThe exec credential plugin's command.\n\n    --exec-env=[]:\n\tkey=value environment of the exec credential plugin (key- removes one).\n\n    --exec-interactive-mode='':\n\tWhen the exec plugin may ask on the terminal: IfAvailable, Never or Always.\n\n    --exec-provide-cluster-info=false:\n\tHand the cluster's details to the exec plugin.\n\n    --password='':\n\tThe password of basic authentication.\n\n    --token='':\n\tThe bearer token.\n\n    --username='':\n\tThe user name of basic authentication.\n",
    'kubectl config set-credentials NAME [--client-certificate=path/to/certfile] [--client-key=path/to/keyfile] [--token=bearer_token] [--username=basic_user] [--password=basic_password] [--auth-provider=provider_name] [--auth-provider-arg=key=value] [--exec-command=exec_command] [--exec-api-version=exec_api_version] [--exec-arg=arg] [--exec-env=key=value] [options]',
  ),
  flags: (cmd) =>
    cmd
      .option('--auth-provider <name>', 'auth provider')
      .option('--auth-provider-arg <kv>', 'auth provider args', collect)
      .option('--client-certificate <path>', 'cert')
      .option('--client-key <path>', 'key')
      .option('--embed-certs', 'embed')
      .option('--exec-api-version <v>', 'exec api version')
      .option('--exec-arg <arg>', 'exec args', collect)
      .option('--exec-command <cmd>', 'exec command')
      .option('--exec-env <kv>', 'exec env', collect)
      .option('--exec-interactive-mode <mode>', 'interactive mode')
      .option('--exec-provide-cluster-info', 'provide cluster info')
      .option('--password <p>', 'password')
      .option('--token <t>', 'token')
      .option('--username <u>', 'username'),
  async run(kc, args, _o, io, help, given) {
    if (args.length !== 1) unexpectedLower(io, help, args);
    const m = await setModule();
    let parsed;
    try {
      parsed = m.credentialPairs(given);
    } catch (e) {
      io.stdout.write(help);
      throw e;
    }
    await m.setCredentials(kc, args[0], given, parsed, io);
    return 0;
  },
};

/** pflag's StringSlice flags split each value on commas; StringArray flags keep it whole. */
const SLICE_FLAGS = new Set(['exec-arg', 'auth-provider-arg']);

/** The flags the command line gave (pflag's Provided), read from the words themselves. */
function givenOf(words: string[], opts: Record<string, unknown>): Given {
  const until = words.indexOf('--');
  const scope = until < 0 ? words : words.slice(0, until);
  const has = (flag: string) => scope.some((w) => w === `--${flag}` || w.startsWith(`--${flag}=`));
  const key = (flag: string) => flag.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
  return {
    has,
    str: (flag) => (typeof opts[key(flag)] === 'string' ? (opts[key(flag)] as string) : ''),
    bool: (flag) => opts[key(flag)] === true,
    list: (flag) => {
      const v = opts[key(flag)];
      if (!Array.isArray(v)) return undefined;
      return SLICE_FLAGS.has(flag) ? v.flatMap((x: string) => (x === '' ? [] : x.split(','))) : (v as string[]);
    },
  };
}

function deleter(section: 'contexts' | 'clusters' | 'users', what: string, summary: string, examples: string, usage: string): Sub {
  return {
    help: sub(summary, examples, '', usage),
    async run(kc, args, _o, io, help) {
      if (args.length !== 1) {
        io.stdout.write(help);
        return 0;
      }
      const name = args[0];
      const where = kc.explicit ? kc.files[0].path : defaultFile(kc).path;
      if (!kc[section].has(name)) throw new CommandError(`cannot delete ${what} ${name}, not in ${where}`);
      await save(kc, [putEntry(kc, section, name, undefined)], io);
      io.stdout.write(`deleted ${what} ${name} from ${where}\n`);
      if (section === 'contexts' && kc.currentContext === name) {
        io.stderr.write('warning: this removed your active context, use "kubectl config use-context" to select a different one\n');
      }
      return 0;
    },
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** kubectl's ShortenConfig: certificate data shows as DATA+OMITTED, secrets as REDACTED. */
function redact(body: Entry, data: string[], secrets: string[]): Entry {
  const out = { ...body };
  for (const k of data) if (out[k]) out[k] = 'DATA+OMITTED';
  for (const k of secrets) if (out[k]) out[k] = 'REDACTED';
  return out;
}

/** kubectl's FlattenConfig: a file reference becomes the file's contents, base64 encoded. */
function inline(e: Named, refs: Record<string, string>): Entry {
  const out = { ...e.body };
  for (const [ref, data] of Object.entries(refs)) {
    const path = out[ref];
    if (typeof path !== 'string' || !path) continue;
    const abs = resolve(dirname(resolve(e.origin)), path);
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch {
      throw new CommandError(`open ${abs}: no such file or directory`);
    }
    out[data] = bytes.toString('base64');
    delete out[ref];
  }
  return out;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const valued = ['--kubeconfig', '--context', '--cluster', '--user', '--state', '-n', '--namespace', '-o', '--output', '--template', '--server', '--certificate-authority', '--token', '--username', '--password'];
  const word = argv.find((a, i) => !a.startsWith('-') && !(i > 0 && valued.includes(argv[i - 1])));
  const s = word === undefined ? undefined : Object.prototype.hasOwnProperty.call(SUBS, word) ? SUBS[word] : undefined;
  if (!s) {
    if (word === undefined) {
      io.stdout.write(PARENT_HELP);
      return 0;
    }
    throw new CommandError(`unknown command "${word}"\nSee 'kubectl config -h' for help and examples`);
  }
  const rest = [...argv];
  rest.splice(rest.indexOf(word!), 1);
  const cmd = addGlobalFlags(newCommand(word!, io, s.help));
  s.flags?.(cmd);
  if (!parseArgs(cmd, rest, `config ${word}`)) return 0;
  const opts = cmd.opts();
  const kc = await loadKubeconfig({ kubeconfig: opts.kubeconfig, state: opts.state }, io.env);
  return s.run(kc, cmd.args, opts, io, s.help, givenOf(rest, opts));
}
