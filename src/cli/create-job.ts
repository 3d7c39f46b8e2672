// `kubesim create job NAME --image=IMAGE [-- COMMAND [args...]]`, `create job NAME --from=cronjob/NAME` and
// `create cronjob NAME --image=IMAGE --schedule=SPEC [--restart=OnFailure|Never] [-- COMMAND [args...]]`:
// kubectl's generators, building the objects exactly as kubectl does (create_job.go, create_cronjob.go).
import { CommandError, ExitError, notFound } from '../api/errors.js';
import { requireResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { createObject } from '../cluster/apiserver.js';
import { reconcile } from '../cluster/controllers.js';
import type { CronJobObj } from '../cluster/cronjobs.js';
import { getObject } from '../store/objects.js';
import { objectName, toJSON, toYAML } from '../printers/format.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { dryRunMode, normalizeFlags } from './scale.js';

const JOB_HELP = `Make a Job called NAME: one pod running the given (simulated) image until it exits, with restartPolicy Never;
or, with --from, a Job copied from a CronJob's job template. The simulated job controller starts its pod at once.

Examples:
  # A job running busybox
  kubectl create job my-job --image=busybox
  
  # The same, running the command date
  kubectl create job my-job --image=busybox -- date
  
  # Start now what the cron job a-cronjob would start on its schedule
  kubectl create job test-job --from=cronjob/a-cronjob

Options:
    --dry-run='none':
	One of "none", "server" or "client". "client" prints the object kubesim would send and stops there; "server" also lets the simulated API server default and check it, but stores nothing. Either way the simulated cluster is left unchanged.

    --field-manager='kubectl-create':
	Accepted for compatibility; kubesim does not track field ownership, so the name is not recorded.

    --from='':
	cronjob/NAME: take the job template of that CronJob (the only kind supported).

    --image='':
	The container image; kubesim runs its simulated version of it.

    -o, --output='':
	Print the resulting object in this format instead of the usual status line; choose from (json, yaml, name).

    --save-config=false:
	Accepted for compatibility; this generator does not write the last-applied annotation.

Usage:
  kubectl create job NAME --image=image [--from=cronjob/name] -- [COMMAND] [args...] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const CRONJOB_HELP = `Make a CronJob called NAME that runs the given (simulated) image as a Job each time the schedule comes round
on the simulated clock.

Aliases:
cronjob, cj

Examples:
  # A Job every minute
  kubectl create cronjob my-job --image=busybox --schedule="*/1 * * * *"
  
  # The same, running the command date
  kubectl create cronjob my-job --image=busybox --schedule="*/1 * * * *" -- date

Options:
    --dry-run='none':
	One of "none", "server" or "client". "client" prints the object kubesim would send and stops there; "server" also lets the simulated API server default and check it, but stores nothing. Either way the simulated cluster is left unchanged.

    --field-manager='kubectl-create':
	Accepted for compatibility; kubesim does not track field ownership, so the name is not recorded.

    --image='':
	The container image; kubesim runs its simulated version of it.

    -o, --output='':
	Print the resulting object in this format instead of the usual status line; choose from (json, yaml, name).

    --restart='':
	The restartPolicy of the Job's pods, OnFailure or Never.

    --save-config=false:
	Accepted for compatibility; this generator does not write the last-applied annotation.

    --schedule='':
	When to start a Job, in the five-field cron syntax.

Usage:
  kubectl create cronjob NAME --image=image --schedule='0/5 * * * ?' -- [COMMAND] [args...] [flags] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

/** create_job.go createJob: one container named after the job, restartPolicy Never. */
export function jobFromFlags(name: string, image: string, command: string[], namespace: string | undefined): KubeObject {
  return {
    kind: 'Job',
    apiVersion: 'batch/v1',
    metadata: objectMeta(name, namespace),
    spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [container(name, image, command)], restartPolicy: 'Never' } } },
    status: {},
  } as unknown as KubeObject;
}

/** ObjectMeta in Go's field order (what `-o json` follows): name, namespace, creationTimestamp. */
function objectMeta(name: string, namespace: string | undefined, extra: Record<string, unknown> = {}): KubeObject['metadata'] {
  return { name, ...(namespace !== undefined ? { namespace } : {}), creationTimestamp: null, ...extra } as unknown as KubeObject['metadata'];
}

function container(name: string, image: string, command: string[]): Record<string, unknown> {
  return { name, image, ...(command.length ? { command } : {}), resources: {} };
}

/** create_job.go createJobFromCronJob: the template's labels, its annotations plus instantiate=manual, owned by the CronJob. */
export function jobFromCronJob(name: string, cj: CronJobObj, namespace: string | undefined): KubeObject {
  const jt = cj.spec?.jobTemplate ?? {};
  const annotations: Record<string, string> = { 'cronjob.kubernetes.io/instantiate': 'manual', ...(jt.metadata?.annotations ?? {}) };
  const extra: Record<string, unknown> = {};
  if (jt.metadata?.labels) extra.labels = { ...jt.metadata.labels };
  extra.annotations = annotations;
  extra.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name, uid: cj.metadata.uid, controller: true }];
  return { kind: 'Job', apiVersion: 'batch/v1', metadata: objectMeta(name, namespace, extra), spec: structuredClone(jt.spec ?? {}), status: {} } as unknown as KubeObject;
}

