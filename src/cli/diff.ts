// `kubesim diff -f FILE|DIR|-`: what `apply -f` would change. Each object's live version and the version a
// server-side dry run of the apply gives are written as YAML, as kubectl writes them, into two temporary
// folders (LIVE-<n>/ and MERGED-<n>/, files named <group.>version.Kind.namespace.name), which are compared
// with $KUBECTL_EXTERNAL_DIFF, else `diff -u -N`, else kubesim's own unified diff. Exit 0: no differences;
// 1: differences; more than 1: an error (kubectl's convention, so scripts can tell them apart).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CLI_NAME, CommandError, KubeError } from '../api/errors.js';
import { matches, parseSelector } from '../api/labels.js';
import { decodeManifests } from '../api/manifest.js';
import type { KubeObject } from '../api/types.js';
import { decodeRequest, requestError } from '../api/validation.js';
import { applyObject } from '../cluster/apiserver.js';
import { getObject } from '../store/objects.js';
import { Random } from '../util/random.js';
import { addGlobalFlags, FlagError, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { collectFiles, readSourcesOrKustomization } from './manifest-files.js';
import { Session } from './session.js';
import { toYAML } from './write-manifests.js';

/** kubectl diff's errors exit with 2 (CheckDiffErr adds one to the usual code): 1 means "differences". */
class DiffFailed extends KubeError {
  constructor(readonly inner: KubeError) {
    super(inner.message, 2);
  }
  override render(): string {
    return this.inner.render();
  }
}

/** diff's flag errors go through kubectl's UsageErrorf (its own hint; "error:" except cobra's unknown flag). */
class DiffUsageError extends KubeError {
  override render(): string {
    const text = this.message.replace(/\nSee '[^']*' for usage\.$/, '');
    const word = /^unknown (shorthand )?flag/.test(text) ? 'Error' : 'error';
    return `${word}: ${text}\nSee '${CLI_NAME} diff -h' for help and examples`;
  }
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  try {
    return await runDiff(argv, io);
  } catch (e) {
    if (e instanceof FlagError) throw new DiffFailed(new DiffUsageError(e.message));
    if (e instanceof KubeError && !(e instanceof DiffFailed)) throw new DiffFailed(e);
    throw e;
  }
}

async function runDiff(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('diff', io, HELP));
  cmd
    .option('-f, --filename <file>', 'files, directories or - for stdin', collectFiles, [])
    .option('-k, --kustomize <dir>', 'a kustomization directory')
    .option('-R, --recursive', 'process directories recursively')
    .option('-l, --selector <selector>', 'only the objects with these labels')
    .option('--server-side', 'accepted for compatibility')
    .option('--force-conflicts', 'accepted for compatibility')
    .option('--field-manager <name>', 'accepted for compatibility')
    .option('--show-managed-fields', 'accepted for compatibility')
    .option('--concurrency <n>', 'accepted for compatibility');
  if (!parseArgs(cmd, argv, 'diff')) return 0;
  const o = cmd.opts();
  if (cmd.args.length) throw new CommandError(`Unexpected args: [${cmd.args.join(' ')}]`, { usageOf: 'diff' });
  const files: string[] = o.filename ?? [];
  if (files.length === 0 && o.kustomize === undefined) throw new CommandError('must specify one of -f and -k');
  if (o.forceConflicts && !o.serverSide) throw new CommandError('--force-conflicts only works with --server-side');
  const selector = o.selector !== undefined ? parseSelector(o.selector) : undefined;

  const sources = await readSourcesOrKustomization(files, o.kustomize, !!o.recursive, io);
  const session = new Session(o, io);
  const items = await decodeManifests(sources, { validate: false, namespace: session.namespace, enforceNamespace: session.namespaceExplicit });
  // The state is read, never saved: the dry runs below change only this copy.
  const { state, ctx } = await session.read();
  const versions: { name: string; live?: KubeObject; merged: KubeObject }[] = [];
  for (const it of items) {
    if ('error' in it) throw it.error;
    const m = it.ok;
    if (selector && !matches(selector, m.object.metadata.labels)) continue;
    const req = await decodeRequest(m.object);
    const err = requestError(req, 'Warn');
    if (err) throw err;
    const ns = m.info.namespaced ? req.object.metadata.namespace ?? session.namespace : undefined;
    const live = getObject(state, m.info.resource, ns, req.object.metadata.name);
    const liveCopy = live && structuredClone(live);
    const merged = applyObject(state, ctx, req.object, { namespace: session.namespace, dryRun: true, reconcile: false }, m.object, false).object;
    const name = `${m.info.group ? `${m.info.group}.` : ''}${m.info.version}.${m.info.kind}.${ns ?? ''}.${req.object.metadata.name}`;
    versions.push({ name, live: liveCopy, merged: structuredClone(merged) });
  }

  // Folder names as Go's os.MkdirTemp makes them (prefix, '-', digits), the digits from the cluster's seeded
  // source so the same state and commands print the same paths; file times are the simulated clock's.
  const random = Random.fromState(state.random);
  const base = tmpdir();
  const makeDir = (prefix: string): string => {
    for (;;) {
      const dir = join(base, `${prefix}-${random.int(4294967295)}`);
      try {
        mkdirSync(dir, { mode: 0o700 });
        return dir;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new CommandError((e as Error).message);
      }
    }
  };
  const from = makeDir('LIVE');
  const to = makeDir('MERGED');
  try {
    const when = ctx.clock.now();
    for (const v of versions) {
      writeFileSync(join(from, v.name), v.live ? await toYAML(v.live) : '', { mode: 0o700 });
      writeFileSync(join(to, v.name), await toYAML(v.merged), { mode: 0o700 });
      utimesSync(join(from, v.name), when, when);
      utimesSync(join(to, v.name), when, when);
    }
    return runProgram(from, to, io);
  } finally {
    rmSync(from, { recursive: true, force: true });
    rmSync(to, { recursive: true, force: true });
  }
}

