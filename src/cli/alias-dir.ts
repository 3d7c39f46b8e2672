// `kubesim alias-dir`: a directory holding a `kubectl` that runs this kubesim, to put first on PATH. Scripts
// do not expand aliases, so `alias kubectl=kubesim` reaches only an interactive shell; a file on PATH reaches both.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandError } from '../api/errors.js';
import { ioErrorText } from '../util/files.js';
import { newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';

const HELP = `Create (or refresh) a directory that holds a 'kubectl' command running kubesim, and print its path.

 Put the directory first on PATH and every 'kubectl' typed in a shell, a script or a Makefile runs kubesim;
take it off PATH to reach the real kubectl again. The directory holds nothing else.

Examples:
  # For this shell and the scripts it starts
  export PATH="$(kubesim alias-dir):$PATH"

  # Somewhere else than ~/.kube/kubesim/bin
  kubesim alias-dir --dir /tmp/kubesim-bin

Usage:
  kubesim alias-dir [--dir DIR]
`;

/** The shim: the same node and the same kubesim entry point as this command, with every word passed on. */
function shim(): string {
  // This chunk lives in dist/ (or dist/chunks/) of the package whose bin/kubesim is the entry point.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'kubesim')) && dirname(dir) !== dir) dir = dirname(dir);
  const bin = join(dir, 'bin', 'kubesim');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh\n# kubectl -> kubesim (made by 'kubesim alias-dir'; remove this directory from PATH for the real kubectl)\nexec ${q(process.execPath)} ${q(bin)} "$@"\n`;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = newCommand('alias-dir', io, HELP);
  cmd.option('--dir <dir>', 'directory');
  if (!parseArgs(cmd, argv, 'alias-dir')) return 0;
  if (cmd.args.length) throw new CommandError(`unexpected arguments: ${cmd.args.join(' ')}`, { usageOf: 'alias-dir' });
  const dir = resolve(cmd.opts().dir ?? join(io.env.HOME || homedir(), '.kube', 'kubesim', 'bin'));
  const file = join(dir, 'kubectl');
  const text = shim();
  try {
    let same = false;
    try {
      same = readFileSync(file, 'utf8') === text;
    } catch {
      /* not there yet */
    }
    if (!same) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${file}.tmp`, text, { mode: 0o755 });
      chmodSync(`${file}.tmp`, 0o755);
      renameSync(`${file}.tmp`, file);
    }
  } catch (e) {
    throw new CommandError(`cannot write ${file}: ${ioErrorText(e)}`);
  }
  io.stdout.write(`${dir}\n`);
  return 0;
}
