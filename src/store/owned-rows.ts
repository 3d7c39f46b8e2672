// One controller's pods as the pod summary keeps them (src/store/pod-summary.ts): a row per pod in a part file
// of the table's own, and the counts the ReplicaSet controller's status needs beside them in the summary, so a
// scale by one of 10,000 replicas reads no row and a scale-down ranks the rows as it parses them.

/**
 * One pod as its controller's table in the summary keeps it: what the ReplicaSet controller counts for its
 * status and ranks by on scale-down (controller.ActivePodsWithRanks), so that scaling a 10,000-replica
 * ReplicaSet by one reads none of its pods.
 */
export interface OwnedPod {
  node: string;
  phase: string;
  /** The Ready condition's lastTransitionTime when it is True; '' when the pod is not ready. */
  readySince: string;
  /** The highest restart count of its containers. */
  restarts: number;
  created: string;
  /** Not deleting and not finished (what the controller counts as a replica). */
  active: boolean;
  /** Its labels, as JSON (a ReplicaSet's pods share a few label sets). */
  labels: string;
}

/**
 * What the ReplicaSet controller asks of one controller's rows, counted over them without making a row object
 * each (a scale by one of 10,000 replicas asks only these).
 */
export interface OwnedCounts {
  /** Every row's label set (JSON) -> how many rows carry it, active or not (what claimPods would release). */
  labels: Map<string, number>;
  /** Rows counted as replicas (not deleting, not finished). */
  active: number;
  /** Of the active rows: label set -> how many (fullyLabeledReplicas). */
  activeLabels: Map<string, number>;
  /** Of the active, ready rows: readySince -> how many (readyReplicas, availableReplicas). */
  activeReady: Map<string, number>;
  /** Of the active rows: node ('' unassigned) -> how many (the crowded-node rank of scale-down). */
  activeNodes: Map<string, number>;
}

/** One controller's rows, as the controllers read them. */
export interface OwnedTable {
  /** Undefined when a row is not one this kubesim wrote (the summary is then damaged). */
  counts(): OwnedCounts | undefined;
  /** Visits every row, parsed as it is reached; false when a row is not one this kubesim wrote. */
  rows(visit: (key: string, o: OwnedPod) => void): boolean;
}

