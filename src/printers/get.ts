// The core of `kubectl get`: resolve the arguments as kubectl's resource builder does, fetch the objects (with
// label and field selectors), and print them as tables or structured output. Returns the text for stdout and
// stderr and the exit code, because a get can print some objects and still fail on others.
import { CommandError, ExitError, notFound, StatusError, type KubeError } from '../api/errors.js';
import { cmpQuantity, parseQuantity } from '../api/quantity.js';
import { klogLine } from '../util/klog.js';
import { formatLabels, listSelectorError, matches, parseListSelector, parseSelector, type Selector } from '../api/labels.js';
import { ALL_CATEGORY, requireResource, qualifiedKind, qualifiedResource, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { getObject, listObjects, scanObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { asList, objectName, toJSON } from './format.js';
import { hasOwn, own } from '../util/own.js';
import { formatTable } from './tabwriter.js';
import { tableFor } from './tables.js';
import { ioErrorText, readTextFile } from '../util/files.js';

export interface GetOptions {
  args: string[];
  namespace: string;
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  /** -o value: '', wide, yaml, json, name, jsonpath=..., jsonpath-as-json=..., custom-columns=..., custom-columns-file=... */
  output?: string;
  /** --template, for -o jsonpath without "=". */
  template?: string;
  noHeaders?: boolean;
  showLabels?: boolean;
  showKind?: boolean;
  labelColumns?: string[];
  ignoreNotFound?: boolean;
  sortBy?: string;
  allowMissingTemplateKeys?: boolean;
  /** Objects named by -f files (already decoded by the CLI), with the decode errors, in file order. */
  files?: { info: ResourceInfo; namespace?: string; name: string }[];
  fileErrors?: KubeError[];
  /** -f named exactly one file (kubectl then treats the request as one item, as for `get TYPE NAME`). */
  singleFile?: boolean;
  /** Reads a custom-columns-file (the CLI supplies it; the core touches no disk). */
  readFile?: (path: string) => string;
}

export interface GetResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}


const OUTPUT_FORMATS = 'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';

interface Request {
  info: ResourceInfo;
  /** undefined: list */
  name?: string;
  /** the namespace a -f object names, else the request's */
  namespace?: string;
}

/** One fetched object with the resource it came from. */
interface Found {
  info: ResourceInfo;
  obj: KubeObject;
}


function expandTypes(text: string): ResourceInfo[] {
  const out: ResourceInfo[] = [];
  for (const w of text.split(',')) {
    if (w === '') continue;
    if (w === 'all') for (const r of ALL_CATEGORY) out.push(requireResource(r));
    else out.push(requireResource(w));
  }
  return out;
}

/** `kubectl get` with no type: a hint line, then the usage error. */
class NoResourceTypeError extends CommandError {
  constructor() {
    super('Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).', { usageOf: 'get' });
  }
  override render(): string {
    return `You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\n${super.render()}`;
  }
}

/** kubectl's resource builder: "TYPE[,TYPE] [NAME...]" or "TYPE/NAME ...". */
export function parseRequests(args: string[], hasSelector: boolean): { requests: Request[]; multipleTypes: boolean; singleItem: boolean } {
  if (args.length === 0) throw new NoResourceTypeError();
  if (args.some((a) => a.includes('/'))) {
    if (!args.every((a) => a.includes('/'))) {
      throw new CommandError(
        "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
      );
    }
    const requests = args.map((a) => {
      const i = a.indexOf('/');
      const type = a.slice(0, i);
      const name = a.slice(i + 1);
      if (name === '') throw new CommandError(`arguments in resource/name form must have a single resource and name`);
      const info = requireResource(type);
      return { info, name };
    });
    if (hasSelector) throw new CommandError('name cannot be provided when a selector is specified');
    const types = new Set(args.map((a) => a.slice(0, a.indexOf('/'))));
    return { requests, multipleTypes: types.size > 1, singleItem: args.length === 1 };
  }
  const typeWords = args[0].split(',').filter((w) => w !== '');
  const infos = expandTypes(args[0]);
  const names = args.slice(1);
  if (names.length > 0 && hasSelector) throw new CommandError('name cannot be provided when a selector is specified');
  const requests: Request[] = [];
  if (names.length === 0) for (const info of infos) requests.push({ info });
  else for (const info of infos) for (const name of names) requests.push({ info, name });
  const multipleTypes = new Set(typeWords).size > 1 || typeWords.includes('all');
  return { requests, multipleTypes, singleItem: names.length === 1 && infos.length === 1 };
}

// ---- field selectors ----

type FieldReq = { path: string; value: string; equal: boolean };

const FIELD_PATHS: Record<string, (o: KubeObject) => string | undefined> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
  'status.phase': (o) => (o.status as { phase?: string } | undefined)?.phase ?? '',
  'spec.nodeName': (o) => (o.spec as { nodeName?: string } | undefined)?.nodeName ?? '',
  'spec.type': (o) => (o.spec as { type?: string } | undefined)?.type ?? '',
  'status.podIP': (o) => (o.status as { podIP?: string } | undefined)?.podIP ?? '',
  type: (o) => String((o as { type?: unknown }).type ?? ''),
  reason: (o) => String((o as { reason?: unknown }).reason ?? ''),
  'involvedObject.name': (o) => (o.involvedObject as { name?: string } | undefined)?.name ?? '',
  'involvedObject.kind': (o) => (o.involvedObject as { kind?: string } | undefined)?.kind ?? '',
  'spec.unschedulable': (o) => String((o.spec as { unschedulable?: boolean } | undefined)?.unschedulable ?? false),
};

