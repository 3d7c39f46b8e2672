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

const HELP = `Expose a resource as a new Kubernetes service.

 Looks up a deployment, service, replica set, replication controller or pod by name and uses the selector for that resource as the selector for a new service on the specified port. A deployment or replica set will be exposed as a service only if its selector is convertible to a selector that service supports, i.e. when the selector contains only the matchLabels component. Note that if no port is specified via --port and the exposed resource has multiple ports, all will be re-used by the new service. Also if no labels are specified, the new service will re-use the labels from the resource it exposes.

 Possible resources include (case insensitive):

 pod (po), service (svc), replicationcontroller (rc), deployment (deploy), replicaset (rs)

Examples:
  # Create a service for a replicated nginx, which serves on port 80 and connects to the containers on port 8000
  kubectl expose rc nginx --port=80 --target-port=8000
  
  # Create a service for a replication controller identified by type and name specified in "nginx-controller.yaml", which serves on port 80 and connects to the containers on port 8000
  kubectl expose -f nginx-controller.yaml --port=80 --target-port=8000
  
  # Create a service for a pod valid-pod, which serves on port 444 with the name "frontend"
  kubectl expose pod valid-pod --port=444 --name=frontend
  
  # Create a second service based on the above service, exposing the container port 8443 as port 443 with the name "nginx-https"
  kubectl expose service nginx --port=443 --target-port=8443 --name=nginx-https
  
  # Create a service for a replicated streaming application on port 4100 balancing UDP traffic and named 'video-stream'.
  kubectl expose rc streamer --port=4100 --protocol=UDP --name=video-stream
  
  # Create a service for a replicated nginx using replica set, which serves on port 80 and connects to the containers on port 8000
  kubectl expose rs nginx --port=80 --target-port=8000
  
  # Create a service for an nginx deployment, which serves on port 80 and connects to the containers on port 8000
  kubectl expose deployment nginx --port=80 --target-port=8000

Options:
    --cluster-ip='':
	ClusterIP to be assigned to the service. Leave empty to auto-allocate, or set to 'None' to create a headless service.

    --dry-run='none':
	Must be "none", "server", or "client". "client" prints the object kubesim would send and stops there; "server" also lets the simulated API server default and check it, but stores nothing. Either way the simulated cluster is left unchanged.

    --external-ip='':
	Additional external IP address (not managed by Kubernetes) to accept for the service. If this IP is routed to a node, the service can be accessed by this IP in addition to its generated service IP.

    --field-manager='kubectl-expose':
	Accepted for compatibility; kubesim does not track field ownership, so the name is not recorded.

    -f, --filename=[]:
	Filename, directory, or URL to files identifying the resource to expose a service

    -l, --labels='':
	Labels to apply to the service created by this call.

    --load-balancer-ip='':
	IP to assign to the LoadBalancer. If empty, an ephemeral IP will be created and used (cloud-provider specific).

    --name='':
	The name for the newly created object.

    -o, --output='':
	Print the resulting object in this format instead of the usual status line; choose from (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).

    --override-type='merge':
	The method used to override the generated object: json, merge, or strategic.

    --overrides='':
	An inline JSON override for the generated object. If this is non-empty, it is used to override the generated object. Requires that the object supply a valid apiVersion field.

    --port='':
	The port that the service should serve on. Copied from the resource being exposed, if unspecified

    --protocol='':
	The network protocol for the service to be created. Default is 'TCP'.

    -R, --recursive=false:
	Also read the manifests in subdirectories of any directory given with -f.

    --save-config=false:
	Accepted for compatibility; this generator does not write the last-applied annotation.

    --selector='':
	A label selector to use for this service. Only equality-based selector requirements are supported. If empty (the default) infer the selector from the replication controller or replica set.)

    --session-affinity='':
	If non-empty, set the session affinity for the service to this; legal values: 'None', 'ClientIP'

    --target-port='':
	Name or number for the port on the container that the service should direct traffic to. Optional.

    --type='':
	Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName. Default is 'ClusterIP'.

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
      out.push(createObject(state, ctx, svc, { namespace: session.namespace, dryRun: dryRun === 'server' }));
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
