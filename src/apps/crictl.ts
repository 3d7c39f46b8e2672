// `crictl ps`, `crictl pods` and `crictl images` in a node shell: what the node's container runtime holds for
// the pods the kubelet runs there, read from the cluster state. Container IDs are the ones pod status shows
// (without the runtime's scheme); a pod's sandbox ID is a hash of its uid (the same one the kubelet's
// FailedCreatePodSandBox event names); an image's ID a hash of its repo digest. Layout as cri-tools v1.32
// prints it (Go tabwriter, minwidth 20, padding 3; IDs cut to 13 characters; CREATED as go-units'
// HumanDuration). Formats and sources: docs/packets-facts.md.
import { createHash } from 'node:crypto';
import type { Container, ContainerStatus, KubeObject, Pod } from '../api/types.js';
import { formatTable } from '../printers/tabwriter.js';
import { getObject, listObjects } from '../store/objects.js';
import type { Proc } from './tools.js';

const TRUNCATED_ID_LEN = 13;
const TABLE_MIN_WIDTH = 20;

type PodObj = Pod & KubeObject;

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** The sandbox ID the runtime gave the pod: stable for the pod's life, derived from its uid. */
export function sandboxID(pod: PodObj): string {
  return sha(`sandbox:${pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`}`);
}

/** An image's ID (its config digest) from its repo digest, so that `ps` and `images` agree. */
function imageIDOf(repoDigest: string): string {
  const at = repoDigest.lastIndexOf('@');
  return `sha256:${sha(`image-config:${at < 0 ? repoDigest : repoDigest.slice(at + 1)}`)}`;
}

const truncated = (id: string, prefix = '') => (id.startsWith(prefix) ? id.slice(prefix.length) : id).slice(0, TRUNCATED_ID_LEN);

/** go-units HumanDuration, as crictl's CREATED column prints it (followed by " ago"). */
export function goUnitsHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3600000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3600000) / 24 / 365)} years`;
}

/** go-units HumanSizeWithPrecision(size, 3): decimal units, Go's %.3g. */
export function goUnitsHumanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  let s = size.toPrecision(3);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (m) {
    const mant = m[1].includes('.') ? m[1].replace(/0+$/, '').replace(/\.$/, '') : m[1];
    s = `${mant}e${m[2]}${m[3].padStart(2, '0')}`;
  } else if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return `${s}${units[i]}`;
}

type CState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
const STATE_WORD: Record<CState, string> = { CONTAINER_CREATED: 'Created', CONTAINER_RUNNING: 'Running', CONTAINER_EXITED: 'Exited', CONTAINER_UNKNOWN: 'Unknown' };

interface CriContainer {
  id: string;
  sandbox: string;
  name: string;
  attempt: number;
  imageID: string;
  userImage: string;
  state: CState;
  createdMs: number;
  pod: PodObj;
  restartCount: number;
  spec?: Container;
}

interface CriSandbox {
  id: string;
  pod: PodObj;
  ready: boolean;
  createdMs: number;
}

function podsOnNode(p: Proc): PodObj[] {
  const node = p.pod.node.name;
  return listObjects<Pod>(p.net.state, 'pods').filter((pod) => pod.spec?.nodeName === node);
}

