// Simulated images as data: what each image's entrypoint does, which binaries it ships, which servers it
// runs and where they listen. Behaviour (HTTP answers, log lines) lives in servers.ts; the shell in shell.ts.
// Users add images with a file (see README "Your own images"): parsed by parseImagesFile, passed in as extra.

/** Where a server binds: every interface, the pod IP only, or the loopback only. */
export type Bind = 'all' | 'podIP' | 'loopback';

export interface ListenSpec {
  port: number;
  protocol: 'TCP' | 'UDP';
  bind: Bind;
}

/** A server process: which app answers, and where it listens. */
export interface ServerProcess {
  kind: 'server';
  app: string;
  listens: ListenSpec[];
  /** App parameters taken from the command line (http-echo -text, kiada version). */
  params: Record<string, string>;
}

/** What a container's main process is: a server, or a command for the simulated shell. */
export type MainProcess = ServerProcess | { kind: 'command'; argv: string[] };

export interface ImageSpec {
  /** Repository (without registry docker.io/library) this spec describes; `*` suffix for a prefix match. */
  repo: string;
  /** Docker ENTRYPOINT and CMD. */
  entrypoint: string[];
  cmd: string[];
  /** Binaries on $PATH (exec/run can start these); "busybox" stands for all busybox applets. */
  binaries: string[];
  /** The interactive shell's prompt (curlimages/curl: "~ $ "). */
  prompt: string;
  /** Tool versions (curl's User-Agent). */
  curlVersion?: string;
  /** A user-defined server (from the images file). */
  user?: UserServer;
}

export interface UserServer {
  ports: number[];
  bind: Bind;
  /** Response template: {hostname} {podIP} {clientIP} {method} {path}. */
  response: string;
  log?: string;
}

const BUSYBOX = ['busybox', 'sh', 'ash'];
const DEBIAN = ['sh', 'bash', 'cat', 'echo', 'env', 'grep', 'head', 'wc', 'hostname', 'sleep', 'ls', 'true', 'false', 'tail', 'sort', 'uniq', 'date', 'seq', 'tar', 'test'];

/** The built-in catalogue. Order matters only for prefix matches. */
export const BUILTIN_IMAGES: ImageSpec[] = [
  { repo: 'nginx', entrypoint: ['/docker-entrypoint.sh'], cmd: ['nginx', '-g', 'daemon off;'], binaries: [...DEBIAN, 'curl', 'nginx'], prompt: '# ', curlVersion: '7.88.1' },
  { repo: 'luksa/kiada', entrypoint: ['node', 'app.js'], cmd: [], binaries: [...DEBIAN, 'curl', 'node', 'wget'], prompt: '# ', curlVersion: '7.74.0' },
  { repo: 'luksa/kubia', entrypoint: ['node', 'app.js'], cmd: [], binaries: [...DEBIAN, 'curl', 'node', 'wget'], prompt: '# ', curlVersion: '7.52.1' },
  { repo: 'demo', entrypoint: ['/demo'], cmd: [], binaries: [...BUSYBOX, 'curl', 'demo'], prompt: '/ # ', curlVersion: '8.5.0' },
  { repo: 'hashicorp/http-echo', entrypoint: ['/http-echo'], cmd: [], binaries: ['http-echo'], prompt: '' },
  { repo: 'registry.k8s.io/e2e-test-images/agnhost', entrypoint: ['/agnhost'], cmd: [], binaries: [...BUSYBOX, 'agnhost', 'curl'], prompt: '/ # ', curlVersion: '8.5.0' },
  { repo: 'registry.k8s.io/coredns/coredns', entrypoint: ['/coredns'], cmd: [], binaries: ['coredns'], prompt: '' },
  { repo: 'registry.k8s.io/ingress-nginx/controller', entrypoint: ['/usr/bin/dumb-init', '--'], cmd: ['/nginx-ingress-controller'], binaries: [...BUSYBOX, 'curl', 'nginx', 'nginx-ingress-controller'], prompt: '$ ', curlVersion: '8.12.1' },
  { repo: 'curlimages/curl', entrypoint: ['/entrypoint.sh'], cmd: ['curl'], binaries: [...BUSYBOX, 'curl'], prompt: '~ $ ', curlVersion: '8.11.1' },
  { repo: 'busybox', entrypoint: [], cmd: ['sh'], binaries: [...BUSYBOX], prompt: '/ # ' },
  { repo: 'alpine', entrypoint: [], cmd: ['/bin/sh'], binaries: [...BUSYBOX], prompt: '/ # ' },
  { repo: 'nicolaka/netshoot', entrypoint: [], cmd: ['zsh'], binaries: [...BUSYBOX, 'bash', 'zsh', 'curl', 'nslookup', 'dig', 'host', 'ip', 'ifconfig', 'ping', 'wget', 'iptables', 'iptables-save', 'ipvsadm', 'conntrack', 'crictl', 'tcpdump', 'traceroute', 'tracepath', 'ss', 'netstat', 'nc'], prompt: ' $ ', curlVersion: '8.7.1' },
];

