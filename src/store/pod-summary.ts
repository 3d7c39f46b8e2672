// What the scheduler, the IPAM and the garbage collector ask of all pods, kept per node and per owner beside the
// pods index (`pods-summary-<gen>.json`) and updated by each commit from the projections of the pods it wrote,
// so that placing, addressing or deleting one pod never reads the 10,000 others.
//
// Its bulk is in part files (`pods-part-<gen>.<n>.txt`) a save rewrites only when they change: each node's pod
// IPs, each controller's rows (src/store/owned-rows.ts).
//
// It is derived data: the head names it with the pods index generations it was computed for, and a summary
// that is missing, damaged or computed for other index files is ignored and computed again from the pods.
import { podRequests } from '../api/quantity.js';
import type { KubeObject, Pod } from '../api/types.js';
import { chunksFromSaved, countsFromSaved, PART_REF, RowTable, type OwnedPod, type OwnedTable, type PartLoader, type SavedTable } from './owned-rows.js';

export type { OwnedCounts, OwnedPod, OwnedTable, PartLoader } from './owned-rows.js';

type PodObj = Pod & KubeObject;

/** What one pod contributes, as the pod informer indexes it. */
export interface PodFacts {
  ns: string;
  /** the controller's uid */
  owner: string | undefined;
  /** every owner's uid (the garbage collector's question) */
  owners: string[];
  node: string | undefined;
  ip: string | undefined;
  pending: boolean;
  terminal: boolean;
  antiAffinity: boolean;
  /** What the controller's table keeps of the pod (set when it has a controller). */
  owned: OwnedPod | undefined;
  /** An unowned pod that may be adopted (not deleting, not finished): its labels as JSON. */
  orphanLabels: string | undefined;
}

/** readySince of a pod that is ready without a transition time. */
export const READY_UNTIMED = '~';

function ownedPod(p: PodObj, active: boolean): OwnedPod {
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  let restarts = 0;
  for (const c of p.status?.containerStatuses ?? []) restarts = Math.max(restarts, c.restartCount ?? 0);
  return {
    node: p.spec?.nodeName ?? '',
    phase: p.status?.phase ?? '',
    readySince: ready ? (ready.lastTransitionTime ?? '') || READY_UNTIMED : '',
    restarts,
    created: p.metadata.creationTimestamp ?? '',
    active,
    labels: JSON.stringify(p.metadata.labels ?? {}),
  };
}

export function podFacts(p: PodObj): PodFacts {
  const owner = p.metadata.ownerReferences?.find((r) => r.controller)?.uid;
  const terminal = p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
  const active = !p.metadata.deletionTimestamp && !terminal;
  return {
    ns: p.metadata.namespace ?? '',
    owner,
    owners: (p.metadata.ownerReferences ?? []).map((r) => r.uid),
    node: p.spec?.nodeName,
    ip: p.spec?.nodeName && p.status?.podIP && !p.spec?.hostNetwork ? p.status.podIP : undefined,
    pending: !p.spec?.nodeName && !p.metadata.deletionTimestamp,
    terminal,
    antiAffinity: !!p.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length,
    owned: owner ? ownedPod(p, active) : undefined,
    orphanLabels: !owner && active ? JSON.stringify(p.metadata.labels ?? {}) : undefined,
  };
}

/** A projection written before requests were kept in it has no resources: its requests need the object. */
export function projectionLacksRequests(p: PodObj): boolean {
  return (p.spec?.containers ?? []).some((c) => c.resources === undefined);
}

/**
 * One node's sums. Its IPs stay the saved text until asked for: a command reads or changes the IPs of the one
 * or two nodes it places pods on, and saves the others' text as it was read (10,000 pods' keys are not
 * split and joined again by every write).
 */
class NodeSum {
  private parsed: Map<string, string[]> | undefined;
  /** The IPs as saved ("ip key" pairs), once read from their part file. */
  private text: string | undefined;

  constructor(
    /** pods assigned to the node */
    public n: number,
    /** of them, not finished (what its pod capacity counts) */
    public a: number,
    /** requests of the unfinished ones (scheduler units) */
    readonly req: Map<string, bigint>,
    /** where the IPs are saved: a part file with so many pairs, the lowest and highest IP (see ipOrder) */
    private readonly saved?: SavedIPs & { load: PartLoader; remake: () => string },
  ) {
    if (!saved) this.text = '';
  }

  /**
   * The saved text, read when first needed. A part that cannot be read (a writer replaced it under a reader
   * that holds no lock, or it was damaged) is made again from the pods index.
   */
  private savedText(): string {
    if (this.text === undefined) {
      const t = this.saved!.load(this.saved!.r);
      this.text = t === undefined || pairCount(t) !== this.saved!.k ? this.saved!.remake() : t;
    }
    return this.text;
  }