function listError(info: ResourceInfo, opts: GetOptions, why: string): StatusError {
  return listSelectorError(info, opts.selector ?? '', opts.fieldSelector ?? '', why);
}

function parseListSelectorOf(opts: GetOptions, info: ResourceInfo): Selector | undefined {
  return parseListSelector(opts.selector, info, opts.fieldSelector ?? '');
}

function parseFieldSelector(opts: GetOptions, info: ResourceInfo): FieldReq[] {
  const text = opts.fieldSelector ?? '';
  const out: FieldReq[] = [];
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const m = /^([^!=]+)(==|!=|=)(.*)$/.exec(part.trim());
    if (!m) throw listError(info, opts, `invalid selector: '${text}'; can't understand '${part}'`);
    const path = m[1].trim();
    if (!hasOwn(FIELD_PATHS, path)) throw listError(info, opts, `field label not supported: ${path}`);
    out.push({ path, value: m[3].trim(), equal: m[2] !== '!=' });
  }
  return out;
}

function fieldMatches(reqs: FieldReq[], o: KubeObject): boolean {
  return reqs.every((r) => (own(FIELD_PATHS, r.path)!(o) === r.value) === r.equal);
}

// ---- fetching ----

function fetch(state: ClusterState, opts: GetOptions, requests: Request[], errors: KubeError[]): Found[] {
  const found: Found[] = [];
  fetchEach(state, opts, requests, errors, (info, obj) => found.push({ info, obj }), false);
  return found;
}

/**
 * Visits what the requests name, in the order kubectl prints it. streaming: lists are read one object at a
 * time and not kept (a table of 10,000 pods keeps its rows, not the pods).
 */
function fetchEach(state: ClusterState, opts: GetOptions, requests: Request[], errors: KubeError[], visit: (info: ResourceInfo, obj: KubeObject) => void, streaming: boolean): void {
  for (const req of requests) {
    const ns = req.info.namespaced ? req.namespace ?? opts.namespace : undefined;
    if (req.name !== undefined) {
      const obj = getObject(state, req.info.resource, ns, req.name);
      if (obj) visit(req.info, obj);
      else if (!opts.ignoreNotFound) errors.push(notFound(qualifiedResource(req.info), req.name));
      continue;
    }
    let selector: Selector | undefined;
    let fields: FieldReq[] | undefined;
    try {
      selector = parseListSelectorOf(opts, req.info);
      fields = opts.fieldSelector ? parseFieldSelector(opts, req.info) : undefined;
    } catch (e) {
      // kubectl goes on with the next resource type (ContinueOnError) and reports each refusal.
      if (e instanceof StatusError) {
        errors.push(e);
        continue;
      }
      throw e;
    }
    const listNs = req.info.namespaced && !opts.allNamespaces ? opts.namespace : undefined;
    for (const obj of streaming ? scanObjects(state, req.info.resource, listNs) : listObjects(state, req.info.resource, listNs)) {
      if (selector && !matches(selector, obj.metadata.labels)) continue;
      if (fields && !fieldMatches(fields, obj)) continue;
      visit(req.info, obj);
    }
  }
}

