// The command line without the process: find the verb, load only its module, run it, and print a user error
// as kubectl does. src/main.ts binds it to the process; tests call it in-process with their own streams.
import { setShowManagedFields } from '../printers/managed-fields.js';
import { CLI_NAME, ExitError, KubeError } from '../api/errors.js';
import { checkEnvironment } from './environment.js';
import type { CliIO, Verb } from './io.js';

type Loader = () => Promise<Verb>;

/** Each verb is its own chunk, so a command loads only what it needs. A Map: the word is user input. */
const VERBS = new Map<string, Loader>([
  ['cluster', () => import('./cluster.js')],
  ['state', () => import('./state.js')],
  ['version', () => import('./version.js')],
  ['options', () => import('./options.js')],
  ['get', () => import('./get.js')],
  ['describe', () => import('./describe.js')],
  ['apply', () => import('./apply.js')],
  ['create', () => import('./create.js')],
  ['delete', () => import('./delete.js')],
  ['expose', () => import('./expose.js')],
  ['run', () => import('./run.js')],
  ['exec', () => import('./exec.js')],
  ['cp', () => import('./cp.js')],
  ['debug', () => import('./debug.js')],
  ['logs', () => import('./logs.js')],
  ['port-forward', () => import('./port-forward.js')],
  ['tunnel', () => import('./tunnel.js')],
  ['curl', () => import('./curl.js')],
  ['graph', () => import('./graph.js')],
  ['scale', () => import('./scale.js')],
  ['set', () => import('./set.js')],
  ['rollout', () => import('./rollout.js')],
  ['label', () => import('./label.js')],
  ['annotate', () => import('./annotate.js')],
  ['patch', () => import('./patch.js')],
  ['replace', () => import('./replace.js')],
  ['diff', () => import('./diff.js')],
  ['api-resources', () => import('./api-resources.js')],
  ['api-versions', () => import('./api-versions.js')],
  ['wait', () => import('./wait.js')],
  ['explain', () => import('./explain.js')],
  ['kustomize', () => import('./kustomize.js')],
  ['serve', () => import('./serve.js')],
  ['ui', () => import('./ui.js')],
  ['config', () => import('./config.js')],
  ['alias-dir', () => import('./alias-dir.js')],
  ['cordon', () => import('./drain.js').then((m) => m.cordonVerb)],
  ['uncordon', () => import('./drain.js').then((m) => m.uncordonVerb)],
  ['drain', () => import('./drain.js')],
  ['taint', () => import('./taint.js')],
  ['autoscale', () => import('./autoscale.js')],
  ['edit', () => import('./edit.js')],
  ['events', () => import('./events.js')],
  ['auth', () => import('./auth.js')],
  ['top', () => import('./top.js')],
  ['completion', () => import('./completion.js')],
  ['attach', () => import('./attach.js')],
]);

/** Cobra's hidden command that shell completion scripts call. */
const HIDDEN = new Map<string, Loader>([['__complete', () => import('./completion.js').then((m) => ({ run: m.complete }))]]);

/** The verbs, for shell completion. */
export function verbNames(): string[] {
  return [...VERBS.keys()].filter((v) => !v.startsWith('_'));
}

const ALIASES = new Map<string, string>([['cluster-info', 'cluster']]);

/** Runs one command line; returns its exit code. Errors that escape a verb end up here. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  setShowManagedFields(argv.some((a) => a === '--show-managed-fields' || a === '--show-managed-fields=true'));
  try {
    return await dispatch(argv, io);
  } catch (err) {
    return reportError(err, io);
  }
}

async function dispatch(argv: string[], io: CliIO): Promise<number> {
  // Global flags may come before the verb (kubectl --namespace x get pods); find the first word that is a verb.
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) {
    const flag = argv[i];
    // flags that take a separate value
    if (!flag.includes('=') && ['-n', '--namespace', '--state', '--context', '--kubeconfig', '--cluster', '--user'].includes(flag)) {
      // cobra's answer when the value is missing: the root command's usage hint.
      if (i + 1 >= argv.length) {
        const what = flag.startsWith('--') ? flag : `'${flag.slice(1)}' in ${flag}`;
        throw new ExitError(1, `Error: flag needs an argument: ${what}\nSee '${CLI_NAME} --help' for usage.`);
      }
      i += 2;
    } else i += 1;
  }
  const word = argv[i];
  if (word === undefined || word === 'help' || word === '-h' || word === '--help') {
    const { printRootHelp } = await import('./help.js');
    printRootHelp(io);
    return 0;
  }
  const name = ALIASES.get(word) ?? word;
  const loader = VERBS.get(name) ?? HIDDEN.get(name);
  if (!loader) {
    const { unknownCommandMessage } = await import('./suggest.js');
    io.stderr.write(unknownCommandMessage(word, verbNames()));
    return 1;
  }
  // `options` only prints text; every other verb may create the cluster from the environment.
  if (name !== 'options') checkEnvironment(io.env);
  const rest = [...argv.slice(0, i), ...argv.slice(i + 1)];
  if (selectsContext(name, rest)) {
    const { resolveTarget, scanSelection, NoServerError, markUnreachable } = await import('./context.js');
    const sel = scanSelection(rest);
    try {
      if (!sel.help) await resolveTarget(name === 'cluster' ? 'cluster-info' : name, sel, io);
    } catch (e) {
      // kubectl version prints the client's part before it finds no server to ask.
      if (!(name === 'version' && e instanceof NoServerError)) throw e;
      markUnreachable(io, e);
    }
  }
  const verb = await loader();
  // `kubesim cluster-info` is kubectl's spelling of `kubesim cluster info`.
  if (word === 'cluster-info') rest.unshift('info');
  return verb.run(rest, io);
}

/**
 * Whether a verb works on a context's cluster (and so refuses an unknown --context). `config` reads the
 * kubeconfig itself; `cluster create|delete` name their cluster; `options` and `alias-dir` touch none.
 */
function selectsContext(name: string, rest: string[]): boolean {
  if (name === 'options' || name === 'config' || name === 'alias-dir') return false;
  // kubectl prints its own version without reading the kubeconfig's context.
  if (name === 'version' && rest.some((w) => w === '--client' || w === '--client=true')) return false;
  if (name === 'cluster') {
    const action = rest.find((w, k) => !w.startsWith('-') && !(k > 0 && ['--name', '--seed', '--workers', '--state', '--kubeconfig', '--context', '-n', '--namespace', '--cluster', '--user'].includes(rest[k - 1])));
    return action === 'info' || action === undefined;
  }
  return true;
}

/** Prints an error that ended a command; returns the exit code. */
export function reportError(err: unknown, io: CliIO): number {
  if (err instanceof KubeError) {
    const text = err.render();
    if (text) io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
    return err.exitCode;
  }
  // A bug, not a user mistake: say so briefly; the stack only on request.
  const e = err as Error;
  io.stderr.write(`error: internal error in kubesim: ${e?.message ?? String(err)}\n`);
  if (io.env.KUBESIM_DEBUG) io.stderr.write(`${e?.stack}\n`);
  return 70;
}
