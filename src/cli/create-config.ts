// `kubesim create configmap` and `create secret generic|tls|docker-registry`: kubectl's generators, building
// the objects as kubectl does (--from-literal, --from-file, --from-env-file, --append-hash), then the API
// server's create. Files named by --from-file are the user's own files on this machine, read as kubectl reads
// them (nothing here runs inside a simulated container).
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CommandError, ExitError, KubeError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { createObject } from '../cluster/apiserver.js';
import { ioErrorText, readRegularFile } from '../util/files.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { Session } from './session.js';
import { checkOutput, dryRunOf, printTemplate, templateFormat, toYAML } from './write-manifests.js';

/** A file given to --from-file may be at most this big (the API server's object limit is 1 MiB anyway). */
const MAX_FILE_BYTES = 4 << 20;

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_KEY_HELP = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const ENV_NAME_HELP = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

type Kind = 'ConfigMap' | 'Secret';

interface Entries {
  data: Map<string, string>;
  binary: Map<string, Buffer>;
}

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/** Adds one key, refusing what kubectl refuses (bad key names, a key already there). */
function addKey(e: Entries, kind: Kind, name: string, key: string, value: Buffer): void {
  if (!CONFIG_KEY.test(key)) throw new CommandError(`${JSON.stringify(key)} is not a valid key name for a ${kind}: ${CONFIG_KEY_HELP}`);
  if (e.data.has(key) || e.binary.has(key)) throw new CommandError(`cannot add key ${JSON.stringify(key)}, another key by that name already exists in ${kind === 'ConfigMap' ? 'Data' : 'data'} for ${kind} ${JSON.stringify(name)}`);
  const text = value.toString('utf8');
  // A ConfigMap keeps text in data and anything that is not UTF-8 in binaryData; a Secret keeps bytes.
  if (kind === 'ConfigMap' && !Buffer.from(text, 'utf8').equals(value)) e.binary.set(key, value);
  else if (kind === 'Secret') e.binary.set(key, value);
  else e.data.set(key, text);
}

function readUserFile(path: string): Buffer {
  const r = readRegularFile(path, MAX_FILE_BYTES);
  if ('data' in r) return r.data;
  if ('error' in r) throw new CommandError(`error reading ${path}: ${ioErrorText(r.error)}`);
  if (r.problem === 'too-large') throw new CommandError(`error reading ${path}: file too large (${r.size} bytes)`);
  throw new CommandError(`error reading ${path}: not a regular file`);
}

/** --from-literal, --from-file and --from-env-file, in kubectl's order: literals, then files, then env files. */
function entriesOf(kind: Kind, name: string, o: { fromLiteral?: string[]; fromFile?: string[]; fromEnvFile?: string[] }, env: NodeJS.ProcessEnv): Entries {
  const e: Entries = { data: new Map(), binary: new Map() };
  const envFiles = o.fromEnvFile ?? [];
  if (envFiles.length && ((o.fromFile ?? []).length || (o.fromLiteral ?? []).length)) throw new CommandError('from-env-file cannot be combined with from-file or from-literal');
  for (const lit of o.fromLiteral ?? []) {
    const eq = lit.indexOf('=');
    if (eq <= 0) throw new CommandError(`invalid literal source ${lit}, expected key=value`);
    addKey(e, kind, name, lit.slice(0, eq), Buffer.from(lit.slice(eq + 1), 'utf8'));
  }
  for (const spec of o.fromFile ?? []) {
    const eq = spec.indexOf('=');
    const [key, path] = eq < 0 ? [undefined, spec] : [spec.slice(0, eq), spec.slice(eq + 1)];
    if (key === '') throw new CommandError(`key names or file paths cannot be empty`);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch (err) {
      throw new CommandError(`error reading ${path}: ${ioErrorText(err as NodeJS.ErrnoException)}`);
    }
    if (isDir) {
      if (key !== undefined) throw new CommandError('cannot give a key name for a directory path');
      // Every regular file directly inside, named by its file name (subdirectories are skipped).
      for (const f of readdirSync(path).sort()) {
        const full = join(path, f);
        if (statSync(full).isFile()) addKey(e, kind, name, f, readUserFile(full));
      }
    } else addKey(e, kind, name, key ?? basename(path), readUserFile(path));
  }
  for (const path of envFiles) {
    const text = readUserFile(path).toString('utf8');
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      const eq = line.indexOf('=');
      const key = eq < 0 ? line : line.slice(0, eq);
      if (!ENV_NAME.test(key)) throw new CommandError(`${JSON.stringify(key)} is not a valid key name: ${ENV_NAME_HELP}`);
      // A line with no '=' takes the value of that variable in kubectl's own environment.
      const value = eq < 0 ? (Object.prototype.hasOwnProperty.call(env, key) ? (env[key] ?? '') : '') : line.slice(eq + 1);
      addKey(e, kind, name, key, Buffer.from(value, 'utf8'));
    }
  }
  return e;
}