// ---- printing ----

interface TableOptions {
  wide: boolean;
  withNamespace: boolean;
  withKind: boolean;
  noHeaders: boolean;
  showLabels: boolean;
  labelColumns: string[];
}

/** One group (one kind) as kubectl's table printer decorates the server's table. */
export function printTable(info: ResourceInfo, objs: KubeObject[], now: Date, o: TableOptions): string {
  return formatTable(tableRows(info, objs, now, o));
}

/** The rows of one group (header first unless --no-headers), cells as printed. */
export function tableRows(info: ResourceInfo, objs: KubeObject[], now: Date, o: TableOptions): string[][] {
  const group = tableGroup(info, now, o);
  for (const obj of objs) group.add(obj);
  return group.rows;
}

/** A group's rows being made, one object at a time. */
function tableGroup(info: ResourceInfo, now: Date, o: TableOptions): { rows: string[][]; add(obj: KubeObject): void } {
  const h = tableFor(info.resource);
  const keep = h.columns.map((c) => c.priority === 0 || o.wide);
  const rows: string[][] = [];
  if (!o.noHeaders) {
    const header: string[] = [];
    if (o.withNamespace) header.push('NAMESPACE');
    h.columns.forEach((c, i) => keep[i] && header.push(c.name));
    for (const l of o.labelColumns) header.push(l.split('/').pop()!.toUpperCase());
    if (o.showLabels) header.push('LABELS');
    rows.push(header);
  }
  const prefix = o.withKind ? `${qualifiedKind(info)}/` : '';
  const add = (obj: KubeObject): void => {
    const cells = h.row(obj, now);
    if (prefix) cells[h.nameColumn] = prefix + cells[h.nameColumn];
    const row: string[] = [];
    if (o.withNamespace) row.push(info.namespaced ? obj.metadata.namespace ?? '' : '');
    cells.forEach((c, i) => keep[i] && row.push(cutCell(c)));
    const labels = obj.metadata.labels ?? {};
    for (const l of o.labelColumns) row.push(own(labels, l) ?? '');
    if (o.showLabels) row.push(formatLabels(labels));
    rows.push(row);
  };
  return { rows, add };
}

/** A cell is cut at its first line break (tabwriter would break the layout), marked with "...". */
function cutCell(c: string): string {
  const i = c.search(/[\n\r\f]/);
  return i < 0 ? c : `${c.slice(0, i)}...`;
}

/**
 * --sort-by as kubectl 1.32 sorts: the first value the (relaxed) JSONPath finds in each object, compared by
 * sortKeyLess, ordered by Go's (unstable) sort.Sort from the server's namespace/name order. Tables are sorted one
 * resource type at a time (the server sends a Table per type, and each must have the field somewhere); structured
 * output sorts the one List it prints.
 */
async function sortFound(found: Found[], sortBy: string, perType: boolean, now: Date): Promise<Found[]> {
  const { JSONPath, JSONPathParseError } = await import('./jsonpath.js');
  const { goSortArray } = await import('./go-sort.js');
  const field = relaxedJSONPath(sortBy);
  let jp: InstanceType<typeof JSONPath>;
  try {
    jp = new JSONPath(field, { allowMissingKeys: true });
  } catch (e) {
    if (e instanceof JSONPathParseError) throw new CommandError(e.message);
    throw e;
  }
  const groups: Found[][] = [];
  for (const f of found) {
    const last = groups[groups.length - 1];
    if (perType && last && last[0].info === f.info) last.push(f);
    else if (!perType && last) last.push(f);
    else groups.push([f]);
  }
  const out: Found[] = [];
  for (const group of groups) {
    const keyed = group.map((f) => {
      const r = jp.findResults(JSON.parse(JSON.stringify(f.obj)));
      return { f, has: r.length > 0 && r[0].length > 0, key: r[0]?.[0] };
    });
    if (!keyed.some((k) => k.has)) throw new CommandError(`couldn't find any field with path "${field}" in the list of objects`);
    // One element is already sorted (Go's RuntimeSorter returns before comparing anything).
    if (keyed.length === 1) {
      out.push(group[0]);
      continue;
    }
    const sorted = goSortArray(keyed, (a, b) => {
      if (!a.has) return true;
      if (!b.has) return false;
      const less = sortKeyLess(a.key, b.key);
      if (typeof less === 'string') throw new ExitError(1, klogLine('F', now, process.pid, 'sorter.go:329', `Field ${field} in *unstructured.Unstructured is an unsortable type: interface, err: ${less}`));
      return less;
    });
    for (const k of sorted) out.push(k.f);
  }
  return out;
}

