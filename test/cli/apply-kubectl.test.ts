// The same commands through real kubectl (against the stub API server serving kubesim's objects) and
// through kubesim: output, errors and exit codes must be identical. Only client-side paths can be compared:
// the stub is read-only, so kubectl runs with --dry-run=client (and --validate=false where kubectl would
// need the protobuf OpenAPI v2 the stub does not serve).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readState } from '../../src/store/store.js';
import { inProcessCluster } from '../support/inproc.js';
import { pool, skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const POD = (name: string, image = 'luksa/kiada:0.1') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: app\n    image: ${image}\n    ports:\n    - containerPort: 8080\n`;

test('apply/create/delete/label/annotate client paths match real kubectl byte for byte', { skip: skipWithoutKubectl() }, async () => {
  const c = inProcessCluster();
  try {
    await c.run(['cluster', 'create']);
    assert.equal((await c.run(['apply', '-f', '-'], { input: POD('kiada') })).code, 0);
    assert.equal((await c.run(['create', '-f', '-'], { input: POD('created') })).code, 0);
    assert.equal((await c.run(['apply', '-f', '-'], { input: POD('labeled').replace('  name: labeled\n', '  name: labeled\n  labels:\n    app: web\n  annotations:\n    note: hi\n') })).code, 0);
    const state = readState(c.state)!;
    const f = (n: string, t: string) => {
      const p = join(c.dir, n);
      writeFileSync(p, t);
      return p;
    };
    const cases: string[][] = [
      ['apply', '-f', f('same.yaml', POD('kiada')), '--dry-run=client'],
      ['apply', '-f', f('same.yaml', POD('kiada')), '--dry-run=client', '-o', 'yaml'],
      ['apply', '-f', f('same.yaml', POD('kiada')), '--dry-run=client', '-o', 'json'],
      ['apply', '-f', f('changed.yaml', POD('kiada', 'luksa/kiada:0.2')), '--dry-run=client'],
      ['apply', '-f', f('new.yaml', POD('newpod')), '--dry-run=client', '-o', 'yaml'],
      ['apply', '-f', f('new.yaml', POD('newpod')), '--dry-run=client', '-o', 'name'],
      ['apply', '-f', f('created.yaml', POD('created')), '--dry-run=client'],
      ['apply', '-f', f('two.yaml', `${POD('p1')}---\n${POD('p2')}`), '--dry-run=client', '-o', 'yaml'],
      ['apply', '-f', f('two.yaml', `${POD('p1')}---\n${POD('p2')}`), '--dry-run=client', '-o', 'json'],
      ['create', '-f', f('two.yaml', `${POD('p1')}---\n${POD('p2')}`), '--dry-run=client', '-o', 'yaml'],
      ['create', '-f', f('new.yaml', POD('newpod')), '--dry-run=client', '-o', 'yaml'],
      ['apply', '-f', f('ns.yaml', POD('kiada').replace('  name: kiada\n', '  name: kiada\n  namespace: a\n')), '--dry-run=client', '-n', 'b'],
      ['apply', '-f', f('foo.yaml', 'apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n'), '--dry-run=client', '--validate=false'],
      ['apply', '-f', f('mixed.yaml', `apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n---\n${POD('zz')}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: q\n bad: 1\n`), '--dry-run=client', '--validate=false'],
      ['apply', '-f', f('v2.yaml', `${POD('zz')}---\napiVersion: v2\nkind: Pod\nmetadata:\n  name: q\n`), '--dry-run=client', '--validate=false'],
      ['apply', '-f', f('noname.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {}\n'), '--dry-run=client', '--validate=false'],
      ['apply', '-f', f('gen.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: g-\n'), '--dry-run=client'],
      ['apply', '-f', f('empty.yaml', ''), '--dry-run=client'],
      ['delete', 'pod', 'kiada', 'nosuch', '--dry-run=client'],
      ['delete', '-f', f('same2.yaml', POD('kiada')), '--dry-run=client'],
      ['delete', '-f', f('nosuch.yaml', POD('nosuch')), '--dry-run=client'],
      ['delete', 'pods', '--all', '--dry-run=client'],
      ['delete', 'pods', 'kiada', '--force', '--dry-run=client'],
      ['delete', 'pods', '-l', 'nothing=here'],
      ['label', 'pod', 'kiada', 'app=x', '--dry-run=client'],
      ['label', 'pod', 'kiada', 'app=x', 'app2=y', '--dry-run=client', '-o', 'name'],
      ['label', 'pod', 'kiada', 'foo-', '--dry-run=client'],
      ['label', 'pod', 'nosuch', 'app=x', '--dry-run=client'],
      ['label', 'pods', '--all', 'app=x', '--dry-run=client'],
      ['annotate', 'pod', 'kiada', 'a=b', '--dry-run=client'],
      ['label', 'pod', 'labeled', 'app=db', '--dry-run=client'],
      ['label', 'pod', 'labeled', 'app=db', 'tier=x', '--dry-run=client'],
      ['label', 'pod', 'labeled', 'app=db', '--overwrite', '--dry-run=client'],
      ['label', 'pod', 'labeled', 'app-', '--dry-run=client'],
      ['label', 'pod', 'labeled', 'app-', '--overwrite', '--dry-run=client'],
      ['label', 'pod', 'labeled', 'app-', 'b=c', '--dry-run=client'],
      ['label', 'pod', 'labeled', 'app-', 'longer=value', '--dry-run=client'],
      ['label', 'pod', 'labeled', 'app=web', '--dry-run=client'],
      ['label', 'pods', '-l', 'app=web', 'x=y', '--dry-run=client'],
      ['annotate', 'pod', 'labeled', 'note=bye', '--dry-run=client'],
      ['annotate', 'pod/labeled', 'note-', '--dry-run=client', '-o', 'name'],
      ['delete', 'pod/kiada', 'pod/labeled', '--dry-run=client'],
      ['delete', 'pods,services', '-l', 'app=web', '--dry-run=client'],
      ['delete', 'pods', '-l', 'app=web', '--dry-run=client', '-o', 'name'],
      ['label', 'pod', 'labeled', '--dry-run=client'],
      ['delete', 'pod', '--dry-run=client'],
      ['create', 'namespace', 'team', '--dry-run=client'],
      ['create', 'namespace', 'team', '--dry-run=client', '-o', 'yaml'],
      ['create', 'namespace', 'team', '--dry-run=client', '-o', 'json'],
      ['create', 'namespace', 'team', '--dry-run=client', '-o', 'name'],
      ['create', 'namespace', '--dry-run=client'],
      ['create', 'namespace', 'a', 'b', '--dry-run=client'],
      ['delete'],
      ['delete', 'pods', 'x', '--all'],
      ['delete', 'pods', '--all', '-l', 'a=b'],
      ['delete', 'pod', 'x', '--cascade=foo'],
      ['delete', 'pod', 'x', '--now', '--grace-period=5'],
      ['delete', '-f', f('same3.yaml', POD('kiada')), 'pod/x'],
      ['label', 'pod', 'x', 'a=b', 'a-'],
      ['label', 'pod', 'x', 'a=b/c'],
      ['label'],
      ['annotate', 'pod', 'x'],
      ['apply'],
      ['apply', 'foo', '-f', 'x.yaml'],
      ['apply', '-f', f('same4.yaml', POD('kiada')), '--dry-run=foo'],
      ['apply', '-f', f('same5.yaml', POD('kiada')), '--validate=foo'],
      ['create', '-f', f('same6.yaml', POD('kiada')), '--dry-run=client', '-o', 'foo'],
    ];
    // kubectl only reads (the stub is read-only), so its runs overlap; kubesim's run in order, in-process.
    const real = await withKubectl(state, (kubectl) => pool(cases, 4, (args) => kubectl(args)));
    for (const [i, args] of cases.entries()) {
      const s = await c.run(args);
      assert.deepEqual(s, real[i], `kubesim ${args.join(' ')}`);
    }
  } finally {
    c.cleanup();
  }
});