const sorted = <V>(m: Map<string, V>, f: (v: V) => string): Record<string, string> | undefined => {
  if (!m.size) return undefined;
  const out: Record<string, string> = {};
  for (const k of [...m.keys()].sort()) out[k] = f(m.get(k)!);
  return out;
};

/** kubectl's --append-hash suffix: sha256 of the object's identity and data as Go's json.Marshal writes it. */
function hashSuffix(kind: Kind, obj: { name: string; type?: string; data?: Record<string, string>; binaryData?: Record<string, string> }): string {
  const fields: [string, unknown][] = kind === 'ConfigMap' ? [['binaryData', obj.binaryData], ['data', obj.data ?? {}], ['kind', kind], ['name', obj.name]] : [['data', obj.data ?? {}], ['kind', kind], ['name', obj.name], ['type', obj.type ?? '']];
  const json = `{${fields.filter(([k, v]) => !(k === 'binaryData' && v === undefined)).map(([k, v]) => `${JSON.stringify(k)}:${goJSON(v)}`).join(',')}}`;
  const hex = createHash('sha256').update(json).digest('hex').slice(0, 10);
  return hex.replace(/[013ae]/g, (c) => ({ '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' })[c]!);
}

/** Go's json.Marshal of a string map (sorted keys; <, > and & escaped as Go escapes them). */
function goJSON(v: unknown): string {
  const esc = (s: string) => JSON.stringify(s).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  if (typeof v === 'string') return esc(v);
  const m = (v ?? {}) as Record<string, string>;
  return `{${Object.keys(m).sort().map((k) => `${esc(k)}:${esc(m[k])}`).join(',')}}`;
}

interface Built {
  obj: KubeObject;
  /** The object as kubectl's client dry run prints it with -o json (Go struct field order). */
  clientJSON: Record<string, unknown>;
}

function build(kind: Kind, name: string, e: Entries, type: string | undefined, appendHash: boolean): Built {
  const data = kind === 'Secret' ? sorted(e.binary, (b) => b.toString('base64')) : sorted(e.data, (s) => s);
  const binaryData = kind === 'ConfigMap' ? sorted(e.binary, (b) => b.toString('base64')) : undefined;
  const finalName = appendHash ? `${name}-${hashSuffix(kind, { name, type, data, binaryData })}` : name;
  const body: Record<string, unknown> = {};
  if (data) body.data = data;
  if (binaryData) body.binaryData = binaryData;
  if (type) body.type = type;
  return {
    obj: { apiVersion: 'v1', kind, metadata: { name: finalName }, ...body } as unknown as KubeObject,
    clientJSON: { kind, apiVersion: 'v1', metadata: { name: finalName, creationTimestamp: null }, ...body },
  };
}

class NothingToSave extends Error {}

