// `kubesim events`: kubectl's events verb over the Event objects the simulated components record
// (src/cluster/events.ts): its own table (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE), oldest first in Go's
// sort order, --for TYPE/NAME, --types, -A, -o json|yaml|jsonpath, and -w.
import { CommandError, ExitError } from '../api/errors.js';
import { requireResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { humanDuration } from '../util/duration.js';
import { goSortArray } from '../printers/go-sort.js';
import { addGlobalFlags, newCommand, parseArgs } from './common.js';
import type { CliIO } from './io.js';
import { Session } from './session.js';

const HELP = `List the events the simulated cluster's components recorded.

 kubesim's scheduler, kubelet and controllers record events as a real cluster's do. This prints them in
 kubectl's events table, oldest first: the whole namespace, every namespace, or only those about one object.

Examples:
  # List recent events in the default namespace
  kubectl events
  
  # List recent events in all namespaces
  kubectl events --all-namespaces
  
  # List recent events for the specified pod, then wait for more events and list them as they arrive
  kubectl events --for pod/web-pod-13je7 --watch
  
  # List recent events in YAML format
  kubectl events -oyaml
  
  # List recent only events of type 'Warning' or 'Normal'
  kubectl events --types=Warning,Normal

Options:
    -A, --all-namespaces=false:
	Events of every namespace (the namespace flag is then ignored).

    --allow-missing-template-keys=true:
	Accepted for compatibility: a missing key in a jsonpath template is not an error.

    --chunk-size=500:
	Accepted for compatibility; kubesim reads the whole list at once.

    --for='':
	Only the events about this object, given as TYPE/NAME.

    --no-headers=false:
	Leave out the header line of the table.

    -o, --output='':
	Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).

    --show-managed-fields=false:
	Accepted for compatibility; events carry no managedFields here.

    --template='':
	The template for -o jsonpath (golang templates are not supported by kubesim).

    --types=[]:
	Only events of these types (Normal, Warning), comma-separated.

    -w, --watch=false:
	After the list, keep printing events as they are recorded or counted again (until Ctrl-C or --request-timeout).

Usage:
  kubectl events [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file] [--for TYPE/NAME] [--watch] [--types=Normal,Warning] [options]

Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

const FORMATS = 'go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml';
const WATCH_POLL_MS = 250;

interface EventsOptions {
  namespace?: string;
  allNamespaces?: boolean;
  state?: string;
  for?: string;
  types: string[];
  output?: string;
  template?: string;
  noHeaders?: boolean;
  watch?: boolean;
  requestTimeout: string;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const cmd = addGlobalFlags(newCommand('events', io, HELP), { allNamespaces: true });
  cmd
    .option('--for <TYPE/NAME>')
    .option('--types <types>', '', (v: string, prev: string[]) => [...prev, ...v.split(',').map((s) => s.trim())], [] as string[])
    .option('-o, --output <format>')
    .option('--template <template>')
    .option('--no-headers')
    .option('-w, --watch')
    .option('--allow-missing-template-keys')
    .option('--show-managed-fields')
    .option('--chunk-size <n>')
    .option('--request-timeout <duration>', '', '0');
  if (!parseArgs(cmd, argv, 'events')) return 0;
  const o = cmd.opts() as EventsOptions;
  // commander's --no-headers is a negation of "headers"
  const noHeaders = (cmd.opts() as { headers?: boolean }).headers === false;
  for (const t of o.types) {
    if (!['normal', 'warning'].includes(t.toLowerCase())) throw new CommandError('valid --types are Normal or Warning');
  }
  let forKind: string | undefined;
  let forName: string | undefined;
  if (o.for) {
    const parts = o.for.split('/');
    if (parts.length === 1) throw new CommandError('--for must be in resource/name form');
    if (parts.length > 2) throw new CommandError('arguments in resource/name form may not have more than one slash');
    let info;
    try {
      info = requireResource(parts[0]);
    } catch (e) {
      // kubectl prints the RESTMapper's error as is, without "error: ".
      throw new ExitError(1, (e as Error).message);
    }
    forKind = info.kind;
    forName = parts[1] || undefined;
  }
  const output = o.output ?? '';
  const printer = await makePrinter(output, o.template);
  const session = new Session(o, io);
  const namespace = o.allNamespaces ? undefined : session.namespace;
  const pick = (state: ClusterState) => {
    const all = listObjects(state, 'events', namespace).filter((e) => !forName || (involved(e).kind === forKind && involved(e).name === forName));
    // etcd order (namespace, then name), as the API server lists
    return all.sort((a, b) => byteCmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || byteCmp(a.metadata.name, b.metadata.name));
  };
  const typeOk = (e: KubeObject) => o.types.length === 0 || o.types.some((t) => t.toLowerCase() === String(e.type ?? '').toLowerCase());
  const { state } = await session.read();
  if (o.watch) return watch(session, io, pick, typeOk, { allNamespaces: !!o.allNamespaces, noHeaders, printer, timeout: o.requestTimeout });
  // kubectl sorts with Go's unstable sort.Sort: events of the same second keep the order Go leaves them in.
  const events = goSortArray(pick(state).filter(typeOk), (a, b) => eventTime(a) < eventTime(b));
  if (events.length === 0) {
    io.stderr.write(o.allNamespaces ? 'No events found.\n' : `No events found in ${session.namespace} namespace.\n`);
    return 0;
  }
  const now = session.clock.now();
  if (printer) {
    io.stdout.write(printer({ kind: 'EventList', apiVersion: 'v1', metadata: {}, items: events.map(typedEvent) }));
    return 0;
  }
  const rows = events.map((e) => eventRow(e, now, !!o.allNamespaces));
  const { formatTable } = await import('../printers/tabwriter.js');
  io.stdout.write(formatTable(noHeaders ? rows : [header(!!o.allNamespaces), ...rows]));
  return 0;
}

function byteCmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function involved(e: KubeObject): { kind?: string; name?: string } {
  return (e.involvedObject ?? {}) as { kind?: string; name?: string };
}

/** The time kubectl orders by: the series' last observation, else lastTimestamp, else eventTime. */
function eventTime(e: KubeObject): number {
  const series = e.series as { lastObservedTime?: string } | undefined;
  const t = series?.lastObservedTime ?? (e.lastTimestamp as string | undefined) ?? (e.eventTime as string | undefined);
  return t ? Date.parse(t) : -62135596800000; // Go's zero time
}

function header(allNamespaces: boolean): string[] {
  return [...(allNamespaces ? ['NAMESPACE'] : []), 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
}

/** One row: "10m", or "5m2s (x5 over 10m)" for an event counted several times. */
export function eventRow(e: KubeObject, now: Date, allNamespaces: boolean): string[] {
  const since = (t: unknown) => (t ? humanDuration(now.getTime() - Date.parse(String(t))) : '<unknown>');
  const first = e.eventTime ? since(e.eventTime) : since(e.firstTimestamp);
  const series = e.series as { lastObservedTime?: string; count?: number } | undefined;
  const count = Number(e.count ?? 0);
  const interval = series ? `${since(series.lastObservedTime)} (x${series.count} over ${first})` : count > 1 ? `${since(e.lastTimestamp)} (x${count} over ${first})` : first;
  const inv = involved(e);
  const cells = [interval, String(e.type ?? ''), String(e.reason ?? ''), `${inv.kind ?? ''}/${inv.name ?? ''}`, String(e.message ?? '').trim()];
  return allNamespaces ? [e.metadata.namespace ?? '', ...cells] : cells;
}

/** The Event as the typed Go struct encodes it: fields in declaration order, reportingComponent always. */
function typedEvent(e: KubeObject): Record<string, unknown> {
  const m = e.metadata as unknown as Record<string, unknown>;
  const META = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'];
  const inv = (e.involvedObject ?? {}) as Record<string, unknown>;
  const INV = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];
  const src = (e.source ?? {}) as Record<string, unknown>;
  const pick = (obj: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => obj[k] !== undefined && obj[k] !== '').map((k) => [k, obj[k]]));
  const out: Record<string, unknown> = { kind: 'Event', apiVersion: 'v1', metadata: pick(m, META), involvedObject: pick(inv, INV) };
  for (const k of ['reason', 'message']) if (e[k]) out[k] = e[k];
  out.source = pick(src, ['component', 'host']);
  for (const k of ['firstTimestamp', 'lastTimestamp']) out[k] = e[k] ?? null;
  if (e.count) out.count = e.count;
  if (e.type) out.type = e.type;
  out.eventTime = e.eventTime ?? null;
  for (const k of ['series', 'action', 'related']) if (e[k]) out[k] = e[k];
  out.reportingComponent = e.reportingComponent ?? '';
  out.reportingInstance = e.reportingInstance ?? '';
  return out;
}

type Printer = ((list: Record<string, unknown>) => string) | undefined;

async function makePrinter(output: string, template: string | undefined): Promise<Printer> {
  if (output === '') return undefined;
  const eq = output.indexOf('=');
  const format = eq < 0 ? output : output.slice(0, eq);
  const tmpl = eq < 0 ? template : output.slice(eq + 1);
  switch (format) {
    case 'json':
      // encoding/json of the typed list: struct order, four-space indent, HTML-safe escapes
      return (list) => `${JSON.stringify(list, null, 4).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
    case 'yaml': {
      const { goYAML } = await import('../printers/yaml.js');
      return (list) => goYAML(list);
    }
    case 'name':
      // kubectl's name printer finds nothing to name in the typed event list: it prints nothing.
      return () => '';
    case 'jsonpath':
    case 'jsonpath-as-json': {
      if (!tmpl) throw new CommandError('template format specified but no template given');
      const { JSONPath, JSONPathParseError, JSONPathExecError, execErrorText } = await import('../printers/jsonpath.js');
      let jp: InstanceType<typeof JSONPath>;
      try {
        jp = new JSONPath(tmpl);
      } catch (e) {
        if (e instanceof JSONPathParseError) throw new CommandError(`error parsing jsonpath ${tmpl}, ${e.message}`);
        throw e;
      }
      return (list) => {
        try {
          const data = JSON.parse(JSON.stringify(list)) as unknown;
          return jp.execute(data, format === 'jsonpath-as-json');
        } catch (e) {
          if (e instanceof JSONPathExecError) throw new CommandError(execErrorText(tmpl, e, JSON.parse(JSON.stringify(list))));
          throw e;
        }
      };
    }
    case 'go-template':
    case 'go-template-file':
    case 'template':
    case 'templatefile':
    case 'jsonpath-file':
      throw new CommandError(`kubesim does not support -o ${format} for events yet`);
    default:
      throw new CommandError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${FORMATS}`);
  }
}

/**
 * -w: the events there are (unsorted, as a watch replays them), then each event recorded or counted again,
 * found by looking at the cluster a few times a second. Each row is written as kubectl flushes it: alone,
 * so later rows are not aligned with the first ones.
 */
async function watch(
  session: Session,
  io: CliIO,
  pick: (s: ClusterState) => KubeObject[],
  typeOk: (e: KubeObject) => boolean,
  o: { allNamespaces: boolean; noHeaders: boolean; printer: Printer; timeout: string },
): Promise<number> {
  const { formatTable } = await import('../printers/tabwriter.js');
  const { goParseDuration } = await import('../util/goparse.js');
  const t = /^\d+$/.test(o.timeout) ? { ms: Number(o.timeout) * 1000 } : goParseDuration(o.timeout);
  if ('error' in t) throw new CommandError(`invalid argument "${o.timeout}" for "--request-timeout" flag: ${t.error}`);
  const deadline = t.ms > 0 ? Date.now() + t.ms : Infinity;
  const seen = new Map<string, string>();
  let headerDone = o.noHeaders || !!o.printer;
  for (let first = true; Date.now() < deadline; first = false) {
    if (!first) await new Promise((r) => setTimeout(r, Math.min(WATCH_POLL_MS, Math.max(0, deadline - Date.now()))));
    const { state } = await session.read();
    const now = session.clock.now();
    for (const e of pick(state)) {
      const key = `${e.metadata.namespace}/${e.metadata.name}`;
      const version = String(e.metadata.resourceVersion ?? '');
      if (seen.get(key) === version) continue;
      seen.set(key, version);
      if (!typeOk(e)) continue;
      if (o.printer) {
        io.stdout.write(o.printer(typedEvent(e)));
        continue;
      }
      const row = eventRow(e, now, o.allNamespaces);
      io.stdout.write(formatTable(headerDone ? [row] : [header(o.allNamespaces), row]));
      headerDone = true;
    }
  }
  return 0;
}
