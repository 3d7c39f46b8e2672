// `kubesim state export|check`: the state as one document (for people, bug reports and tests), and a check of
// the files behind it (every file the head names is there and whole; what a killed writer left behind).
import { rmSync } from 'node:fs';
import { CommandError } from '../api/errors.js';
import { strayFiles } from '../store/layout.js';
import { targetOf } from './context.js';
import { exportState, readState, resolveStatePath, withLock } from '../store/store.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';

const HELP = `Export or check the state that holds the simulated cluster.

 The state is a small head file (--state, else $KUBESIM_STATE, else ~/.kube/kubesim/state.json) and a data
directory beside it (<state>.d) with one index per kind and the segments holding the objects. 'export' prints
the whole cluster as one document; that document is itself a state file kubesim reads. 'check' reads every
object and reports files a killed command left behind; --repair removes them.

Examples:
  # The whole cluster as JSON (or -o yaml)
  kubesim state export > cluster.json

  # Use an exported cluster as a state of its own
  KUBESIM_STATE=cluster.json kubesim get pods -A

  # Check the files, and remove what an interrupted command left
  kubesim state check --repair

Options:
    -o, --output='json':
	json or yaml (export).

    --repair=false:
	Remove temporary and unreferenced files (check).

Usage:
  kubesim state export [-o json|yaml]
  kubesim state check [--repair]
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('state', io, HELP));
  cmd.option('-o, --output <format>', 'json or yaml', 'json').option('--repair', 'remove what a killed command left');
  if (!parseArgs(cmd, argv, 'state')) return 0;
  const opts = cmd.opts();
  const [action, ...rest] = cmd.args;
  if (rest.length) throw new CommandError(`unexpected arguments: ${rest.join(' ')}`, { usageOf: 'state' });
  const path = targetOf(io)?.statePath ?? resolveStatePath(opts.state, io.env);
  if (action === 'export') {
    if (opts.output !== 'json' && opts.output !== 'yaml') throw new CommandError(`--output must be 'json' or 'yaml'`);
    const state = readState(path);
    if (!state) throw new CommandError(`no cluster in "${path}"; create one with 'kubesim cluster create'`);
    const doc = exportState(state);
    io.stdout.write(opts.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : (await (await import('../api/manifest.js')).loadYaml()).stringify(doc));
    return 0;
  }
  if (action === 'check') {
    const report = await withLock(path, () => {
      const state = readState(path);
      if (!state) throw new CommandError(`no cluster in "${path}"; create one with 'kubesim cluster create'`);
      // Reading everything proves every named file is there and parses.
      const doc = exportState(state) as { objects: Record<string, Record<string, unknown>> };
      const count = Object.values(doc.objects).reduce((n, b) => n + Object.keys(b).length, 0);
      const strays = state.store ? strayFiles(path, state.store) : [];
      if (opts.repair) for (const f of strays) rmSync(f, { force: true, recursive: true });
      return { count, strays };
    });
    io.stdout.write(`State "${path}": ${report.count} objects, all readable.\n`);
    if (report.strays.length === 0) io.stdout.write('No leftover files.\n');
    else for (const f of report.strays) io.stdout.write(`${opts.repair ? 'Removed' : 'Leftover'}: ${f}\n`);
    return report.strays.length && !opts.repair ? 1 : 0;
  }
  throw new CommandError(action ? `unknown action "${action}": use export or check` : 'an action is required: export or check', { usageOf: 'state' });
}
