// `iptables` and `iptables-save` in a node shell: the rules kube-proxy would program (net/kube-proxy-rules.ts),
// printed the way iptables v1.8 prints them (-L tables, -S and iptables-save lines). Inside a pod's own network
// namespace there are no kube-proxy rules, so the tables are empty there. Formats: docs/packets-facts.md.
import { kubeProxyTables, type IptChain, type IptRule, type IptTable } from '../net/kube-proxy-rules.js';
import type { Proc } from './tools.js';

export const IPTABLES_VERSION = 'v1.8.10 (nf_tables)';

function tablesOf(p: Proc): IptTable[] {
  if (!p.pod.hostNetwork) {
    const empty = (name: 'nat' | 'filter', chains: string[]): IptTable => ({ name, chains: chains.map((c) => ({ name: c, policy: 'ACCEPT', rules: [] })) });
    return [empty('nat', ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']), empty('filter', ['INPUT', 'FORWARD', 'OUTPUT'])];
  }
  return kubeProxyTables(p.net.topo, p.pod.node.name);
}

/** iptables' quoting of a string argument: bare when it is only letters, digits, '_' and '-'. */
function saveString(s: string): string {
  return /^[A-Za-z0-9_-]+$/.test(s) ? s : `"${s.replace(/(["\\'])/g, '\\$1')}"`;
}

/** One rule as `-A CHAIN ...` (iptables-save, iptables -S). */
export function saveRule(chain: string, r: IptRule): string {
  const a = [`-A ${chain}`];
  if (r.src) a.push(`${r.src.neg ? '! ' : ''}-s ${r.src.cidr.includes('/') ? r.src.cidr : `${r.src.cidr}/32`}`);
  if (r.dst) a.push(`-d ${r.dst}`);
  if (r.proto) a.push(`-p ${r.proto}`);
  if (r.comment) a.push(`-m comment --comment ${saveString(r.comment)}`);
  if (r.mark) a.push(`-m mark ${r.mark.neg ? '! ' : ''}--mark ${r.mark.value}`);
  if (r.ctstate) a.push(`-m conntrack --ctstate ${r.ctstate}`);
  if (r.addrtype) a.push(`-m addrtype --${r.addrtype.dir}-type ${r.addrtype.type}`);
  if (r.probability) a.push(`-m statistic --mode random --probability ${r.probability}`);
  if (r.recent) {
    a.push(
      r.recent.op === 'set'
        ? `-m recent --set --name ${r.recent.name} --mask 255.255.255.255 --rsource`
        : `-m recent --rcheck --seconds ${r.recent.seconds} --reap --name ${r.recent.name} --mask 255.255.255.255 --rsource`,
    );
  }
  if (r.portMatch && r.proto) a.push(`-m ${r.proto}${r.portMatch.dport !== undefined ? ` --dport ${r.portMatch.dport}` : ''}`);
  a.push(`-j ${r.target}`);
  if (r.to) a.push(`--to-destination ${r.to}`);
  if (r.xmark) a.push(`--set-xmark ${r.xmark}`);
  if (r.randomFully) a.push('--random-fully');
  if (r.rejectWith) a.push(`--reject-with ${r.rejectWith}`);
  return a.join(' ');
}

const SERVICE_NAMES: Record<number, string> = { 53: 'domain', 80: 'http', 443: 'https', 8080: 'http-alt' };

interface ListFormat {
  numeric: boolean;
  verbose: boolean;
  exact: boolean;
  lineNumbers: boolean;
}

function addrText(cidr: string | undefined, f: ListFormat): string {
  if (!cidr || cidr === '0.0.0.0/0') return f.numeric ? '0.0.0.0/0' : 'anywhere';
  return cidr.endsWith('/32') ? cidr.slice(0, -3) : cidr;
}

/** The match and target texts iptables -L appends after the destination column. */
function listExtras(r: IptRule, f: ListFormat): string {
  let s = '';
  if (r.comment) s += ` /* ${r.comment} */`;
  if (r.mark) s += ` mark match ${r.mark.neg ? '! ' : ''}${r.mark.value}`;
  if (r.ctstate) s += ` ctstate ${r.ctstate}`;
  if (r.addrtype) s += ` ADDRTYPE match ${r.addrtype.dir}-type ${r.addrtype.type}`;
  if (r.probability) s += ` statistic mode random probability ${r.probability}`;
  if (r.recent) {
    s += r.recent.op === 'set'
      ? ` recent: SET name: ${r.recent.name} side: source mask: 255.255.255.255`
      : ` recent: CHECK seconds: ${r.recent.seconds} reap name: ${r.recent.name} side: source mask: 255.255.255.255`;
  }
  if (r.portMatch && r.proto) {
    s += ` ${r.proto}`;
    const d = r.portMatch.dport;
    if (d !== undefined) s += ` dpt:${f.numeric ? d : (SERVICE_NAMES[d] ?? d)}`;
  }
  if (r.to) s += ` to:${r.to}`;
  if (r.xmark) {
    const [mark, mask] = r.xmark.split('/');
    s += mask === mark ? ` MARK or ${mark}` : mask === '0x0' ? ` MARK xor ${mark}` : ` MARK xset ${r.xmark}`;
  }
  if (r.randomFully) s += ' random-fully';
  if (r.rejectWith) s += ` reject-with ${r.rejectWith}`;
  return s;
}

function counters(f: ListFormat): string {
  return f.exact ? `${'0'.padStart(8)} ${'0'.padStart(10)} ` : `${'0'.padStart(5)} ${'0'.padStart(5)} `;
}

function references(table: IptTable, name: string): number {
  let n = 0;
  for (const c of table.chains) for (const r of c.rules) if (r.target === name) n++;
  return n;
}

function listChain(table: IptTable, c: IptChain, f: ListFormat): string {
  let s = `Chain ${c.name}`;
  if (c.policy) s += f.verbose ? ` (policy ${c.policy} 0 packets, 0 bytes)\n` : ` (policy ${c.policy})\n`;
  else s += ` (${references(table, c.name)} references)\n`;
  if (f.lineNumbers) s += 'num  ';
  if (f.verbose) s += f.exact ? `${'pkts'.padStart(8)} ${'bytes'.padStart(10)} ` : ' pkts bytes ';
  s += 'target     prot opt ';
  if (f.verbose) s += 'in     out     ';
  s += `${'source'.padEnd(19)}  ${'destination'.padEnd(19)} \n`;
  c.rules.forEach((r, i) => {
    let line = '';
    if (f.lineNumbers) line += `${String(i + 1).padEnd(4)} `;
    if (f.verbose) line += counters(f);
    line += `${r.target.padEnd(9)} `;
    line += ` ${(r.proto ?? 'all').padEnd(5)}-- `;
    if (f.verbose) line += ` ${'*'.padEnd(6)} ${'*'.padEnd(6)} `;
    line += `${r.src?.neg ? '!' : ' '}${addrText(r.src?.cidr, f).padEnd(19)} `;
    line += ` ${addrText(r.dst, f).padEnd(19)} `;
    s += `${line}${listExtras(r, f)}\n`;
  });
  return s;
}

function saveTable(t: IptTable, stamp: string): string {
  let s = `# Generated by iptables-save ${IPTABLES_VERSION} on ${stamp}\n*${t.name}\n`;
  for (const c of t.chains) s += `:${c.name} ${c.policy ?? '-'} [0:0]\n`;
  for (const c of t.chains) for (const r of c.rules) s += `${saveRule(c.name, r)}\n`;
  return `${s}COMMIT\n# Completed on ${stamp}\n`;
}

/** ctime(3) text of the session's clock: "Sun Dec  6 03:48:44 2026". */
function ctime(p: Proc): string {
  const d = new Date(p.net.ctx.clock.now().getTime() + p.session.elapsedMs);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

const TABLE_NAMES = ['filter', 'nat', 'mangle', 'raw', 'security'];

function tableNamed(p: Proc, name: string): IptTable {
  return tablesOf(p).find((t) => t.name === name) ?? { name: name as 'nat', chains: [] };
}

export function iptablesSave(p: Proc): number {
  let only: string | undefined;
  for (let i = 1; i < p.argv.length; i++) {
    const a = p.argv[i];
    if (a === '-t' || a === '--table') only = p.argv[++i];
    else if (a.startsWith('--table=')) only = a.slice(8);
    else if (a === '-c' || a === '--counters') continue;
    else {
      p.out.write(2, `iptables-save: unrecognized option '${a}'\nUsage: iptables-save [-b] [-c] [-d] [-t table] [-V]\n`);
      return 1;
    }
  }
  if (only !== undefined && !TABLE_NAMES.includes(only)) {
    p.out.write(2, `iptables-save ${IPTABLES_VERSION}: Cannot initialize: Table does not exist (do you need to insmod?)\n`);
    return 1;
  }
  const stamp = ctime(p);
  // iptables-nft-save writes the tables in its own fixed order: filter before nat.
  const tables = tablesOf(p).sort((a, b) => TABLE_NAMES.indexOf(a.name) - TABLE_NAMES.indexOf(b.name));
  p.out.write(1, tables.filter((t) => only === undefined || t.name === only).map((t) => saveTable(t, stamp)).join(''));
  return 0;
}

/** `iptables [-t TABLE] -L|-S [CHAIN] [-n] [-v] [-x] [--line-numbers]`: the read-only commands. */
export function iptables(p: Proc): number {
  const err = (text: string, code: number) => {
    p.out.write(2, text);
    return code;
  };
  let table = 'filter';
  let command: 'L' | 'S' | undefined;
  let chainName: string | undefined;
  const f: ListFormat = { numeric: false, verbose: false, exact: false, lineNumbers: false };
  const args = p.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-t' || a === '--table') {
      const v = args[++i];
      if (v === undefined) return err(`iptables ${IPTABLES_VERSION}: option "${a}" requires an argument\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
      table = v;
    } else if (a === '-L' || a === '--list' || a === '-S' || a === '--list-rules') {
      command = a === '-L' || a === '--list' ? 'L' : 'S';
      if (args[i + 1] !== undefined && !args[i + 1].startsWith('-')) chainName = args[++i];
    } else if (a === '--line-numbers') f.lineNumbers = true;
    else if (a === '-V' || a === '--version') {
      p.out.write(1, `iptables ${IPTABLES_VERSION}\n`);
      return 0;
    } else if (/^-[nvxL]+$/.test(a) && !a.startsWith('--')) {
      for (const ch of a.slice(1)) {
        if (ch === 'n') f.numeric = true;
        else if (ch === 'v') f.verbose = true;
        else if (ch === 'x') f.exact = true;
        else if (ch === 'L') command = 'L';
      }
      if (a.includes('L') && args[i + 1] !== undefined && !args[i + 1].startsWith('-')) chainName = args[++i];
    } else if (/^-[ADIRNXPFZE]$/.test(a) || /^--(append|delete|insert|replace|new-chain|delete-chain|policy|flush|zero|rename-chain)$/.test(a)) {
      // Changing rules would fight kube-proxy, which rewrites them; the simulation keeps its rules read-only.
      return err(`iptables ${IPTABLES_VERSION}: kubesim's node rules are kube-proxy's and read-only; use -L, -S or iptables-save\n`, 4);
    } else {
      return err(`iptables ${IPTABLES_VERSION}: unknown option "${a}"\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
    }
  }
  if (!command) return err(`iptables ${IPTABLES_VERSION}: no command specified\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
  if (!TABLE_NAMES.includes(table)) return err(`iptables ${IPTABLES_VERSION}: can't initialize iptables table \`${table}': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n`, 3);
  const t = tableNamed(p, table);
  let chains = t.chains;
  if (chainName !== undefined) {
    const c = t.chains.find((x) => x.name === chainName);
    if (!c) return err(`iptables: No chain/target/match by that name.\n`, 1);
    chains = [c];
  }
  if (command === 'L') {
    p.out.write(1, chains.map((c) => listChain(t, c, f)).join('\n'));
    return 0;
  }
  let s = '';
  for (const c of chains) s += c.policy ? `-P ${c.name} ${c.policy}\n` : `-N ${c.name}\n`;
  for (const c of chains) for (const r of c.rules) s += `${saveRule(c.name, r)}\n`;
  p.out.write(1, s);
  return 0;
}
