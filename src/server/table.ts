// Server-side printing: a list, an object or a watch event as a meta.k8s.io/v1 Table, from the same table
// handlers `kubesim get` prints with, so `kubectl get -o wide` against the server prints what `kubesim get -o
// wide` prints. Every cell is sent (wide ones with priority 1, which kubectl shows only with -o wide).
import { apiVersionOf, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { tableFor } from '../printers/tables.js';

/** Whether the Accept header asks for a Table (kubectl get offers it first, then plain JSON). */
export function wantsTable(accept: string): boolean {
  return accept.split(',').some((part) => {
    const params = part.split(';').map((s) => s.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io') && (params.includes('v=v1') || params.includes('v=v1beta1'));
  });
}

export function tableVersion(accept: string): string {
  const first = accept.split(',').find((p) => p.includes('as=Table'));
  return first?.includes('v=v1beta1') && !first.includes('v=v1;') && !/v=v1$/.test(first) ? 'meta.k8s.io/v1beta1' : 'meta.k8s.io/v1';
}

/** Column names as the server gives them (kubectl upper-cases them again). */
function columnDefinitions(info: ResourceInfo): object[] {
  const h = tableFor(info.resource);
  return h.columns.map((c, i) => ({
    name: c.name,
    type: 'string',
    format: i === h.nameColumn ? 'name' : '',
    description: '',
    priority: c.priority,
  }));
}

function partialMetadata(o: KubeObject): object {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

function rowObject(info: ResourceInfo, o: KubeObject, include: string): object | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return { ...o, apiVersion: apiVersionOf(info), kind: info.kind };
  return partialMetadata(o);
}

/** A Table of objects; includeObject is None, Metadata (the default) or Object. */
export function toTable(info: ResourceInfo, objs: KubeObject[], now: Date, o: { include: string; version: string; resourceVersion?: string; continueToken?: string; noColumns?: boolean }): object {
  const h = tableFor(info.resource);
  return {
    kind: 'Table',
    apiVersion: o.version,
    metadata: { resourceVersion: o.resourceVersion ?? '', ...(o.continueToken ? { continue: o.continueToken } : {}) },
    ...(o.noColumns ? {} : { columnDefinitions: columnDefinitions(info) }),
    rows: objs.map((obj) => {
      const cells = h.row(obj, now);
      const object = rowObject(info, obj, o.include);
      return { cells, ...(object ? { object } : {}) };
    }),
  };
}
