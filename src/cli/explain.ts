// `kubesim explain TYPE[.field...]`: the documentation of a kind or of one of its fields, read from the same
// OpenAPI v3 document the simulated API server serves for the kind's group/version (src/api/openapi.ts).
// The layout follows kubectl 1.32's plaintext explain template; docs/explain-facts.md records its rules.
import { CommandError, KubeError } from '../api/errors.js';
import { loadOpenAPIData, openAPIV3Document, type Schema } from '../api/openapi.js';
import { OLDER_VERSIONS, RESOURCES, type ResourceInfo } from '../api/resources.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';

/** Every group/version the server serves a kind in (autoscaling/v1 besides v2). */
const SERVED = [...RESOURCES, ...OLDER_VERSIONS];

const HELP = `Show the documentation of a resource type, or of one field of it, as the simulated API server describes it.

 Name a field by its path from the type, dots between the names:

        <type>.<fieldName>[.<fieldName>]
        
 The text comes from the OpenAPI schema kubesim serves for the type's group and version (the Kubernetes API
 descriptions), so it reads as kubectl's explain does against a real cluster.

Use "kubectl api-resources" for a complete list of supported resources.

Examples:
  # Describe a kind and list its top-level fields
  kubectl explain pods
  
  # List every field of a kind, nested ones indented, without descriptions
  kubectl explain pods --recursive
  
  # Describe a kind in a given group/version
  kubectl explain deployments --api-version=apps/v1
  
  # Describe one field (lists, maps and references are followed)
  kubectl explain pods.spec.containers
  
  # The other output format kubectl knows (not available in kubesim)
  kubectl explain deployment --output=plaintext-openapiv2

Options:
    --api-version='':
	The group/version to explain the type in (for example apps/v1); defaults to the one the server prefers.

    -o, --output='plaintext':
	How to print the schema: plaintext (kubesim does not have plaintext-openapiv2).

    --recursive=false:
	Print the names and types of all fields, nested ones indented, instead of the top-level fields with their
	descriptions.

Usage:
  kubectl explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [-o|--output=plaintext|plaintext-openapiv2] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('explain', io, HELP));
  cmd
    .option('--api-version <group/version>', 'group/version of the type', '')
    .option('-o, --output <format>', 'plaintext or plaintext-openapiv2', 'plaintext')
    .option('--recursive', 'print all fields recursively', false);
  if (!parseArgs(cmd, argv, 'explain')) return 0;
  const opts = cmd.opts();
  if (cmd.args.length === 0) {
    throw new CommandError('You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.');
  }
  if (cmd.args.length > 1) throw new CommandError('We accept only this format: explain RESOURCE');
  if (opts.output !== 'plaintext' && opts.output !== 'plaintext-openapiv2') throw new CommandError(`unrecognized format: ${opts.output}`);
  // With --api-version kubectl takes the type word up to the first dot; without, the longest prefix it knows.
  const { info, fieldPath } = splitResourceRequest(cmd.args[0], !opts.apiVersion);
  let { group, version } = info;
  if (opts.apiVersion) {
    const slash = opts.apiVersion.indexOf('/');
    [group, version] = slash < 0 ? ['', opts.apiVersion] : [opts.apiVersion.slice(0, slash), opts.apiVersion.slice(slash + 1)];
  }
  if (opts.output === 'plaintext-openapiv2') throw new CommandError('--output=plaintext-openapiv2 is not available in kubesim: use plaintext');
  const gvr = { group, version, resource: info.resource };
  if (!SERVED.some((r) => r.group === group && r.version === version)) {
    throw new CommandError(`couldn't find resource for "${group}/${version}, Resource=${info.resource}"`);
  }
  const doc = openAPIV3Document(await loadOpenAPIData(), group, version, SERVED);
  const out = explain(doc, gvr, fieldPath, opts.recursive === true);
  io.stdout.write(out.text);
  if (out.error) throw new CommandError(out.error);
  return 0;
}

