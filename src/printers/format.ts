// Structured output (-o yaml|json|name) of whole objects. kubectl prints objects through encoding/json and
// sigs.k8s.io/yaml, so map keys come out sorted; JSON is indented with four spaces.
import { qualifiedKind, resourceForKind } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { setOwn } from '../util/own.js';
import { goYAML } from './yaml.js';
import { omitManagedFields } from './managed-fields.js';

/** Deep copy with object keys sorted, as Go's encoding of map[string]interface{} orders them. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) setOwn(out, k, sortKeys(x));
    }
    return out;
  }
  return v;
}

const HTML_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * encoding/json.MarshalIndent(v, "", "    ") of a decoded object: keys sorted bytewise (written by hand, since a
 * JS object always lists integer-like keys first), and <, >, & escaped as Go's HTML-safe encoder does.
 */
export function toJSON(v: unknown): string {
  return marshalIndent(omitManagedFields(v), '    ', '') + '\n';
}

export function marshalIndent(v: unknown, indent: string, prefix: string): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const inner = prefix + indent;
    return `[\n${v.map((x) => inner + marshalIndent(x === undefined ? null : x, indent, inner)).join(',\n')}\n${prefix}]`;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort(compareBytes);
    if (keys.length === 0) return '{}';
    const inner = prefix + indent;
    return `{\n${keys.map((k) => `${inner}${jsonString(k)}: ${marshalIndent((v as Record<string, unknown>)[k], indent, inner)}`).join(',\n')}\n${prefix}}`;
  }
  if (typeof v === 'string') return jsonString(v);
  if (v === undefined) return 'null';
  return JSON.stringify(v);
}

/** Compact json.Marshal (jsonpath prints maps and lists this way). */
export function marshalCompact(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => marshalCompact(x === undefined ? null : x)).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort(compareBytes);
    return `{${keys.map((k) => `${jsonString(k)}:${marshalCompact((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  if (typeof v === 'string') return jsonString(v);
  if (v === undefined) return 'null';
  return JSON.stringify(v);
}

function jsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => HTML_ESCAPES[c]);
}

/** Go compares strings bytewise (UTF-8); UTF-16 order differs only beyond the BMP. */
function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** sigs.k8s.io/yaml.Marshal, i.e. go-yaml v2 (see yaml.ts). Async for callers written against a lazy library. */
export async function toYAML(v: unknown): Promise<string> {
  return goYAML(v);
}

export { goYAML };

/** `-o name`: "pod/kiada", "deployment.apps/kubia". */
export function objectName(o: KubeObject): string {
  const info = resourceForKind(o.apiVersion, o.kind);
  return `${info ? qualifiedKind(info) : o.kind.toLowerCase()}/${o.metadata.name}`;
}

/** A List as kubectl prints several objects with -o yaml/json. */
export function asList(items: KubeObject[]): KubeObject {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } as KubeObject['metadata'], items } as unknown as KubeObject;
}
