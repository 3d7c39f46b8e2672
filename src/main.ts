// Entry: run the command line (src/cli/dispatch.ts) against the process's streams and environment
// (src/cli/io.ts, which also ends the process quietly when a reader closes the pipe early).
import { runCli } from './cli/dispatch.js';
import { processIO } from './cli/io.js';

runCli(process.argv.slice(2), processIO).then((code) => {
  process.exitCode = code;
  // With nothing left to run (no handle, timer or request: output written synchronously, see io.ts), end now:
  // the natural exit would tear the heap down page by page first, a few ms of every command.
  if (process.getActiveResourcesInfo().length === 0) process.exit(code);
});
