// `kubesim create cronjob` (alias cj): the generator lives with `create job` in create-job.ts.
import type { CliIO } from './io.js';
import { run as runJob } from './create-job.js';

export function run(argv: string[], io: CliIO): Promise<number> {
  return runJob(argv, io, 'cronjob');
}