  /** pod IPs in use, each with the keys ("ns/name") of the pods holding it: the IPAM asks whether an IP is free, the network which pod has it */
  get ips(): Map<string, string[]> {
    if (!this.parsed) {
      const ips = new Map<string, string[]>();
      const text = this.savedText();
      const words = text ? text.split(' ') : [];
      for (let i = 0; i < words.length; i += 2) {
        const holders = ips.get(words[i]);
        if (holders) holders.push(words[i + 1]);
        else ips.set(words[i], [words[i + 1]]);
      }
      this.parsed = ips;
    }
    return this.parsed;
  }

  /** Whether some pod here may hold the IP, answered from the saved text without splitting it. */
  mayHold(ip: string): boolean {
    if (this.parsed) return this.parsed.has(ip);
    // Outside the node's range of addresses: its part file is not even read.
    if (this.text === undefined) {
      const o = ipOrder(ip);
      if (o < this.saved!.lo || o > this.saved!.hi) return false;
    }
    const text = this.savedText();
    // A whole word equal to the IP (a key holds a "/", so it is an IP word): one exact search, no split.
    for (let at = text.indexOf(ip); at >= 0; at = text.indexOf(ip, at + 1)) {
      const end = at + ip.length;
      if ((at === 0 || text.charCodeAt(at - 1) === 32) && (end === text.length || text.charCodeAt(end) === 32)) return true;
    }
    return false;
  }

  /**
   * The IPs as the summary file keeps them (undefined: none). Unchanged, they stay in the part file they were
   * read from; else they go to a new one that newPart writes and names.
   */
  toSaved(newPart: (text: string) => string): SavedIPs | undefined {
    const keep = this.saved && { r: this.saved.r, k: this.saved.k, lo: this.saved.lo, hi: this.saved.hi };
    if (!this.parsed) return keep;
    const words: string[] = [];
    let lo: string | undefined;
    let hi: string | undefined;
    for (const [ip, keys] of this.parsed) {
      for (const k of keys) words.push(ip, k);
      const o = ipOrder(ip);
      if (lo === undefined || o < lo) lo = o;
      if (hi === undefined || o > hi) hi = o;
    }
    if (!words.length) return undefined;
    const text = words.join(' ');
    if (keep && text === this.text) return keep;
    return { r: newPart(text), k: words.length / 2, lo: lo!, hi: hi! };
  }
}

/** Where a node's IPs are saved: part file, how many "ip key" pairs, lowest and highest IP by ipOrder. */
interface SavedIPs {
  r: string;
  k: number;
  lo: string;
  hi: string;
}

/** How many "ip key" pairs a saved IPs text holds (an odd number of spaces, or none); -1 when it is not pairs. */
function pairCount(text: string): number {
  if (!text) return 0;
  let spaces = 0;
  for (let at = text.indexOf(' '); at >= 0; at = text.indexOf(' ', at + 1)) spaces++;
  return spaces % 2 === 1 ? (spaces + 1) / 2 : -1;
}

/**
 * An IP as a string that sorts as the address does (each IPv4 octet to three digits, each IPv6 group to four
 * hex digits), so a node's lowest and highest tell without reading its part file that an IP is not there.
 */
export function ipOrder(ip: string): string {
  if (!ip.includes(':')) return ip.split('.').map((o) => o.padStart(3, '0')).join('.');
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return groups.map((g) => g.toLowerCase().padStart(4, '0')).join(':');
}

// 8: a controller's rows in parts of at most 512 rows (7 kept them in one); 7: each node's IPs in a part file;
// 6: each controller's rows in a part file, with their counts in the summary; 5 kept the rows inline, 4 had no
// counts, 3 counted IPs, not their pods: an older summary is computed again, not misread.
const SUMMARY_VERSION = 8;

export class PodSummary {
  readonly nodes = new Map<string, NodeSum>();
  readonly pending = new Set<string>();
  readonly antiAffinity = new Set<string>();
  /** uid -> how many pods name it among their owners */
  readonly owners = new Map<string, number>();
  /** controller uid -> its pods' rows (see RowTable) */
  private readonly owned = new Map<string, RowTable>();
  /** namespace -> labels (JSON) of the pods no controller owns that one could adopt -> how many */
  readonly orphans = new Map<string, Map<string, number>>();
  count = 0;

  private node(name: string): NodeSum {
    let s = this.nodes.get(name);
    if (!s) this.nodes.set(name, (s = new NodeSum(0, 0, new Map())));
    return s;
  }

