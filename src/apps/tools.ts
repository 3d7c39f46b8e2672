// The simulated command-line tools a container image may ship: curl, wget, ping, nslookup, ifconfig, ip,
// hostname, cat, env, grep, head, tail, wc, sort, uniq, seq, sleep, date, plus the shell builtins. Each turns
// the network engine's outcomes into the tool's own output, messages and exit codes.
import v8 from 'node:v8';
import { connect, exchange, ping as enginePing, resolveName, type Client, type Conn, type Hop, type Net } from '../net/engine.js';
import { hostsFile, resolvConf } from '../net/dns.js';
import type { PodHost } from '../net/topology.js';
import { parseImageRef } from './images.js';
import type { PodFs } from '../cluster/volumes.js';
import { isBusybox, ls } from './fstools.js';
import type { HttpRequest, HttpResponse } from './servers.js';
import { fsOf, type Output, type ShellHost } from './shell.js';
import { baseFiles, ContainerFs } from './fs.js';
import type { LayerRef } from './layer.js';
import { own } from '../util/own.js';
import { iptables, iptablesSave } from './iptables.js';
import { conntrack, ipvsadm } from './conntrack.js';
import { crictl } from './crictl.js';
import { tar } from './tar.js';
import { dig, host, netstat, ss, traceroute, tracepath } from './nettools.js';
import { dnsExchange, icmpEcho, tcpClose, tcpdump, tcpExchange, tcpFailed, tcpOpen } from './tcpdump.js';

/** A running tool: its argv and streams, and where it runs. */
export interface Proc {
  argv: string[];
  stdin: string;
  out: Output;
  stdoutTTY: boolean;
  host: ShellHost;
  net: Net;
  client: Client;
  /** The pod the process runs in (a hostNetwork pod for `debug node`). */
  pod: PodHost;
  imageRef: string;
  curlVersion: string;
  /** The files of the container's volumes (configMap, secret, downwardAPI, projected, emptyDir). */
  fs?: PodFs;
  /** Where the container's writable layer is kept between commands (none for a process outside a container). */
  layer?: LayerRef;
  /** The exec client's stdin as bytes (text: its UTF-8 reading, the command's stdin). */
  rawStdin?: { text: string; bytes: Buffer };
  /** Shared by every command of one session: simulated time spent and the traces of connections made. */
  session: { elapsedMs: number; traces: { what: string; hops: Hop[] }[] };
}

type Tool = (p: Proc) => number;

/** A century: simulated time a session can spend and still be a date the clock can print. */
const MAX_ELAPSED_MS = 100 * 365 * 24 * 3600 * 1000;

/** Simulated time a command spends (a timeout, a sleep), bounded so that the clock stays a real date. */
export function spend(session: Proc['session'], ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) return;
  session.elapsedMs = Math.min(session.elapsedMs + ms, MAX_ELAPSED_MS);
}

/** A number of seconds a busybox applet takes as an option value, or its error. */
function secondsArg(tool: string, v: string | undefined): number | string {
  const n = v !== undefined && /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : `${tool}: invalid number '${v ?? ''}'\n`;
}

// ---------------------------------------------------------------------------------------------------------
// Text tools

function lines(s: string): string[] {
  if (!s) return [];
  const l = s.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/** The few files kubesim knows of an image, computed from the pod (the base under the writable layer). */
function baseFile(p: Pick<Proc, 'pod' | 'net'>, path: string): string | undefined {
  const pod = p.pod;
  switch (path) {
    case '/etc/resolv.conf':
      return pod.hostNetwork ? `nameserver ${p.net.topo.workstationIP}\noptions ndots:0\n` : resolvConf(p.net.topo, pod.namespace);
    case '/etc/hosts':
      return pod.hostNetwork ? `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${pod.node.internalIP}\t${pod.node.name}\n` : hostsFile(pod);
    case '/etc/hostname':
      return `${hostnameOf(p)}\n`;
    case '/var/run/secrets/kubernetes.io/serviceaccount/namespace':
      return pod.namespace;
  }
  return undefined;
}

baseFiles.read = (host, path) => baseFile((host as ShellHost).proc, path);

const cwdOf = (p: Proc) => p.host.sh?.cwd ?? '/';
const absPath = (p: Proc, path: string) => ContainerFs.normalize(path, cwdOf(p));

/** A file's contents (undefined when missing, null for a directory). */
function readFile(p: Proc, path: string): string | undefined | null {
  return fsOf(p.host).read(absPath(p, path));
}

function cat(p: Proc): number {
  const files = p.argv.slice(1).filter((a) => a !== '-');
  if (files.length === 0) {
    p.out.write(1, p.stdin);
    return 0;
  }
  let code = 0;
  for (const f of files) {
    const text = readFile(p, f);
    if (text === undefined) {
      p.out.write(2, isBusybox(p) ? `cat: can't open '${f}': No such file or directory\n` : `cat: ${f}: No such file or directory\n`);
      code = 1;
    } else if (text === null) {
      p.out.write(2, isBusybox(p) ? `cat: read error: Is a directory\n` : `cat: ${f}: Is a directory\n`);
      code = 1;
    } else p.out.write(1, text);
  }
  return code;
}

/** Arguments split into flag letters and operands. */
function flagsOf(argv: string[]): { flags: Set<string>; ops: string[] } {
  const flags = new Set<string>();
  const ops: string[] = [];
  let done = false;
  for (const a of argv) {
    if (!done && a === '--') done = true;
    else if (!done && /^-[A-Za-z0-9]+$/.test(a)) for (const f of a.slice(1)) flags.add(f);
    else ops.push(a);
  }
  return { flags, ops };
}

function mkdir(p: Proc): number {
  const { flags, ops } = flagsOf(p.argv.slice(1));
  let code = 0;
  for (const d of ops) {
    const e = fsOf(p.host).mkdir(absPath(p, d), flags.has('p'));
    if (e) {
      p.out.write(2, `mkdir: can't create directory '${d}': ${e}\n`);
      code = 1;
    }
  }
  return code;
}

function rm(p: Proc): number {
  const { flags, ops } = flagsOf(p.argv.slice(1));
  let code = 0;
  for (const f of ops) {
    const e = fsOf(p.host).remove(absPath(p, f), flags.has('r') || flags.has('R'));
    if (e && !(flags.has('f') && e.startsWith('No such'))) {
      p.out.write(2, e === 'Is a directory' ? `rm: '${f}' is a directory\n` : `rm: can't remove '${f}': ${e}\n`);
      code = 1;
    }
  }
  return code;
}

function touch(p: Proc): number {
  const { ops } = flagsOf(p.argv.slice(1));
  let code = 0;
  for (const f of ops) {
    const fs = fsOf(p.host);
    const path = absPath(p, f);
    if (fs.exists(path)) continue;
    const e = fs.write(path, '', false);
    if (e) {
      p.out.write(2, `touch: ${f}: No such file or directory\n`);
      code = 1;
    }
  }
  return code;
}

function grep(p: Proc): number {
  let invert = false;
  let ignore = false;
  let count = false;
  let quiet = false;
  let only = false;
  const rest: string[] = [];
  for (const a of p.argv.slice(1)) {
    if (/^-[ivcqoE]+$/.test(a)) {
      invert ||= a.includes('v');
      ignore ||= a.includes('i');
      count ||= a.includes('c');
      quiet ||= a.includes('q');
      only ||= a.includes('o');
    } else rest.push(a);
  }
  const pattern = rest[0];
  if (pattern === undefined) {
    p.out.write(2, 'Usage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n');
    return 2;
  }
  allowLinearRegExpFallback();
  let re: RegExp;
  try {
    re = new RegExp(pattern, ignore ? 'gi' : 'g');
  } catch {
    re = new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), ignore ? 'gi' : 'g');
  }
  const input = rest[1] ? (readFile(p, rest[1]) ?? '') : p.stdin;
  let n = 0;
  for (const l of lines(input)) {
    re.lastIndex = 0;
    const hit = re.test(l) !== invert;
    if (!hit) continue;
    n++;
    if (quiet || count) continue;
    if (only && !invert) {
      re.lastIndex = 0;
      for (const m of l.match(re) ?? []) p.out.write(1, `${m}\n`);
    } else p.out.write(1, `${l}\n`);
  }
  if (count) p.out.write(1, `${n}\n`);
  return n > 0 ? 0 : 1;
}

