import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, Pod } from '../../src/api/types.js';
import { KubeError } from '../../src/api/errors.js';
import {
  attachablePod,
  convertPodNamedPorts,
  findTarget,
  joinHostPort,
  parseAddresses,
  parseGoDuration,
  parsePorts,
  planForward,
  sortActivePods,
  translateServicePorts,
} from '../../src/forward/resolve.js';
import { buildState, pod, service } from './support.js';

type PodObj = Pod & KubeObject;

/** The exact text kubesim prints for an error thrown by fn. */
function errorText(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KubeError, `not a user error: ${e}`);
    return e.render();
  }
  assert.fail('no error');
}

const state = buildState([
  pod('kiada', { labels: { app: 'kiada' }, ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
  service('kiada', { selector: { app: 'kiada' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'web', port: 81, targetPort: 'http' }, { name: 'https', port: 443, targetPort: 'https' }, { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }] }),
  service('noselector', { ports: [{ port: 80 }] }),
]);
const kiada = state.objects.view<any>('pods')['default/kiada'] as PodObj;
const svc = state.objects.view<any>('services')['default/kiada'] as KubeObject;

test('kubectl port spec parsing: local:remote, :remote, the 1:2:3 quirk and every parse error', () => {
  assert.deepEqual(parsePorts(['8080', '8888:80', ':5000']), [{ local: 8080, remote: 8080 }, { local: 8888, remote: 80 }, { local: 0, remote: 5000 }]);
  assert.deepEqual(parsePorts(convertPodNamedPorts(['1:2:3'], kiada)), [{ local: 1, remote: 1 }]);
  assert.equal(errorText(() => parsePorts(['70000'])), `error: error parsing local port '70000': strconv.ParseUint: parsing "70000": value out of range`);
  assert.equal(errorText(() => parsePorts(['80:70000'])), `error: error parsing remote port '70000': strconv.ParseUint: parsing "70000": value out of range`);
  assert.equal(errorText(() => parsePorts(['x:80'])), `error: error parsing local port 'x': strconv.ParseUint: parsing "x": invalid syntax`);
  assert.equal(errorText(() => parsePorts(['8080:0'])), 'error: remote port must be > 0');
  assert.equal(errorText(() => parsePorts(['1:2:3'])), `error: invalid port format '1:2:3'`);
  assert.equal(errorText(() => convertPodNamedPorts(['8080:'], kiada)), 'error: remote port cannot be empty');
});

test('named pod ports resolve through the containers; a missing name is kubectl\'s message', () => {
  assert.deepEqual(convertPodNamedPorts(['http', '9000:http', '8080'], kiada), ['8080', '9000:8080', '8080']);
  assert.equal(errorText(() => convertPodNamedPorts(['8080:web'], kiada)), `error: Pod 'kiada' does not have a named port 'web'`);
});

test('service ports map to target ports (number, name, omitted); local port stays as asked', () => {
  assert.deepEqual(translateServicePorts(['18888:80'], svc as never, kiada), ['18888:8080']);
  assert.deepEqual(translateServicePorts(['80'], svc as never, kiada), ['80:8080']);
  // a named service port with no local port listens on the service port number
  assert.deepEqual(translateServicePorts(['http'], svc as never, kiada), ['80:8080']);
  assert.deepEqual(translateServicePorts(['81'], svc as never, kiada), ['81:8080']);
  assert.equal(errorText(() => translateServicePorts(['9999'], svc as never, kiada)), 'error: Service kiada does not have a service port 9999');
  assert.equal(errorText(() => translateServicePorts(['8080:nope'], svc as never, kiada)), `error: Service 'kiada' does not have a named port 'nope'`);
  assert.equal(errorText(() => translateServicePorts(['443'], svc as never, kiada)), `error: Pod 'kiada' does not have a named port 'https'`);
});

test('UDP-only ports are refused, for services and for pods', () => {
  const t = findTarget(state, 'default', 'svc/kiada');
  assert.equal(errorText(() => planForward(t, kiada, ['53'], ['localhost'])), 'error: UDP protocol is not supported for 53');
  const p = findTarget(state, 'default', 'kiada');
  assert.equal(errorText(() => planForward(p, kiada, ['dns'], ['localhost'])), 'error: UDP protocol is not supported for dns');
});

test('TYPE/NAME: bare names are pods, aliases resolve, NotFound is worded per resource', () => {
  assert.equal(findTarget(state, 'default', 'kiada').info.resource, 'pods');
  assert.equal(findTarget(state, 'default', 'service/kiada').info.resource, 'services');
  assert.equal(errorText(() => findTarget(state, 'default', 'nosuch')), 'Error from server (NotFound): pods "nosuch" not found');
  assert.equal(errorText(() => findTarget(state, 'default', 'svc/nosuch')), 'Error from server (NotFound): services "nosuch" not found');
  assert.equal(errorText(() => findTarget(state, 'default', 'deploy/nosuch')), 'Error from server (NotFound): deployments.apps "nosuch" not found');
  const nosel = findTarget(state, 'default', 'svc/noselector');
  assert.equal(errorText(() => attachablePod(state, nosel)), `error: cannot attach to *v1.Service: invalid service 'noselector': Service is defined without a selector`);
});

test('a pod that is not Running cannot be forwarded to', () => {
  const pending = structuredClone(kiada);
  pending.status = { phase: 'Pending' };
  assert.equal(errorText(() => planForward(findTarget(state, 'default', 'kiada'), pending, ['8080'], ['localhost'])), 'error: unable to forward port because pod is not running. Current status=Pending');
});

test('addresses: localhost is both loopbacks, de-duplicated and sorted; explicit IPs must all bind', () => {
  assert.deepEqual(parseAddresses(['localhost']).map((a) => `${a.address}/${a.protocol}/${a.failureMode}`), ['127.0.0.1/tcp4/all', '::1/tcp6/all']);
  assert.deepEqual(parseAddresses(['localhost', '127.0.0.1']).map((a) => `${a.address}/${a.failureMode}`), ['127.0.0.1/any', '::1/all']);
  assert.deepEqual(parseAddresses(['::1', '0.0.0.0']).map((a) => a.address), ['0.0.0.0', '::1']);
  assert.equal(errorText(() => parseAddresses(['1.2.3.x'])), 'error: 1.2.3.x is not a valid IP');
  assert.equal(joinHostPort('::1', 8080), '[::1]:8080');
  assert.equal(joinHostPort('0.0.0.0', 18889), '0.0.0.0:18889');
});

test('pod choice follows sort.Reverse(podutils.ActivePods)', () => {
  const mk = (name: string, f: (p: PodObj) => void): PodObj => {
    const p = structuredClone(kiada);
    p.metadata.name = name;
    f(p);
    return p;
  };
  const readyAt = (t: string) => (p: PodObj) => {
    p.status!.conditions = [{ type: 'Ready', status: 'True', lastTransitionTime: t }];
  };
  const unassigned = mk('a-unassigned', (p) => {
    delete p.spec!.nodeName;
    p.status = { phase: 'Pending' };
  });
  const pending = mk('b-pending', (p) => (p.status = { phase: 'Pending' }));
  const notReady = mk('c-notready', (p) => (p.status!.conditions = [{ type: 'Ready', status: 'False' }]));
  const readyLate = mk('d-ready-late', readyAt('2026-11-22T01:20:00Z'));
  const readyEarly = mk('e-ready-early', readyAt('2026-11-22T01:00:00Z'));
  const readyEarlyRestarted = mk('f-ready-early-restarts', (p) => {
    readyAt('2026-11-22T01:00:00Z')(p);
    p.status!.containerStatuses![0].restartCount = 3;
  });
  const order = sortActivePods([unassigned, pending, notReady, readyLate, readyEarlyRestarted, readyEarly]).map((p) => p.metadata.name);
  assert.deepEqual(order, ['e-ready-early', 'f-ready-early-restarts', 'd-ready-late', 'c-notready', 'b-pending', 'a-unassigned']);
});

test('Go durations for --pod-running-timeout', () => {
  assert.equal(parseGoDuration('1m0s'), 60_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('2h3m'), 7_380_000);
  assert.equal(parseGoDuration('5'), undefined);
  assert.equal(parseGoDuration('x'), undefined);
});
