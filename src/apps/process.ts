// A process in a container: its environment (the kubelet's service variables, the container's env), the
// image's binaries, and the simulated shell and tools running against the network engine.
import { stopForegroundCaptures, type CaptureSession } from './tcpdump.js';
import type { ServiceNet } from '../api/projections.js';
import type { Container } from '../api/types.js';
import { containerEnv } from '../cluster/containerconfig.js';
import { containerFs } from '../cluster/volumes.js';
import type { Client, Hop, Net } from '../net/engine.js';
import type { PodHost } from '../net/topology.js';
import { curlVersionOf, findImage, hasBinary, parseImageRef, type ImageSpec } from './images.js';
import { execute, Output, runScript, type ShellHost } from './shell.js';
import { layerKey, type LayerRef } from './layer.js';

export interface ProcessSession {
  host: ShellHost;
  pod: PodHost;
  container: Container;
  session: { elapsedMs: number; traces: { what: string; hops: Hop[] }[] };
}

const svcPrefix = (name: string) => name.toUpperCase().replace(/-/g, '_');

/** kubelet envvars.FromServices: the pod's namespace's services that existed at start, plus `kubernetes`. */
export function serviceEnv(net: Net, pod: PodHost): [string, string][] {
  const started = pod.pod.status?.startTime ?? pod.pod.metadata.creationTimestamp ?? '';
  const out: [string, string][] = [];
  const links = pod.pod.spec?.enableServiceLinks !== false;
  const list: { name: string; ip: string; ports: ServiceNet['ports'] }[] = [];
  // From the services index (name, clusterIP, ports, creation time): the 1,000 Services of a namespace are not read.
  for (const [key, svc] of net.topo.serviceNets) {
    const slash = key.indexOf('/');
    const name = key.slice(slash + 1);
    const inNs = key.slice(0, slash) === pod.namespace;
    const isKubernetes = key === 'default/kubernetes';
    if (!(isKubernetes || (links && inNs))) continue;
    if (inNs && !isKubernetes && (svc.ts ?? '') > started) continue;
    const ip = svc.ip;
    if (!ip || ip === 'None') continue;
    if (isKubernetes && list.some((s) => s.name === 'kubernetes')) continue;
    list.push({ name, ip, ports: svc.ports });
  }
  for (const svc of list) {
    const n = svcPrefix(svc.name);
    const ip = svc.ip;
    const ports = svc.ports;
    if (!ports.length) continue;
    const first = ports[0];
    out.push([`${n}_SERVICE_HOST`, ip], [`${n}_SERVICE_PORT`, String(first.port)]);
    for (const p of ports) if (p.name) out.push([`${n}_SERVICE_PORT_${svcPrefix(p.name)}`, String(p.port)]);
    out.push([`${n}_PORT`, `${(first.protocol ?? 'TCP').toLowerCase()}://${ip}:${first.port}`]);
    for (const p of ports) {
      const proto = (p.protocol ?? 'TCP').toUpperCase();
      const base = `${n}_PORT_${p.port}_${proto}`;
      out.push([base, `${proto.toLowerCase()}://${ip}:${p.port}`], [`${base}_PROTO`, proto.toLowerCase()], [`${base}_PORT`, String(p.port)], [`${base}_ADDR`, ip]);
    }
  }
  return out;
}

function homeOf(image: ImageSpec): string {
  return image.repo === 'curlimages/curl' ? '/home/curl_user' : '/root';
}

export interface OpenOptions {
  images?: readonly ImageSpec[];
  stdoutTTY: boolean;
  tty: boolean;
}

