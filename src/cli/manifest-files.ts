// The file-reading edge of -f: paths, directories (their .json/.yaml/.yml files, sorted; -R descends),
// and `-` for stdin, with kubectl's errors. Decoding itself is pure (src/api/manifest.ts).
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CommandError, KubeError } from '../api/errors.js';
import { failureOf, renderFailures, type Failure, type ManifestSource } from '../api/manifest.js';
import { readStdin } from './common.js';
import type { CliIO } from './io.js';
import { ioErrorText, readCapped } from '../util/files.js';

const EXTENSIONS = ['.json', '.yaml', '.yml'];

/** Reads every -f input in order; a missing path fails the whole command before anything is done. */
export async function readSources(patterns: string[], recursive: boolean, io: CliIO): Promise<ManifestSource[]> {
  const paths: string[] = [];
  for (const p of patterns) {
    if (p === '-' || /^https?:\/\//.test(p)) {
      paths.push(p);
      continue;
    }
    try {
      statSync(p);
      paths.push(p);
    } catch {
      // kubectl's expandIfFilePattern: a path that does not exist is tried as a glob (-f '*.yaml').
      const matches = glob(p);
      if (matches.length === 0) throw new CommandError(`the path "${p}" does not exist`);
      paths.push(...matches);
    }
  }
  const out: ManifestSource[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push({ name: 'STDIN', text: await readStdin(io) });
      continue;
    }
    if (/^https?:\/\//.test(p)) throw new CommandError(`unable to read URL "${p}": kubesim reads local files only`);
    if (statSync(p).isDirectory()) {
      let files: string[];
      try {
        files = listDir(p, recursive);
      } catch (e) {
        throw new CommandError(`error reading [${p}]: open ${(e as NodeJS.ErrnoException).path ?? p}: ${ioErrorText(e)}`);
      }
      if (files.length === 0) throw new CommandError(`error reading [${p}]: recognized file extensions are [${EXTENSIONS.join(' ')}]`);
      for (const f of files) out.push({ name: f, text: readManifestFile(f) });
    } else {
      out.push({ name: p, text: readManifestFile(p) });
    }
  }
  return out;
}

/** A manifest larger than this is not read whole into memory (/dev/zero never ends). */
export const MAX_MANIFEST_BYTES = 64 << 20;

/** One -f file's text; failures in Go's os.PathError wording ("open x.yaml: permission denied"). */
function readManifestFile(path: string): string {
  const r = readCapped(path, MAX_MANIFEST_BYTES);
  if ('data' in r) return r.data.toString('utf8');
  if ('error' in r) throw new CommandError(`open ${path}: ${ioErrorText(r.error)}`);
  throw new CommandError(`the file "${path}" is larger than ${MAX_MANIFEST_BYTES} bytes`);
}

/** filepath.Glob for a pattern in the last path element (*, ?, [...]): the matches in lexical order. */
function glob(pattern: string): string[] {
  const dir = dirname(pattern);
  const base = basename(pattern);
  if (!/[*?[]/.test(base) || /[*?[]/.test(dir)) return [];
  const re = new RegExp(`^${base.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => re.test(n)).sort().map((n) => (dir === '.' && !pattern.startsWith('./') ? n : join(dir, n)));
}

/** filepath.Walk order (lexical), files with a recognised extension; subdirectories only with -R. */
function listDir(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      if (recursive) out.push(...listDir(p, true));
    } else if (EXTENSIONS.some((e) => name.endsWith(e))) out.push(p);
  }
  return out;
}

/** Collects the failures of a multi-object command and prints them as kubectl does at the end. */
export class Failures {
  readonly list: Failure[] = [];
  add(e: unknown, source?: { verb: string; name: string }): void {
    if (!(e instanceof KubeError)) throw e;
    this.list.push(failureOf(e, source));
  }
  get any(): boolean {
    return this.list.length > 0;
  }
  print(io: CliIO): void {
    const text = renderFailures(this.list);
    if (text) io.stderr.write(text);
  }
}

/** `-f` collector for commander: repeated flags and comma-separated lists, as pflag's StringSlice. */
export function collectFiles(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((s) => s !== '')];
}

/** -f FILE... or -k DIR (never both), as kubectl's resource builder takes them; -k builds the kustomization. */
export async function readSourcesOrKustomization(files: string[], kustomize: string | undefined, recursive: boolean, io: CliIO): Promise<ManifestSource[]> {
  if (kustomize !== undefined && files.length) throw new CommandError('only one of -f or -k can be specified');
  if (kustomize === undefined) return readSources(files, recursive, io);
  const { kustomizeSource } = await import('./kustomize.js');
  return [await kustomizeSource(kustomize, io)];
}
