// apply --prune: the CI pattern of applying a directory, removing a file, and applying again with -l.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../support/cli.js';
import { inProcessCluster } from '../support/inproc.js';

test('apply --prune -l app=web after a file is removed: the Service is pruned, the Deployment stays', async () => {
  const c = inProcessCluster();
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-prune-'));
  try {
    cpSync(join(ROOT, 'manifests/kustomize/base/deployment.yaml'), join(dir, 'deployment.yaml'));
    cpSync(join(ROOT, 'manifests/kustomize/base/service.yaml'), join(dir, 'service.yaml'));
    assert.equal((await c.run(['apply', '-f', dir])).stdout, 'deployment.apps/web created\nservice/web created\n');
    // An object applied elsewhere without the label is never pruned by -l app=web.
    assert.equal((await c.run(['create', 'configmap', 'other', '--from-literal=a=b', '--save-config'])).code, 0);
    rmSync(join(dir, 'service.yaml'));
    const dry = await c.run(['apply', '--prune', '-l', 'app=web', '-f', dir, '--dry-run=client']);
    assert.equal(dry.stdout, 'deployment.apps/web configured (dry run)\nservice/web pruned (dry run)\n');
    const r = await c.run(['apply', '--prune', '-l', 'app=web', '-f', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deployment.apps/web unchanged\nservice/web pruned\n');
    assert.equal((await c.run(['get', 'svc', 'web'])).code, 1);
    assert.equal((await c.run(['get', 'cm', 'other', '-o', 'name'])).stdout, 'configmap/other\n');
    const again = await c.run(['apply', '--prune', '-l', 'app=web', '-f', dir]);
    assert.equal(again.stdout, 'deployment.apps/web unchanged\n');
  } finally {
    c.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('apply --prune --all with --prune-allowlist prunes only those kinds; the flag mistakes are kubectl\'s', async () => {
  const c = inProcessCluster();
  try {
    assert.equal((await c.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\ndata:\n  a: b\n' })).code, 0);
    const dep = join(ROOT, 'manifests/kustomize/base/deployment.yaml');
    const r = await c.run(['apply', '--prune', '--all', '--prune-allowlist=core/v1/ConfigMap', '-f', dep]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deployment.apps/web created\nconfigmap/gone pruned\n');
    const none = await c.run(['apply', '--prune', '-f', dep]);
    assert.equal(none.code, 1);
    assert.equal(none.stderr, 'error: all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector\n');
    const both = await c.run(['apply', '--prune', '--all', '-l', 'a=b', '-f', dep]);
    assert.equal(both.stderr, 'error: cannot set --all and --selector at the same time\n');
    const bad = await c.run(['apply', '--prune', '--all', '--prune-allowlist=ConfigMap', '-f', dep]);
    assert.equal(bad.stderr, 'error: invalid GroupVersionKind format: ConfigMap, please follow <group/version/kind>\n');
  } finally {
    c.cleanup();
  }
});
