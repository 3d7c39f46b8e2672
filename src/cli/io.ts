// What a verb may touch of the process: its streams and environment. Tests can pass their own.
import { writeSync } from 'node:fs';

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

/**
 * process.stdout or process.stderr with kubectl's end for a reader that stops early (`kubesim get pods -o yaml |
 * head -1`): kubectl, a Go program, dies quietly of SIGPIPE (status 141 in the shell); so does kubesim, instead
 * of printing a stack trace.
 */
const watched = new Set<number>();
function processStream(fd: 1 | 2): NodeJS.WriteStream {
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (!watched.has(fd)) {
    watched.add(fd);
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(141);
      throw e;
    });
  }
  return stream;
}

/**
 * A standard output written with write(2). Creating process.stdout loads Node's stream and net modules (for a
 * pipe) or tty (for a terminal): a few per cent of `node -e 0` on every command. Node writes these descriptors
 * synchronously on Linux too, so the output and its order are the same. On any error but EPIPE (a descriptor
 * someone made non-blocking, a closed one) this and every later write go to Node's stream, which knows those cases.
 */
function fdWriter(fd: 1 | 2): CliIO['stdout'] {
  let stream: NodeJS.WriteStream | undefined;
  const writer = {
    get isTTY() {
      return processStream(fd).isTTY;
    },
    write(chunk: string | Uint8Array, encoding?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void): boolean {
      if (typeof encoding === 'function') [cb, encoding] = [encoding, undefined];
      if (stream) return stream.write(chunk, encoding ?? 'utf8', cb);
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding ?? 'utf8') : chunk;
      let done = 0;
      try {
        while (done < bytes.length) done += writeSync(fd, bytes, done);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') process.exit(141);
        stream = processStream(fd);
        return stream.write(bytes.subarray(done), cb);
      }
      if (cb) process.nextTick(cb, null);
      return true;
    },
  };
  return writer as unknown as CliIO['stdout'];
}

export const processIO: CliIO = {
  stdout: fdWriter(1),
  stderr: fdWriter(2),
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