/**
 * TYPE[.field...], as kubectl splits it: the first word is the type (short names match as written; plurals,
 * singulars and kinds in any case). Without --api-version, `<plural>.<group>` is also taken whole
 * ("deployments.apps.spec"); any other dotted word is a field ("deploy.apps" asks for a field "apps").
 */
function splitResourceRequest(arg: string, matchGroup: boolean): { info: ResourceInfo; fieldPath: string[] } {
  const trimmed = arg.replace(/\.$/, '');
  if (trimmed === '') throw new CommandError('a resource must be present, got: /, Resource=');
  const parts = trimmed.split('.');
  const badPath = () => new CommandError('invalid jsonpath syntax, first node must be field node');
  if (parts[0] === '') throw badPath();
  const word = parts[0];
  const info =
    RESOURCES.find((r) => r.shortNames.includes(word)) ??
    RESOURCES.find((r) => [r.resource, r.singular, r.kind.toLowerCase()].includes(word.toLowerCase()));
  if (!info) throw new KubeError(`the server doesn't have a resource type "${word}"`);
  const qualified = `${info.resource}.${info.group}`;
  let fieldPath = parts.slice(1);
  if (matchGroup && info.group) {
    if (trimmed === qualified) fieldPath = [];
    else if (trimmed.startsWith(`${qualified}.`)) fieldPath = trimmed.slice(qualified.length + 1).split('.');
  }
  if (fieldPath.some((f) => f === '')) throw badPath();
  return { info, fieldPath };
}

// ---- kubectl's plaintext template, step for step ----

type Doc = Schema;

function resolveRef(ref: unknown, doc: Doc): Schema | undefined {
  if (typeof ref !== 'string' || !ref.startsWith('#')) return undefined;
  let cur: unknown = doc;
  for (const k of ref.slice(1).split('/')) {
    if (!k) continue;
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = Object.hasOwn(cur, k) ? (cur as Schema)[k] : undefined;
  }
  return cur && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Schema) : undefined;
}

const obj = (v: unknown): Schema | undefined => (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length ? (v as Schema) : undefined);
const props = (s: Schema): Record<string, Schema> | undefined => obj(s.properties) as Record<string, Schema> | undefined;
const allOf = (s: Schema): Schema[] => (Array.isArray(s.allOf) ? (s.allOf as Schema[]) : []);
/** additionalProperties when it is a schema (not the boolean form). */
const mapValues = (s: Schema): Schema | undefined => obj(s.additionalProperties);
const sortedKeys = (o: object): string[] => Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

interface GVR {
  group: string;
  version: string;
  resource: string;
}

/** The kind of a resource, from the x-kubernetes-group-version-kind of its operations in the document. */
function kindOf(doc: Doc, gvr: GVR): Schema | undefined {
  const prefix = gvr.group ? `/apis/${gvr.group}` : '/api';
  const paths = (obj(doc.paths) ?? {}) as Record<string, Schema>;
  for (const p of [
    `${prefix}/${gvr.version}/${gvr.resource}`,
    `${prefix}/${gvr.version}/${gvr.resource}/{name}`,
    `${prefix}/${gvr.version}/namespaces/{namespace}/${gvr.resource}`,
    `${prefix}/${gvr.version}/namespaces/{namespace}/${gvr.resource}/{name}`,
  ]) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const gvk = obj(obj(paths[p])?.[method])?.['x-kubernetes-group-version-kind'];
      if (obj(gvk)) return gvk as Schema;
    }
  }
  return undefined;
}

