// Manifest decoding as kubectl's resource builder does it (pure: the CLI reads the files): split a stream
// into YAML documents or read it as JSON, convert YAML to JSON with go-yaml's error wording, check apiVersion
// and kind, flatten `kind: List`, map each object to a served resource and settle its namespace.
// Errors keep kubectl's texts; a syntax or schema error ends its file, other errors only their document.
import { CommandError, fieldErrorBody, InvalidError, KubeError, StatusError } from './errors.js';
import { metadataTypeError } from './decode.js';
import { resourceForKind, type ResourceInfo } from './resources.js';
import type { KubeObject } from './types.js';
import { setOwn } from '../util/own.js';

/** One -f input: its name as kubectl prints it ("f.yaml", "dir/a.yml", "STDIN") and its text. */
export interface ManifestSource {
  name: string;
  text: string;
}

/** A decoded object ready for a verb. */
export interface ManifestObject {
  source: string;
  object: KubeObject;
  info: ResourceInfo;
}

/** Either an object or the error its document produced, in the order kubectl visits them. */
export type ManifestItem = { ok: ManifestObject } | { error: KubeError };

export interface DecodeOptions {
  /** --validate=false (Ignore) skips kubectl's client-side apiVersion/kind checks. */
  validate: boolean;
  /** The request namespace (-n or "default"). */
  namespace: string;
  /** -n given explicitly: an object in another namespace is an error. */
  enforceNamespace: boolean;
}

/** An error in a file; printed `error: <msg>` alone or `<msg>` among several (kubectl's MultipleErrors). */
export class ManifestError extends CommandError {}

// ---------------------------------------------------------------------------------------------------------
// YAML and JSON

/** kubectl's YAMLReader: documents are separated by lines starting "---" followed only by space or a comment. */
export function splitDocuments(text: string): { docs: string[]; error?: string } {
  const docs: string[] = [];
  let cur: string[] = [];
  const lines = text.split(/(?<=\n)/);
  for (const line of lines) {
    if (line.startsWith('---')) {
      const rest = line.slice(3).trim();
      if (rest.length > 0 && rest[0] !== '#') return { docs, error: `invalid Yaml document separator: ${line.replace(/\n$/, '')}` };
      if (cur.length) docs.push(cur.join(''));
      cur = [];
      continue;
    }
    cur.push(line);
  }
  if (cur.length) docs.push(cur.join(''));
  return { docs };
}

interface YamlIssue {
  code: string;
  message: string;
  pos: [number, number];
  linePos?: { line: number; col: number }[];
}

/**
 * go-yaml (v2, which kubectl's sigs.k8s.io/yaml uses) words its errors differently from the `yaml` library,
 * and numbers lines oddly: scanner errors print the 1-based line of the problem, parser errors the 0-based
 * one (so one less). Map the library's error codes onto go-yaml's message and line convention.
 */