let linearFallback = false;

/**
 * grep runs a user's pattern on a user's input: V8's backtracking engine can take exponential time on a
 * pattern such as (a+)+$ where grep's automaton takes linear time. V8 falls back to its linear engine when
 * a match backtracks too much, once this flag is set (before the pattern is compiled).
 */
function allowLinearRegExpFallback(): void {
  if (linearFallback) return;
  linearFallback = true;
  try {
    v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  } catch {
    // An engine without the flag backtracks as before.
  }
}

function countArg(argv: string[], def: number): number {
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '-n') return Number(argv[i + 1]);
    if (/^-n\d+$/.test(argv[i])) return Number(argv[i].slice(2));
    if (/^-\d+$/.test(argv[i])) return Number(argv[i].slice(1));
  }
  return def;
}

/**
 * The input of a text tool: its file operands' contents (flags and the values of `valued` flags skipped), or
 * its stdin when it names none. undefined when a file cannot be read (the error written).
 */
function inputOf(p: Proc, valued: string[] = []): { text: string; names: string[] } | undefined {
  const names: string[] = [];
  const argv = p.argv.slice(1);
  for (let i = 0; i < argv.length; i++) {
    if (valued.includes(argv[i])) i++;
    else if (!/^-./.test(argv[i])) names.push(argv[i]);
  }
  if (!names.length) return { text: p.stdin, names };
  let text = '';
  const tool = p.argv[0].slice(p.argv[0].lastIndexOf('/') + 1);
  for (const f of names) {
    const data = f === '-' ? p.stdin : readFile(p, f);
    if (typeof data !== 'string') {
      p.out.write(2, `${tool}: ${isBusybox(p) && tool !== 'head' ? `can't open '${f}'` : f}: ${data === null ? 'Is a directory' : 'No such file or directory'}\n`);
      return undefined;
    }
    text += data;
  }
  return { text, names };
}

function head(p: Proc): number {
  const input = inputOf(p, ['-n']);
  if (!input) return 1;
  p.out.write(1, lines(input.text).slice(0, countArg(p.argv, 10)).map((l) => `${l}\n`).join(''));
  return 0;
}

function tail(p: Proc): number {
  const n = countArg(p.argv, 10);
  const input = inputOf(p, ['-n']);
  if (!input) return 1;
  const l = lines(input.text);
  p.out.write(1, l.slice(Math.max(0, l.length - n)).map((x) => `${x}\n`).join(''));
  return 0;
}

function wc(p: Proc): number {
  const input = inputOf(p);
  if (!input) return 1;
  const s = input.text;
  const name = input.names.length ? ` ${input.names.join(' ')}` : '';
  // Counted in one pass: the input may be megabytes (arrays of its lines or words would not be small).
  let l = 0;
  let w = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) l++;
    const space = c === 32 || (c >= 9 && c <= 13);
    if (!space && !inWord) w++;
    inWord = !space;
  }
  const c = Buffer.byteLength(s);
  const flags = p.argv.slice(1).filter((a) => a.startsWith('-')).join('');
  const busybox = p.host.image.binaries.includes('busybox');
  if (flags.includes('l') && !flags.includes('w') && !flags.includes('c')) p.out.write(1, `${l}${name}\n`);
  else if (flags.includes('w') && !flags.includes('l')) p.out.write(1, `${w}${name}\n`);
  else if (flags.includes('c') && !flags.includes('l')) p.out.write(1, `${c}${name}\n`);
  else p.out.write(1, busybox ? `${String(l).padStart(9)} ${String(w).padStart(9)} ${String(c).padStart(9)}${name}\n` : `${l} ${w} ${c}${name}\n`);
  return 0;
}

function sort(p: Proc): number {
  const input = inputOf(p);
  if (!input) return 2;
  const l = lines(input.text).sort();
  if (p.argv.includes('-r')) l.reverse();
  p.out.write(1, l.map((x) => `${x}\n`).join(''));
  return 0;
}

function uniq(p: Proc): number {
  const withCount = p.argv.includes('-c');
  const out: [string, number][] = [];
  const input = inputOf(p);
  if (!input) return 1;
  for (const l of lines(input.text)) {
    const last = out[out.length - 1];
    if (last && last[0] === l) last[1]++;
    else out.push([l, 1]);
  }
  p.out.write(1, out.map(([l, n]) => (withCount ? `${String(n).padStart(7)} ${l}\n` : `${l}\n`)).join(''));
  return 0;
}

