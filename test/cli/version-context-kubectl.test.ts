// `version` and the --context/--cluster selection errors against the real kubectl, on kubeconfig files it reads
// offline: kubectl prints its client part before it finds no server to ask, and only the error when the
// selection itself is wrong.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempCluster, type CliResult } from '../support/cli.js';
import { skipWithoutKubectl } from '../support/stub-apiserver.js';

const c = tempCluster({ env: { KUBECONFIG: '' } });
after(() => c.cleanup());

function kubectl(args: string[]): CliResult {
  const r = spawnSync('kubectl', args, { env: { PATH: process.env.PATH, HOME: c.dir }, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** kubesim's client version names itself; the rest of the lines are compared as they are. */
const client = (s: string) => s.replace(/^Client Version: .*$/m, 'Client Version: X');

test('version: only the error for a wrong --context, --cluster or --user; the client lines before a missing server', { skip: skipWithoutKubectl() }, () => {
  const good = join(c.dir, 'good.yaml');
  const broken = join(c.dir, 'broken.yaml');
  writeFileSync(good, 'clusters:\n- name: kind-kind\n  cluster: {server: "https://kind-control-plane:6443"}\ncontexts:\n- name: kind-kind\n  context: {cluster: kind-kind, user: u}\nusers:\n- name: u\n  user: {}\ncurrent-context: kind-kind\n');
  writeFileSync(broken, 'contexts:\n- name: broken\n  context: {cluster: gone, user: admin}\ncurrent-context: broken\n');
  for (const [file, args] of [
    [good, ['version', '--context', 'nope']],
    [good, ['version', '--context=nope', '-o', 'json']],
    [good, ['version', '--cluster', 'nope']],
    [good, ['version', '--user', 'nope']],
    [broken, ['version']],
    [good, ['apply', '-f', 'x.yaml', '--cluster', 'nope']],
    [good, ['get', 'pods', '--cluster', 'nope']],
    [good, ['get', 'pods', '-n', 'x', '--cluster', 'nope']],
    [good, ['api-versions', '--cluster', 'nope']],
  ] as const) {
    const ours = c.run(['--kubeconfig', file, ...args]);
    const theirs = kubectl(['--kubeconfig', file, ...args]);
    assert.deepEqual({ ...ours, stdout: client(ours.stdout) }, { ...theirs, stdout: client(theirs.stdout) }, args.join(' '));
    assert.equal(ours.code, 1);
  }
});

test('version with a context that has no server: the client part in every output format, then the error', () => {
  const broken = join(c.dir, 'broken2.yaml');
  writeFileSync(broken, 'contexts:\n- name: broken\n  context: {cluster: gone, user: admin}\ncurrent-context: broken\n');
  const err = 'The connection to the server localhost:8080 was refused - did you specify the right host or port?\n';
  const plain = c.run(['version', '--kubeconfig', broken]);
  assert.equal(plain.code, 1);
  assert.match(plain.stdout, /^Client Version: v1\.32\.\S+\nKustomize Version: v5\.5\.0\n$/);
  assert.equal(plain.stderr, err);
  const json = c.run(['version', '--kubeconfig', broken, '-o', 'json']);
  assert.equal(json.code, 1);
  assert.deepEqual(Object.keys(JSON.parse(json.stdout)), ['clientVersion', 'kustomizeVersion']);
  assert.equal(json.stderr, err);
  // sigs.k8s.io/yaml, as kubectl prints it: keys sorted, the major version a quoted string.
  const yaml = c.run(['version', '--kubeconfig', broken, '-o', 'yaml']);
  assert.equal(yaml.code, 1);
  assert.match(yaml.stdout, /^clientVersion:\n  gitVersion: v1\.32\.\S+\n  major: "1"\n  minor: "32"\n  platform: \S+\nkustomizeVersion: v5\.5\.0\n$/);
  assert.equal(yaml.stderr, err);
  // --client never asks the server.
  assert.equal(c.run(['version', '--client', '--kubeconfig', broken]).code, 0);
});
