// `kubesim rollout status|history|undo|restart|pause|resume` for deployments (status also for StatefulSets and DaemonSets).
import { CommandError } from '../api/errors.js';
import type { Deployment, KubeObject } from '../api/types.js';
import { reconcile } from '../cluster/controllers.js';
import {
  deploymentStatus,
  displayName,
  formatHistory,
  parseTargets,
  rolloutHistory,
  rolloutRestart,
  rolloutUndo,
  setPaused,
  statusTarget,
  type Target,
} from '../cluster/rollouts.js';
import { nextRolloutEvent } from '../cluster/workloads.js';
import { setRolloutStatus } from '../cluster/set-rollouts.js';
import { describePodTemplate } from '../printers/describe/pod.js';
import type { PrefixWriter } from '../printers/describe/writer.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { dryRunMode, intFlag, invalidFlagValue, normalizeFlags } from './scale.js';
import { hasOwn, own } from '../util/own.js';

/** Wall time between two steps of simulated time while `rollout status` waits: fast, but visible. */
const PACE_MS = 50;

const HELP = `Follow, inspect, roll back, restart, pause and resume the rollouts that kubesim's simulated controllers carry out.
        
 Kinds with rollouts (history, undo, pause and resume work on deployments only):

  *  deployments
  *  daemonsets
  *  statefulsets

Examples:
  # Go back to the deployment's previous revision
  kubectl rollout undo deployment/abc
  
  # Follow a deployment's rollout until it completes
  kubectl rollout status deployment/abc
  
  # Replace all of a deployment's pods with new ones
  kubectl rollout restart deployment/abc

Available Commands:
  history       List a deployment's revisions
  pause         Stop a deployment's rollouts for now
  restart       Roll out fresh pods
  resume        Let a paused deployment roll out again
  status        Follow a rollout until it completes
  undo          Go back to an earlier revision

Usage:
  kubectl rollout SUBCOMMAND [options]

Use "kubectl rollout <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

// kubectl's help for each subcommand, keeping the examples and flags kubesim supports (deployments only).
const USAGE: Record<string, string> = {
  status: `Print the progress of the latest rollout of a deployment, daemon set or stateful set.

 While it watches, kubesim moves the simulated clock on from one rollout event to the next (a pod started, a pod ready, a step of the update), printing a line whenever the status changes, until the rollout is complete. --watch=false prints the current line once. A rollout that begins meanwhile is followed in turn; --revision=N instead fails when revision N is superseded.

Examples:
  # Follow the deployment nginx until its pods are all updated and available
  kubectl rollout status deployment/nginx

Options:
    --revision=0:
	Follow this revision only; 0 means the latest.

    --timeout=0s:
	Give up after this much simulated time (a duration with a unit, such as 30s or 2m); 0 waits as long as it takes.

    -w, --watch=true:
	Keep printing until the rollout is complete; false prints the status once.

Usage:
  kubectl rollout status (TYPE NAME | TYPE/NAME) [flags] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`,
  history: `List the revisions a deployment has gone through (one per replica set it kept), with the change cause of each.

Examples:
  # The revisions of deployment abc
  kubectl rollout history deployment/abc

Options:
    --revision=0:
	Show that one revision in full, pod template included.

Usage:
  kubectl rollout history (TYPE NAME | TYPE/NAME) [flags] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`,
  undo: `Put a deployment's pod template back to that of an earlier revision; the simulated controller then rolls it out
like any other change.

Examples:
  # Back to the revision before the current one
  kubectl rollout undo deployment/abc
  
  # Show the result of that without changing anything
  kubectl rollout undo --dry-run=server deployment/abc

Options:
    --dry-run='none':
	One of "none", "server" or "client". "client" prints the object kubesim would send and stops there; "server" also lets the simulated API server default and check it, but stores nothing. Either way the simulated cluster is left unchanged.

    --to-revision=0:
	Which revision to go back to; 0 means the one before the current.

Usage:
  kubectl rollout undo (TYPE NAME | TYPE/NAME) [flags] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`,
  restart: `Start a new rollout that replaces every pod, without any other change: kubesim stamps the pod template with a