/** Go's type name of a decoded JSON value, as kubectl's "unsortable type" error prints it. */
function goTypeName(v: unknown): string {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/**
 * kubectl 1.32's comparison of two decoded JSON values: strings that both parse as quantities compare as
 * quantities ("500Mi" < "1Gi", "1.5" = "1500m"), other strings byte-wise ("a10" < "a2"), integers and floats
 * among their own kind. Anything else (booleans, maps, lists, a mix of kinds) is unsortable: the message is
 * returned instead of a boolean.
 */
export function sortKeyLess(a: unknown, b: unknown): boolean | string {
  if (a === null || b === null) return a !== null ? false : b !== null;
  const ta = goTypeName(a);
  if (ta === 'string' && typeof b === 'string') {
    const qa = /\s/.test(a as string) ? undefined : parseQuantity(a);
    const qb = qa && !/\s/.test(b) ? parseQuantity(b) : undefined;
    if (qa && qb) return cmpQuantity(qa, qb) < 0;
    return Buffer.compare(Buffer.from(a as string), Buffer.from(b)) < 0;
  }
  if ((ta === 'int64' || ta === 'float64') && goTypeName(b) === ta) return (a as number) < (b as number);
  if (ta === 'string' || ta === 'int64' || ta === 'float64') return 'unsortable interface: interface';
  return `unsortable type: ${ta}`;
}

/** kubectl's RelaxedJSONPathExpression: "name1.name2", ".name1", "{.name1}" all become "{.name1...}". */
export function relaxedJSONPath(expr: string): string {
  if (expr === '') return expr;
  const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expr);
  if (!m) throw new CommandError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  return `{.${m[1] ?? m[2]}}`;
}

