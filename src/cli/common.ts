// Shared plumbing for verb modules: commander set up to fail as kubectl (cobra/pflag) does, the flags every
// verb has, and reading stdin. The session that opens the cluster is in session.ts.
import { Command, CommanderError, Option } from 'commander';
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
  // The kubeconfig selection (src/cli/context.ts resolves it before the verb runs; `kubesim options` lists them).
  cmd.addOption(new Option('--context <name>').hideHelp());
  cmd.addOption(new Option('--kubeconfig <path>').hideHelp());
  cmd.addOption(new Option('--cluster <name>').hideHelp());
  cmd.addOption(new Option('--user <name>').hideHelp());
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

/** Reads all of stdin as text (for `-f -` and piped shells). */
export async function readStdin(io: CliIO): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
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
