// `config set|unset|set-cluster|set-credentials` (and the other offline config commands after them) against the
// real kubectl: the same words on two copies of one kubeconfig leave the same output, errors, exit codes and file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempCluster, type CliResult } from '../support/cli.js';
import { skipWithoutKubectl } from '../support/stub-apiserver.js';

const c = tempCluster({ env: { KUBECONFIG: '' } });
after(() => c.cleanup());

const START = `apiVersion: v1
kind: Config
preferences: {colors: true}
clusters:
- name: prod
  cluster: {server: "https://10.0.0.1:6443", certificate-authority-data: aGVsbG8=}
contexts:
- name: prod
  context: {cluster: prod, user: admin, namespace: payments}
users:
- name: admin
  user: {token: s3cret}
- name: basic
  user: {username: u, password: pw}
current-context: prod
`;

function kubectl(args: string[]): CliResult {
  const r = spawnSync('kubectl', args, { env: { PATH: process.env.PATH, HOME: c.dir }, encoding: 'utf8' });
  // This kubectl build logs a failed client-certificate load (klog's E-lines) when a user's files hold no PEM data.
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.replace(/^E\d{4} [^\n]*cert_rotation[^\n]*\n/gm, '') };
}

/** Go prints pointers in some of these errors; their values differ from run to run. */
const norm = (s: string, file: string) => s.split(file).join('FILE').replace(/0x[0-9a-f]+/g, '0xADDR');

/**
 * kubectl keeps --exec-env in a Go map, so the env list it writes comes out in a different order from run to run:
 * the file is compared with each exec env list sorted by name.
 */
function envSorted(text: string): string {
  return text.replace(/^( +)env:\n((?:\1- name: .*\n\1 {2}value: .*\n)+)/gm, (_m, indent: string, items: string) => {
    const pairs = items.split(new RegExp(`(?=^${indent}- name: )`, 'm')).filter(Boolean);
    return `${indent}env:\n${pairs.sort().join('')}`;
  });
}

/** Runs each step on both copies and compares everything a user sees, and the file, after every step. */
function sameSteps(steps: string[][], start = START): void {
  const ours = join(c.dir, 'ours.yaml');
  const theirs = join(c.dir, 'theirs.yaml');
  writeFileSync(ours, start);
  writeFileSync(theirs, start);
  for (const args of steps) {
    const a = c.run(['--kubeconfig', ours, 'config', ...args]);
    const b = kubectl(['--kubeconfig', theirs, 'config', ...args]);
    const label = `config ${args.join(' ')}`;
    // Help texts are kubesim's own words: with a help-and-error refusal only the error and exit code count.
    const helpShown = /nexpected args|invalid [\w-]+ format/.test(b.stderr);
    assert.deepEqual(
      { code: a.code, stdout: helpShown ? '' : norm(a.stdout, ours), stderr: norm(a.stderr, ours) },
      { code: b.code, stdout: helpShown ? '' : norm(b.stdout, theirs), stderr: norm(b.stderr, theirs) },
      label,
    );
    if (helpShown) assert.match(a.stdout, /\nUsage:\n {2}kubectl config /, label);
    assert.equal(envSorted(norm(readFileSync(ours, 'utf8'), ours)), envSorted(norm(readFileSync(theirs, 'utf8'), theirs)), `file after ${label}`);
  }
}

