// Shared plumbing for verb modules: commander set up to fail as kubectl (cobra/pflag) does, the flags every
// verb has, and the session that opens the cluster for reading or changing.
import { Command, CommanderError, Option } from 'commander';
import { CLI_NAME, CommandError, KubeError } from '../api/errors.js';
import { isSettled } from '../cluster/settled.js';
import type { Ctx } from '../cluster/context.js';
import type { ClusterState } from '../store/state.js';
import { mutateState, readState, resolveStatePath, withLock, writeStateAtomic } from '../store/store.js';
import { clockFromEnv, type Clock } from '../util/clock.js';
import { Random } from '../util/random.js';
import type { CliIO } from './io.js';

export interface GlobalOptions {
  namespace?: string;
  allNamespaces?: boolean;
  state?: string;
}

/**
 * A commander Command configured for kubectl's behaviour: interspersed flags, unknown flags reported as
 * `error: unknown flag: --x` plus the help hint, and help text supplied by the verb.
 */
export function newCommand(verb: string, io: CliIO, help: string): Command {
  const cmd = new Command(verb);
  cmd
    .exitOverride()
    .allowExcessArguments(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: () => undefined,
      outputError: () => undefined,
    })
    .helpOption('-h, --help', 'help for ' + verb);
  cmd.helpInformation = () => help.endsWith('\n') ? help : `${help}\n`;
  return cmd;
}

/** Adds --namespace/-n, --all-namespaces/-A (when asked) and --state. */
export function addGlobalFlags(cmd: Command, opts: { allNamespaces?: boolean } = {}): Command {
  cmd.option('-n, --namespace <namespace>', 'namespace scope for this request');
  if (opts.allNamespaces) cmd.option('-A, --all-namespaces', 'list across all namespaces');
  cmd.option('--state <path>', 'kubesim state file (default $KUBESIM_STATE or ~/.kube/kubesim/state.json)');
  // Accepted for kubectl compatibility; kubesim has one cluster per state file.
  cmd.addOption(new Option('--context <name>').hideHelp());
  cmd.addOption(new Option('--kubeconfig <path>').hideHelp());
  return cmd;
}

/** Parses argv with commander, turning its errors into kubectl's messages. Returns false when help was printed. */
export function parseArgs(cmd: Command, argv: string[], verb: string): boolean {
  try {
    const { args, unset } = boolValues(cmd, argv, verb);
    cmd.parse(args, { from: 'user' });
    // A false value undoes the flag: false for --x, true for commander's --no-x (whose attribute is x).
    for (const u of unset) cmd.setOptionValue(u.name, u.value);
    return true;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') return false;
      throw translateCommanderError(e, verb, argv);
    }
    throw e;
  }
}

const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

/**
 * pflag lets a bool flag take its value after `=` (--show-labels=true, -i=false, --rm=false); commander does
 * not. Rewrites those words for commander's plain booleans: true -> the bare flag, false -> dropped and the
 * flag's attribute reset after parsing; anything else is strconv.ParseBool's error. Stops at `--` (the command's own words).
 */
function boolValues(cmd: Command, argv: string[], verb: string): { args: string[]; unset: { name: string; value: boolean }[] } {
  const args: string[] = [];
  const unset: { name: string; value: boolean }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.push(...argv.slice(i));
      break;
    }
    const m = /^(--[\w-]+|-\w)=(.*)$/s.exec(a);
    const opt = m && cmd.options.find((o) => (o.long === m[1] || o.short === m[1]) && !o.required && !o.optional);
    if (!m || !opt) {
      args.push(a);
      continue;
    }
    if (TRUE.includes(m[2])) args.push(m[1]);
    else if (FALSE.includes(m[2])) unset.push({ name: opt.attributeName(), value: opt.negate });
    else {
      const name = opt.short ? `${opt.short}, ${opt.long}` : String(opt.long);
      throw new FlagError(`invalid argument "${m[2]}" for "${name}" flag: strconv.ParseBool: parsing "${m[2]}": invalid syntax\nSee '${CLI_NAME} ${verb} --help' for usage.`);
    }
  }
  return { args, unset };
}

/** cobra's own flag errors start with a capital "Error:", unlike kubectl's "error:". */
export class FlagError extends KubeError {
  override render(): string {
    return `Error: ${this.message}`;
  }
}

