// The state on disk: where it is, reading it, and changing it safely. Reads take no lock (a save ends with an
// atomic rename of the head, so a reader sees the old state or the new one, never half of one); every change
// holds an inter-process lock from read to rename, so commands run in parallel never lose an update.
// The files and their commit protocol are in layout.ts; the lazily read objects in object-store.ts.
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CommandError } from '../api/errors.js';
import { ioErrorText, readRegularFile } from '../util/files.js';
import { indexName, isSharded, keyHash, makeDir, MAX_SHARDS, MIN_SHARDS, podSummaryName, podSummaryPartName, readPodSummaryFile, removeFiles, shardCount, shardLimit, shardOf, strayFiles, writeCommit, type CommitFiles, type IndexEntry, type StoreHead } from './layout.js';
import { projectionOf } from '../api/projections.js';
import { ObjectStore, type StoreSource } from './object-store.js';
import { capLogs, logsView } from './objects.js';
import { SCHEMA_VERSION, STATE_KIND, type ClusterState } from './state.js';
import { migrate } from './migrate.js';
import { PodSummary, projectionLacksRequests } from './pod-summary.js';
import type { KubeObject, Pod } from '../api/types.js';

type PodObj = Pod & KubeObject;
import type { StateLock } from './lock.js';

export const DEFAULT_STATE_PATH = join('.kube', 'kubesim', 'state.json');

/** Which state file: --state, else KUBESIM_STATE, else ~/.kube/kubesim/state.json (as kubectl picks a kubeconfig). */
export function resolveStatePath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return resolve(flag);
  if (env.KUBESIM_STATE) return resolve(env.KUBESIM_STATE);
  return join(env.HOME || homedir(), DEFAULT_STATE_PATH);
}

export class StateFileError extends CommandError {}

export function damaged(path: string, why: string): StateFileError {
  return new StateFileError(
    `the state file "${path}" is damaged (${why}); it was left untouched. ` +
      `Move it aside to keep it, or run 'kubesim cluster delete --state ${path}' to start over with a new cluster`,
  );
}

/** Where JSON.parse gave up, in our words rather than V8's. */
function jsonProblem(text: string, e: unknown): string {
  const message = (e as Error)?.message ?? '';
  if (/Unexpected end/.test(message)) return 'the document ends early';
  const m = /position (\d+)/.exec(message);
  const token = /Unexpected token '(.)'/.exec(message);
  // V8 names the token but not its place when the text is not JSON at all: find it.
  const at = m ? Number(m[1]) : token ? text.indexOf(token[1]) : -1;
  if (at < 0 || at >= text.length) return 'the document ends early';
  return `unexpected ${JSON.stringify(text.slice(at, at + 10))} at byte ${Buffer.byteLength(text.slice(0, at))}`;
}

/** Parses and checks a head document; migrates older schemas in memory. */
export function parseState(path: string, text: string): ClusterState {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw damaged(path, text.trim() === '' ? 'the file is empty' : `not valid JSON: ${jsonProblem(text, e)}`);
  }
  if (!doc || typeof doc !== 'object' || (doc as { kind?: unknown }).kind !== STATE_KIND) {
    throw new StateFileError(
      `"${path}" is not a kubesim state file; it was left untouched. Point --state or KUBESIM_STATE at another path`,
    );
  }
  const version = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw damaged(path, 'it has no valid schemaVersion');
  }
  if (version > SCHEMA_VERSION) {
    throw new StateFileError(
      `the state file "${path}" has schema version ${version}, written by a newer kubesim; this kubesim reads up to version ${SCHEMA_VERSION}. Upgrade kubesim`,
    );
  }
  const head = migrate(doc as Record<string, unknown>);
  const problem = checkHead(head);
  if (problem) throw damaged(path, problem);
  return openHead(path, head);
}

const CIDR = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/\d{1,2}$/;

