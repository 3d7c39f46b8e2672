// The describe building blocks: Go tabwriter semantics, Quantity canonical forms, formatEndpointSlices' rules,
// annotation wrapping, tolerations and taints, smart labels, the Events table.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { EndpointSlice, KubeObject } from '../../src/api/types.js';
import { camelSplit, smartLabel } from '../../src/printers/describe/generic.js';
import { podQOS, describeProbe } from '../../src/printers/describe/pod.js';
import { addQuantity, canonicalQuantity, parseQuantity, quantityMilliValue, quantityValue, formatQuantity } from '../../src/printers/describe/quantity.js';
import { formatEndpointSlices } from '../../src/printers/describe/service.js';
import { formatTabbed, TabWriter } from '../../src/printers/describe/tabwriter.js';
import { describeEvents, formatGoTime, formatRFC1123Z, printAnnotationsMultiline, printTaintsMultiline, printTolerationsMultiline, tabbedString, UTC_ZONE } from '../../src/printers/describe/writer.js';
import { abbreviationFor, numericAbbreviation, parseTZif } from '../../src/printers/describe/zone.js';

test('tabwriter: a column block is padded to its widest cell plus two; a line without a tab ends the block', () => {
  assert.equal(formatTabbed('Name:\tkubia\nNamespace:\tdefault\nIPs:\n  IP:\t10.244.1.5\nControlled By:\tReplicaSet/x\n'), 'Name:       kubia\nNamespace:  default\nIPs:\n  IP:           10.244.1.5\nControlled By:  ReplicaSet/x\n');
});

test('tabwriter: the text after the last tab is not a cell, trailing spaces are kept, empty cells are padded', () => {
  assert.equal(formatTabbed('  Type\tStatus\n  Ready \tTrue \n'), '  Type    Status\n  Ready   True \n');
  assert.equal(formatTabbed('a\t\tb\tc\nlonger\t\tx\ty\n'), 'a         b  c\nlonger    x  y\n');
  // A second column only spans the lines that have one.
  assert.equal(formatTabbed('Port:\thttp\t80/TCP\nTargetPort:\t8080/TCP\n'), 'Port:        http  80/TCP\nTargetPort:  8080/TCP\n');
  // Widths count runes, not bytes.
  assert.equal(formatTabbed('é\tx\nab\ty\n'), 'é   x\nab  y\n');
});

test('tabwriter: Flush closes the blocks written so far', () => {
  const w = new TabWriter();
  w.write('a:\t1\n');
  w.flush();
  w.write('longer:\t2\n');
  assert.equal(w.toString(), 'a:  1\nlonger:  2\n');
});

test('quantities print in canonical form and add in the first operand\'s format', () => {
  const cases: [string, string][] = [['0.5', '500m'], ['100m', '100m'], ['1', '1'], ['2000', '2k'], ['1500', '1500'], ['1.5Gi', '1536Mi'], ['128974848', '128974848'], ['129e6', '129e6'], ['1024Ki', '1Mi'], ['1000Ki', '1000Ki'], ['512', '512'], ['0', '0'], ['1e3', '1e3'], ['0.1', '100m'], ['16338780Ki', '16338780Ki'], ['1.5', '1500m']];
  for (const [input, out] of cases) assert.equal(canonicalQuantity(input), out, input);
  const sum = addQuantity(parseQuantity('64Mi')!, parseQuantity('100M')!);
  assert.equal(formatQuantity(sum), '167108864');
  assert.equal(quantityMilliValue(parseQuantity('0.1')!), 100n);
  assert.equal(quantityValue(parseQuantity('1.2')!), 2n);
  assert.equal(parseQuantity('12xyz'), undefined);
});

function slice(ports: { name: string; port: number }[], eps: [string, boolean | undefined][]): EndpointSlice & KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 's' },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ ...p, protocol: 'TCP' })),
    endpoints: eps.map(([ip, ready]) => ({ addresses: [ip], conditions: ready === undefined ? {} : { ready } })),
  } as EndpointSlice & KubeObject;
}

test('formatEndpointSlices: <none> without slices, empty when none is ready, at most three, and the "+ 0 more" quirk', () => {
  const http = new Set(['']);
  assert.equal(formatEndpointSlices([], http), '<none>');
  assert.equal(formatEndpointSlices([slice([{ name: '', port: 80 }], [['10.0.0.1', false]])], http), '');
  assert.equal(formatEndpointSlices([slice([{ name: '', port: 80 }], [['10.0.0.1', undefined], ['fd00::1', true]])], http), '10.0.0.1:80,[fd00::1]:80');
  const four = slice([{ name: '', port: 80 }], [['a', true], ['b', true], ['c', true], ['d', false]]);
  assert.equal(formatEndpointSlices([four], http), 'a:80,b:80,c:80 + 0 more...');
  const five = slice([{ name: '', port: 80 }], [['a', true], ['b', true], ['c', true], ['d', true], ['e', true]]);
  assert.equal(formatEndpointSlices([five], http), 'a:80,b:80,c:80 + 2 more...');
  assert.equal(formatEndpointSlices([slice([{ name: 'http', port: 80 }], [['a', true]])], http), '', 'a port of another name lists nothing');
  assert.equal(formatEndpointSlices([slice([], [['a', true], ['b', true]])], http), 'a,b', 'portless (headless) slices list bare addresses');
});

test('annotations: skip last-applied-configuration; long or multi-line values go below their key, cut at 138', () => {
  const long = 'v'.repeat(200);
  const out = tabbedString((w) => printAnnotationsMultiline(w, 'Annotations', { 'kubectl.kubernetes.io/last-applied-configuration': '{}', b: 'two\nlines\n', a: 'short', c: long }));
  assert.equal(out, `Annotations:  a: short\n              b:\n                two\n                lines\n              c:\n                ${'v'.repeat(138)}...\n`);
  assert.equal(tabbedString((w) => printAnnotationsMultiline(w, 'Annotations', { 'kubectl.kubernetes.io/last-applied-configuration': '{}' })), 'Annotations:  <none>\n');
});

