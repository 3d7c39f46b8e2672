// `tcpdump` in a pod or node shell: it prints the packets of the simulated connections this shell session makes
// while it runs (start it in the background: `tcpdump -i eth0 -n port 80 & curl ...`). The packets are those
// of the engine's connections, seen from the capturing interface: inside a pod, a Service connection goes to
// the ClusterIP and its replies come back from it (kube-proxy's DNAT happens on the node). Format: tcpdump 4.99,
// see docs/packets-facts.md.
import type { Conn } from '../net/engine.js';
import type { DnsAnswer } from '../net/dns.js';
import { CLUSTER_DNS_IP } from '../net/dns.js';
import type { HttpResponse } from './servers.js';
import type { Output } from './sh-core.js';
import type { Proc } from './tools.js';

interface Filter {
  port?: number;
  host?: string;
  proto?: 'tcp' | 'udp' | 'icmp';
}

export interface Capture {
  filter: Filter;
  /** Packets still to print before exiting (-c), Infinity without -c. */
  remaining: number;
  printed: number;
  /** Where it was started: later packets go to the session's current terminal output when there is one. */
  out: Output;
  /** Microseconds past the session clock of the last packet, so packets in one instant keep their order. */
  lastUs: number;
  /** Started with `&`: it outlives its command line. */
  background: boolean;
}

export interface CaptureSession {
  captures?: Capture[];
  /** The output of the command line being run (tcpdump writes there while a later command runs). */
  lineOut?: Output;
  elapsedMs: number;
}

/** One packet as the capturing interface sees it. */
interface Packet {
  src: string;
  sport?: number;
  dst: string;
  dport?: number;
  proto: 'tcp' | 'udp' | 'icmp';
  /** The text after "IP a.b > c.d: ". */
  text: string;
}

function session(p: Proc): CaptureSession {
  return p.session as CaptureSession;
}

function matches(f: Filter, pk: Packet): boolean {
  if (f.proto && f.proto !== pk.proto) return false;
  if (f.port !== undefined && pk.sport !== f.port && pk.dport !== f.port) return false;
  if (f.host !== undefined && pk.src !== f.host && pk.dst !== f.host) return false;
  return true;
}

