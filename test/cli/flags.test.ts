import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempCluster } from '../support/cli.js';

// cobra reports flag errors itself, with a capital "Error:" (checked against kubectl v1.32).
test('unknown flags and missing flag values get cobra\'s wording and exit 1', () => {
  const c = tempCluster();
  try {
    const cases: [string[], string][] = [
      [['get', 'pods', '--foo'], "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"],
      [['run', 'x', '--image=y', '-Z'], "Error: unknown shorthand flag: 'Z' in -Z\nSee 'kubectl run --help' for usage.\n"],
      [['get', 'pods', '-o'], "Error: flag needs an argument: 'o' in -o\nSee 'kubectl get --help' for usage.\n"],
      [['get', 'pods', '--output'], "Error: flag needs an argument: --output\nSee 'kubectl get --help' for usage.\n"],
    ];
    for (const [args, stderr] of cases) {
      const r = c.run(args);
      assert.equal(r.stderr, stderr, args.join(' '));
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
    }
  } finally {
    c.cleanup();
  }
});
