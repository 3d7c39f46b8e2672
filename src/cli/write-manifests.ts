// `apply -f` and `create -f`: read the sources, decode them, send each object through the API server
// (decode with field validation, then apply or create), print kubectl's line per object and the failures
// at the end. Valid objects are written even when others fail; the exit code is 1 if any failed.
import { badRequest, CommandError, KubeError } from '../api/errors.js';
import { decodeManifests, loadYaml, type ManifestObject } from '../api/manifest.js';
import { qualifiedKind } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { decodeForWrite, fieldValidationOf, type FieldValidation } from '../api/validation.js';
import { applyObject, createObject, LAST_APPLIED, threeWayMerge, withLastApplied } from '../cluster/apiserver.js';
import { getObject } from '../store/objects.js';
import { Session } from './common.js';
import type { CliIO } from './io.js';
import { Failures, readSources } from './manifest-files.js';

export type DryRun = 'none' | 'client' | 'server';

export interface WriteFlags {
  filename?: string[];
  recursive?: boolean;
  dryRun?: string | boolean;
  validate?: string | boolean;
  output?: string;
  namespace?: string;
  state?: string;
  selector?: string;
}

export function dryRunOf(v: string | boolean | undefined): DryRun {
  if (v === undefined || v === false || v === 'none') return 'none';
  if (v === true || v === 'client' || v === 'unchanged') return 'client';
  if (v === 'server') return 'server';
  throw new CommandError(`Invalid dry-run value (${String(v)}). Must be "none", "server", or "client".`);
}

export function directiveOf(v: string | boolean | undefined): FieldValidation {
  const d = fieldValidationOf(v);
  if (!d) throw new CommandError(`invalid - validate option "${String(v)}"; must be one of: strict (or true), warn, ignore (or false)`);
  return d;
}

const PRINTERS = 'go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml';

export function checkOutput(o: string | undefined): void {
  if (o === undefined || o === '' || o === 'yaml' || o === 'json' || o === 'name') return;
  throw new CommandError(`unable to match a printer suitable for the output format "${o}", allowed formats are: ${PRINTERS}`);
}

function suffix(d: DryRun): string {
  return d === 'client' ? ' (dry run)' : d === 'server' ? ' (server dry run)' : '';
}

function nameOf(m: ManifestObject, o: KubeObject = m.object): string {
  return `${qualifiedKind(m.info)}/${o.metadata.name}`;
}

class NothingToSave extends Error {}

const sortDeep = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sortDeep)
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]))
      : v;

interface Done {
  m: ManifestObject;
  action: string;
  object: KubeObject;
}

