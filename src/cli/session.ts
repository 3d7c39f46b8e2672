// The session: one command's view of where the cluster lives and what time it is, opening it for reading
// or changing.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CommandError, ExitError } from '../api/errors.js';
import type { ImageSpec } from '../apps/images.js';
import { isSettled } from '../cluster/settled.js';
import type { Ctx } from '../cluster/context.js';
import type { ClusterState } from '../store/state.js';
import { mutateState, readState, resolveStatePath, withLock, writeStateAtomic } from '../store/store.js';
import { clockFromEnv, type Clock } from '../util/clock.js';
import { parseSeed, Random } from '../util/random.js';
import type { GlobalOptions } from './common.js';
import { seedEnvError } from './environment.js';
import type { CliIO } from './io.js';
import { targetOf } from './context.js';

/** One command's view of where the cluster lives and what time it is. */
export class Session {
  readonly statePath: string;
  private readonly clusterName: string;
  /** The simulated clock: the base clock (system or KUBESIM_NOW) plus the state's clockOffsetMs once read. */
  readonly clock: Clock;
  private readonly baseClock: Clock;
  private offsetMs = 0;
  readonly env: NodeJS.ProcessEnv;
  readonly namespace: string;
  readonly namespaceExplicit: boolean;
  private images?: readonly ImageSpec[];
  private readonly signal?: AbortSignal;

  constructor(opts: GlobalOptions, io: CliIO) {
    this.env = io.env;
    this.signal = io.signal;
    // The context dispatch resolved (src/cli/context.ts); without one, the state flags alone.
    const target = targetOf(io);
    this.statePath = target?.statePath ?? resolveStatePath(opts.state, io.env);
    this.clusterName = target?.clusterName ?? 'kind';
    try {
      this.baseClock = clockFromEnv(io.env);
    } catch (e) {
      throw new CommandError((e as Error).message);
    }
    this.clock = { now: () => new Date(this.baseClock.now().getTime() + this.offsetMs) };
    // -n, else the context's namespace, else default (kubectl's order).
    this.namespace = opts.namespace || target?.namespace || 'default';
    this.namespaceExplicit = opts.namespace !== undefined;
  }

  /** The default cluster a first command creates: seed from KUBESIM_SEED, else 1. */
  private async createDefault(): Promise<ClusterState> {
    const raw = this.env.KUBESIM_SEED;
    const seed = raw === undefined || raw === '' ? 1 : parseSeed(raw);
    if (seed === undefined) throw seedEnvError(raw ?? '');
    const { createCluster } = await import('../cluster/bootstrap.js');
    return createCluster({ name: this.clusterName, seed, now: this.clock.now(), loadBalancer: true });
  }

  /**
   * The user's images file, which the kubelet pulls from as from a registry. Loaded (and checked) only when
   * the file exists, so a command without one pays a stat.
   */
  private async userImages(): Promise<readonly ImageSpec[]> {
    if (this.images) return this.images;
    const path = this.env.KUBESIM_IMAGES || join(this.env.HOME || homedir(), '.kube', 'kubesim', 'images.yaml');
    const present = !!this.env.KUBESIM_IMAGES || existsSync(path);
    this.images = present ? await (await import('./netcli.js')).loadUserImages(this.env) : [];
    return this.images;
  }

  /** Reads the cluster without taking the lock; a missing file is created (under the lock) first. */
  async read(): Promise<{ state: ClusterState; ctx: Ctx }> {
    this.checkInterrupted();
    let state = readState(this.statePath);
    if (!state) {
      state = await withLock(this.statePath, async () => {
        const again = readState(this.statePath);
        if (again) return again;
        const fresh = await this.createDefault();
        writeStateAtomic(this.statePath, fresh, this.clock.now().getTime());
        return fresh;
      });
    }
    this.offsetMs = state.clockOffsetMs ?? 0;
    const ctx: Ctx = { clock: this.clock, random: Random.fromState(state.random) };
    // Status that depends on time (readiness, restarts, rollouts) is computed now, in memory only.
    // The controllers are loaded only when there is something for them to do.
    if (!isSettled(state)) {
      ctx.images = await this.userImages();
      (await import('../cluster/controllers.js')).reconcile(state, ctx);
    }
    return { state, ctx };
  }

  /** Changes the cluster under the lock; nothing is saved if fn throws. */
  async change<T>(fn: (state: ClusterState, ctx: Ctx) => T | Promise<T>): Promise<T> {
    this.checkInterrupted();
    return mutateState(this.statePath, () => this.createDefault(), async (state) => {
      const random = Random.fromState(state.random);
      // Follows state.clockOffsetMs live, so a change that moves simulated time on sees the new time at once.
      const clock: Clock = { now: () => new Date(this.baseClock.now().getTime() + (state.clockOffsetMs ?? 0)) };
      this.offsetMs = state.clockOffsetMs ?? 0;
      const ctx: Ctx = { clock, random, images: await this.userImages() };
      (await import('../cluster/controllers.js')).reconcile(state, ctx);
      const result = await fn(state, ctx);
      this.offsetMs = state.clockOffsetMs ?? 0;
      state.random = random.state();
      return result;
    }, () => this.clock.now().getTime());
  }

  /**
   * Every polling loop (logs -f, get -w, rollout status, drain) looks at the cluster through read(), and every
   * change starts here: an interrupted command ends at that point, exit 130 and no message, as a process
   * killed by SIGINT would, and changes nothing after it.
   */
  private checkInterrupted(): void {
    if (this.signal?.aborted) throw new ExitError(130);
  }
}
