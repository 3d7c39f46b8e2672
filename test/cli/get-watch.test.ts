// `kubesim get -w`: the list, then a row per change, in the first table's columns.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, ROOT, tempCluster } from '../support/cli.js';

test('get svc -w prints the list, then a row for a new service, aligned with the table', async () => {
  const c = tempCluster({ now: '2026-11-22T01:30:00Z' });
  try {
    assert.equal(c.run(['get', 'ns', '-o', 'name']).code, 0);
    const child = spawn(process.execPath, [BIN, 'get', 'svc', '-w', '--request-timeout=60s'], { env: c.env });
    let out = '';
    let waiting: { text: string; resolve: () => void } | undefined;
    child.stdout.on('data', (d) => {
      out += d;
      if (waiting && out.includes(waiting.text)) waiting.resolve();
    });
    const seen = (text: string) =>
      new Promise<void>((resolve) => {
        waiting = { text, resolve };
        if (out.includes(text)) resolve();
      });
    await seen('kubernetes');
    assert.equal(c.run(['apply', '-f', join(ROOT, 'manifests/kiada-svc.yaml')]).code, 0);
    await seen('kiada');
    child.kill();
    // the seeded allocator's address; the column grows past the remembered width, as kubectl's does
    const ip = '10.98.179.64';
    assert.equal(
      out,
      'NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n' +
        'kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   0s\n' +
        `kiada        ClusterIP   ${ip}   <none>        80/TCP    0s\n`,
    );
  } finally {
    c.cleanup();
  }
});

test('get -w ends after --request-timeout; watching two kinds is refused', () => {
  const c = tempCluster();
  try {
    const r = c.run(['get', 'ns', '-w', '--request-timeout=1s', '-o', 'name']);
    assert.deepEqual([r.stdout, r.code], ['namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\nnamespace/local-path-storage\n', 0]);
    const two = c.run(['get', 'pods,svc', '-w']);
    assert.deepEqual([two.stderr, two.code], ['error: watch is only supported on individual resources and resource collections, but 2 resources were found\n', 1]);
  } finally {
    c.cleanup();
  }
});
