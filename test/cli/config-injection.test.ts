// ConfigMaps and Secrets as the API server stores them, and as the kubelet gives them to a container: env
// (envFrom, value with $(VAR), secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef), volumes (configMap,
// secret, downwardAPI, projected, emptyDir, items, defaultMode, subPath) read by the simulated shell, and the
// failures a kubelet reports for a missing reference. Each test drives the CLI as a user would.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readState } from '../../src/store/store.js';
import { inProcessCluster, type InProcessCluster } from '../support/inproc.js';
import { skipWithoutKubectl, withKubectl } from '../support/stub-apiserver.js';

const APP = `apiVersion: v1
kind: Secret
metadata:
  name: s
stringData:
  PW: hunter2
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  k: from-configmap
  app.properties: |
    a=1
    b=2
binaryData:
  bin: AAEC
---
apiVersion: v1
kind: Pod
metadata:
  name: app
  labels:
    app: demo
    tier: web
  annotations:
    owner: team-a
spec:
  containers:
  - name: main
    image: busybox
    command: ["sleep", "infinity"]
    resources:
      requests: {cpu: 250m, memory: 64Mi}
      limits: {cpu: "1", memory: 128Mi}
    envFrom:
    - configMapRef: {name: cfg}
      prefix: CFG_
    - secretRef: {name: absent, optional: true}
    env:
    - name: PW
      valueFrom:
        secretKeyRef: {name: s, key: PW}
    - name: GREETING
      value: "hi $(PW), $$(PW) stays, $(NOPE) too"
    - name: K
      valueFrom:
        configMapKeyRef: {name: cfg, key: k}
    - name: OPT
      valueFrom:
        configMapKeyRef: {name: cfg, key: nokey, optional: true}
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: POD_NS
      valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    - name: NODE
      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
    - name: SA
      valueFrom: {fieldRef: {fieldPath: spec.serviceAccountName}}
    - name: TIER
      valueFrom: {fieldRef: {fieldPath: "metadata.labels['tier']"}}
    - name: OWNER
      valueFrom: {fieldRef: {fieldPath: "metadata.annotations['owner']"}}
    - name: CPU_REQ
      valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}
    - name: MEM_LIMIT
      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
    volumeMounts:
    - {name: cfg, mountPath: /etc/cfg}
    - {name: sec, mountPath: /etc/sec, readOnly: true}
    - {name: picked, mountPath: /etc/picked}
    - {name: cfg, mountPath: /etc/app.properties, subPath: app.properties}
    - {name: info, mountPath: /etc/podinfo}
    - {name: all, mountPath: /etc/all}
    - {name: scratch, mountPath: /scratch}
  volumes:
  - name: cfg
    configMap: {name: cfg}
  - name: sec
    secret: {secretName: s, defaultMode: 0400}
  - name: picked
    configMap:
      name: cfg
      items:
      - {key: k, path: conf/key.txt, mode: 0600}
  - name: info
    downwardAPI:
      items:
      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
      - {path: name, fieldRef: {fieldPath: metadata.name}}
      - {path: mem, resourceFieldRef: {containerName: main, resource: limits.memory, divisor: 1Mi}}
  - name: all
    projected:
      sources:
      - secret: {name: s}
      - configMap: {name: cfg, items: [{key: k, path: k}]}
  - name: scratch
    emptyDir: {}
`;