function stamp(p: Proc, c: Capture): string {
  const base = p.net.ctx.clock.now().getTime() + p.session.elapsedMs;
  const baseUs = base * 1000;
  c.lastUs = Math.max(c.lastUs + 37, baseUs);
  const d = new Date(Math.floor(c.lastUs / 1000));
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(c.lastUs % 1000000).padStart(6, '0')}`;
}

function emit(p: Proc, packets: Packet[]): void {
  const s = session(p);
  if (!s.captures?.length) return;
  for (const c of [...s.captures]) {
    const out = s.lineOut ?? c.out;
    for (const pk of packets) {
      if (c.remaining <= 0 || !matches(c.filter, pk)) continue;
      const a = pk.sport !== undefined ? `${pk.src}.${pk.sport}` : pk.src;
      const b = pk.dport !== undefined ? `${pk.dst}.${pk.dport}` : pk.dst;
      out.write(1, `${stamp(p, c)} IP ${a} > ${b}: ${pk.text}\n`);
      c.printed++;
      c.remaining--;
      if (c.remaining === 0) {
        out.write(2, `${c.printed} packets captured\n${c.printed} packets received by filter\n0 packets dropped by kernel\n`);
        s.captures.splice(s.captures.indexOf(c), 1);
      }
    }
  }
}

/** Whether some tcpdump of this session is listening (tools skip building packets otherwise). */
export function capturing(p: Proc): boolean {
  return !!session(p).captures?.length;
}

/** A deterministic 32-bit initial sequence number for one side of a connection. */
function isn(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of parts.join('|')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** The local address the capturing interface shows for this session's own connections. */
function localIP(p: Proc): string {
  return p.pod.hostNetwork ? p.pod.node.internalIP : p.pod.ip;
}

/** The far end as seen on the capturing interface: the address dialled, except a node's own DNAT. */
function farEnd(p: Proc, conn: Conn): { ip: string; port: number } {
  // On a node, kube-proxy's OUTPUT rules rewrite the destination before the packet reaches eth0.
  if (p.pod.hostNetwork) return { ip: conn.backendIP, port: conn.backendPort };
  return { ip: conn.dstIP, port: conn.dstPort };
}

/** A node's eth0 carries only what leaves the node: a backend on this node is reached through its bridge. */
function onWire(p: Proc, conn: Conn): boolean {
  if (conn.dstIP.startsWith('127.')) return false;
  if (!p.pod.hostNetwork) return true;
  return !(conn.target.kind === 'pod' && conn.target.pod.node === p.pod.node) && !(conn.target.kind === 'node' && conn.target.node === p.pod.node);
}

interface TcpState {
  c: { ip: string; port: number; isn: number; ts: number };
  s: { ip: string; port: number; isn: number; ts: number };
  sent: number;
  received: number;
  mss: number;
}

const tcpStates = new WeakMap<Conn, TcpState>();

function opts(ts: number, ecr: number): string {
  return `options [nop,nop,TS val ${ts} ecr ${ecr}]`;
}

/** The three-way handshake of a new connection. */
export function tcpOpen(p: Proc, conn: Conn): void {
  if (!capturing(p) || !onWire(p, conn)) return;
  const far = farEnd(p, conn);
  const local = localIP(p);
  // The engine's source port for the connection (SNAT keeps ports, so it is the one the pod sent from).
  const lport = conn.seenPort;
  const t0 = isn(local, lport, far.ip, 'ts') % 4000000000;
  const st: TcpState = {
    c: { ip: local, port: lport, isn: isn(local, lport, far.ip, far.port), ts: t0 },
    s: { ip: far.ip, port: far.port, isn: isn(far.ip, far.port, local, lport), ts: (t0 * 7) % 4000000000 },
    sent: 0,
    received: 0,
    mss: p.pod.hostNetwork ? 1460 : 1410,
  };
  tcpStates.set(conn, st);
  const { c, s } = st;
  emit(p, [
    { src: c.ip, sport: c.port, dst: s.ip, dport: s.port, proto: 'tcp', text: `Flags [S], seq ${c.isn}, win 64860, options [mss ${st.mss},sackOK,TS val ${c.ts} ecr 0,nop,wscale 7], length 0` },
    { src: s.ip, sport: s.port, dst: c.ip, dport: c.port, proto: 'tcp', text: `Flags [S.], seq ${s.isn}, ack ${(c.isn + 1) >>> 0}, win 64308, options [mss ${st.mss},sackOK,TS val ${s.ts} ecr ${c.ts},nop,wscale 7], length 0` },
    { src: c.ip, sport: c.port, dst: s.ip, dport: s.port, proto: 'tcp', text: `Flags [.], ack 1, win 507, ${opts(c.ts, s.ts)}, length 0` },
  ]);
}

function isHttpPort(port: number): boolean {
  return port === 80 || port === 8080 || port === 3128 || port === 8000;
}

/** One request and its response on an open connection. */
export function tcpExchange(p: Proc, conn: Conn, request: string, response: HttpResponse): void {
  const st = tcpStates.get(conn);
  if (!st || !capturing(p)) return;
  const { c, s } = st;
  const resText = `HTTP/1.1 ${response.status} ${response.reason}\r\n${response.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${response.body}`;
  const q = Buffer.byteLength(request);
  const r = Buffer.byteLength(resText);
  const http = isHttpPort(s.port);
  const firstLine = (t: string) => t.split('\r\n')[0];
  c.ts += 1;
  s.ts += 1;
  emit(p, [
    { src: c.ip, sport: c.port, dst: s.ip, dport: s.port, proto: 'tcp', text: `Flags [P.], seq ${st.sent + 1}:${st.sent + 1 + q}, ack ${st.received + 1}, win 507, ${opts(c.ts, s.ts)}, length ${q}${http ? `: HTTP: ${firstLine(request)}` : ''}` },
    { src: s.ip, sport: s.port, dst: c.ip, dport: c.port, proto: 'tcp', text: `Flags [.], ack ${st.sent + 1 + q}, win 502, ${opts(s.ts, c.ts)}, length 0` },
    { src: s.ip, sport: s.port, dst: c.ip, dport: c.port, proto: 'tcp', text: `Flags [P.], seq ${st.received + 1}:${st.received + 1 + r}, ack ${st.sent + 1 + q}, win 502, ${opts(s.ts, c.ts)}, length ${r}${http ? `: HTTP: ${firstLine(resText)}` : ''}` },
    { src: c.ip, sport: c.port, dst: s.ip, dport: s.port, proto: 'tcp', text: `Flags [.], ack ${st.received + 1 + r}, win 506, ${opts(c.ts, s.ts)}, length 0` },
  ]);
  st.sent += q;
  st.received += r;
}

/** The client closes: FIN, FIN, ACK. */
export function tcpClose(p: Proc, conn: Conn): void {
  const st = tcpStates.get(conn);
  if (!st || !capturing(p)) return;
  tcpStates.delete(conn);
  const { c, s } = st;
  c.ts += 1;
  s.ts += 1;
  emit(p, [
    { src: c.ip, sport: c.port, dst: s.ip, dport: s.port, proto: 'tcp', text: `Flags [F.], seq ${st.sent + 1}, ack ${st.received + 1}, win 506, ${opts(c.ts, s.ts)}, length 0` },
    { src: s.ip, sport: s.port, dst: c.ip, dport: c.port, proto: 'tcp', text: `Flags [F.], seq ${st.received + 1}, ack ${st.sent + 2}, win 502, ${opts(s.ts, c.ts)}, length 0` },
    { src: c.ip, sport: c.port, dst: s.ip, dport: s.port, proto: 'tcp', text: `Flags [.], ack ${st.received + 2}, win 506, ${opts(c.ts, s.ts)}, length 0` },
  ]);
}

/**
 * A connection that did not open: refused (SYN answered by RST) or unanswered (the SYN and the kernel's
 * retransmissions at 1, 3, 7, 15, 31 and 63 s that fit in `waitedMs`).
 */
export function tcpFailed(p: Proc, ip: string, port: number, kind: 'refused' | 'timeout', waitedMs: number, client?: string): void {
  if (!capturing(p) || ip.startsWith('127.')) return;
  const local = localIP(p);
  // The source port the engine recorded for the attempt (flows), else one derived from the attempt.
  const recorded = client ? Number(client.slice(client.lastIndexOf(':') + 1)) : NaN;
  const lport = Number.isInteger(recorded) && recorded > 0 ? recorded : 32768 + (isn(local, ip, port, p.session.elapsedMs) % 28232);
  const seq = isn(local, lport, ip, port);
  const ts = seq % 4000000000;
  const syn = (t: number) => ({ src: local, sport: lport, dst: ip, dport: port, proto: 'tcp' as const, text: `Flags [S], seq ${seq}, win 64860, options [mss ${p.pod.hostNetwork ? 1460 : 1410},sackOK,TS val ${ts + t} ecr 0,nop,wscale 7], length 0` });
  if (kind === 'refused') {
    emit(p, [syn(0), { src: ip, sport: port, dst: local, dport: lport, proto: 'tcp', text: `Flags [R.], seq 0, ack ${(seq + 1) >>> 0}, win 0, length 0` }]);
    return;
  }
  const packets = [syn(0)];
  for (const at of [1000, 3000, 7000, 15000, 31000, 63000]) if (at < waitedMs) packets.push(syn(at));
  emit(p, packets);
}

function dnsNameLength(name: string): number {
  return name.split('.').filter(Boolean).reduce((n, l) => n + l.length + 1, 0) + 1;
}

/**
 * The UDP queries a resolver sends to kube-dns for a name, with CoreDNS's answers: one A and one AAAA query
 * per name of the search list tried (getaddrinfo asks both), the replies from the Service address.
 */
export function dnsExchange(p: Proc, answer: DnsAnswer, types: ('A' | 'AAAA')[] = ['A', 'AAAA']): void {
  if (!capturing(p) || p.pod.hostNetwork) return;
  if (answer.kind === 'ok' && answer.via !== 'cluster-dns') return;
  const local = localIP(p);
  const tried = answer.tried.length ? answer.tried : [answer.name];
  tried.forEach((name, i) => {
    const sport = 32768 + (isn(local, name, p.session.elapsedMs) % 28232);
    const packets: Packet[] = [];
    const ids = types.map((t) => isn(name, t, sport) % 65536);
    const qlen = 12 + dnsNameLength(name) + 4;
    types.forEach((t, k) => packets.push({ src: local, sport, dst: CLUSTER_DNS_IP, dport: 53, proto: 'udp', text: `${ids[k]}+ ${t}? ${name}. (${qlen})` }));
    const dropped = answer.kind === 'nxdomain' && answer.noServer;
    if (!dropped) {
      const found = answer.kind === 'ok' && i === tried.length - 1;
      types.forEach((t, k) => {
        let text: string;
        if (found && t === 'A') {
          const addrs = (answer as { addresses: string[] }).addresses;
          text = `${ids[k]}*- ${addrs.length}/0/0 ${addrs.map((a) => `A ${a}`).join(', ')} (${qlen + addrs.length * 16})`;
        } else if (found) text = `${ids[k]}*- 0/1/0 (${qlen + 95})`;
        else text = `${ids[k]} NXDomain*- 0/1/0 (${qlen + 95})`;
        packets.push({ src: CLUSTER_DNS_IP, sport: 53, dst: local, dport: sport, proto: 'udp', text });
      });
    }
    emit(p, packets);
  });
}

/** ICMP echo requests (and replies) of a ping. */
export function icmpEcho(p: Proc, ip: string, count: number, reply: boolean): void {
  if (!capturing(p)) return;
  const local = localIP(p);
  const id = isn(local, ip) % 65536;
  const packets: Packet[] = [];
  for (let i = 1; i <= count; i++) {
    packets.push({ src: local, dst: ip, proto: 'icmp', text: `ICMP echo request, id ${id}, seq ${i}, length 64` });
    if (reply) packets.push({ src: ip, dst: local, proto: 'icmp', text: `ICMP echo reply, id ${id}, seq ${i}, length 64` });
  }
  emit(p, packets);
}

const USAGE = `tcpdump version 4.99.4
libpcap version 1.10.4 (with TPACKET_V3)
OpenSSL 3.1.4 24 Oct 2023
Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]
\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]
\t\t[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]
\t\t[ -M secret ] [ --number ] [ --print ] [ -Q in|out|inout ]
\t\t[ -r file ] [ -s snaplen ] [ -T type ] [ --version ]
\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]
\t\t[ --time-stamp-precision precision ] [ --micro ] [ --nano ]
\t\t[ -z postrotate-command ] [ -Z user ] [ expression ]
`;

/** Parses the filter expression kubesim understands: `[tcp|udp|icmp] [and] [port N] [and] [host IP]`. */
function parseFilter(words: string[]): Filter | string {
  const f: Filter = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === 'and' || w === '&&') continue;
    if (w === 'tcp' || w === 'udp' || w === 'icmp') f.proto = w;
    else if (w === 'port' || w === 'host') {
      const v = words[++i];
      if (v === undefined) return `syntax error in filter expression: syntax error`;
      if (w === 'port') {
        if (!/^\d+$/.test(v)) return `unknown port '${v}'`;
        if (Number(v) > 65535) return `illegal port number ${v} > 65535`;
        f.port = Number(v);
      } else f.host = v;
    } else return `can't parse filter expression: syntax error`;
  }
  return f;
}

