// Entry: find the verb, load only its module, run it, print user errors as kubectl does.
import { KubeError } from './api/errors.js';
import { processIO, type Verb } from './cli/io.js';

type Loader = () => Promise<Verb>;

/** Each verb is its own chunk, so a command loads only what it needs. */
const VERBS: Record<string, Loader> = {
  cluster: () => import('./cli/cluster.js'),
  state: () => import('./cli/state.js'),
  version: () => import('./cli/version.js'),
  options: () => import('./cli/options.js'),
  get: () => import('./cli/get.js'),
  describe: () => import('./cli/describe.js'),
  apply: () => import('./cli/apply.js'),
  create: () => import('./cli/create.js'),
  delete: () => import('./cli/delete.js'),
  expose: () => import('./cli/expose.js'),
  run: () => import('./cli/run.js'),
  exec: () => import('./cli/exec.js'),
  debug: () => import('./cli/debug.js'),
  logs: () => import('./cli/logs.js'),
  'port-forward': () => import('./cli/port-forward.js'),
  tunnel: () => import('./cli/tunnel.js'),
  curl: () => import('./cli/curl.js'),
  scale: () => import('./cli/scale.js'),
  set: () => import('./cli/set.js'),
  rollout: () => import('./cli/rollout.js'),
  label: () => import('./cli/label.js'),
  annotate: () => import('./cli/annotate.js'),
  'api-resources': () => import('./cli/api-resources.js'),
};

const ALIASES: Record<string, string> = { 'cluster-info': 'cluster' };

async function main(argv: string[]): Promise<number> {
  const io = processIO;
  // Global flags may come before the verb (kubectl --namespace x get pods); find the first word that is a verb.
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) {
    const flag = argv[i];
    // flags that take a separate value
    if (!flag.includes('=') && ['-n', '--namespace', '--state', '--context', '--kubeconfig'].includes(flag)) i += 2;
    else i += 1;
  }
  const word = argv[i];
  if (word === undefined || word === 'help' || word === '-h' || word === '--help') {
    const { printRootHelp } = await import('./cli/help.js');
    printRootHelp(io);
    return word === undefined ? 0 : 0;
  }
  const name = ALIASES[word] ?? word;
  const loader = VERBS[name];
  if (!loader) {
    const { unknownCommandMessage } = await import('./cli/suggest.js');
    io.stderr.write(unknownCommandMessage(word, Object.keys(VERBS)));
    return 1;
  }
  const verb = await loader();
  const rest = [...argv.slice(0, i), ...argv.slice(i + 1)];
  // `kubesim cluster-info` is kubectl's spelling of `kubesim cluster info`.
  if (word === 'cluster-info') rest.unshift('info');
  return verb.run(rest, io);
}

// A reader that stops early (`kubesim get pods -o yaml | head -1`) closes the pipe. kubectl, a Go program, then
// dies quietly of SIGPIPE (status 141 in the shell); do the same instead of printing a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(141);
    throw e;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof KubeError) {
      const text = err.render();
      if (text) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    // A bug, not a user mistake: say so briefly; the stack only on request.
    const e = err as Error;
    process.stderr.write(`error: internal error in kubesim: ${e?.message ?? String(err)}\n`);
    if (process.env.KUBESIM_DEBUG) process.stderr.write(`${e?.stack}\n`);
    process.exitCode = 70;
  },
);
