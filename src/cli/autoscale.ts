// `kubesim autoscale (TYPE NAME | TYPE/NAME) --max=N [--min=N] [--cpu-percent=N] [--name=X]`: the
// HorizontalPodAutoscaler kubectl builds (autoscaling/v1, which the API server keeps as v2 with the CPU target
// as a Resource metric), created through the API server so the HPA controller takes it on.
import { CommandError } from '../api/errors.js';
import { hpaToV1, hpaToV2 } from '../api/hpa-v1.js';
import { qualifiedResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { getObject } from '../store/objects.js';
import { notFound } from '../api/errors.js';
import { parseTargets } from '../cluster/rollouts.js';
import { addGlobalFlags, intFlag, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { Session } from './session.js';
import { printerFor } from './set-workload.js';
import { dryRunOf } from './write-manifests.js';

type Obj = Record<string, unknown>;
const SCALABLE = new Set(['deployments', 'replicasets', 'replicationcontrollers', 'statefulsets']);

/** The autoscaling/v1 object kubectl sends (and prints for --dry-run=client). */
function hpaV1(name: string, target: KubeObject, min: number, max: number, cpu: number): KubeObject {
  const spec: Obj = { maxReplicas: max };
  if (min > -1) spec.minReplicas = min;
  spec.scaleTargetRef = { apiVersion: target.apiVersion, kind: target.kind, name: target.metadata.name };
  if (cpu > -1) spec.targetCPUUtilizationPercentage = cpu;
  return { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { creationTimestamp: null as unknown as string, name }, spec, status: { currentReplicas: 0, desiredReplicas: 0 } };
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('autoscale', io, HELP));
  cmd
    .option('--allow-missing-template-keys [bool]', 'ignore missing keys in templates')
    .option('--cpu-percent <n>', 'target average CPU utilization', intFlag('autoscale', '--cpu-percent'), -1)
    .option('--dry-run [strategy]', 'none, server or client')
    .option('--field-manager <name>', 'the field manager the write is recorded under')
    .option('--max <n>', 'upper limit of replicas', intFlag('autoscale', '--max'))
    .option('--min <n>', 'lower limit of replicas', intFlag('autoscale', '--min'), -1)
    .option('--name <name>', 'name of the autoscaler')
    .option('-o, --output <format>', 'output format')
    .option('--save-config', 'accepted for compatibility')
    .option('--show-managed-fields', 'accepted for compatibility')
    .option('--template <template>', 'accepted for compatibility');
  if (!parseArgs(cmd, argv, 'autoscale')) return 0;
  const o = cmd.opts();
  const session = new Session(o, io);
  if (o.max === undefined) {
    // cobra's required-flag check, which kubectl reports through klog.
    const d = session.clock.now();
    const p2 = (n: number) => String(n).padStart(2, '0');
    const stamp = `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds() * 1000).padStart(6, '0')}`;
    io.stderr.write(`E${stamp} ${String(process.pid).padStart(7)} run.go:72] "command failed" err="required flag(s) \\"max\\" not set"\n`);
    return 1;
  }
  const dryRun = dryRunOf(o.dryRun);
  const max: number = o.max;
  const min: number = o.min;
  if (max < 1) throw new CommandError(`--max=MAXPODS is required and must be at least 1, max: ${max}`);
  if (max < min) throw new CommandError(`--max=MAXPODS must be larger or equal to --min=MINPODS, max: ${max}, min: ${min}`);
  const printer = await printerFor(o.output, o.allowMissingTemplateKeys);
  const targets = parseTargets(cmd.args);
  const { createObject } = await import('../cluster/apiserver.js');
  const lines: string[] = [];
  const errors: string[] = [];
  await session.change((state, ctx) => {
    for (const t of targets) {
      const target = getObject(state, t.info.resource, t.info.namespaced ? session.namespace : undefined, t.name);
      if (!target) throw notFound(qualifiedResource(t.info), t.name);
      if (!SCALABLE.has(t.info.resource)) {
        errors.push(`cannot autoscale a ${t.info.kind}: could not find scale subresource for ${t.info.group}/${t.info.version}, Resource=${t.info.resource} in discovery information`);
        continue;
      }
      const v1 = hpaV1(o.name || t.name, target, min, max, o.cpuPercent);
      let shown = v1;
      if (dryRun !== 'client') {
        shown = hpaToV1(createObject(state, ctx, hpaToV2({ ...v1, metadata: { name: v1.metadata.name, namespace: session.namespace }, status: undefined }), { namespace: session.namespace, dryRun: dryRun === 'server', manager: { manager: o.fieldManager ?? 'kubectl-autoscale' } }));
      }
      const op = dryRun === 'client' ? 'created (dry run)' : dryRun === 'server' ? 'autoscaled (server dry run)' : 'autoscaled';
      if (typeof printer === 'function') lines.push(printer(shown));
      else if (printer === 'name') lines.push(`horizontalpodautoscaler.autoscaling/${v1.metadata.name}\n`);
      else lines.push(`horizontalpodautoscaler.autoscaling/${v1.metadata.name} ${op}\n`);
    }
  });
  for (const l of lines) io.stdout.write(l);
  if (errors.length === 1) io.stderr.write(`error: ${errors[0]}\n`);
  else for (const e of errors) io.stderr.write(`${e}\n`);
  return errors.length ? 1 : 0;
}

// The interface (usage, flags, defaults, examples) is kubectl's; the words say what kubesim does.
const HELP = `Create a HorizontalPodAutoscaler for a Deployment, ReplicaSet, ReplicationController or StatefulSet. The
autoscaler keeps the replica count between --min and --max; --cpu-percent is the average CPU utilization it
aims for (without it the API server's default, 80%, applies). kubesim's cluster, like kind, has no metrics
server: the autoscaler reports that it cannot read CPU usage and keeps the target within its bounds.

Examples:
  # Auto scale a deployment "foo", with the number of pods between 2 and 10, no target CPU utilization specified so a default autoscaling policy will be used
  kubectl autoscale deployment foo --min=2 --max=10
  
  # Auto scale a replication controller "foo", with the number of pods between 1 and 5, target CPU utilization at 80%
  kubectl autoscale rc foo --max=5 --cpu-percent=80

Options:
    --allow-missing-template-keys=true:
	When false, a jsonpath output that names a missing field is an error.

    --cpu-percent=-1:
	The average CPU utilization, in percent of the pods' requests, to aim for; -1 leaves the default.

    --dry-run='none':
	Must be "none", "server", or "client". client: print the autoscaler and create nothing; server: the API
	server checks it and stores nothing.

    --field-manager='kubectl-autoscale':
	The name metadata.managedFields records for the fields this command writes.

    --max=-1:
	The most replicas the autoscaler may set. Required.

    --min=-1:
	The fewest replicas the autoscaler may set; -1 leaves the server's default (1).

    --name='':
	The autoscaler's name; the target's name when not given.

    -o, --output='':
	Output format. One of: (json, yaml, name, jsonpath, jsonpath-as-json, jsonpath-file).

    --save-config=false:
	Accepted for compatibility.

    --show-managed-fields=false:
	Accepted for compatibility; kubesim keeps no managedFields.

    --template='':
	Accepted for compatibility; go-template output is not supported yet.

Usage:
  kubectl autoscale (-f FILENAME | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS [--cpu-percent=CPU] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
