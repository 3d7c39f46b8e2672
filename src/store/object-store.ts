// The objects of one state as a command sees them: loaded from disk when first asked for (one object, or a
// whole kind for a list), changed in memory, and written back by commit() as only what changed. An object
// changed in place without putObject still counts as changed: commit compares each loaded object with the text
// it was read from, so no change is lost however a controller made it.
import { projectionOf } from '../api/projections.js';
import { isSharded, PositionalReader, readIndex, readIndexLocations, readPodSummaryPart, readPodSummaryText, readSlice, SegmentReader, shardCount, shardOf, StaleReadError, type IndexEntry, type StoreHead } from './layout.js';
import { sortKeys } from './keys.js';

export interface Loaded {
  obj: unknown;
  /** The JSON it was read from; undefined for an object this command created. */
  text: string | undefined;
}

class KindData {
  /** What the head's index says, all shards merged (undefined until needed; empty for a kind the disk lacks). */
  index: Map<string, IndexEntry> | undefined;
  /** The index by shard, as far as read (a kind that is not sharded has one). */
  shards: (Map<string, IndexEntry> | undefined)[] = [];
  readonly loaded = new Map<string, Loaded>();
  readonly removed = new Set<string>();
  /** Keys explicitly written this command (kept even when the text happens to match). */
  readonly written = new Set<string>();
  complete = false;
  sorted: string[] | undefined;
  /** Objects read for a reader that never changes them (peek), not loaded: the commit does not compare them. */
  readonly peeked = new Map<string, unknown>();
}

/** Where a store reads from: the state path and a head, which is re-read when a writer replaced the files. */
export interface StoreSource {
  statePath: string;
  head: StoreHead;
  /** Re-reads the head (a writer committed since): returns the new one. */
  reloadHead(): StoreHead;
}

export class ObjectStore {
  private readonly kinds = new Map<string, KindData>();
  /**
   * Every put and remove, in order: the "watch" of this command. Controllers read it from a position of their
   * own to learn which keys changed (src/cluster/queue.ts), as informers learn from a watch.
   */
  readonly journal: { kind: string; key: string; removed?: unknown }[] = [];
  /**
   * Kinds whose index holds projections of an older shape (a reader had to read objects instead): the next
   * commit writes the objects this command read of them again, so that their index entries get the new shape.
   */
  readonly reproject = new Set<string>();

  /** source undefined: a store that lives only in memory until its first commit (a new cluster, a v1 file). */
  constructor(readonly source: StoreSource | undefined) {}

  private data(kind: string): KindData {
    let d = this.kinds.get(kind);
    if (!d) this.kinds.set(kind, (d = new KindData()));
    return d;
  }

  /** Runs a read, starting again from a newer head when a writer removed a file this head named. */
  private retrying<T>(fn: () => T): T {
    for (let attempt = 0; ; attempt++) {
      try {
        return fn();
      } catch (e) {
        if (!(e instanceof StaleReadError) || !this.source || attempt >= 20) throw e;
        this.source.head = this.source.reloadHead();
        // Indexes not yet used are read again from the new head; objects already loaded stay as they were read.
        for (const d of this.kinds.values()) {
          if (d.complete) continue;
          d.index = undefined;
          d.shards = [];
          d.peeked.clear();
        }
      }
    }
  }

  /** One shard of a kind's index (shard 0 of a kind that is not sharded), read when first needed. */
  private shardIndex(kind: string, d: KindData, shard: number): Map<string, IndexEntry> {
    let m = d.shards[shard];
    if (!m) {
      m = this.readShard(kind, shard, readIndex) ?? new Map();
      d.shards[shard] = m;
    }
    return m;
  }

  /** Shard s of a kind's index as the head names it, read by `read`; undefined for an empty shard. */
  private readShard(kind: string, s: number, read: typeof readIndex): Map<string, IndexEntry> | undefined {
    const gens = this.source?.head.kinds[kind];
    const g = Array.isArray(gens) ? gens[s] : gens;
    return g === undefined || g === null || !this.source ? undefined : read(this.source.statePath, kind, Array.isArray(gens) ? s : undefined, g);
  }

  /** How many shards a kind's index has in the head this store reads (it changes only at a commit). */
  shardCount(kind: string): number {
    return shardCount(kind, this.source?.head.kinds[kind]);
  }