/** create_cronjob.go createCronJob. */
export function cronJobFromFlags(name: string, image: string, schedule: string, restart: string, command: string[], namespace: string | undefined): KubeObject {
  return {
    kind: 'CronJob',
    apiVersion: 'batch/v1',
    metadata: objectMeta(name, namespace),
    spec: {
      schedule,
      jobTemplate: {
        // kubectl names the template but puts no namespace in it.
        metadata: objectMeta(name, undefined),
        spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [container(name, image, command)], restartPolicy: restart } } },
      },
    },
    status: {},
  } as unknown as KubeObject;
}

function klogTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds() * 1000, 6)}`;
}

export async function run(argv: string[], io: CliIO, which: 'job' | 'cronjob' = 'job'): Promise<number> {
  const dash = argv.indexOf('--');
  const command = dash >= 0 ? argv.slice(dash + 1) : [];
  const args = dash >= 0 ? argv.slice(0, dash) : argv;
  const verb = `create ${which}`;
  const cmd = addGlobalFlags(newCommand(verb, io, which === 'job' ? JOB_HELP : CRONJOB_HELP));
  cmd
    .option('--image <image>', 'image')
    .option('--dry-run <strategy>', 'none, server or client')
    .option('-o, --output <format>', 'json, yaml or name')
    .option('--save-config', 'accepted for compatibility')
    .option('--field-manager <name>', 'accepted for compatibility');
  if (which === 'job') cmd.option('--from <resource>', 'cronjob/NAME');
  else cmd.option('--schedule <spec>', 'cron schedule').option('--restart <policy>', 'OnFailure or Never');
  if (!parseArgs(cmd, normalizeFlags(args), verb)) return 0;
  const opts = cmd.opts();
  const dryRun = dryRunMode(opts.dryRun);
  const output: string | undefined = opts.output;
  if (output !== undefined && !['json', 'yaml', 'name'].includes(output)) {
    throw new CommandError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,yaml`);
  }
  const session = new Session(opts, io);
  const ns = session.namespace;
  if (which === 'cronjob') {
    for (const flag of ['image', 'schedule']) {
      if (!opts[flag]) throw new ExitError(1, `E${klogTime(session.clock.now())}   ${String(process.pid).padStart(5)} run.go:72] "command failed" err="required flag(s) \\"${flag}\\" not set"`);
    }
  }
  if (cmd.args.length !== 1) throw new CommandError(`exactly one NAME is required, got ${cmd.args.length}`, { usageOf: verb });
  const name = cmd.args[0];
  const image: string = opts.image ?? '';
  if (which === 'job' && (image === '') === (opts.from === undefined || opts.from === '')) throw new CommandError('either --image or --from must be specified');
  let restart = 'OnFailure';
  if (which === 'cronjob') {
    restart = opts.restart || 'OnFailure';
    if (restart !== 'OnFailure' && restart !== 'Never') throw new CommandError(`restart policy must be one of OnFailure or Never`);
  }
  const nsForObject = session.namespaceExplicit ? ns : undefined;
  /** The object as kubectl builds it (reading the CronJob for --from). */
  const build = (state: Parameters<Parameters<Session['change']>[0]>[0]): KubeObject => {
    if (which === 'cronjob') return cronJobFromFlags(name, image, opts.schedule, restart, command, nsForObject);
    if (!opts.from) return jobFromFlags(name, image, command, nsForObject);
    const from: string = opts.from;
    const slash = from.indexOf('/');
    const info = requireResource(slash < 0 ? from : from.slice(0, slash));
    const srcName = slash < 0 ? '' : from.slice(slash + 1);
    if (info.resource !== 'cronjobs') {
      const o = getObject(state, info.resource, info.namespaced ? ns : undefined, srcName);
      if (!o) throw notFound(info.group ? `${info.resource}.${info.group}` : info.resource, srcName);
      throw new CommandError(`unknown object type *${info.version}.${info.kind}`);
    }
    const cj = getObject(state, 'cronjobs', ns, srcName) as CronJobObj | undefined;
    if (!cj) throw notFound('cronjobs.batch', srcName);
    return jobFromCronJob(name, cj, nsForObject);
  };
  let result: KubeObject;
  if (dryRun === 'client') {
    const { state } = await session.read();
    result = build(state);
  } else {
    result = await session.change((state, ctx) => {
      const created = structuredClone(createObject(state, ctx, build(state), { namespace: ns, dryRun: dryRun === 'server', reconcile: false, manager: { manager: 'kubectl-create' } }));
      if (dryRun !== 'server') reconcile(state, ctx);
      return created;
    });
  }
  const kind = which === 'job' ? 'job.batch' : 'cronjob.batch';
  if (output === 'yaml') io.stdout.write(await toYAML(result));
  else if (output === 'json') io.stdout.write(toJSON(result));
  else if (output === 'name') io.stdout.write(`${objectName(result)}\n`);
  else io.stdout.write(`${kind}/${name} created${dryRun === 'none' ? '' : dryRun === 'client' ? ' (dry run)' : ' (server dry run)'}\n`);
  return 0;
}
