// Which objects `describe` shows, resolved as kubectl's resource builder does: TYPE, TYPE NAME..., TYPE/NAME...,
// comma-separated types, -l, -n, -A; and, when `TYPE NAME` finds nothing, every object whose name starts with NAME.
import { CommandError, notFound, StatusError, type KubeError } from '../../api/errors.js';
import { matches, parseListSelector } from '../../api/labels.js';
import { qualifiedResource, requireResource, slashTargets, type ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { getObject, listObjects } from '../../store/objects.js';
import type { ClusterState } from '../../store/state.js';
import { describeObject, eventIndex } from './index.js';
import type { TimeZone } from './writer.js';

export interface DescribeRequest {
  args: string[];
  namespace: string;
  allNamespaces: boolean;
  selector?: string;
  showEvents: boolean;
  now: Date;
  /** The zone times are printed in (kubectl: the local one); UTC when not given. */
  zone?: TimeZone;
  /** Objects named by -f files (type, namespace, name), described instead of args. */
  files?: { info: ResourceInfo; namespace?: string; name: string }[];
  /** Errors the -f files already produced, reported after what could be described. */
  fileErrors?: KubeError[];
}

export interface DescribeResult {
  /** What goes to stdout. */
  stdout: string;
  /** Errors for stderr, in order (the command then exits 1). */
  errors: KubeError[];
  /** A notice for stderr when nothing matched ("No resources found in default namespace."). */
  notice?: string;
}


interface Target {
  info: ResourceInfo;
  obj: KubeObject;
}

export function runDescribe(state: ClusterState, req: DescribeRequest): DescribeResult {
  const { args } = req;
  if (req.files) {
    if (args.length) throw new CommandError('when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well');
    const targets: Target[] = [];
    const errors: KubeError[] = [...(req.fileErrors ?? [])];
    for (const f of req.files) {
      const obj = getObject(state, f.info.resource, f.info.namespaced ? f.namespace ?? req.namespace : undefined, f.name);
      if (obj) targets.push({ info: f.info, obj });
      else errors.push(notFound(qualifiedResource(f.info), f.name));
    }
    return { stdout: joinDescriptions(state, targets, req), errors };
  }
  if (args.length === 0) {
    throw new CommandError('You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.');
  }
  const selector = req.selector ? req.selector : undefined;
  const nsOf = (info: ResourceInfo) => (info.namespaced ? req.namespace : undefined);
  const targets: Target[] = [];
  const errors: KubeError[] = [];

  const lookup = (info: ResourceInfo, name: string) => {
    const obj = getObject(state, info.resource, nsOf(info), name);
    if (obj) targets.push({ info, obj });
    else errors.push(notFound(qualifiedResource(info), name));
  };

  const named = args.some((a) => a.includes('/')) || args.length > 1;
  if (named && req.allNamespaces) throw new CommandError('a resource cannot be retrieved by name across all namespaces');
  if (args.some((a) => a.includes('/'))) {
    const named = slashTargets(args, 'describe')!;
    if (selector) throw new CommandError('name cannot be provided when a selector is specified');
    for (const t of named) lookup(t.info, t.name);
  } else {
    const infos = args[0].split(',').filter((t) => t !== '').map(requireResource);
    const names = args.slice(1);
    if (names.length && selector) throw new CommandError('name cannot be provided when a selector is specified');
    if (names.length === 0) {
      for (const info of infos) {
        const ns = info.namespaced && !req.allNamespaces ? req.namespace : undefined;
        // The server parses the selector; kubectl reports its refusal and goes on with the next type.
        let parsed: ReturnType<typeof parseListSelector>;
        try {
          parsed = parseListSelector(selector, info);
        } catch (e) {
          if (e instanceof StatusError) {
            errors.push(e);
            continue;
          }
          throw e;
        }
        for (const obj of listObjects(state, info.resource, ns)) {
          if (!parsed || matches(parsed, obj.metadata.labels)) targets.push({ info, obj });
        }
      }
    } else {
      for (const info of infos) for (const name of names) lookup(info, name);
      // `describe TYPE NAME` with no exact match describes every object whose name starts with NAME.
      if (infos.length === 1 && names.length === 1 && targets.length === 0) {
        const info = infos[0];
        const prefixed = listObjects(state, info.resource, nsOf(info)).filter((o) => o.metadata.name.startsWith(names[0]));
        if (prefixed.length) {
          const settings = { ...req, eventIndex: eventIndex(state) };
          const out = prefixed.map((obj) => describeObject(state, info, obj, settings) + '\n').join('');
          return { stdout: out, errors: [] };
        }
      }
    }
  }

  const stdout = joinDescriptions(state, targets, req);
  let notice: string | undefined;
  if (targets.length === 0 && errors.length === 0) {
    notice = req.allNamespaces ? 'No resources found' : `No resources found in ${req.namespace} namespace.`;
  }
  return { stdout, errors, notice };
}

/** kubectl prints the first description as is and each further one after "\n\n". */
function joinDescriptions(state: ClusterState, targets: Target[], req: DescribeRequest): string {
  const settings = targets.length > 1 && req.showEvents ? { ...req, eventIndex: eventIndex(state) } : req;
  return targets.map((t, i) => (i === 0 ? '' : '\n\n') + describeObject(state, t.info, t.obj, settings)).join('');
}
