// A long-running server's view of the cluster. It never holds the state lock while idle:
// - reads: the state file is re-read (no lock: saves are atomic renames) when a cheap stat() shows that its
//   mtime, size or inode changed, polled every POLL_MS; the controllers then run in memory, as on every read;
// - writes: the app log lines produced by served requests are batched and appended under the lock at most once
//   per FLUSH_MS (and when a batch reaches FLUSH_LINES, and on exit), so a busy forwarder costs other commands
//   at most one short lock a second and `kubesim logs` is at most about a second behind.
// The API server module first: src/cluster/controllers -> workloads -> apiserver -> strategies -> workloads is a
// cycle that only initializes in this order (reported to the lead).
import '../cluster/apiserver.js';
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Clock } from '../util/clock.js';
import { Random } from '../util/random.js';
import { reconcile } from '../cluster/controllers.js';
import { emptyObjects } from '../store/objects.js';
import type { ClusterState, LogLine } from '../store/state.js';
import { readState, withLock, writeStateAtomic } from '../store/store.js';
import { recordFlow } from '../net/flows.js';
import type { ClusterView, NewFlows, NewLogs } from './engine.js';

export const POLL_MS = 250;
/** Polls between in-memory controller runs when the file did not change (about once a second). */
const SETTLE_EVERY = 4;
export const FLUSH_MS = 1000;
export const FLUSH_LINES = 20_000;
/**
 * Lines kept per container when the forwarder appends: the kubelet rotates container logs (10 MiB by default)
 * and `kubectl logs` shows the current file only; a line cap keeps the state file small for every command.
 */
export const MAX_LOG_LINES = 10_000;

interface FileStamp {
  mtimeMs: number;
  size: number;
  ino: number;
}

export class LiveCluster {
  private current: ClusterView;
  private stamp: FileStamp | undefined;
  private pending: NewLogs = [];
  private pendingFlows: NewFlows = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private polling = false;
  private idlePolls = 0;
  private listeners: (() => void)[] = [];
  /** Set when a write of log lines failed: reported once by the caller, never fatal to serving. */
  lastFlushError: Error | undefined;

  constructor(
    readonly statePath: string,
    private readonly clock: Clock,
    initial: ClusterState,
  ) {
    this.current = this.settle(initial);
  }

  /** Controllers run in memory on what was read, as every kubesim read does (time-dependent status). */
  private settle(state: ClusterState): ClusterView {
    const ctx = { clock: this.clock, random: Random.fromState(state.random) };
    reconcile(state, ctx);
    return { state, ctx };
  }

  view = (): ClusterView => this.current;

  /** Called after every reload (and periodic re-settle): watchers check their pod, tunnel its services. */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  async start(): Promise<void> {
    this.stamp = await this.statFile();
    this.pollTimer = setInterval(() => void this.poll(), POLL_MS);
  }

  private async statFile(): Promise<FileStamp | undefined> {
    try {
      const s = await stat(this.statePath);
      return { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino };
    } catch {
      return undefined;
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const s = await this.statFile();
      const old = this.stamp;
      const changed = !s || !old || !sameStamp(s, old);
      if (changed) {
        this.stamp = s;
        this.reload();
      } else if (++this.idlePolls % SETTLE_EVERY === 0) {
        // Time moves status on (readiness, restarts) even when nobody writes: re-run the controllers now and then.
        reconcile(this.current.state, this.current.ctx);
      }
      for (const fn of this.listeners) fn();
    } finally {
      this.polling = false;
    }
  }

  /** Re-reads the file; a missing file (cluster deleted) is an empty cluster to the watchers. */
  reload(): void {
    let next: ClusterState | undefined;
    try {
      next = readState(this.statePath);
    } catch {
      return; // mid-replace or damaged: keep the last good view, try again on the next change
    }
    if (!next) {
      const empty: ClusterState = { ...this.current.state, ...emptyObjects() };
      this.current = { state: empty, ctx: this.current.ctx };
      return;
    }
    // kube-proxy's affinity table lives with the process that routes (our in-memory view); keep it across reloads.
    next.net ??= { affinity: {} };
    for (const [k, v] of Object.entries(this.current.state.net?.affinity ?? {})) {
      const there = next.net.affinity[k];
      if (!there || there.lastUsed < v.lastUsed) next.net.affinity[k] = v;
    }
    this.current = this.settle(next);
  }

  /** Queues log lines for the next batched write. */
  appendLogs(lines: NewLogs | undefined): void {
    if (!lines || lines.length === 0) return;
    for (const l of lines) this.pending.push(l);
    if (this.pending.length >= FLUSH_LINES) void this.flush();
    else if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Queues the connections carried (port-forward, tunnel) for the state's flows ring, written with the logs. */
  appendFlows(flows: NewFlows | undefined): void {
    if (!flows || flows.length === 0) return;
    for (const f of flows) this.pendingFlows.push(f);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Appends the queued lines and flows under the lock: read, append, cap, atomic write, release. */
  async flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (this.flushing) await this.flushing;
    if (this.pending.length === 0 && this.pendingFlows.length === 0) return;
    const batch = this.pending;
    const flows = this.pendingFlows;
    this.pending = [];
    this.pendingFlows = [];
    this.flushing = (async () => {
      try {
        await withLock(this.statePath, () => {
          const before = stampOf(this.statePath);
          const state = readState(this.statePath);
          if (!state) return; // the cluster was deleted: its logs went with it
          appendLogLines(state, batch);
          for (const f of flows) recordFlow(state, f);
          writeStateAtomic(this.statePath, state, this.clock.now().getTime() + (state.clockOffsetMs ?? 0));
          // Our own write changes nothing we serve from (log lines are not kept in memory): when nobody else
          // wrote since our last read, take the new stamp so that the poll does not re-read the file for it.
          if (before && this.stamp && sameStamp(before, this.stamp)) this.stamp = stampOf(this.statePath);
        });
      } catch (e) {
        this.lastFlushError = e as Error;
      } finally {
        this.flushing = undefined;
      }
    })();
    await this.flushing;
  }

  /** Stops polling and writes what is queued. */
  async stop(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    await this.flush();
  }
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

function stampOf(path: string): FileStamp | undefined {
  try {
    const s = statSync(path);
    return { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino };
  } catch {
    return undefined;
  }
}

/** Appends lines per container, keeping the last MAX_LOG_LINES. */
export function appendLogLines(state: ClusterState, batch: NewLogs): void {
  state.logs ??= {};
  const touched = new Set<string>();
  for (const { key, line } of batch) {
    (state.logs[key] ??= [] as LogLine[]).push(line);
    touched.add(key);
  }
  for (const key of touched) {
    const lines = state.logs[key];
    if (lines.length > MAX_LOG_LINES) state.logs[key] = lines.slice(lines.length - MAX_LOG_LINES);
  }
}
