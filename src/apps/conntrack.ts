// `conntrack -L` and `ipvsadm -Ln` in a node shell. conntrack lists the node's connection-tracking entries
// for the connections the engine recently carried (net/flows.ts), with the NAT kube-proxy's rules applied
// (DNAT to the endpoint, SNAT when masqueraded) and the kernel's TCP timers (TIME_WAIT 120 s after a close,
// SYN_SENT 120 s for an unanswered SYN, CLOSE 10 s after a reset). Formats: docs/packets-facts.md.
import { recentFlows, MAX_FLOWS, type FlowRecord } from '../net/flows.js';
import { sortedRules } from '../net/kube-proxy-rules.js';
import type { Proc } from './tools.js';

const CONNTRACK_VERSION = 'v1.4.8';

function split(addr: string): { ip: string; port: string } {
  const i = addr.lastIndexOf(':');
  return i < 0 ? { ip: addr, port: '0' } : { ip: addr.slice(0, i), port: addr.slice(i + 1) };
}

/** The node a flow's client sits on, from its source ('pod/NS/NAME', 'node/NAME'). */
function clientNode(p: Proc, f: FlowRecord): string | undefined {
  if (f.source.startsWith('node/')) return f.source.slice(5);
  if (f.source.startsWith('pod/')) return p.net.topo.podByKey.get(f.source.slice(4))?.node.name;
  // From the workstation: the node whose address it dialled, or the one that masqueraded it.
  const dst = split(f.dst).ip;
  const snat = f.snat ? split(f.snat).ip : undefined;
  return p.net.topo.nodeByIP.get(dst)?.name ?? (snat ? p.net.topo.nodeByIP.get(snat)?.name : undefined);
}

interface Entry {
  proto: 'tcp' | 'udp';
  timeout: number;
  state?: string;
  orig: [string, string, string, string];
  reply: [string, string, string, string];
  flags: 'ASSURED' | 'UNREPLIED' | '';
}

/** The entries this node keeps for one flow: the client's node tracks the NAT; a backend's node its own leg. */
function entriesOf(p: Proc, f: FlowRecord, ageSecs: number): Entry[] {
  if (f.via === 'loopback' || f.via === 'port-forward') return [];
  const proto = f.protocol === 'UDP' ? 'udp' : 'tcp';
  let timeout: number;
  let state: string | undefined;
  let flags: Entry['flags'];
  if (f.verdict === 'ok') {
    [timeout, state, flags] = proto === 'tcp' ? [120, 'TIME_WAIT', 'ASSURED'] : [30, undefined, ''];
  } else if (f.verdict === 'refused') {
    [timeout, state, flags] = [10, 'CLOSE', ''];
  } else {
    [timeout, state, flags] = [120, 'SYN_SENT', 'UNREPLIED'];
  }
  const left = timeout - ageSecs;
  if (left <= 0) return [];
  const c = split(f.client);
  const d = split(f.dst);
  const back = split(f.dnat ?? f.dst);
  const seen = f.snat ? split(f.snat) : c;
  const here = p.pod.node.name;
  const out: Entry[] = [];
  const from = clientNode(p, f);
  if (from === here) out.push({ proto, timeout: left, state, orig: [c.ip, d.ip, c.port, d.port], reply: [back.ip, seen.ip, back.port, seen.port], flags });
  if (f.backendNode === here && from !== here && f.verdict === 'ok') {
    out.push({ proto, timeout: left, state, orig: [seen.ip, back.ip, seen.port, back.port], reply: [back.ip, seen.ip, back.port, seen.port], flags });
  }
  return out;
}

function line(e: Entry): string {
  const tuple = (t: Entry['orig']) => `src=${t[0]} dst=${t[1]} sport=${t[2]} dport=${t[3]}`;
  const num = e.proto === 'tcp' ? 6 : 17;
  let s = `${e.proto.padEnd(8)} ${num} ${e.timeout} ${e.state ? `${e.state} ` : ''}${tuple(e.orig)} `;
  if (e.flags === 'UNREPLIED') s += '[UNREPLIED] ';
  s += `${tuple(e.reply)} `;
  if (e.flags === 'ASSURED') s += '[ASSURED] ';
  return `${s}mark=0 use=1`;
}

