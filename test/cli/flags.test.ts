import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inProcessCluster } from '../support/inproc.js';

// cobra reports flag errors itself, with a capital "Error:" (checked against kubectl v1.32).
test('unknown flags and missing flag values get cobra\'s wording and exit 1', async () => {
  const c = inProcessCluster();
  try {
    const cases: [string[], string][] = [
      [['get', 'pods', '--foo'], "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"],
      [['run', 'x', '--image=y', '-Z'], "Error: unknown shorthand flag: 'Z' in -Z\nSee 'kubectl run --help' for usage.\n"],
      [['get', 'pods', '-o'], "Error: flag needs an argument: 'o' in -o\nSee 'kubectl get --help' for usage.\n"],
      [['get', 'pods', '--output'], "Error: flag needs an argument: --output\nSee 'kubectl get --help' for usage.\n"],
    ];
    for (const [args, stderr] of cases) {
      const r = await c.run(args);
      assert.equal(r.stderr, stderr, args.join(' '));
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
    }
  } finally {
    c.cleanup();
  }
});

// pflag bools take `=value` (strconv.ParseBool's words); verified with kubectl v1.32 offline for the errors.
test('bool flags accept --flag=true|false and -x=false as kubectl does; other values are ParseBool errors', async () => {
  const c = inProcessCluster();
  try {
    await c.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  labels:\n    app: b\nspec:\n  containers:\n  - name: a\n    image: nginx\n' });
    assert.match((await c.run(['get', 'pods', '--show-labels=true'])).stdout, /^NAME +READY +STATUS +RESTARTS +AGE +LABELS\nb +.*app=b\n$/);
    assert.match((await c.run(['get', 'pods', '--show-labels=false'])).stdout, /^NAME +READY +STATUS +RESTARTS +AGE\n/);
    assert.match((await c.run(['get', 'pods', '--no-headers=true'])).stdout, /^b +1\/1/);
    assert.match((await c.run(['get', 'pods', '--no-headers=false'])).stdout, /^NAME /);
    assert.equal((await c.run(['label', 'pod', 'b', 'app=c', '--overwrite=true', '--dry-run=client'])).stdout, 'pod/b labeled (dry run)\n');
    assert.equal((await c.run(['label', 'pod', 'b', 'app=c', '--overwrite=false'])).stderr, "error: 'app' already has a value (b), and --overwrite is false\n");
    assert.equal((await c.run(['delete', 'pod', 'nosuch', '--ignore-not-found=true'])).code, 0);
    const cases: [string[], string][] = [
      [['get', 'pods', '--no-headers=x'], `Error: invalid argument "x" for "--no-headers" flag: strconv.ParseBool: parsing "x": invalid syntax\nSee 'kubectl get --help' for usage.\n`],
      [['run', 'x', '--image=nginx', '-i=maybe'], `Error: invalid argument "maybe" for "-i, --stdin" flag: strconv.ParseBool: parsing "maybe": invalid syntax\nSee 'kubectl run --help' for usage.\n`],
    ];
    for (const [args, stderr] of cases) {
      const r = await c.run(args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', stderr], args.join(' '));
    }
  } finally {
    c.cleanup();
  }
});

// Checked against kubectl v1.32: `kubectl gett` suggests set and get, in kubectl's command order.
test('an unknown command gets cobra\'s suggestions, or none', async () => {
  const c = inProcessCluster();
  try {
    const gett = await c.run(['gett', 'pods']);
    assert.equal(gett.stderr, 'Error: unknown command "gett" for "kubectl"\n\nDid you mean this?\n\tset\n\tget\n\n');
    assert.equal(gett.code, 1);
    const far = await c.run(['zzzzzzzz']);
    assert.equal(far.stderr, 'Error: unknown command "zzzzzzzz" for "kubectl"\n');
    assert.equal(far.code, 1);
  } finally {
    c.cleanup();
  }
});