/** The settings a cluster config file may have added (src/cluster/shape.ts reads them): absent, or well formed. */
function checkShape(c: Record<string, unknown>, isObj: (v: unknown) => v is Record<string, unknown>): string | undefined {
  const oneOf = (f: string, values: string[]) => c[f] === undefined || values.includes(c[f] as string);
  if (!oneOf('kubeProxyMode', ['iptables', 'ipvs', 'nftables'])) return 'cluster.kubeProxyMode is not a mode';
  if (!oneOf('containerRuntime', ['containerd', 'docker'])) return 'cluster.containerRuntime is not a runtime';
  if (!oneOf('provider', ['kind', 'none'])) return 'cluster.provider is not a provider';
  if (c.nodeSubnet !== undefined && (typeof c.nodeSubnet !== 'string' || !CIDR.test(c.nodeSubnet))) return 'cluster.nodeSubnet is not a CIDR';
  for (const f of ['osImage', 'kernelVersion']) if (c[f] !== undefined && typeof c[f] !== 'string') return `cluster.${f} is not a string`;
  if (c.nodeCIDRMaskSize !== undefined && !(Number.isInteger(c.nodeCIDRMaskSize) && (c.nodeCIDRMaskSize as number) <= 30)) return 'cluster.nodeCIDRMaskSize is not a prefix length';
  const cni = c.cni;
  if (cni !== undefined) {
    if (!isObj(cni) || !['kindnet', 'calico'].includes(cni.plugin as string) || !Number.isInteger(cni.mtu)) return 'cluster.cni is damaged';
    if (cni.plugin === 'calico' && (!Number.isInteger(cni.blockSize) || (cni.blockSize as number) < 8 || (cni.blockSize as number) > 32 || !['IPIP', 'VXLAN'].includes(cni.encapsulation as string))) return 'cluster.cni is damaged';
  }
  for (const [i, n] of (c.nodes as Record<string, unknown>[]).entries()) {
    const strings = (v: unknown) => isObj(v) && Object.values(v).every((x) => typeof x === 'string');
    if (n.labels !== undefined && !strings(n.labels)) return `cluster.nodes[${i}].labels is damaged`;
    if (n.allocatable !== undefined && !strings(n.allocatable)) return `cluster.nodes[${i}].allocatable is damaged`;
    if (n.taints !== undefined && !(Array.isArray(n.taints) && n.taints.every((t) => isObj(t) && typeof t.key === 'string' && typeof t.effect === 'string'))) return `cluster.nodes[${i}].taints is damaged`;
    if (n.ipamBlocks !== undefined && !(Array.isArray(n.ipamBlocks) && n.ipamBlocks.every((b) => typeof b === 'string' && CIDR.test(b)))) return `cluster.nodes[${i}].ipamBlocks is damaged`;
  }
  return undefined;
}

/** The head's shape, checked field by field so a damaged file is reported, never half-used. */
function checkHead(h: Record<string, unknown>): string | undefined {
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  const c = h.cluster;
  if (!isObj(c)) return 'cluster is missing';
  if (!Array.isArray(c.nodes) || c.nodes.length === 0) return 'cluster.nodes is missing';
  for (const [i, n] of (c.nodes as unknown[]).entries()) {
    if (!isObj(n) || typeof n.name !== 'string' || typeof n.internalIP !== 'string' || typeof n.podCIDR !== 'string') return `cluster.nodes[${i}] is not a node`;
  }
  for (const f of ['name', 'serviceCIDR', 'clusterCIDR', 'clusterDomain', 'workstationIP', 'kubernetesVersion', 'created']) {
    if (typeof c[f] !== 'string') return `cluster.${f} is not a string`;
  }
  if (!isObj(c.nodePortRange) || typeof c.nodePortRange.base !== 'number' || typeof c.nodePortRange.size !== 'number') return 'cluster.nodePortRange is not a range';
  const shape = checkShape(c, isObj);
  if (shape) return shape;
  if (!Array.isArray(h.random) || h.random.length === 0 || !h.random.every((x) => Number.isInteger(x))) return 'random is not a generator state';
  if (typeof h.resourceVersion !== 'number' || !Number.isInteger(h.resourceVersion) || h.resourceVersion < 0) return 'resourceVersion is not a counter';
  if (!isObj(h.ipam) || !Object.values(h.ipam).every((v) => Number.isInteger(v))) return 'ipam is not a map of offsets';
  if (h.ipamBlocks !== undefined && (!isObj(h.ipamBlocks) || !Object.values(h.ipamBlocks).every((v) => Array.isArray(v) && v.every((b) => typeof b === 'string' && CIDR.test(b))))) return 'ipamBlocks is damaged';
  if (!isObj(h.net) || (h.net.affinity !== undefined && !isObj(h.net.affinity))) return 'net is damaged';
  if (h.net.flowSeq !== undefined && !(Number.isSafeInteger(h.net.flowSeq) && (h.net.flowSeq as number) >= 0)) return 'net.flowSeq is not a counter';
  if (h.clockOffsetMs !== undefined && typeof h.clockOffsetMs !== 'number') return 'clockOffsetMs is not a number';
  if (h.taintEvictions !== undefined && (!isObj(h.taintEvictions) || !Object.values(h.taintEvictions).every((v) => Number.isFinite(v)))) return 'taintEvictions is damaged';
  const tb = h.tombstones;
  if (tb !== undefined && (!isObj(tb) || !Number.isInteger(tb.from) || !Array.isArray(tb.list) || !tb.list.every((e) => Array.isArray(e) && e.length === 4 && Number.isInteger(e[0]) && e.slice(1).every((x) => typeof x === 'string')))) return 'tombstones is damaged';
  const roundRobin = (h.net as Record<string, unknown>).roundRobin;
  if (roundRobin !== undefined && (!isObj(roundRobin) || !Object.values(roundRobin).every((v) => Number.isInteger(v) && (v as number) >= 0))) return 'net.roundRobin is damaged';
  const st = h.store;
  if (st !== undefined) {
    if (!isObj(st) || !Number.isInteger(st.generation) || !isObj(st.kinds) || !isObj(st.segments)) return 'store is damaged';
    const gen = (g: unknown) => Number.isInteger(g);
    if (!Object.values(st.kinds).every((g) => gen(g) || (Array.isArray(g) && g.every((x) => x === null || gen(x))))) return 'store.kinds is damaged';
    const ok = st.ownerKinds;
    if (ok !== undefined && (!isObj(ok) || !Object.values(ok).every((v) => Array.isArray(v) && v.every((k) => typeof k === 'string')))) return 'store.ownerKinds is damaged';
  }
  return undefined;
}

