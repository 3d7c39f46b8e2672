// autoscaling/v1 HorizontalPodAutoscalers, which the API server stores as autoscaling/v2: the conversion
// both ways, as kube-apiserver does it (pkg/apis/autoscaling/v1 conversion). The CPU utilization metric is
// v1's targetCPUUtilizationPercentage; what v1 has no field for (other metrics, behavior, conditions, current
// metrics) travels in annotations, so a v1 client that reads, changes and writes back an object loses nothing.
// Used by `kubesim autoscale` (which builds a v1 object as kubectl does) and `kubesim serve` (autoscaling/v1).
import type { KubeObject } from './types.js';

type Obj = Record<string, unknown>;
const isMap = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const map = (v: unknown): Obj => (isMap(v) ? v : {});

export const HPA_V1 = 'autoscaling/v1';
export const HPA_V2 = 'autoscaling/v2';

const A = 'autoscaling.alpha.kubernetes.io/';
const METRICS = `${A}metrics`;
const CURRENT_METRICS = `${A}current-metrics`;
const CONDITIONS = `${A}conditions`;
const BEHAVIOR = `${A}behavior`;

/** Copies the keys of `from` that are set, renamed by `names` (v2 name -> v1 name or back). */
function pick(from: Obj, names: Record<string, string>): Obj {
  const out: Obj = {};
  for (const [a, b] of Object.entries(names)) if (from[a] !== undefined) out[b] = from[a];
  return out;
}
const flip = (names: Record<string, string>) => Object.fromEntries(Object.entries(names).map(([a, b]) => [b, a]));

// v2 MetricSpec <-> v1 MetricSpec, per source type. v2 nests the numbers in target {type, value, averageValue,
// averageUtilization} (current {...} in a status); v1 spells each one out.
const SOURCE_KEY: Record<string, string> = { Resource: 'resource', ContainerResource: 'containerResource', Pods: 'pods', Object: 'object', External: 'external' };

function metricToV1(m: Obj, status: boolean): Obj {
  const key = SOURCE_KEY[String(m.type)];
  const src = key ? map(m[key]) : undefined;
  if (!key || !src) return { type: m.type };
  const t = map(status ? src.current : src.target);
  const pre = status ? 'current' : 'target';
  let out: Obj;
  switch (m.type) {
    case 'Resource':
    case 'ContainerResource':
      out = { ...pick(src, { name: 'name', container: 'container' }), ...pick(t, { averageUtilization: `${pre}AverageUtilization`, averageValue: `${pre}AverageValue` }) };
      break;
    case 'Pods':
      out = { metricName: map(src.metric).name, ...pick(map(src.metric), { selector: 'selector' }), ...pick(t, { averageValue: `${pre}AverageValue` }) };
      break;
    case 'Object':
      out = { target: src.describedObject, metricName: map(src.metric).name, ...pick(map(src.metric), { selector: 'selector' }), ...pick(t, { value: `${pre}Value`, averageValue: 'averageValue' }) };
      break;
    default:
      out = { metricName: map(src.metric).name, ...pick(map(src.metric), { selector: 'metricSelector' }), ...pick(t, { value: `${pre}Value`, averageValue: `${pre}AverageValue` }) };
  }
  return { type: m.type, [key]: out };
}

function metricToV2(m: Obj, status: boolean): Obj {
  const key = SOURCE_KEY[String(m.type)];
  const src = key ? map(m[key]) : undefined;
  if (!key || !src) return { type: m.type };
  const pre = status ? 'current' : 'target';
  const nums = (names: Record<string, string>): Obj => {
    const n = pick(src, flip(names));
    if (status) return n;
    // A v2 target names its kind: Utilization, AverageValue or Value.
    const type = n.averageUtilization !== undefined ? 'Utilization' : n.averageValue !== undefined ? 'AverageValue' : 'Value';
    return { type, ...n };
  };
  const metric = (selectorKey: string): Obj => ({ name: src.metricName, ...(src[selectorKey] !== undefined ? { selector: src[selectorKey] } : {}) });
  let out: Obj;
  switch (m.type) {
    case 'Resource':
    case 'ContainerResource':
      out = { ...pick(src, { name: 'name', container: 'container' }), [pre]: nums({ averageUtilization: `${pre}AverageUtilization`, averageValue: `${pre}AverageValue` }) };
      break;
    case 'Pods':
      out = { metric: metric('selector'), [pre]: nums({ averageValue: `${pre}AverageValue` }) };
      break;
    case 'Object':
      out = { describedObject: src.target, metric: metric('selector'), [pre]: nums({ value: `${pre}Value`, averageValue: 'averageValue' }) };
      break;
    default:
      out = { metric: metric('metricSelector'), [pre]: nums({ value: `${pre}Value`, averageValue: `${pre}AverageValue` }) };
  }
  return { type: m.type, [key]: out };
}

