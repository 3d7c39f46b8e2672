// Tab in the page's terminal: the same answers `kubesim completion` gives a shell (the hidden __complete
// command, run in-process), for the word under the cursor at the end of the typed line.
import { PassThrough, Writable } from 'node:stream';
import { runCli } from '../cli/dispatch.js';
import { PREFIXES, splitLine } from './terminal-line.js';

export interface Completions {
  /** Where the word being completed starts in the line: the page replaces line[from..] with a candidate. */
  from: number;
  items: string[];
}

export async function completeLine(line: string, env: NodeJS.ProcessEnv, namespace?: string): Promise<Completions> {
  // The word under the cursor: what follows the last blank (a quoted word with blanks is not completed).
  const from = Math.max(line.lastIndexOf(' '), line.lastIndexOf('\t')) + 1;
  const partial = line.slice(from);
  const split = splitLine(line.slice(0, from));
  if ('error' in split) return { from, items: [] };
  let words = split.words;
  if (words.length > 0 && PREFIXES.has(words[0])) words = words.slice(1);
  else if (words.length === 0 && partial !== '') {
    // The first word: a prefix or a verb.
    const verbs = await candidates(['__complete', partial], env);
    return { from, items: [...[...PREFIXES].filter((p) => p.length > 1 && p.startsWith(partial)), ...verbs] };
  }
  const named = words.some((w) => w === '-n' || w.startsWith('--namespace') || w === '-A' || w.startsWith('--all-namespaces'));
  const ns = namespace && !named ? ['--namespace', namespace] : [];
  return { from, items: await candidates(['__complete', ...ns, ...words, partial], env) };
}

/** Runs __complete and keeps the candidates (without their descriptions or the closing directive line). */
async function candidates(argv: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  let text = '';
  const stdout = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  const stderr = new Writable({ write: (_c, _e, done) => done() });
  const stdin = new PassThrough();
  stdin.end();
  const code = await runCli(argv, { stdout, stderr, stdin, env });
  if (code !== 0) return [];
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith(':'))
    .map((l) => l.split('\t')[0]);
}
