import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { BIN, tempCluster } from '../support/cli.js';

// `kubesim get ... | head -1`: the reader closes the pipe early. kubectl dies quietly of SIGPIPE (141).
test('a reader that closes the pipe early ends kubesim quietly with status 141, no stack trace', () => {
  const c = tempCluster();
  try {
    const many = Array.from({ length: 60 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n  - name: c\n    image: nginx\n`).join('---\n');
    assert.equal(c.run(['apply', '-f', '-'], { input: many }).code, 0);
    const script = `"${process.execPath}" "${BIN}" get events -o yaml | head -1; echo "status=\${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', script], { env: c.env, encoding: 'utf8' });
    assert.equal(r.stdout, 'apiVersion: v1\nstatus=141\n');
    assert.equal(r.stderr, '');
  } finally {
    c.cleanup();
  }
});