  /** The shard that holds a key of a kind (0 for a kind that is not sharded). */
  shardOf(kind: string, key: string): number {
    const n = this.shardCount(kind);
    return n === 1 ? 0 : shardOf(kind, key, n);
  }

  private entry(kind: string, d: KindData, key: string): IndexEntry | undefined {
    if (d.index) return d.index.get(key);
    return this.shardIndex(kind, d, this.shardOf(kind, key)).get(key);
  }

  /** The whole index of a kind, every shard read and merged. */
  private indexOf(kind: string, d: KindData): Map<string, IndexEntry> {
    if (!d.index) {
      const n = this.shardCount(kind);
      if (n === 1) d.index = this.shardIndex(kind, d, 0);
      else {
        d.index = new Map();
        for (let s = 0; s < n; s++) for (const [k, e] of this.shardIndex(kind, d, s)) d.index.set(k, e);
      }
    }
    return d.index;
  }

  get(kind: string, key: string): unknown {
    const d = this.data(kind);
    const hit = d.loaded.get(key);
    if (hit) return hit.obj;
    if (d.removed.has(key) || d.complete) return undefined;
    return this.retrying(() => {
      const e = this.entry(kind, d, key);
      if (!e) return undefined;
      const text = readSlice(this.source!.statePath, e);
      const obj = JSON.parse(text);
      d.loaded.set(key, { obj, text });
      return obj;
    });
  }

  has(kind: string, key: string): boolean {
    const d = this.data(kind);
    if (d.loaded.has(key)) return true;
    if (d.removed.has(key) || d.complete) return false;
    return this.retrying(() => this.entry(kind, d, key) !== undefined);
  }

  /** Every object of a kind, in etcd key order. */
  list(kind: string): unknown[] {
    const d = this.data(kind);
    this.loadAll(kind, d);
    d.sorted ??= sortKeys(d.loaded.keys());
    return d.sorted.map((k) => d.loaded.get(k)!.obj);
  }

  /**
   * Every object of a kind in etcd key order, read one at a time and not kept (a printer that needs each object
   * once). Objects this command loaded or changed are as it has them. Each key's read starts again from a
   * newer head if a writer removed the file meanwhile.
   */
  *scan(kind: string, namespace?: string): Generator<unknown> {
    const d = this.data(kind);
    if (d.complete || !this.source) {
      yield* this.list(kind);
      return;
    }
    // Where each object is, from the shards already read or else their locations only (no projections).
    const source = this.source;
    const where = this.retrying(() => {
      const all = new Map<string, IndexEntry>();
      for (let s = 0; s < this.shardCount(kind); s++) {
        const m = d.shards[s] ?? this.readShard(kind, s, readIndexLocations);
        for (const [k, e] of m ?? []) if (!d.removed.has(k)) all.set(k, e);
      }
      return all;
    });
    const keys = new Set(where.keys());
    for (const k of d.loaded.keys()) keys.add(k);
    // A namespace's objects are the keys under its prefix: the others are not read at all.
    const wanted = sortKeys(namespace === undefined ? keys : [...keys].filter((k) => k.startsWith(`${namespace}/`)));
    const reader = new PositionalReader(source.statePath);
    try {
      for (const k of wanted) {
        const hit = d.loaded.get(k);
        if (hit) {
          yield hit.obj;
          continue;
        }
        // A writer that removed the segment meanwhile: read this object through the index of the new head.
        let obj: unknown;
        try {
          obj = JSON.parse(reader.text(where.get(k)!));
        } catch (e) {
          if (!(e instanceof StaleReadError)) throw e;
          obj = this.get(kind, k);
        }
        if (obj !== undefined) yield obj;
      }
    } finally {
      reader.close();
    }
  }

  /** Keys of a kind in etcd order, without reading the objects. */
  keys(kind: string): string[] {
    const d = this.data(kind);
    if (d.complete) return (d.sorted ??= sortKeys(d.loaded.keys())).slice();
    return this.retrying(() => {
      const out = new Set<string>();
      for (const k of this.indexOf(kind, d).keys()) if (!d.removed.has(k)) out.add(k);
      for (const k of d.loaded.keys()) out.add(k);
      return sortKeys(out);
    });
  }