export function goYamlMessage(doc: string, e: YamlIssue): string {
  const line = e.linePos?.[0]?.line ?? lineOf(doc, e.pos[0]);
  const withLine = (n: number, msg: string): string => (n > 0 ? `yaml: line ${n}: ${msg}` : `yaml: ${msg}`);
  // The parser ran out of stack on a deeply nested document (block nesting; flow nesting is checked first).
  if (e.code === 'RESOURCE_EXHAUSTION') return withLine(line, `exceeded max depth of ${MAX_DEPTH}`);
  // At the end of the stream go-yaml's marks are where its scanner put STREAM-END: on a new line when the
  // text does not end with one. A parser error prints that 0-based line; a scanner error one more, and
  // neither prints a line 0.
  const atEnd = e.pos[0] >= doc.trimEnd().length;
  const newlines = doc.split('\n').length - 1;
  const endLine = newlines + (doc.endsWith('\n') ? 0 : 1);
  if (atEnd && ((e.code === 'MISSING_CHAR' && /^Flow (sequence|map) must end/.test(e.message)) || (e.code === 'BAD_INDENT' && /^Flow (sequence|map)/.test(e.message)))) {
    const last = doc.trimEnd().slice(-1);
    if (last === '[' || last === ',' || last === '{' || last === ':') return withLine(endLine, 'did not find expected node content');
    return withLine(endLine, `did not find expected ',' or '${openFlow(doc) === '[' ? ']' : '}'}'`);
  }
  if (e.pos[1] >= doc.trimEnd().length && e.code === 'MISSING_CHAR' && /Implicit map keys need to be followed by map values/.test(e.message)) {
    return withLine(endLine + 1, "could not find expected ':'");
  }
  if (e.code === 'TAB_AS_INDENT') return withLine(line, 'found character that cannot start any token');
  if (e.code === 'BLOCK_AS_IMPLICIT_KEY' && /Nested mappings/.test(e.message)) {
    // go-yaml's scanner stops at the ':' that starts the illegal mapping value.
    const rest = doc.slice(e.pos[0]);
    const m = /:(?=[ \t\n]|$)/.exec(rest);
    const at = m ? e.pos[0] + m.index : e.pos[0];
    const l = lineOf(doc, at);
    return withLine(l === 1 ? 0 : l, 'mapping values are not allowed in this context');
  }
  if (e.code === 'MISSING_CHAR' && /closing/.test(e.message) && /quote/.test(e.message)) {
    return withLine(atEnd ? (newlines === 0 ? 0 : newlines + 1) : line, 'found unexpected end of stream');
  }
  if (e.code === 'BAD_INDENT' && /Flow map/.test(e.message)) return withLine(line - 1, "did not find expected ',' or '}'");
  if (e.code === 'BAD_INDENT' && /Flow sequence/.test(e.message)) return withLine(line - 1, "did not find expected ',' or ']'");
  if (e.code === 'MISSING_CHAR' && /flow/i.test(e.message)) return withLine(line - 1, "did not find expected ',' or '}'");
  if (e.code === 'BAD_DQ_ESCAPE') return withLine(line, 'found unknown escape character');
  if (e.code === 'UNEXPECTED_TOKEN' && /^Unexpected (flow-map-end|flow-seq-end)/.test(e.message)) {
    return withLine(line - 1, 'did not find expected node content');
  }
  return withLine(line - 1, 'did not find expected key');
}

/** The innermost flow collection still open at the end of the text ('[' or '{'), quotes skipped. */
function openFlow(text: string): string | undefined {
  const stack: string[] = [];
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') stack.push(c);
    else if ((c === ']' || c === '}') && stack.length) stack.pop();
  }
  return stack[stack.length - 1];
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') n++;
  return n;
}

type YamlLib = typeof import('yaml');

/** The yaml library, whichever way the bundle exposes its CommonJS exports. */
export async function loadYaml(): Promise<YamlLib> {
  const mod = (await import('yaml')) as YamlLib & { default?: YamlLib };
  return typeof mod.parseDocument === 'function' ? mod : (mod.default as YamlLib);
}

/**
 * How deep a manifest may nest. go-yaml and encoding/json allow 10000 levels; kubesim's parser, validation and
 * printers recurse per level on the JavaScript stack, which holds about a thousand of them, so it refuses
 * deeper documents with the same message and its own number (no real manifest comes near either).
 */
const MAX_DEPTH = 500;

/**
 * Where flow collections ([ and {) first nest deeper than MAX_DEPTH, outside quoted strings, or undefined.
 * Checked before parsing: a parser that recurses per level must not be handed such a document.
 */
export function tooDeepAt(text: string, yaml: boolean): number | undefined {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || (yaml && c === "'")) quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_DEPTH) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/** YAML (1.1, as go-yaml v2 reads it) to a plain value; throws the go-yaml message. */
export function yamlToValue(lib: YamlLib, doc: string): unknown {
  const deep = tooDeepAt(doc, true);
  if (deep !== undefined) {
    const line = lineOf(doc, deep);
    throw new Error(line > 1 ? `yaml: line ${line}: exceeded max depth of ${MAX_DEPTH}` : `yaml: exceeded max depth of ${MAX_DEPTH}`);
  }
  const parsed = lib.parseDocument(doc, { version: '1.1', uniqueKeys: false, merge: true, prettyErrors: false });
  if (parsed.errors.length) throw new Error(goYamlMessage(doc, parsed.errors[0] as unknown as YamlIssue));
  try {
    // Aliases are fine; an alias bomb (a billion laughs) is refused, as go-yaml refuses it.
    return parsed.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    const m = /Unresolved alias[^:]*: (.*)$/.exec((e as Error).message);
    if (m) throw new Error(`yaml: unknown anchor '${m[1].trim()}' referenced`);
    if (/Excessive alias count/.test((e as Error).message)) throw new Error('yaml: document contains excessive aliasing');
    if (e instanceof RangeError) throw new Error(`yaml: exceeded max depth of ${MAX_DEPTH}`);
    throw new Error(`yaml: ${(e as Error).message}`);
  }
}