/**
 * The documented default for an image kubesim does not know: it runs its entrypoint forever (as most images
 * are servers), listens nowhere, and ships a busybox userland, so `exec ... -- sh` works.
 */
export const DEFAULT_IMAGE: ImageSpec = { repo: '*', entrypoint: ['/unknown-entrypoint'], cmd: [], binaries: [...BUSYBOX], prompt: '/ # ' };

/** Splits an image reference into repository (registry docker.io/library dropped) and tag. */
export function parseImageRef(image: string): { repo: string; tag: string } {
  let ref = image.split('@')[0];
  let tag = 'latest';
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) {
    tag = ref.slice(colon + 1);
    ref = ref.slice(0, colon);
  }
  ref = ref.replace(/^docker\.io\//, '').replace(/^index\.docker\.io\//, '').replace(/^library\//, '');
  return { repo: ref, tag };
}

export function findImage(image: string, extra: readonly ImageSpec[] = []): ImageSpec {
  const { repo } = parseImageRef(image);
  for (const list of [extra, BUILTIN_IMAGES]) {
    for (const spec of list) {
      if (spec.repo === repo) return spec;
      if (spec.repo.endsWith('*') && repo.startsWith(spec.repo.slice(0, -1))) return spec;
    }
  }
  return DEFAULT_IMAGE;
}

export function hasBinary(spec: ImageSpec, name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (spec.binaries.includes(base)) return true;
  return spec.binaries.includes('busybox') && BUSYBOX_APPLETS.has(base);
}

export const BUSYBOX_APPLETS = new Set([
  'sh', 'ash', 'cat', 'echo', 'env', 'grep', 'head', 'tail', 'wc', 'hostname', 'sleep', 'ls', 'true', 'false', 'wget', 'nslookup', 'ping',
  'ifconfig', 'ip', 'sort', 'uniq', 'date', 'seq', 'printf', 'test', 'expr', 'id', 'whoami', 'ps', 'uname', 'nc', 'telnet', 'route', 'netstat', 'traceroute', 'mkdir', 'rm', 'touch', 'pwd', 'tar',
]);

/** Docker's rule: command replaces ENTRYPOINT (and drops CMD); args replace CMD. */
export function effectiveArgv(spec: ImageSpec, command: string[] | undefined, args: string[] | undefined): string[] {
  const entry = command && command.length ? command : spec.entrypoint;
  const rest = args && args.length ? args : command && command.length ? [] : spec.cmd;
  return [...entry, ...rest];
}

