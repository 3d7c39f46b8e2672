// Cell rules of the server-side printers (printers.go) that the transcripts do not reach, and the tabwriter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable } from '../../src/printers/tabwriter.js';
import { formatEndpoints, podRow, selectorString, TABLES } from '../../src/printers/tables.js';
import type { KubeObject } from '../../src/api/types.js';
import { ago, NOW } from './fixtures.js';

const pod = (spec: object, status: object, meta: object = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', creationTimestamp: ago(60_000), ...meta }, spec, status }) as KubeObject;
const c = (name: string, extra: object = {}) => ({ name, image: 'x', ...extra });
/** READY, STATUS, RESTARTS */
const cells = (p: KubeObject) => podRow(p, NOW).slice(1, 4);

test('tabwriter: minwidth 6, padding 3, last column unpadded, runes not bytes', () => {
  assert.equal(formatTable([['A', 'B', 'C'], ['x', 'yy', 'z']]), 'A     B     C\nx     yy    z\n');
  assert.equal(formatTable([['NAME', 'X'], ['abcdefgh', '']]), 'NAME       X\nabcdefgh   \n');
  assert.equal(formatTable([['é', 'b'], ['ab', 'c']]), 'é     b\nab    c\n');
  assert.equal(formatTable([['longer-name', 'v']]), 'longer-name   v\n');
  assert.equal(formatTable([]), '');
});

test('pod STATUS: init containers', () => {
  const spec = { initContainers: [c('init1'), c('init2')], containers: [c('app')] };
  assert.deepEqual(cells(pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'init1', state: { running: {} }, restartCount: 0 }] })), ['0/1', 'Init:0/2', '0']);
  assert.deepEqual(
    cells(pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'init1', state: { terminated: { exitCode: 0 } } }, { name: 'init2', state: { waiting: { reason: 'PodInitializing' } } }] })),
    ['0/1', 'Init:1/2', '0'],
  );
  assert.deepEqual(cells(pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'init1', state: { waiting: { reason: 'CrashLoopBackOff' } }, restartCount: 3 }] })), ['0/1', 'Init:CrashLoopBackOff', '3']);
  assert.deepEqual(cells(pod(spec, { phase: 'Failed', initContainerStatuses: [{ name: 'init1', state: { terminated: { exitCode: 2 } } }] })), ['0/1', 'Init:ExitCode:2', '0']);
  assert.deepEqual(cells(pod(spec, { phase: 'Failed', initContainerStatuses: [{ name: 'init1', state: { terminated: { exitCode: 137, signal: 9 } } }] })), ['0/1', 'Init:Signal:9', '0']);
  assert.deepEqual(cells(pod(spec, { phase: 'Failed', initContainerStatuses: [{ name: 'init1', state: { terminated: { exitCode: 1, reason: 'Error' } } }] })), ['0/1', 'Init:Error', '0']);
});

test('pod READY counts started sidecars (restartable init containers)', () => {
  const spec = { initContainers: [c('proxy', { restartPolicy: 'Always' })], containers: [c('app')] };
  const status = {
    phase: 'Running',
    conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
    initContainerStatuses: [{ name: 'proxy', started: true, ready: true, state: { running: {} }, restartCount: 1, lastState: { terminated: { finishedAt: ago(30_000) } } }],
    containerStatuses: [{ name: 'app', ready: true, state: { running: {} }, restartCount: 0 }],
  };
  assert.deepEqual(cells(pod(spec, status)), ['2/2', 'Running', '1 (30s ago)']);
});

test('pod STATUS: containers walked in reverse, the first container wins', () => {
  const spec = { containers: [c('a'), c('b')] };
  const status = {
    phase: 'Running',
    containerStatuses: [
      { name: 'a', ready: false, state: { waiting: { reason: 'ImagePullBackOff' } }, restartCount: 0 },
      { name: 'b', ready: false, state: { terminated: { exitCode: 1, reason: 'Error' } }, restartCount: 2 },
    ],
  };
  assert.deepEqual(cells(pod(spec, status)), ['0/2', 'ImagePullBackOff', '2']);
  const noReason = { phase: 'Running', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 3 } } }, { name: 'b', state: { terminated: { exitCode: 0, signal: 15 } } }] };
  assert.deepEqual(cells(pod(spec, noReason)), ['0/2', 'ExitCode:3', '0']);
});

test('pod STATUS: Completed with a container still running becomes Running or NotReady', () => {
  const spec = { containers: [c('a'), c('b')] };
  const statuses = [
    { name: 'a', ready: true, state: { running: {} } },
    { name: 'b', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
  ];
  assert.deepEqual(cells(pod(spec, { phase: 'Running', containerStatuses: statuses, conditions: [{ type: 'Ready', status: 'True' }] })), ['1/2', 'Running', '0']);
  assert.deepEqual(cells(pod(spec, { phase: 'Running', containerStatuses: statuses })), ['1/2', 'NotReady', '0']);
});

test('pod STATUS: reason, SchedulingGated, Terminating, Unknown, phase kept for finished pods', () => {
  const spec = { containers: [c('a')] };
  assert.equal(cells(pod(spec, { phase: 'Failed', reason: 'Evicted' }))[1], 'Evicted');
  assert.equal(cells(pod(spec, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }))[1], 'SchedulingGated');
  assert.equal(cells(pod(spec, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: ago(0) }))[1], 'Unknown');
  assert.equal(cells(pod(spec, { phase: 'Pending' }, { deletionTimestamp: ago(0) }))[1], 'Terminating');
  assert.equal(cells(pod(spec, { phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, { deletionTimestamp: ago(0) }))[1], 'Completed');
});