test('config set: paths, map keys with dots, types, and the errors kubectl gives', { skip: skipWithoutKubectl() }, () => {
  sameSteps([
    // Nothing changes: the hand-written file stays as it is.
    ['set', 'kind', 'Other'],
    ['set', 'current-context', 'prod'],
    ['set', 'clusters.prod.server', 'https://1.2.3.4'],
    ['set', 'clusters.lab.server', 'https://lab:6443'],
    ['set', 'contexts.a.b.c.namespace', 'dev'],
    ['set', 'contexts.a.b.c.cluster', 'lab'],
    ['set', 'current-context', 'a.b.c'],
    ['set', 'preferences.colors', 'false'],
    ['set', 'clusters.prod.insecure-skip-tls-verify', 'yes'],
    ['set', 'clusters.prod.insecure-skip-tls-verify', 'T'],
    ['set', 'clusters.prod.certificate-authority-data', '!!'],
    ['set', 'clusters.prod.certificate-authority-data', 'aGk='],
    ['set', 'users.admin.client-key-data', 'raw', '--set-raw-bytes'],
    ['set', 'users.bob.token', 'tok'],
    ['set', 'foo', 'bar'],
    ['set', 'preferences.bogus', 'x'],
    ['set', 'clusters.prod', 'bar'],
    ['set', 'clusters', 'bar'],
    ['set', 'clusters.prod.server.x', 'y'],
    ['set', 'clusters.prod.bogus', 'x'],
    ['set', 'users.admin.exec.command', 'x'],
    ['set', 'users.admin.act-as-groups', 'x'],
    ['set', 'users.admin.act-as-user-extra.a', 'x'],
    ['set', 'users.admin.act-as-user-extra', 'x'],
    ['set', 'clusters.prod.extensions', 'x'],
    ['set', 'x'],
    ['set', 'a', 'b', 'c'],
    ['set', 'x', ''],
    ['set', '', 'x'],
    ['get-contexts'],
    ['get-users'],
  ]);
});

test('config unset: fields, whole entries and sections; a missing entry on the way is an error', { skip: skipWithoutKubectl() }, () => {
  sameSteps([
    ['unset', 'users.nope'],
    ['unset', 'users.nope.token'],
    ['unset', 'clusters.prod.tls-server-name'],
    ['unset', 'preferences.colors'],
    ['unset', 'clusters.prod.certificate-authority-data'],
    ['unset', 'contexts.prod.namespace'],
    ['unset', 'users.admin.exec'],
    ['unset', 'users.admin.exec.command'],
    ['unset', 'bogus'],
    ['unset'],
    ['unset', 'a', 'b'],
    ['unset', 'current-context'],
    ['current-context'],
    ['unset', 'users.basic'],
    ['unset', 'contexts'],
    ['get-contexts'],
  ]);
  // kubectl rewrites an entry whose extensions it unset even when it had none, and unset preferences likewise.
  sameSteps([['unset', 'clusters.prod.extensions']]);
  sameSteps([['unset', 'preferences']]);
});

test('config set-cluster and set-credentials: flags, paths relative to the kubeconfig, embedding, refusals', { skip: skipWithoutKubectl() }, () => {
  const certs = join(c.dir, 'certs');
  mkdirSync(certs, { recursive: true });
  writeFileSync(join(certs, 'ca.crt'), 'CA\n');
  writeFileSync(join(certs, 'a.key'), 'KEY\n');
  const ca = join(certs, 'ca.crt');
  const key = join(certs, 'a.key');
  sameSteps([
    ['set-cluster', 'prod', '--server=https://5.6.7.8'],
    ['set-cluster', 'prod', '--tls-server-name=foo', '--proxy-url=http://proxy:3128'],
    ['set-cluster', 'prod', '--server=https://9.9.9.9'],
    ['set-cluster', 'prod', '--insecure-skip-tls-verify=true'],
    ['set-cluster', 'e2e', `--certificate-authority=${ca}`],
    ['set-cluster', 'e2e', '--certificate-authority=/etc/hostname'],
    ['set-cluster', 'e2e', `--certificate-authority=${ca}`, '--embed-certs'],
    ['set-cluster', 'e2e', '--certificate-authority=/nope/ca.crt', '--embed-certs'],
    ['set-cluster', 'e2e', '--embed-certs'],
    ['set-cluster', 'e3', `--certificate-authority=${ca}`, '--insecure-skip-tls-verify'],
    ['set-cluster', 'e2e', '--insecure-skip-tls-verify=maybe'],
    ['set-cluster', 'prod'],
    ['set-cluster', 'empty'],
    ['set-cluster', ''],
    ['set-cluster', 'a', 'b'],
    ['set-cluster'],
    ['set-credentials', 'admin', '--username=u', '--password=p'],
    ['set-credentials', 'admin', '--token=t', '--username=u'],
    ['set-credentials', 'basic', '--token=x'],
    ['set-credentials', 'carol', `--client-certificate=${ca}`, `--client-key=${key}`],
    ['set-credentials', 'dave', `--client-certificate=${ca}`, `--client-key=${key}`, '--embed-certs'],
    ['set-credentials', 'dave', '--embed-certs'],
    ['set-credentials', 'dave', '--client-key=/nope/a.key', '--embed-certs'],
    ['set-credentials', 'e', '--auth-provider=oidc', '--auth-provider-arg=client-id=foo', '--auth-provider-arg=client-secret=bar,x=y'],
    ['set-credentials', 'e', '--auth-provider-arg=client-secret-'],
    ['set-credentials', 'e', '--auth-provider-arg=bad'],
    ['set-credentials', 'f', '--exec-command=/bin/x', '--exec-api-version=client.authentication.k8s.io/v1beta1', '--exec-arg=a1', '--exec-arg=a2,a3', '--exec-env=k1=v1', '--exec-env=k2=v2,x=1'],
    ['set-credentials', 'f', '--exec-env=k1-', '--exec-interactive-mode=Never', '--exec-provide-cluster-info'],
    ['set-credentials', 'f', '--exec-command=/bin/y'],
    ['set-credentials', 'f', '--exec-env=bad'],
    ['set-credentials', 'g', '--exec-interactive-mode=Bogus'],
    ['set-credentials', 'g', '--exec-arg=ignored'],
    ['set-credentials', 'g', '--exec-provide-cluster-info=maybe'],
    ['set-credentials', ''],
    ['set-credentials', 'a', 'b'],
    ['set-credentials'],
    ['get-users'],
  ]);
});

