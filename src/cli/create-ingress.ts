// `kubesim create ingress NAME --rule=host/path=svc:port[,tls[=secret]]`: kubectl's generator (rules with one
// host share one rule entry; a trailing `*` makes the path a Prefix, else Exact; TLS hosts grouped by secret),
// then the API server's create.
import { CommandError, fieldErrorBody, InvalidError, KubeError, StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { createObject } from '../cluster/apiserver.js';
import { reconcile } from '../cluster/controllers.js';
import { objectName, toJSON, toYAML } from '../printers/format.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import { Session } from './session.js';
import type { CliIO } from './io.js';
import { dryRunMode, normalizeFlags } from './scale.js';

const HELP = `Create an Ingress object that routes HTTP by host and path to Services.

Aliases:
ingress, ing

Examples:
  # Create a single ingress called 'simple' that directs requests to foo.com/bar to svc
  # svc1:8080 with a TLS secret "my-cert"
  kubectl create ingress simple --rule="foo.com/bar=svc1:8080,tls=my-cert"
  
  # Create a catch all ingress of "/path" pointing to service svc:port and Ingress Class as "otheringress"
  kubectl create ingress catch-all --class=otheringress --rule="/path=svc:port"
  
  # Create an ingress with two annotations: ingress.annotation1 and ingress.annotations2
  kubectl create ingress annotated --class=default --rule="foo.com/bar=svc:port" \\
  --annotation ingress.annotation1=foo \\
  --annotation ingress.annotation2=bla
  
  # Create an ingress with the same host and multiple paths
  kubectl create ingress multipath --class=default \\
  --rule="foo.com/=svc:port" \\
  --rule="foo.com/admin/=svcadmin:portadmin"
  
  # Create an ingress with multiple hosts and the pathType as Prefix
  kubectl create ingress ingress1 --class=default \\
  --rule="foo.com/path*=svc:8080" \\
  --rule="bar.com/admin*=svc2:http"
  
  # Create an ingress with TLS enabled using the default ingress certificate and different path types
  kubectl create ingress ingtls --class=default \\
  --rule="foo.com/=svc:https,tls" \\
  --rule="foo.com/path/subpath*=othersvc:8080"
  
  # Create an ingress with TLS enabled using a specific secret and pathType as Prefix
  kubectl create ingress ingsecret --class=default \\
  --rule="foo.com/*=svc:8080,tls=secret1"
  
  # Create an ingress with a default backend
  kubectl create ingress ingdefault --class=default \\
  --default-backend=defaultsvc:http \\
  --rule="foo.com/*=svc:8080,tls=secret1"

Options:
    --annotation=[]:
	An annotation for the Ingress, as key=value (repeatable).

    --class='':
	The IngressClass the Ingress asks for.

    --default-backend='':
	The Service (svcname:port) that gets requests no rule matches.

    --dry-run='none':
	Must be "none", "server", or "client". client prints the object without sending it; server sends it
	without saving it.

    --field-manager='kubectl-create':
	Name of the manager used to track field ownership.

    -o, --output='':
	Output format. One of: (json, yaml, name).

    --rule=[]:
	A rule as host/path=service:port[,tls[=secretname]] (repeatable); a path ending in '*' is a Prefix path,
	any other an Exact one.

    --save-config=false:
	Accepted for compatibility.

Usage:
  kubectl create ingress NAME --rule=host/path=service:port[,tls[=secret]]  [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

// kubectl 1.32's rule check: host, a path starting with '/', service name and port; it is not anchored at the
// end, so whatever follows (",tls=secret" or anything else) passes.
const RULE = /^[\w*\-.]*\/[^,=\n]*=[\w-]+:[\w-]+/;

type Backend = { service: { name: string; port: { number?: number; name?: string } } };

function backendOf(s: string): Backend {
  const [name, port] = s.split(':');
  return { service: { name, port: /^\d+$/.test(port) && Number(port) <= 2147483647 ? { number: Number(port) } : { name: port } } };
}

export function ingressFromFlags(name: string, o: { rule?: string[]; class?: string; defaultBackend?: string; annotation?: string[] }): KubeObject {
  const rules = o.rule ?? [];
  const annotations: Record<string, string> = {};
  for (const a of o.annotation ?? []) {
    const i = a.indexOf('=');
    annotations[a.slice(0, i)] = a.slice(i + 1);
  }
  const spec: Record<string, unknown> = {};
  if (o.defaultBackend) spec.defaultBackend = backendOf(o.defaultBackend);
  if (o.class) spec.ingressClassName = o.class;
  const out: { host?: string; http: { paths: unknown[] } }[] = [];
  for (const r of rules) {
    const main = r.split(',')[0];
    const slash = main.indexOf('/');
    const host = main.slice(0, slash);
    const [p, svc] = main.slice(slash + 1).split('=');
    let path = `/${p}`;
    let pathType = 'Exact';
    if (path.endsWith('*')) {
      pathType = 'Prefix';
      path = path.slice(0, -1);
    }
    const entry = { backend: backendOf(svc), path, pathType };
    const same = out.find((x) => (x.host ?? '') === host);
    if (same) same.http.paths.push(entry);
    else out.push({ ...(host ? { host } : {}), http: { paths: [entry] } });
  }
  const tls: { hosts?: string[]; secretName?: string }[] = [];
  const seen = new Set<string>();
  for (const r of rules) {
    const parts = r.split(',');
    if (parts.length !== 2) continue;
    const host = r.split('/')[0];
    const kv = parts[1].split('=');
    const secret = kv.length > 1 ? kv[1] : '';
    if (seen.has(host)) continue;
    const at = tls.findIndex((t) => (t.secretName ?? '') === secret);
    seen.add(host);
    if (at >= 0) {
      (tls[at].hosts ??= []).push(host);
      continue;
    }
    const t: { hosts?: string[]; secretName?: string } = {};
    if (host) t.hosts = [host];
    if (secret) t.secretName = secret;
    if (t.hosts || t.secretName) tls.push(t);
  }
  if (out.length) spec.rules = out;
  if (tls.length) spec.tls = tls;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { ...(Object.keys(annotations).length ? { annotations } : {}), name },
    spec,
  } as KubeObject;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('create ingress', io, HELP));
  const many = (v: string, prev: string[] = []) => [...prev, v];
  cmd
    .option('--rule <rule>', 'rule', many)
    .option('--annotation <kv>', 'annotation', many)
    .option('--class <class>', 'class')
    .option('--default-backend <svc>', 'default backend')
    .option('--dry-run <strategy>', 'none, server or client')
    .option('-o, --output <format>', 'json, yaml or name')
    .option('--validate [mode]', 'accepted for compatibility')
    .option('--save-config', 'accepted for compatibility')
    .option('--field-manager <name>', 'accepted for compatibility');
  if (!parseArgs(cmd, normalizeFlags(argv), 'create ingress')) return 0;
  const o = cmd.opts();
  const dryRun = dryRunMode(o.dryRun);
  const output: string | undefined = o.output;
  if (output !== undefined && !['json', 'yaml', 'name'].includes(output)) {
    throw new CommandError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json,name,yaml`);
  }
  if (cmd.args.length !== 1) throw new CommandError(`exactly one NAME is required, got ${cmd.args.length}`, { usageOf: 'create ingress' });
  if (!o.defaultBackend && !(o.rule ?? []).length) {
    throw new CommandError('not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)');
  }
  for (const r of o.rule ?? []) if (!RULE.test(r)) throw new CommandError(`rule ${r} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]`);
  for (const a of o.annotation ?? []) if (!a.includes('=')) throw new CommandError(`annotation ${a} is invalid and should be in format key=[value]`);
  if (o.defaultBackend && o.defaultBackend.split(':').length !== 2) throw new CommandError('default-backend should be in format servicename:serviceport');
  const session = new Session(o, io);
  const ns = session.namespace;
  const name = cmd.args[0];
  let result: KubeObject;
  if (dryRun === 'client') {
    result = ingressFromFlags(name, o);
    result.metadata = { ...result.metadata, creationTimestamp: null as unknown as string, ...(session.namespaceExplicit ? { namespace: ns } : {}) };
    result.status = { loadBalancer: {} };
  } else {
    try {
      result = await session.change((state, ctx) => {
        const created = structuredClone(createObject(state, ctx, ingressFromFlags(name, o), { namespace: ns, dryRun: dryRun === 'server', reconcile: false, manager: { manager: 'kubectl-create' } }));
        if (dryRun !== 'server') reconcile(state, ctx);
        return created;
      });
    } catch (e) {
      throw wrapCreateError(e);
    }
  }
  if (output === 'yaml') io.stdout.write(await toYAML(result));
  else if (output === 'json' && dryRun === 'client') io.stdout.write(`${JSON.stringify(goOrder(result), null, 4)}\n`);
  else if (output === 'json') io.stdout.write(toJSON(result));
  else if (output === 'name') io.stdout.write(`${objectName(result)}\n`);
  else io.stdout.write(`ingress.networking.k8s.io/${name} created${dryRun === 'none' ? '' : dryRun === 'client' ? ' (dry run)' : ' (server dry run)'}\n`);
  return 0;
}