/** Creates (or dry-runs) the object and prints what kubectl prints. */
async function finish(io: CliIO, o: Record<string, unknown>, kind: Kind, built: Built): Promise<number> {
  const dryRun = dryRunOf(o.dryRun as string | boolean | undefined);
  checkOutput(o.output as string | undefined, true);
  const resource = kind === 'ConfigMap' ? 'configmap' : 'secret';
  let obj: KubeObject = built.obj;
  if (dryRun === 'client') {
    obj = { apiVersion: 'v1', kind, metadata: { creationTimestamp: null, name: built.obj.metadata.name }, ...Object.fromEntries(Object.entries(built.obj).filter(([k]) => !['apiVersion', 'kind', 'metadata'].includes(k))) } as unknown as KubeObject;
  } else {
    const session = new Session(o, io);
    try {
      await session.change((state, ctx) => {
        obj = createObject(state, ctx, built.obj, { namespace: session.namespace, dryRun: dryRun === 'server', manager: { manager: 'kubectl-create' } });
        if (dryRun === 'server') throw new NothingToSave();
      });
    } catch (e) {
      if (!(e instanceof NothingToSave)) throw e as KubeError;
    }
  }
  const name = obj.metadata.name;
  if (typeof o.output === 'string' && templateFormat(o.output)) await printTemplate(o.output, obj, io);
  else if (o.output === 'name') io.stdout.write(`${resource}/${name}\n`);
  else if (o.output === 'json' || o.output === 'yaml') {
    if (o.output === 'json' && dryRun === 'client') io.stdout.write(`${JSON.stringify(built.clientJSON, null, 4)}\n`);
    else if (o.output === 'json') io.stdout.write((await import('../printers/format.js')).toJSON(obj));
    else io.stdout.write(await toYAML(obj));
  } else io.stdout.write(`${resource}/${name} created${dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : ''}\n`);
  return 0;
}

function commonFlags(cmd: ReturnType<typeof newCommand>): void {
  cmd
    .option('--dry-run [strategy]', 'none, server or client')
    .option('-o, --output <format>', 'json, yaml or name')
    .option('--append-hash', 'append a hash of the contents to the name')
    .option('--validate [mode]', 'accepted for compatibility')
    .option('--save-config', 'accepted for compatibility')
    .option('--field-manager <name>', 'accepted for compatibility');
}

function oneName(args: string[], verb: string): string {
  if (args.length !== 1) throw new CommandError(`exactly one NAME is required, got ${args.length}`, { usageOf: verb });
  return args[0];
}

const SECRET_TYPES: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  generic: secretGeneric,
  tls: secretTLS,
  'docker-registry': secretDockerRegistry,
};

/** `create secret generic|tls|docker-registry ...`; without a type, the list of them. */
export async function secret(argv: string[], io: CliIO): Promise<number> {
  const i = argv.findIndex((a) => !a.startsWith('-'));
  const sub = i < 0 ? undefined : argv[i];
  const fn = sub !== undefined && Object.prototype.hasOwnProperty.call(SECRET_TYPES, sub) ? SECRET_TYPES[sub] : undefined;
  if (!fn) {
    if (sub !== undefined) throw new CommandError(`unknown secret type "${sub}": use generic, tls or docker-registry`, { usageOf: 'create secret' });
    io.stdout.write(SECRET_HELP);
    return 0;
  }
  return fn(argv.filter((_a, k) => k !== i), io);
}

