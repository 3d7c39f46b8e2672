// The values the kubelet gives fieldRef and resourceFieldRef (env vars and downwardAPI files): the pod's own
// fields (podFieldSelectorRuntimeValue, fieldpath.ExtractFieldPathAsString) and its containers' resources
// (ExtractContainerResourceValue, where an unset limit is the node's allocatable).
import type { Container, KubeObject, Pod } from '../api/types.js';
import { parseQuantity, quantityMilliValue, quantityValue } from '../printers/describe/quantity.js';
import { getObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { own } from '../util/own.js';

type PodObj = Pod & KubeObject;
export type Resolved = { value?: string; error?: string };

/** fieldpath.FormatMap: `key="value"` lines, keys sorted, no final newline (Go's %q quoting). */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(own(m!, k) ?? '')}`)
    .join('\n');
}

/** A fieldRef's value; whole label and annotation maps only in volumes (the API refuses them in env). */
export function fieldRefValue(pod: PodObj, fieldPath: string, inVolume = false): Resolved {
  const status = pod.status ?? {};
  switch (fieldPath) {
    case 'spec.nodeName':
      return { value: pod.spec?.nodeName ?? '' };
    case 'spec.serviceAccountName':
      return { value: pod.spec?.serviceAccountName ?? '' };
    case 'status.hostIP':
      return { value: status.hostIP ?? '' };
    case 'status.hostIPs':
      return { value: (status.hostIPs ?? []).map((x) => x.ip).join(',') };
    case 'status.podIP':
      return { value: status.podIP ?? '' };
    case 'status.podIPs':
      return { value: (status.podIPs ?? []).map((x) => x.ip).join(',') };
    case 'metadata.name':
      return { value: pod.metadata.name };
    case 'metadata.namespace':
      return { value: pod.metadata.namespace ?? '' };
    case 'metadata.uid':
      return { value: pod.metadata.uid ?? '' };
  }
  if (inVolume && fieldPath === 'metadata.labels') return { value: formatMap(pod.metadata.labels) };
  if (inVolume && fieldPath === 'metadata.annotations') return { value: formatMap(pod.metadata.annotations) };
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (m) return { value: own(m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations, m[2]) ?? '' };
  return { error: `unsupported fieldPath: ${fieldPath}` };
}

/** A resourceFieldRef's value: the quantity divided by the divisor, rounded up (cpu in millicores first). */
export function resourceFieldValue(state: ClusterState, pod: PodObj, c: Container | undefined, resource: string, divisorIn: unknown): Resolved {
  const [kind, name] = resource.split('.', 2) as [string, string];
  if (!c || (kind !== 'limits' && kind !== 'requests') || !['cpu', 'memory', 'ephemeral-storage'].includes(name)) return { error: `unsupported container resource : ${resource}` };
  const res = (c.resources ?? {}) as { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
  let q = parseQuantity(own(res[kind] ?? {}, name) as string | undefined);
  if (!q && kind === 'requests') q = parseQuantity(own(res.limits ?? {}, name) as string | undefined);
  if (!q && kind === 'limits') {
    // No limit: the kubelet reports what the node can give (its allocatable).
    const node = getObject(state, 'nodes', undefined, pod.spec?.nodeName ?? '');
    q = parseQuantity(own(((node?.status as { allocatable?: Record<string, string> } | undefined)?.allocatable ?? {}), name));
  }
  q ??= parseQuantity('0')!;
  const divisor = parseQuantity(divisorIn === undefined || divisorIn === null || divisorIn === '' ? '1' : divisorIn) ?? parseQuantity('1')!;
  if (name === 'cpu') {
    const d = quantityMilliValue(divisor) || 1n;
    const v = quantityMilliValue(q);
    return { value: String(v / d + (v % d !== 0n ? 1n : 0n)) };
  }
  const d = quantityValue(divisor) || 1n;
  const v = quantityValue(q);
  return { value: String(v / d + (v % d !== 0n ? 1n : 0n)) };
}