function explain(doc: Doc, gvr: GVR, fieldPath: string[], recursive: boolean): { text: string; error?: string } {
  const gvk = kindOf(doc, gvr);
  if (!gvk) return { text: '', error: `GVR (${gvr.group}/${gvr.version}, Resource=${gvr.resource}) not found in OpenAPI schema` };
  let text = `${gvk.group ? `GROUP:      ${gvk.group}\n` : ''}KIND:       ${gvk.kind}\nVERSION:    ${gvk.version}\n\n`;
  const schemas = (obj((doc.components as Schema | undefined)?.schemas) ?? {}) as Record<string, Schema>;
  for (const name of sortedKeys(schemas)) {
    const kinds = schemas[name]['x-kubernetes-group-version-kind'];
    if (!Array.isArray(kinds) || !kinds.some((k) => k.group === gvk.group && k.kind === gvk.kind && k.version === gvk.version && Object.keys(k).length === 3)) continue;
    const body = output(doc, schemas[name], {}, fieldPath, recursive);
    if (!body) return { text, error: `field "${fieldPath[fieldPath.length - 1]}" does not exist` };
    return { text: `${text}${body}\n` };
  }
  return { text, error: `GVK map[group:${gvk.group} kind:${gvk.kind} version:${gvk.version}] not found in OpenAPI schema` };
}

/** Follows the field path, then prints the description and field list of what it reached ("" when not found). */
function output(doc: Doc, schema: Schema, history: Record<string, true>, fieldPath: string[], recursive: boolean): string {
  const ref = typeof schema.$ref === 'string' ? schema.$ref : '';
  const next = ref ? { ...history, [ref]: true as const } : history;
  const resolved = resolveRef(ref, doc) ?? schema;
  if (fieldPath.length === 0) {
    let s = `DESCRIPTION:\n${indent(4, wrap(76, description(doc, resolved) || '<empty>'))}\n`;
    const fields = fieldList(doc, resolved, 1, {}, recursive);
    if (fields) s += `FIELDS:\n${fields}`;
    return s;
  }
  if (ref && Object.hasOwn(history, ref)) return '';
  // Own properties only: a field path is user input ("__proto__" is no field).
  const p = props(resolved);
  const sub = p && Object.hasOwn(p, fieldPath[0]) ? p[fieldPath[0]] : undefined;
  if (sub) {
    let s = '';
    if (fieldPath.length === 1) s = `FIELD: ${fieldPath[0]} <${typeGuess(doc, sub)}>\n${extractEnum(sub, true, -1, 0)}\n\n`;
    return s + output(doc, sub, {}, fieldPath.slice(1), recursive);
  }
  const items = obj(resolved.items);
  if (items) return output(doc, items, next, fieldPath, recursive);
  const values = mapValues(resolved);
  if (values) return output(doc, values, next, fieldPath, recursive);
  for (const alt of allOf(resolved)) {
    const s = output(doc, alt, next, fieldPath, recursive);
    if (s) return s;
  }
  return '';
}

function fieldList(doc: Doc, schema: Schema, level: number, history: Record<string, true>, recursive: boolean): string {
  const ref = typeof schema.$ref === 'string' ? schema.$ref : '';
  if (ref && Object.hasOwn(history, ref)) return '';
  const next = ref ? { ...history, [ref]: true as const } : history;
  const resolved = resolveRef(ref, doc) ?? schema;
  let s = '';
  const p = props(resolved);
  if (p) {
    for (const k of sortedKeys(p)) {
      s += fieldDetail(doc, k, resolved, recursive, level);
      if (recursive) s += fieldList(doc, p[k], level + 1, next, recursive);
    }
  }
  for (const alt of allOf(resolved)) s += fieldList(doc, alt, level, next, recursive);
  const items = obj(resolved.items);
  if (items) s += fieldList(doc, items, level, next, recursive);
  const values = mapValues(resolved);
  if (values) s += fieldList(doc, values, level, next, recursive);
  return s;
}

function fieldDetail(doc: Doc, name: string, parent: Schema, short: boolean, level: number): string {
  const pad = level * 2;
  const field = props(parent)![name];
  const required = Array.isArray(parent.required) && parent.required.includes(name);
  let s = `${indent(pad, name)}\t<${typeGuess(doc, field)}>${required ? ' -required-' : ''}${extractEnum(field, false, 4, pad)}\n`;
  if (!short) {
    const d = typeof field.description === 'string' && field.description ? field.description : '<no description>';
    s += `${indent(pad + 2, wrap(78 - pad, d))}\n\n`;
  }
  return s;
}