function ms(t: string | undefined, fallback: number): number {
  const v = t ? Date.parse(t) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

/** A pod has a sandbox once the kubelet set it up: it has an address, or some container was created. */
function sandboxOf(pod: PodObj): CriSandbox | undefined {
  const st = pod.status;
  const statuses = [...(st?.initContainerStatuses ?? []), ...(st?.containerStatuses ?? [])];
  if (!st?.podIP && !statuses.some((s) => s.containerID)) return undefined;
  const created = ms(st?.startTime, ms(pod.metadata.creationTimestamp, 0));
  // The kubelet stops the sandbox of a pod whose containers are all done (and of one being deleted).
  const ready = st?.phase !== 'Succeeded' && st?.phase !== 'Failed' && !pod.metadata.deletionTimestamp;
  return { id: sandboxID(pod), pod, ready, createdMs: created };
}

function stateOf(cs: ContainerStatus): CState {
  if (cs.state?.running) return 'CONTAINER_RUNNING';
  if (cs.state?.terminated) return 'CONTAINER_EXITED';
  if (cs.state?.waiting?.reason === 'ContainerCreating' || cs.state?.waiting?.reason === 'PodInitializing') return 'CONTAINER_CREATED';
  return 'CONTAINER_EXITED';
}

function containersOf(pod: PodObj, sandbox: CriSandbox): CriContainer[] {
  const out: CriContainer[] = [];
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    if (!cs.containerID) continue;
    const id = cs.containerID.replace(/^[a-z-]+:\/\//, '');
    const created = ms(cs.state?.running?.startedAt ?? cs.state?.terminated?.startedAt ?? cs.lastState?.terminated?.startedAt, sandbox.createdMs);
    const spec = specs.find((c) => c.name === cs.name);
    out.push({
      id,
      sandbox: sandbox.id,
      name: cs.name,
      attempt: cs.restartCount ?? 0,
      imageID: imageIDOf((cs.imageID ?? '').replace(/^[a-z-]+:\/\//, '') || cs.image || ''),
      userImage: spec?.image ?? cs.image ?? '',
      state: stateOf(cs),
      createdMs: created,
      pod,
      restartCount: cs.restartCount ?? 0,
      spec,
    });
  }
  return out;
}

/** Go's regexp.MatchString as crictl uses it: an empty pattern matches, a bad one matches nothing. */
function matches(pattern: string | undefined, text: string): boolean {
  if (!pattern) return true;
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return false;
  }
}

/** Resolves an ID or a unique prefix of one, as containerd's truncindex does for filters. */
function resolvePrefix(ids: string[], want: string): string {
  const hits = [...new Set(ids.filter((id) => id.startsWith(want)))];
  return hits.length === 1 ? hits[0] : want;
}

// ---- flags (urfave/cli v2: --flag value, --flag=value, -f value, combined short booleans) ----

interface FlagSpec {
  names: string[];
  value: boolean;
}

class UsageError extends Error {}

function parseFlags(args: string[], specs: FlagSpec[]): { flags: Map<string, string>; rest: string[] } {
  const flags = new Map<string, string>();
  const rest: string[] = [];
  const find = (n: string) => specs.find((s) => s.names.includes(n));
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      rest.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const spec = find(name);
    if (spec) {
      const key = spec.names[0];
      if (spec.value) {
        const v = eq >= 0 ? body.slice(eq + 1) : args[++i];
        if (v === undefined) throw new UsageError(`flag needs an argument: -${name}`);
        flags.set(key, v);
      } else flags.set(key, eq >= 0 ? body.slice(eq + 1) : 'true');
      continue;
    }
    // -aq: several short booleans at once
    if (!a.startsWith('--') && body.length > 1 && eq < 0 && [...body].every((ch) => find(ch) && !find(ch)!.value)) {
      for (const ch of body) flags.set(find(ch)!.names[0], 'true');
      continue;
    }
    throw new UsageError(`flag provided but not defined: -${name}`);
  }
  return { flags, rest };
}

const on = (flags: Map<string, string>, k: string) => flags.has(k) && flags.get(k) !== 'false';

function intFlag(flags: Map<string, string>, k: string): number {
  const v = flags.get(k);
  if (v === undefined) return 0;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`invalid value "${v}" for flag -${k}: parse error`);
  return Number(v);
}

// ---- JSON as protojson prints the CRI messages (EmitDefaultValues, two-space indent, int64 as strings) ----

function nanos(msValue: number): string {
  return `${BigInt(Math.trunc(msValue)) * 1000000n}`;
}

const sortedMap = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function podLabels(pod: PodObj): Record<string, string> {
  return { 'io.kubernetes.pod.name': pod.metadata.name, 'io.kubernetes.pod.namespace': pod.metadata.namespace ?? '', 'io.kubernetes.pod.uid': pod.metadata.uid ?? '' };
}

function containerJSON(c: CriContainer): unknown {
  return {
    id: c.id,
    podSandboxId: c.sandbox,
    metadata: { name: c.name, attempt: c.attempt },
    image: { image: c.imageID, annotations: {}, userSpecifiedImage: c.userImage, runtimeHandler: '' },
    imageRef: c.imageID,
    state: c.state,
    createdAt: nanos(c.createdMs),
    labels: sortedMap({ ...podLabels(c.pod), 'io.kubernetes.container.name': c.name }),
    annotations: sortedMap({
      'io.kubernetes.container.hash': sha(`hash:${JSON.stringify(c.spec ?? c.name)}`).slice(0, 8),
      'io.kubernetes.container.restartCount': String(c.restartCount),
      'io.kubernetes.container.terminationMessagePath': c.spec?.terminationMessagePath ?? '/dev/termination-log',
      'io.kubernetes.container.terminationMessagePolicy': c.spec?.terminationMessagePolicy ?? 'File',
      'io.kubernetes.pod.terminationGracePeriod': String(c.pod.spec?.terminationGracePeriodSeconds ?? 30),
    }),
  };
}