function seq(p: Proc): number {
  const args = p.argv.slice(1);
  if (args.length === 0 || args.length > 3) {
    p.out.write(2, 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: seq [-w] [-s SEP] [FIRST [INC]] LAST\n');
    return 1;
  }
  const a: number[] = [];
  for (const v of args) {
    const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isFinite(n)) {
      p.out.write(2, `seq: invalid number '${v}'\n`);
      return 1;
    }
    a.push(n);
  }
  const [first, last] = a.length >= 2 ? [a[0], a[a.length - 1]] : [1, a[0]];
  const step = a.length === 3 ? a[1] : 1;
  if (step === 0) return 0;
  // Written in pieces, so output past the shell's bound (SHELL_LIMITS.valueBytes) stops it early.
  let lines: string[] = [];
  for (let i = 0, x = first; step > 0 ? x <= last : x >= last; i++, x = first + i * step) {
    lines.push(String(x));
    if (lines.length === 8192) {
      p.out.write(1, `${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length) p.out.write(1, `${lines.join('\n')}\n`);
  return 0;
}

function hostnameOf(p: Pick<Proc, 'pod'>): string {
  return p.pod.hostNetwork ? p.pod.node.name : p.pod.name;
}

function hostname(p: Proc): number {
  if (p.argv[1] === '-i' || p.argv[1] === '-I') p.out.write(1, `${p.pod.ip}${p.argv[1] === '-I' ? ' ' : ''}\n`);
  else p.out.write(1, `${hostnameOf(p)}\n`);
  return 0;
}

function env(p: Proc): number {
  let s = '';
  // a shell's unexported variables are not in the environment
  const exported = p.host.sh?.exported;
  for (const [k, v] of p.host.vars) if (!exported || exported.has(k)) s += `${k}=${v}\n`;
  p.out.write(1, s);
  return 0;
}

function printenv(p: Proc): number {
  if (p.argv[1]) {
    const v = p.host.vars.get(p.argv[1]);
    if (v === undefined) return 1;
    p.out.write(1, `${v}\n`);
    return 0;
  }
  return env(p);
}

function date(p: Proc): number {
  const d = new Date(p.net.ctx.clock.now().getTime() + p.session.elapsedMs);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  p.out.write(1, `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}\n`);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// Interfaces

/** A stable, locally administered MAC for an IP (kernel-random in reality). */
function macFor(ip: string): string {
  let h = 2166136261;
  for (const ch of ip) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const b = [0x0a | ((h & 0xf0) >> 0), (h >>> 8) & 255, (h >>> 16) & 255, (h >>> 24) & 255, (h * 7) & 255, (h * 13) & 255];
  b[0] = (b[0] & 0xfe) | 0x02;
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

function ifconfig(p: Proc): number {
  const pod = p.pod;
  const ip = pod.hostNetwork ? pod.node.internalIP : pod.ip;
  const mac = macFor(ip).toUpperCase();
  const nodeNet = p.net.topo.nodeNet;
  const mask = pod.hostNetwork ? nodeNet.netmask : '255.255.255.255';
  const bcast = pod.hostNetwork ? nodeNet.broadcast : '0.0.0.0';
  const mtu = pod.hostNetwork ? 1500 : p.net.topo.cni.mtu;
  p.out.write(
    1,
    `eth0      Link encap:Ethernet  HWaddr ${mac}  \n` +
      `          inet addr:${ip}  Bcast:${bcast}  Mask:${mask}\n` +
      `          UP BROADCAST RUNNING MULTICAST  MTU:${mtu}  Metric:1\n` +
      `          RX packets:11 errors:0 dropped:0 overruns:0 frame:0\n` +
      `          TX packets:8 errors:0 dropped:0 overruns:0 carrier:0\n` +
      `          collisions:0 txqueuelen:1000 \n` +
      `          RX bytes:1053 (1.0 KiB)  TX bytes:569 (569.0 B)\n` +
      `\n` +
      `lo        Link encap:Local Loopback  \n` +
      `          inet addr:127.0.0.1  Mask:255.0.0.0\n` +
      `          UP LOOPBACK RUNNING  MTU:65536  Metric:1\n` +
      `          RX packets:0 errors:0 dropped:0 overruns:0 frame:0\n` +
      `          TX packets:0 errors:0 dropped:0 overruns:0 carrier:0\n` +
      `          collisions:0 txqueuelen:1000 \n` +
      `          RX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)\n` +
      `\n`,
  );
  return 0;
}

function ip(p: Proc): number {
  const sub = p.argv[1] ?? '';
  const pod = p.pod;
  const addr = pod.hostNetwork ? pod.node.internalIP : pod.ip;
  if ('address'.startsWith(sub) && sub) {
    const nodeNet = p.net.topo.nodeNet;
    // calico gives a pod a /32 (its routes point at a link-local gateway); kindnet an address in the node's /24.
    const calico = p.net.topo.cni.plugin === 'calico';
    const prefix = pod.hostNetwork ? nodeNet.prefix : calico ? 32 : 24;
    const brd = pod.hostNetwork ? nodeNet.broadcast : addr.replace(/\.\d+$/, '.255');
    const tunnel = pod.hostNetwork && pod.node.tunnelIP ? tunnelLink(p, pod.node.tunnelIP) : '';
    p.out.write(
      1,
      `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000\n` +
        `    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n` +
        `    inet 127.0.0.1/8 scope host lo\n` +
        `       valid_lft forever preferred_lft forever\n` +
        `2: eth0@if${5 + (Number(addr.split('.')[3]) % 50)}: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu ${pod.hostNetwork ? 1500 : p.net.topo.cni.mtu} qdisc noqueue state UP \n` +
        `    link/ether ${macFor(addr)} brd ff:ff:ff:ff:ff:ff\n` +
        (prefix === 32 ? `    inet ${addr}/32 scope global eth0\n` : `    inet ${addr}/${prefix} brd ${brd} scope global eth0\n`) +
        `       valid_lft forever preferred_lft forever\n` +
        tunnel,
    );
    return 0;
  }
  if ('route'.startsWith(sub) && sub) {
    if (pod.hostNetwork) {
      p.out.write(1, nodeRoutes(p));
      return 0;
    }
    // A calico pod's only next hop is the link-local 169.254.1.1 that the host's cali* veth answers by proxy ARP.
    const gw = p.net.topo.cni.plugin === 'calico' ? '169.254.1.1' : pod.node.gateway;
    p.out.write(1, `default via ${gw} dev eth0 \n${gw} dev eth0 scope link \n`);
    return 0;
  }
  p.out.write(2, 'Usage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]\n');
  return 1;
}

/**
 * A node's main routing table as its CNI programs it, in the kernel's order (by destination). kindnet: every
 * other node's podCIDR via that node's InternalIP, a host route per local pod through its veth (the ptp plugin).
 * calico (BIRD): a blackhole for each of the node's own IPAM blocks, the other nodes' blocks through the tunnel
 * device (tunl0 for IPIP, vxlan.calico for VXLAN), a link route per local pod through its cali* veth. Then the
 * node network on eth0.
 */
function nodeRoutes(p: Proc): string {
  const topo = p.net.topo;
  const node = p.pod.node;
  const routes: { dst: string; text: string }[] = [];
  const calico = topo.cni.plugin === 'calico';
  const tunnel = topo.cni.encapsulation === 'IPIP' ? 'tunl0' : 'vxlan.calico';
  for (const n of topo.nodes) {
    if (!calico) {
      if (n !== node) routes.push({ dst: n.podCIDR, text: `${n.podCIDR} via ${n.internalIP} dev eth0` });
      continue;
    }
    for (const b of n.podNets) {
      if (n === node) routes.push({ dst: b, text: `blackhole ${b} proto bird` });
      else routes.push({ dst: b, text: tunnel === 'tunl0' ? `${b} via ${n.internalIP} dev tunl0 proto bird onlink` : `${b} via ${n.tunnelIP ?? n.internalIP} dev vxlan.calico onlink` });
    }
  }
  for (const [, pod] of topo.podsThin()) {
    const ip = pod.status?.podIP;
    if (pod.spec?.nodeName !== node.name || pod.spec?.hostNetwork || !ip) continue;
    const hex = macFor(ip).replace(/:/g, '');
    routes.push({ dst: ip, text: calico ? `${ip} dev cali${hex.slice(1)} scope link` : `${ip} dev veth${hex.slice(4)} scope host` });
  }
  const key = (cidr: string) => cidr.split('/')[0].split('.').reduce((n, o) => n * 256 + Number(o), 0);
  routes.sort((a, b) => key(a.dst) - key(b.dst));
  const net = topo.nodeNet;
  return `default via ${topo.workstationIP} dev eth0\n${routes.map((r) => `${r.text}\n`).join('')}${net.network}/${net.prefix} dev eth0 proto kernel scope link src ${node.internalIP}\n`;
}

/** A calico node's tunnel interface as `ip addr` lists it (tunl0 for IPIP, vxlan.calico for VXLAN). */
function tunnelLink(p: Proc, tunnelIP: string): string {
  const cni = p.net.topo.cni;
  if (cni.encapsulation === 'IPIP') {
    return (
      `3: tunl0@NONE: <NOARP,UP,LOWER_UP> mtu ${cni.mtu} qdisc noqueue state UNKNOWN qlen 1000\n` +
      `    link/ipip 0.0.0.0 brd 0.0.0.0\n` +
      `    inet ${tunnelIP}/32 scope global tunl0\n` +
      `       valid_lft forever preferred_lft forever\n`
    );
  }
  return (
    `3: vxlan.calico: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${cni.mtu} qdisc noqueue state UNKNOWN qlen 1000\n` +
    `    link/ether ${macFor(tunnelIP)} brd ff:ff:ff:ff:ff:ff\n` +
    `    inet ${tunnelIP}/32 scope global vxlan.calico\n` +
    `       valid_lft forever preferred_lft forever\n`
  );
}

// ---------------------------------------------------------------------------------------------------------
// DNS and ping

function isBindNslookup(p: Proc): boolean {
  return parseImageRef(p.imageRef).repo === 'nicolaka/netshoot';
}

function nslookup(p: Proc): number {
  const name = p.argv.slice(1).find((a) => !a.startsWith('-'));
  if (!name) {
    p.out.write(2, 'Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n');
    return 1;
  }
  const r = resolveName(p.net, p.client, name);
  dnsExchange(p, r.answer);
  p.session.traces.push({ what: `nslookup ${name}`, hops: r.trace });
  const a = r.answer;
  const { repo, tag } = parseImageRef(p.imageRef);
  const old = repo === 'busybox' && /^1\.(2[0-8]|1\d)/.test(tag);
  const dnsIP = p.net.topo.dnsIP;
  const server = p.pod.hostNetwork ? p.net.topo.workstationIP : dnsIP;
  if (old) {
    let s = `Server:    ${server}\nAddress 1: ${server}${server === dnsIP ? ` kube-dns.kube-system.svc.${p.net.topo.clusterDomain}` : ''}\n\n`;
    if (a.kind === 'nxdomain') {
      p.out.write(1, s);
      p.out.write(2, `nslookup: can't resolve '${name}'\n`);
      return 1;
    }
    s += `Name:      ${name}\n`;
    a.addresses.forEach((ip, i) => (s += `Address ${i + 1}: ${ip}${a.via === 'cluster-dns' ? ` ${reverseName(p, ip, a.fqdn)}` : ''}\n`));
    p.out.write(1, s);
    return 0;
  }
  const bind = isBindNslookup(p);
  if (a.kind === 'nxdomain' && a.noServer) {
    spend(p.session, 15000);
    p.out.write(1, bind ? `;; communications error to ${dnsIP}#53: timed out\n;; no servers could be reached\n\n` : ';; connection timed out; no servers could be reached\n\n');
    return 1;
  }
  let s = `Server:\t\t${server}\nAddress:\t${server}${bind ? '#53' : ':53'}\n\n`;
  if (a.kind === 'nxdomain') {
    p.out.write(1, `${s}** server can't find ${name}: NXDOMAIN\n\n`);
    return 1;
  }
  if (a.cname) s += `${a.fqdn}\tcanonical name = ${a.cname}.\n`;
  for (const ip of a.addresses) s += `Name:\t${a.cname ?? a.fqdn}\nAddress: ${ip}\n`;
  p.out.write(1, `${s}\n`);
  return 0;
}