describe('config injection', () => {
  let c: InProcessCluster;
  let file: string;
  before(async () => {
    c = inProcessCluster();
    file = join(c.dir, 'app.yaml');
    writeFileSync(file, APP);
    const r = await c.run(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'secret/s created\nconfigmap/cfg created\npod/app created\n');
  });
  after(() => c.cleanup());

  const sh = async (script: string) => {
    const r = await c.run(['exec', 'app', '--', 'sh', '-c', script]);
    return r;
  };

  it('acceptance: $PW from a Secret made with stringData and a file from a ConfigMap volume', async () => {
    const r = await sh('echo $PW; cat /etc/cfg/k');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hunter2\nfrom-configmap');
    const b64 = await c.run(['get', 'secret', 's', '-o', "jsonpath={.data.PW}"]);
    assert.equal(b64.stdout, 'aHVudGVyMg==');
    assert.equal(Buffer.from(b64.stdout, 'base64').toString(), 'hunter2');
  });

  it('stringData is merged into data and never stored; type defaults to Opaque; DATA counts', async () => {
    const y = await c.run(['get', 'secret', 's', '-o', 'yaml']);
    assert.match(y.stdout, /^data:\n {2}PW: aHVudGVyMg==\n/m);
    assert.match(y.stdout, /^type: Opaque$/m);
    assert.doesNotMatch(y.stdout.replace(/last-applied-configuration: \|\n.*\n/, ''), /^stringData:/m);
    const s = await c.run(['get', 'secret', 's']);
    assert.match(s.stdout, /^NAME {3}TYPE {5}DATA {3}AGE\ns {6}Opaque {3}1 {6}0s\n$/);
    const cm = await c.run(['get', 'cm', 'cfg']);
    assert.match(cm.stdout, /^cfg {4}3 {6}/m);
  });

  it('env: values, $(VAR) expansion, key refs, fieldRef and resourceFieldRef, envFrom with prefix', async () => {
    const r = await sh('echo "$GREETING|$K|$OPT|$CFG_k"; echo $POD_NAME $POD_NS $NODE $SA $TIER $OWNER $CPU_REQ $MEM_LIMIT; echo $POD_IP');
    assert.equal(r.code, 0, r.stderr);
    const [l1, l2, l3] = r.stdout.split('\n');
    assert.equal(l1, 'hi hunter2, $(PW) stays, $(NOPE) too|from-configmap||from-configmap');
    // An optional key that is missing leaves the variable out altogether.
    assert.match(l2, /^app default kind-worker\d? default web team-a 250 128$/);
    const ip = await c.run(['get', 'pod', 'app', '-o', 'jsonpath={.status.podIP}']);
    assert.equal(l3, ip.stdout);
    const env = await c.run(['exec', 'app', '--', 'env']);
    assert.match(env.stdout, /^PW=hunter2$/m);
    assert.doesNotMatch(env.stdout, /^OPT=/m);
    assert.match(env.stdout, /^CFG_app\.properties=a=1$/m);
    assert.match(env.stdout, /^KUBERNETES_SERVICE_HOST=10\.96\.0\.1$/m);
  });

  it('configMap volume: a symlink per key into ..data, as the atomic writer lays it out', async () => {
    const r = await sh('ls /etc/cfg; ls -l /etc/cfg');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'app.properties\nbin\nk\ntotal 0\n' +
        'lrwxrwxrwx    1 root     root            21 Nov 22 01:30 app.properties -> ..data/app.properties\n' +
        'lrwxrwxrwx    1 root     root            10 Nov 22 01:30 bin -> ..data/bin\n' +
        'lrwxrwxrwx    1 root     root             8 Nov 22 01:30 k -> ..data/k\n',
    );
    const a = await sh('ls -a /etc/cfg');
    assert.match(a.stdout, /^\.\n\.\.\n\.\.2026_11_22_01_30_00\.\d{9}\n\.\.data\napp\.properties\nbin\nk\n$/);
  });

  it('secret volume with defaultMode 0400, items with path and mode, subPath, downwardAPI, projected, emptyDir', async () => {
    const r = await sh('cat /etc/sec/PW; echo; ls -lL /etc/sec; cat /etc/picked/conf/key.txt; echo; ls -lL /etc/picked/conf; cat /etc/app.properties; ls -l /etc/app.properties; cat /etc/podinfo/labels; echo; cat /etc/podinfo/name /etc/podinfo/mem; echo; ls /etc/all; ls /scratch');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'hunter2\n' +
        'total 0\n-r--------    1 root     root             7 Nov 22 01:30 PW\n' +
        'from-configmap\n' +
        'total 0\n-rw-------    1 root     root            14 Nov 22 01:30 key.txt\n' +
        'a=1\nb=2\n' +
        '-rw-r--r--    1 root     root             8 Nov 22 01:30 /etc/app.properties\n' +
        'app="demo"\ntier="web"\n' +
        'app128\n' +
        'PW\nk\n',
    );
  });

  it('the service account token volume: token, ca.crt and namespace', async () => {
    const r = await sh('ls /var/run/secrets/kubernetes.io/serviceaccount; cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo; grep BEGIN /var/run/secrets/kubernetes.io/serviceaccount/ca.crt');
    assert.equal(r.stdout, 'ca.crt\nnamespace\ntoken\ndefault\n-----BEGIN CERTIFICATE-----\n');
  });

  it('the kubelet expands $(VAR) in command and args before the process starts', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: once\nspec:\n  restartPolicy: Never\n  containers:\n  - name: main\n    image: busybox\n    command: ["echo", "$(WHO)", "says", "$(PW)", "$(UNKNOWN)", "$$(PW)"]\n    env:\n    - name: WHO\n      value: pod-$(POD)\n    - name: POD\n      valueFrom: {fieldRef: {fieldPath: metadata.name}}\n    - name: PW\n      valueFrom: {secretKeyRef: {name: s, key: PW}}\n';
    assert.equal((await c.run(['apply', '-f', '-'], { input: pod })).code, 0);
    const logs = await c.run(['logs', 'once']);
    // WHO was declared before POD, so its $(POD) stays as written, as the kubelet leaves it.
    assert.equal(logs.stdout, 'pod-$(POD) says hunter2 $(UNKNOWN) $(PW)\n');
    const g = await c.run(['get', 'pod', 'once', '--no-headers']);
    assert.match(g.stdout, /^once   0\/1   Completed   0 /);
  });

  it('missing files and directories get the tools\' errors', async () => {
    const r = await sh('cat /etc/cfg/nope; cat /etc/cfg; ls /nope');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "cat: can't open '/etc/cfg/nope': No such file or directory\ncat: read error: Is a directory\nls: /nope: No such file or directory\ncommand terminated with exit code 1\n");
  });
});

