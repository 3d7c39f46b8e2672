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
  r: string;
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
  /** Rows set (an object) or deleted (null) since the text was read. */
  private readonly changes = new Map<string, OwnedPod | null>();
  /** Where each saved line starts (made when first needed). */
  private starts: number[] | undefined;
  /** The counts of the saved lines, as saved with them. */
  private readonly base: OwnedCounts;
  /** Saved rows looked up by key (a changed key's old row is taken out of the counts). */
  private readonly savedRows = new Map<string, OwnedPod | null>();
  /** Rows as read minus deleted plus added. */
  size: number;
  damaged = false;

  /** The saved rows (see `text`), or undefined until read from their part file. */
  private loaded: string | undefined;
  /** The part file the saved rows came from (kept as it is by a save that changes none of them). */
  private ref: string | undefined;
  private load: PartLoader | undefined;
  private savedCount = 0;

  constructor(
    ls: string[],
    /** The saved rows: their text, or the part file that holds them and how many there are. */
    saved: { text: string } | { ref: string; rows: number; load: PartLoader },
    base?: OwnedCounts,
  ) {
    this.base = base ?? emptyCounts();
    this.ls = [...ls];
    if ('text' in saved) {
      this.loaded = saved.text;
      this.size = lineCount(saved.text);
    } else {
      this.ref = saved.ref;
      this.size = this.savedCount = saved.rows;
      this.load = saved.load;
    }
  }

  /**
   * The saved rows, read from their part file when first needed: a command that only counts the table never
   * reads them. A part that cannot be read (or that disagrees with the saved row count) damages the table.
   */
  private get text(): string {
    if (this.loaded === undefined) {
      const t = this.load?.(this.ref!);
      if (t === undefined || lineCount(t) !== this.savedCount) {
        this.damaged = true;
        this.loaded = '';
      } else this.loaded = t;
    }
    return this.loaded;
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

  private lineStarts(): number[] {
    if (!this.starts) {
      const starts: number[] = this.text ? [0] : [];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = starts;
    }
    return this.starts;
  }

  private lineAt(i: number): string {
    const starts = this.lineStarts();
    return this.text.slice(starts[i], i + 1 < starts.length ? starts[i + 1] - 1 : this.text.length);
  }

  private keyAt(i: number): string {
    const start = this.lineStarts()[i];
    return this.text.slice(start, this.text.indexOf(' ', start));
  }

  /** The saved line of a key: [its index, true] when there is one, else [where it would go, false]. */
  private find(key: string): [number, boolean] {
    let lo = 0;
    let hi = this.lineStarts().length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.keyAt(mid);
      if (k === key) return [mid, true];
      if (k < key) lo = mid + 1;
      else hi = mid;
    }
    return [lo, false];
  }

  /** The row of a key as saved (null: none). */
  private saved(key: string): OwnedPod | null {
    let o = this.savedRows.get(key);
    if (o === undefined) {
      const [i, found] = this.find(key);
      o = found ? this.parseLine(this.lineAt(i))?.[1] ?? null : null;
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
    const t = this.text;
    for (let start = 0; t && start <= t.length; ) {
      let end = t.indexOf('\n', start);
      if (end < 0) end = t.length;
      const row = this.parseLine(t.slice(start, end));
      if (!row) return false;
      if (!this.changes.has(row[0])) visit(row[0], row[1]);
      start = end + 1;
    }
    for (const [key, o] of this.changes) if (o) visit(key, o);
    return true;
  }

  /** The table as the summary file keeps it; its rows go to a part file (newPart names it), or stay in theirs. */
  toJSON(newPart: (text: string) => string): SavedTable {
    const c = savedCounts(this.counts() ?? emptyCounts());
    if (this.changes.size === 0 && this.ref !== undefined) return { ls: this.ls, c, n: this.size, r: this.ref };
    const text = this.merged();
    return { ls: this.ls, c, n: this.size, r: newPart(text) };
  }

  /** The saved text with the changes merged in, in key order. */
  private merged(): string {
    if (this.changes.size === 0) return this.text;
    const keys = [...this.changes.keys()].sort();
    const at = keys.map((k) => this.find(k));
    // Every saved row replaced or gone: the label sets are listed afresh, only those in use.
    if (at.filter(([, found]) => found).length === this.lineStarts().length) this.ls = [];
    const li = new Map(this.ls.map((l, i) => [l, i]));
    const lineOf = (key: string, o: OwnedPod) => {
      let i = li.get(o.labels);
      if (i === undefined) {
        li.set(o.labels, (i = this.ls.length));
        this.ls.push(o.labels);
      }
      return `${key} ${o.node} ${o.phase} ${o.readySince} ${o.restarts} ${o.created} ${o.active ? 1 : 0} ${i}`;
    };
    // The saved text cut at each changed key: unchanged runs of lines are copied as they are.
    const pieces: string[] = [];
    const starts = this.lineStarts();
    const startOf = (i: number) => (i < starts.length ? starts[i] : this.text.length + 1);
    let from = 0;
    for (const [n, key] of keys.entries()) {
      const [i, found] = at[n];
      if (i > from) pieces.push(this.text.slice(startOf(from), startOf(i) - 1));
      const o = this.changes.get(key);
      if (o) pieces.push(lineOf(key, o));
      from = found ? i + 1 : i;
    }
    if (from < starts.length) pieces.push(this.text.slice(startOf(from)));
    return pieces.join('\n');
  }
}
