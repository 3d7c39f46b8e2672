// What the scheduler counts of a pod: quantities in its units, containers summed, init containers as a maximum.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podRequests } from '../../src/api/quantity.js';

const req = (r: Record<string, unknown>, restartPolicy?: string) => ({ resources: { requests: r }, ...(restartPolicy ? { restartPolicy } : {}) });
const obj = (m: Map<string, bigint>) => Object.fromEntries([...m].map(([k, v]) => [k, Number(v)]));

test('quantities in the scheduler’s units: millicores for cpu, whole units rounded up for the rest', () => {
  const cases: [string, unknown, number][] = [
    ['cpu', '500m', 500], ['cpu', '1', 1000], ['cpu', 1, 1000], ['cpu', '0.5', 500], ['cpu', '1e3', 1_000_000], ['cpu', '100u', 1], ['cpu', '1.0001', 1001],
    ['memory', '128Mi', 134217728], ['memory', '1G', 1e9], ['memory', '1e3', 1000], ['memory', '0.5', 1], ['memory', '1.5Gi', 1610612736], ['memory', '1E', 1e18],
  ];
  for (const [name, raw, want] of cases) assert.deepEqual(obj(podRequests({ containers: [req({ [name]: raw })] })), { [name]: want }, `${name}: ${raw}`);
});

test('containers add up, an init container counts as a maximum, a sidecar adds to everything after it, overhead on top', () => {
  const spec = {
    containers: [req({ cpu: '250m', memory: '64Mi' }), req({ cpu: '250m' })],
    initContainers: [req({ cpu: '2' }), req({ memory: '1Gi' })],
  };
  assert.deepEqual(obj(podRequests(spec)), { cpu: 2000, memory: 1073741824 });
  const sidecar = { containers: [req({ cpu: '1' })], initContainers: [req({ cpu: '500m' }, 'Always'), req({ cpu: '1200m' })], overhead: { cpu: '100m' } };
  // The sidecar runs beside the app (1500m) and beside the later init container (1700m), plus 100m overhead.
  assert.deepEqual(obj(podRequests(sidecar)), { cpu: 1800 });
  // A limit without a request counts as the request; a request of zero does not count.
  assert.deepEqual(obj(podRequests({ containers: [{ resources: { limits: { memory: '1Gi', cpu: '2' }, requests: { cpu: '0' } } }] })), { memory: 1073741824 });
});
