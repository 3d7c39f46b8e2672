// `kubesim expose (-f FILE | TYPE NAME | TYPE/NAME) [--port=port] ...`: build the Service kubectl builds for the
// object (src/cluster/expose.ts), then create it, or print it with --dry-run=client.
import { CommandError, notFound } from '../api/errors.js';
import { decodeManifests } from '../api/manifest.js';
import { findResource, qualifiedResource, resourceForKind } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { createObject } from '../cluster/apiserver.js';
import { buildExposedService, type ExposeOptions } from '../cluster/expose.js';
import { getObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { checkOutput, dryRunStrategy, normalizeDryRun, printResult } from './create-service.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { readSources } from './manifest-files.js';
import { own, setOwn } from '../util/own.js';

const HELP = `Make a Service in front of an existing object, so that its pods get a stable virtual IP on the simulated network.

 kubesim reads the named object and gives the new Service that object's pod selector (for a pod, its labels). A deployment or replica set qualifies only when its selector is plain matchLabels, since that is all a Service can select on. Without --port, the Service takes every port the object declares; without --labels, it copies the object's labels. Once created, the simulated endpoints controller and network engine route the Service's traffic to the matching ready pods.

 Kinds that can be exposed (names are not case-sensitive):

 pod (po), service (svc), replicationcontroller (rc), deployment (deploy), replicaset (rs)

Examples:
  # Service port 80 in front of the replication controller nginx, sent on to container port 8000
  kubectl expose rc nginx --port=80 --target-port=8000
  
  # The same for the object that nginx-controller.yaml defines
  kubectl expose -f nginx-controller.yaml --port=80 --target-port=8000
  
  # A service called frontend, port 444, in front of the single pod valid-pod
  kubectl expose pod valid-pod --port=444 --name=frontend
  
  # A second service, nginx-https, with the selector of service nginx: port 443 to container port 8443
  kubectl expose service nginx --port=443 --target-port=8443 --name=nginx-https
  
  # A UDP service on port 4100, called video-stream
  kubectl expose rc streamer --port=4100 --protocol=UDP --name=video-stream
  
  # Port 80 in front of the replica set nginx, to container port 8000
  kubectl expose rs nginx --port=80 --target-port=8000
  
  # Port 80 in front of the pods of deployment nginx, to container port 8000
  kubectl expose deployment nginx --port=80 --target-port=8000

Options:
    --cluster-ip='':
	The Service's cluster IP: empty lets the simulated API server pick a free one, 'None' makes a headless Service (DNS names only, no virtual IP).

    --dry-run='none':
	One of "none", "server" or "client". "client" prints the object kubesim would send and stops there; "server" also lets the simulated API server default and check it, but stores nothing. Either way the simulated cluster is left unchanged.

    --external-ip='':
	An extra address the simulated nodes also accept the Service's ports on, besides its cluster IP.

    --field-manager='kubectl-expose':
	Accepted for compatibility; kubesim does not track field ownership, so the name is not recorded.

    -f, --filename=[]:
	Files or directories whose manifests name the object to expose.

    -l, --labels='':
	Labels for the new Service (key=value,...), instead of the exposed object's.

    --load-balancer-ip='':
	With --type=LoadBalancer, ask the simulated load-balancer controller for this address; empty means the next free one of its pool.

    --name='':
	Name of the new Service; by default the exposed object's name.

    -o, --output='':
	Print the resulting object in this format instead of the usual status line; choose from (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).

    --override-type='merge':
	How --overrides is applied to the generated Service: as a json, merge or strategic patch.

    --overrides='':
	JSON patched onto the generated Service before it is created; it must carry a valid apiVersion.

    --port='':
	The port the Service listens on; when omitted, the exposed object's ports are used.

    --protocol='':
	TCP, UDP or SCTP for the Service's port; TCP when omitted.

    -R, --recursive=false:
	Also read the manifests in subdirectories of any directory given with -f.

    --save-config=false:
	Accepted for compatibility; this generator does not write the last-applied annotation.

    --selector='':
	The pod selector for the Service (key=value terms only); when omitted, it is taken from the exposed object.

    --session-affinity='':
	Set the Service's sessionAffinity, 'None' or 'ClientIP'.

    --target-port='':
	The container port (number or name) the traffic is sent on to; when omitted, it is derived from the Service port or the exposed object.

    --type='':
	ClusterIP (the default), NodePort, LoadBalancer or ExternalName.

Usage:
  kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const NO_RESOURCES = `You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`;

interface Source {
  obj: KubeObject;
  namespace: string;
}

/** The objects of the -f files, decoded as every -f verb decodes them (the first error ends the command). */
async function readFiles(files: string[], recursive: boolean, io: CliIO, namespace: string): Promise<KubeObject[]> {
  const sources = await readSources(files, recursive, io);
  const out: KubeObject[] = [];
  for (const it of await decodeManifests(sources, { validate: false, namespace, enforceNamespace: false })) {
    if ('error' in it) throw it.error;
    out.push(it.ok.object);
  }
  return out;
}

/** The objects to expose: fetched by TYPE NAME, or as written in the files. */
function sources(state: ClusterState, args: string[], fileObjs: KubeObject[] | undefined, namespace: string): Source[] {
  if (fileObjs) {
    return fileObjs.map((obj) => {
      if (!resourceForKind(obj.apiVersion, obj.kind)) throw new CommandError(`resource mapping not found for name: "${obj.metadata?.name ?? ''}" namespace: "" from "": no matches for kind "${obj.kind}" in version "${obj.apiVersion}"\nensure CRDs are installed first`);
      return { obj, namespace: obj.metadata?.namespace ?? namespace };
    });
  }
  let type: string;
  let names: string[];
  if (args.length === 1 && args[0].includes('/')) {
    const [t, n] = args[0].split('/', 2);
    type = t;
    names = [n];
  } else {
    type = args[0];
    names = args.slice(1);
  }
  const info = findResource(type);
  if (!info) throw new CommandError(`the server doesn't have a resource type "${type}"`);
  if (names.length === 0) throw new CommandError('resource(s) were provided, but no name was specified');
  return names.map((name) => {
    const obj = getObject(state, info.resource, info.namespaced ? namespace : undefined, name);
    if (!obj) throw notFound(qualifiedResource(info), name);
    return { obj, namespace };
  });
}