/** The description of a schema, then those of what it refers to, its items and its map values. */
function description(doc: Doc, schema: Schema): string {
  const s = resolveRef(schema.$ref, doc) ?? schema;
  let out = typeof s.description === 'string' && s.description ? `${s.description}\n` : '';
  for (const alt of allOf(s)) out += description(doc, alt);
  const items = obj(s.items);
  if (items) out += description(doc, items);
  const values = mapValues(s);
  if (values) out += description(doc, values);
  return out;
}

/** A short type hint: string, integer, Object, []Container, map[string]string, the referenced kind's name. */
function typeGuess(doc: Doc, schema: Schema): string {
  const items = obj(schema.items);
  if (items) return `[]${typeGuess(doc, items)}`;
  const values = mapValues(schema);
  if (values) return `map[string]${typeGuess(doc, values)}`;
  const alts = allOf(schema);
  if (alts.length === 1 && !props(schema)) return typeGuess(doc, alts[0]);
  if (typeof schema.$ref === 'string' && schema.$ref) {
    const target = resolveRef(schema.$ref, doc);
    if (!target || !target.type || target.type === 'object') return schema.$ref.split('/').pop()!.split('.').pop() || 'Object';
    return String(target.type);
  }
  if (schema.type === 'object') return 'Object';
  return typeof schema.type === 'string' && schema.type ? schema.type : 'Object';
}

/** "ENUM:\n    a\n    b" (one field's view) or "\n<pad>enum: a, b, c, d, ...." (a field list's). */
function extractEnum(schema: Schema, longView: boolean, limit: number, pad: number): string {
  if (!Array.isArray(schema.enum) || schema.enum.length === 0) return '';
  let s = longView ? 'ENUM:' : `\n${' '.repeat(pad)}enum: `;
  for (let i = 0; i < schema.enum.length; i++) {
    if (limit > -1 && i >= limit) {
      s += ', ....';
      break;
    }
    if (i > 0 && !longView) s += ', ';
    else if (longView) s += '\n    ';
    const e = schema.enum[i];
    s += e === '' ? '""' : String(e);
  }
  return s;
}

/** Prefixes the text and every line after a newline with n spaces (a trailing newline gets them too). */
function indent(n: number, s: string): string {
  const p = ' '.repeat(n);
  return p + s.replaceAll('\n', `\n${p}`);
}

// Go's unicode.IsSpace, less the no-break space the word wrapper keeps inside words.
const SPACE = /^[\t\n\v\f\r \u0085\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

/**
 * Word wrapping as kubectl's explain does it: breaks only at whitespace, never splits a word longer than the
 * limit, counts characters (not bytes), keeps the text's own line breaks, and drops the spaces at a break.
 */
export function wrap(limit: number, s: string): string {
  let buf = '';
  let current = 0;
  let word = '';
  let space = '';
  let wordLen = 0;
  let spaceLen = 0;
  for (const ch of s) {
    if (ch === '\n') {
      if (wordLen === 0) {
        if (current + spaceLen <= limit) buf += space;
      } else {
        buf += space + word;
      }
      space = '';
      spaceLen = 0;
      word = '';
      wordLen = 0;
      buf += ch;
      current = 0;
    } else if (SPACE.test(ch)) {
      if (spaceLen === 0 || wordLen > 0) {
        current += spaceLen + wordLen;
        buf += space + word;
        space = '';
        spaceLen = 0;
        word = '';
        wordLen = 0;
      }
      space += ch;
      spaceLen++;
    } else {
      word += ch;
      wordLen++;
      if (current + spaceLen + wordLen > limit && wordLen < limit) {
        buf += '\n';
        current = 0;
        space = '';
        spaceLen = 0;
      }
    }
  }
  if (wordLen === 0) {
    if (current + spaceLen <= limit) buf += space;
  } else {
    buf += space + word;
  }
  return buf;
}