kubectl.kubernetes.io/restartedAt annotation (the simulated time). Works for deployments, daemon sets and stateful sets.

Examples:
  # New pods for deployment nginx
  kubectl rollout restart deployment/nginx

Usage:
  kubectl rollout restart RESOURCE [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`,
  pause: `Set spec.paused on a deployment. While it is paused, the simulated deployment controller starts no rollout for changes to its template; "kubectl rollout resume" lifts that. Deployments only.

Examples:
  # Pause deployment nginx: its pods keep running, and template changes
  # wait until it is resumed
  kubectl rollout pause deployment/nginx

Usage:
  kubectl rollout pause RESOURCE [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`,
  resume: `Clear spec.paused on a deployment, so that the simulated controller rolls out any template change made meanwhile. Deployments only.

Examples:
  # Let deployment nginx roll out again
  kubectl rollout resume deployment/nginx

Usage:
  kubectl rollout resume RESOURCE [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`,
};

/** Go durations as --timeout takes them: 0, 30s, 1m30s, 500ms. */
function durationMs(v: string): number {
  if (v === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = '';
  for (const m of v.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed += m[0];
  }
  if (consumed !== v || v === '') throw invalidFlagValue('rollout status', '--timeout', v, `time: invalid duration "${v}"`);
  return total;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(argv: string[], io: CliIO): Promise<number> {
  const sub = argv.find((a) => !a.startsWith('-'));
  if (sub === undefined || !hasOwn(USAGE, sub)) {
    if (sub !== undefined) throw new CommandError(`unknown command "${sub}"`, { usageOf: 'rollout' });
    const cmd = addGlobalFlags(newCommand('rollout', io, HELP));
    if (!parseArgs(cmd, argv, 'rollout')) return 0;
    io.stdout.write(HELP);
    return 0;
  }
  const rest = argv.filter((_, i) => i !== argv.indexOf(sub));
  const cmd = addGlobalFlags(newCommand(`rollout ${sub}`, io, own(USAGE, sub)!));
  if (sub === 'status') {
    cmd.option('-w, --watch', 'watch until done').option('--no-watch', 'print the status once').option('--timeout <duration>', 'give up after', '0s').option('--revision <n>', 'pin to a revision', '0');
  }
  if (sub === 'history') cmd.option('--revision <n>', 'show one revision', '0');
  if (sub === 'undo') cmd.option('--to-revision <n>', 'revision to roll back to', '0');
  if (sub === 'undo') cmd.option('--dry-run <strategy>', 'none, server or client');
  if (!parseArgs(cmd, normalizeFlags(rest), `rollout ${sub}`)) return 0;
  const opts = cmd.opts();
  const targets = parseTargets(cmd.args);
  const session = new Session(opts, io);
  const ns = session.namespace;
  const dryRun = dryRunMode(opts.dryRun);
  const suffix = dryRun === 'none' ? '' : ` (${dryRun === 'client' ? 'dry run' : 'server dry run'})`;
  switch (sub) {
    case 'status':
      for (const t of targets) await watchStatus(session, io, t, ns, opts.watch !== false, durationMs(opts.timeout), intFlag(`rollout ${sub}`, '--revision')(opts.revision));
      return 0;
    case 'history': {
      const revision = intFlag(`rollout ${sub}`, '--revision')(opts.revision);
      const { state, ctx } = await session.read();
      reconcile(state, ctx);
      for (const t of targets) {
        const entries = rolloutHistory(state, t, ns);
        if (revision > 0) {
          const e = entries.find((x) => x.revision === revision);
          if (!e) throw new CommandError(`unable to find the specified revision`);
          io.stdout.write(`${displayName(t)} with revision #${revision}\n${rawTemplate(e.template)}\n`);
        } else {
          io.stdout.write(`${displayName(t)} \n${formatHistory(entries)}\n`);
        }
      }
      return 0;
    }
    case 'undo': {
      const to = intFlag('rollout undo', '--to-revision')(opts.toRevision);
      const results = await session.change((state, ctx) => targets.map((t) => rolloutUndo(state, ctx, t, ns, to, { dryRun: dryRun !== 'none', clientDryRun: dryRun === 'client' })));
      targets.forEach((t, i) => {
        const r = results[i];
        io.stdout.write(`${displayName(t)} ${typeof r === 'string' ? r : rawTemplate(r.template)}${suffix}\n`);
      });
      return 0;
    }
    case 'restart':
      await session.change((state, ctx) => targets.forEach((t) => rolloutRestart(state, ctx, t, ns, { dryRun: dryRun !== 'none' })));
      for (const t of targets) io.stdout.write(`${displayName(t)} restarted${suffix}\n`);
      return 0;
    case 'pause':
    case 'resume':
      await session.change((state, ctx) => targets.forEach((t) => setPaused(state, ctx, t, ns, sub === 'pause', { dryRun: dryRun !== 'none' })));
      for (const t of targets) io.stdout.write(`${displayName(t)} ${sub === 'pause' ? 'paused' : 'resumed'}${suffix}\n`);
      return 0;
  }
  return 0;
}

