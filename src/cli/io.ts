// What a verb may touch of the process: its streams and environment. Tests can pass their own.
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /**
   * Ctrl-C while a command holds the terminal (an attached shell's prompt): fn runs instead of the default
   * exit. Returns the function that removes the handler. Absent: Ctrl-C ends the process.
   */
  onInterrupt?(fn: () => void): () => void;
  /**
   * Aborted when the user interrupts a command that set no onInterrupt handler and runs inside a longer-lived
   * process (the ui's terminal): the command's next look at the cluster ends it, as Ctrl-C ends a process.
   */
  signal?: AbortSignal;
}

export const processIO: CliIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  // process.stdin sets up a stream (and, on a pipe, a handle) when first touched: only verbs that read it pay.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  onInterrupt(fn) {
    process.on('SIGINT', fn);
    return () => process.off('SIGINT', fn);
  },
};

/** A verb module: parses its own arguments (everything after the verb) and returns the exit code. */
export interface Verb {
  run(argv: string[], io: CliIO): Promise<number>;
}