test('tolerations and taints print one per line, sorted as kubectl sorts them', () => {
  const tol = tabbedString((w) => printTolerationsMultiline(w, 'Tolerations', [{ key: 'z', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'a', operator: 'Equal', value: 'v', effect: 'NoSchedule' }, { operator: 'Exists' }]));
  assert.equal(tol, 'Tolerations:  op=Exists\n              a=v:NoSchedule\n              z:NoExecute op=Exists for 300s\n');
  const taints = tabbedString((w) => printTaintsMultiline(w, 'Taints', [{ key: 'b', effect: 'NoSchedule' }, { key: 'a', value: 'x', effect: 'NoExecute' }]));
  assert.equal(taints, 'Taints:  a=x:NoExecute\n         b:NoSchedule\n');
});

test('smart labels split camel case as kubectl\'s generic describer does', () => {
  assert.deepEqual(camelSplit('PDFLoader'), ['PDF', 'Loader']);
  assert.equal(smartLabel('apiVersion'), 'API Version');
  assert.equal(smartLabel('leaseDurationSeconds'), 'Lease Duration Seconds');
  assert.equal(smartLabel('uid'), 'UID');
  assert.equal(smartLabel('with.dot'), 'with.dot');
});

test('QoS class and probes', () => {
  const pod = (resources: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', resources }] } }) as never;
  assert.equal(podQOS(pod({})), 'BestEffort');
  assert.equal(podQOS(pod({ requests: { cpu: '100m' } })), 'Burstable');
  assert.equal(podQOS(pod({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } })), 'Guaranteed');
  assert.equal(describeProbe({ httpGet: { path: '/', port: 8080, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 }), 'http-get http://:8080/ delay=0s timeout=1s period=10s #success=1 #failure=3');
  assert.equal(describeProbe({ exec: { command: ['cat', '/tmp/x'] } }), 'exec [cat /tmp/x] delay=0s timeout=0s period=0s #success=0 #failure=0');
  assert.equal(describeProbe({ tcpSocket: { port: 'http' } }), 'tcp-socket :http delay=0s timeout=0s period=0s #success=0 #failure=0');
});

test('events: sorted by last time, repeated ones as "<last> (xN over <first>)", From falls back to the reporting component', () => {
  const now = new Date('2026-11-22T01:30:00Z');
  const ev = (reason: string, first: string, last: string, count: number, component?: string) => ({
    apiVersion: 'v1', kind: 'Event', metadata: { name: reason }, type: 'Warning', reason, message: `  ${reason} happened  `, firstTimestamp: first, lastTimestamp: last, count,
    source: component ? { component } : {}, reportingComponent: 'my-controller',
  }) as KubeObject;
  const out = tabbedString((w) => {
    w.write(0, 'Name:\tx\n');
    describeEvents([ev('Late', '2026-10-08T01:30:00Z', '2026-11-22T01:29:19Z', 180, 'kubelet'), ev('Early', '2026-11-22T01:00:00Z', '2026-11-22T01:00:00Z', 1)], w, now);
  });
  assert.equal(
    out,
    'Name:  x\n' +
      'Events:\n' +
      '  Type     Reason  Age                  From           Message\n' +
      '  ----     ------  ----                 ----           -------\n' +
      '  Warning  Early   30m                  my-controller  Early happened\n' +
      '  Warning  Late    41s (x180 over 45d)  kubelet        Late happened\n',
  );
  assert.equal(tabbedString((w) => describeEvents([], w, now)), 'Events:  <none>\n');
});

test('terminal escapes in object data are neutralised as kubectl does: ESC as ^[, CR as \\r', () => {
  const out = tabbedString((w) => w.write(0, 'Labels:\ta=b\x1b[31mred\rcr\x07bell\n'));
  assert.equal(out, 'Labels:  a=b^[[31mred\\rcr\x07bell\n');
});

test('times: RFC1123Z and Go\'s Time.String() in a zone; abbreviations from the zone\'s TZif data', () => {
  const ist = { offset: () => 330, abbreviation: () => 'IST' };
  const d = new Date('2026-11-21T22:07:27Z');
  assert.equal(formatRFC1123Z(d, UTC_ZONE), 'Sat, 21 Nov 2026 22:07:27 +0000');
  assert.equal(formatRFC1123Z(d, ist), 'Sun, 22 Nov 2026 03:37:27 +0530');
  assert.equal(formatGoTime(d, ist), '2026-11-22 03:37:27 +0530 IST');
  assert.equal(formatRFC1123Z(d, { offset: () => -300, abbreviation: () => 'EST' }), 'Sat, 21 Nov 2026 17:07:27 -0500');
  assert.equal(numericAbbreviation(-180), '-03');
  assert.equal(numericAbbreviation(-210), '-0330');
});

test('TZif: the most recent abbreviation for an offset', { skip: existsSync('/usr/share/zoneinfo/Europe/Paris') ? false : 'no zoneinfo on this machine' }, () => {
  const paris = parseTZif(readFileSync('/usr/share/zoneinfo/Europe/Paris'))!;
  assert.equal(abbreviationFor(paris, 60), 'CET');
  assert.equal(abbreviationFor(paris, 120), 'CEST');
  const saoPaulo = parseTZif(readFileSync('/usr/share/zoneinfo/America/Sao_Paulo'))!;
  assert.equal(abbreviationFor(saoPaulo, -180), '-03');
  assert.equal(parseTZif(new TextEncoder().encode('not a zone file at all, no magic here....')), undefined);
});