const SECRET_HELP = `Create a Secret of one of these types.

Available Commands:
  docker-registry   Registry credentials, for image pulls
  generic           Opaque data from literals, files or an env file
  tls               A certificate and its private key

Usage:
  kubectl create secret (docker-registry | generic | tls) [options]

Use "kubectl create secret <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export async function configMap(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('create configmap', io, CONFIGMAP_HELP));
  commonFlags(cmd);
  cmd.option('--from-literal <key=value>', 'a key and its value', collect, []).option('--from-file <[key=]path>', 'a file or directory', collect, []).option('--from-env-file <path>', 'KEY=VALUE lines', collect, []);
  if (!parseArgs(cmd, argv, 'create configmap')) return 0;
  const o = cmd.opts();
  const name = oneName(cmd.args, 'create configmap');
  return finish(io, o, 'ConfigMap', build('ConfigMap', name, entriesOf('ConfigMap', name, o, io.env), undefined, !!o.appendHash));
}

export async function secretGeneric(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('create secret generic', io, SECRET_GENERIC_HELP));
  commonFlags(cmd);
  cmd
    .option('--from-literal <key=value>', 'a key and its value', collect, [])
    .option('--from-file <[key=]path>', 'a file or directory', collect, [])
    .option('--from-env-file <path>', 'KEY=VALUE lines', collect, [])
    .option('--type <type>', 'the Secret type');
  if (!parseArgs(cmd, argv, 'create secret generic')) return 0;
  const o = cmd.opts();
  const name = oneName(cmd.args, 'create secret generic');
  return finish(io, o, 'Secret', build('Secret', name, entriesOf('Secret', name, o, io.env), o.type || undefined, !!o.appendHash));
}

export async function secretTLS(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('create secret tls', io, SECRET_TLS_HELP));
  commonFlags(cmd);
  cmd.option('--cert <path>', 'PEM certificate').option('--key <path>', 'PEM private key');
  if (!parseArgs(cmd, argv, 'create secret tls')) return 0;
  const o = cmd.opts();
  const name = oneName(cmd.args, 'create secret tls');
  if (!o.cert || !o.key) throw new CommandError('key and cert must be specified');
  const read = (path: string) => {
    const r = readRegularFile(path, MAX_FILE_BYTES);
    if ('data' in r) return r.data;
    throw new CommandError(`Cannot read file ${path}, open ${path}: ${'error' in r ? ioErrorText(r.error) : 'not a regular file'}`);
  };
  const cert = read(o.cert);
  const key = read(o.key);
  // tls.X509KeyPair's first checks: PEM blocks of the right kinds.
  if (!/-----BEGIN CERTIFICATE-----/.test(cert.toString('latin1'))) throw new CommandError('failed to load key pair tls: failed to find any PEM data in certificate input');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key.toString('latin1'))) throw new CommandError('failed to load key pair tls: failed to find any PEM data in key input');
  const e: Entries = { data: new Map(), binary: new Map([['tls.crt', cert], ['tls.key', key]]) };
  return finish(io, o, 'Secret', build('Secret', name, e, 'kubernetes.io/tls', !!o.appendHash));
}

export async function secretDockerRegistry(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('create secret docker-registry', io, SECRET_DOCKER_HELP));
  commonFlags(cmd);
  cmd
    .option('--docker-server <server>', 'registry server', 'https://index.docker.io/v1/')
    .option('--docker-username <name>', 'user name')
    .option('--docker-password <password>', 'password')
    .option('--docker-email <email>', 'email')
    .option('--from-file <[key=]path>', 'a docker config file', collect, []);
  if (!parseArgs(cmd, argv, 'create secret docker-registry')) return 0;
  const o = cmd.opts();
  const name = oneName(cmd.args, 'create secret docker-registry');
  let e: Entries;
  if ((o.fromFile ?? []).length) e = entriesOf('Secret', name, { fromFile: o.fromFile }, io.env);
  else {
    if (!o.dockerUsername || !o.dockerPassword) throw new ExitError(1, 'error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required');
    // Go's struct order: username, password, email (omitted when empty), auth.
    const entry: Record<string, string> = { username: o.dockerUsername, password: o.dockerPassword };
    if (o.dockerEmail) entry.email = o.dockerEmail;
    entry.auth = Buffer.from(`${o.dockerUsername}:${o.dockerPassword}`).toString('base64');
    const config = `{"auths":{${goJSON(o.dockerServer)}:{${Object.entries(entry).map(([k, v]) => `${JSON.stringify(k)}:${goJSON(v)}`).join(',')}}}}`;
    e = { data: new Map(), binary: new Map([['.dockerconfigjson', Buffer.from(config)]]) };
  }
  return finish(io, o, 'Secret', build('Secret', name, e, 'kubernetes.io/dockerconfigjson', !!o.appendHash));
}

const FLAGS = `    --append-hash=false:
	Add a hash of the contents to the name, so a changed ConfigMap or Secret gets a new name.

    --dry-run='none':
	"client" only prints the object, "server" has the API server check it without saving; "none" creates it.

    -o, --output='':
	Print the object instead of the result line: json, yaml or name.
