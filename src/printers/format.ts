// Structured output (-o yaml|json|name) of whole objects. kubectl prints objects through encoding/json and
// sigs.k8s.io/yaml, so map keys come out sorted; JSON is indented with four spaces.
import { qualifiedKind, resourceForKind } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';

/** Deep copy with object keys sorted, as Go's encoding of map[string]interface{} orders them. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

export function toJSON(v: unknown): string {
  return JSON.stringify(sortKeys(v), null, 4) + '\n';
}

export async function toYAML(v: unknown): Promise<string> {
  // The bundle sees yaml's CommonJS build: its exports may only be on `default`.
  const mod = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
  const stringify = mod.stringify ?? mod.default!.stringify;
  // YAML 1.1 quoting rules (go-yaml v2) quote strings such as "y", "on" and "1"; sequences are not indented.
  return stringify(sortKeys(v), { version: '1.1', indentSeq: false, lineWidth: 0, nullStr: 'null' });
}

/** `-o name`: "pod/kiada", "deployment.apps/kubia". */
export function objectName(o: KubeObject): string {
  const info = resourceForKind(o.apiVersion, o.kind);
  return `${info ? qualifiedKind(info) : o.kind.toLowerCase()}/${o.metadata.name}`;
}

/** A List as kubectl prints several objects with -o yaml/json. */
export function asList(items: KubeObject[]): KubeObject {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } as KubeObject['metadata'], items } as unknown as KubeObject;
}
