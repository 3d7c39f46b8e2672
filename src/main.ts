// Entry: run the command line (src/cli/dispatch.ts) against the process's streams and environment
// (src/cli/io.ts, which also ends the process quietly when a reader closes the pipe early).
import { runCli } from './cli/dispatch.js';
import { processIO } from './cli/io.js';

runCli(process.argv.slice(2), processIO).then((code) => {
  process.exitCode = code;
});
