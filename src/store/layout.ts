// The files of a state, and how one commit replaces them atomically.
//
//   state.json            the head: cluster settings, random source, counters, and which files hold the objects
//   state.json.d/
//     seg-<gen>.jsonl     the objects a commit wrote, one JSON document a line (never changed once written)
//     <kind>-<gen>.idx    per kind: key -> [segment, byte offset, byte length, small projection]; the kinds that
//     <kind>.<s>-<gen>.idx  grow with the cluster (pods, events, slices, logs) split theirs into shards by
//                         key (32, doubled whenever one grows past a few hundred entries), so a write
//                         rewrites the few small shards it touched and a read of one object parses one
//
// A commit writes a new segment and a new index for each kind it changed, fsyncs them, then renames a new head
// over the old one: that rename is the commit point, so a SIGKILL at any moment leaves the old state or the new
// one. Files the new head no longer names are removed afterwards; a reader that loses the race re-reads the head.
// A single-object read touches the head, one index and one line of one segment; a list reads one index and the
// segments it names.
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** [segment generation, byte offset, byte length, projection kept in the index (see projectionOf)]. */
export type IndexEntry = [number, number, number, unknown?];

export interface StoreHead {
  /** Bumped by every commit; names the files that commit wrote. */
  generation: number;
  /** kind -> generation of its index file, or per shard (null: an empty shard) for the sharded kinds. */
  kinds: Record<string, number | (number | null)[]>;
  /** segment generation -> its size and the bytes still referenced by an index (0: the file can go). */
  segments: Record<string, { size: number; live: number }>;
  /** The earliest time (epoch ms) an event expires, so a write loads the events only when one is due. */
  eventsExpireAt?: number;
  /**
   * The pod summary file (src/store/pod-summary.ts) and the pods index generations it was computed for
   * (JSON of kinds.pods): a summary of other index files is stale and ignored.
   */
  podSummary?: { gen: number; of: string };
  /**
   * kind -> the kinds its objects name in their ownerReferences (a superset: a removal does not shrink it), so
   * that the garbage collector reads only the kinds that may hold dependents of what it deletes. Absent in a
   * state older than this field: every kind may.
   */
  ownerKinds?: Record<string, string[]>;
}

/** The pod summary's file name. */
export const podSummaryName = (gen: number) => `pods-summary-${gen}.json`;

/** A part file of the pod summary (a controller's rows, a node's IPs), named "<generation>.<n>" by the summary. */
export const podSummaryPartName = (ref: string) => `pods-part-${ref}.txt`;

/** A part file's text, or undefined when it cannot be read. */
export function readPodSummaryPart(statePath: string, ref: string): string | undefined {
  try {
    return readFileSync(join(dataDir(statePath), podSummaryPartName(ref)), 'utf8');
  } catch {
    return undefined;
  }
}

/** The pod summary file of a generation as it is, whatever pods index it was computed for (undefined: none). */
export function readPodSummaryFile(statePath: string, gen: number): string | undefined {
  try {
    return readFileSync(join(dataDir(statePath), podSummaryName(gen)), 'utf8');
  } catch {
    return undefined;
  }
}