`;

const CONFIGMAP_HELP = `Create a ConfigMap from literal values, files, directories or an env file.

 Each --from-file adds a key named after the file (or the key given before "="); a directory adds each regular
 file in it. Text goes to data, anything that is not UTF-8 to binaryData. --from-env-file reads KEY=VALUE lines.

Aliases:
configmap, cm

Examples:
  # A ConfigMap from the files in a directory
  kubectl create configmap my-config --from-file=path/to/bar

  # With keys named explicitly
  kubectl create configmap my-config --from-file=key1=/path/to/bar/file1.txt --from-file=key2=/path/to/bar/file2.txt

  # From literal key-value pairs
  kubectl create configmap my-config --from-literal=key1=config1 --from-literal=key2=config2

  # From an env file
  kubectl create configmap my-config --from-env-file=path/to/foo.env

Options:
${FLAGS}
    --from-env-file=[]:
	A file of KEY=VALUE lines (a line with no "=" takes the variable from the environment).

    --from-file=[]:
	A file or directory; [key=]path names the key.

    --from-literal=[]:
	A key and its value (key=value).

Usage:
  kubectl create configmap NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const SECRET_GENERIC_HELP = `Create an Opaque (or --type) Secret from literal values, files, directories or an env file.

 The values are stored base64-encoded in data, as the API server keeps them.

Examples:
  # From the files in a directory
  kubectl create secret generic my-secret --from-file=path/to/bar

  # From literal key-value pairs
  kubectl create secret generic my-secret --from-literal=key1=supersecret --from-literal=key2=topsecret

  # From an env file
  kubectl create secret generic my-secret --from-env-file=path/to/bar.env

Options:
${FLAGS}
    --from-env-file=[]:
	A file of KEY=VALUE lines.

    --from-file=[]:
	A file or directory; [key=]path names the key.

    --from-literal=[]:
	A key and its value (key=value).

    --type='':
	The Secret's type (Opaque when not given).

Usage:
  kubectl create secret generic NAME [--type=string] [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const SECRET_TLS_HELP = `Create a kubernetes.io/tls Secret from a PEM certificate and its private key.

Examples:
  kubectl create secret tls tls-secret --cert=path/to/tls.crt --key=path/to/tls.key

Options:
${FLAGS}
    --cert='':
	The PEM-encoded certificate file.

    --key='':
	The PEM-encoded private key file.

Usage:
  kubectl create secret tls NAME --cert=path/to/cert/file --key=path/to/key/file [--dry-run=server|client|none] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const SECRET_DOCKER_HELP = `Create a kubernetes.io/dockerconfigjson Secret, for pulling images from a private registry.

Examples:
  kubectl create secret docker-registry my-secret --docker-server=DOCKER_REGISTRY_SERVER --docker-username=DOCKER_USER --docker-password=DOCKER_PASSWORD --docker-email=DOCKER_EMAIL

Options:
${FLAGS}
    --docker-email='':
	Email for the registry.

    --docker-password='':
	Password for the registry.

    --docker-server='https://index.docker.io/v1/':
	The registry's server.

    --docker-username='':
	User name for the registry.

    --from-file=[]:
	A docker config file instead of the flags above.

Usage:
  kubectl create secret docker-registry NAME --docker-username=user --docker-password=password --docker-email=email [--docker-server=string] [--from-file=[key=]source] [--dry-run=server|client|none] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