test('$KUBECONFIG with two files: a change goes to the file that holds the entry, a new current context to the default file', { skip: skipWithoutKubectl() }, () => {
  const one = join(c.dir, 'one.yaml');
  const two = join(c.dir, 'two.yaml');
  const files = { one: 'contexts:\n- name: a\n  context: {cluster: c}\n', two: 'contexts:\n- name: b\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: s}\ncurrent-context: b\n' };
  const outcome = (run: (args: string[]) => CliResult) => {
    writeFileSync(one, files.one);
    writeFileSync(two, files.two);
    const out = [['use-context', 'a'], ['set', 'clusters.c.server', 'https://x'], ['set-cluster', 'new', '--server=n'], ['unset', 'current-context']].map((args) => run(['config', ...args]));
    return { out, one: readFileSync(one, 'utf8'), two: readFileSync(two, 'utf8') };
  };
  const KUBECONFIG = `${one}:${two}`;
  const ours = outcome((args) => c.run(args, { env: { KUBECONFIG } }));
  const theirs = outcome((args) => {
    const r = spawnSync('kubectl', args, { env: { PATH: process.env.PATH, HOME: c.dir, KUBECONFIG }, encoding: 'utf8' });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  });
  assert.deepEqual(ours, theirs);
  assert.match(ours.one, /current-context: ""/);
});

test('the kubeconfig set-cluster wrote drives kubesim: a new context on a new cluster entry names its own state', () => {
  const file = join(c.dir, 'own.yaml');
  writeFileSync(file, START);
  const env = { KUBECONFIG: file };
  assert.deepEqual(c.run(['config', 'set-cluster', 'kind-lab', '--server=https://lab-control-plane:6443'], { env }), { code: 0, stdout: 'Cluster "kind-lab" set.\n', stderr: '' });
  assert.equal(c.run(['config', 'set', 'contexts.lab.cluster', 'kind-lab'], { env }).stdout, 'Property "contexts.lab.cluster" set.\n');
  assert.equal(c.run(['config', 'set', 'contexts.lab.namespace', 'kube-system'], { env }).code, 0);
  const r = c.run(['get', 'nodes', '-o', 'name', '--context', 'lab'], { env });
  assert.equal(r.stdout.split('\n')[0], 'node/lab-control-plane', r.stderr);
  assert.equal(c.run(['config', 'unset', 'contexts.lab'], { env }).stdout, 'Property "contexts.lab" unset.\n');
  assert.equal(c.run(['get', 'pods', '--context', 'lab'], { env }).stderr, 'Error in configuration: context was not found for specified context: lab\n');
});