  /** Adds (sign 1) or takes away (sign -1) one pod; req: its requests, needed when it is assigned and unfinished. */
  apply(key: string, f: PodFacts, req: ReadonlyMap<string, bigint> | undefined, sign: 1 | -1): void {
    this.count += sign;
    if (f.node) {
      const s = this.node(f.node);
      s.n += sign;
      if (!f.terminal) {
        s.a += sign;
        for (const [k, v] of req ?? []) {
          const t = (s.req.get(k) ?? 0n) + BigInt(sign) * v;
          if (t === 0n) s.req.delete(k);
          else s.req.set(k, t);
        }
      }
      if (f.ip) {
        const holders = s.ips.get(f.ip);
        if (sign > 0) {
          if (holders) holders.push(key);
          else s.ips.set(f.ip, [key]);
        } else if (holders) {
          const i = holders.indexOf(key);
          if (i >= 0) holders.splice(i, 1);
          if (!holders.length) s.ips.delete(f.ip);
        }
      }
      if (s.n === 0 && s.a === 0 && s.ips.size === 0 && s.req.size === 0) this.nodes.delete(f.node);
    }
    const set = (into: Set<string>, on: boolean) => {
      if (!on) return;
      if (sign > 0) into.add(key);
      else into.delete(key);
    };
    set(this.pending, f.pending);
    set(this.antiAffinity, f.antiAffinity && !!f.node);
    for (const u of new Set(f.owners)) {
      const c = (this.owners.get(u) ?? 0) + sign;
      if (c > 0) this.owners.set(u, c);
      else this.owners.delete(u);
    }
    if (f.owner && f.owned) {
      let t = this.owned.get(f.owner);
      if (sign > 0) {
        if (!t) this.owned.set(f.owner, (t = new RowTable([], [], () => undefined)));
        t.set(key, f.owned);
      } else if (t) {
        t.delete(key, f.owned);
        if (t.size === 0) this.owned.delete(f.owner);
      }
      if (t?.damaged) this.damaged = true;
    }
    if (f.orphanLabels !== undefined) {
      let m = this.orphans.get(f.ns);
      if (!m) this.orphans.set(f.ns, (m = new Map()));
      const c = (m.get(f.orphanLabels) ?? 0) + sign;
      if (c > 0) m.set(f.orphanLabels, c);
      else m.delete(f.orphanLabels);
      if (m.size === 0) this.orphans.delete(f.ns);
    }
  }

  /** Adds one pod from its projection (or object), reading its requests as the informer does. */
  add(key: string, p: PodObj, sign: 1 | -1 = 1): void {
    const f = podFacts(p);
    this.apply(key, f, f.node && !f.terminal ? podRequests(p.spec) : undefined, sign);
  }

  /** The keys of the pods on some node holding this IP (hostNetwork pods hold none: theirs is the node's). */
  podsAt(ip: string): string[] {
    const out: string[] = [];
    for (const s of this.nodes.values()) if (s.mayHold(ip)) out.push(...(s.ips.get(ip) ?? []));
    return out;
  }

  /**
   * The rows of the pods whose controller is this uid (undefined when it has none). A row found not to be this
   * kubesim's makes the summary damaged (and tells onDamaged): the caller then reads the pods.
   */
  table(uid: string): OwnedTable | undefined {
    const t = this.owned.get(uid);
    if (!t) return undefined;
    const checked = <T>(x: T | undefined): T | undefined => {
      if (x === undefined && !this.damaged) {
        this.damaged = true;
        this.onDamaged?.();
      }
      return x;
    };
    return {
      counts: () => (this.damaged ? undefined : checked(t.counts())),
      rows: (visit) => !this.damaged && (checked(t.rows(visit) || undefined) ?? false),
    };
  }

  /** Called once when a table read through table() turns out damaged. */
  onDamaged: (() => void) | undefined;

  /**
   * Set when a table's rows turned out not to be this kubesim's (they are checked when first used): the tables
   * are then not to be trusted, and the store computes the summary again from the pods.
   */
  damaged = false;

  /** Whether any pod names this uid among its owners. */
  owns(uid: string): boolean {
    return this.owners.has(uid);
  }

  /**
   * The summary file's text. Each controller's rows go to a part file of their own (newPart writes one and
   * names it), so that a command that changes no controller's pods neither reads nor writes them; rows no one
   * changed stay in the part they were read from.
   */
  toText(newPart: (text: string) => string): string {
    const nodes: Record<string, unknown> = {};
    for (const [name, s] of [...this.nodes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      // IPs as one string of "ip key" pairs (an IP held by two pods twice; a key, "ns/name", holds no space),
      // in a part file of the node's own: placing a pod reads and writes one node's.
      const ips = s.toSaved(newPart);
      nodes[name] = { n: s.n, a: s.a, req: Object.fromEntries([...s.req].map(([k, v]) => [k, v.toString()])), ...(ips ? { ips } : {}) };
    }
    const owned: Record<string, SavedTable> = {};
    for (const uid of [...this.owned.keys()].sort()) owned[uid] = this.owned.get(uid)!.toJSON(newPart);
    const orphans = Object.fromEntries([...this.orphans].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([ns, m]) => [ns, Object.fromEntries(m)]));
    return JSON.stringify({ v: SUMMARY_VERSION, count: this.count, nodes, pending: [...this.pending].sort(), antiAffinity: [...this.antiAffinity].sort(), owners: Object.fromEntries(this.owners), owned, orphans });
  }