function sandboxJSON(s: CriSandbox): unknown {
  return {
    id: s.id,
    metadata: { name: s.pod.metadata.name, uid: s.pod.metadata.uid ?? '', namespace: s.pod.metadata.namespace ?? '', attempt: 0 },
    state: s.ready ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY',
    createdAt: nanos(s.createdMs),
    labels: sortedMap({ ...(s.pod.metadata.labels ?? {}), ...podLabels(s.pod), 'io.kubernetes.pod.name': s.pod.metadata.name }),
    annotations: sortedMap({ ...(s.pod.metadata.annotations ?? {}) }),
    runtimeHandler: '',
  };
}

function newestFirst<T extends { createdMs: number }>(list: T[]): T[] {
  return list.map((v, i) => ({ v, i })).sort((a, b) => b.v.createdMs - a.v.createdMs || a.i - b.i).map((x) => x.v);
}

function limit<T>(list: T[], latest: boolean, last: number): T[] {
  let n = list.length;
  if (latest) n = 1;
  if (last > 0) n = last;
  return list.slice(0, Math.min(n, list.length));
}

function output(p: Proc, format: string, key: string, items: unknown[]): number | undefined {
  if (format === 'table') return undefined;
  if (format === 'json') {
    p.out.write(1, `${JSON.stringify({ [key]: items }, null, 2)}\n`);
    return 0;
  }
  if (format === 'yaml') return fatal(p, 'kubesim prints crictl lists as a table or as json; yaml is not simulated');
  return fatal(p, `unsupported output format "${format}"`);
}

/** logrus's fatal line: its terminal form on a TTY, key=value otherwise. */
function fatal(p: Proc, msg: string): number {
  if (p.stdoutTTY) {
    p.out.write(2, `FATA[0000] ${msg}\n`);
    return 1;
  }
  p.out.write(2, `time="${new Date(p.net.ctx.clock.now().getTime() + p.session.elapsedMs).toISOString().replace(/\.\d+Z$/, 'Z')}" level=fatal msg="${msg.replace(/"/g, '\\"')}"\n`);
  return 1;
}

// ---- the subcommands ----

const PS_FLAGS: FlagSpec[] = [
  { names: ['all', 'a'], value: false },
  { names: ['quiet', 'q'], value: false },
  { names: ['name'], value: true },
  { names: ['pod', 'p'], value: true },
  { names: ['id'], value: true },
  { names: ['namespace'], value: true },
  { names: ['state', 's'], value: true },
  { names: ['output', 'o'], value: true },
  { names: ['latest', 'l'], value: false },
  { names: ['last', 'n'], value: true },
  { names: ['no-trunc'], value: false },
];

function ps(p: Proc, args: string[]): number {
  const { flags, rest } = parseFlags(args, PS_FLAGS);
  if (rest.length) throw new UsageError('');
  const latest = on(flags, 'latest');
  const last = intFlag(flags, 'last');
  const stateArg = flags.get('state');
  let want: CState | undefined = on(flags, 'all') ? undefined : 'CONTAINER_RUNNING';
  if (stateArg !== undefined && stateArg !== '') {
    const st = ({ created: 'CONTAINER_CREATED', running: 'CONTAINER_RUNNING', exited: 'CONTAINER_EXITED', unknown: 'CONTAINER_UNKNOWN' } as Record<string, CState>)[stateArg.toLowerCase()];
    if (!st) return fatal(p, 'listing containers: list containers: --state should be one of created, running, exited or unknown');
    want = st;
  }
  if (latest || last > 0) want = undefined;
  const sandboxes = podsOnNode(p).map(sandboxOf).filter((s): s is CriSandbox => s !== undefined);
  let all = sandboxes.flatMap((s) => containersOf(s.pod, s));
  const podFilter = flags.get('pod');
  const idFilter = flags.get('id');
  const podID = podFilter ? resolvePrefix(sandboxes.map((s) => s.id), podFilter) : undefined;
  const id = idFilter ? resolvePrefix(all.map((c) => c.id), idFilter) : undefined;
  all = all.filter((c) => (!podID || c.sandbox === podID) && (!id || c.id === id) && (!want || c.state === want));
  all = all.filter((c) => matches(flags.get('name'), c.name) && matches(flags.get('namespace'), c.pod.metadata.namespace ?? ''));
  const list = limit(newestFirst(all), latest, last);
  const done = output(p, flags.get('output') ?? 'table', 'containers', list.map(containerJSON));
  if (done !== undefined) return done;
  if (on(flags, 'quiet')) {
    p.out.write(1, list.map((c) => `${c.id}\n`).join(''));
    return 0;
  }
  const now = p.net.ctx.clock.now().getTime() + p.session.elapsedMs;
  const full = on(flags, 'no-trunc');
  const rows = [['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD', 'NAMESPACE']];
  for (const c of list) {
    rows.push([
      full ? c.id : truncated(c.id),
      full ? c.imageID : truncated(c.imageID, 'sha256:'),
      `${goUnitsHumanDuration(now - c.createdMs)} ago`,
      STATE_WORD[c.state],
      c.name,
      String(c.attempt),
      full ? c.sandbox : truncated(c.sandbox),
      c.pod.metadata.name,
      c.pod.metadata.namespace ?? '',
    ]);
  }
  p.out.write(1, formatTable(rows, TABLE_MIN_WIDTH));
  return 0;
}