function isDigits(s: string): boolean {
  if (!s) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function lineCount(text: string): number {
  let n = text ? 1 : 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export function emptyCounts(): OwnedCounts {
  return { labels: new Map(), active: 0, activeLabels: new Map(), activeReady: new Map(), activeNodes: new Map() };
}

/** Reads a part file of the summary by its name ("<generation>.<n>"); undefined when it cannot. */
export type PartLoader = (ref: string) => string | undefined;

/** A controller's table in the summary file: label sets, counts, row count, and the part file with the rows. */
export interface SavedTable {
  ls: string[];
  c: SavedCounts;
  n: number;
  /** The rows' part files in key order: each with its row count and first key. */
  p: SavedChunk[];
}

/** One part file of a table's rows: its name, how many rows, the first row's key. */
export interface SavedChunk {
  r: string;
  n: number;
  k: string;
}

/** Rows a part file holds at most after a save that changed it: a scale by one rewrites one part this size. */
const CHUNK_ROWS = 512;

/** Saved chunks read back (undefined when they are not in key order or do not add up to the rows). */
export function chunksFromSaved(raw: unknown, rows: number): SavedChunk[] | undefined {
  if (!Array.isArray(raw) || !raw.length) return undefined;
  let sum = 0;
  let last: string | undefined;
  for (const c of raw as Partial<SavedChunk>[]) {
    if (!c || typeof c.r !== 'string' || !PART_REF.test(c.r) || !Number.isInteger(c.n) || (c.n as number) <= 0 || typeof c.k !== 'string') return undefined;
    if (last !== undefined && c.k <= last) return undefined;
    last = c.k;
    sum += c.n as number;
  }
  return sum === rows ? (raw as SavedChunk[]).map((c) => ({ r: c.r, n: c.n, k: c.k })) : undefined;
}

export const PART_REF = /^\d+\.\d+$/;

/** The counts as the summary file keeps them, each map's keys in order (the same rows give the same text). */
interface SavedCounts {
  l: Record<string, number>;
  a: number;
  al: Record<string, number>;
  r: Record<string, number>;
  n: Record<string, number>;
}

function savedCounts(c: OwnedCounts): SavedCounts {
  const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return { l: sorted(c.labels), a: c.active, al: sorted(c.activeLabels), r: sorted(c.activeReady), n: sorted(c.activeNodes) };
}

/**
 * Saved counts read back, checked against each other and the row count (undefined when they do not add up:
 * the summary is then computed again).
 */
export function countsFromSaved(raw: unknown, rows: number): OwnedCounts | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const map = (x: unknown): [Map<string, number>, number] | undefined => {
    if (!x || typeof x !== 'object' || Array.isArray(x)) return undefined;
    const m = new Map<string, number>();
    let sum = 0;
    for (const [k, v] of Object.entries(x)) {
      if (!Number.isInteger(v) || (v as number) <= 0) return undefined;
      m.set(k, v as number);
      sum += v as number;
    }
    return [m, sum];
  };
  const [l, al, ready, nodes] = [map(r.l), map(r.al), map(r.r), map(r.n)];
  const a = r.a;
  if (!l || !al || !ready || !nodes || !Number.isInteger(a)) return undefined;
  if (l[1] !== rows || al[1] !== a || nodes[1] !== a || ready[1] > (a as number) || [...al[0].keys()].some((k) => !l[0].has(k))) return undefined;
  return { labels: l[0], active: a as number, activeLabels: al[0], activeReady: ready[0], activeNodes: nodes[0] };
}

function countRow(c: OwnedCounts, o: OwnedPod, sign: number): void {
  const bump = (m: Map<string, number>, k: string) => {
    const n = (m.get(k) ?? 0) + sign;
    if (n) m.set(k, n);
    else m.delete(k);
  };
  bump(c.labels, o.labels);
  if (!o.active) return;
  c.active += sign;
  bump(c.activeLabels, o.labels);
  bump(c.activeNodes, o.node);
  if (o.readySince) bump(c.activeReady, o.readySince);
}

/**
 * One controller's rows: `key node phase readySince restarts created active labelIndex`, a line each, in key
 * order, in a part file. The saved text is read only when a row is ranked or the table is written; the rows
 * this command set or deleted are kept apart and merged into it then, and the counts come from those saved with
 * the table plus the changes. A table whose rows did not change keeps its part file.
 */
export class RowTable implements OwnedTable {
  /** Label sets by index: the saved ones (which the saved lines name), then new ones. */
  private ls: string[];
  /** Rows set (an object) or deleted (null) since the rows were read. */
  private readonly changes = new Map<string, OwnedPod | null>();
  /** The saved rows' part files in key order, each read when first needed. */
  private readonly chunks: Chunk[];
  /** The counts of the saved rows, as saved with them. */
  private readonly base: OwnedCounts;
  /** Saved rows looked up by key (a changed key's old row is taken out of the counts). */
  private readonly savedRows = new Map<string, OwnedPod | null>();
  /** Rows as read minus deleted plus added. */
  size: number;
  damaged = false;

  constructor(
    ls: string[],
    /** The saved rows' part files (none for a new table), and how to read one. */
    saved: SavedChunk[],
    private readonly load: PartLoader,
    base?: OwnedCounts,
  ) {
    this.base = base ?? emptyCounts();
    this.ls = [...ls];
    this.chunks = saved.map((c) => ({ ...c }));
    this.size = saved.reduce((n, c) => n + c.n, 0);
  }

  /**
   * A part's rows, read when first needed: a command that only counts the table never reads one, and one that
   * changes a row reads its part alone. A part that cannot be read (or disagrees with its row count) damages
   * the table.
   */
  private text(c: Chunk): string {
    if (c.text === undefined) {
      const t = this.load(c.r);
      if (t === undefined || lineCount(t) !== c.n) {
        this.damaged = true;
        c.text = '';
        c.starts = [];
      } else c.text = t;
    }
    return c.text;
  }

  /** A saved line as a row, or undefined (and the table damaged) when it is not one this kubesim wrote. */
  private parseLine(line: string): [string, OwnedPod] | undefined {
    const f = line.split(' ');
    const labels = this.ls[Number(f[7])];
    if (f.length !== 8 || !f[0] || !isDigits(f[4]) || (f[6] !== '0' && f[6] !== '1') || !isDigits(f[7]) || labels === undefined) {
      this.damaged = true;
      return undefined;
    }
    return [f[0], { node: f[1], phase: f[2], readySince: f[3], restarts: Number(f[4]), created: f[5], active: f[6] === '1', labels }];
  }

  private lineStarts(c: Chunk): number[] {
    if (!c.starts) {
      const t = this.text(c);
      const starts: number[] = t ? [0] : [];
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      c.starts ??= starts;
    }
    return c.starts;
  }

  /** The part a key belongs in: the last whose first key is not after it (the first part for a smaller key). */
  private chunkOf(key: string): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.chunks[mid].k <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** A key's saved line in a part: [its index, true] when there is one, else [where it would go, false]. */
  private find(c: Chunk, key: string): [number, boolean] {
    const starts = this.lineStarts(c);
    const t = this.text(c);
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = t.slice(starts[mid], t.indexOf(' ', starts[mid]));
      if (k === key) return [mid, true];
      if (k < key) lo = mid + 1;
      else hi = mid;
    }
    return [lo, false];
  }

  private lineAt(c: Chunk, i: number): string {
    const starts = this.lineStarts(c);
    return this.text(c).slice(starts[i], i + 1 < starts.length ? starts[i + 1] - 1 : undefined);
  }

  /** The row of a key as saved (null: none). */
  private saved(key: string): OwnedPod | null {
    let o = this.savedRows.get(key);
    if (o === undefined) {
      o = null;
      if (this.chunks.length) {
        const c = this.chunks[this.chunkOf(key)];
        const [i, found] = this.find(c, key);
        if (found) o = this.parseLine(this.lineAt(c, i))?.[1] ?? null;
      }
      this.savedRows.set(key, o);
    }
    return o;
  }

  /**
   * Sets a pod's row. The summary's callers take a pod out (delete, with its old row) before they put it back,
   * so a key set without that is a pod new to the table: neither needs the saved rows read.
   */
  set(key: string, o: OwnedPod): void {
    const c = this.changes.get(key);
    if (c === undefined) this.savedRows.set(key, null);
    if (!c) this.size++;
    this.changes.set(key, o);
  }

  /** Takes a pod's row away; old: the row as the caller knew it (for a key not changed yet, the saved one). */
  delete(key: string, old: OwnedPod): void {
    const c = this.changes.get(key);
    if (c === undefined && !this.savedRows.has(key)) this.savedRows.set(key, old);
    if (c !== null) this.size--;
    this.changes.set(key, null);
  }

  counts(): OwnedCounts | undefined {
    if (this.damaged) return undefined;
    const b = this.base;
    const c: OwnedCounts = { labels: new Map(b.labels), active: b.active, activeLabels: new Map(b.activeLabels), activeReady: new Map(b.activeReady), activeNodes: new Map(b.activeNodes) };
    for (const [key, o] of this.changes) {
      const old = this.saved(key);
      if (old) countRow(c, old, -1);
      if (o) countRow(c, o, 1);
    }
    return this.damaged ? undefined : c;
  }

  rows(visit: (key: string, o: OwnedPod) => void): boolean {
    if (this.damaged) return false;
    // Saved rows are parsed one at a time and let go: ranking 10,000 keeps none of them.
    for (const c of this.chunks) {
      const t = this.text(c);
      if (this.damaged) return false;
      for (let start = 0; t && start <= t.length; ) {
        let end = t.indexOf('\n', start);
        if (end < 0) end = t.length;
        const row = this.parseLine(t.slice(start, end));
        if (!row) return false;
        if (!this.changes.has(row[0])) visit(row[0], row[1]);
        start = end + 1;
      }
    }
    for (const [key, o] of this.changes) if (o) visit(key, o);
    return true;
  }

  /**
   * The table as the summary file keeps it. Parts with no changed row stay as they are; a changed one is
   * merged and written anew (newPart writes and names it), split when it has grown past twice CHUNK_ROWS.
   */
  toJSON(newPart: (text: string) => string): SavedTable {
    const counts = savedCounts(this.counts() ?? emptyCounts());
    if (this.changes.size === 0) return { ls: this.ls, c: counts, n: this.size, p: this.chunks.map(({ r, n, k }) => ({ r, n, k })) };
    // The changed keys by the part they belong in (a new table has one part, empty and unsaved).
    const parts: Chunk[] = this.chunks.length ? this.chunks : [{ r: '', n: 0, k: '', text: '', starts: [] }];
    const byPart = new Map<number, [string, number, boolean][]>();
    let found = 0;
    for (const key of [...this.changes.keys()].sort()) {
      const i = this.chunks.length ? this.chunkOf(key) : 0;
      const [at, there] = this.find(parts[i], key);
      if (there) found++;
      let l = byPart.get(i);
      if (!l) byPart.set(i, (l = []));
      l.push([key, at, there]);
    }
    // Every saved row replaced or gone: the label sets are listed afresh, only those in use.
    if (found === this.chunks.reduce((n, c) => n + c.n, 0)) this.ls = [];
    const li = new Map(this.ls.map((l, i) => [l, i]));
    const lineOf = (key: string, o: OwnedPod) => {
      let i = li.get(o.labels);
      if (i === undefined) {
        li.set(o.labels, (i = this.ls.length));
        this.ls.push(o.labels);
      }
      return `${key} ${o.node} ${o.phase} ${o.readySince} ${o.restarts} ${o.created} ${o.active ? 1 : 0} ${i}`;
    };
    const out: SavedChunk[] = [];
    parts.forEach((c, i) => {
      const changed = byPart.get(i);
      if (!changed) {
        out.push({ r: c.r, n: c.n, k: c.k });
        return;
      }
      // The part's text cut at each changed key: unchanged runs of lines are copied as they are.
      const t = this.text(c);
      const starts = this.lineStarts(c);
      const startOf = (j: number) => (j < starts.length ? starts[j] : t.length + 1);
      const lines: string[] = [];
      let from = 0;
      for (const [key, at, there] of changed) {
        if (at > from) lines.push(...t.slice(startOf(from), startOf(at) - 1).split('\n'));
        const o = this.changes.get(key);
        if (o) lines.push(lineOf(key, o));
        from = there ? at + 1 : at;
      }
      if (from < starts.length) lines.push(...t.slice(startOf(from)).split('\n'));
      const pieces = lines.length > 2 * CHUNK_ROWS ? Math.ceil(lines.length / CHUNK_ROWS) : 1;
      const per = Math.ceil(lines.length / pieces);
      for (let j = 0; j < lines.length; j += per) {
        const piece = lines.slice(j, j + per);
        out.push({ r: newPart(piece.join('\n')), n: piece.length, k: piece[0].slice(0, piece[0].indexOf(' ')) });
      }
    });
    return { ls: this.ls, c: counts, n: this.size, p: out };
  }
}

/** A part of a table's rows as read: its saved description, and its text and line starts once read. */
interface Chunk extends SavedChunk {
  text?: string;
  starts?: number[];
}