  /** The projections kept in a kind's index (see projectionOf), by key, without reading the objects. */
  projections(kind: string): Map<string, unknown> {
    const d = this.data(kind);
    const out = new Map<string, unknown>();
    if (!d.complete) {
      this.retrying(() => {
        for (const [k, e] of this.indexOf(kind, d)) if (!d.removed.has(k) && !d.loaded.has(k)) out.set(k, e[3]);
      });
    }
    for (const [k, l] of d.loaded) out.set(k, projectionOf(kind, l.obj));
    return out;
  }

  private loadAll(kind: string, d: KindData): void {
    if (d.complete) return;
    this.retrying(() => {
      const idx = this.indexOf(kind, d);
      const wanted = new Map<number, number>();
      for (const [k, e] of idx) if (!d.loaded.has(k) && !d.removed.has(k)) wanted.set(e[0], (wanted.get(e[0]) ?? 0) + e[2]);
      const reader = this.source ? new SegmentReader(this.source.statePath, wanted, this.source.head.segments) : undefined;
      const fresh: [string, Loaded][] = [];
      try {
        for (const [k, e] of idx) {
          if (d.loaded.has(k) || d.removed.has(k)) continue;
          const text = reader!.text(e);
          fresh.push([k, { obj: JSON.parse(text), text }]);
        }
      } finally {
        reader?.close();
      }
      for (const [k, l] of fresh) d.loaded.set(k, l);
    });
    d.complete = true;
    d.sorted = undefined;
  }

  put(kind: string, key: string, obj: unknown): void {
    const d = this.data(kind);
    const old = d.loaded.get(key);
    if (old) old.obj = obj;
    else {
      d.loaded.set(key, { obj, text: undefined });
      d.sorted = undefined;
    }
    d.removed.delete(key);
    d.written.add(key);
    this.journal.push({ kind, key });
  }

  remove(kind: string, key: string): boolean {
    const existed = this.has(kind, key);
    const d = this.data(kind);
    const removed = d.loaded.get(key)?.obj;
    if (d.loaded.delete(key)) d.sorted = undefined;
    d.removed.add(key);
    d.written.delete(key);
    if (existed) this.journal.push({ kind, key, removed });
    return existed;
  }

  /**
   * Takes a loaded object out of view without deleting it (the workload controllers replay a past instant
   * without the objects that did not exist yet); restore() puts it back as it was, changed or not.
   */
  setAside(kind: string, key: string): Loaded | undefined {
    const d = this.data(kind);
    const l = d.loaded.get(key);
    if (!l) return undefined;
    d.loaded.delete(key);
    d.removed.add(key);
    d.sorted = undefined;
    return l;
  }

  restore(kind: string, key: string, l: Loaded): void {
    const d = this.data(kind);
    d.loaded.set(key, l);
    d.removed.delete(key);
    d.sorted = undefined;
  }

  /** One kind as a record keyed like etcd ("ns/name"), reading objects as they are looked up. */
  view<T = unknown>(kind: string): Record<string, T> {
    return new Proxy(Object.create(null) as Record<string, T>, {
      get: (_t, key) => (typeof key === 'string' ? (this.get(kind, key) as T) : undefined),
      set: (_t, key, value) => {
        if (typeof key !== 'string') return false;
        this.put(kind, key, value);
        return true;
      },
      has: (_t, key) => typeof key === 'string' && this.has(kind, key),
      deleteProperty: (_t, key) => {
        if (typeof key === 'string') this.remove(kind, key);
        return true;
      },
      ownKeys: () => this.keys(kind),
      getOwnPropertyDescriptor: (_t, key) => {
        if (typeof key !== 'string' || !this.has(kind, key)) return undefined;
        return { value: this.get(kind, key), writable: true, enumerable: true, configurable: true };
      },
    });
  }

  /**
   * Reads every object and marks all of them written, so that the next commit writes the whole store
   * (a state saved to another path), and forgets where they came from.
   */
  materialize(): void {
    for (const kind of this.kindNames()) {
      const d = this.data(kind);
      this.loadAll(kind, d);
      for (const k of d.loaded.keys()) d.written.add(k);
      d.index = new Map();
      d.shards = [];
    }
    (this as { source: StoreSource | undefined }).source = undefined;
  }

  /** Kinds this command touched or the disk has. */
  kindNames(): string[] {
    const names = new Set<string>(this.kinds.keys());
    for (const k of Object.keys(this.source?.head.kinds ?? {})) names.add(k);
    return [...names].sort();
  }