const PODS_FLAGS: FlagSpec[] = [
  { names: ['quiet', 'q'], value: false },
  { names: ['name'], value: true },
  { names: ['namespace'], value: true },
  { names: ['id'], value: true },
  { names: ['state', 's'], value: true },
  { names: ['output', 'o'], value: true },
  { names: ['latest', 'l'], value: false },
  { names: ['last', 'n'], value: true },
  { names: ['no-trunc'], value: false },
];

function pods(p: Proc, args: string[]): number {
  const { flags, rest } = parseFlags(args, PODS_FLAGS);
  if (rest.length) throw new UsageError('');
  const stateArg = flags.get('state');
  let ready: boolean | undefined;
  if (stateArg !== undefined && stateArg !== '') {
    const s = stateArg.toLowerCase();
    if (s !== 'ready' && s !== 'notready') return fatal(p, '--state should be ready or notready');
    ready = s === 'ready';
  }
  let all = podsOnNode(p).map(sandboxOf).filter((s): s is CriSandbox => s !== undefined);
  const idFilter = flags.get('id');
  const id = idFilter ? resolvePrefix(all.map((s) => s.id), idFilter) : undefined;
  all = all.filter((s) => (!id || s.id === id) && (ready === undefined || s.ready === ready));
  all = all.filter((s) => matches(flags.get('name'), s.pod.metadata.name) && matches(flags.get('namespace'), s.pod.metadata.namespace ?? ''));
  const list = limit(newestFirst(all), on(flags, 'latest'), intFlag(flags, 'last'));
  const done = output(p, flags.get('output') ?? 'table', 'items', list.map(sandboxJSON));
  if (done !== undefined) return done;
  if (on(flags, 'quiet')) {
    p.out.write(1, list.map((s) => `${s.id}\n`).join(''));
    return 0;
  }
  const now = p.net.ctx.clock.now().getTime() + p.session.elapsedMs;
  const rows = [['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME']];
  for (const s of list) {
    rows.push([
      on(flags, 'no-trunc') ? s.id : truncated(s.id),
      `${goUnitsHumanDuration(now - s.createdMs)} ago`,
      s.ready ? 'Ready' : 'NotReady',
      s.pod.metadata.name,
      s.pod.metadata.namespace ?? '',
      '0',
      '(default)',
    ]);
  }
  p.out.write(1, formatTable(rows, TABLE_MIN_WIDTH));
  return 0;
}

const IMAGES_FLAGS: FlagSpec[] = [
  { names: ['quiet', 'q'], value: false },
  { names: ['digests'], value: false },
  { names: ['no-trunc'], value: false },
  { names: ['output', 'o'], value: true },
];

interface CriImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
}

