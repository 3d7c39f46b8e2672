// Shared plumbing for verb modules: a flag parser that fails as kubectl (cobra/pflag) does, the flags every
// verb has, and reading stdin. The session that opens the cluster is in session.ts.
//
// Start-up: commander (with the child_process it pulls in) costs about a third of `node -e 0` to load, more
// than most commands spend on their work. So a verb declares its flags on a Cmd, which records them; the
// command lines scripts type (known flags, `--flag=value`, `--flag value`, `-x value`, operands) are parsed
// here, and anything else (help, `--`, combined short flags, `--bool=value`, unknown flags and every error)
// goes to commander, loaded then, with the same declarations, so its behaviour and messages stay the one truth.
import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { CLI_NAME, KubeError } from '../api/errors.js';
import type { CliIO } from './io.js';
import { goParseDuration, goParseInt } from '../util/goparse.js';

export interface GlobalOptions {
  namespace?: string;
  allNamespaces?: boolean;
  state?: string;
  context?: string;
  kubeconfig?: string;
  cluster?: string;
  user?: string;
}

type Commander = typeof import('commander');
let commander: Commander | undefined;
const loadCommander = (): Commander => (commander ??= createRequire(import.meta.url)('commander') as Commander);

/** One declared flag, read as commander reads its `-s, --long <value>` / `[value]` / `--no-x` spelling. */
export class FlagOption {
  readonly short?: string;
  readonly long?: string;
  readonly required: boolean;
  readonly optional: boolean;
  readonly variadic: boolean;
  readonly negate: boolean;
  hidden = false;
  defaultValue?: unknown;
  parseArg?: (value: string, previous: any) => unknown;

  constructor(
    readonly flags: string,
    readonly description = '',
  ) {
    this.required = flags.includes('<');
    this.optional = flags.includes('[');
    this.variadic = /\w\.\.\.[>\]]$/.test(flags);
    for (const word of flags.split(/[ |,]+/)) {
      if (/^-[^-]$/.test(word)) this.short = word;
      else if (word.startsWith('--')) this.long = word;
    }
    this.negate = !!this.long?.startsWith('--no-');
  }

  hideHelp(): this {
    this.hidden = true;
    return this;
  }

  /** commander's attribute: the long name in camelCase, without `no-` for a negated flag. */
  attributeName(): string {
    const name = (this.long ?? this.short ?? '').replace(/^--?/, '').replace(/^no-/, this.negate ? '' : 'no-');
    return name.split('-').reduce((a, w) => a + w[0].toUpperCase() + w.slice(1));
  }

  isBoolean(): boolean {
    return !this.required && !this.optional && !this.negate;
  }
}

type Values = Record<string, any>;

/** A verb's command line: its declared flags, then the parsed values and operands. */
export class Cmd {
  readonly options: FlagOption[] = [];
  args: string[] = [];
  private values: Values = {};
  /** Where each value came from, as commander says: 'default' or 'cli'. */
  private sources = new Map<string, string>();

  constructor(
    readonly verb: string,
    private readonly io: CliIO,
    readonly help: string,
  ) {}

  option(flags: string, description?: string, parserOrDefault?: unknown, defaultValue?: unknown): this {
    const o = new FlagOption(flags, description);
    if (typeof parserOrDefault === 'function') {
      o.parseArg = parserOrDefault as FlagOption['parseArg'];
      o.defaultValue = defaultValue;
    } else o.defaultValue = parserOrDefault;
    return this.addOption(o);
  }

  /** Declares a flag; defaults are set as commander sets them (a lone `--no-x` defaults x to true). */
  addOption(o: FlagOption): this {
    const name = o.attributeName();
    if (o.negate) {
      const positive = o.long!.replace(/^--no-/, '--');
      if (!this.options.some((x) => x.long === positive)) this.setOptionValue(name, o.defaultValue === undefined ? true : o.defaultValue, 'default');
    } else if (o.defaultValue !== undefined) this.setOptionValue(name, o.defaultValue, 'default');
    this.options.push(o);
    return this;
  }

  opts<T extends Values = Values>(): T {
    return this.values as T;
  }

  setOptionValue(name: string, value: unknown, source = 'cli'): this {
    this.values[name] = value;
    this.sources.set(name, source);
    return this;
  }

  getOptionValueSource(name: string): string | undefined {
    return this.sources.get(name);
  }