/** JSON.parse with Go's encoding/json syntax error wording: `json: offset N: invalid character ...`. */
export function parseJSONStream(text: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    const end = jsonValueEnd(text, i);
    const chunk = text.slice(i, end);
    const deep = tooDeepAt(chunk, false);
    if (deep !== undefined) throw new Error(`json: offset ${i + deep + 1}: invalid character '${chunk[deep]}' exceeded max depth`);
    try {
      out.push(JSON.parse(chunk));
    } catch (e) {
      throw new Error(goJSONError(text, i, (e as Error).message));
    }
    i = end;
  }
  return out;
}

/** End of the JSON value starting at i (brace matching, strings respected); the rest if unbalanced. */
function jsonValueEnd(text: string, i: number): number {
  let depth = 0;
  let inStr = false;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (inStr) {
      if (c === '\\') j++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return text.length;
}

function goJSONError(text: string, start: number, nodeMessage: string): string {
  const m = /position (\d+)/.exec(nodeMessage);
  if (!m) return 'unexpected EOF';
  const at = start + Number(m[1]);
  if (at >= text.length) return 'unexpected EOF';
  const ch = text[at];
  const shown = ch === "'" ? "'\\''" : `'${ch}'`;
  let ctx = 'looking for beginning of value';
  if (/property name/.test(nodeMessage) && !/after property name/.test(nodeMessage)) ctx = 'looking for beginning of object key string';
  else if (/after property name/.test(nodeMessage)) ctx = 'after object key';
  else if (/after property value/.test(nodeMessage)) ctx = 'after object key:value pair';
  else if (/after array element/.test(nodeMessage)) ctx = 'after array element';
  return `json: offset ${at + 1}: invalid character ${shown} ${ctx}`;
}

// ---------------------------------------------------------------------------------------------------------
// From text to objects

function goJSON(v: unknown): string {
  return JSON.stringify(sortDeep(v));
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) setOwn(o, k, sortDeep((v as Record<string, unknown>)[k]));
    return o;
  }
  return v;
}

/** kubectl's getObjectKind checks (schema validation, skipped with --validate=false). */
function kindErrors(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'invalid object to validate';
  const o = v as Record<string, unknown>;
  const errs: string[] = [];
  if (o.apiVersion === undefined || o.apiVersion === null) errs.push('apiVersion not set');
  else if (typeof o.apiVersion !== 'string') errs.push("apiVersion isn't string type");
  if (o.kind === undefined || o.kind === null) errs.push('kind not set');
  else if (typeof o.kind !== 'string') errs.push("kind isn't string type");
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
}

function validatingError(source: string, what: string): ManifestError {
  return new ManifestError(
    `error validating "${source}": error validating data: ${what}; if you choose to ignore these errors, turn validation off with --validate=false`,
  );
}

/** Decodes every source into objects and errors, in kubectl's visiting order. */
export async function decodeManifests(sources: ManifestSource[], opts: DecodeOptions): Promise<ManifestItem[]> {
  const items: ManifestItem[] = [];
  let lib: YamlLib | undefined;
  for (const src of sources) {
    const values: unknown[] = [];
    let stop: KubeError | undefined;
    const trimmed = src.text.trimStart();
    if (trimmed.startsWith('{')) {
      try {
        values.push(...parseJSONStream(src.text));
      } catch (e) {
        stop = new ManifestError(`error parsing ${src.name}: ${(e as Error).message}`);
      }
    } else {
      const { docs, error } = splitDocuments(src.text);
      for (const doc of docs) {
        if (doc.trim() === '') continue;
        try {
          lib ??= await loadYaml();
          values.push(yamlToValue(lib, doc));
        } catch (e) {
          stop = new ManifestError(`error parsing ${src.name}: error converting YAML to JSON: ${(e as Error).message}`);
          break;
        }
      }
      if (!stop && error) stop = new ManifestError(`error parsing ${src.name}: ${error}`);
    }
    // A file stops at its first syntax or schema error; the documents before it still count.
    for (const v of values) {
      if (v === null || v === undefined) continue;
      if (opts.validate) {
        const ke = kindErrors(v);
        if (ke) {
          items.push({ error: validatingError(src.name, ke) });
          stop = undefined;
          break;
        }
      }
      for (const obj of flattenList(v)) items.push(objectItem(src.name, obj, opts));
    }
    if (stop) items.push({ error: stop });
  }
  return items;
}