  /**
   * What changed since the objects were read: per kind, the new text of written or changed objects and the
   * removed keys. Objects this command only read and left as they were are not written again.
   */
  changes(): Map<string, { upserts: Map<string, string>; removals: Set<string> }> {
    const out = new Map<string, { upserts: Map<string, string>; removals: Set<string> }>();
    for (const [kind, d] of this.kinds) {
      const upserts = new Map<string, string>();
      for (const [k, l] of d.loaded) {
        const text = JSON.stringify(l.obj);
        if (text !== l.text || d.written.has(k) || this.reproject.has(kind)) upserts.set(k, text);
      }
      const removals = new Set<string>();
      for (const k of d.removed) if (!d.loaded.has(k)) removals.add(k);
      if (upserts.size || removals.size) out.set(kind, { upserts, removals });
    }
    return out;
  }

  /**
   * The projections of the shard that holds `key` (all of them for a kind that is not sharded): for an event,
   * every event about the same object, whatever its time suffix.
   */
  projectionsNear(kind: string, key: string): Map<string, unknown> {
    if (!isSharded(kind)) return this.projections(kind);
    const d = this.data(kind);
    const out = new Map<string, unknown>();
    if (!d.complete) {
      // Inside the retry: a newer head may have doubled the kind's shards.
      this.retrying(() => {
        out.clear();
        for (const [k, e] of this.shardIndex(kind, d, this.shardOf(kind, key))) if (!d.removed.has(k) && !d.loaded.has(k)) out.set(k, e[3]);
      });
    }
    const shard = this.shardOf(kind, key);
    for (const [k, l] of d.loaded) if (this.shardOf(kind, k) === shard) out.set(k, projectionOf(kind, l.obj));
    return out;
  }

  /**
   * The pod summary as the head this store was read from has it (src/store/pod-summary.ts), or undefined when
   * there is none for its pods index. Read once; each caller parses its own copy.
   */
  /**
   * Whether objects of `kind` as saved may name an owner of `ownerKind` (the head's ownerKinds; true when the
   * state does not track them). Objects changed by this command are not covered: see the journal.
   */
  mayBeOwnedBy(kind: string, ownerKind: string): boolean {
    const known = this.source?.head.ownerKinds;
    if (!known) return true;
    return known[kind]?.includes(ownerKind) ?? false;
  }

  /** A part file of the pod summary (read once per command; a summary's users share it). */
  podSummaryPart(ref: string): string | undefined {
    let t = this.summaryParts.get(ref);
    if (t === undefined && this.source) {
      t = readPodSummaryPart(this.source.statePath, ref);
      if (t !== undefined) this.summaryParts.set(ref, t);
    }
    return t;
  }

  private readonly summaryParts = new Map<string, string>();

  podSummaryText(): string | undefined {
    if (!this.source) return undefined;
    if (this.summaryFor !== this.source.head) {
      this.summaryFor = this.source.head;
      this.summaryText = readPodSummaryText(this.source.statePath, this.source.head);
    }
    return this.summaryText;
  }

  /** Set by a reader that found the pod summary's rows damaged: the next save computes it afresh. */
  podSummaryDamaged = false;

  private summaryFor: StoreHead | undefined;
  private summaryText: string | undefined;

  /**
   * Objects for a reader that never changes them (the network topology), in the order of `keys`, missing ones
   * left out: this command's version of an object it read or wrote, else the saved one, read (in one pass over
   * its segment) without being loaded, so that the commit does not compare them with their text: a Service's
   * 10,000 endpoints are read for a connection, never written. A change made to a peeked object is lost.
   */
  peekMany(kind: string, keys: readonly string[]): unknown[] {
    const d = this.data(kind);
    return this.retrying(() => {
      const found = new Map<string, unknown>();
      const want: [string, IndexEntry][] = [];
      for (const k of keys) {
        const l = d.loaded.get(k);
        if (l) found.set(k, l.obj);
        else if (d.removed.has(k) || d.complete) continue;
        else if (d.peeked.has(k)) found.set(k, d.peeked.get(k));
        else {
          const e = this.entry(kind, d, k);
          if (e) want.push([k, e]);
        }
      }
      if (want.length && this.source) {
        const wanted = new Map<number, number>();
        for (const [, e] of want) wanted.set(e[0], (wanted.get(e[0]) ?? 0) + e[2]);
        const reader = new SegmentReader(this.source.statePath, wanted, this.source.head.segments);
        try {
          for (const [k, e] of want) {
            const obj = JSON.parse(reader.text(e));
            d.peeked.set(k, obj);
            found.set(k, obj);
          }
        } finally {
          reader.close();
        }
      }
      const out: unknown[] = [];
      for (const k of keys) if (found.has(k)) out.push(found.get(k));
      return out;
    });
  }