/** A ClusterState over a head: objects come from the data directory when asked for. */
function openHead(path: string, head: Record<string, unknown>): ClusterState {
  const { objects: inline, logs: inlineLogs, ...rest } = head as Record<string, unknown> & { objects?: unknown; logs?: unknown };
  const state = rest as unknown as ClusterState;
  const storeHead = state.store;
  const source: StoreSource | undefined = storeHead
    ? {
        statePath: path,
        head: storeHead,
        reloadHead: () => {
          const again = readState(path);
          if (!again?.store) throw new StateFileError(`the state file "${path}" was removed while it was being read`);
          return again.store;
        },
      }
    : undefined;
  state.objects = new ObjectStore(source);
  state.logs = logsView(state.objects);
  // A version 1 file held every object inline: they move into the store, and the next save writes them out.
  if (inline !== undefined) {
    if (!inline || typeof inline !== 'object') throw damaged(path, 'objects is not a map');
    for (const [resource, bucket] of Object.entries(inline as Record<string, unknown>)) {
      if (!bucket || typeof bucket !== 'object') throw damaged(path, `objects.${resource} is not a map`);
      for (const [key, obj] of Object.entries(bucket as Record<string, unknown>)) {
        const m = (obj as { metadata?: { name?: unknown } } | null)?.metadata;
        if (!m || typeof m.name !== 'string') throw damaged(path, `objects.${resource}["${key}"] has no metadata.name`);
        state.objects.put(resource, key, obj);
      }
    }
    for (const [key, lines] of Object.entries((inlineLogs ?? {}) as Record<string, unknown>)) {
      if (!Array.isArray(lines)) throw damaged(path, `logs["${key}"] is not a list`);
      state.objects.put('logs', key, lines);
    }
  }
  return state;
}

/** A head, or a kubesim 0.1 state of one document, is a JSON string: V8 holds at most about 512 MiB of one. */
const MAX_HEAD_BYTES = 512 * 1024 * 1024;

/** Reads the head, or undefined when there is no file yet. The objects are read later, as they are asked for. */
export function readState(path: string): ClusterState | undefined {
  // Read as a file the user names: a directory, a device such as /dev/zero or a FIFO is refused, not read.
  const r = readRegularFile(path, MAX_HEAD_BYTES);
  if ('error' in r) {
    if (r.error.code === 'ENOENT') return undefined;
    throw new StateFileError(`cannot read the state file "${path}": ${ioErrorText(r.error)}`);
  }
  if ('problem' in r) {
    throw new StateFileError(
      r.problem === 'not-regular'
        ? `cannot read the state file "${path}": not a regular file`
        : `cannot read the state file "${path}": ${r.size} bytes is more than a state file can hold`,
    );
  }
  return parseState(path, r.data.toString('utf8'));
}