function flagValue(argv: string[], names: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    for (const n of names) {
      if (a === n && i + 1 < argv.length) return argv[i + 1];
      if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return undefined;
}

/** "host:port", ":port" or "port" -> listen spec (http-echo's -listen). */
function listenAddr(v: string | undefined, fallback: number): ListenSpec {
  if (!v) return { port: fallback, protocol: 'TCP', bind: 'all' };
  const i = v.lastIndexOf(':');
  const host = i >= 0 ? v.slice(0, i) : '';
  const port = Number(i >= 0 ? v.slice(i + 1) : v) || fallback;
  const bind: Bind = host === '127.0.0.1' || host === 'localhost' ? 'loopback' : host === '' || host === '0.0.0.0' || host === '[::]' ? 'all' : 'podIP';
  return { port, protocol: 'TCP', bind };
}

const tcp = (port: number, bind: Bind = 'all'): ListenSpec => ({ port, protocol: 'TCP', bind });

/**
 * What the container's main process is, from the image and the pod's command/args: entrypoint scripts that
 * exec their arguments are followed, known server binaries become servers, anything else is a command.
 */
export function mainProcess(image: string, command: string[] | undefined, args: string[] | undefined, extra: readonly ImageSpec[] = []): MainProcess {
  const spec = findImage(image, extra);
  const { repo, tag } = parseImageRef(image);
  let argv = effectiveArgv(spec, command, args);
  // Entrypoint scripts that exec "$@" (curlimages/curl also prepends curl to flags).
  if (argv[0] === '/entrypoint.sh' && spec.repo === 'curlimages/curl') {
    argv = argv.slice(1);
    if (argv.length === 0 || argv[0].startsWith('-')) argv = ['curl', ...argv];
  } else if (argv[0] === '/docker-entrypoint.sh') {
    argv = argv.slice(1);
  } else if (argv[0] === '/usr/bin/dumb-init') {
    argv = argv.slice(argv[1] === '--' ? 2 : 1);
  }
  const bin = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1);
  if (spec.user && (argv[0] === spec.entrypoint[0] || argv.length === 0)) {
    return { kind: 'server', app: 'user', listens: spec.user.ports.map((p) => tcp(p, spec.user!.bind)), params: { repo } };
  }
  switch (bin) {
    case 'nginx':
      return { kind: 'server', app: 'nginx', listens: [tcp(80)], params: { version: nginxVersion(spec.repo === 'nginx' ? tag : 'latest') } };
    case 'node':
      if (argv[1] === 'app.js' && spec.repo === 'luksa/kiada') {
        return { kind: 'server', app: 'kiada', listens: [tcp(8080)], params: { version: tag === 'latest' ? '0.1' : tag } };
      }
      if (argv[1] === 'app.js' && spec.repo === 'luksa/kubia') return { kind: 'server', app: 'kubia', listens: [tcp(8080)], params: { version: tag } };
      break;
    case 'demo':
      return { kind: 'server', app: 'demo', listens: [tcp(Number(flagValue(argv, ['--port', '-port'])) || 8080)], params: { version: tag } };
    case 'http-echo':
      return {
        kind: 'server',
        app: 'http-echo',
        listens: [listenAddr(flagValue(argv, ['-listen', '--listen']), 5678)],
        params: { text: flagValue(argv, ['-text', '--text']) ?? '' },
      };
    case 'agnhost':
      if (argv[1] === 'netexec' || argv[1] === undefined) {
        return { kind: 'server', app: 'agnhost', listens: [tcp(Number(flagValue(argv, ['--http-port'])) || 8080)], params: {} };
      }
      if (argv[1] === 'serve-hostname') return { kind: 'server', app: 'serve-hostname', listens: [tcp(Number(flagValue(argv, ['--port'])) || 9376)], params: {} };
      break;
    case 'nginx-ingress-controller':
      // Its nginx serves the Ingress rules on 80/443; 8443 is the admission webhook, 10254 health and metrics.
      return { kind: 'server', app: 'ingress-nginx', listens: [tcp(80), tcp(443), tcp(8443), tcp(10254)], params: { version: tag } };
    case 'coredns':
      return { kind: 'server', app: 'coredns', listens: [{ port: 53, protocol: 'UDP', bind: 'all' }, tcp(53), tcp(9153), tcp(8080), tcp(8181)], params: {} };
    case 'unknown-entrypoint':
    // kind's system daemons: they run until stopped and serve nothing the simulation routes to.
    case 'etcd':
    case 'kube-apiserver':
    case 'kube-controller-manager':
    case 'kube-scheduler':
    case 'kube-proxy':
    case 'kindnetd':
    case 'local-path-provisioner':
      return { kind: 'command', argv: ['sleep', 'infinity'] };
  }
  return { kind: 'command', argv };
}

function nginxVersion(tag: string): string {
  const m = /^(\d+\.\d+(?:\.\d+)?)/.exec(tag);
  if (m) return m[1].split('.').length === 2 ? `${m[1]}.0` : m[1];
  if (tag.startsWith('stable')) return '1.26.2';
  return '1.27.3';
}

/** The curl version an image ships (curlimages/curl:<tag> is curl <tag>). */
export function curlVersionOf(image: string, extra: readonly ImageSpec[] = []): string {
  const spec = findImage(image, extra);
  const { tag } = parseImageRef(image);
  if (spec.repo === 'curlimages/curl' && /^\d+\.\d+\.\d+$/.test(tag)) return tag;
  return spec.curlVersion ?? '8.5.0';
}

// ---------------------------------------------------------------------------------------------------------
// The user's images file: its schema, checked when it is loaded (the first problem is reported with its
// field), then turned into specs.