function images(p: Proc, args: string[]): number {
  const { flags, rest } = parseFlags(args, IMAGES_FLAGS);
  if (rest.length > 1) throw new UsageError('');
  const node = getObject<{ status?: { images?: { names?: string[]; sizeBytes?: number }[] } }>(p.net.state, 'nodes', undefined, p.pod.node.name);
  let list: CriImage[] = (node?.status?.images ?? []).map((img) => {
    const names = (img.names ?? []).filter((n) => typeof n === 'string');
    const repoDigests = names.filter((n) => n.includes('@'));
    const repoTags = names.filter((n) => !n.includes('@'));
    return { id: imageIDOf(repoDigests[0] ?? repoTags[0] ?? ''), repoTags, repoDigests, size: Number(img.sizeBytes) || 0 };
  });
  const ref = rest[0];
  if (ref !== undefined) {
    const full = ref.includes(':') || ref.includes('@') ? ref : `${ref}:latest`;
    const norm = (r: string) => (r.includes('/') ? (r.split('/')[0].includes('.') ? r : `docker.io/${r}`) : `docker.io/library/${r}`);
    list = list.filter((i) => [...i.repoTags, ...i.repoDigests].some((n) => n === full || n === norm(full) || i.id === ref || i.id === `sha256:${ref}`));
  }
  const key = (i: CriImage) => i.repoTags[0] ?? i.repoDigests[0] ?? i.id;
  list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const format = flags.get('output') ?? 'table';
  const done = output(p, format, 'images', list.map((i) => ({ id: i.id, repoTags: i.repoTags, repoDigests: i.repoDigests, size: String(i.size), uid: null, username: '', spec: null, pinned: false })));
  if (done !== undefined) return done;
  if (on(flags, 'quiet')) {
    p.out.write(1, list.map((i) => `${i.id}\n`).join(''));
    return 0;
  }
  const digests = on(flags, 'digests');
  const noTrunc = on(flags, 'no-trunc');
  const rows = [digests ? ['IMAGE', 'TAG', 'DIGEST', 'IMAGE ID', 'SIZE'] : ['IMAGE', 'TAG', 'IMAGE ID', 'SIZE']];
  for (const i of list) {
    const name = i.repoDigests[0] ? i.repoDigests[0].slice(0, i.repoDigests[0].indexOf('@')) : '<none>';
    const digest = i.repoDigests[0] ? i.repoDigests[0].slice(i.repoDigests[0].indexOf('@') + 1) : '<none>';
    const pairs = i.repoTags.length ? i.repoTags.map((t) => [t.slice(0, t.lastIndexOf(':')), t.slice(t.lastIndexOf(':') + 1)]) : [[name, '<none>']];
    const id = noTrunc ? i.id : truncated(i.id, 'sha256:');
    for (const [repo, tag] of pairs) rows.push(digests ? [repo, tag, noTrunc ? digest : truncated(digest, 'sha256:'), id, goUnitsHumanSize(i.size)] : [repo, tag, id, goUnitsHumanSize(i.size)]);
  }
  p.out.write(1, formatTable(rows, TABLE_MIN_WIDTH));
  return 0;
}

const SUBCOMMANDS: Record<string, (p: Proc, args: string[]) => number> = { ps, pods, images, image: images, img: images };
const NOT_SIMULATED = new Set(['attach', 'create', 'exec', 'version', 'imagefsinfo', 'inspect', 'inspecti', 'inspectp', 'logs', 'port-forward', 'pull', 'run', 'runp', 'rm', 'rmi', 'rmp', 'start', 'info', 'stop', 'stopp', 'update', 'config', 'stats', 'statsp', 'metricsp', 'checkpoint', 'events', 'update-runtime-config', 'completion']);

export function crictl(p: Proc): number {
  // Only the node's own shell reaches the runtime's socket (a node-debug pod, or a hostNetwork pod on it);
  // from a pod's own filesystem the socket is not there, and crictl fails to connect as it would.
  if (!p.pod.hostNetwork) {
    return fatal(
      p,
      'validate service connection: validate CRI v1 runtime API for endpoint "unix:///run/containerd/containerd.sock": rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: no such file or directory"',
    );
  }
  const args = p.argv.slice(1);
  // global flags that take a value (runtime endpoint, config, timeout) are accepted and change nothing here
  let i = 0;
  for (; i < args.length && args[i].startsWith('-'); i++) {
    if (/^(-r|--runtime-endpoint|-i|--image-endpoint|-c|--config|-t|--timeout)$/.test(args[i])) i++;
    else if (!/^(--debug|-D|--runtime-endpoint=.*|--image-endpoint=.*|--config=.*|--timeout=.*)$/.test(args[i])) {
      p.out.write(2, `Incorrect Usage: flag provided but not defined: -${args[i].replace(/^--?/, '').replace(/=.*$/, '')}\n\n`);
      return fatal(p, `flag provided but not defined: -${args[i].replace(/^--?/, '').replace(/=.*$/, '')}`);
    }
  }
  const sub = args[i];
  if (sub === undefined) {
    p.out.write(1, 'NAME:\n   crictl - client for CRI\n\nUSAGE:\n   crictl [global options] command [command options]\n\nkubesim simulates: ps, pods, images\n');
    return 0;
  }
  const run = Object.prototype.hasOwnProperty.call(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!run) {
    if (NOT_SIMULATED.has(sub)) return fatal(p, `kubesim simulates crictl ps, pods and images; "${sub}" is not simulated`);
    p.out.write(2, `No help topic for '${sub}'\n`);
    return 3;
  }
  try {
    return run(p, args.slice(i + 1));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) {
      p.out.write(2, `Incorrect Usage: ${e.message}\n\n`);
      return fatal(p, e.message);
    }
    return fatal(p, `crictl ${sub}: unexpected arguments`);
  }
}
