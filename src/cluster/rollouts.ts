// What `scale`, `set image`, `rollout …` and `create deployment` do, as kubectl does it client-side (read, change,
// write back) with kubectl's messages. The CLI modules parse and print; these take the state and return results.
import { CommandError, notFound, StatusError } from '../api/errors.js';
import { requireResource, slashTargets, qualifiedKind, qualifiedResource, type ResourceInfo } from '../api/resources.js';
import type { Container, Deployment, KubeObject, PodTemplateSpec, ReplicaSet } from '../api/types.js';
import { getObject, listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { rfc3339 } from '../util/clock.js';
import { updateObject } from './apiserver.js';
import type { Ctx } from './context.js';
import { canonicalJSON } from './hash.js';
import { setHistory } from './statefulsets.js';
import { CHANGE_CAUSE, controllerRef, DESIRED_REPLICAS, MAX_REPLICAS, POD_TEMPLATE_HASH, REVISION, REVISION_HISTORY, type DeploymentObj, type ReplicaSetObj } from './workloads.js';

export interface Target {
  info: ResourceInfo;
  name: string;
}

const NO_RESOURCES =
  "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";


/** kubectl's resource builder for `TYPE NAME...` or `TYPE/NAME...` arguments. */
export function parseTargets(args: string[]): Target[] {
  if (args.length === 0) throw new CommandError(NO_RESOURCES);
  const named = slashTargets(args);
  if (named) return named;
  const [type, ...names] = args;
  const infos = type.split(',').map(requireResource);
  if (names.length === 0) throw new CommandError('resource(s) were provided, but no name was specified');
  return infos.flatMap((info) => names.map((name) => ({ info, name })));
}

/** `deployment.apps/demo`: how kubectl names an object in its messages. */
export function displayName(t: Target): string {
  return `${qualifiedKind(t.info)}/${t.name}`;
}

function load(state: ClusterState, t: Target, ns: string): KubeObject {
  const o = getObject(state, t.info.resource, t.info.namespaced ? ns : undefined, t.name);
  if (!o) throw notFound(qualifiedResource(t.info), t.name);
  return structuredClone(o);
}

const SCALABLE = new Set(['deployments', 'replicasets', 'replicationcontrollers', 'statefulsets']);

/** `scale`: spec.replicas through the scale subresource, with --current-replicas as a precondition. */
export function scaleObject(
  state: ClusterState,
  ctx: Ctx,
  t: Target,
  ns: string,
  replicas: number,
  opts: { currentReplicas?: number; resourceVersion?: string; dryRun?: boolean },
): void {
  if (!SCALABLE.has(t.info.resource)) throw new StatusError('NotFound', 404, 'the server could not find the requested resource');
  const o = load(state, t, ns);
  const spec = (o.spec ??= {}) as { replicas?: number };
  const current = spec.replicas ?? 1;
  if (opts.currentReplicas !== undefined && opts.currentReplicas !== -1 && opts.currentReplicas !== current) {
    throw new CommandError(`Expected replicas to be ${opts.currentReplicas}, was ${current}`);
  }
  // kubectl's ScalePrecondition compares the scale subresource's resourceVersion (the object's).
  if (opts.resourceVersion && opts.resourceVersion !== o.metadata.resourceVersion) {
    throw new CommandError(`Expected resource version to be ${opts.resourceVersion}, was ${o.metadata.resourceVersion}`);
  }
  spec.replicas = replicas;
  updateObject(state, ctx, o, { namespace: ns, dryRun: opts.dryRun, manager: { manager: 'kubectl', subresource: 'scale' } });
}

function templateOf(o: KubeObject): PodTemplateSpec | undefined {
  if (o.kind === 'Pod') return { metadata: o.metadata, spec: o.spec as PodTemplateSpec['spec'] };
  return (o.spec as { template?: PodTemplateSpec } | undefined)?.template;
}

/**
 * `set image`: sets the named containers' images ("*" for all). Returns whether anything changed (kubectl prints
 * nothing for an object it did not need to patch).
 */
export function setImages(state: ClusterState, ctx: Ctx, t: Target, ns: string, images: [string, string][], opts: { dryRun?: boolean } = {}): boolean {
  const o = load(state, t, ns);
  const spec = templateOf(o)?.spec;
  if (!spec) throw new CommandError(`${displayName(t)} has no pod template`);
  const containers: Container[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const missing: string[] = [];
  for (const [name, image] of images) {
    const hits = name === '*' ? containers : containers.filter((c) => c.name === name);
    if (hits.length === 0) missing.push(name);
    for (const c of hits) c.image = image;
  }
  if (missing.length) throw new CommandError(missing.map((n) => `unable to find container named "${n}"`).join('\n'));
  const before = canonicalJSON(getObject(state, t.info.resource, ns, t.name));
  if (canonicalJSON(o) === before) return false;
  updateObject(state, ctx, o, { namespace: ns, dryRun: opts.dryRun, manager: { manager: 'kubectl-set' } });
  return true;
}

function requireDeployment(t: Target, what: 'history' | 'rollbacker' | 'status' | 'restart' | 'pause' | 'resume'): void {
  if (t.info.resource === 'deployments') return;
  const gk = t.info.group ? `${t.info.kind}.${t.info.group}` : t.info.kind;
  const texts: Record<string, string> = {
    history: `no history viewer has been implemented for "${gk}"`,
    rollbacker: `no rollbacker has been implemented for "${gk}"`,
    status: `no status viewer has been implemented for ${gk}`,
    restart: `${qualifiedResource(t.info)} "${t.name}" restarting is not supported`,
    pause: `${qualifiedResource(t.info)} "${t.name}" pausing is not supported`,
    resume: `${qualifiedResource(t.info)} "${t.name}" resuming is not supported`,
  };
  throw new CommandError(texts[what]);
}

/** The deployment's ReplicaSets, as kubectl's history viewer and rollbacker list them. */
function replicaSetsOf(state: ClusterState, d: KubeObject): ReplicaSetObj[] {
  return listObjects<ReplicaSet>(state, 'replicasets', d.metadata.namespace).filter((rs) => controllerRef(rs)?.uid === d.metadata.uid);
}

function revision(rs: KubeObject): number | undefined {
  const v = rs.metadata.annotations?.[REVISION];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

export interface HistoryEntry {
  revision: number;
  changeCause: string | undefined;
  template: PodTemplateSpec;
}

/** `rollout history`: one entry per revision, oldest first. */
export function rolloutHistory(state: ClusterState, t: Target, ns: string): HistoryEntry[] {
  // StatefulSets and DaemonSets keep their history as ControllerRevisions.
  if (t.info.resource === 'statefulsets' || t.info.resource === 'daemonsets') return setHistory(state, load(state, t, ns));
  requireDeployment(t, 'history');
  const d = load(state, t, ns);
  const byRevision = new Map<number, HistoryEntry>();
  for (const rs of replicaSetsOf(state, d)) {
    const r = revision(rs);
    if (r === undefined) continue;
    const template = structuredClone(rs.spec?.template ?? {}) as PodTemplateSpec;
    const cause = rs.metadata.annotations?.[CHANGE_CAUSE];
    if (cause) ((template.metadata ??= {}).annotations ??= {})[CHANGE_CAUSE] = cause;
    byRevision.set(r, { revision: r, changeCause: cause, template });
  }
  return [...byRevision.values()].sort((a, b) => a.revision - b.revision);
}

/** kubectl's ViewHistory table (tabwriter, padding 2). */
export function formatHistory(entries: HistoryEntry[]): string {
  if (entries.length === 0) return 'No rollout history found.';
  const rows = [['REVISION', 'CHANGE-CAUSE'], ...entries.map((e) => [String(e.revision), e.changeCause || '<none>'])];
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return rows.map((r) => `${r[0].padEnd(w)}${r[1]}`).join('\n') + '\n';
}

const SKIP_ON_ROLLBACK = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, 'deprecated.deployment.rollback.to']);

function withoutHash(t: PodTemplateSpec | undefined): string {
  const c = structuredClone(t ?? {}) as PodTemplateSpec;
  if (c.metadata?.labels) delete c.metadata.labels[POD_TEMPLATE_HASH];
  return canonicalJSON(c);
}

/**
 * `rollout undo`: puts the template of the wanted revision (the previous one by default) back into the
 * Deployment, with that ReplicaSet's annotations. Returns kubectl's verb text: "rolled back" or the skip notice.
 */
export function rolloutUndo(
  state: ClusterState,
  ctx: Ctx,
  t: Target,
  ns: string,
  toRevision: number,
  opts: { dryRun?: boolean; clientDryRun?: boolean } = {},
): string | { template: PodTemplateSpec } {
  requireDeployment(t, 'rollbacker');
  if (toRevision < 0) throw new CommandError(`unable to find specified revision ${toRevision} in history`);
  const d = load(state, t, ns) as DeploymentObj;
  if (d.spec?.paused) throw new CommandError("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
  let target: ReplicaSetObj | undefined;
  let latest: [number, ReplicaSetObj] | undefined;
  let previous: [number, ReplicaSetObj] | undefined;
  for (const rs of replicaSetsOf(state, d)) {
    const v = revision(rs);
    if (v === undefined) continue;
    if (toRevision === 0) {
      if (!latest || latest[0] < v) {
        previous = latest;
        latest = [v, rs];
      } else if (!previous || previous[0] < v) previous = [v, rs];
    } else if (v === toRevision) target = rs;
  }
  if (toRevision > 0 && !target) throw new CommandError(`unable to find specified revision ${toRevision} in history`);
  if (toRevision === 0) {
    if (!previous) throw new CommandError(`no rollout history found for deployment "${d.metadata.name}"`);
    target = previous[1];
  }
  const rs = target!;
  // kubectl's rollbacker, on a client dry run, prints the revision's template (hash label included) and
  // stops there: before the "already matches" check.
  if (opts.clientDryRun) return { template: rs.spec!.template! as PodTemplateSpec };
  const shown = toRevision === 0 ? revision(rs) : toRevision;
  if (withoutHash(rs.spec?.template) === withoutHash(d.spec?.template)) return `skipped rollback (current template already matches revision ${shown})`;
  const template = structuredClone(rs.spec!.template!) as PodTemplateSpec;
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH];
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (SKIP_ON_ROLLBACK.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!SKIP_ON_ROLLBACK.has(k)) annotations[k] = v;
  d.spec!.template = template;
  d.metadata.annotations = annotations;
  updateObject(state, ctx, d, { namespace: ns, dryRun: opts.dryRun, manager: { manager: 'kubectl-rollout' } });
  return 'rolled back';
}

/** `rollout restart`: a new kubectl.kubernetes.io/restartedAt on the pod template starts a rollout. */
export function rolloutRestart(state: ClusterState, ctx: Ctx, t: Target, ns: string, opts: { dryRun?: boolean } = {}): void {
  // StatefulSets and DaemonSets restart the same way (their controllers roll the changed template out).
  if (t.info.resource !== 'statefulsets' && t.info.resource !== 'daemonsets') requireDeployment(t, 'restart');
  const d = load(state, t, ns) as DeploymentObj;
  if (d.spec?.paused) throw new CommandError(`${qualifiedResource(t.info)} "${t.name}" can't restart paused deployment (run rollout resume first)`);
  const meta = (d.spec!.template!.metadata ??= {});
  const at = rfc3339(ctx.clock.now());
  if (meta.annotations?.['kubectl.kubernetes.io/restartedAt'] === at) {
    throw new CommandError(`failed to create patch for ${t.name}: if restart has already been triggered within the past second, please wait before attempting to trigger another`);
  }
  (meta.annotations ??= {})['kubectl.kubernetes.io/restartedAt'] = at;
  updateObject(state, ctx, d, { namespace: ns, dryRun: opts.dryRun, manager: { manager: 'kubectl-rollout' } });
}

/** `rollout pause` / `rollout resume`. */
export function setPaused(state: ClusterState, ctx: Ctx, t: Target, ns: string, paused: boolean, opts: { dryRun?: boolean } = {}): void {
  requireDeployment(t, paused ? 'pause' : 'resume');
  const d = load(state, t, ns) as DeploymentObj;
  if (!!d.spec?.paused === paused) throw new CommandError(`${qualifiedResource(t.info)} "${t.name}" ${paused ? 'is already paused' : 'is not paused'}`);
  if (paused) d.spec!.paused = true;
  else delete d.spec!.paused;
  updateObject(state, ctx, d, { namespace: ns, dryRun: opts.dryRun, manager: { manager: 'kubectl-rollout' } });
}

export interface RolloutStatus {
  text: string;
  done: boolean;
}

/** kubectl's DeploymentStatusViewer: the line `rollout status` prints for the deployment as it is. */
export function deploymentStatus(d: Deployment & KubeObject, revision = 0): RolloutStatus {
  const name = d.metadata.name;
  const s = d.status ?? {};
  if (revision > 0) {
    const running = Number(d.metadata.annotations?.[REVISION] ?? NaN);
    if (!Number.isInteger(running)) throw new CommandError(`cannot get the revision of deployment "${name}": strconv.ParseInt: parsing "": invalid syntax`);
    if (running !== revision) throw new CommandError(`desired revision (${revision}) is different from the running revision (${running})`);
  }
  if ((d.metadata.generation ?? 0) <= (s.observedGeneration ?? 0)) {
    const cond = s.conditions?.find((c) => c.type === 'Progressing');
    if (cond?.reason === 'ProgressDeadlineExceeded') throw new CommandError(`deployment "${name}" exceeded its progress deadline`);
    const replicas = d.spec?.replicas ?? 1;
    const updated = s.updatedReplicas ?? 0;
    if (updated < replicas) return { text: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`, done: false };
    if ((s.replicas ?? 0) > updated) return { text: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...`, done: false };
    if ((s.availableReplicas ?? 0) < updated) return { text: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...`, done: false };
    return { text: `deployment "${name}" successfully rolled out`, done: true };
  }
  return { text: 'Waiting for deployment spec update to be observed...', done: false };
}

export function statusTarget(state: ClusterState, t: Target, ns: string): Deployment & KubeObject {
  requireDeployment(t, 'status');
  return load(state, t, ns) as DeploymentObj;
}

export interface CreateDeploymentOptions {
  name: string;
  images: string[];
  replicas: number;
  port: number;
  /** utilrand.String(5), for container names kubectl has to make unique. */
  suffix: () => string;
}

/** The Deployment `kubectl create deployment` builds (client side, before any server defaulting). */
export function deploymentFromFlags(o: CreateDeploymentOptions): KubeObject {
  const labels = { app: o.name };
  const containers = o.images.map((image) => {
    let name = image.split('/').pop()!;
    if (name.includes(':')) name = name.split(':')[0];
    if (name.includes('@')) name = name.split('@')[0];
    // sanitizeAndUniquify: "_" and "." are not allowed in a container name.
    if (/[_.]/.test(name)) name = `${name.replace(/[_.]/g, '-')}-${o.suffix()}`;
    return { name, image, resources: {} } as Record<string, unknown>;
  });
  if (o.port >= 0 && containers.length > 0) containers[0].ports = [{ containerPort: o.port }];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: o.name, creationTimestamp: null as unknown as string, labels },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { ...labels } },
      strategy: {},
      template: { metadata: { creationTimestamp: null, labels: { ...labels } }, spec: { containers } },
    },
    status: {},
  };
}