function translateCommanderError(e: CommanderError, verb: string, argv: string[]): KubeError {
  const hint = `\nSee '${CLI_NAME} ${verb} --help' for usage.`;
  const m = /unknown option '([^']+)'/.exec(e.message);
  if (m) {
    const flag = m[1];
    const text = flag.startsWith('--') ? `unknown flag: ${flag.split('=')[0]}` : `unknown shorthand flag: '${flag[1]}' in ${flag}`;
    return new FlagError(text + hint);
  }
  const missing = /option '([^']+)' argument missing/.exec(e.message);
  if (missing) {
    const long = /--[\w-]+/.exec(missing[1])?.[0] ?? missing[1];
    const short = /(^|[ ,])-(\w)\b/.exec(missing[1])?.[2];
    const typedShort = short !== undefined && !(argv[argv.length - 1] ?? '').startsWith('--');
    return new FlagError(`flag needs an argument: ${typedShort ? `'${short}' in -${short}` : long}${hint}`);
  }
  return new FlagError(e.message.replace(/^error: /, '') + hint);
}

/** One command's view of where the cluster lives and what time it is. */
export class Session {
  readonly statePath: string;
  /** The simulated clock: the base clock (system or KUBESIM_NOW) plus the state's clockOffsetMs once read. */
  readonly clock: Clock;
  private readonly baseClock: Clock;
  private offsetMs = 0;
  readonly env: NodeJS.ProcessEnv;
  readonly namespace: string;
  readonly namespaceExplicit: boolean;

  constructor(opts: GlobalOptions, io: CliIO) {
    this.env = io.env;
    this.statePath = resolveStatePath(opts.state, io.env);
    try {
      this.baseClock = clockFromEnv(io.env);
    } catch (e) {
      throw new CommandError((e as Error).message);
    }
    this.clock = { now: () => new Date(this.baseClock.now().getTime() + this.offsetMs) };
    this.namespace = opts.namespace ?? 'default';
    this.namespaceExplicit = opts.namespace !== undefined;
  }

  /** The default cluster a first command creates: seed from KUBESIM_SEED, else 1. */
  private async createDefault(): Promise<ClusterState> {
    const raw = this.env.KUBESIM_SEED;
    const seed = raw === undefined || raw === '' ? 1 : Number(raw);
    if (!Number.isInteger(seed)) throw new CommandError(`KUBESIM_SEED must be an integer, got "${raw}"`);
    const { createCluster } = await import('../cluster/bootstrap.js');
    return createCluster({ name: 'kind', seed, now: this.clock.now(), loadBalancer: true });
  }

  /** Reads the cluster without taking the lock; a missing file is created (under the lock) first. */
  async read(): Promise<{ state: ClusterState; ctx: Ctx }> {
    let state = readState(this.statePath);
    if (!state) {
      state = await withLock(this.statePath, async () => {
        const again = readState(this.statePath);
        if (again) return again;
        const fresh = await this.createDefault();
        writeStateAtomic(this.statePath, fresh);
        return fresh;
      });
    }
    this.offsetMs = state.clockOffsetMs ?? 0;
    const ctx = { clock: this.clock, random: Random.fromState(state.random) };
    // Status that depends on time (readiness, restarts, rollouts) is computed now, in memory only.
    // The controllers are loaded only when there is something for them to do.
    if (!isSettled(state)) (await import('../cluster/controllers.js')).reconcile(state, ctx);
    return { state, ctx };
  }

  /** Changes the cluster under the lock; nothing is saved if fn throws. */
  async change<T>(fn: (state: ClusterState, ctx: Ctx) => T | Promise<T>): Promise<T> {
    return mutateState(this.statePath, () => this.createDefault(), async (state) => {
      const random = Random.fromState(state.random);
      // Follows state.clockOffsetMs live, so a change that moves simulated time on sees the new time at once.
      const clock: Clock = { now: () => new Date(this.baseClock.now().getTime() + (state.clockOffsetMs ?? 0)) };
      this.offsetMs = state.clockOffsetMs ?? 0;
      const ctx = { clock, random };
      (await import('../cluster/controllers.js')).reconcile(state, ctx);
      const result = await fn(state, ctx);
      this.offsetMs = state.clockOffsetMs ?? 0;
      state.random = random.state();
      return result;
    });
  }
}

/** Reads all of stdin as text (for `-f -` and piped shells). */
export async function readStdin(io: CliIO): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
