// Storage as a kind cluster has it: the default StorageClass `standard` (rancher.io/local-path,
// WaitForFirstConsumer), claims that wait for their first consumer and are bound when it is scheduled (a PV
// provisioned on that node), the PV pinning later pods to the node, and a StatefulSet's volumeClaimTemplates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readState } from '../../src/store/store.js';
import { inProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

type C = ReturnType<typeof inProcessCluster>;
const ok = async (c: C, args: string[], input?: string) => {
  const r = await c.run(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
};

const claim = (name: string, extra = '') => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${name}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n${extra}`;
const user = (name: string, claimName: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: main\n    image: nginx\n    volumeMounts:\n    - {name: d, mountPath: /data}\n  volumes:\n  - name: d\n    persistentVolumeClaim:\n      claimName: ${claimName}\n`;

test('get sc: standard is the default class, local-path, WaitForFirstConsumer', async () => {
  const c = inProcessCluster();
  try {
    assert.equal(
      await ok(c, ['get', 'sc']),
      'NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE\nstandard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  0s\n',
    );
    assert.equal(await ok(c, ['get', 'storageclass.storage.k8s.io', 'standard', '-o', 'name']), 'storageclass.storage.k8s.io/standard\n');
  } finally {
    c.cleanup();
  }
});

test('a claim waits for its first consumer, then its pod’s node gets the PV and both are Bound', async () => {
  const c = inProcessCluster();
  try {
    assert.equal(await ok(c, ['apply', '-f', '-'], claim('data')), 'persistentvolumeclaim/data created\n');
    assert.equal(
      await ok(c, ['get', 'pvc']),
      'NAME   STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\ndata   Pending                                      standard       <unset>                 0s\n',
    );
    // The DefaultStorageClass admission filled in the class; the volume mode is defaulted.
    assert.equal(await ok(c, ['get', 'pvc', 'data', '-o', 'jsonpath={.spec.storageClassName} {.spec.volumeMode} {.metadata.finalizers}']), 'standard Filesystem ["kubernetes.io/pvc-protection"]');
    assert.match(await ok(c, ['describe', 'pvc', 'data']), /Normal {2}WaitForFirstConsumer {2}0s {4}persistentvolume-controller {2}waiting for first consumer to be created before binding\n/);
    assert.equal(await ok(c, ['get', 'pv']), '');
    await ok(c, ['apply', '-f', '-'], user('user', 'data'));
    const node = await ok(c, ['get', 'pod', 'user', '-o', 'jsonpath={.spec.nodeName}']);
    const uid = await ok(c, ['get', 'pvc', 'data', '-o', 'jsonpath={.metadata.uid}']);
    const pv = `pvc-${uid}`;
    assert.equal(
      await ok(c, ['get', 'pvc']),
      `NAME   STATUS   VOLUME${' '.repeat(pv.length - 3)}CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\ndata   Bound    ${pv}   1Gi        RWO            standard       <unset>                 0s\n`,
    );
    assert.equal(
      await ok(c, ['get', 'pv']),
      `NAME${' '.repeat(pv.length - 1)}CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM          STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE\n${pv}   1Gi        RWO            Delete           Bound    default/data   standard       <unset>                          0s\n`,
    );
    assert.equal(
      await ok(c, ['get', 'pv', pv, '-o', 'jsonpath={.spec.hostPath.path} {.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]} {.spec.claimRef.uid}']),
      `/var/local-path-provisioner/${pv}_default_data ${node} ${uid}`,
    );
    assert.equal(await ok(c, ['get', 'pvc', 'data', '-o', 'jsonpath={.metadata.annotations.volume\\.kubernetes\\.io/selected-node}']), node);
    // Every later pod using the claim goes where its volume is.
    for (const n of ['u2', 'u3', 'u4']) await ok(c, ['apply', '-f', '-'], user(n, 'data'));
    assert.equal(await ok(c, ['get', 'pods', '-o', 'jsonpath={.items[*].spec.nodeName}']), [node, node, node, node].join(' '));
    // Deleting the claim deletes its volume (reclaim policy Delete).
    await ok(c, ['delete', 'pods', '--all']);
    assert.equal(await ok(c, ['delete', 'pvc', 'data']), 'persistentvolumeclaim "data" deleted\n');
    assert.equal(await ok(c, ['get', 'pv']), '');
  } finally {
    c.cleanup();
  }
});

test('a pod naming a claim that does not exist stays Pending with the scheduler’s message', async () => {
  const c = inProcessCluster();
  try {
    await ok(c, ['apply', '-f', '-'], user('lost', 'nope'));
    assert.equal(
      await ok(c, ['get', 'pod', 'lost', '-o', 'jsonpath={.status.phase}: {.status.conditions[0].message}']),
      'Pending: 0/4 nodes are available: persistentvolumeclaim "nope" not found. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    );
  } finally {
    c.cleanup();
  }
});

test('a claim without access modes or a storage request is refused with the API server’s words, nothing stored', async () => {
  const c = inProcessCluster();
  try {
    const r = await c.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: bad\nspec: {}\n' });
    assert.deepEqual(
      [r.code, r.stdout, r.stderr],
      [1, '', 'The PersistentVolumeClaim "bad" is invalid: \n* spec.accessModes: Required value: at least 1 access mode is required\n* spec.resources[storage]: Required value\n'],
    );
    const missing = await c.run(['get', 'pvc', 'bad']);
    assert.deepEqual([missing.code, missing.stderr], [1, 'Error from server (NotFound): persistentvolumeclaims "bad" not found\n']);
  } finally {
    c.cleanup();
  }
});

test('a StatefulSet’s volumeClaimTemplates make www-web-0..2, each Bound on its pod’s node', async () => {
  const c = inProcessCluster();
  try {
    const sts = `apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
`;
    await ok(c, ['apply', '-f', '-'], sts);
    await ok(c, ['rollout', 'status', 'sts/web', '--timeout=120s']);
    const rows = (await ok(c, ['get', 'pvc', '--no-headers'])).trim().split('\n').map((l) => l.split(/\s+/));
    assert.deepEqual(rows.map((r) => [r[0], r[1], r[3], r[4], r[5]]), [
      ['www-web-0', 'Bound', '1Gi', 'RWO', 'standard'],
      ['www-web-1', 'Bound', '1Gi', 'RWO', 'standard'],
      ['www-web-2', 'Bound', '1Gi', 'RWO', 'standard'],
    ]);
    for (const i of [0, 1, 2]) {
      const node = await ok(c, ['get', 'pod', `web-${i}`, '-o', 'jsonpath={.spec.nodeName}']);
      const pv = await ok(c, ['get', 'pvc', `www-web-${i}`, '-o', 'jsonpath={.spec.volumeName}']);
      assert.equal(await ok(c, ['get', 'pv', pv, '-o', 'jsonpath={.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]} {.spec.claimRef.name}']), `${node} www-web-${i}`);
    }
    assert.match(await ok(c, ['describe', 'sts', 'web']), /SuccessfulCreate {2}0s {4}statefulset-controller {2}create Claim www-web-0 Pod web-0 in StatefulSet web success\n/);
  } finally {
    c.cleanup();
  }
});

test('describe pvc, pv and sc print what the real kubectl prints for the same objects (stub API server)', { skip: skipWithoutKubectl() }, async () => {
  const c = inProcessCluster();
  try {
    await ok(c, ['apply', '-f', '-'], claim('data'));
    await ok(c, ['apply', '-f', '-'], claim('idle', '  volumeMode: Filesystem\n'));
    await ok(c, ['apply', '-f', '-'], user('user', 'data'));
    await ok(c, ['apply', '-f', '-'], user('user2', 'data'));
    const pv = await ok(c, ['get', 'pvc', 'data', '-o', 'jsonpath={.spec.volumeName}']);
    const state = readState(c.state)!;
    await withKubectl(state, async (kubectl) => {
      // The events' ages differ (the stub's kubectl reads the wall clock): compare up to them, then the rest.
      const upTo = (s: string) => s.slice(0, s.indexOf('\nEvents:'));
      for (const args of [['describe', 'pvc', 'data'], ['describe', 'pvc', 'idle'], ['describe', 'pv', pv], ['describe', 'sc', 'standard'], ['describe', 'sc']]) {
        const theirs = await kubectl(args);
        const ours = await c.run(args);
        assert.equal(theirs.code, 0, theirs.stderr);
        assert.equal(upTo(ours.stdout), upTo(theirs.stdout), args.join(' '));
      }
      for (const args of [['describe', 'pv', pv], ['describe', 'sc', 'standard']]) {
        assert.equal((await c.run(args)).stdout, (await kubectl(args)).stdout, args.join(' '));
      }
    });
  } finally {
    c.cleanup();
  }
});
