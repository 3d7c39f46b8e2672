// What the page's terminal makes of a typed line: shell-like words (quotes, escapes; no expansion, no pipes),
// an optional `kubectl`/`kubesim`/`k` in front, and the few commands and flags that would reach past the
// simulation to the host running `kubesim ui` (its ports, its editor, its files), which it refuses.
// shell-quote earns its place: quoting and escaping rules a hand-written splitter would get subtly wrong.
import { parse } from 'shell-quote';

export type TypedLine =
  | { kind: 'empty' }
  | { kind: 'run'; argv: string[] }
  | { kind: 'refused'; message: string; code: number };

/** The words the terminal accepts in front of a command (a bare verb works too). */
export const PREFIXES = new Set(['kubectl', 'kubesim', 'k']);

/** Global flags that take a separate value, as dispatch skips them to find the verb. */
const VALUED_GLOBALS = new Set(['-n', '--namespace', '--state', '--context', '--kubeconfig', '--cluster', '--user']);

/** Verbs that open host ports, run a host program or write host files: they belong in a shell on that host. */
const HOST_VERBS = new Map<string, string>([
  ['ui', 'opens a port on the host'],
  ['serve', 'opens a port on the host'],
  ['port-forward', 'opens a port on the host'],
  ['tunnel', 'opens ports on the host'],
  ['edit', 'needs an editor'],
  ['diff', 'runs a diff program on the host'],
  ['alias-dir', 'writes files on the host'],
  ['cp', 'reads and writes files on the host'],
  ['kustomize', 'reads a directory on the host'],
]);

/** Flags whose value names a file or directory on the host. */
const FILE_FLAGS = new Set(['-f', '--filename', '-k', '--kustomize', '--from-file', '--from-env-file', '--state', '--kubeconfig']);

/**
 * Splits a typed line into a command's words. `$NAME` stays as typed (the terminal has no variables; a
 * container's shell expands what it is given), a glob stays a word, a comment is dropped; a pipe, a list or
 * a redirection is refused: the terminal runs one command.
 */
export function splitLine(line: string): { words: string[] } | { error: string } {
  // shell-quote closes an open quote at the end of the line; a shell would wait for the rest: refuse it.
  const open = openQuote(line);
  if (open) return { error: `the line ends inside a quoted string (a closing ${open} is missing)` };
  let tokens: ReturnType<typeof parse>;
  try {
    tokens = parse(line, (name: string) => `$${name}`);
  } catch {
    return { error: 'the line could not be read as words' };
  }
  const words: string[] = [];
  for (const t of tokens) {
    if (typeof t === 'string') words.push(t);
    else if ('comment' in t) break;
    else if ('op' in t && t.op === 'glob') words.push((t as { pattern: string }).pattern);
    else if ('op' in t) return { error: `"${t.op}" is not supported: the terminal runs one kubectl command per line, without pipes, lists or redirections` };
  }
  return { words };
}

/** The quote left open at the end of the line, if any (backslash escapes outside single quotes). */
function openQuote(line: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\' && quote !== "'") i++;
    else if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
  }
  return quote;
}

/** The index of the verb in argv: the first word that is not a global flag or its value (as dispatch finds it). */
export function verbIndex(argv: string[]): number {
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) i += !argv[i].includes('=') && VALUED_GLOBALS.has(argv[i]) ? 2 : 1;
  return i;
}

/** Whether argv names a namespace itself (-n, --namespace, -A, --all-namespaces). */
function choosesNamespace(argv: string[]): boolean {
  for (const w of argv) {
    if (w === '--') break;
    if (w === '-A' || w.startsWith('--all-namespaces') || w === '--namespace' || w.startsWith('--namespace=') || /^-n/.test(w)) return true;
  }
  return false;
}

/** A file flag's value that is not standard input, when argv has one (`-f -` is what the terminal offers). */
function hostPath(verb: string, argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i];
    if (w === '--') break;
    // logs -f is --follow, not a file.
    if (w === '-f' && verb === 'logs') continue;
    const eq = w.indexOf('=');
    const name = w.startsWith('--') && eq > 0 ? w.slice(0, eq) : w;
    if (!FILE_FLAGS.has(name)) {
      // -fFILE: a short flag with its value attached
      if (/^-[fk][^-=]/.test(w) && verb !== 'logs') return w.slice(2);
      continue;
    }
    const value = name === w ? argv[i + 1] : w.slice(eq + 1);
    if (value === undefined) continue;
    if (!(name === '-f' || name === '--filename') || value !== '-') return value;
  }
  return undefined;
}

/**
 * What to run for a typed line: its words with the prefix dropped and, when the terminal belongs to a
 * namespace (a workshop's student) and the line names none, `--namespace` added; or why it is refused.
 */
export function typedCommand(line: string, namespace?: string): TypedLine {
  const split = splitLine(line);
  if ('error' in split) return { kind: 'refused', message: `error: ${split.error}\n`, code: 1 };
  let argv = split.words;
  if (argv.length === 0) return { kind: 'empty' };
  if (PREFIXES.has(argv[0])) argv = argv.slice(1);
  const at = verbIndex(argv);
  const verb = argv[at];
  if (verb !== undefined) {
    const why = HOST_VERBS.get(verb);
    if (why) return { kind: 'refused', message: `error: "${verb}" ${why}, which the terminal in the page does not do: run it in a shell on the host running kubesim ui\n`, code: 1 };
    if (verb === 'cluster' && argv.slice(at + 1).some((w) => w === 'create' || w === 'delete')) {
      return { kind: 'refused', message: 'error: the terminal in the page works on the cluster the page shows: create or delete clusters in a shell on the host running kubesim ui\n', code: 1 };
    }
  }
  const path = hostPath(verb ?? '', argv);
  if (path !== undefined) {
    return { kind: 'refused', message: `error: the terminal in the page reads no files on the host ("${path}"): use "-f -", paste the manifest and press Ctrl-D\n`, code: 1 };
  }
  if (namespace && verb !== undefined && !choosesNamespace(argv)) argv = ['--namespace', namespace, ...argv];
  return { kind: 'run', argv };
}