export async function writeManifests(verb: 'apply' | 'create', flags: WriteFlags, io: CliIO): Promise<number> {
  const files = flags.filename ?? [];
  if (files.length === 0) throw new CommandError('must specify one of -f and -k');
  const dryRun = dryRunOf(flags.dryRun);
  const directive = directiveOf(flags.validate);
  const sources = await readSources(files, !!flags.recursive, io);
  const session = new Session(flags, io);
  const items = await decodeManifests(sources, { validate: directive !== 'Ignore', namespace: session.namespace, enforceNamespace: session.namespaceExplicit });
  const failures = new Failures();
  const objects: ManifestObject[] = [];
  for (const it of items) {
    if ('error' in it) failures.add(it.error);
    else objects.push(it.ok);
  }
  if (objects.length === 0 && !failures.any) throw new CommandError(`no objects passed to ${verb}`);
  checkOutput(flags.output);

  const done: Done[] = [];
  if (dryRun === 'client') {
    // Client dry run sends nothing: the object is printed as it would be sent.
    const { state } = await session.read();
    for (const m of objects) {
      if (verb === 'create') {
        done.push({ m, action: 'created', object: m.object });
        continue;
      }
      const modified = withLastApplied(m.object);
      const current = getObject(state, m.info.resource, m.info.namespaced ? m.object.metadata.namespace : undefined, m.object.metadata.name);
      if (!current) done.push({ m, action: 'created', object: modified });
      else {
        const lastText = current.metadata.annotations?.[LAST_APPLIED];
        const merged = threeWayMerge(lastText ? safeParse(lastText) : undefined, modified, current) as KubeObject;
        const same = JSON.stringify(sortDeep(merged)) === JSON.stringify(sortDeep(current));
        done.push({ m, action: same ? 'unchanged' : 'configured', object: merged });
      }
    }
  } else {
    // The server's decode (strict field validation, Go type errors) comes before anything is stored.
    const decoded: { m: ManifestObject; object: KubeObject }[] = [];
    for (const m of objects) {
      try {
        if (verb === 'apply' && !m.object.metadata.name) {
          throw new CommandError(
            `error when retrieving current configuration of:\nResource: "${m.info.group}/${m.info.version}, Resource=${m.info.resource}", GroupVersionKind: "${m.info.group}/${m.info.version}, Kind=${m.info.kind}"\nName: "", Namespace: "${m.object.metadata.namespace ?? ''}"\nfrom server for: "${m.source}": resource name may not be empty`,
          );
        }
        const r = await decodeForWrite(m.object, directive);
        for (const w of r.warnings) io.stderr.write(`Warning: ${w}\n`);
        decoded.push({ m, object: r.object });
      } catch (e) {
        failures.add(e, { verb: 'creating', name: m.source });
      }
    }
    if (decoded.length) {
      try {
        await session.change((state, ctx) => {
          let wrote = false;
          for (const { m, object } of decoded) {
            try {
              const opts = { namespace: session.namespace, dryRun: dryRun === 'server' };
              const exists = !!getObject(state, m.info.resource, m.info.namespaced ? object.metadata.namespace : undefined, object.metadata.name);
              if (!exists && object.metadata.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
              if (verb === 'apply') {
                const r = applyObject(state, ctx, object, opts);
                done.push({ m, action: r.action, object: r.object });
                if (r.action !== 'unchanged') wrote = true;
              } else {
                const created = createObject(state, ctx, object, opts);
                done.push({ m, action: 'created', object: created });
                wrote = true;
              }
            } catch (e) {
              if (!(e instanceof KubeError)) throw e;
              failures.add(e, { verb: 'creating', name: m.source });
            }
          }
          // Nothing stored (all failed, unchanged or dry run): leave the file exactly as it was.
          if (!wrote || dryRun === 'server') throw new NothingToSave();
        });
      } catch (e) {
        if (!(e instanceof NothingToSave)) throw e;
      }
    }
  }
  await printDone(verb, done, flags.output, dryRun, io);
  failures.print(io);
  return failures.any ? 1 : 0;
}

function safeParse(t: string): unknown {
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

async function printDone(verb: 'apply' | 'create', done: Done[], output: string | undefined, dryRun: DryRun, io: CliIO): Promise<void> {
  if (!output) {
    for (const d of done) io.stdout.write(`${nameOf(d.m, d.object)} ${d.action}${suffix(dryRun)}\n`);
    return;
  }
  if (output === 'name') {
    for (const d of done) io.stdout.write(`${nameOf(d.m, d.object)}\n`);
    return;
  }
  const { toJSON, asList } = await import('../printers/format.js');
  const objs = done.map((d) => d.object);
  if (objs.length === 0) return;
  if (verb === 'apply' && objs.length > 1) {
    io.stdout.write(output === 'json' ? toJSON(asList(objs)) : await toYAML(asList(objs)));
    return;
  }
  for (let i = 0; i < objs.length; i++) {
    if (output === 'json') io.stdout.write(toJSON(objs[i]));
    else io.stdout.write((i > 0 ? '---\n' : '') + (await toYAML(objs[i])));
  }
}


/** -o yaml as kubectl prints it (sorted keys, YAML 1.1 quoting, unindented sequences). */
export async function toYAML(v: unknown): Promise<string> {
  const { sortKeys } = await import('../printers/format.js');
  const lib = await loadYaml();
  return lib.stringify(sortKeys(v), { version: '1.1', indentSeq: false, lineWidth: 0, nullStr: 'null' });
}