export function tcpdump(p: Proc): number {
  let iface = 'eth0';
  let count = Infinity;
  let verbose = false;
  const expr: string[] = [];
  for (let i = 1; i < p.argv.length; i++) {
    const a = p.argv[i];
    if (a === '-i' || a === '--interface') iface = p.argv[++i] ?? '';
    else if (a === '-c') {
      const v = p.argv[++i] ?? '';
      if (!/^\d+$/.test(v) || Number(v) === 0) {
        p.out.write(2, `tcpdump: invalid packet count ${v}\n`);
        return 1;
      }
      count = Number(v);
    } else if (a === '-h' || a === '--help') {
      p.out.write(1, USAGE);
      return 0;
    } else if (/^-[nvlqtS#]+$/.test(a)) verbose ||= a.includes('v');
    else if (a.startsWith('-')) {
      p.out.write(2, `tcpdump: invalid option -- '${a.replace(/^-+/, '')[0] ?? ''}'\n${USAGE}`);
      return 1;
    } else expr.push(a);
  }
  if (iface !== 'eth0') {
    p.out.write(2, `tcpdump: ${iface}: No such device exists\n(No such device exists)\n`);
    return 1;
  }
  const filter = parseFilter(expr.join(' ').split(/\s+/).filter(Boolean));
  if (typeof filter === 'string') {
    p.out.write(2, `tcpdump: ${filter}\n`);
    return 1;
  }
  p.out.write(2, `${verbose ? 'tcpdump: ' : 'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n'}listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n`);
  const s = session(p);
  (s.captures ??= []).push({ filter, remaining: count, printed: 0, out: p.out, lastUs: 0, background: !!p.host.background });
  // It captures until interrupted: in the foreground nothing else runs meanwhile, so the shell waits on it.
  p.host.blocked = true;
  return 0;
}

/** A foreground tcpdump stopped with its command line captures no more. */
export function stopForegroundCaptures(s: CaptureSession): void {
  if (s.captures) s.captures = s.captures.filter((c) => c.background);
}
