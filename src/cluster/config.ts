// ConfigMaps and Secrets as the API server stores them. The server's decoder turns a Secret's data and a
// ConfigMap's binaryData from base64 into bytes (refusing what Go's decoder refuses), the v1 conversion merges
// a Secret's stringData into data (stringData is write-only, never stored), defaulting sets a Secret's type to
// Opaque, then validation runs. kubesim keeps the bytes as canonical base64, as the server writes them back.
import { badRequest } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { validateObject } from '../api/validation.js';
import { goBase64Decode } from '../util/base64.js';
import { own, setOwn } from '../util/own.js';
import type { Strategy } from './strategies.js';

type StringMap = Record<string, string>;

/** Decodes every value of a []byte map field, or fails as the decoder does on the first bad one. */
function decodeBytesField(obj: KubeObject, field: 'data' | 'binaryData'): void {
  const map = obj[field] as StringMap | undefined | null;
  if (!map || typeof map !== 'object') return;
  const out: StringMap = {};
  // encoding/json decodes map entries in document order, so the first bad value in the manifest is reported.
  for (const k of Object.keys(map)) {
    const v = own(map, k);
    if (typeof v !== 'string') {
      setOwn(out, k, v as unknown as string);
      continue;
    }
    const r = goBase64Decode(v);
    if (!r.ok) throw badRequest(`${obj.kind} in version "v1" cannot be handled as a ${obj.kind}: illegal base64 data at input byte ${r.offset}`);
    setOwn(out, k, r.bytes.toString('base64'));
  }
  obj[field] = out;
}

/** The decode, conversion and defaulting a Secret goes through before validation. */
export function normalizeSecret(obj: KubeObject): void {
  decodeBytesField(obj, 'data');
  const stringData = obj.stringData as StringMap | undefined | null;
  if (stringData && typeof stringData === 'object') {
    const data = ((obj.data as StringMap | undefined) ?? {}) as StringMap;
    // stringData wins over data for the same key (the conversion writes it last).
    for (const k of Object.keys(stringData)) setOwn(data, k, Buffer.from(String(own(stringData, k) ?? ''), 'utf8').toString('base64'));
    obj.data = data;
  }
  delete obj.stringData;
  // An empty map is omitted when the server writes the object (omitempty).
  if (obj.data && Object.keys(obj.data as StringMap).length === 0) delete obj.data;
  if (obj.type === undefined || obj.type === null || obj.type === '') obj.type = 'Opaque';
}

export const secretStrategy: Strategy = {
  validate(obj, _state, old) {
    normalizeSecret(obj);
    validateObject(obj, old);
  },
};

export const configMapStrategy: Strategy = {
  validate(obj, _state, old) {
    decodeBytesField(obj, 'binaryData');
    validateObject(obj, old);
  },
};
