// `kubesim replace -f`: the object replaced whole through the API server, with kubectl's lines and errors.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { tempCluster, type TempCluster } from '../support/cli.js';

let c: TempCluster;
let file: string;
const SVC = `apiVersion: v1
kind: Service
metadata:
  name: kubia
spec:
  selector:
    app: kubia
  sessionAffinity: ClientIP
  ports:
  - port: 80
    targetPort: 8080
`;
before(() => {
  c = tempCluster();
  for (const args of [['create', 'deployment', 'kubia', '--image=luksa/kubia:1.0', '--replicas=2'], ['expose', 'deploy', 'kubia', '--port=80', '--target-port=8080']]) {
    const r = c.run(args);
    assert.equal(r.code, 0, r.stderr);
  }
  file = join(c.dir, 'svc.yaml');
  writeFileSync(file, SVC);
});
after(() => c.cleanup());

const svc = () => parse(c.run(['get', 'svc', 'kubia', '-o', 'yaml']).stdout);

test('replace: the whole object, uid and cluster IP kept, labels the file leaves out gone', () => {
  const old = svc();
  const r = c.run(['replace', '-f', file]);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'service/kubia replaced\n', '']);
  const now = svc();
  assert.equal(now.metadata.uid, old.metadata.uid);
  assert.equal(now.spec.clusterIP, old.spec.clusterIP);
  assert.equal(now.metadata.labels, undefined);
  assert.equal(now.spec.sessionAffinity, 'ClientIP');
  assert.notEqual(now.metadata.resourceVersion, old.metadata.resourceVersion);
});

test('replace -f - with the live resourceVersion works; a stale one is a Conflict, state unchanged', () => {
  const live = c.run(['get', 'svc', 'kubia', '-o', 'yaml']).stdout;
  const ok = c.run(['replace', '-f', '-'], { input: live.replace('sessionAffinity: ClientIP', 'sessionAffinity: None') });
  assert.deepEqual([ok.code, ok.stdout], [0, 'service/kubia replaced\n']);
  const before = readFileSync(c.state);
  const stale = c.run(['replace', '-f', '-'], { input: live });
  assert.equal(stale.code, 1);
  assert.equal(stale.stderr, 'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on services "kubia": the object has been modified; please apply your changes to the latest version and try again\n');
  assert.deepEqual(readFileSync(c.state), before);
});

test('replace of a missing object: NotFound; without -f: the flag error', () => {
  const missing = join(c.dir, 'missing.yaml');
  writeFileSync(missing, SVC.replace('name: kubia', 'name: nope'));
  const r = c.run(['replace', '-f', missing]);
  assert.deepEqual([r.code, r.stderr], [1, `Error from server (NotFound): error when replacing "${missing}": services "nope" not found\n`]);
  const n = c.run(['replace']);
  assert.deepEqual([n.code, n.stderr], [1, 'Error: must specify one of -f and -k\n']);
  const g = c.run(['replace', '-f', file, '--grace-period=1']);
  assert.deepEqual([g.code, g.stderr], [1, 'error: --grace-period must have --force specified\n']);
});

test('replace --force deletes and creates again (a new uid); a missing object is just created', () => {
  const old = svc();
  const r = c.run(['replace', '--force', '-f', file]);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'service "kubia" deleted\nservice/kubia replaced\n', '']);
  assert.notEqual(svc().metadata.uid, old.metadata.uid);
  const other = join(c.dir, 'other.yaml');
  writeFileSync(other, SVC.replace('name: kubia', 'name: other'));
  const n = c.run(['replace', '--force', '-f', other]);
  assert.deepEqual([n.code, n.stdout], [0, 'service/other replaced\n']);
});

test('replace --dry-run: client and server print the suffix and store nothing', () => {
  const before = readFileSync(c.state);
  assert.equal(c.run(['replace', '-f', file, '--dry-run=client']).stdout, 'service/kubia replaced (dry run)\n');
  assert.equal(c.run(['replace', '-f', file, '--dry-run=server']).stdout, 'service/kubia replaced (server dry run)\n');
  assert.deepEqual(readFileSync(c.state), before);
});

test('replace --force of a namespace waits for the old one to terminate (its objects gone) before creating it again', () => {
  assert.equal(c.run(['create', 'namespace', 'again']).code, 0);
  assert.equal(c.run(['create', 'configmap', 'old', '-n', 'again']).code, 0);
  const f = join(c.dir, 'ns.yaml');
  writeFileSync(f, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: again\n');
  const r = c.run(['replace', '--force', '-f', f]);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'namespace "again" deleted\nnamespace/again replaced\n', '']);
  assert.match(c.run(['get', 'ns', 'again']).stdout, /^again +Active /m);
  assert.equal(c.run(['get', 'configmap', 'old', '-n', 'again']).stderr, 'Error from server (NotFound): configmaps "old" not found\n');
});
