// autoscaling/v1 <-> v2 HorizontalPodAutoscaler conversion: what a v1 client reads, and that reading and writing
// back through v1 keeps everything v1 has no field for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hpaToV1, hpaToV2 } from '../../src/api/hpa-v1.js';
import type { KubeObject } from '../../src/api/types.js';

const V2 = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', resourceVersion: '7', annotations: { team: 'a' } },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 2,
    maxReplicas: 5,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
    ],
    behavior: { scaleDown: { stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] } },
  },
  status: {
    observedGeneration: 1,
    currentReplicas: 2,
    desiredReplicas: 3,
    currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 95 } } }],
    conditions: [{ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: 'ok' }],
  },
} as unknown as KubeObject;

test('v1 shows the CPU target as targetCPUUtilizationPercentage and the rest in annotations', () => {
  const v1 = hpaToV1(V2) as unknown as Record<string, Record<string, unknown>>;
  assert.equal(v1.apiVersion, 'autoscaling/v1');
  assert.deepEqual(v1.spec, { maxReplicas: 5, minReplicas: 2, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, targetCPUUtilizationPercentage: 80 });
  assert.deepEqual(v1.status, { observedGeneration: 1, currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 95 });
  const a = (v1.metadata as { annotations: Record<string, string> }).annotations;
  assert.equal(a.team, 'a');
  assert.deepEqual(JSON.parse(a['autoscaling.alpha.kubernetes.io/metrics']), [
    { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
    { type: 'Pods', pods: { metricName: 'qps', targetAverageValue: '10' } },
  ]);
  assert.deepEqual(JSON.parse(a['autoscaling.alpha.kubernetes.io/behavior']), { ScaleDown: { StabilizationWindowSeconds: 60, Policies: [{ Type: 'Pods', Value: 1, PeriodSeconds: 30 }] } });
  assert.match(a['autoscaling.alpha.kubernetes.io/conditions'], /"reason":"SucceededGetScale"/);
});

test('a v1 object written back converts to the same v2 object', () => {
  assert.deepEqual(hpaToV2(hpaToV1(V2)), V2);
});

test('a v1 object without a CPU target has no metrics in v2, and its annotations are its own', () => {
  const v1 = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x' }, spec: { maxReplicas: 3, scaleTargetRef: { kind: 'Deployment', name: 'x' } } } as unknown as KubeObject;
  assert.deepEqual(hpaToV2(v1), { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x' }, spec: { maxReplicas: 3, scaleTargetRef: { kind: 'Deployment', name: 'x' } } });
});