/** The text of the pod summary the head names, if it names one computed for its pods index; else undefined. */
export function readPodSummaryText(statePath: string, head: StoreHead): string | undefined {
  const ps = head.podSummary;
  if (!ps || !Number.isInteger(ps.gen) || ps.of !== JSON.stringify(head.kinds.pods ?? null)) return undefined;
  try {
    return readFileSync(join(dataDir(statePath), podSummaryName(ps.gen)), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A cheap fingerprint of the head file: every commit renames a new head over the old one, so a new inode (or
 * mtime, or size) means the state changed. Long-running servers poll it instead of reading the state. '' when
 * there is no state file.
 */
export function headSignature(statePath: string): string {
  try {
    const s = statSync(statePath, { bigint: true });
    return `${s.ino}:${s.mtimeNs}:${s.size}`;
  } catch {
    return '';
  }
}

export function dataDir(statePath: string): string {
  return `${statePath}.d`;
}

const segmentFile = (dir: string, gen: number) => join(dir, `seg-${gen}.jsonl`);
/** The index file of a kind (shard undefined) or of one shard of it. */
export const indexName = (kind: string, shard: number | undefined, gen: number) => (shard === undefined ? `${kind}-${gen}.idx` : `${kind}.${shard}-${gen}.idx`);

/**
 * Shards of a kind whose index grows with the cluster, while it is small (and of one the head does not name
 * yet). The head's list of a kind's shard generations says how many it has now: a commit that would write a
 * shard above shardLimit doubles them (store.ts), so a shard stays small however big the cluster grows.
 * Counts are powers of two times this, so that doubling splits shard s into s and s + N (hash % 2N) and keeps
 * an object's events together.
 */
export const MIN_SHARDS = 32;
/** A bound on doubling: a shard that one object's events fill (they cannot be split) never doubles a kind past it. */
export const MAX_SHARDS = 1 << 16;
const SHARDED = new Set(['pods', 'events', 'endpointslices', 'logs']);

/**
 * Entries a shard may hold before its kind's shards double, by kind: about 100 KB of index whatever the kind
 * (a pod's entry carries a projection of ~800 bytes, an event's ~170, a slice's its 100 endpoints' names).
 * Parsing an index costs 50-130 ms a MB (measured on 250 KB shards of a 10,000-pod cluster), and a write
 * reads and rewrites each shard it touches. Tests lower the limits (setShardLimits).
 */
const SHARD_LIMITS: Record<string, number> = { pods: 128, events: 512, endpointslices: 48, logs: 512 };
const DEFAULT_LIMITS = { ...SHARD_LIMITS };

export function shardLimit(kind: string): number {
  return SHARD_LIMITS[kind] ?? 512;
}

/** For tests: small limits make a small cluster reshard; undefined restores the measured ones. */
export function setShardLimits(limits: Record<string, number> | undefined): void {
  for (const k of Object.keys(SHARD_LIMITS)) SHARD_LIMITS[k] = limits?.[k] ?? DEFAULT_LIMITS[k];
}

export function isSharded(kind: string): boolean {
  return SHARDED.has(kind);
}

/**
 * How many shards a kind's index has, from the head's entry for it: one for a kind that is not sharded (or a
 * sharded kind's single index from before sharding), the list's length, or MIN_SHARDS for a kind not there yet.
 */
export function shardCount(kind: string, gens: number | (number | null)[] | undefined): number {
  if (!isSharded(kind)) return 1;
  if (Array.isArray(gens)) return gens.length;
  return gens === undefined ? MIN_SHARDS : 1;
}

/**
 * The hash that places a key. An event goes with its object ("ns/<object>.<hex time>" -> "ns/<object>"), so
 * that the recorder finds a series and describe finds an object's events in one shard.
 */
export function keyHash(kind: string, key: string): number {
  let k = key;
  if (kind === 'events') {
    const dot = key.lastIndexOf('.');
    if (dot > key.indexOf('/')) k = key.slice(0, dot);
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < k.length; i++) {
    h ^= k.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The shard of a key among `count` shards (see shardCount). */
export function shardOf(kind: string, key: string, count: number): number {
  return keyHash(kind, key) % count;
}

/** Thrown when a file the head names is gone: a writer committed meanwhile, so the reader starts again. */
export class StaleReadError extends Error {}

function readOrStale(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StaleReadError(path);
    throw e;
  }
}

export function readIndex(statePath: string, kind: string, shard: number | undefined, gen: number): Map<string, IndexEntry> {
  const raw = JSON.parse(readOrStale(join(dataDir(statePath), indexName(kind, shard, gen))).toString('utf8')) as [string, ...IndexEntry][];
  if (!Array.isArray(raw)) throw new Error(`index of ${kind} is not a list`);
  const m = new Map<string, IndexEntry>();
  for (const [key, seg, off, len, extra] of raw) m.set(key, extra === undefined ? [seg, off, len] : [seg, off, len, extra]);
  return m;
}

/**
 * An index's locations without its projections: each row is one line (writeCommit writes them so), and only the
 * key and the three numbers at its start are read, so a list printed from the objects does not build 10,000
 * projections it never looks at. A row of another shape is read by readIndex instead.
 */
export function readIndexLocations(statePath: string, kind: string, shard: number | undefined, gen: number): Map<string, IndexEntry> {
  const text = readOrStale(join(dataDir(statePath), indexName(kind, shard, gen))).toString('utf8');
  const m = new Map<string, IndexEntry>();
  const row = /^\[?\["((?:[^"\\]|\\.)*)",(\d+),(\d+),(\d+)[,\]]/;
  for (const line of text.split('\n')) {
    const r = row.exec(line);
    if (!r) return readIndex(statePath, kind, shard, gen);
    const key = r[1].includes('\\') ? (JSON.parse(`"${r[1]}"`) as string) : r[1];
    m.set(key, [Number(r[2]), Number(r[3]), Number(r[4])]);
  }
  return m;
}

function openSegment(statePath: string, gen: number): number {
  try {
    return openSync(segmentFile(dataDir(statePath), gen), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new StaleReadError(String(gen));
    throw err;
  }
}

function readAt(fd: number, e: IndexEntry): string {
  const buf = Buffer.allocUnsafe(e[2]);
  const n = readSync(fd, buf, 0, e[2], e[1]);
  if (n !== e[2]) throw new Error(`segment ${e[0]} is shorter than its index says`);
  return buf.toString('utf8');
}

/** One object's text, read at its offset without reading the rest of the segment. */
export function readSlice(statePath: string, e: IndexEntry): string {
  const fd = openSegment(statePath, e[0]);
  try {
    return readAt(fd, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads objects one at a time at their offsets, keeping each segment open: a list that is printed as it is
 * read (get of 10,000 pods) reads only the objects' bytes and keeps none of them.
 */
export class PositionalReader {
  private readonly fds = new Map<number, number>();
  private buf = Buffer.allocUnsafe(64 * 1024);
  constructor(protected readonly statePath: string) {}
  text(e: IndexEntry): string {
    let fd = this.fds.get(e[0]);
    if (fd === undefined) this.fds.set(e[0], (fd = openSegment(this.statePath, e[0])));
    if (this.buf.length < e[2]) this.buf = Buffer.allocUnsafe(e[2]);
    const n = readSync(fd, this.buf, 0, e[2], e[1]);
    if (n !== e[2]) throw new Error(`segment ${e[0]} is shorter than its index says`);
    return this.buf.toString('utf8', 0, e[2]);
  }
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

/**
 * Reads many objects at once: a segment most of whose bytes are wanted is read whole, once; from a big one
 * only the lines asked for (a list of 100 nodes must not read the 70 MB segment that also holds 10,000 pods).
 */
export class SegmentReader extends PositionalReader {
  private files = new Map<number, Buffer>();
  constructor(
    statePath: string,
    /** Bytes wanted per segment, and each segment's size: decides whole-file or per-line reads. */
    private readonly wanted: Map<number, number> = new Map(),
    private readonly sizes: Record<string, { size: number }> = {},
  ) {
    super(statePath);
  }
  override text(e: IndexEntry): string {
    const size = this.sizes[e[0]]?.size;
    // Segments read line by line are each opened once (a list of 1,000 Services opens its segment once).
    if (size !== undefined && (this.wanted.get(e[0]) ?? size) * 4 < size) return super.text(e);
    let buf = this.files.get(e[0]);
    if (!buf) {
      buf = readOrStale(segmentFile(dataDir(this.statePath), e[0]));
      this.files.set(e[0], buf);
    }
    if (e[1] + e[2] > buf.length) throw new Error(`segment ${e[0]} is shorter than its index says`);
    return buf.toString('utf8', e[1], e[1] + e[2]);
  }

  /** Closes the segments it opened (call when done, also after an error). */
  override close(): void {
    super.close();
    this.files.clear();
  }
}

function writeDurable(path: string, data: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Lines, each followed by a newline, written in batches of a few megabytes; the open file is returned, not yet synced. */
function writeLines(path: string, lines: string[]): number {
  const fd = openSync(path, 'w', 0o600);
  try {
    let batch: string[] = [];
    let size = 0;
    for (const line of lines) {
      batch.push(line);
      size += line.length + 1;
      if (size >= 8 << 20) {
        writeSync(fd, `${batch.join('\n')}\n`);
        batch = [];
        size = 0;
      }
    }
    if (batch.length) writeSync(fd, `${batch.join('\n')}\n`);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * Files written first and synced afterwards, a batch at a time: a filesystem that journals flushes the batch
 * in one commit at the first fsync, where a sync after each write would commit once per file (a commit that
 * doubles a kind's shards writes hundreds). Batches bound the files held open.
 */
class SyncedFiles {
  private open: number[] = [];
  add(fd: number): void {
    this.open.push(fd);
    if (this.open.length >= 64) this.sync();
  }
  write(path: string, data: string): void {
    const fd = openSync(path, 'w', 0o600);
    try {
      writeSync(fd, data);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    this.add(fd);
  }
  /** Syncs and closes every file written so far (each is closed even when a sync fails). */
  sync(): void {
    const fds = this.open;
    this.open = [];
    let failed: unknown;
    for (const fd of fds) {
      try {
        if (failed === undefined) fsyncSync(fd);
      } catch (e) {
        failed = e;
      }
      closeSync(fd);
    }
    if (failed !== undefined) throw failed;
  }
  /** Closes what is open without syncing (the commit failed: these files are never named by a head). */
  abandon(): void {
    for (const fd of this.open) closeSync(fd);
    this.open = [];
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* some filesystems cannot fsync a directory; the rename is still atomic */
  }
}

export interface CommitFiles {
  generation: number;
  /** The new segment's objects as JSON lines (none: no segment), written in batches: 100,000 pods are more text than one string holds. */
  segment: string[];
  /** index file name -> its entries. */
  indexes: Map<string, Map<string, IndexEntry>>;
  /** Other files of this commit (the pod summary): name -> text. */
  files?: Map<string, string>;
  /** The head document to write last. */
  head: string;
  /** Files of the old head that the new one no longer names (removed after the commit). */
  obsolete: { segments: number[]; indexes: string[] };
}

/** Writes a commit's files, then the head by rename (the commit point), then removes what it replaced. */
export function writeCommit(statePath: string, c: CommitFiles): void {
  const dir = dataDir(statePath);
  makeDir(dir);
  // A crashed commit may have left files of this generation: they were never named by a head, so overwrite them.
  const synced = new SyncedFiles();
  try {
    if (c.segment.length) synced.add(writeLines(segmentFile(dir, c.generation), c.segment));
    for (const [name, idx] of c.indexes) {
      const rows: string[] = [];
      for (const [key, e] of idx) rows.push(JSON.stringify([key, ...e]));
      synced.write(join(dir, name), `[${rows.join(',\n')}]`);
    }
    for (const [name, text] of c.files ?? []) synced.write(join(dir, name), text);
    synced.sync();
  } catch (e) {
    synced.abandon();
    throw e;
  }
  fsyncDir(dir);
  writeHeadAtomic(statePath, c.head);
  for (const s of c.obsolete.segments) removeQuietly(segmentFile(dir, s));
  for (const name of c.obsolete.indexes) removeQuietly(join(dir, name));
}

/** Creates one directory level, private to its owner; an existing directory is fine. */
export function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** The head by a private temporary file, fsync, rename over the old one, fsync of the directory. */
export function writeHeadAtomic(statePath: string, text: string): void {
  const dir = dirname(statePath);
  const tmp = join(dir, `.${basename(statePath)}.tmp`);
  writeDurable(tmp, text);
  renameSync(tmp, statePath);
  fsyncDir(dir);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

/** Removes the head, its data directory and any temporary file a killed writer left. */
export function removeFiles(statePath: string): boolean {
  let existed = false;
  try {
    unlinkSync(statePath);
    existed = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  rmSync(dataDir(statePath), { recursive: true, force: true });
  removeQuietly(join(dirname(statePath), `.${basename(statePath)}.tmp`));
  return existed;
}

/** Files in the data directory that the head does not name: what a killed commit left behind. */
/** The part files a pod summary's text names (its controllers' rows). */
function summaryParts(text: string | undefined): string[] {
  const out: string[] = [];
  for (const m of (text ?? '').matchAll(/"r":"(\d+\.\d+)"/g)) out.push(m[1]);
  return out;
}

export function strayFiles(statePath: string, head: StoreHead): string[] {
  let names: string[];
  try {
    names = readdirSync(dataDir(statePath));
  } catch {
    return [];
  }
  const wanted = new Set<string>();
  for (const s of Object.keys(head.segments)) wanted.add(`seg-${s}.jsonl`);
  for (const [k, g] of Object.entries(head.kinds)) {
    if (Array.isArray(g)) g.forEach((x, s) => x !== null && wanted.add(indexName(k, s, x)));
    else wanted.add(indexName(k, undefined, g));
  }
  if (head.podSummary) {
    wanted.add(podSummaryName(head.podSummary.gen));
    for (const ref of summaryParts(readPodSummaryText(statePath, head))) wanted.add(podSummaryPartName(ref));
  }
  const out = names.filter((n) => !wanted.has(n)).map((n) => join(dataDir(statePath), n));
  const tmp = join(dirname(statePath), `.${basename(statePath)}.tmp`);
  if (fileSize(tmp) !== undefined) out.push(tmp);
  return out;
}

/** Size of a file, or undefined when it is missing. */
export function fileSize(path: string): number | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
