// patch --local against the real kubectl (the stub API server only answers discovery): the same file and
// patch give the same YAML, or the same error, from both. Skipped when kubectl is not installed.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempCluster } from '../support/cli.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const SKIP = skipWithoutKubectl();
const c = tempCluster();
after(() => c.cleanup());

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {app: a}
  finalizers: [x, y]
spec:
  volumes:
  - name: data
    emptyDir: {}
  - name: cfg
    configMap: {name: c}
  tolerations:
  - key: a
    operator: Exists
  containers:
  - name: main
    image: nginx
    args: [a, b]
    ports:
    - containerPort: 80
      name: http
    - containerPort: 443
    env:
    - name: A
      value: "1"
    - name: B
      value: "2"
    volumeMounts:
    - mountPath: /data
      name: data
  - name: side
    image: busybox
`;

const CASES: string[][] = [
  ['-p', '{"spec":{"volumes":[{"name":"data","$retainKeys":["name","hostPath"],"hostPath":{"path":"/x"}}]}}'],
  ['-p', '{"spec":{"containers":[{"name":"main","args":["c"],"env":[{"name":"B","$patch":"delete"},{"name":"C","value":"3"}],"$setElementOrder/env":[{"name":"C"},{"name":"A"}]}]}}'],
  ['-p', '{"spec":{"tolerations":[{"key":"b","operator":"Exists"}]}}'],
  ['-p', '{"metadata":{"finalizers":["z"]}}'],
  ['-p', '{"metadata":{"$deleteFromPrimitiveList/finalizers":["x"],"$setElementOrder/finalizers":["y","z"],"finalizers":["z"]}}'],
  ['-p', '{"spec":{"containers":[{"name":"main","ports":[{"containerPort":80,"$patch":"delete"}]}],"$setElementOrder/containers":[{"name":"side"},{"name":"main"}]}}'],
  ['-p', '{"spec":{"$setElementOrder/containers":[{"name":"side"},{"name":"main"}]}}'],
  ['-p', '{"metadata":{"labels":{"$patch":"replace","b":"c"}}}'],
  ['-p', '{"spec":{"containers":[{"name":"main","volumeMounts":[{"mountPath":"/cfg","name":"cfg"}]}]}}'],
  ['-p', '{"spec":{"containers":[{"name":"x","$patch":"replace"}]}}'],
  ['-p', '{"spec":{"volumes":[{"name":"cfg","configMap":{"$patch":"delete"}}]}}'],
  ['-p', '{"spec":{"containers":[{"name":"side2","image":"x"},{"name":"main","ports":[{"containerPort":8080}]}]}}'],
  ['-p', '{"spec":{"containers":[{"image":"x"}]}}'],
  ['-p', 'spec: {hostname: h}'],
  ['-p', '{"a":'],
  ['-p', '[1,2'],
  ['--type', 'merge', '-p', '{"spec":{"containers":[{"name":"only"}]}}'],
  ['--type', 'merge', '-p', '[1]'],
  ['--type', 'json', '-p', '[{"op":"add","path":"/spec/containers/-","value":{"name":"b","image":"busybox"}},{"op":"move","from":"/spec/hostname","path":"/spec/subdomain"}]'],
  ['--type', 'json', '-p', '[{"op":"replace","path":"/spec/nope","value":1},{"op":"copy","from":"/metadata/labels","path":"/metadata/annotations"}]'],
  ['--type', 'json', '-p', '[{"op":"test","path":"/spec/containers/0/image","value":"nginx"},{"op":"remove","path":"/spec/containers/1"}]'],
  ['--type', 'json', '-p', '[{"op":"test","path":"/spec/containers/0/image","value":"x"}]'],
  ['--type', 'json', '-p', '[{"op":"remove","path":"/spec/nope"}]'],
  ['--type', 'json', '-p', '{"op":"add"}'],
];

test('patch --local -f -o yaml: kubesim and kubectl print the same', { skip: SKIP }, async () => {
  const file = join(c.dir, 'pod.yaml');
  writeFileSync(file, POD);
  await withKubectl([], async (kubectl) => {
    const diffs: string[] = [];
    for (const args of CASES) {
      const full = ['patch', '--local', '-f', file, '-o', 'yaml', ...args];
      const want = await kubectl(full);
      const got = c.run(full);
      if (got.stdout !== want.stdout || got.stderr !== want.stderr || got.code !== want.code) {
        diffs.push(`${args.join(' ')}\n  kubectl: ${want.code} ${JSON.stringify(want.stdout + want.stderr)}\n  kubesim: ${got.code} ${JSON.stringify(got.stdout + got.stderr)}`);
      }
    }
    assert.deepEqual(diffs, []);
  });
});
