// The simulated shell's core types: its bounds (SHELL_LIMITS), collected output, the signals that unwind
// the interpreter (exit, break, return, a process that keeps running), and the state a shell carries.
import type { ContainerFs } from './fs.js';
import type { ImageSpec } from './images.js';
import type { Node } from './sh-parse.js';
import type { Proc } from './tools.js';

export interface Chunk {
  fd: 1 | 2;
  text: string;
  /** When it was written, in simulated ms from the command line's start (set when the Output has a clock). */
  atMs?: number;
  /** text holds bytes, one char per byte (latin1): what tar writes, to be sent as they are. */
  bin?: true;
}

// ---------------------------------------------------------------------------------------------------------
// Resource bounds. The simulated shell runs inside kubesim's own process, so a script must not be able to
// exhaust it or keep it busy forever. The bounds are those a real busybox ash meets in a container limited to
// 512 MiB of memory, and it fails the way ash fails there: with a shell error (`sh: out of memory`), status 2.
export const SHELL_LIMITS = {
  /**
   * Nesting: command substitutions, `sh -c` subshells, function calls and compound commands inside one
   * another. In ash each nested $(...) or sh -c is a forked process waiting on its child through a pipe (a few
   * hundred KiB of private memory apiece), so somewhere past a thousand of them fill 512 MiB. kubesim's
   * interpreter recurses on the JavaScript stack, so it stops earlier, at 200 levels, far past anything a
   * script nests: `sh: recursion too deep`.
   */
  depth: 200,
  /**
   * Bytes in one expanded word, variable or command output (a pipe's contents, a $(...) result). ash builds an
   * expansion in a buffer that doubles as it grows: a value past ~100 MiB cannot be built in 512 MiB. kubesim
   * keeps pipes in memory too, so their contents share the bound (`seq 1 100000000 | wc -l` is refused here).
   */
  valueBytes: 64 << 20,
  /**
   * Simple commands one script runs: about what ash runs in a second or two. A script still going after that
   * is a process that keeps running (as a `while true` loop is): see `blocked`.
   */
  steps: 1_000_000,
  /**
   * What one network tool run (curl, wget, nslookup, ping, nc) counts for in `steps`: each costs kubesim a few
   * hundred microseconds of real time, so a loop of requests that never ends stops after 10,000 of them.
   */
  networkStep: 100,
  /**
   * Simulated time a command line's loops may spend (sleeps, timeouts): a loop still going after an hour is
   * a process that keeps running. A polling loop (`until wget ...; do sleep 1; done`) thus runs a few
   * thousand rounds at most.
   */
  simulatedMs: 3600 * 1000,
  /**
   * Bytes a pipeline's writer may send to a reader that stops early (`head`, `grep -q`): a pipe's buffer (64 KiB on
   * Linux). Past them the writer is ended as
   * a real one is when its reader has gone (SIGPIPE, status 141).
   */
  pipeBytes: 64 << 10,
};

/** A bound above was hit: ends the command line with `<shell>: <message>` and status 2. */
export class ShellLimitError extends Error {}

const OUT_OF_MEMORY = 'out of memory';