function reverseName(p: Proc, ip: string, fqdn: string): string {
  const pod = p.net.topo.podByIP.get(ip);
  if (pod && !fqdn.includes('.svc.')) return `${ip.replace(/\./g, '-')}.${pod.namespace}.pod.${p.net.topo.clusterDomain}`;
  return fqdn;
}

// Without spreading into Math.min: a long ping's times are more arguments than a call may take.
const minOf = (xs: number[]) => xs.reduce((a, b) => (b < a ? b : a), Infinity);
const maxOf = (xs: number[]) => xs.reduce((a, b) => (b > a ? b : a), -Infinity);

function pingTool(p: Proc): number {
  let count = Infinity;
  let target: string | undefined;
  for (let i = 1; i < p.argv.length; i++) {
    const a = p.argv[i];
    if (a === '-c') count = Number(p.argv[++i]);
    else if (/^-c\d+$/.test(a)) count = Number(a.slice(2));
    else if (a === '-W' || a === '-w' || a === '-i') i++;
    else if (!a.startsWith('-')) target = a;
  }
  if (!target) {
    p.out.write(2, 'ping: usage error: Destination address required\n');
    return 1;
  }
  if (Number.isNaN(count) || count < 0) {
    p.out.write(2, `ping: invalid number '${p.argv[p.argv.indexOf('-c') + 1] ?? ''}'\n`);
    return 1;
  }
  const r = resolveName(p.net, p.client, target);
  if (r.answer.kind === 'nxdomain') {
    p.out.write(2, `ping: bad address '${target}'\n`);
    return 1;
  }
  const ipAddr = r.answer.addresses[0];
  // Without -c ping runs until interrupted; the simulation stops it after 4 as if Ctrl-C were pressed.
  const n = Number.isFinite(count) ? Math.max(1, count) : 4;
  const res = enginePing(p.net, p.client, ipAddr);
  p.session.traces.push({ what: `ping ${target}`, hops: [...r.trace, ...res.trace] });
  dnsExchange(p, r.answer, ['A']);
  if (n <= 86400) icmpEcho(p, ipAddr, n, res.reply);
  // More than a day of pings (one a second) is a ping still running: the simulation stops there, as for
  // `sleep` of a day or more.
  if (n > 86400) {
    p.host.blocked = true;
    return 0;
  }
  const times: number[] = [];
  if (res.reply) for (let i = 0; i < n; i++) times.push(0.05 + p.net.ctx.random.int(100) / 1000);
  spend(p.session, n * 1000);
  if (isBindNslookup(p)) {
    // netshoot ships iputils ping, with its own layout.
    let t = `PING ${target} (${ipAddr}) 56(84) bytes of data.\n`;
    times.forEach((x, i) => (t += `64 bytes from ${ipAddr}: icmp_seq=${i + 1} ttl=${res.ttl} time=${x.toFixed(3)} ms\n`));
    t += `\n--- ${target} ping statistics ---\n${n} packets transmitted, ${times.length} received, ${res.reply ? 0 : 100}% packet loss, time ${(n - 1) * 1001}ms\n`;
    if (times.length) {
      const avg = times.reduce((a, b) => a + b, 0) / times.length;
      const mdev = Math.sqrt(times.reduce((a, b) => a + (b - avg) ** 2, 0) / times.length);
      t += `rtt min/avg/max/mdev = ${minOf(times).toFixed(3)}/${avg.toFixed(3)}/${maxOf(times).toFixed(3)}/${mdev.toFixed(3)} ms\n`;
    } else t += '\n';
    p.out.write(1, t);
    return res.reply ? 0 : 1;
  }
  let s = `PING ${target} (${ipAddr}): 56 data bytes\n`;
  times.forEach((x, i) => (s += `64 bytes from ${ipAddr}: seq=${i} ttl=${res.ttl} time=${x.toFixed(3)} ms\n`));
  s += `\n--- ${target} ping statistics ---\n${n} packets transmitted, ${times.length} packets received, ${res.reply ? 0 : 100}% packet loss\n`;
  if (times.length) {
    const avg = times.reduce((a, b) => a + b, 0) / times.length;
    s += `round-trip min/avg/max = ${minOf(times).toFixed(3)}/${avg.toFixed(3)}/${maxOf(times).toFixed(3)} ms\n`;
  }
  p.out.write(1, s);
  return res.reply ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP clients

interface Url {
  host: string;
  port: number;
  path: string;
  raw: string;
  hostHeader: string;
  tls: boolean;
}

export function parseUrl(raw: string): Url | undefined {
  const m = /^(?:(https?):\/\/)?([^/:?#]+)(?::(\d+))?([/?][^#]*)?/i.exec(raw);
  if (!m) return undefined;
  const scheme = (m[1] ?? 'http').toLowerCase();
  const defPort = scheme === 'https' ? 443 : 80;
  const port = m[3] ? Number(m[3]) : defPort;
  let path = m[4] ?? '/';
  if (path.startsWith('?')) path = `/${path}`;
  return { host: m[2], port, path, raw, hostHeader: m[3] ? `${m[2]}:${m[3]}` : m[2], tls: scheme === 'https' };
}

function versionAtLeast(v: string, want: string): boolean {
  const a = v.split('.').map(Number);
  const b = want.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** curl's max5data: a 5-wide size or speed. */
function max5(n: number): string {
  if (n < 100000) return String(Math.round(n)).padStart(5);
  if (n < 10000 * 1024) return `${String(Math.floor(n / 1024)).padStart(4)}k`;
  if (n < 100 * 1024 * 1024) return `${(n / 1048576).toFixed(1).padStart(4)}M`;
  return `${String(Math.floor(n / 1048576)).padStart(4)}M`;
}

const METER_HEAD = '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n';
const METER_ZERO = '\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0';

function meterDone(size: number, known: boolean): string {
  const speed = size * 1000;
  const pct = (x: number) => String(x).padStart(3);
  return `\r${pct(100)} ${max5(size)}  ${pct(known ? 100 : 0)} ${max5(size)}  ${pct(0)} ${max5(0)}  ${max5(speed)}  ${max5(0)} --:--:-- --:--:-- --:--:-- ${max5(speed)}\n`;
}

interface CurlOpts {
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  include: boolean;
  head: boolean;
  output?: string;
  writeOut?: string;
  maxTime?: number;
  connectTimeout?: number;
  headers: string[];
  method?: string;
  data?: string;
  fail: boolean;
  insecure: boolean;
  urls: string[];
  /** --resolve HOST:PORT:ADDRESS entries. */
  resolve: string[];
}

const CURL_ARG = new Set(['o', 'w', 'm', 'H', 'X', 'd', 'A', 'u', 'e', 'x', 'T', 'b', 'c', 'r', 'E', 'F']);
const CURL_LONG_ARG: Record<string, string> = {
  '--output': 'o',
  '--write-out': 'w',
  '--max-time': 'm',
  '--header': 'H',
  '--request': 'X',
  '--data': 'd',
  '--data-raw': 'd',
  '--data-binary': 'd',
  '--user-agent': 'A',
  '--connect-timeout': 'connect-timeout',
  '--retry': 'retry',
  '--resolve': 'resolve',
  '--user': 'u',
  '--cookie': 'b',
};

function parseCurl(argv: string[]): CurlOpts | string {
  const o: CurlOpts = { silent: false, showError: false, verbose: false, include: false, head: false, headers: [], fail: false, insecure: false, urls: [], resolve: [] };
  let bad: string | undefined;
  // curl's secs2ms: a non-negative number of seconds that fits a long of milliseconds.
  const seconds = (flag: string, v: string | undefined): number | undefined => {
    const n = v !== undefined && /^\d*\.?\d+(?:[eE][-+]?\d+)?$/.test(v.trim()) ? Number(v) : NaN;
    if (Number.isNaN(n)) bad ??= `option ${flag}: expected a proper numerical parameter`;
    else if (n > 9223372036854775) bad ??= `option ${flag}: the given number is too large`;
    else return n;
    return undefined;
  };
  const set = (f: string, v: string | undefined) => {
    switch (f) {
      case 'o':
        o.output = v;
        break;
      case 'w':
        o.writeOut = v;
        break;
      case 'm':
        o.maxTime = seconds('-m', v);
        break;
      case 'connect-timeout':
        o.connectTimeout = seconds('--connect-timeout', v);
        break;
      case 'H':
        o.headers.push(v ?? '');
        break;
      case 'X':
        o.method = v;
        break;
      case 'd':
        o.data = v;
        break;
      case 'A':
        o.headers.push(`User-Agent: ${v}`);
        break;
      case 'b':
        // A name=value string is sent as the Cookie header (a bare word would name a cookie file).
        if (v?.includes('=')) o.headers.push(`Cookie: ${v}`);
        break;
      case 'resolve':
        o.resolve.push(v ?? '');
        break;
    }
  };
  const flag = (c: string) => {
    switch (c) {
      case 's':
        o.silent = true;
        break;
      case 'S':
        o.showError = true;
        break;
      case 'v':
        o.verbose = true;
        break;
      case 'i':
        o.include = true;
        break;
      case 'I':
        o.head = true;
        break;
      case 'f':
        o.fail = true;
        break;
      case 'k':
        o.insecure = true;
        break;
    }
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      const argName = own(CURL_LONG_ARG, name);
      if (argName) {
        set(argName, inline ?? argv[++i]);
        if (bad) return bad;
      }
      else if (name === '--silent') flag('s');
      else if (name === '--show-error') flag('S');
      else if (name === '--verbose') flag('v');
      else if (name === '--include') flag('i');
      else if (name === '--head') flag('I');
      else if (name === '--fail') flag('f');
      else if (name === '--insecure') flag('k');
      else if (['--location', '--insecure', '--no-keepalive', '--http1.1', '--compressed', '--no-progress-meter', '--fail-with-body'].includes(name)) {
        if (name === '--no-progress-meter') o.silent = o.silent || false;
      } else if (name === '--url') o.urls.push(argv[++i]);
      else return `option ${name}: is unknown`;
    } else if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const c = a[k];
        if (CURL_ARG.has(c)) {
          set(c, k + 1 < a.length ? a.slice(k + 1) : argv[++i]);
          if (bad) return bad;
          break;
        }
        if (!'sSviIfLkN#'.includes(c)) return `option -${c}: is unknown`;
        flag(c);
      }
    } else o.urls.push(a);
  }
  return o;
}

function writeOut(fmt: string, vars: Record<string, string>): string {
  return fmt
    .replace(/%\{([a-z_]+)\}/g, (m, k: string) => own(vars, k) ?? m)
    .replace(/\\n/g, '\n')
    .replace(/\\r/g, '\r')
    .replace(/\\t/g, '\t');
}

function statusLine(r: HttpResponse): string {
  return `HTTP/1.1 ${r.status} ${r.reason}`;
}

function curl(p: Proc): number {
  const parsed = parseCurl(p.argv);
  const err = (text: string) => p.out.write(2, text);
  if (typeof parsed === 'string') {
    err(`curl: ${parsed}\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
    return 2;
  }
  const o = parsed;
  if (o.urls.length === 0) {
    err(`curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
    return 2;
  }
  const showErrors = !o.silent || o.showError;
  const meter = !o.silent && (!p.stdoutTTY || (o.output !== undefined && o.output !== '-'));
  const modern = versionAtLeast(p.curlVersion, '7.82.0');
  const conns = new Map<string, Conn>();
  let exit = 0;
  let connIndex = 0;
  for (const rawUrl of o.urls) {
    const url = parseUrl(rawUrl);
    if (!url) {
      err(`curl: (3) URL rejected: Malformed input to a URL function\n`);
      exit = 3;
      continue;
    }
    if (meter) p.out.write(2, METER_HEAD + METER_ZERO);
    const closing = versionAtLeast(p.curlVersion, '8.3.0') ? '* Closing connection\n' : `* Closing connection ${connIndex}\n`;
    const fail = (code: number, text: string, verboseLines = '') => {
      if (o.verbose) err(verboseLines);
      if (meter) p.out.write(2, `${METER_ZERO}\n`);
      if (o.verbose && verboseLines) err(closing);
      if (showErrors) err(`curl: (${code}) ${text}\n`);
      if (o.writeOut) p.out.write(1, writeOut(o.writeOut, { http_code: '000', response_code: '000', remote_ip: '', remote_port: '', time_total: '0.000000', size_download: '0', url_effective: rawUrl, exitcode: String(code) }));
      exit = code;
    };
    const key = `${url.host}:${url.port}`;
    let conn = conns.get(key);
    const reused = !!conn;
    if (!conn) {
      const pinned = o.resolve.map((e) => e.split(':')).find((e) => e.length === 3 && e[0].toLowerCase() === url.host.toLowerCase() && Number(e[1]) === url.port)?.[2];
      const r = pinned ? { answer: { kind: 'ok' as const, name: url.host, fqdn: url.host, addresses: [pinned], via: 'literal' as const, tried: [] }, trace: [] } : resolveName(p.net, p.client, url.host);
      dnsExchange(p, r.answer);
      if (r.answer.kind === 'nxdomain') {
        if (r.answer.noServer) spend(p.session, 20000);
        p.session.traces.push({ what: `curl ${rawUrl}`, hops: r.trace });
        fail(6, `Could not resolve host: ${url.host}`, `* Could not resolve host: ${url.host}\n`);
        continue;
      }
      const ipAddr = r.answer.addresses[0];
      const c = connect(p.net, p.client, ipAddr, url.port, 'TCP', r.trace);
      p.session.traces.push({ what: `curl ${rawUrl}`, hops: c.trace });
      if (c.flow) c.flow.what = `curl ${rawUrl}`;
      const trying = `*   Trying ${ipAddr}:${url.port}...\n`;
      if (c.kind === 'refused') {
        tcpFailed(p, ipAddr, url.port, 'refused', 0, c.flow?.client);
        fail(7, modern ? `Failed to connect to ${ipAddr} port ${url.port} after 0 ms: Couldn't connect to server` : `Failed to connect to ${ipAddr} port ${url.port}: Connection refused`, `${trying}* connect to ${ipAddr} port ${url.port} failed: Connection refused\n* Failed to connect to ${ipAddr} port ${url.port} after 0 ms: Couldn't connect to server\n`);
        continue;
      }
      if (c.kind === 'timeout') {
        const ct = o.connectTimeout;
        const mt = o.maxTime;
        if (ct !== undefined && (mt === undefined || ct <= mt)) {
          const ms = Math.round(ct * 1000) + 1;
          tcpFailed(p, ipAddr, url.port, 'timeout', ms, c.flow?.client);
          spend(p.session, ms);
          fail(28, `Failed to connect to ${ipAddr} port ${url.port} after ${ms} ms: Timeout was reached`, `${trying}* Connection timed out after ${ms} milliseconds\n`);
        } else if (mt !== undefined) {
          const ms = Math.round(mt * 1000) + 1;
          tcpFailed(p, ipAddr, url.port, 'timeout', ms, c.flow?.client);
          spend(p.session, ms);
          fail(28, `Connection timed out after ${ms} milliseconds`, `${trying}* Connection timed out after ${ms} milliseconds\n`);
        } else {
          // The kernel gives up after its SYN retries (tcp_syn_retries=6, about 130 s).
          const ms = 130000 + p.net.ctx.random.int(2000);
          tcpFailed(p, ipAddr, url.port, 'timeout', ms, c.flow?.client);
          spend(p.session, ms);
          fail(28, modern ? `Failed to connect to ${ipAddr} port ${url.port} after ${ms} ms: Couldn't connect to server` : `Failed to connect to ${ipAddr} port ${url.port}: Connection timed out`, `${trying}* connect to ${ipAddr} port ${url.port} failed: Connection timed out\n`);
        }
        continue;
      }
      conn = c.conn;
      conns.set(key, conn);
      tcpOpen(p, conn);
      if (o.verbose) err(`${trying}* Connected to ${url.host} (${ipAddr}) port ${url.port}${versionAtLeast(p.curlVersion, '8.3.0') ? '' : ` (#${connIndex})`}\n`);
      connIndex++;
    } else {
      p.session.traces.push({ what: `curl ${rawUrl}`, hops: [{ stage: 'dnat', text: `keep-alive: re-using the open connection to ${url.host}:${url.port} (conntrack keeps the same backend ${conn.backendIP}:${conn.backendPort})` }] });
      if (o.verbose) err(`* Re-using existing connection with host ${url.host}\n`);
    }
    const method = o.method ?? (o.head ? 'HEAD' : o.data !== undefined ? 'POST' : 'GET');
    const headers: [string, string][] = [['Host', url.hostHeader], ['User-Agent', `curl/${p.curlVersion}`], ['Accept', '*/*']];
    for (const h of o.headers) {
      const i = h.indexOf(':');
      if (i < 0) continue;
      const name = h.slice(0, i).trim();
      const value = h.slice(i + 1).trim();
      const at = headers.findIndex(([k]) => k.toLowerCase() === name.toLowerCase());
      if (at >= 0) {
        if (value) headers[at] = [name, value];
        else headers.splice(at, 1);
      } else headers.push([name, value]);
    }
    if (o.data !== undefined) {
      headers.push(['Content-Length', String(Buffer.byteLength(o.data))]);
      headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
    }
    const req: HttpRequest = { method, path: url.path, headers, body: o.data };
    // TLS: the API server and kubelet speak it (with a cluster CA curl does not trust); the apps do not.
    const tlsServer = conn.target.kind === 'node';
    if (url.tls && !tlsServer) {
      fail(35, `OpenSSL/3.1.4: error:0A00010B:SSL routines::wrong version number`);
      continue;
    }
    if (url.tls && !o.insecure) {
      fail(60, 'SSL certificate problem: unable to get local issuer certificate\nMore details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the legitimacy of the server and therefore could not\nestablish a secure connection to it. To learn more about this situation and\nhow to fix it, please visit the web page mentioned above.');
      continue;
    }
    const res = exchange(p.net, conn, req, url.tls);
    tcpExchange(p, conn, requestText(req), res);
    spend(p.session, 2);
    if (o.verbose) {
      err(headers.map(([k, v]) => `> ${k}: ${v}`).reduce((s, l) => `${s}${l}\n`, `> ${method} ${url.path} HTTP/1.1\n`) + '> \n');
      err(`< ${statusLine(res)}\n${res.headers.map(([k, v]) => `< ${k}: ${v}\n`).join('')}< \n`);
    }
    const body = method === 'HEAD' ? '' : res.body;
    const size = Buffer.byteLength(body);
    if (o.verbose && (!p.stdoutTTY || o.output !== undefined) && size > 0) err(`{ [${size} bytes data]\n`);
    if (o.fail && res.status >= 400) {
      if (meter) p.out.write(2, '\n');
      if (showErrors) err(`curl: (22) The requested URL returned error: ${res.status}${versionAtLeast(p.curlVersion, '7.76.0') ? '' : ` ${res.reason}`}\n`);
      exit = 22;
      continue;
    }
    const headText = `${statusLine(res)}\r\n${res.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    let payload = '';
    if (o.head || o.include) payload += headText;
    if (!o.head) payload += body;
    if (o.output === undefined || o.output === '-') p.out.write(1, payload);
    if (meter) p.out.write(2, meterDone(size, res.headers.some(([k]) => k === 'Content-Length')));
    if (o.verbose) err(`* Connection #${connIndex - 1} to host ${url.host} left intact\n`);
    if (o.writeOut) {
      p.out.write(
        1,
        writeOut(o.writeOut, {
          http_code: String(res.status),
          response_code: String(res.status),
          remote_ip: conn.dstIP,
          remote_port: String(conn.dstPort),
          local_ip: p.client.kind === 'pod' ? p.client.pod.ip : '',
          time_total: '0.002000',
          time_connect: '0.001000',
          size_download: String(size),
          url_effective: rawUrl,
          num_connects: reused ? '0' : '1',
          exitcode: '0',
        }),
      );
    }
  }
  for (const c of conns.values()) tcpClose(p, c);
  return exit;
}

/** An HTTP/1.1 request as it goes on the wire (what a packet capture counts and shows). */
function requestText(req: HttpRequest): string {
  return `${req.method} ${req.path} HTTP/1.1\r\n${req.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${req.body ?? ''}`;
}

function wget(p: Proc): number {
  let quiet = false;
  let output: string | undefined;
  let url: string | undefined;
  let spider = false;
  let timeoutSecs: number | undefined;
  for (let i = 1; i < p.argv.length; i++) {
    const a = p.argv[i];
    if (a === '-O') output = p.argv[++i];
    else if (a.startsWith('-O')) output = a.slice(2);
    else if (a === '-T') {
      const t = secondsArg('wget', p.argv[++i]);
      if (typeof t === 'string') {
        p.out.write(2, t);
        return 1;
      }
      timeoutSecs = t;
    }
    else if (/^-[qs]+/.test(a) && !a.startsWith('--')) {
      quiet ||= a.includes('q');
      spider ||= a.includes('s');
      if (a.includes('O')) output = a.endsWith('O') ? p.argv[++i] : a.slice(a.indexOf('O') + 1);
    } else if (a === '--spider') spider = true;
    else if (!a.startsWith('-')) url = a;
  }
  if (!url) {
    p.out.write(2, 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n');
    return 1;
  }
  const u = parseUrl(url);
  if (!u) {
    p.out.write(2, `wget: bad address '${url}'\n`);
    return 1;
  }
  const r = resolveName(p.net, p.client, u.host);
  dnsExchange(p, r.answer);
  if (r.answer.kind === 'nxdomain') {
    p.session.traces.push({ what: `wget ${url}`, hops: r.trace });
    p.out.write(2, `wget: bad address '${u.host}'\n`);
    return 1;
  }
  const ipAddr = r.answer.addresses[0];
  if (!quiet) p.out.write(2, `Connecting to ${u.hostHeader} (${ipAddr}:${u.port})\n`);
  const c = connect(p.net, p.client, ipAddr, u.port, 'TCP', r.trace);
  p.session.traces.push({ what: `wget ${url}`, hops: c.trace });
  if (c.flow) c.flow.what = `wget ${url}`;
  if (c.kind !== 'connected') tcpFailed(p, ipAddr, u.port, c.kind, timeoutSecs !== undefined ? timeoutSecs * 1000 : 130000, c.flow?.client);
  if (c.kind === 'refused') {
    p.out.write(2, `wget: can't connect to remote host (${ipAddr}): Connection refused\n`);
    return 1;
  }
  if (c.kind === 'timeout') {
    if (timeoutSecs !== undefined) {
      spend(p.session, timeoutSecs * 1000);
      p.out.write(2, 'wget: download timed out\n');
    } else {
      spend(p.session, 130000);
      p.out.write(2, `wget: can't connect to remote host (${ipAddr}): Connection timed out\n`);
    }
    return 1;
  }
  const wreq: HttpRequest = { method: spider ? 'HEAD' : 'GET', path: u.path, headers: [['Host', u.hostHeader], ['User-Agent', 'Wget'], ['Connection', 'close']] };
  tcpOpen(p, c.conn);
  const res = exchange(p.net, c.conn, wreq);
  tcpExchange(p, c.conn, requestText(wreq), res);
  tcpClose(p, c.conn);
  if (res.status >= 400) {
    p.out.write(2, `wget: server returned error: ${statusLine(res)}\n`);
    return 1;
  }
  if (spider) {
    if (!quiet) p.out.write(2, 'remote file exists\n');
    return 0;
  }
  const toStdout = output === '-';
  const file = output ?? (u.path.split('?')[0].split('/').pop() || 'index.html');
  if (!quiet) p.out.write(2, toStdout ? 'writing to stdout\n' : `saving to '${file}'\n`);
  if (toStdout) p.out.write(1, res.body);
  if (!quiet) {
    const name = toStdout ? '-' : file;
    p.out.write(2, `${name.padEnd(20)} 100% |********************************| ${String(Buffer.byteLength(res.body)).padStart(5)}  0:00:00 ETA\n${toStdout ? 'written to stdout' : `'${file}' saved`}\n`);
  }
  return 0;
}

// busybox nc, for port checks: `nc -zv HOST PORT` (-w SECS bounds the wait).
function nc(p: Proc): number {
  let verbose = false;
  let zero = false;
  let wait: number | undefined;
  const rest: string[] = [];
  for (let i = 1; i < p.argv.length; i++) {
    const a = p.argv[i];
    if (a === '-w') {
      const t = secondsArg('nc', p.argv[++i]);
      if (typeof t === 'string') {
        p.out.write(2, t);
        return 1;
      }
      wait = t;
    }
    else if (/^-[zvnu]+$/.test(a)) {
      verbose ||= a.includes('v');
      zero ||= a.includes('z');
    } else rest.push(a);
  }
  const [host, portText] = rest;
  if (!host || !portText) {
    p.out.write(2, 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\n');
    return 1;
  }
  const port = Number(portText);
  const r = resolveName(p.net, p.client, host);
  dnsExchange(p, r.answer);
  if (r.answer.kind === 'nxdomain') {
    p.out.write(2, `nc: bad address '${host}'\n`);
    return 1;
  }
  const ipAddr = r.answer.addresses[0];
  const c = connect(p.net, p.client, ipAddr, port, 'TCP', r.trace);
  p.session.traces.push({ what: `nc ${host} ${port}`, hops: c.trace });
  if (c.flow) c.flow.what = `nc ${host} ${port}`;
  const label = `${host} (${ipAddr}:${port})`;
  if (c.kind !== 'connected') tcpFailed(p, ipAddr, port, c.kind, (wait ?? 130) * 1000, c.flow?.client);
  if (c.kind === 'refused') {
    p.out.write(2, `nc: ${label}: Connection refused\n`);
    return 1;
  }
  if (c.kind === 'timeout') {
    spend(p.session, (wait ?? 130) * 1000);
    p.out.write(2, `nc: ${label}: Connection timed out\n`);
    return 1;
  }
  if (verbose) p.out.write(2, `${label} open\n`);
  tcpOpen(p, c.conn);
  if (!zero && p.stdin) {
    const res = exchange(p.net, c.conn, { method: 'GET', path: '/', headers: [] });
    tcpExchange(p, c.conn, p.stdin, res);
    p.out.write(1, `HTTP/1.1 ${res.status} ${res.reason}\r\n${res.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${res.body}`);
  }
  tcpClose(p, c.conn);
  return 0;
}

export const TOOLS: Record<string, Tool> = {
  iptables,
  'iptables-save': iptablesSave,
  tcpdump,
  conntrack,
  ipvsadm,
  crictl,
  dig,
  host,
  ss,
  netstat,
  traceroute,
  tracepath,
  nc,
  curl,
  wget,
  ping: pingTool,
  nslookup,
  ifconfig,
  ip,
  hostname,
  cat,
  env,
  printenv,
  grep,
  head,
  tail,
  wc,
  sort,
  uniq,
  seq,
  date,
  ls,
  mkdir,
  rm,
  touch,
  tar,
};
