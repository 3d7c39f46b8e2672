// apply --prune: after an apply, delete the objects an earlier apply made that this one no longer has. As
// kubectl does it: objects carrying the last-applied annotation, matching -l (or every one with --all), of
// the allowlisted kinds (kubectl's default list, or --prune-allowlist), in the namespaces the applied objects
// live in (cluster-scoped kinds once), and not among the objects just applied.
import { CommandError } from '../api/errors.js';
import { matches, type Selector } from '../api/labels.js';
import { qualifiedKind, RESOURCES, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { LAST_APPLIED } from '../cluster/apiserver.js';
import { listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';

/** kubectl's default prune set, in its order. */
const DEFAULT_ALLOWLIST = [
  'core/v1/ConfigMap', 'core/v1/Endpoints', 'core/v1/Namespace', 'core/v1/PersistentVolumeClaim', 'core/v1/PersistentVolume',
  'core/v1/Pod', 'core/v1/ReplicationController', 'core/v1/Secret', 'core/v1/Service', 'batch/v1/Job', 'batch/v1/CronJob',
  'networking.k8s.io/v1/Ingress', 'apps/v1/DaemonSet', 'apps/v1/Deployment', 'apps/v1/ReplicaSet', 'apps/v1/StatefulSet',
];

export interface PruneFlags {
  prune?: boolean;
  all?: boolean;
  selector?: string;
  pruneAllowlist?: string[];
}

/** kubectl's checks of the prune flags, before anything is applied. */
export function checkPruneFlags(f: PruneFlags): void {
  if (!f.prune) {
    if (f.pruneAllowlist?.length) throw new CommandError('--prune-allowlist must be used with --prune');
    return;
  }
  if (f.all && f.selector !== undefined) throw new CommandError('cannot set --all and --selector at the same time');
  if (!f.all && f.selector === undefined) {
    throw new CommandError('all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector');
  }
}

function allowlist(values: string[] | undefined): ResourceInfo[] {
  const out: ResourceInfo[] = [];
  for (const v of values?.length ? values : DEFAULT_ALLOWLIST) {
    const parts = v.split('/');
    if (parts.length !== 3) throw new CommandError(`invalid GroupVersionKind format: ${v}, please follow <group/version/kind>`);
    const group = parts[0] === 'core' ? '' : parts[0];
    const info = RESOURCES.find((r) => r.group === group && r.version === parts[1] && r.kind === parts[2]);
    // kubesim serves every kind of the default list; an allowlisted kind it does not serve has nothing to prune.
    if (info && !out.includes(info)) out.push(info);
  }
  return out;
}

export interface PruneCandidate {
  info: ResourceInfo;
  obj: KubeObject;
  line: string;
}

/** What the prune would delete, in kubectl's order (namespace by namespace, kind by kind). */
export function pruneCandidates(state: ClusterState, applied: KubeObject[], selector: Selector | undefined, f: PruneFlags): PruneCandidate[] {
  const kinds = allowlist(f.pruneAllowlist);
  const keep = new Set(applied.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  const namespaces = [...new Set(applied.filter((o) => o.metadata.namespace).map((o) => o.metadata.namespace as string))];
  const out: PruneCandidate[] = [];
  const visit = (info: ResourceInfo, ns: string | undefined): void => {
    for (const o of listObjects(state, info.resource, ns)) {
      if (!o.metadata.annotations?.[LAST_APPLIED]) continue;
      if (selector && !matches(selector, o.metadata.labels)) continue;
      if (keep.has(`${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)) continue;
      out.push({ info, obj: o, line: `${qualifiedKind(info)}/${o.metadata.name}` });
    }
  };
  for (const ns of namespaces) for (const info of kinds) if (info.namespaced) visit(info, ns);
  for (const info of kinds) if (!info.namespaced) visit(info, undefined);
  return out;
}