/** Opens a process context in a pod's container (for exec, run, debug). */
export function openProcess(net: Net, pod: PodHost, container: Container, opts: OpenOptions): ProcessSession {
  const imageRef = container.image ?? '';
  const image = findImage(imageRef, opts.images ?? []);
  const vars = new Map<string, string>();
  vars.set('PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  vars.set('HOSTNAME', pod.hostNetwork ? pod.node.name : pod.name);
  const services = serviceEnv(net, pod);
  for (const [k, v] of services) vars.set(k, v);
  // The kubelet's environment for the container (envFrom, env with its refs); a container that could not get
  // one never started, so an error here only happens for a pod made outside the kubelet: plain values then.
  const made = containerEnv(net.state, pod.pod, container, services);
  if ('env' in made) for (const [k, v] of made.env) vars.set(k, v);
  else for (const e of container.env ?? []) vars.set(e.name, e.value ?? '');
  if (opts.tty) vars.set('TERM', 'xterm');
  vars.set('HOME', homeOf(image));
  const session = { elapsedMs: 0, traces: [] as { what: string; hops: Hop[] }[] };
  const client: Client = { kind: 'pod', pod };
  const host: ShellHost = {
    vars,
    image,
    shellName: 'sh',
    lastCode: 0,
    blocked: false,
    stdoutTTY: opts.stdoutTTY,
    proc: { net, client, pod, imageRef, curlVersion: curlVersionOf(imageRef, opts.images ?? []), session, fs: containerFs(net.state, pod.pod, container), layer: layerOf(net, pod, container) },
  };
  return { host, pod, container, session };
}

/** The container instance's writable layer in the store: a restart (restartCount) starts a new one. */
function layerOf(net: Net, pod: PodHost, container: Container): LayerRef {
  const st = pod.pod.status;
  const status = [...(st?.containerStatuses ?? []), ...(st?.initContainerStatuses ?? []), ...(st?.ephemeralContainerStatuses ?? [])].find((c) => c.name === container.name);
  return { objects: net.state.objects, key: layerKey(pod.namespace, pod.name, container.name), instance: `${pod.pod.metadata.uid ?? ''}/${status?.restartCount ?? 0}` };
}

export type StartResult = { kind: 'ran'; code: number; out: Output } | { kind: 'not-found'; binary: string };

/**
 * Starts argv directly (no shell in between), as the runtime does for exec and for a container's main process.
 * A binary the image lacks is a start error, reported by the caller in kubectl's or the kubelet's words.
 */
export function startArgv(p: ProcessSession, argv: string[], stdin: string, stdinBytes?: Buffer): StartResult {
  const bin = argv[0] ?? '';
  // The bytes the client sent, for a tool that reads an archive (tar): stdin is their UTF-8 reading.
  if (stdinBytes) p.host.proc.rawStdin = { text: stdin, bytes: stdinBytes };
  if (!hasBinary(p.host.image, bin) && !(bin.startsWith('/') && hasBinary(p.host.image, bin.slice(bin.lastIndexOf('/') + 1)))) return { kind: 'not-found', binary: bin };
  const out = new Output();
  const code = execute(p.host, argv, stdin, out, p.host.stdoutTTY);
  return { kind: 'ran', code, out };
}

/**
 * Status of a foreground command still running when its bounds ran out (an endless loop, `sleep infinity`):
 * kubesim cannot wait for ever, so it ends it as a killed process ends (SIGKILL, 128 + 9).
 */
export const KILLED_EXIT = 137;

/** One line typed at an interactive shell (or a script read from a piped stdin). */
export function runLine(p: ProcessSession, line: string, out: Output, interactive = true): { code: number; exited: boolean; blocked: boolean } {
  p.host.exited = false;
  (p.session as CaptureSession).lineOut = out;
  let code = runScript(p.host, line, '', out, { interactive });
  const blocked = p.host.blocked;
  if (blocked) {
    stopForegroundCaptures(p.session);
    p.host.blocked = false;
    code = KILLED_EXIT;
  }
  p.host.lastCode = code;
  // A blocked line is one still running: a terminal session waits for Ctrl-C (then $? is 130) instead.
  return { code, exited: !!p.host.exited, blocked };
}

/** Whether the image is a shell-only image under `-it` (its prompt). */
export function promptOf(p: ProcessSession): string {
  if (p.pod.hostNetwork) return `root@${p.pod.node.name}:/# `;
  return p.host.image.prompt || '# ';
}

export { parseImageRef };

/**
 * A process outside any pod: on the workstation, or on a node (kubesim curl --from node/NAME). It is given a
 * stand-in host record (hostNetwork on the node) so tools that ask "where am I" get the node's answers.
 */
export function openHostProcess(net: Net, client: Client, opts: { stdoutTTY: boolean; curlVersion: string }): ProcessSession {
  const node = client.kind === 'node' ? client.node : net.topo.nodes[0];
  const ip = client.kind === 'node' ? client.node.internalIP : net.topo.workstationIP;
  const name = client.kind === 'node' ? client.node.name : 'workstation';
  const fake = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [], hostNetwork: true } };
  const pod: PodHost = { key: `-/${name}`, name, namespace: 'default', ip, node, hostNetwork: true, ready: true, running: true, sockets: [], pod: fake as unknown as PodHost['pod'] };
  const image = findImage('nicolaka/netshoot');
  const session = { elapsedMs: 0, traces: [] as { what: string; hops: Hop[] }[] };
  const host: ShellHost = {
    vars: new Map([['PATH', '/usr/local/bin:/usr/bin:/bin']]),
    image,
    shellName: 'sh',
    lastCode: 0,
    blocked: false,
    stdoutTTY: opts.stdoutTTY,
    proc: { net, client, pod, imageRef: 'curl', curlVersion: opts.curlVersion, session },
  };
  return { host, pod, container: { name }, session };
}