/** --overrides with the default merge type: a JSON merge patch (RFC 7386). */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setOwn(out, k, mergePatch(own(out, k), v));
  }
  return out;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('expose', io, HELP));
  cmd
    .option('--port <port>', 'port')
    .option('--target-port <port>', 'target port')
    .option('--protocol <protocol>', 'protocol')
    .option('--type <type>', 'type')
    .option('--name <name>', 'name')
    .option('--selector <selector>', 'selector')
    .option('-l, --labels <labels>', 'labels')
    .option('--external-ip <ip>', 'external IP')
    .option('--session-affinity <affinity>', 'session affinity')
    .option('--load-balancer-ip <ip>', 'load-balancer IP')
    .option('--cluster-ip <ip>', 'cluster IP')
    .option('--overrides <json>', 'inline JSON override')
    .option('--override-type <type>', 'merge, json or strategic')
    .option('--dry-run <strategy>', 'none, server or client')
    .option('-o, --output <format>', 'output format')
    .option('-f, --filename <file>', 'file', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('-R, --recursive', 'recursive')
    .option('--field-manager <name>', 'field manager')
    .option('--save-config', 'save config')
    .option('--show-managed-fields', 'show managed fields')
    .option('--template <template>', 'template')
    .option('--allow-missing-template-keys [bool]', 'allow missing keys');
  if (!parseArgs(cmd, normalizeDryRun(argv), 'expose')) return 0;
  const opts = cmd.opts();
  const args = cmd.args;
  const dryRun = dryRunStrategy(opts.dryRun);
  checkOutput(opts.output);
  if (args.length === 0 && opts.filename.length === 0) throw new CommandError(NO_RESOURCES);
  const session = new Session(opts, io);
  const fileObjs = opts.filename.length ? await readFiles(opts.filename, !!opts.recursive, io, session.namespace) : undefined;
  const o: ExposeOptions = {
    name: opts.name,
    port: opts.port,
    targetPort: opts.targetPort,
    protocol: opts.protocol,
    type: opts.type,
    selector: opts.selector,
    labels: opts.labels,
    externalIP: opts.externalIp,
    sessionAffinity: opts.sessionAffinity,
    loadBalancerIP: opts.loadBalancerIp,
    clusterIP: opts.clusterIp,
  };
  const overrides = opts.overrides ? parseOverrides(opts.overrides) : undefined;
  const schema = overrides ? await import('../api/schema.js') : undefined;
  const build = (src: Source): KubeObject => {
    let svc = buildExposedService(src.obj, o);
    if (overrides && schema) {
      svc = mergePatch(svc, overrides) as KubeObject;
      // kubectl decodes the merged object into a typed Service: a field of the wrong type fails, an unknown
      // field ('__proto__' included) is dropped.
      const r = schema.decodeObject(svc, 'IoK8sApiCoreV1Service');
      if (r.typeError) throw new CommandError(r.typeError);
      if (r.unknown.length) {
        const hadNullTimestamp = svc.metadata?.creationTimestamp === null;
        svc = r.pruned as KubeObject;
        if (hadNullTimestamp) svc.metadata.creationTimestamp = null as unknown as string;
      }
    }
    return svc;
  };
  if (dryRun === 'client') {
    const { state } = await session.read();
    for (const src of sources(state, args, fileObjs, session.namespace)) {
      const svc = build(src);
      if (session.namespaceExplicit) svc.metadata.namespace = session.namespace;
      await printResult(io, svc, opts.output, 'exposed', dryRun);
    }
    return 0;
  }
  // Each object is created on its own, as kubectl's visitor does; output follows each success.
  const results = await session.change((state, ctx) => {
    const out: KubeObject[] = [];
    for (const src of sources(state, args, fileObjs, session.namespace)) {
      const svc = build(src);
      delete (svc as Partial<KubeObject>).status;
      out.push(createObject(state, ctx, svc, { namespace: session.namespace, dryRun: dryRun === 'server', manager: { manager: opts.fieldManager ?? 'kubectl-expose' } }));
    }
    return out;
  });
  for (const r of results) await printResult(io, r, opts.output, 'exposed', dryRun);
  return 0;
}

/** --overrides: a JSON object (a merge patch); anything else is what evanphx/json-patch answers. */
function parseOverrides(text: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new CommandError('Invalid JSON Patch');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new CommandError('Invalid JSON Patch');
  return v;
}