describe('config failures', () => {
  let c: InProcessCluster;
  before(() => {
    c = inProcessCluster();
  });
  after(() => c.cleanup());
  const apply = (text: string, env: NodeJS.ProcessEnv = {}) => c.run(['apply', '-f', '-'], { input: text, env });
  const pod = (name: string, extra: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: main
    image: busybox
    command: ["sleep", "infinity"]
${extra}`;

  it('bad base64 in data: the decoder\'s BadRequest, nothing stored', async () => {
    const r = await apply('apiVersion: v1\nkind: Secret\nmetadata:\n  name: bad\ndata:\n  A: YWJj\n  B: "YW=j"\n');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (BadRequest): error when creating "STDIN": Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 2\n');
    const unpadded = await apply('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\nbinaryData:\n  A: YWJjZA\n');
    assert.equal(unpadded.stderr, 'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 4\n');
    const g = await c.run(['get', 'secret,cm', 'bad', '--ignore-not-found']);
    assert.equal(g.stdout, '');
  });

  it('per-type required keys, with the API server\'s causes', async () => {
    const tls = await apply('apiVersion: v1\nkind: Secret\nmetadata:\n  name: t\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: x\n');
    assert.equal(tls.stderr, 'The Secret "t" is invalid: data[tls.key]: Required value\n');
    const docker = await apply('apiVersion: v1\nkind: Secret\nmetadata:\n  name: d\ntype: kubernetes.io/dockerconfigjson\ndata: {}\n');
    assert.equal(docker.stderr, 'The Secret "d" is invalid: data[.dockerconfigjson]: Required value\n');
    const basic = await apply('apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\ntype: kubernetes.io/basic-auth\n');
    assert.equal(basic.stderr, 'The Secret "b" is invalid: \n* data[username]: Required value\n* data[password]: Required value\n');
    const ssh = await apply('apiVersion: v1\nkind: Secret\nmetadata:\n  name: k\ntype: kubernetes.io/ssh-auth\n');
    assert.equal(ssh.stderr, 'The Secret "k" is invalid: data[ssh-privatekey]: Required value\n');
    const ok = await apply('apiVersion: v1\nkind: Secret\nmetadata:\n  name: t\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: x\n  tls.key: k1\n');
    assert.equal(ok.code, 0, ok.stderr);
    const list = await c.run(['get', 'secret', 't']);
    assert.match(list.stdout, /^t {6}kubernetes\.io\/tls {3}2 {6}/m);
  });

  it('immutable: data changes are refused, metadata changes are not', async () => {
    const base = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: frozen\nimmutable: true\ndata:\n  a: "1"\n';
    assert.equal((await apply(base)).code, 0);
    const r = await apply(base.replace('a: "1"', 'a: "2"'));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set\n');
    const label = await c.run(['label', 'cm', 'frozen', 'x=y']);
    assert.equal(label.code, 0, label.stderr);
    const sec = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: fs\nimmutable: true\nstringData:\n  a: "1"\n';
    assert.equal((await apply(sec)).code, 0);
    const rs = await apply(sec.replace('immutable: true', 'immutable: false'));
    assert.equal(rs.stderr, 'The Secret "fs" is invalid: immutable: Forbidden: field is immutable when `immutable` is set\n');
  });

  it('keys: config-key characters, not in both data and binaryData; total size at most 1 MiB', async () => {
    const r = await apply('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\ndata:\n  "a b": x\n  k: v\nbinaryData:\n  k: YWJj\n');
    assert.equal(
      r.stderr,
      "The ConfigMap \"keys\" is invalid: \n* data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')\n* data[k]: Invalid value: \"k\": duplicate of key present in binaryData\n",
    );
    const big = await c.run(['create', '-f', '-'], { input: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: big\nstringData:\n  k: ${'a'.repeat(1024 * 1024 + 1)}\n` });
    assert.equal(big.stderr, 'The Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes\n');
  });

  it('a missing key: CreateContainerConfigError, the kubelet\'s Failed event, counted as it retries', async () => {
    await apply('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ycm\ndata:\n  a: b\n');
    const r = await apply(pod('badkey', '    env:\n    - name: X\n      valueFrom:\n        configMapKeyRef: {name: ycm, key: missing}\n'));
    assert.equal(r.code, 0, r.stderr);
    const later = { KUBESIM_NOW: '2026-11-22T01:31:00Z' };
    const g = await c.run(['get', 'pod', 'badkey'], { env: later });
    assert.match(g.stdout, /^badkey {3}0\/1 {5}CreateContainerConfigError {3}0 {10}60s\n$/m);
    const state = await c.run(['get', 'pod', 'badkey', '-o', 'jsonpath={.status.phase} {.status.containerStatuses[0].state}'], { env: later });
    assert.equal(state.stdout, 'Pending {"waiting":{"message":"couldn\'t find key missing in ConfigMap default/ycm","reason":"CreateContainerConfigError"}}');
    const d = await c.run(['describe', 'pod', 'badkey'], { env: later });
    assert.match(d.stdout, /^ {2}Warning {2}Failed {5}0s \(x7 over 60s\) {2}kubelet {12}Error: couldn't find key missing in ConfigMap default\/ycm$/m);
    assert.doesNotMatch(d.stdout, /Started container/);
  });

  it('a missing object: configmap/secret "Y" not found; optional: true starts anyway; fixing it starts the container', async () => {
    await apply(pod('nosecret', '    env:\n    - name: X\n      valueFrom:\n        secretKeyRef: {name: later, key: pw}\n'));
    const waiting = await c.run(['get', 'pod', 'nosecret', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.message}']);
    assert.equal(waiting.stdout, 'secret "later" not found');
    await apply(pod('optional', '    envFrom:\n    - configMapRef: {name: nothing, optional: true}\n'));
    const ok = await c.run(['get', 'pod', 'optional', '--no-headers']);
    assert.equal(ok.stdout, 'optional   1/1   Running   0     0s\n');
    await apply('apiVersion: v1\nkind: Secret\nmetadata:\n  name: later\nstringData:\n  pw: s3cret\n');
    const now = await c.run(['get', 'pod', 'nosecret', '--no-headers']);
    assert.equal(now.stdout, 'nosecret   1/1   Running   0     0s\n');
    const x = await c.run(['exec', 'nosecret', '--', 'sh', '-c', 'echo $X']);
    assert.equal(x.stdout, 's3cret\n');
  });

  it('a missing ConfigMap volume: ContainerCreating with FailedMount at the volume manager\'s retries', async () => {
    const r = await apply(pod('novol', '    volumeMounts:\n    - {name: cfg, mountPath: /etc/cfg}\n  volumes:\n  - name: cfg\n    configMap: {name: absent}\n'));
    assert.equal(r.code, 0, r.stderr);
    const later = { KUBESIM_NOW: '2026-11-22T01:31:00Z' };
    const g = await c.run(['get', 'pod', 'novol', '-o', 'wide', '--no-headers'], { env: later });
    assert.match(g.stdout, /^novol   0\/1   ContainerCreating   0     60s   <none>   kind-worker\d?   <none>   <none>\n$/);
    const d = await c.run(['describe', 'pod', 'novol'], { env: later });
    // Attempts at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s: the seventh stamped 31 s (timestamps keep seconds).
    assert.match(d.stdout, /^ {2}Warning {2}FailedMount {2}29s \(x7 over 60s\) {2}kubelet {12}MountVolume\.SetUp failed for volume "cfg" : configmap "absent" not found$/m);
  });
});

