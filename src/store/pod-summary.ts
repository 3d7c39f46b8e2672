// What the scheduler, the IPAM and the garbage collector ask of all pods, kept per node and per owner beside the
// pods index (`pods-summary-<gen>.json`) and updated by each commit from the projections of the pods it wrote,
// so that placing, addressing or deleting one pod never reads the 10,000 others.
//
// It is derived data: the head names it with the pods index generations it was computed for, and a summary
// that is missing, damaged or computed for other index files is ignored and computed again from the pods.
import { podRequests } from '../api/quantity.js';
import type { KubeObject, Pod } from '../api/types.js';

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
}

export function podFacts(p: PodObj): PodFacts {
  return {
    ns: p.metadata.namespace ?? '',
    owner: p.metadata.ownerReferences?.find((r) => r.controller)?.uid,
    owners: (p.metadata.ownerReferences ?? []).map((r) => r.uid),
    node: p.spec?.nodeName,
    ip: p.spec?.nodeName && p.status?.podIP && !p.spec?.hostNetwork ? p.status.podIP : undefined,
    pending: !p.spec?.nodeName && !p.metadata.deletionTimestamp,
    terminal: p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed',
    antiAffinity: !!p.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length,
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

  constructor(
    /** pods assigned to the node */
    public n: number,
    /** of them, not finished (what its pod capacity counts) */
    public a: number,
    /** requests of the unfinished ones (scheduler units) */
    readonly req: Map<string, bigint>,
    /** the IPs as saved: "ip key" pairs */
    private text = '',
  ) {}

  /** pod IPs in use, each with the keys ("ns/name") of the pods holding it: the IPAM asks whether an IP is free, the network which pod has it */
  get ips(): Map<string, string[]> {
    if (!this.parsed) {
      const ips = new Map<string, string[]>();
      const words = this.text ? this.text.split(' ') : [];
      for (let i = 0; i < words.length; i += 2) {
        const holders = ips.get(words[i]);
        if (holders) holders.push(words[i + 1]);
        else ips.set(words[i], [words[i + 1]]);
      }
      this.parsed = ips;
      this.text = '';
    }
    return this.parsed;
  }

  /** Whether some pod here may hold the IP, answered from the saved text without splitting it. */
  mayHold(ip: string): boolean {
    if (this.parsed) return this.parsed.has(ip);
    // A whole word equal to the IP (a key holds a "/", so it is an IP word): one exact search, no split.
    for (let at = this.text.indexOf(ip); at >= 0; at = this.text.indexOf(ip, at + 1)) {
      const end = at + ip.length;
      if ((at === 0 || this.text.charCodeAt(at - 1) === 32) && (end === this.text.length || this.text.charCodeAt(end) === 32)) return true;
    }
    return false;
  }

  /** The IPs as they are saved: IPs and keys in one string (thousands of object keys parse many times slower). */
  ipsText(): string {
    if (!this.parsed) return this.text;
    const words: string[] = [];
    for (const [ip, keys] of this.parsed) for (const k of keys) words.push(ip, k);
    return words.join(' ');
  }

  /** A saved IPs text is "ip key" pairs: an odd number of spaces, or none at all. */
  static validIPs(text: string): boolean {
    let spaces = 0;
    for (let at = text.indexOf(' '); at >= 0; at = text.indexOf(' ', at + 1)) spaces++;
    return text === '' || spaces % 2 === 1;
  }
}

// 3: each IP names its pods (2 counted them): a version 2 summary is computed again, not misread.
const SUMMARY_VERSION = 3;

export class PodSummary {
  readonly nodes = new Map<string, NodeSum>();
  readonly pending = new Set<string>();
  readonly antiAffinity = new Set<string>();
  /** uid -> how many pods name it among their owners */
  readonly owners = new Map<string, number>();
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

  /** Whether any pod names this uid among its owners. */
  owns(uid: string): boolean {
    return this.owners.has(uid);
  }

  toText(): string {
    const nodes: Record<string, unknown> = {};
    for (const [name, s] of [...this.nodes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      // IPs as one string of "ip key" pairs (an IP held by two pods twice). A key ("ns/name") holds no space.
      nodes[name] = { n: s.n, a: s.a, req: Object.fromEntries([...s.req].map(([k, v]) => [k, v.toString()])), ips: s.ipsText() };
    }
    return JSON.stringify({ v: SUMMARY_VERSION, count: this.count, nodes, pending: [...this.pending].sort(), antiAffinity: [...this.antiAffinity].sort(), owners: Object.fromEntries(this.owners) });
  }

  /** The summary in a file's text, or undefined when it is not one this kubesim wrote (it is then rebuilt). */
  static parse(text: string): PodSummary | undefined {
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
      for (const [name, raw] of Object.entries((d.nodes ?? {}) as Record<string, Record<string, unknown>>)) {
        if (!raw || !Number.isInteger(raw.n) || !Number.isInteger(raw.a)) return undefined;
        const req = new Map<string, bigint>();
        for (const [k, v] of Object.entries((raw.req ?? {}) as Record<string, unknown>)) {
          if (typeof v !== 'string' || !/^-?\d+$/.test(v)) return undefined;
          req.set(k, BigInt(v));
        }
        if (typeof raw.ips !== 'string' || !NodeSum.validIPs(raw.ips)) return undefined;
        s.nodes.set(name, new NodeSum(raw.n as number, raw.a as number, req, raw.ips));
      }
      return s;
    } catch {
      return undefined;
    }
  }
}