export function conntrack(p: Proc): number {
  const err = (text: string) => {
    p.out.write(2, `conntrack ${CONNTRACK_VERSION} (conntrack-tools): ${text}\nTry \`conntrack -h' or 'conntrack --help' for more information.\n`);
    return 2;
  };
  let list = false;
  let proto: string | undefined;
  let src: string | undefined;
  let dst: string | undefined;
  for (let i = 1; i < p.argv.length; i++) {
    const a = p.argv[i];
    if (a === '-L' || a === '--dump') list = true;
    else if (a === '-p' || a === '--proto') proto = (p.argv[++i] ?? '').toLowerCase();
    else if (a === '-s' || a === '--src' || a === '--orig-src') src = p.argv[++i];
    else if (a === '-d' || a === '--dst' || a === '--orig-dst') dst = p.argv[++i];
    else if (a === '-n' || a === '-o') {
      if (a === '-o') i++;
    } else if (/^-[DEFICUGRA]$/.test(a) || /^--(delete|event|flush|create|update|get)$/.test(a)) {
      return err('kubesim keeps the connection tracking table read-only: use -L');
    } else return err(`unknown option \`${a}'`);
  }
  if (!list) return err('no command specified');
  if (proto !== undefined && proto !== 'tcp' && proto !== 'udp') return err(`proto \`${proto}' not found`);
  if (!p.pod.hostNetwork) {
    // A pod's network namespace has its own (empty) table: kube-proxy's NAT happens on the node.
    p.out.write(2, `conntrack ${CONNTRACK_VERSION} (conntrack-tools): 0 flow entries have been shown.\n`);
    return 0;
  }
  const now = p.net.ctx.clock.now().getTime() + p.session.elapsedMs;
  const entries: Entry[] = [];
  for (const f of recentFlows(p.net.state, MAX_FLOWS)) {
    const age = Math.floor((now - Date.parse(f.time)) / 1000);
    for (const e of entriesOf(p, f, Number.isFinite(age) ? Math.max(0, age) : Infinity)) {
      if (proto !== undefined && e.proto !== proto) continue;
      if (src !== undefined && e.orig[0] !== src) continue;
      if (dst !== undefined && e.orig[1] !== dst) continue;
      entries.push(e);
    }
  }
  p.out.write(1, entries.map((e) => `${line(e)}\n`).join(''));
  p.out.write(2, `conntrack ${CONNTRACK_VERSION} (conntrack-tools): ${entries.length} flow entries have been shown.\n`);
  return 0;
}

/**
 * `ipvsadm -Ln`: in ipvs mode, the virtual servers kube-proxy programs on this node (each ClusterIP, external or
 * load-balancer IP, and each NodePort on the node's IP, scheduler rr, "persistent N" for ClientIP affinity) with
 * one real server per ready endpoint, in ipvsadm's layout. In iptables or nftables mode the module is not
 * loaded, and ipvsadm says so.
 */
export function ipvsadm(p: Proc): number {
  const topo = p.net.topo;
  if (topo.proxyMode !== 'ipvs') {
    p.out.write(2, 'Can\'t initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n');
    return 1;
  }
  const node = p.pod.node;
  const ipKey = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const virtuals: { proto: string; ip: string; port: number; text: string }[] = [];
  for (const { rule, clusterIP, external } of sortedRules(topo)) {
    const addrs: [string, number][] = [];
    if (clusterIP) addrs.push([clusterIP, rule.port]);
    for (const ip of external) addrs.push([ip, rule.port]);
    if (rule.nodePort !== undefined && (rule.type === 'NodePort' || rule.type === 'LoadBalancer')) addrs.push([node.internalIP, rule.nodePort]);
    const reals = (rule.internalLocal ? rule.ready.filter((b) => b.nodeName === node.name) : rule.ready)
      .map((b) => `  -> ${`${b.ip}:${b.port}`.padEnd(28)} ${'Masq'.padEnd(7)} ${'1'.padEnd(6)} ${'0'.padEnd(10)} ${'0'.padEnd(10)}\n`)
      .join('');
    const flags = rule.affinitySeconds > 0 ? ` persistent ${rule.affinitySeconds}` : '';
    for (const [ip, port] of addrs) virtuals.push({ proto: rule.protocol, ip, port, text: `${rule.protocol}  ${ip}:${port} rr${flags}\n${reals}` });
  }
  virtuals.sort((a, b) => (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : 0) || ipKey(a.ip) - ipKey(b.ip) || a.port - b.port);
  p.out.write(1, 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n' + virtuals.map((v) => v.text).join(''));
  return 0;
}