function onPath(program: string, env: NodeJS.ProcessEnv): boolean {
  if (program.includes('/')) return existsSync(program);
  return (env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, program)));
}

/** kubectl's DiffProgram: the external diff's output and exit status are the command's. */
function runProgram(from: string, to: string, io: CliIO): number {
  const external = io.env.KUBECTL_EXTERNAL_DIFF;
  let program: string;
  let args: string[];
  if (external) {
    const words = external.split(' ');
    program = words[0];
    args = [];
    for (const w of words.slice(1)) {
      if (/^[a-zA-Z0-9-=]+$/.test(w)) args.push(w);
      else io.stderr.write(`warning: invalid argument is ignored: ${w}, only Alphanumeric (case-insensitive), dash and equal are allowed\n`);
    }
    args.push(from, to);
  } else if (onPath('diff', io.env)) {
    program = 'diff';
    args = ['-u', '-N', from, to];
  } else {
    const out = unifiedDirDiff(from, to);
    io.stdout.write(out);
    return out ? 1 : 0;
  }
  // The CLI itself runs on the host, so it may start the user's diff program, as kubectl does.
  const r = spawnSync(program, args, { env: io.env, encoding: 'buffer', maxBuffer: 256 << 20 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `exec: "${program}": executable file not found in $PATH` : r.error.message;
    throw new CommandError(`failed to run "${program}": ${why}`);
  }
  io.stdout.write(r.stdout);
  io.stderr.write(r.stderr);
  if (r.status === null) throw new CommandError(`failed to run "${program}": signal: ${r.signal}`);
  return r.status;
}

// ---------------------------------------------------------------------------------------------------------
// `diff -u -N DIR1 DIR2` for hosts without diff(1): GNU diff's layout, three lines of context.

function stamp(path: string): string {
  const t = existsSync(path) ? statSync(path).mtime : new Date(0);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${t.getUTCFullYear()}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}.${p(t.getUTCMilliseconds(), 3)}000000 +0000`;
}

export function unifiedDirDiff(from: string, to: string): string {
  const names = [...new Set([...readdirSync(from), ...readdirSync(to)])].sort();
  let out = '';
  for (const n of names) {
    const a = join(from, n);
    const b = join(to, n);
    const ta = existsSync(a) ? readFileSync(a, 'utf8') : '';
    const tb = existsSync(b) ? readFileSync(b, 'utf8') : '';
    if (ta === tb) continue;
    out += `diff -u -N ${a} ${b}\n--- ${a}\t${stamp(a)}\n+++ ${b}\t${stamp(b)}\n${unifiedHunks(ta, tb)}`;
  }
  return out;
}

function splitLines(t: string): string[] {
  if (t === '') return [];
  const lines = t.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The hunks of a unified diff (context 3) between two texts. */
export function unifiedHunks(ta: string, tb: string, context = 3): string {
  const a = splitLines(ta);
  const b = splitLines(tb);
  // LCS table from the end, then a walk that puts a change's deletions before its additions.
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  type Op = { t: ' ' | '-' | '+'; s: string; i: number; j: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ t: ' ', s: a[i], i, j });
      i++;
      j++;
      continue;
    }
    const dels: Op[] = [];
    const adds: Op[] = [];
    while ((i < n || j < m) && !(i < n && j < m && a[i] === b[j])) {
      if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) dels.push({ t: '-', s: a[i], i: i++, j });
      else adds.push({ t: '+', s: b[j], i, j: j++ });
    }
    ops.push(...dels, ...adds);
  }
  const changed = ops.map((op, k) => (op.t === ' ' ? -1 : k)).filter((k) => k >= 0);
  let out = '';
  let k = 0;
  while (k < changed.length) {
    let start = Math.max(0, changed[k] - context);
    let end = Math.min(ops.length, changed[k] + context + 1);
    while (k + 1 < changed.length && changed[k + 1] - context <= end) end = Math.min(ops.length, changed[++k] + context + 1);
    k++;
    const part = ops.slice(start, end);
    const aCount = part.filter((op) => op.t !== '+').length;
    const bCount = part.filter((op) => op.t !== '-').length;
    const aStart = aCount ? part.find((op) => op.t !== '+')!.i + 1 : part[0].i;
    const bStart = bCount ? part.find((op) => op.t !== '-')!.j + 1 : part[0].j;
    const range = (s: number, c: number) => (c === 1 ? `${s}` : `${s},${c}`);
    out += `@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@\n`;
    for (const op of part) out += `${op.t}${op.s}\n`;
    start = end;
  }
  return out;
}

// The interface is kubectl's (usage, flags, defaults, examples); the words say what kubesim does.
const HELP = `Show what apply -f would change. For each object in the files, the live version and the version the API
server would store (a server-side dry run of the apply: nothing is saved) are written as YAML into two folders
in the temporary directory, LIVE-<n> and MERGED-<n>, and compared.

 KUBECTL_EXTERNAL_DIFF names the program that compares them (its arguments may use letters, digits, '-' and
'='); without it kubesim runs "diff -u -N", or prints its own unified diff when there is no diff program.

 Exit status: 0 no differences, 1 differences, more than 1 kubesim or the diff program failed.

Examples:
  # What applying pod.json would change
  kubectl diff -f pod.json
  
  # The same for a manifest read from standard input
  cat service.yaml | kubectl diff -f -

Options:
    --concurrency=1:
	Accepted for compatibility; objects are compared one after the other.

    --field-manager='kubectl-client-side-apply':
	Accepted for compatibility.

    -f, --filename=[]:
	The files (or directories, or - for stdin) holding the configuration to compare.

    --force-conflicts=false:
	Accepted with --server-side, for compatibility.

    -R, --recursive=false:
	Read the directories given with -f recursively.

    -k, --kustomize='':
	Build the kustomization in this directory and use the objects it produces; not together with -f or -R.

    -l, --selector='':
	Only the objects of the files whose labels match (e.g. -l key1=value1,key2=value2).

    --server-side=false:
	Accepted for compatibility; the dry run is the client-side apply's three-way merge.

    --show-managed-fields=false:
	Accepted for compatibility; kubesim keeps no managedFields.

Usage:
  kubectl diff -f FILENAME [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