/** kubectl's client dry run prints its typed object: JSON fields in the Go structs' order. */
function goOrder(o: KubeObject): unknown {
  type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const m = o.metadata as Any;
  const spec = (o.spec ?? {}) as Any;
  const pick = (src: Any, keys: string[]) => Object.fromEntries(keys.filter((k) => src[k] !== undefined).map((k) => [k, src[k]]));
  const backend = (b: Any) => ({ service: { name: b.service.name, port: pick(b.service.port, ['name', 'number']) } });
  return {
    kind: o.kind,
    apiVersion: o.apiVersion,
    metadata: pick(m, ['name', 'namespace', 'creationTimestamp', 'annotations']),
    spec: {
      ...pick(spec, ['ingressClassName']),
      ...(spec.defaultBackend ? { defaultBackend: backend(spec.defaultBackend) } : {}),
      ...(spec.tls ? { tls: spec.tls.map((t: Any) => pick(t, ['hosts', 'secretName'])) } : {}),
      ...(spec.rules
        ? { rules: spec.rules.map((r: Any) => ({ ...pick(r, ['host']), http: { paths: r.http.paths.map((p: Any) => ({ path: p.path, pathType: p.pathType, backend: backend(p.backend) })) } })) }
        : {}),
    },
    status: { loadBalancer: {} },
  };
}

/** kubectl wraps the API server's refusal: `error: failed to create ingress: <the Status message>`. */
function wrapCreateError(e: unknown): unknown {
  if (e instanceof InvalidError) {
    const bodies = [...new Set(e.causes.map(fieldErrorBody))];
    const detail = bodies.length === 1 ? bodies[0] : `[${bodies.join(', ')}]`;
    return new CommandError(`failed to create ingress: ${e.kind}.networking.k8s.io "${e.objectName}" is invalid: ${detail}`);
  }
  if (e instanceof StatusError) return new CommandError(`failed to create ingress: ${e.message}`);
  return e as KubeError;
}