/** Collected output, in order, of a command run (at most SHELL_LIMITS.valueBytes). */
export class Output {
  chunks: Chunk[] = [];
  private bytes = 0;
  /** Simulated time now: an interactive terminal shows each chunk when it was written (a sleep between). */
  clock?: () => number;
  write(fd: 1 | 2, text: string): void {
    if (!text) return;
    if (this.bytes + text.length > SHELL_LIMITS.valueBytes) throw new ShellLimitError(OUT_OF_MEMORY);
    this.append(fd, text);
  }
  /** For the error that reports a bound: written even when the output is full. */
  writeAlways(fd: 1 | 2, text: string): void {
    this.append(fd, text);
  }
  /** Bytes (an archive), kept apart from text so that they reach the client unchanged. */
  writeBytes(fd: 1 | 2, bytes: Buffer): void {
    if (!bytes.length) return;
    if (this.bytes + bytes.length > SHELL_LIMITS.valueBytes) throw new ShellLimitError(OUT_OF_MEMORY);
    this.append(fd, bytes.toString('latin1'), true);
  }
  private append(fd: 1 | 2, text: string, bin?: true): void {
    this.bytes += text.length;
    const last = this.chunks[this.chunks.length - 1];
    const atMs = this.clock?.();
    if (last && last.fd === fd && last.atMs === atMs && last.bin === bin) last.text += text;
    else this.chunks.push({ fd, text, ...(atMs === undefined ? {} : { atMs }), ...(bin ? { bin } : {}) });
  }
  /** A chunk as the bytes a client receives. */
  static bytesOf(c: Chunk): Buffer {
    return Buffer.from(c.text, c.bin ? 'latin1' : 'utf8');
  }
  get stdout(): string {
    return this.chunks.filter((c) => c.fd === 1).map((c) => c.text).join('');
  }
  get stderr(): string {
    return this.chunks.filter((c) => c.fd === 2).map((c) => c.text).join('');
  }
}

/** Thrown by `exit`, unwinding to the shell that runs the script. */
export class ExitSignal {
  constructor(readonly code: number) {}
}
export class BreakSignal {
  constructor(public n: number, readonly cont: boolean) {}
}
export class ReturnSignal {
  constructor(readonly code: number) {}
}
/** The script keeps running past its bounds (a `while true` loop, `sleep infinity`): unwinds to the top. */
export class BlockedSignal {}

/** Standard input of a command: a string read from `pos` on (a loop's `read` consumes it line by line). */
export interface Input {
  s: string;
  pos: number;
}

/** The shell's own state beyond variables: functions, $@, options, the working directory, the filesystem. */
export interface ShState {
  funcs: Map<string, Node>;
  params: string[];
  argv0: string;
  opts: { e: boolean; u: boolean; x: boolean; f: boolean; pipefail?: boolean };
  readonly: Set<string>;
  exported: Set<string>;
  locals: Map<string, string | undefined>[];
  loops: number;
  /** Inside an if/while condition or a && || list: `set -e` does not apply. */
  cond: number;
  cwd: string;
  fs: ContainerFs;
  pid: number;
  lastBg?: number;
  traps: Map<string, string>;
  /** Where `exec >file` sent this shell's output from then on (base: the output it replaced). */
  persist?: { base: Output; out: Output };
  /** Descriptors above 2 that `exec` opened (`exec 3>&1`), as sh-run.ts's redirection table entries. */
  fds?: Map<number, unknown>;
  /** Line of the command running (0-based) and what ash adds to it in messages (0 for sh -c, 1 for a file). */
  line: number;
  lineBase: number;
}

/** What the shell runs against: the process's view of its container (tools.ts fills the behaviour). */
export interface ShellHost {
  /** Environment variables of the process. */
  vars: Map<string, string>;
  /** Binaries available in the container. */
  image: import('./images.js').ImageSpec;
  /** The shell's name for its messages: "sh" (busybox ash) or "bash". */
  shellName: string;
  lastCode: number;
  /** Set when a command blocks forever (sleep infinity, a server, an endless loop): the script stops there. */
  blocked: boolean;
  /** Set when `exit` ended the script. */
  exited?: boolean;
  /** A job started with `&` (a capture it starts outlives the command line). */
  background?: boolean;
  /** Passed to tools. */
  proc: Omit<Proc, 'argv' | 'stdin' | 'out' | 'stdoutTTY' | 'host'>;
  stdoutTTY: boolean;
  /** The shell's state (made on first use; a session's hosts share the filesystem). */
  sh?: ShState;
}


/** An error that ends a non-interactive shell: `sh: <message>`, status 2. */
export class FatalError extends Error {}

export function checkSize(length: number): void {
  if (length > SHELL_LIMITS.valueBytes) throw new ShellLimitError(OUT_OF_MEMORY);
}