test('pod wide cells: podIP first, readiness gates counted', () => {
  const p = pod(
    { containers: [c('a')], nodeName: 'n1', readinessGates: [{ conditionType: 'x/ready' }, { conditionType: 'y/ready' }] },
    { phase: 'Running', podIP: '10.244.1.2', podIPs: [{ ip: '10.244.1.2' }], nominatedNodeName: 'n2', conditions: [{ type: 'x/ready', status: 'True' }, { type: 'y/ready', status: 'False' }] },
  );
  assert.deepEqual(podRow(p, NOW).slice(5), ['10.244.1.2', 'n1', 'n2', '1/2']);
});

test('endpoints: IPv6 bracketed, bare IPs without ports, only-not-ready is empty', () => {
  const ep = (subsets: object[]) => ({ metadata: { name: 'e' }, subsets }) as unknown as KubeObject;
  assert.equal(formatEndpoints(ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }])), '[fd00::1]:80');
  assert.equal(formatEndpoints(ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }])), '10.0.0.1,10.0.0.2');
  assert.equal(formatEndpoints(ep([{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }])), '');
  assert.equal(formatEndpoints(ep([{ addresses: [{ ip: 'a' }, { ip: 'b' }, { ip: 'c' }], ports: [{ port: 1 }] }])), 'a:1,b:1,c:1');
});

test('selectors print sorted by key, sets sorted', () => {
  assert.equal(
    selectorString({ matchLabels: { z: '1', a: '2' }, matchExpressions: [{ key: 'm', operator: 'In', values: ['y', 'x'] }, { key: 'b', operator: 'DoesNotExist' }, { key: 'c', operator: 'Exists' }, { key: 'n', operator: 'NotIn', values: ['q'] }] }),
    'a=2,!b,c,m in (x,y),n notin (q),z=1',
  );
  assert.equal(TABLES.deployments.row({ metadata: { name: 'd' }, spec: {} } as unknown as KubeObject, NOW)[7], '');
  assert.equal(TABLES.replicasets.row({ metadata: { name: 'r' }, spec: {} } as unknown as KubeObject, NOW)[7], '<none>');
});

test('ingress HOSTS counts rules, "*" without hosts; services: LoadBalancer ingress and externalIPs', () => {
  const ing = (rules: object[]) => TABLES.ingresses.row({ metadata: { name: 'i' }, spec: { rules } } as unknown as KubeObject, NOW)[2];
  assert.equal(ing([{}, {}]), '*');
  assert.equal(ing([{ host: 'a' }, {}, { host: 'b' }, { host: 'c' }, { host: 'd' }]), 'a,b,c + 2 more...');
  assert.equal(ing([{}, { host: 'a' }, { host: 'b' }, { host: 'c' }]), 'a,b,c');
  const svc = (spec: object, status: object = {}) => TABLES.services.row({ metadata: { name: 's' }, spec, status } as unknown as KubeObject, NOW)[3];
  assert.equal(svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '172.18.255.201' }, { hostname: 'lb.example' }] } }), '172.18.255.201,lb.example');
  assert.equal(svc({ type: 'LoadBalancer', externalIPs: ['1.2.3.4'] }, { loadBalancer: { ingress: [{ ip: '172.18.255.200' }] } }), '172.18.255.200,1.2.3.4');
  assert.equal(svc({ type: 'NodePort', externalIPs: ['1.2.3.4', '5.6.7.8'] }), '1.2.3.4,5.6.7.8');
  assert.equal(svc({ type: 'Weird' }), '<unknown>');
});

test('nodes: NotReady, Unknown, SchedulingDisabled, kubernetes.io/role', () => {
  const node = (spec: object, conditions: object[], labels: object = {}) => TABLES.nodes.row({ metadata: { name: 'n', labels }, spec, status: { conditions } } as unknown as KubeObject, NOW).slice(1, 3);
  assert.deepEqual(node({ unschedulable: true }, [{ type: 'Ready', status: 'False' }], { 'kubernetes.io/role': 'edge', 'node-role.kubernetes.io/worker': '' }), ['NotReady,SchedulingDisabled', 'edge,worker']);
  assert.deepEqual(node({}, []), ['Unknown', '<none>']);
});

test('configmaps, secrets, serviceaccounts, leases', () => {
  const row = (r: string, o: object) => TABLES[r].row({ metadata: { name: 'x', creationTimestamp: ago(3_600_000) }, ...o } as unknown as KubeObject, NOW);
  assert.deepEqual(row('configmaps', { data: { a: '1' }, binaryData: { b: '' } }), ['x', '2', '60m']);
  assert.deepEqual(row('secrets', { type: 'Opaque', data: { a: 'MQ==' } }), ['x', 'Opaque', '1', '60m']);
  assert.deepEqual(row('serviceaccounts', {}), ['x', '0', '60m']);
  assert.deepEqual(row('leases', { spec: { holderIdentity: 'kind-worker' } }), ['x', 'kind-worker', '60m']);
});