/** A Resource metric on CPU utilization (its target in a spec, its current value in a status). */
const isCPUUtilization = (m: Obj) => m.type === 'Resource' && map(m.resource).name === 'cpu' && map(map(m.resource).target ?? map(m.resource).current).averageUtilization !== undefined;

/** Behavior is written with Go's field names (the API server marshals its internal type): ScaleUp, Policies... */
function renameKeys(v: unknown, f: (k: string) => string): unknown {
  if (Array.isArray(v)) return v.map((x) => renameKeys(x, f));
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [f(k), renameKeys(x, f)]));
  return v;
}

function parseAnnotation(annotations: Obj, key: string): unknown {
  const raw = annotations[key];
  delete annotations[key];
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** The stored autoscaling/v2 object as an autoscaling/v1 client reads it. */
export function hpaToV1(o: KubeObject): KubeObject {
  const s = map(o.spec);
  const st = map(o.status);
  const metrics = Array.isArray(s.metrics) ? (s.metrics as Obj[]) : [];
  const cpu = metrics.find(isCPUUtilization);
  const annotations: Obj = { ...map(o.metadata.annotations) };
  const others = metrics.filter((m) => m !== cpu).map((m) => metricToV1(m, false));
  if (others.length) annotations[METRICS] = JSON.stringify(others);
  const current = Array.isArray(st.currentMetrics) ? (st.currentMetrics as Obj[]) : [];
  if (current.length) annotations[CURRENT_METRICS] = JSON.stringify(current.map((m) => metricToV1(m, true)));
  if (s.behavior !== undefined) annotations[BEHAVIOR] = JSON.stringify(renameKeys(s.behavior, (k) => k.charAt(0).toUpperCase() + k.slice(1)));
  if (Array.isArray(st.conditions) && st.conditions.length) annotations[CONDITIONS] = JSON.stringify(st.conditions);
  const spec: Obj = { maxReplicas: s.maxReplicas, minReplicas: s.minReplicas, scaleTargetRef: s.scaleTargetRef };
  const util = cpu && map(map(cpu.resource).target).averageUtilization;
  if (util !== undefined) spec.targetCPUUtilizationPercentage = util;
  const cpuNow = current.find(isCPUUtilization);
  const statusV1: Obj = {
    ...pick(st, { observedGeneration: 'observedGeneration', lastScaleTime: 'lastScaleTime' }),
    currentReplicas: st.currentReplicas ?? 0,
    desiredReplicas: st.desiredReplicas ?? 0,
  };
  if (cpuNow) statusV1.currentCPUUtilizationPercentage = map(map(cpuNow.resource).current).averageUtilization;
  const metadata = { ...o.metadata };
  if (Object.keys(annotations).length) metadata.annotations = annotations as Record<string, string>;
  return { ...o, apiVersion: HPA_V1, metadata, spec, status: statusV1 } as KubeObject;
}

/** An autoscaling/v1 object as the API server stores it (autoscaling/v2). */
export function hpaToV2(o: KubeObject): KubeObject {
  const s = map(o.spec);
  const st = map(o.status);
  const annotations: Obj = { ...map(o.metadata?.annotations) };
  const others = parseAnnotation(annotations, METRICS);
  const current = parseAnnotation(annotations, CURRENT_METRICS);
  const behavior = parseAnnotation(annotations, BEHAVIOR);
  const conditions = parseAnnotation(annotations, CONDITIONS);
  const spec: Obj = pick(s, { scaleTargetRef: 'scaleTargetRef', minReplicas: 'minReplicas', maxReplicas: 'maxReplicas' });
  const metrics: Obj[] = [];
  if (s.targetCPUUtilizationPercentage !== undefined) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: s.targetCPUUtilizationPercentage } } });
  }
  if (Array.isArray(others)) metrics.push(...others.filter(isMap).map((m) => metricToV2(m, false)));
  if (metrics.length) spec.metrics = metrics;
  if (isMap(behavior)) spec.behavior = renameKeys(behavior, (k) => k.charAt(0).toLowerCase() + k.slice(1));
  const out: Obj = { ...o, apiVersion: HPA_V2, spec };
  const metadata: Obj = { ...map(o.metadata) };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  out.metadata = metadata;
  if (o.status !== undefined) {
    const statusV2: Obj = pick(st, { observedGeneration: 'observedGeneration', lastScaleTime: 'lastScaleTime', currentReplicas: 'currentReplicas', desiredReplicas: 'desiredReplicas' });
    const cur: Obj[] = Array.isArray(current) ? current.filter(isMap).map((m) => metricToV2(m, true)) : [];
    if (st.currentCPUUtilizationPercentage !== undefined && !cur.some(isCPUUtilization)) {
      cur.unshift({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: st.currentCPUUtilizationPercentage } } });
    }
    if (cur.length) statusV2.currentMetrics = cur;
    if (Array.isArray(conditions)) statusV2.conditions = conditions;
    out.status = statusV2;
  } else delete out.status;
  return out as KubeObject;
}
