// Network diagnostics in a pod or node shell: dig and host (BIND 9.18), ss (iproute2) and netstat (busybox)
// listing the pod's listening sockets, traceroute (busybox) hop by hop along the engine's route. Each asks
// the engine (DNS answers, sockets from the pod's images, routes from the topology). Formats and their sources:
// docs/packets-facts.md.
import { ping as enginePing, resolveName } from '../net/engine.js';
import { CLUSTER_DNS_IP, clusterLookup, searchList } from '../net/dns.js';
import type { Socket } from '../net/topology.js';
import { isIPv4 } from '../util/ip.js';
import { dnsExchange } from './tcpdump.js';
import { spend, type Proc } from './tools.js';

export const DIG_VERSION = '9.18.27';

function hashOf(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of parts.join('|')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/**
 * BIND's master-file layout: each field starts at a tab stop (TTL at column 24, class 32, type 40, data 48),
 * reached with tabs (8 wide); a field that already passed its column is followed by one space.
 */
function tabTo(text: string, at: number): string {
  let col = 0;
  for (const ch of text) col = ch === '\t' ? (Math.floor(col / 8) + 1) * 8 : col + 1;
  if (col >= at) return `${text} `;
  let s = text;
  while (col < at) {
    s += '\t';
    col = (Math.floor(col / 8) + 1) * 8;
  }
  return s;
}

interface DnsResult {
  status: 'NOERROR' | 'NXDOMAIN';
  answers: { name: string; ttl: number; type: string; data: string }[];
  authority: { name: string; ttl: number; type: string; data: string }[];
  aa: boolean;
  ra: boolean;
}

/** CoreDNS's reply to one question (the kubernetes plugin for the cluster zone, its forwarder otherwise). */
function coreDnsAnswer(p: Proc, qname: string, qtype: string): DnsResult {
  const topo = p.net.topo;
  const name = qname.replace(/\.$/, '').toLowerCase();
  const zone = topo.clusterDomain;
  const inZone = name === zone || name.endsWith(`.${zone}`);
  const serial = Math.floor(p.net.ctx.clock.now().getTime() / 1000);
  const soa = inZone
    ? { name: `${zone}.`, ttl: 30, type: 'SOA', data: `ns.dns.${zone}. hostmaster.${zone}. ${serial} 7200 1800 86400 30` }
    : { name: '.', ttl: 30, type: 'SOA', data: `a.root-servers.net. nstld.verisign-grs.com. 2026120600 1800 900 604800 86400` };
  const hit = inZone ? clusterLookup(topo, name) : undefined;
  if (!hit) return { status: 'NXDOMAIN', answers: [], authority: [soa], aa: inZone, ra: !inZone };
  const answers: DnsResult['answers'] = [];
  if (hit.cname) answers.push({ name: `${name}.`, ttl: 30, type: 'CNAME', data: `${hit.cname.replace(/\.$/, '')}.` });
  if (qtype === 'A') for (const a of hit.addresses) answers.push({ name: `${(hit.cname ?? name).replace(/\.$/, '')}.`, ttl: 30, type: 'A', data: a });
  return { status: 'NOERROR', answers, authority: answers.length ? [] : [soa], aa: true, ra: false };
}

function rrLine(r: { name: string; ttl: number; type: string; data: string }): string {
  return `${tabTo(tabTo(tabTo(tabTo(r.name, 24) + String(r.ttl), 32) + 'IN', 40) + r.type, 48)}${r.data}`;
}

function whenText(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

function nameLength(name: string): number {
  return name.split('.').filter(Boolean).reduce((n, l) => n + l.length + 1, 0) + 1;
}

/**
 * Whether a DNS server address answers this client: kube-dns (the Service) or a CoreDNS pod, unless the
 * query is dropped (no ready CoreDNS, a NetworkPolicy) as the engine decides for the same query.
 */
function serverAnswers(p: Proc, server: string, probe: string): boolean {
  const topo = p.net.topo;
  const isKubeDns = server === CLUSTER_DNS_IP;
  const pod = topo.podByIP.get(server);
  const isCoreDns = !!pod && pod.sockets.some((s) => s.process.app === 'coredns' && s.port === 53);
  if (!isKubeDns && !isCoreDns) return false;
  if (isKubeDns && !topo.dnsServing) return false;
  if (p.client.kind === 'pod' && !p.pod.hostNetwork) {
    const a = resolveName(p.net, p.client, `${probe}.`);
    if (a.answer.kind === 'nxdomain' && a.answer.noServer) return false;
  }
  return true;
}

/** The nameserver a tool uses by default: kube-dns in a pod, the node's (Docker's) resolver on a node. */
function defaultServer(p: Proc): string {
  return p.pod.hostNetwork ? '172.18.0.1' : CLUSTER_DNS_IP;
}

export function dig(p: Proc): number {
  let server: string | undefined;
  let qname: string | undefined;
  let qtype = 'A';
  let short = false;
  let search = false;
  const given: string[] = [];
  for (const a of p.argv.slice(1)) {
    if (a.startsWith('@')) server = a.slice(1);
    else if (a === '+short') short = true;
    else if (a === '+search') search = true;
    else if (a.startsWith('+')) continue;
    else if (/^(A|AAAA|CNAME|SOA|NS|SRV|PTR|TXT|MX|ANY)$/i.test(a) && qname !== undefined) qtype = a.toUpperCase();
    else if (a.startsWith('-')) {
      p.out.write(2, `Invalid option: ${a}\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n            {global-d-opt} host [@local-server] {local-d-opt}\n            [ host [@local-server] {local-d-opt} [...]]\n\nUse "dig -h" (or "dig -h | more") for complete list of options\n`);
      return 1;
    } else qname = a;
    given.push(a);
  }
  qname ??= '.';
  const srv = server ?? defaultServer(p);
  if (server !== undefined && !isIPv4(server)) {
    p.out.write(2, `dig: couldn't get address for '${server}': not found\n`);
    return 10;
  }
  const header = `\n; <<>> DiG ${DIG_VERSION} <<>> ${given.join(' ')}\n${server !== undefined ? '; (1 server found)\n' : ''};; global options: +cmd\n`;
  // With +search, a name with fewer than ndots dots is tried with the pod's search list first.
  let names = [qname.endsWith('.') ? qname : `${qname}.`];
  if (search && !qname.endsWith('.') && qname.split('.').length - 1 < 5 && !p.pod.hostNetwork) {
    names = [...searchList(p.net.topo, p.pod.namespace).map((s) => `${qname}.${s}.`), `${qname}.`];
  }
  const reachable = p.pod.hostNetwork ? false : serverAnswers(p, srv, names[0]);
  dnsExchange(p, resolveName(p.net, p.client, qname).answer, ['A']);
  if (!reachable) {
    spend(p.session, 15000);
    if (!short) p.out.write(1, header);
    p.out.write(1, `;; communications error to ${srv}#53: timed out\n`.repeat(3));
    if (!short) p.out.write(1, `;; no servers could be reached\n\n`);
    else p.out.write(1, `;; no servers could be reached\n`);
    return 9;
  }
  let res = coreDnsAnswer(p, names[0], qtype);
  let asked = names[0];
  for (const n of names) {
    res = coreDnsAnswer(p, n, qtype);
    asked = n;
    if (res.status === 'NOERROR') break;
  }
  if (short) {
    p.out.write(1, res.answers.map((a) => `${a.data}\n`).join(''));
    return 0;
  }
  const id = hashOf(asked, qtype, p.session.elapsedMs) % 65536;
  const cookie = hashOf('cookie', p.pod.key).toString(16).padStart(8, '0') + hashOf('c2', p.pod.key).toString(16).padStart(8, '0');
  const flags = ['qr', ...(res.aa ? ['aa'] : []), 'rd', ...(res.ra ? ['ra'] : [])].join(' ');
  let s = header;
  s += `;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: ${res.status}, id: ${id}\n`;
  s += `;; flags: ${flags}; QUERY: 1, ANSWER: ${res.answers.length}, AUTHORITY: ${res.authority.length}, ADDITIONAL: 1\n`;
  if (!res.ra) s += ';; WARNING: recursion requested but not available\n';
  s += `\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n; COOKIE: ${cookie} (echoed)\n`;
  s += `;; QUESTION SECTION:\n${tabTo(tabTo(`;${asked}`, 32) + 'IN', 40)}${qtype}\n\n`;
  if (res.answers.length) s += `;; ANSWER SECTION:\n${res.answers.map((r) => `${rrLine(r)}\n`).join('')}\n`;
  if (res.authority.length) s += `;; AUTHORITY SECTION:\n${res.authority.map((r) => `${rrLine(r)}\n`).join('')}\n`;
  const size = 12 + nameLength(asked) + 4 + 23 + res.answers.reduce((n, a) => n + (a.type === 'A' ? 16 : 12 + nameLength(a.data)), 0) + res.authority.length * 70;
  s += `;; Query time: 0 msec\n;; SERVER: ${srv}#53(${srv}) (UDP)\n;; WHEN: ${whenText(new Date(p.net.ctx.clock.now().getTime() + p.session.elapsedMs))}\n;; MSG SIZE  rcvd: ${size}\n\n`;
  p.out.write(1, s);
  return 0;
}

/** `host NAME [SERVER]`: the resolver's search list applies, as with getaddrinfo. */
export function host(p: Proc): number {
  const args = p.argv.slice(1).filter((a) => !a.startsWith('-'));
  const name = args[0];
  if (!name) {
    p.out.write(2, 'Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n            [-R number] [-m flag] [-p port] hostname [server]\n');
    return 1;
  }
  const r = resolveName(p.net, p.client, name);
  dnsExchange(p, r.answer, ['A']);
  const a = r.answer;
  let prefix = '';
  if (args[1]) prefix = `Using domain server:\nName: ${args[1]}\nAddress: ${args[1]}#53\nAliases: \n\n`;
  if (a.kind === 'nxdomain' && a.noServer) {
    spend(p.session, 10000);
    p.out.write(1, `${prefix};; communications error to ${defaultServer(p)}#53: timed out\n;; no servers could be reached\n`);
    return 1;
  }
  if (a.kind === 'nxdomain') {
    p.out.write(1, `${prefix}Host ${name} not found: 3(NXDOMAIN)\n`);
    return 1;
  }
  if (a.via === 'literal') {
    p.out.write(1, `${prefix}Host ${name.split('.').reverse().join('.')}.in-addr.arpa. not found: 3(NXDOMAIN)\n`);
    return 1;
  }
  let s = prefix;
  if (a.cname) s += `${a.fqdn} is an alias for ${a.cname}.\n`;
  for (const ip of a.addresses) s += `${a.cname ?? a.fqdn} has address ${ip}\n`;
  p.out.write(1, s);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// Sockets

/** The command name a server process shows in ss/netstat (the binary its image runs). */
function commOf(s: Socket): string {
  switch (s.process.app) {
    case 'kiada':
    case 'kubia':
      return 'node';
    case 'ingress-nginx':
      return 'nginx';
    case 'user':
      return (s.process.params.repo ?? 'app').split('/').pop() ?? 'app';
    case 'serve-hostname':
      return 'agnhost';
    default:
      return s.process.app;
  }
}

interface Listener {
  proto: 'tcp' | 'udp';
  local: string;
  port: number;
  comm: string;
  pid: number;
  fd: number;
}

/** The listening sockets of the shell's network namespace: the pod's servers, or a node's own daemons. */
function listeners(p: Proc): Listener[] {
  if (p.pod.hostNetwork) {
    const node = p.pod.node;
    const out: Listener[] = [
      { proto: 'tcp', local: '127.0.0.1', port: 10248, comm: 'kubelet', pid: 210, fd: 22 },
      { proto: 'tcp', local: '127.0.0.1', port: 10249, comm: 'kube-proxy', pid: 402, fd: 11 },
      { proto: 'tcp', local: '*', port: 10250, comm: 'kubelet', pid: 210, fd: 24 },
      { proto: 'tcp', local: '*', port: 10256, comm: 'kube-proxy', pid: 402, fd: 10 },
      { proto: 'tcp', local: '127.0.0.1', port: 45633, comm: 'containerd', pid: 104, fd: 11 },
    ];
    if (node.role === 'control-plane') {
      out.push(
        { proto: 'tcp', local: '*', port: 6443, comm: 'kube-apiserver', pid: 560, fd: 3 },
        { proto: 'tcp', local: node.internalIP, port: 2379, comm: 'etcd', pid: 534, fd: 8 },
        { proto: 'tcp', local: '127.0.0.1', port: 2379, comm: 'etcd', pid: 534, fd: 7 },
        { proto: 'tcp', local: node.internalIP, port: 2380, comm: 'etcd', pid: 534, fd: 6 },
        { proto: 'tcp', local: '127.0.0.1', port: 10257, comm: 'kube-controller', pid: 548, fd: 3 },
        { proto: 'tcp', local: '127.0.0.1', port: 10259, comm: 'kube-scheduler', pid: 551, fd: 3 },
      );
    }
    return out.sort((a, b) => a.port - b.port);
  }
  const pod = p.pod;
  return pod.sockets.map((s, i) => ({
    proto: s.protocol === 'UDP' ? ('udp' as const) : ('tcp' as const),
    local: s.bind === 'all' ? '0.0.0.0' : s.bind === 'loopback' ? '127.0.0.1' : pod.ip,
    port: s.port,
    comm: commOf(s),
    pid: 1,
    fd: 3 + i,
  }));
}

const LONG_SOCKET_FLAGS: Record<string, string> = { '--tcp': 't', '--udp': 'u', '--listening': 'l', '--numeric': 'n', '--processes': 'p', '--program': 'p', '--all': 'a' };

/** The selection flags ss and netstat share (-t -u -l -a -n -p; -e -w -4 are accepted and change nothing). */
function socketFlags(argv: string[]): { tcp: boolean; udp: boolean; listening: boolean; numeric: boolean; processes: boolean; all: boolean; bad?: string } {
  const f = { tcp: false, udp: false, listening: false, numeric: false, processes: false, all: false, bad: undefined as string | undefined };
  for (const a of argv.slice(1)) {
    const letters = a.startsWith('--') ? (Object.hasOwn(LONG_SOCKET_FLAGS, a) ? LONG_SOCKET_FLAGS[a] : undefined) : /^-[a-zA-Z]+$/.test(a) ? a.slice(1) : undefined;
    if (letters === undefined) {
      f.bad = a;
      continue;
    }
    for (const ch of letters) {
      if (ch === 't') f.tcp = true;
      else if (ch === 'u') f.udp = true;
      else if (ch === 'l') f.listening = true;
      else if (ch === 'n') f.numeric = true;
      else if (ch === 'p') f.processes = true;
      else if (ch === 'a') f.all = true;
      else if (ch !== 'e' && ch !== 'w' && ch !== '4') f.bad = `-${ch}`;
    }
  }
  if (!f.tcp && !f.udp) f.tcp = f.udp = true;
  return f;
}

/** `ss -tlnp`: iproute2's columns (State, Recv-Q, Send-Q, Local Address:Port, Peer Address:Port, Process). */
export function ss(p: Proc): number {
  const f = socketFlags(p.argv);
  if (f.bad) {
    p.out.write(2, `ss: invalid option -- '${f.bad.replace(/^-+/, '')}'\nUsage: ss [ OPTIONS ]\n       ss [ OPTIONS ] [ FILTER ]\n`);
    return 1;
  }
  // Without -l (or -a) ss lists established sockets: a shell's connections are closed by the time it asks.
  const list = f.listening || f.all ? listeners(p).filter((l) => (l.proto === 'tcp' ? f.tcp : f.udp)) : [];
  const both = f.tcp && f.udp;
  const rows = list.map((l) => {
    const state = l.proto === 'udp' ? 'UNCONN' : 'LISTEN';
    // Send-Q of a listener is its backlog: nginx asks for 511, Go and Node servers get somaxconn (4096).
    return { netid: l.proto, state, recv: '0', send: l.proto === 'udp' ? '0' : l.comm === 'nginx' ? '511' : '4096', local: l.local, port: String(l.port), peer: l.local === '*' ? '*' : '0.0.0.0', peerPort: '*', proc: f.processes ? `users:(("${l.comm}",pid=${l.pid},fd=${l.fd}))` : '' };
  });
  const head = { netid: 'Netid', state: 'State', recv: 'Recv-Q', send: 'Send-Q', local: 'Local Address', port: 'Port', peer: 'Peer Address', peerPort: 'Port', proc: 'Process' };
  const all = [head, ...rows];
  const w = (k: keyof typeof head) => Math.max(...all.map((r) => r[k].length));
  const wl = w('local');
  const wp = w('port');
  const wpe = w('peer');
  const wpp = w('peerPort');
  const line = (r: typeof head) =>
    `${both ? `${r.netid.padEnd(w('netid'))} ` : ''}${r.state.padEnd(w('state'))} ${r.recv.padEnd(w('recv'))} ${r.send.padEnd(w('send'))} ${r.local.padStart(wl)}:${r.port.padEnd(wp)} ${r.peer.padStart(wpe)}:${r.peerPort.padEnd(wpp)}${r.proc}`.replace(/\s+$/, '');
  p.out.write(1, all.map((r) => `${line(r)}\n`).join(''));
  return 0;
}

/** busybox `netstat -tlnp`. */
export function netstat(p: Proc): number {
  const f = socketFlags(p.argv);
  if (f.bad) {
    p.out.write(2, `netstat: unrecognized option: ${f.bad.replace(/^-+/, '')}\nBusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: netstat [-ral] [-tuwx] [-enWp]\n`);
    return 1;
  }
  const list = f.listening || f.all ? listeners(p).filter((l) => (l.proto === 'tcp' ? f.tcp : f.udp)) : [];
  let s = `Active Internet connections ${f.listening && !f.all ? '(only servers)' : f.all ? '(servers and established)' : '(w/o servers)'}\n`;
  s += `Proto Recv-Q Send-Q ${'Local Address'.padEnd(23)} ${'Foreign Address'.padEnd(23)} State       ${f.processes ? 'PID/Program name    ' : ''}\n`;
  for (const l of list) {
    const local = `${l.local === '*' ? ':::' : `${l.local}:`}${l.port}`;
    const foreign = l.local === '*' ? ':::*' : '0.0.0.0:*';
    const proto = l.proto.padEnd(4);
    s += `${proto}  ${'0'.padStart(6)} ${'0'.padStart(6)} ${local.padEnd(23)} ${foreign.padEnd(23)} ${(l.proto === 'tcp' ? 'LISTEN' : '').padEnd(12)}`;
    if (f.processes) s += `${l.pid}/${l.comm}`;
    s += '\n';
  }
  p.out.write(1, s);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// traceroute

interface Hop {
  ip: string;
}

/**
 * The routers a probe passes on the simulated network: the pod's node (its pod-network gateway), the node
 * that hosts the destination (the route to another node's podCIDR is via its InternalIP), then the
 * destination. A ClusterIP is not an address anything owns: probes (UDP to high ports, which no Service port
 * matches) leave through the node's default route and are lost.
 */
function pathTo(p: Proc, ip: string): { hops: Hop[]; reached: boolean } {
  const topo = p.net.topo;
  const here = p.pod.node;
  const first = p.pod.hostNetwork ? [] : [{ ip: here.gateway }];
  const pod = topo.podByIP.get(ip);
  if (pod) {
    if (pod.node === here) return { hops: p.pod.hostNetwork ? [{ ip }] : [{ ip }], reached: true };
    return { hops: [...first, { ip: pod.node.internalIP }, { ip }], reached: true };
  }
  const node = topo.nodeByIP.get(ip);
  if (node) {
    if (node === here) return { hops: [{ ip }], reached: true };
    return { hops: [...first, { ip: node.internalIP }], reached: true };
  }
  const reply = enginePing(p.net, p.client, ip).reply;
  if (reply) return { hops: [...first, { ip }], reached: true };
  return { hops: [...first, ...(p.pod.hostNetwork ? [] : [{ ip: '172.18.0.1' }])], reached: false };
}

export function traceroute(p: Proc): number {
  let numeric = false;
  let maxHops = 30;
  let waitSecs = 5;
  let target: string | undefined;
  for (let i = 1; i < p.argv.length; i++) {
    const a = p.argv[i];
    if (a === '-n') numeric = true;
    else if (a === '-m' || a === '-w' || a === '-q') {
      const v = Number(p.argv[++i]);
      if (!Number.isInteger(v) || v < 1 || v > 255) {
        p.out.write(2, `traceroute: invalid number '${p.argv[i] ?? ''}'\n`);
        return 1;
      }
      if (a === '-m') maxHops = v;
      else if (a === '-w') waitSecs = v;
    } else if (a.startsWith('-')) {
      p.out.write(2, `traceroute: unrecognized option: ${a.replace(/^-+/, '')}\nBusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: traceroute [-46IFlnrv] [-f 1ST_TTL] [-m MAXTTL] [-q PROBES] [-p PORT]\n\t[-t TOS] [-w WAIT_SEC] [-s SRC_IP] [-i IFACE]\n\t[-z PAUSE_MSEC] HOST [BYTES]\n`);
      return 1;
    } else target ??= a;
  }
  if (!target) {
    p.out.write(2, 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: traceroute [-46IFlnrv] [-f 1ST_TTL] [-m MAXTTL] [-q PROBES] [-p PORT]\n\t[-t TOS] [-w WAIT_SEC] [-s SRC_IP] [-i IFACE]\n\t[-z PAUSE_MSEC] HOST [BYTES]\n');
    return 1;
  }
  const r = resolveName(p.net, p.client, target);
  dnsExchange(p, r.answer, ['A']);
  if (r.answer.kind === 'nxdomain') {
    p.out.write(2, `traceroute: bad address '${target}'\n`);
    return 1;
  }
  const ip = r.answer.addresses[0];
  const { hops, reached } = pathTo(p, ip);
  let s = `traceroute to ${target} (${ip}), ${maxHops} hops max, 46 byte packets\n`;
  const rng = p.net.ctx.random;
  const ms = (hop: number) => `0.${String(3 + hop * 20 + rng.int(30)).padStart(3, '0')} ms`;
  let ttl = 1;
  for (const h of hops.slice(0, maxHops)) {
    const who = numeric ? h.ip : `${h.ip} (${h.ip})`;
    s += `${String(ttl).padStart(2)}  ${who}  ${ms(ttl)}  ${ms(ttl)}  ${ms(ttl)}\n`;
    ttl++;
  }
  if (!reached) {
    for (; ttl <= maxHops; ttl++) {
      s += `${String(ttl).padStart(2)}  *  *  *\n`;
      spend(p.session, 3 * waitSecs * 1000);
    }
  }
  p.out.write(1, s);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// tracepath (iputils)

const TRACEPATH_USAGE =
  'Usage\n  tracepath [options] <destination>\n\nOptions:\n  -4             use IPv4\n  -6             use IPv6\n  -b             print both name and IP\n  -l <length>    use packet <length>\n  -m <hops>      use maximum <hops>\n  -n             no reverse DNS name resolution\n  -p <port>      use destination <port>\n  -V             print version and exit\n  <destination>  DNS name or IP address\n\nFor more details see tracepath(8).\n';

/** iputils' host column: the address, padded to 52 characters. */
const HOST_COLUMN = 52;

/**
 * `tracepath [-n] [-b] [-m HOPS] HOST`: the same hops as traceroute (pathTo), as iputils prints them. The first
 * probe is larger than the interface's MTU, so the kernel answers locally with the path MTU; each router then
 * answers one probe (the first hop twice: the probe that was refused locally is resent); the destination
 * refuses the UDP port ("reached"). A ClusterIP owns no interface, so probes past the node are lost.
 */
export function tracepath(p: Proc): number {
  let maxHops = 30;
  let both = false;
  let target: string | undefined;
  for (let i = 1; i < p.argv.length; i++) {
    const a = p.argv[i];
    if (a === '-n' || a === '-4') continue;
    if (a === '-b') both = true;
    else if (a === '-m' || a === '-l' || a === '-p') {
      const v = p.argv[++i];
      if (v === undefined) {
        p.out.write(2, `tracepath: option requires an argument -- '${a.slice(1)}'\n${TRACEPATH_USAGE}`);
        return 255;
      }
      const n = /^\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || (a === '-m' && n > 255) || (a === '-p' && n > 65535) || (a === '-l' && (n <= 28 || n > 65535))) {
        p.out.write(2, `tracepath: invalid argument: '${v}'\n`);
        return 1;
      }
      if (a === '-m') maxHops = n;
    } else if (a.startsWith('-') && a !== '-') {
      p.out.write(2, `tracepath: invalid option -- '${a.slice(1, 2)}'\n${TRACEPATH_USAGE}`);
      return 255;
    } else if (target === undefined) target = a;
    else {
      p.out.write(2, TRACEPATH_USAGE);
      return 255;
    }
  }
  if (target === undefined) {
    p.out.write(2, TRACEPATH_USAGE);
    return 255;
  }
  const r = resolveName(p.net, p.client, target);
  dnsExchange(p, r.answer, ['A']);
  if (r.answer.kind === 'nxdomain') {
    p.out.write(2, `tracepath: ${target}: Name or service not known\n`);
    return 1;
  }
  const ip = r.answer.addresses[0];
  const { hops, reached } = pathTo(p, ip);
  const mtu = p.pod.hostNetwork ? 1500 : p.net.topo.cni.mtu;
  const rng = p.net.ctx.random;
  const host = (addr: string) => {
    const text = both ? `${addr} (${addr})` : addr;
    return text + ' '.repeat(Math.max(1, HOST_COLUMN - text.length));
  };
  const rtt = (ttl: number) => {
    const us = 30 + ttl * 25 + rng.int(40);
    return `${String(Math.trunc(us / 1000)).padStart(3)}.${String(us % 1000).padStart(3, '0')}ms `;
  };
  let s = maxHops > 0 ? ` 1?: ${'[LOCALHOST]'.padEnd(HOST_COLUMN - 1)} pmtu ${mtu}\n` : '';
  const shown = hops.slice(0, maxHops);
  shown.forEach((h, k) => {
    const ttl = k + 1;
    const last = reached && k === hops.length - 1;
    if (ttl === 1 && !last) s += `${String(ttl).padStart(2)}:  ${host(h.ip)}${rtt(ttl)}\n`;
    s += `${String(ttl).padStart(2)}:  ${host(h.ip)}${rtt(ttl)}${last ? 'reached' : ''}\n`;
  });
  if (reached && shown.length === hops.length) {
    s += `     Resume: pmtu ${mtu} hops ${hops.length} back ${hops.length} \n`;
  } else {
    for (let ttl = shown.length + 1; ttl <= maxHops; ttl++) {
      s += `${String(ttl).padStart(2)}:  no reply\n`;
      spend(p.session, 3 * 1000);
    }
    s += `     Too many hops: pmtu ${mtu}\n     Resume: pmtu ${mtu} \n`;
  }
  p.out.write(1, s);
  return 0;
}