  /** The common command line without commander; undefined when it needs commander's full parser. */
  parseSimple(argv: string[]): boolean {
    const values: Values = { ...this.values };
    const given = new Set<string>();
    const args: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--') return false;
      if (a === '-' || !a.startsWith('-')) {
        args.push(a);
        continue;
      }
      const eq = a.startsWith('--') ? a.indexOf('=') : -1;
      const flag = eq < 0 ? a : a.slice(0, eq);
      const o = flag.startsWith('--') ? this.options.find((x) => x.long === flag) : flag.length === 2 ? this.options.find((x) => x.short === flag) : undefined;
      if (!o || o.variadic) return false;
      let value: string | null = null;
      if (eq >= 0) {
        if (!o.required && !o.optional) return false;
        value = a.slice(eq + 1);
      } else if (o.required) {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('-')) return false;
        value = next;
        i++;
      } else if (o.optional) {
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith('-')) return false;
      }
      const name = o.attributeName();
      let v: unknown = value;
      if (value !== null && o.parseArg) v = o.parseArg(value, values[name]);
      if (v === null) v = o.negate ? false : true;
      values[name] = v;
      given.add(name);
    }
    this.values = values;
    for (const name of given) this.sources.set(name, 'cli');
    this.args = args;
    return true;
  }

  /** The same declarations on a commander Command, for the command lines parseSimple leaves to it. */
  toCommander(): Command {
    const { Command, Option } = loadCommander();
    const cmd = new Command(this.verb);
    cmd
      .exitOverride()
      .allowExcessArguments(true)
      .configureOutput({
        writeOut: (s) => this.io.stdout.write(s),
        writeErr: () => undefined,
        outputError: () => undefined,
      })
      .helpOption('-h, --help', 'help for ' + this.verb);
    cmd.helpInformation = () => (this.help.endsWith('\n') ? this.help : `${this.help}\n`);
    for (const o of this.options) {
      const c = new Option(o.flags, o.description);
      if (o.defaultValue !== undefined) c.default(o.defaultValue);
      if (o.parseArg) c.argParser(o.parseArg);
      if (o.hidden) c.hideHelp();
      cmd.addOption(c);
    }
    return cmd;
  }
}

/** A verb's command line, parsed as kubectl parses it: interspersed flags, cobra's errors, the verb's own help. */
export function newCommand(verb: string, io: CliIO, help: string): Cmd {
  return new Cmd(verb, io, help);
}

/** Adds --namespace/-n, --all-namespaces/-A (when asked) and --state. */
export function addGlobalFlags(cmd: Cmd, opts: { allNamespaces?: boolean } = {}): Cmd {
  cmd.option('-n, --namespace <namespace>', 'namespace scope for this request');
  if (opts.allNamespaces) cmd.option('-A, --all-namespaces', 'list across all namespaces');
  cmd.option('--state <path>', 'kubesim state file (default $KUBESIM_STATE or ~/.kube/kubesim/state.json)');
  // The kubeconfig selection (src/cli/context.ts resolves it before the verb runs; `kubesim options` lists them).
  cmd.addOption(new FlagOption('--context <name>').hideHelp());
  cmd.addOption(new FlagOption('--kubeconfig <path>').hideHelp());
  cmd.addOption(new FlagOption('--cluster <name>').hideHelp());
  cmd.addOption(new FlagOption('--user <name>').hideHelp());
  return cmd;
}

/** Parses argv with commander, turning its errors into kubectl's messages. Returns false when help was printed. */
export function parseArgs(cmd: Cmd, argv: string[], verb: string): boolean {
  if (cmd.parseSimple(argv)) return true;
  const full = cmd.toCommander();
  try {
    const { args, unset } = boolValues(full, argv, verb);
    full.parse(args, { from: 'user' });
    // A false value undoes the flag: false for --x, true for commander's --no-x (whose attribute is x).
    for (const u of unset) full.setOptionValue(u.name, u.value);
    for (const [k, v] of Object.entries(full.opts())) cmd.setOptionValue(k, v, full.getOptionValueSource(k));
    cmd.args = full.args;
    return true;
  } catch (e) {
    if (e instanceof loadCommander().CommanderError) {
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

function translateCommanderError(e: InstanceType<Commander['CommanderError']>, verb: string, argv: string[]): KubeError {
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

/** Reads all of stdin as text (for `-f -` and piped shells). */
export async function readStdin(io: CliIO): Promise<string> {
  return (await readStdinBytes(io)).toString('utf8');
}

export async function readStdinBytes(io: CliIO): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

/** pflag's error for a value it cannot parse, as cobra prints it. */
export function invalidFlagValue(verb: string, flag: string, value: string, detail: string): FlagError {
  return new FlagError(`invalid argument "${value}" for "${flag}" flag: ${detail}\nSee '${CLI_NAME} ${verb} --help' for usage.`);
}

/** An int flag's parser (strconv.ParseInt's wording on failure). */
export function intFlag(verb: string, flag: string) {
  return (v: string): number => {
    const r = goParseInt(v);
    if ('error' in r) throw invalidFlagValue(verb, flag, v, r.error);
    return r.value;
  };
}

/** A duration flag's parser (time.ParseDuration's wording on failure); the value in milliseconds. */
export function durationFlag(verb: string, flag: string) {
  return (v: string): number => {
    const r = goParseDuration(v);
    if ('error' in r) throw invalidFlagValue(verb, flag, v, r.error);
    return r.ms;
  };
}