/** The fields an entry of `images:` may have, and what each must be. */
const IMAGE_FIELDS = ['name', 'ports', 'bind', 'response', 'log', 'binaries', 'prompt'];
const BINDS = ['all', 'podIP', 'loopback', '127.0.0.1'];

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v.length > 40 ? `a string (${JSON.stringify(v.slice(0, 40))}...)` : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? 'a list' : 'a mapping';
}

const isMapping = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The first problem with a parsed images file, as `<field>: <what is wrong>` (the caller names the file), or
 * undefined. An empty file is no images; anything else must be `images: [...]` with known fields.
 */
export function imagesDocumentError(doc: unknown): string | undefined {
  if (doc === null || doc === undefined) return undefined;
  if (!isMapping(doc)) return `the file must be a mapping with an "images" list, got ${describeValue(doc)}`;
  for (const k of Object.keys(doc)) if (k !== 'images') return `unknown field "${k}" (the file has one field, "images")`;
  const list = doc.images;
  if (list === null || list === undefined) return undefined;
  if (!Array.isArray(list)) return `images: must be a list, got ${describeValue(list)}`;
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    const at = `images[${i}]`;
    if (!isMapping(e)) return `${at}: must be a mapping, got ${describeValue(e)}`;
    for (const k of Object.keys(e)) {
      if (!IMAGE_FIELDS.includes(k)) return `${at}: unknown field "${k}" (known fields: ${IMAGE_FIELDS.join(', ')})`;
    }
    if (e.name === undefined || e.name === null || e.name === '') return `${at}.name: required`;
    if (typeof e.name !== 'string') return `${at}.name: must be a string, got ${describeValue(e.name)}`;
    if (/\s/.test(e.name) || parseImageRef(e.name).repo === '') return `${at}.name: not an image reference: ${JSON.stringify(e.name)}`;
    if (e.ports !== undefined && e.ports !== null) {
      if (!Array.isArray(e.ports)) return `${at}.ports: must be a list of port numbers, got ${describeValue(e.ports)}`;
      for (let j = 0; j < e.ports.length; j++) {
        const p = e.ports[j];
        if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) return `${at}.ports[${j}]: must be a port number between 1 and 65535, got ${describeValue(p)}`;
      }
    }
    if (e.bind !== undefined && e.bind !== null && !(typeof e.bind === 'string' && BINDS.includes(e.bind))) {
      return `${at}.bind: must be one of "all", "podIP", "loopback", got ${describeValue(e.bind)}`;
    }
    for (const k of ['response', 'log', 'prompt']) {
      const v = e[k];
      if (v !== undefined && v !== null && typeof v !== 'string') return `${at}.${k}: must be a string, got ${describeValue(v)}`;
    }
    if (e.binaries !== undefined && e.binaries !== null) {
      if (!Array.isArray(e.binaries)) return `${at}.binaries: must be a list of names, got ${describeValue(e.binaries)}`;
      for (let j = 0; j < e.binaries.length; j++) {
        const b = e.binaries[j];
        if (typeof b !== 'string' || b === '' || b.includes('/')) return `${at}.binaries[${j}]: must be a command name, got ${describeValue(b)}`;
      }
    }
  }
  return undefined;
}

/** The specs of a parsed images file that imagesDocumentError accepted: `images: [{name, ports, bind, response, binaries}]`. */
export function imagesFromDocument(doc: unknown): ImageSpec[] {
  const list = (doc as { images?: unknown })?.images;
  if (!Array.isArray(list)) return [];
  const out: ImageSpec[] = [];
  for (const raw of list) {
    const e = raw as { name?: string; ports?: number[] | null; bind?: string | null; response?: string | null; log?: string | null; binaries?: string[] | null; prompt?: string | null };
    if (!e?.name) continue;
    const { repo } = parseImageRef(e.name);
    const bind: Bind = e.bind === 'loopback' || e.bind === '127.0.0.1' ? 'loopback' : e.bind === 'podIP' ? 'podIP' : 'all';
    const ports = e.ports ?? [];
    out.push({
      repo,
      entrypoint: ['/user-app'],
      cmd: [],
      binaries: e.binaries ?? [...BUSYBOX],
      prompt: e.prompt ?? '/ # ',
      user: ports.length ? { ports, bind, response: e.response ?? 'Hello from {hostname}\n', log: e.log ?? undefined } : undefined,
    });
    if (!ports.length) out[out.length - 1].entrypoint = ['/unknown-entrypoint'];
  }
  return out;
}
