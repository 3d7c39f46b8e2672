// The protobuf bodies of client-go's typed clients, read into the JSON objects the API server code takes:
// Kubernetes' JSON conventions (times, quantities, int-or-strings, bytes, omitted Go zero values), and a
// kubectl-shaped Status for every body that cannot be read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../src/api/errors.js';
import { decodeProtobufBody } from '../../src/server/protobuf.js';

// A small protobuf writer: each helper returns one encoded field.
function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}
const num = (f: number, n: number) => Buffer.concat([varint(f * 8), varint(n)]);
const bytes = (f: number, b: Buffer) => Buffer.concat([varint(f * 8 + 2), varint(b.length), b]);
const str = (f: number, s: string) => bytes(f, Buffer.from(s));
const msg = (f: number, ...parts: Buffer[]) => bytes(f, Buffer.concat(parts));
const entry = (f: number, k: string, v: Buffer) => msg(f, str(1, k), v);

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), msg(1, str(1, apiVersion), str(2, kind)), bytes(2, raw), str(3, ''), str(4, '')]);
}

const DEPLOY = { apiVersion: 'apps/v1', kind: 'Deployment' };

test('a Deployment as kubectl create deployment sends it: Go zero values are left out, a pointer 0 is kept', async () => {
  const meta = Buffer.concat([str(1, 'web'), str(2, ''), str(3, ''), num(7, 0), msg(8, num(1, 0), num(2, 0)), entry(11, 'app', str(2, 'web'))]);
  const container = Buffer.concat([str(1, 'nginx'), str(2, 'nginx'), msg(6, str(1, ''), num(2, 0), num(3, 80), str(4, 'TCP'), str(5, '')), msg(8), str(13, ''), num(16, 0)]);
  const podSpec = Buffer.concat([msg(2, container), str(3, ''), num(4, 30)]);
  const spec = Buffer.concat([num(1, 0), msg(2, entry(1, 'app', str(2, 'web'))), msg(3, msg(1, entry(11, 'app', str(2, 'web'))), msg(2, podSpec)), msg(4), num(5, 0), num(7, 0)]);
  const obj = await decodeProtobufBody(envelope('apps/v1', 'Deployment', Buffer.concat([msg(1, meta), msg(2, spec), msg(3)])), DEPLOY);
  assert.deepEqual(obj, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {} }], terminationGracePeriodSeconds: 30 } },
      strategy: {},
    },
    status: {},
  });
});

test('times, quantities, int-or-strings, bytes and inlined structs take their JSON forms', async () => {
  const secret = await decodeProtobufBody(
    envelope('v1', 'Secret', Buffer.concat([msg(1, str(1, 's'), msg(8, num(1, 1735689600), num(2, 0))), entry(2, 'pw', bytes(2, Buffer.from([0, 255, 1]))), str(3, 'Opaque')])),
    { apiVersion: 'v1', kind: 'Secret' },
  );
  assert.deepEqual(secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', creationTimestamp: '2025-01-01T00:00:00Z' }, data: { pw: 'AP8B' }, type: 'Opaque' });

  const quota = await decodeProtobufBody(envelope('v1', 'ResourceQuota', Buffer.concat([msg(1, str(1, 'q')), msg(2, entry(1, 'cpu', msg(2, str(1, '500m'))), entry(1, 'pods', msg(2, str(1, '5'))))])), { apiVersion: 'v1', kind: 'ResourceQuota' });
  assert.deepEqual(quota.spec, { hard: { cpu: '500m', pods: '5' } });

  const port = (n: number, target: Buffer) => msg(1, str(1, `p${n}`), str(2, 'TCP'), num(3, n), msg(4, target));
  const svc = await decodeProtobufBody(envelope('v1', 'Service', Buffer.concat([msg(1, str(1, 'svc')), msg(2, port(80, Buffer.concat([num(1, 0), num(2, 8080)])), port(81, Buffer.concat([num(1, 1), str(3, 'http')])))])), { apiVersion: 'v1', kind: 'Service' });
  assert.deepEqual((svc.spec as { ports: unknown }).ports, [{ name: 'p80', protocol: 'TCP', port: 80, targetPort: 8080 }, { name: 'p81', protocol: 'TCP', port: 81, targetPort: 'http' }]);

  // Volume inlines its VolumeSource; a ConfigMapVolumeSource inlines its LocalObjectReference.
  const pod = await decodeProtobufBody(envelope('v1', 'Pod', Buffer.concat([msg(1, str(1, 'p')), msg(2, msg(1, str(1, 'cfg'), msg(2, msg(19, msg(1, str(1, 'settings'))))))])), { apiVersion: 'v1', kind: 'Pod' });
  assert.deepEqual((pod.spec as { volumes: unknown }).volumes, [{ name: 'cfg', configMap: { name: 'settings' } }]);
});

test('the URL names the kind when the envelope does not', async () => {
  const obj = await decodeProtobufBody(envelope('', '', msg(1, str(1, 'cm'))), { apiVersion: 'v1', kind: 'ConfigMap' });
  assert.deepEqual(obj, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
});

test('a body that cannot be read is a Status error, never an exception', async () => {
  const fail = async (body: Buffer, code: number, message: RegExp) => {
    await assert.rejects(decodeProtobufBody(body, DEPLOY), (e: unknown) => {
      assert.ok(e instanceof StatusError, String(e));
      assert.equal(e.code, code);
      assert.match(e.message, message);
      return true;
    });
  };
  await fail(Buffer.from('{"kind":"Deployment"}'), 400, /does not start with the Kubernetes envelope/);
  await fail(Buffer.from('k8s'), 400, /does not start with the Kubernetes envelope/);
  const good = envelope('apps/v1', 'Deployment', msg(1, str(1, 'web')));
  // Cut inside the envelope's typeMeta, inside the raw object, inside the name.
  for (const cut of [6, good.length - 8, good.length - 1]) await fail(good.subarray(0, cut), 400, /malformed/);
  await fail(Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]), 400, /malformed/);
  await fail(Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80])]), 400, /malformed/);
  await fail(envelope('apps/v1', 'Deployment', Buffer.from([0x0f])), 400, /malformed/);
  await fail(envelope('apps/v1', 'Deployment', num(1, 5)), 400, /malformed/);
  await fail(envelope('example.com/v1', 'Widget', msg(1, str(1, 'w'))), 415, /cannot read protobuf bodies of k8s\.io\.api\.example\.v1\.Widget/);
  await fail(Buffer.concat([envelope('apps/v1', 'Deployment', msg(1)), str(3, 'gzip')]), 400, /content encoding "gzip"/);
});
