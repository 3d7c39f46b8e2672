// `kubesim kustomize DIR`: prints what a kustomization builds to (src/kustomize/), as `kubectl kustomize` does.
// Also the -k edge that apply, diff, delete and get share: build the directory and hand its objects on as a
// manifest. The kustomize code is loaded only here.
import { writeFileSync } from 'node:fs';
import { CommandError, ExitError } from '../api/errors.js';
import type { ManifestSource } from '../api/manifest.js';
import { clockFromEnv } from '../util/clock.js';
import { ioErrorText } from '../util/files.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';

const HELP = `Build the kustomization in DIR (a kustomization.yaml with its resources, generators, transformers and
patches) and print the resulting objects as YAML, the way kubectl's built-in kustomize does. kubesim builds
it itself, offline: local files and directories only, with no plugins, functions or Helm charts.

 DIR must be a directory holding kustomization.yaml, kustomization.yml or Kustomization; it defaults to the
current directory.

Examples:
  # Build the current working directory
  kubectl kustomize
  
  # Build some shared configuration directory
  kubectl kustomize /home/config/production

Options:
    --as-current-user=false:
	Accepted for compatibility; kubesim runs no functions.

    --enable-alpha-plugins=false:
	Accepted for compatibility; kubesim runs no plugins.

    --enable-helm=false:
	Accepted for compatibility; kubesim does not inflate Helm charts.

    -e, --env=[]:
	Accepted for compatibility; kubesim runs no functions.

    --helm-api-versions=[]:
	Accepted for compatibility.

    --helm-command='helm':
	Accepted for compatibility.

    --helm-debug=false:
	Accepted for compatibility.

    --helm-kube-version='':
	Accepted for compatibility.

    --load-restrictor='LoadRestrictionsRootOnly':
	With 'LoadRestrictionsNone', a kustomization may read files outside its own directory (which makes it
	harder to move elsewhere).

    --mount=[]:
	Accepted for compatibility; kubesim runs no functions.

    --network=false:
	Accepted for compatibility; kubesim runs no functions.

    --network-name='bridge':
	Accepted for compatibility.

    -o, --output='':
	Write the YAML to this file instead of standard output.

Usage:
  kubectl kustomize DIR [flags] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function klogTime(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds() * 1000, 6)}`;
}

/** kubectl's kustomize failures are klog lines: `E1206 01:02:37.966266   15355 run.go:72] "command failed" err="..."`. */
function commandFailed(io: CliIO, message: string): ExitError {
  const now = clockFromEnv(io.env).now();
  return new ExitError(1, `E${klogTime(now)}   ${String(process.pid).padStart(5)} run.go:72] "command failed" err=${goQuote(message)}`);
}

/** Go's %q of a string. */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function restrictorOf(v: string | undefined): boolean {
  if (v === undefined || v === 'LoadRestrictionsRootOnly') return true;
  if (v === 'LoadRestrictionsNone') return false;
  throw new CommandError(`illegal flag value --load-restrictor ${v}; legal values: [LoadRestrictionsRootOnly LoadRestrictionsNone]`);
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('kustomize', io, HELP));
  cmd
    .option('-o, --output <path>', 'write to this file')
    .option('--load-restrictor <r>', 'LoadRestrictionsRootOnly or LoadRestrictionsNone')
    .option('--as-current-user', 'accepted')
    .option('--enable-alpha-plugins', 'accepted')
    .option('--enable-helm', 'accepted')
    .option('-e, --env <kv>', 'accepted', collect, [])
    .option('--helm-api-versions <v>', 'accepted', collect, [])
    .option('--helm-command <c>', 'accepted')
    .option('--helm-debug', 'accepted')
    .option('--helm-kube-version <v>', 'accepted')
    .option('--mount <m>', 'accepted', collect, [])
    .option('--network', 'accepted')
    .option('--network-name <n>', 'accepted');
  if (!parseArgs(cmd, argv, 'kustomize')) return 0;
  const o = cmd.opts();
  if (cmd.args.length > 1) throw commandFailed(io, 'specify one path to kustomization.yaml');
  const restrict = restrictorOf(o.loadRestrictor);
  const { build, render } = await import('../kustomize/build.js');
  const { KustomizeError } = await import('../kustomize/resources.js');
  let text: string;
  try {
    const r = await build(cmd.args[0] ?? '.', { restrictToRoot: restrict });
    for (const w of r.warnings) io.stderr.write(`${w}\n`);
    text = render(r.objects);
  } catch (e) {
    if (e instanceof KustomizeError) throw commandFailed(io, e.message);
    throw e;
  }
  if (o.output) {
    try {
      writeFileSync(o.output, text);
    } catch (e) {
      throw commandFailed(io, `open ${o.output}: ${ioErrorText(e)}`);
    }
  } else io.stdout.write(text);
  return 0;
}

/** -k DIR for apply, diff, delete and get: the build as one manifest source, or kubectl's error. */
export async function kustomizeSource(dir: string, io: CliIO): Promise<ManifestSource> {
  const { build, render } = await import('../kustomize/build.js');
  const { KustomizeError } = await import('../kustomize/resources.js');
  try {
    const r = await build(dir);
    for (const w of r.warnings) io.stderr.write(`${w}\n`);
    return { name: dir, text: render(r.objects) };
  } catch (e) {
    if (e instanceof KustomizeError) throw new CommandError(e.message);
    throw e;
  }
}