/** Whether a store's head names events that have expired by `nowMs`. */
function eventsDue(head: StoreHead | undefined, nowMs: number): boolean {
  return head?.eventsExpireAt !== undefined && head.eventsExpireAt <= nowMs;
}

/** The pod summary computed from every pod as the store holds them now (a projection without requests reads its object). */
function summaryOfPods(store: ClusterState['objects']): PodSummary {
  const s = new PodSummary();
  for (const [key, p] of store.projections('pods')) {
    const pod = p as PodObj | undefined;
    s.add(key, !pod || projectionLacksRequests(pod) ? (store.get('pods', key) as PodObj) : pod);
  }
  return s;
}

/**
 * Saves what the command changed (nowMs: the simulated time, for the events' TTL): a new segment with the changed objects, a new index per changed kind, then
 * the head (the commit point). Events older than the API server's TTL are dropped on the way.
 */
export function writeStateAtomic(path: string, state: ClusterState, nowMs: number): void {
  // The lock made the directory (one level at a time; a recursive mkdir spins under /proc).
  makeDir(dirname(path));
  const store = state.objects;
  // A state read from another path, built in memory, or older than the saved one (a test writing back an old
  // view) writes every object afresh, after whatever is there.
  const disk = diskHead(path);
  const onDisk = disk.generation;
  const foreign = store.source?.statePath !== path || onDisk !== (state.store?.generation ?? 0);
  if (foreign) store.materialize();
  const old: StoreHead = foreign ? { generation: Math.max(onDisk, state.store?.generation ?? 0), kinds: {}, segments: {} } : state.store ?? { generation: 0, kinds: {}, segments: {} };
  let expiry = old.eventsExpireAt;
  if (eventsDue(old, nowMs)) {
    // Rare (an hour after the oldest event): every event's time is read from the index, and the next expiry
    // is known exactly again.
    expiry = undefined;
    for (const [key, p] of store.projections('events')) {
      const t = ((p as { t?: number } | undefined)?.t ?? 0) + EVENT_TTL_MS;
      if (t <= nowMs) store.remove('events', key);
      else if (expiry === undefined || t < expiry) expiry = t;
    }
  }
  capLogs(state.logs, store.loadedKeys('logs'));
  const changes = store.changes();
  const { objects: _o, logs: _l, store: _s, ...meta } = state as ClusterState & Record<string, unknown>;
  // A command that changed nothing (an exec that only read, a refused write) leaves the files as they are.
  if (!foreign && !changes.size && JSON.stringify({ ...meta, store: old }) === disk.text) return;
  trimTombstones(state, disk.resourceVersion);
  const generation = old.generation + 1;
  const segments: StoreHead['segments'] = Object.fromEntries(Object.entries(old.segments).map(([g, v]) => [g, { ...v }]));
  const kinds: StoreHead['kinds'] = Object.fromEntries(Object.entries(old.kinds).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
  const indexes = new Map<string, Map<string, IndexEntry>>();
  const shardsWritten = new Map<string, Map<number, Map<string, IndexEntry>>>();
  const texts = new Map<string, Map<string, string>>();
  const obsolete: CommitFiles['obsolete'] = { segments: [], indexes: [] };
  const lines: string[] = [];
  let offset = 0;
  // The pod summary follows the pods written, from the old and new projections; without a valid one to start
  // from (a new store, an older kubesim's, a projection without requests), it is computed from every pod.
  const summaryText = foreign ? undefined : store.podSummaryText();
  let summary = summaryText === undefined ? undefined : PodSummary.parse(summaryText, (ref) => store.podSummaryPart(ref), (node) => store.diskPodIPs(node));
  let summaryChanged = false;
  // Tracked from a state's first commit (a new state, or one written afresh): an older state's is unknown.
  const ownerKinds: Record<string, Set<string>> | undefined = foreign ? {} : old.ownerKinds ? Object.fromEntries(Object.entries(old.ownerKinds).map(([k, v]) => [k, new Set(v)])) : undefined;
  const release = (e: IndexEntry | undefined) => {
    if (!e) return;
    const s = segments[e[0]];
    if (s) s.live -= e[2];
  };
  for (const [kind, { upserts, removals }] of changes) {
    texts.set(kind, upserts);
    const sharded = isSharded(kind);
    const prev = kinds[kind];
    const count = shardCount(kind, prev);
    let shardMaps = new Map<number, Map<string, IndexEntry>>();
    const shardFor = (key: string) => {
      const s = count === 1 ? 0 : shardOf(kind, key, count);
      let m = shardMaps.get(s);
      if (!m) shardMaps.set(s, (m = store.shardCopy(kind, s)));
      return m;
    };
    const podsSummed = kind === 'pods' && summary ? summary : undefined;
    const unsum = (key: string, e: IndexEntry | undefined) => {
      if (!podsSummed || !summary || !e) return;
      const p = e[3] as PodObj | undefined;
      if (!p || projectionLacksRequests(p)) summary = undefined;
      else podsSummed.add(key, p, -1);
    };
    if (kind === 'pods') summaryChanged = true;
    for (const key of removals) {
      const idx = shardFor(key);
      unsum(key, idx.get(key));
      release(idx.get(key));
      idx.delete(key);
    }
    for (const [key, text] of upserts) {
      const idx = shardFor(key);
      unsum(key, idx.get(key));
      release(idx.get(key));
      const len = Buffer.byteLength(text);
      const obj = JSON.parse(text) as KubeObject;
      const extra = projectionOf(kind, obj);
      if (ownerKinds) for (const r of obj.metadata?.ownerReferences ?? []) if (typeof r?.kind === 'string') (ownerKinds[kind] ??= new Set()).add(r.kind);
      if (podsSummed && summary) podsSummed.add(key, extra as PodObj);
      idx.set(key, extra === undefined ? [generation, offset, len] : [generation, offset, len, extra]);
      lines.push(text);
      offset += len + 1;
      if (kind === 'events') {
        const t = ((extra as { t?: number } | undefined)?.t ?? 0) + EVENT_TTL_MS;
        if (expiry === undefined || t < expiry) expiry = t;
      }
    }
    // The new index files of the shards this commit touched; the others stay as they are. A shard grown past
    // its limit doubles the kind's shards instead: every shard is read and the whole index written anew.
    let gens: (number | null)[] = Array.isArray(prev) ? prev : typeof prev === 'number' ? [prev] : new Array<number | null>(count).fill(null);
    const grown = sharded ? grownCount(kind, count, shardMaps.values()) : count;
    if (grown !== count) {
      gens.forEach((g, s) => g !== null && obsolete.indexes.push(indexName(kind, Array.isArray(prev) ? s : undefined, g)));
      const all = Array.from({ length: count }, (_, s) => shardMaps.get(s) ?? store.shardCopy(kind, s));
      shardMaps = reshard(kind, all, grown);
      gens = new Array<number | null>(grown).fill(null);
    }
    for (const [s, m] of shardMaps) {
      const old = gens[s];
      if (old !== null && old !== undefined) obsolete.indexes.push(indexName(kind, Array.isArray(prev) ? s : undefined, old));
      if (m.size) {
        indexes.set(indexName(kind, sharded ? s : undefined, generation), m);
        gens[s] = generation;
      } else gens[s] = null;
    }
    shardsWritten.set(kind, shardMaps);
    if (gens.every((g) => g === null)) delete kinds[kind];
    else kinds[kind] = sharded ? gens : (gens[0] as number);
  }
  if (offset) segments[generation] = { size: offset, live: offset - lines.length };
  for (const [g, s] of Object.entries(segments)) {
    if (s.live <= 0) {
      delete segments[g];
      if (Number(g) !== generation) obsolete.segments.push(Number(g));
    }
  }
  // The old summary's part files, read from its file even when it was stale or not trusted (they go with it).
  const oldParts = () => PodSummary.parts(summaryText ?? (old.podSummary && !foreign ? readPodSummaryFile(path, old.podSummary.gen) : undefined));
  const storeHead: StoreHead = { generation, kinds, segments };
  if (ownerKinds) {
    // A kind with no object left starts again from nothing.
    storeHead.ownerKinds = {};
    for (const k of Object.keys(ownerKinds).sort()) if (kinds[k] !== undefined && ownerKinds[k].size) storeHead.ownerKinds[k] = [...ownerKinds[k]].sort();
  }
  if (expiry !== undefined && store.kindNames().includes('events')) storeHead.eventsExpireAt = expiry;
  const files = new Map<string, string>();
  if (kinds.pods) {
    // A summary whose tables turned out damaged while they were brought up to date is computed again.
    if (!summary || summary.damaged || store.podSummaryDamaged) {
      summary = summaryOfPods(store);
      summaryChanged = true;
    }
    if (summaryChanged || !old.podSummary) {
      let part = 0;
      const text = summary.toText((rows) => {
        const ref = `${generation}.${part++}`;
        files.set(podSummaryPartName(ref), rows);
        return ref;
      });
      files.set(podSummaryName(generation), text);
      storeHead.podSummary = { gen: generation, of: JSON.stringify(kinds.pods) };
      if (old.podSummary) {
        // The old summary's part files that the new one no longer names go with it.
        const kept = new Set(PodSummary.parts(text));
        obsolete.indexes.push(podSummaryName(old.podSummary.gen), ...oldParts().filter((r) => !kept.has(r)).map(podSummaryPartName));
      }
    } else storeHead.podSummary = { ...old.podSummary, of: JSON.stringify(kinds.pods) };
  } else if (old.podSummary) obsolete.indexes.push(podSummaryName(old.podSummary.gen), ...oldParts().map(podSummaryPartName));
  const head = JSON.stringify({ ...meta, store: storeHead });
  writeCommit(path, { generation, segment: lines, indexes, files, head, obsolete });
  if (foreign) for (const f of strayFiles(path, storeHead)) rmSync(f, { force: true });
  state.store = storeHead;
  store.committed(
    {
      statePath: path,
      head: storeHead,
      reloadHead: () => readState(path)?.store ?? storeHead,
    },
    shardsWritten,
    texts,
  );
}

/**
 * How many shards a kind needs after this commit: as many as it has, unless a shard it writes holds more
 * than the kind's limit; then the fewest doublings that split that shard into parts of at most 3/4 of the
 * limit (so the next doubling is far off). A shard that no doubling splits so (one object's many events,
 * which stay together) doubles nothing. At least MIN_SHARDS: a single index from before sharding is split.
 * Shards are never merged again when a kind shrinks: an empty one is no file, and a small one costs little.
 */
function grownCount(kind: string, count: number, written: Iterable<Map<string, IndexEntry>>): number {
  let target = Math.max(count, MIN_SHARDS);
  const limit = shardLimit(kind);
  for (const m of written) {
    if (m.size <= limit) continue;
    const hashes = Array.from(m.keys(), (k) => keyHash(kind, k));
    // Counts below the target found so far are not wanted: from there, the first that splits this shard.
    for (let n = Math.max(count * 2, MIN_SHARDS, target); n <= MAX_SHARDS; n *= 2) {
      const parts = new Map<number, number>();
      let largest = 0;
      for (const h of hashes) {
        const c = (parts.get(h % n) ?? 0) + 1;
        parts.set(h % n, c);
        if (c > largest) largest = c;
      }
      if (largest * 4 <= limit * 3) {
        target = n;
        break;
      }
    }
  }
  return target;
}

/** A kind's whole index (shard by shard, in order) split into `count` shards: every one is written. */
function reshard(kind: string, shards: Map<string, IndexEntry>[], count: number): Map<number, Map<string, IndexEntry>> {
  const out = new Map<number, Map<string, IndexEntry>>();
  for (let s = 0; s < count; s++) out.set(s, new Map());
  for (const m of shards) for (const [k, e] of m) out.get(shardOf(kind, k, count))!.set(k, e);
  return out;
}

/** Deletions of earlier commits kept in the head, for a server that looks at the state a few commits late. */
const MAX_TOMBSTONES = 500;

/** Keeps every deletion of this commit (after diskRV) and the latest earlier ones up to MAX_TOMBSTONES. */
function trimTombstones(state: ClusterState, diskRV: number): void {
  const t = state.tombstones;
  if (!t || t.list.length <= MAX_TOMBSTONES) return;
  let mine = 0;
  while (mine < t.list.length && t.list[t.list.length - 1 - mine][0] > diskRV) mine++;
  const dropped = t.list.splice(0, t.list.length - Math.max(mine, MAX_TOMBSTONES));
  if (dropped.length) t.from = Math.max(t.from, dropped[dropped.length - 1][0]);
}

/** The API server keeps events for an hour (kube-apiserver --event-ttl). */
export const EVENT_TTL_MS = 60 * 60 * 1000;

/** The generation of the state saved at path (0 when there is none): a new save must come after it. */
function diskHead(path: string): { generation: number; resourceVersion: number; text: string } {
  try {
    const text = readFileSync(path, 'utf8');
    const doc = JSON.parse(text) as { store?: { generation?: unknown }; resourceVersion?: unknown };
    const g = doc.store?.generation;
    const rv = doc.resourceVersion;
    return { generation: typeof g === 'number' && Number.isInteger(g) ? g : 0, resourceVersion: typeof rv === 'number' ? rv : 0, text };
  } catch {
    return { generation: 0, resourceVersion: 0, text: '' };
  }
}

/**
 * Commands that run side by side in one process (the ui's terminal tabs) take their turn here before the
 * inter-process lock, which a process holds only once. A call nested inside a holder does not wait (it would
 * wait for itself): it goes on to the lock, which reports the bug.
 */
const turns = new Map<string, Promise<void>>();
const holding = new AsyncLocalStorage<ReadonlySet<string>>();

/**
 * Holds the inter-process lock on the state file while fn runs (src/store/lock.ts: kept for as long as this
 * process lives, freed the moment it dies). Not re-entrant: a nested call is a bug and throws at once.
 */
export async function withLock<T>(path: string, fn: () => T | Promise<T>): Promise<T> {
  const key = resolve(path);
  const held = holding.getStore();
  if (held?.has(key)) return lockedRun(path, fn);
  const before = turns.get(key);
  let done!: () => void;
  const mine = new Promise<void>((r) => (done = r));
  const tail = (before ?? Promise.resolve()).then(() => mine);
  turns.set(key, tail);
  try {
    if (before) await before;
    return await holding.run(new Set([...(held ?? []), key]), () => lockedRun(path, fn));
  } finally {
    done();
    if (turns.get(key) === tail) turns.delete(key);
  }
}

async function lockedRun<T>(path: string, fn: () => T | Promise<T>): Promise<T> {
  // Loaded only by commands that write: node:net is most of what taking the lock costs.
  const { acquireStateLock, LockError } = await import('./lock.js');
  let lock: StateLock;
  try {
    lock = await acquireStateLock(path);
  } catch (e) {
    if (e instanceof LockError) throw new StateFileError(`cannot lock the state file "${path}": ${e.message}`);
    throw e;
  }
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/**
 * Read-modify-write under the lock. `fn` changes the state in place and returns a result; when it throws,
 * nothing is written, so a failed command leaves the state as it was.
 */
export async function mutateState<T>(
  path: string,
  create: () => ClusterState | Promise<ClusterState>,
  fn: (state: ClusterState) => T | Promise<T>,
  /** The simulated time when the command ends (events older than the TTL are dropped at the save). */
  now: () => number,
): Promise<T> {
  return withLock(path, async () => {
    const state = readState(path) ?? (await create());
    const result = await fn(state);
    writeStateAtomic(path, state, now());
    return result;
  });
}

/** Removes the state: its head, its data directory and temporary files. */
export function removeState(path: string): boolean {
  return removeFiles(path);
}

/** The whole state as one document (schema 1's shape): for `kubesim state export`, tests and bug reports. */
export function exportState(state: ClusterState): Record<string, unknown> {
  const objects: Record<string, Record<string, unknown>> = {};
  for (const kind of state.objects.kindNames()) {
    // Logs go below; the flows ring (src/net/flows.ts) is a cache of recent traffic, like conntrack, and the
    // containers' writable layers (src/apps/layer.ts) are runtime state, not API objects: not exported.
    if (kind === 'logs' || kind === 'flows' || kind === 'layers') continue;
    const keys = state.objects.keys(kind);
    if (!keys.length) continue;
    const bucket: Record<string, unknown> = {};
    for (const k of keys) bucket[k] = state.objects.get(kind, k);
    objects[kind] = bucket;
  }
  const logs: Record<string, unknown> = {};
  for (const k of state.objects.keys('logs')) logs[k] = state.objects.get('logs', k);
  // Tombstones, like the flows ring, are a cache for watchers: not part of the cluster.
  const { objects: _o, logs: _l, store: _s, tombstones: _t, ...meta } = state as ClusterState & Record<string, unknown>;
  return { ...meta, objects, logs };
}

/** A deep copy held in memory (its first save writes every object): tests and what-if views. */
export function cloneState(state: ClusterState): ClusterState {
  const doc = structuredClone(exportState(state));
  delete doc.store;
  return openHead('(memory)', doc);
}