  /** The part files a summary file's text names (none when it is not one this kubesim wrote). */
  static parts(text: string | undefined): string[] {
    try {
      const d = JSON.parse(text ?? '') as { v?: unknown; owned?: unknown; nodes?: Record<string, { ips?: { r?: unknown } }> };
      if (d?.v !== SUMMARY_VERSION) return [];
      const owned = Object.values((d.owned ?? {}) as Record<string, { p?: { r?: unknown }[] }>).flatMap((t) => (Array.isArray(t?.p) ? t.p.map((c) => c?.r) : []));
      return [...owned, ...Object.values(d.nodes ?? {}).map((n) => n?.ips?.r)].filter((r): r is string => typeof r === 'string' && PART_REF.test(r));
    } catch {
      return [];
    }
  }

  /** The summary in a file's text, or undefined when it is not one this kubesim wrote (it is then rebuilt). */
  /**
   * load reads a part file; ipsOf makes a node's IPs from the pods index when its part cannot be read (the
   * network, which asks no controller's rows, gives no loader for them).
   */
  static parse(text: string, load: PartLoader, ipsOf: (node: string) => string): PodSummary | undefined {
    try {
      const d = JSON.parse(text) as Record<string, unknown>;
      if (!d || d.v !== SUMMARY_VERSION || !Number.isInteger(d.count)) return undefined;
      const s = new PodSummary();
      s.count = d.count as number;
      const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((k) => typeof k === 'string');
      if (!isStrings(d.pending) || !isStrings(d.antiAffinity)) return undefined;
      for (const k of d.pending) s.pending.add(k);
      for (const k of d.antiAffinity) s.antiAffinity.add(k);
      for (const [u, c] of Object.entries((d.owners ?? {}) as Record<string, unknown>)) {
        if (!Number.isInteger(c) || (c as number) <= 0) return undefined;
        s.owners.set(u, c as number);
      }
      for (const [uid, raw] of Object.entries((d.owned ?? {}) as Record<string, Partial<Record<keyof SavedTable, unknown>>>)) {
        // Each row is checked when first parsed (see RowTable): a table that fails makes the summary damaged.
        if (!raw || !isStrings(raw.ls) || !Number.isInteger(raw.n) || (raw.n as number) <= 0) return undefined;
        const counts = countsFromSaved(raw.c, raw.n as number);
        const chunks = chunksFromSaved(raw.p, raw.n as number);
        if (!counts || !chunks) return undefined;
        s.owned.set(uid, new RowTable(raw.ls, chunks, load, counts));
      }
      for (const [ns, raw] of Object.entries((d.orphans ?? {}) as Record<string, Record<string, unknown>>)) {
        if (!raw || typeof raw !== 'object') return undefined;
        const m = new Map<string, number>();
        for (const [labels, c] of Object.entries(raw)) {
          if (!Number.isInteger(c) || (c as number) <= 0) return undefined;
          m.set(labels, c as number);
        }
        if (m.size) s.orphans.set(ns, m);
      }
      for (const [name, raw] of Object.entries((d.nodes ?? {}) as Record<string, Record<string, unknown>>)) {
        if (!raw || !Number.isInteger(raw.n) || !Number.isInteger(raw.a)) return undefined;
        const req = new Map<string, bigint>();
        for (const [k, v] of Object.entries((raw.req ?? {}) as Record<string, unknown>)) {
          if (typeof v !== 'string' || !/^-?\d+$/.test(v)) return undefined;
          req.set(k, BigInt(v));
        }
        const ips = raw.ips as Partial<SavedIPs> | undefined;
        if (ips !== undefined && (!ips || typeof ips.r !== 'string' || !PART_REF.test(ips.r) || !Number.isInteger(ips.k) || (ips.k as number) <= 0 || typeof ips.lo !== 'string' || typeof ips.hi !== 'string')) return undefined;
        s.nodes.set(name, new NodeSum(raw.n as number, raw.a as number, req, ips && { ...(ips as SavedIPs), load, remake: () => ipsOf(name) }));
      }
      return s;
    } catch {
      return undefined;
    }
  }
}
