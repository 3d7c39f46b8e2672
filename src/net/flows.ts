// The recent connections the network engine carried, kept like a node's conntrack table remembers them: a
// bounded ring of FlowRecords in the state, apart from the API objects (the store's "flows" kind, not served by
// the API, not exported), written in the same commit as the rest of the command's changes.
//
// Consumers: `kubesim graph` (recent paths), `kubesim ui` (animates them), the packet tools (conntrack -L,
// tcpdump). The engine records every connect() when the Net records flows (src/net/engine.ts); callers that
// know what the user asked for (curl, wget, nc, the ingress proxy) name the flow afterwards (`what`).
import type { ClusterState } from '../store/state.js';
import type { Hop } from './engine.js';

/** The store kind that holds the ring (one record per key, keyed by zero-padded seq). */
export const FLOWS_KIND = 'flows';

/** How many records the ring keeps: the oldest go first. */
export const MAX_FLOWS = 200;

export type FlowVerdict = 'ok' | 'refused' | 'timeout' | 'denied by policy';

/** How the destination was reached: the address the client dialled decides which kube-proxy rule applied. */
export type FlowVia = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalIP' | 'pod IP' | 'node IP' | 'loopback' | 'port-forward' | 'other';

/**
 * One connection as the engine carried it. Addresses are "ip:port". Stable interface: the ui and packet tools
 * read these fields; add fields, do not rename them.
 */
export interface FlowRecord {
  /** Increases by one per recorded connection over the life of the state (never reused). */
  seq: number;
  /** Simulated clock when the connection was opened (ISO 8601, UTC, milliseconds). */
  time: string;
  /** Who opened it: 'workstation', 'pod/NS/NAME' or 'node/NAME' (a port-forward counts as the workstation). */
  source: string;
  /** What the user ran, e.g. "curl http://demo-service.dev" (the trace title); "TCP 10.96.0.10:80" by default. */
  what: string;
  protocol: 'TCP' | 'UDP';
  /** The client's address and source port as it sent the first packet. */
  client: string;
  /** The destination as the client dialled it (before DNAT). */
  dst: string;
  via: FlowVia;
  /** The Service whose rule matched, 'svc/NS/NAME' with its port name/number in servicePort, if any. */
  service?: string;
  servicePort?: string;
  /** After DNAT: the endpoint chosen (only when it differs from dst). */
  dnat?: string;
  /** After SNAT: the source address the backend saw (only when masqueraded). */
  snat?: string;
  /** Who accepted it: 'pod/NS/NAME' or 'node/NAME' (absent when nobody did). */
  backend?: string;
  /** The node the backend runs on. */
  backendNode?: string;
  verdict: FlowVerdict;
  /** The connection this one was opened to serve (the ingress controller's upstream leg of a request). */
  parentSeq?: number;
  /** HTTP status of the last answer on this connection, when one was exchanged. */
  status?: number;
  /** The hop-by-hop trace (empty when the engine runs without traces, as the benchmarks do). */
  hops: Hop[];
}

/** The keys of the ring this command has seen, oldest first, read once per state. */
const RINGS = new WeakMap<ClusterState, string[]>();

const keyOf = (seq: number) => String(seq).padStart(12, '0');

function ring(state: ClusterState): string[] {
  let keys = RINGS.get(state);
  if (!keys) {
    keys = state.objects.keys(FLOWS_KIND).filter((k) => /^\d{12}$/.test(k));
    RINGS.set(state, keys);
  }
  return keys;
}

/** Adds one record to the ring (giving it the next seq), dropping the oldest beyond MAX_FLOWS. */
export function recordFlow(state: ClusterState, rec: Omit<FlowRecord, 'seq'>): FlowRecord {
  const last = state.net.flowSeq;
  const seq = (Number.isSafeInteger(last) && (last as number) >= 0 ? (last as number) : 0) + 1;
  state.net.flowSeq = seq;
  const full = { seq, ...rec } as FlowRecord;
  const keys = ring(state);
  const key = keyOf(seq);
  state.objects.put(FLOWS_KIND, key, full);
  keys.push(key);
  while (keys.length > MAX_FLOWS) state.objects.remove(FLOWS_KIND, keys.shift()!);
  return full;
}

/** The last n recorded connections, oldest first. Records that are not well formed (a damaged file) are skipped. */
export function recentFlows(state: ClusterState, n: number): FlowRecord[] {
  if (!(n > 0)) return [];
  const keys = ring(state);
  const out: FlowRecord[] = [];
  for (const k of keys.slice(Math.max(0, keys.length - n))) {
    const r = state.objects.get(FLOWS_KIND, k);
    if (isFlowRecord(r)) out.push(r);
  }
  return out;
}

const VERDICTS = new Set(['ok', 'refused', 'timeout', 'denied by policy']);
const str = (v: unknown) => typeof v === 'string';
const optStr = (v: unknown) => v === undefined || typeof v === 'string';

/** Whether a value read from disk has a FlowRecord's shape. */
export function isFlowRecord(v: unknown): v is FlowRecord {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  if (!Number.isSafeInteger(r.seq) || !str(r.time) || !str(r.source) || !str(r.what) || !str(r.client) || !str(r.dst) || !str(r.via)) return false;
  if (r.protocol !== 'TCP' && r.protocol !== 'UDP') return false;
  if (!VERDICTS.has(r.verdict as string)) return false;
  if (!optStr(r.service) || !optStr(r.servicePort) || !optStr(r.dnat) || !optStr(r.snat) || !optStr(r.backend) || !optStr(r.backendNode)) return false;
  if (r.status !== undefined && !Number.isInteger(r.status)) return false;
  if (r.parentSeq !== undefined && !Number.isSafeInteger(r.parentSeq)) return false;
  if (!Array.isArray(r.hops)) return false;
  return r.hops.every((h) => !!h && typeof h === 'object' && str((h as Hop).stage) && str((h as Hop).text));
}