/** The history viewer's printTemplate: DescribePodTemplate on a PrefixWriter straight into a buffer (no tabwriter). */
function rawTemplate(template: Parameters<typeof describePodTemplate>[0]): string {
  let out = '';
  const w = {
    write: (level: number, text: string) => (out += '  '.repeat(level) + text),
    writeLine: (...a: unknown[]) => (out += a.map(String).join(' ') + '\n'),
    flush: () => undefined,
    toString: () => out,
  };
  describePodTemplate(template, w as unknown as PrefixWriter);
  return out;
}


/**
 * Prints the status line each time it changes until the rollout is done. Simulated time is moved on to the next
 * thing that happens in the rollout (a step, a pod becoming ready), a short wall-clock pause apart. The steps are
 * worked out in memory; the time that passed is saved once at the end (the controllers replay the same steps).
 */
async function watchStatus(session: Session, io: CliIO, t: Target, ns: string, watch: boolean, timeoutMs: number, revision: number): Promise<void> {
  const started = Date.now();
  let last: string | undefined;
  let ahead = 0;
  let deadline: number | undefined;
  try {
    for (;;) {
      const { state, ctx } = await session.read();
      // Time already moved on by this watch, on top of what the state had.
      const clock = { now: () => new Date(ctx.clock.now().getTime() + ahead) };
      const at = { ...ctx, clock };
      for (;;) {
        reconcile(state, at);
        const now = clock.now().getTime();
        // StatefulSets and DaemonSets have their own status viewers; deployments the one below.
        const set = setRolloutStatus(state, t, ns, now);
        const d = set ? undefined : statusTarget(state, t, ns);
        const st = set ?? deploymentStatus(d!, revision);
        if (st.text !== last) io.stdout.write(`${st.text}\n`);
        last = st.text;
        if (st.done || !watch) return;
        if (timeoutMs > 0 && Date.now() - started >= timeoutMs) throw new CommandError('timed out waiting for the condition');
        deadline ??= timeoutMs > 0 ? now + timeoutMs : undefined;
        const next = set ? set.next : nextRolloutEvent(state, d as Deployment & KubeObject, now);
        // --timeout is simulated time: nothing more happens before it, so the wait ends there, having moved
        // the clock on exactly that far (what the pods did meanwhile is what the next command sees).
        if (deadline !== undefined && (next === undefined || next > deadline)) {
          ahead += Math.max(0, deadline - now);
          throw new CommandError('timed out waiting for the condition');
        }
        if (next === undefined) break;
        await sleep(PACE_MS);
        ahead += Math.max(0, next - now);
      }
      // Nothing scheduled: wait for real time or another command to move things on.
      await sleep(1000);
    }
  } finally {
    if (ahead > 0) {
      await session.change((s, c) => {
        s.clockOffsetMs = (s.clockOffsetMs ?? 0) + ahead;
        reconcile(s, c);
      });
    }
  }
}