  /** Every object of a kind in etcd key order, for a reader that never changes them (see peekMany). */
  peekList(kind: string): unknown[] {
    const d = this.data(kind);
    return d.complete ? this.list(kind) : this.peekMany(kind, this.keys(kind));
  }

  /**
   * One object's projection as projections() would give it (this command's version when it read or wrote the
   * object), without reading every shard: undefined when there is no such object.
   */
  projection(kind: string, key: string): unknown {
    const d = this.data(kind);
    const l = d.loaded.get(key);
    if (l) return projectionOf(kind, l.obj);
    if (d.removed.has(key) || d.complete) return undefined;
    return this.retrying(() => this.entry(kind, d, key)?.[3]);
  }

  /** Keys of a kind's objects this store has read (loaded or peeked) or written: what a lazy reader's tests look at. */
  readKeys(kind: string): string[] {
    const d = this.kinds.get(kind);
    return d ? sortKeys(new Set([...d.loaded.keys(), ...d.peeked.keys()])) : [];
  }

  /** How many of a kind's index files (shards) this store has read: what a lazy reader's tests measure. */
  shardsRead(kind: string): number {
    return this.kinds.get(kind)?.shards.filter((m) => m !== undefined).length ?? 0;
  }

  /** The projection an object has in the index this store read (what it was before this command changed it). */
  diskProjection(kind: string, key: string): unknown {
    const d = this.data(kind);
    return this.retrying(() => this.entry(kind, d, key)?.[3]);
  }

  /**
   * The pod IPs on a node as the pods index says ("ip key" pairs in key order): what the pod summary's part
   * file for the node holds, for when that file cannot be read. Reads every pod's projection.
   */
  diskPodIPs(node: string): string {
    const d = this.data('pods');
    const words: string[] = [];
    this.retrying(() => {
      words.length = 0;
      for (const [key, e] of [...this.indexOf('pods', d)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const p = e[3] as { spec?: { nodeName?: string; hostNetwork?: boolean }; status?: { podIP?: string } } | undefined;
        if (p?.spec?.nodeName === node && p.status?.podIP && !p.spec.hostNetwork) words.push(p.status.podIP, key);
      }
    });
    return words.join(' ');
  }

  /** The text an object was read from (its last saved version), or undefined for one this command created or never read. */
  savedText(kind: string, key: string): string | undefined {
    return this.kinds.get(kind)?.loaded.get(key)?.text;
  }

  /** Keys of a kind's objects this command has read or written. */
  loadedKeys(kind: string): string[] {
    return [...(this.kinds.get(kind)?.loaded.keys() ?? [])];
  }

  /** One shard of a kind's index (read if needed, copied), for writing its next version. */
  shardCopy(kind: string, shard: number): Map<string, IndexEntry> {
    const d = this.data(kind);
    return this.retrying(() => new Map(this.shardIndex(kind, d, shard)));
  }

  /** After a commit: what was written is now what is on disk (a long-lived view can commit again). */
  committed(source: StoreSource, shards: Map<string, Map<number, Map<string, IndexEntry>>>, texts: Map<string, Map<string, string>>): void {
    // A kind whose shards doubled numbers them anew: the shards read of the old ones no longer apply.
    const before = new Map([...this.kinds.keys()].map((k) => [k, this.shardCount(k)]));
    (this as { source: StoreSource | undefined }).source = source;
    for (const [kind, d] of this.kinds) {
      if (before.get(kind) !== this.shardCount(kind)) d.shards = [];
      const written = texts.get(kind);
      if (written) for (const [k, t] of written) {
        const l = d.loaded.get(k);
        if (l) l.text = t;
      }
      d.removed.clear();
      d.written.clear();
      d.peeked.clear();
      for (const [s, m] of shards.get(kind) ?? []) d.shards[s] = m;
      d.index = undefined;
    }
  }
}