describe('every namespace', () => {
  it('has the kube-root-ca.crt ConfigMap and the default ServiceAccount, new namespaces too', async () => {
    const c = inProcessCluster();
    try {
      assert.equal((await c.run(['create', 'namespace', 'dev'])).code, 0);
      const r = await c.run(['get', 'cm,sa', '-n', 'dev']);
      assert.equal(r.stdout, 'NAME                         DATA   AGE\nconfigmap/kube-root-ca.crt   1      0s\n\nNAME                     SECRETS   AGE\nserviceaccount/default   0         0s\n');
      const all = await c.run(['get', 'sa', '-A', '--no-headers']);
      // default in the five namespaces and dev, and coredns, kindnet, kube-proxy, local-path-provisioner-service-account
      assert.equal(all.stdout.trim().split('\n').length, 10);
      const ca = await c.run(['get', 'cm', 'kube-root-ca.crt', '-o', 'jsonpath={.data.ca\\.crt}']);
      assert.match(ca.stdout, /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/]{64}\n)+[A-Za-z0-9+/=]+\n-----END CERTIFICATE-----\n$/);
    } finally {
      c.cleanup();
    }
  });
});

describe('kubectl renders the same objects', () => {
  it('get secret, describe secret and the CreateContainerConfigError pod, through the stub API server', { skip: skipWithoutKubectl() }, async () => {
    const c = inProcessCluster();
    try {
      await c.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  PW: hunter2\n  user: admin\n' });
      await c.run(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: main\n    image: busybox\n    command: ["sleep", "infinity"]\n    env:\n    - name: X\n      valueFrom:\n        secretKeyRef: {name: s, key: nokey}\n' });
      const state = readState(c.state)!;
      await withKubectl(state, async (kubectl) => {
        for (const args of [['get', 'secret', 's', '-o', 'custom-columns=NAME:.metadata.name,TYPE:.type,PW:.data.PW'], ['describe', 'secret', 's']]) {
          const theirs = await kubectl(args);
          const ours = await c.run(args);
          assert.equal(ours.stdout, theirs.stdout, args.join(' '));
        }
        const theirs = await kubectl(['get', 'pod', 'p', '-o', 'custom-columns=NAME:.metadata.name,REASON:.status.containerStatuses[0].state.waiting.reason']);
        assert.equal(theirs.stdout, 'NAME   REASON\np      CreateContainerConfigError\n');
        const d = await kubectl(['describe', 'pod', 'p']);
        const ours = await c.run(['describe', 'pod', 'p']);
        const upTo = (s: string) => s.slice(0, s.indexOf('\nEvents:'));
        assert.equal(upTo(ours.stdout), upTo(d.stdout));
      });
    } finally {
      c.cleanup();
    }
  });
});