/** `kind: List` (any *List) becomes its items, as kubectl's FlattenListVisitor does. */
function flattenList(v: unknown): unknown[] {
  const o = v as Record<string, unknown>;
  if (o && typeof o === 'object' && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
    return (o.items as unknown[]).flatMap(flattenList);
  }
  return [v];
}

function objectItem(source: string, v: unknown, opts: DecodeOptions): ManifestItem {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    return { error: new ManifestError(`unable to decode "${source}": json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'string'} into Go value of type unstructured.detector`) };
  }
  const o = v as Record<string, unknown>;
  if (typeof o.kind !== 'string' || o.kind === '') {
    return { error: new ManifestError(`unable to decode "${source}": Object 'Kind' is missing in '${goJSON(o)}'`) };
  }
  const metaError = metadataTypeError(o);
  if (metaError) return { error: new ManifestError(`unable to decode "${source}": ${metaError}`) };
  if (typeof o.apiVersion !== 'string' || o.apiVersion === '') {
    return { error: new ManifestError(`unable to decode "${source}": Object 'apiVersion' is missing in '${goJSON(o)}'`) };
  }
  const meta = (o.metadata && typeof o.metadata === 'object' ? o.metadata : {}) as Record<string, unknown>;
  const info = resourceForKind(o.apiVersion, o.kind);
  if (!info) {
    return {
      error: new ManifestError(
        `resource mapping not found for name: "${String(meta.name ?? '')}" namespace: "${String(meta.namespace ?? '')}" from "${source}": no matches for kind "${o.kind}" in version "${o.apiVersion}"\nensure CRDs are installed first`,
      ),
    };
  }
  const object = structuredClone(o) as unknown as KubeObject;
  if (!object.metadata || typeof object.metadata !== 'object') object.metadata = { name: '' } as KubeObject['metadata'];
  if (info.namespaced) {
    const ns = object.metadata.namespace;
    if (!ns) object.metadata.namespace = opts.namespace;
    else if (opts.enforceNamespace && ns !== opts.namespace) {
      return {
        error: new ManifestError(
          `the namespace from the provided object "${ns}" does not match the namespace "${opts.namespace}". You must pass '--namespace=${ns}' to perform this operation.`,
        ),
      };
    }
  }
  return { ok: { source, object, info } };
}

// ---------------------------------------------------------------------------------------------------------
// Reporting several failures

/** How one failure prints alone (checkErr) and among several (MultipleErrors: no "error: " prefix). */
export interface Failure {
  single: string;
  multi: string;
}

export function failureOf(e: KubeError, source?: { verb: string; name: string }): Failure {
  if (e instanceof InvalidError) {
    const bodies = [...new Set(e.causes.map(fieldErrorBody))];
    const agg = bodies.length === 1 ? bodies[0] : `[${bodies.join(', ')}]`;
    const msg = `${e.kind} "${e.objectName}" is invalid: ${agg}`;
    return { single: e.render(), multi: `Error from server (Invalid): ${source ? `error when ${source.verb} "${source.name}": ` : ''}${msg}` };
  }
  if (e instanceof StatusError) {
    const s = source ? e.withSource(source.verb as 'creating', source.name) : e;
    return { single: s.render(), multi: s.render() };
  }
  if (e instanceof CommandError) return { single: e.render(), multi: e.message };
  const text = e.render();
  return { single: text, multi: text.replace(/^error: /, '') };
}

/** One failure prints as itself; several print one per line without the "error: " prefix. */
export function renderFailures(fs: Failure[]): string {
  if (fs.length === 0) return '';
  if (fs.length === 1) return fs[0].single.endsWith('\n') ? fs[0].single : `${fs[0].single}\n`;
  return fs.map((f) => (f.multi.endsWith('\n') ? f.multi : `${f.multi}\n`)).join('');
}
