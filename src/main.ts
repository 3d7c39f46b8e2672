// Entry: run the command line (src/cli/dispatch.ts) against the process's streams and environment.
import { runCli } from './cli/dispatch.js';
import { processIO } from './cli/io.js';

// A reader that stops early (`kubesim get pods -o yaml | head -1`) closes the pipe. kubectl, a Go program, then
// dies quietly of SIGPIPE (status 141 in the shell); do the same instead of printing a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(141);
    throw e;
  });
}

runCli(process.argv.slice(2), processIO).then((code) => {
  process.exitCode = code;
});