export async function runGet(state: ClusterState, now: Date, opts: GetOptions): Promise<GetResult> {
  // kubectl checks for a type before it looks at the output format
  if (!opts.files && opts.args.length === 0) throw new NoResourceTypeError();
  const output = opts.output ?? '';
  const format = output.includes('=') ? output.slice(0, output.indexOf('=')) : output;
  const formatArg = output.includes('=') ? output.slice(output.indexOf('=') + 1) : opts.template ?? '';
  if (!['', 'wide', 'yaml', 'json', 'name', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'custom-columns', 'custom-columns-file', ...GO_TEMPLATE_FORMATS].includes(format)) {
    throw new CommandError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${OUTPUT_FORMATS}`);
  }
  // Printers are built (and their templates checked) before anything is fetched, as kubectl does.
  const structured = await structuredPrinter(format, formatArg, opts);
  const errors: KubeError[] = [...(opts.fileErrors ?? [])];
  let parsed: ReturnType<typeof parseRequests>;
  if (opts.files) {
    if (opts.args.length) throw new CommandError('when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well');
    const requests = opts.files.map((f) => ({ info: f.info, name: f.name, namespace: f.namespace }));
    parsed = { requests, multipleTypes: new Set(requests.map((r) => r.info)).size > 1, singleItem: !!opts.singleFile };
  } else parsed = parseRequests(opts.args, !!opts.selector);
  const { requests, multipleTypes, singleItem } = parsed;
  if (opts.allNamespaces && !opts.files && requests.some((r) => r.name !== undefined && r.info.namespaced)) {
    throw new CommandError('a resource cannot be retrieved by name across all namespaces');
  }
  const stderrOf = () => errors.map((e) => `${e.render()}\n`).join('');
  const exitCode = () => (errors.length ? 1 : 0);
  if (!structured && !opts.sortBy) return tables((visit) => fetchEach(state, opts, requests, errors, visit, true), now, opts, requests, errors, format === 'wide', multipleTypes, stderrOf, exitCode);
  let found = fetch(state, opts, requests, errors);
  if (opts.sortBy && found.length > 0) found = await sortFound(found, opts.sortBy, !structured, now);

  if (structured) {
    // a request for one object that failed prints nothing but the error (printGeneric's singleItemImplied)
    if (singleItem && errors.length) return { stdout: '', stderr: stderrOf(), exitCode: exitCode() };
    let doc: KubeObject;
    if (singleItem && found.length === 1) doc = found[0].obj;
    else doc = asList(found.map((f) => f.obj));
    try {
      const out = await structured(doc);
      return { stdout: out, stderr: stderrOf(), exitCode: exitCode() };
    } catch (e) {
      // A template that fails while running has printed its partial output and kubectl's debugging text.
      if (e instanceof TemplateFailure) return { stdout: e.stdout, stderr: `${stderrOf()}${e.render()}\n`, exitCode: 1 };
      throw e;
    }
  }

  return tables((visit) => found.forEach((f) => visit(f.info, f.obj)), now, opts, requests, errors, format === 'wide', multipleTypes, stderrOf, exitCode);
}

/**
 * Human-readable tables, a group per run of one kind, from what `source` visits: the lists read one object at
 * a time (only the rows are kept), or the objects --sort-by ordered.
 */
function tables(source: (visit: (info: ResourceInfo, obj: KubeObject) => void) => void, now: Date, opts: GetOptions, requests: Request[], errors: KubeError[], wide: boolean, multipleTypes: boolean, stderrOf: () => string, exitCode: () => number): GetResult {
  const groups: string[][][] = [];
  let sawNamespaced = false;
  const withKind = multipleTypes || !!opts.showKind;
  const labelColumns = (opts.labelColumns ?? []).flatMap((l) => l.split(',')).filter((l) => l !== '');
  let current: ReturnType<typeof tableGroup> | undefined;
  let currentInfo: ResourceInfo | undefined;
  source((info, obj) => {
    if (info !== currentInfo || !current) {
      if (current) groups.push(current.rows);
      currentInfo = info;
      if (info.namespaced) sawNamespaced = true;
      // kubectl quirk: with -A, a cluster-scoped group after a namespaced one keeps an (empty) NAMESPACE column
      const withNamespace = !!opts.allNamespaces && (info.namespaced || sawNamespaced);
      current = tableGroup(info, now, { wide, withNamespace, withKind, noHeaders: !!opts.noHeaders, showLabels: !!opts.showLabels, labelColumns });
    }
    current.add(obj);
  });
  if (current) groups.push(current.rows);
  let stdout = '';
  for (const rows of groups) {
    if (stdout !== '' && !opts.noHeaders) stdout += '\n';
    stdout += formatTable(rows);
  }
  let stderr = stderrOf();
  if (stdout === '' && errors.length === 0 && !opts.ignoreNotFound) {
    const allNamespaced = !opts.allNamespaces && requests.every((r) => r.info.namespaced);
    stderr += allNamespaced ? `No resources found in ${opts.namespace} namespace.\n` : 'No resources found\n';
  }
  return { stdout, stderr, exitCode: exitCode() };
}

type Structured = (doc: KubeObject) => Promise<string> | string;

/** The printer for a non-table -o format, or undefined for tables. Throws kubectl's errors for bad templates. */
/**
 * The printer of `-o` for verbs that print the objects they changed (patch, taint): json, yaml and the
 * jsonpath forms; kubectl's error naming the formats it allows for anything else.
 */
export async function changedObjectPrinter(output: string, allowMissingTemplateKeys: unknown): Promise<(obj: KubeObject) => string> {
  const eq = output.indexOf('=');
  const format = eq < 0 ? output : output.slice(0, eq);
  const allow = allowMissingTemplateKeys === undefined ? true : !['false', 'False', 'FALSE', 'f', 'F', '0'].includes(String(allowMissingTemplateKeys));
  const p = ['json', 'yaml', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file'].includes(format)
    ? await structuredPrinter(format, eq < 0 ? '' : output.slice(eq + 1), { readFile: (f) => readTextFile(f, 1 << 20), allowMissingTemplateKeys: allow })
    : undefined;
  if (!p) throw new CommandError(`unable to match a printer suitable for the output format "${output}", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml`);
  return p as (obj: KubeObject) => string;
}

export async function structuredPrinter(format: string, arg: string, opts: Pick<GetOptions, 'noHeaders' | 'readFile' | 'allowMissingTemplateKeys'>): Promise<Structured | undefined> {
  switch (format) {
    case 'json':
      return (doc) => toJSON(doc);
    case 'yaml': {
      const { goYAML } = await import('./yaml.js');
      return (doc) => goYAML(doc);
    }
    case 'name':
      return (doc) => listItems(doc).map((o) => `${objectName(o)}\n`).join('');
    case 'jsonpath':
    case 'jsonpath-as-json':
    case 'jsonpath-file': {
      let template = arg;
      if (format === 'jsonpath-file') {
        if (!arg) throw new CommandError('template format specified but no template file given');
        template = readTemplate(arg, opts);
      }
      if (template === '') throw new CommandError('template format specified but no template given');
      const { JSONPath, JSONPathParseError, JSONPathExecError, execErrorText } = await import('./jsonpath.js');
      let jp: InstanceType<typeof JSONPath>;
      try {
        jp = new JSONPath(template, { allowMissingKeys: opts.allowMissingTemplateKeys ?? true });
      } catch (e) {
        if (e instanceof JSONPathParseError) throw new CommandError(`error parsing jsonpath ${template}, ${e.message}`);
        throw e;
      }
      return (doc) => {
        const data = JSON.parse(JSON.stringify(doc)) as unknown;
        try {
          return jp.execute(data, format === 'jsonpath-as-json');
        } catch (e) {
          if (e instanceof JSONPathExecError) throw new CommandError(execErrorText(template, e, data));
          throw e;
        }
      };
    }
    case 'go-template':
    case 'template':
    case 'go-template-file':
    case 'templatefile': {
      let template = arg;
      if (format === 'go-template-file' || format === 'templatefile') {
        if (!arg) throw new CommandError('template format specified but no template file given');
        template = readTemplate(arg, opts);
      }
      if (template === '') throw new CommandError('template format specified but no template given');
      const { GoTemplate, TemplateParseError, goValueText } = await import('./go-template.js');
      const { marshalCompact } = await import('./format.js');
      let t: InstanceType<typeof GoTemplate>;
      try {
        t = new GoTemplate(template);
      } catch (e) {
        if (e instanceof TemplateParseError) throw new CommandError(`error parsing template ${template}, ${e.message}`);
        throw e;
      }
      return (doc) => {
        const data = JSON.parse(JSON.stringify(doc)) as unknown;
        const r = t.execute(data, { allowMissingKeys: opts.allowMissingTemplateKeys ?? true });
        if (!r.error) return r.out;
        const debug = `Error executing template: ${r.error.message}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t${template}\n\traw data was:\n\t\t${marshalCompact(data)}\n\tobject given to template engine was:\n\t\t${goValueText(data)}\n\n`;
        throw new TemplateFailure(`error executing template ${goQuoted(template)}: ${r.error.message}`, r.out + debug);
      };
    }
    case 'custom-columns':
    case 'custom-columns-file': {
      let columns: { header: string; spec: string }[];
      if (format === 'custom-columns') columns = parseCustomColumns(arg);
      else columns = parseCustomColumnsFile(readTemplate(arg, opts));
      const { JSONPath, JSONPathParseError, goValue } = await import('./jsonpath.js');
      const parsers = columns.map((c) => {
        try {
          return new JSONPath(c.spec, { allowMissingKeys: true });
        } catch (e) {
          if (e instanceof JSONPathParseError) throw new CommandError(e.message);
          throw e;
        }
      });
      return (doc) => {
        const rows: string[][] = [];
        if (!opts.noHeaders) rows.push(columns.map((c) => c.header));
        for (const o of listItems(doc)) {
          const data = JSON.parse(JSON.stringify(o)) as unknown;
          rows.push(
            parsers.map((p) => {
              const results = p.findResults(data);
              if (results.length === 0 || results[0].length === 0) return '<none>';
              return results.flat().map(goValue).join(',');
            }),
          );
        }
        return formatTable(rows);
      };
    }
  }
  return undefined;
}

export const GO_TEMPLATE_FORMATS = ['go-template', 'go-template-file', 'template', 'templatefile'];

/** A go-template that failed while running: kubectl has already written some output and its debugging text. */
export class TemplateFailure extends CommandError {
  constructor(message: string, readonly stdout: string) {
    super(message);
  }
}

/** Go's %q of a string. */
function goQuoted(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function listItems(doc: KubeObject): KubeObject[] {
  return doc.kind === 'List' ? ((doc as unknown as { items: KubeObject[] }).items ?? []) : [doc];
}

function readTemplate(path: string, opts: Pick<GetOptions, 'readFile'>): string {
  try {
    if (!opts.readFile) throw new Error('no file access');
    return opts.readFile(path);
  } catch (e) {
    // Go's os.ReadFile: a directory opens, then fails to read.
    const code = (e as NodeJS.ErrnoException).code;
    throw new CommandError(`error reading template ${path}, ${code === 'EISDIR' ? 'read' : 'open'} ${path}: ${ioErrorText(e)}`);
  }
}

export function parseCustomColumns(spec: string): { header: string; spec: string }[] {
  if (spec === '') throw new CommandError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const i = part.indexOf(':');
    if (i < 0) throw new CommandError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, i), spec: relaxedJSONPath(part.slice(i + 1)) };
  });
}

function parseCustomColumnsFile(text: string): { header: string; spec: string }[] {
  const lines = text.split('\n');
  const expected = 'Expected format is one line of space separated headers, one line of space separated column specs.';
  if (lines.length < 1 || lines[0] === undefined) throw new CommandError(`invalid template, missing header line. ${expected}`);
  if (lines.length < 2) throw new CommandError(`invalid template, missing spec line. ${expected}`);
  const headers = lines[0].split(/\s+/).filter((s) => s !== '');
  const specs = lines[1].split(/\s+/).filter((s) => s !== '');
  if (headers.length !== specs.length) throw new CommandError(`number of headers (${headers.length}) and field specifications (${specs.length}) don't match`);
  return headers.map((header, i) => ({ header, spec: relaxedJSONPath(specs[i]) }));
}


// ---- get -w: the rows to print as objects change ----

export interface WatchSnapshot {
  /** The table's header row (empty for -o name). */
  header: string[];
  /** "namespace/name" -> the printed row and its signature (the row without time-driven cells) */
  rows: Map<string, { row: string[]; sig: string }>;
}

/**
 * The current rows of a watched request (one kind, tables or -o name) keyed by object. Cells that only move
 * with the clock (AGE, LAST SEEN, "(5s ago)") are left out of the signature, so a watch prints a row when the
 * object changes, as a watch event would, not every second.
 */
export function watchSnapshot(state: ClusterState, now: Date, opts: GetOptions): WatchSnapshot {
  const selector = opts.selector ? parseSelector(opts.selector) : undefined;
  const { requests, multipleTypes } = parseRequests(opts.args, selector !== undefined);
  const kinds = new Set(requests.map((r) => r.info));
  if (kinds.size > 1) throw new CommandError(`watch is only supported on individual resources and resource collections, but ${kinds.size} resources were found`);
  const found = fetch(state, { ...opts, ignoreNotFound: true }, requests, []);
  const rows = new Map<string, { row: string[]; sig: string }>();
  const name = opts.output === 'name';
  const info = requests[0].info;
  const tableOpts = {
    wide: opts.output === 'wide',
    withNamespace: !!opts.allNamespaces && info.namespaced,
    withKind: multipleTypes || !!opts.showKind,
    noHeaders: false,
    showLabels: !!opts.showLabels,
    labelColumns: (opts.labelColumns ?? []).flatMap((l) => l.split(',')).filter((l) => l !== ''),
  };
  const header = name ? [] : tableRows(info, [], now, tableOpts)[0];
  for (const f of found) {
    const key = `${f.obj.metadata.namespace ?? ''}/${f.obj.metadata.name}`;
    const row = name
      ? [objectName(f.obj)]
      : tableRows(f.info, [f.obj], now, { ...tableOpts, noHeaders: true })[0];
    const sig = row.map((c) => (/^(\d+[smhdy])+$|^<unknown>$/.test(c) ? '' : c.replace(/ \(.* ago\)$/, ''))).join('\t');
    rows.set(key, { row, sig });
  }
  return { header, rows };
}

/** The rows that changed between two snapshots: new or changed objects, then deleted ones (their last row). */
export function watchChanges(prev: WatchSnapshot, next: WatchSnapshot): string[][] {
  const out: string[][] = [];
  for (const [k, v] of next.rows) if (prev.rows.get(k)?.sig !== v.sig) out.push(v.row);
  for (const [k, v] of prev.rows) if (!next.rows.has(k)) out.push(v.row);
  return out;
}
