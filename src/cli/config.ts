// `kubesim config ...`: kubectl's config subcommands over the kubeconfig kubesim reads (src/store/kubeconfig.ts).
// They work on the files alone, as kubectl's do (an unknown --context does not stop `config view`); a change
// rewrites the file that holds the entry, in kubectl's layout.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CommandError } from '../api/errors.js';
import { currentContextFile, defaultFile, fileOf, loadKubeconfig, putEntry, v1Config, writeKubeconfigFile, type Entry, type Kubeconfig, type KubeconfigFile, type Named } from '../store/kubeconfig.js';
import { formatTable } from '../printers/tabwriter.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
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
  set-context       Create or change a context entry
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
  run(kc: Kubeconfig, args: string[], opts: Record<string, unknown>, io: CliIO, help: string): Promise<number>;
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
  const valued = ['--kubeconfig', '--context', '--cluster', '--user', '--state', '-n', '--namespace', '-o', '--output', '--template'];
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
  return s.run(kc, cmd.args, opts, io, s.help);
}
