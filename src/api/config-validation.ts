// ConfigMap and Secret validation with the API server's wording (ValidateConfigMap, ValidateSecret and their
// Update variants in pkg/apis/core/validation). Values are checked as bytes: a Secret's data and a ConfigMap's
// binaryData hold base64 text that src/cluster/config.ts has already decoded and checked.
import type { FieldError } from './errors.js';
import type { KubeObject } from './types.js';
import { hasOwn } from '../util/own.js';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** core.MaxSecretSize: 1 MiB, the bound on a Secret's or ConfigMap's values together. */
export const MAX_CONFIG_SIZE = 1024 * 1024;

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
export const CONFIG_KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const IMMUTABLE_SET = 'field is immutable when `immutable` is set';

/** validation.IsConfigMapKey. */
export function configKeyErrors(k: string): string[] {
  const errs: string[] = [];
  if (k.length > 253) errs.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(k)) errs.push(CONFIG_KEY_MSG);
  if (k === '.') errs.push("must not be '.'");
  else if (k === '..') errs.push("must not be '..'");
  else if (k.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** Bytes of a base64 value (already checked by the strategy; a bad one counts as its text). */
function base64Size(v: unknown): number {
  return typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
}

function keyCauses(field: string, k: string): FieldError[] {
  return configKeyErrors(k).map((detail) => ({ type: 'Invalid value', field: `${field}[${k}]`, value: k, detail }));
}

/** Keys sorted: Go ranges over the maps in random order. */
const keys = (m: Obj) => Object.keys(m).sort();

function immutableCauses(obj: KubeObject, old: KubeObject | undefined, fields: string[]): FieldError[] {
  if (!old || old.immutable !== true) return [];
  const out: FieldError[] = [];
  if (obj.immutable !== true) out.push({ type: 'Forbidden', field: 'immutable', detail: IMMUTABLE_SET });
  for (const f of fields) {
    if (!sameMap(asObj(obj[f]), asObj(old[f]))) out.push({ type: 'Forbidden', field: f, detail: IMMUTABLE_SET });
  }
  return out;
}

function sameMap(a: Obj, b: Obj): boolean {
  const ka = keys(a);
  const kb = keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/** ValidateConfigMap (and ValidateConfigMapUpdate's immutability when `old` is given). */
export function configMapCauses(obj: KubeObject, old?: KubeObject): FieldError[] {
  const out = immutableCauses(obj, old, ['data', 'binaryData']);
  const data = asObj(obj.data);
  const binary = asObj(obj.binaryData);
  let size = 0;
  for (const k of keys(data)) {
    out.push(...keyCauses('data', k));
    if (hasOwn(binary, k)) out.push({ type: 'Invalid value', field: `data[${k}]`, value: k, detail: 'duplicate of key present in binaryData' });
    size += Buffer.byteLength(String(data[k] ?? ''), 'utf8');
  }
  for (const k of keys(binary)) {
    out.push(...keyCauses('binaryData', k));
    size += base64Size(binary[k]);
  }
  // The error names the whole object: an empty field path.
  if (size > MAX_CONFIG_SIZE) out.push({ type: 'Too long', field: '', detail: `may not be more than ${MAX_CONFIG_SIZE} bytes` });
  return out;
}

/** Keys each built-in Secret type requires in data (ValidateSecret's switch on type). */
export function secretCauses(obj: KubeObject, old?: KubeObject): FieldError[] {
  const out: FieldError[] = [];
  if (old && (old.type ?? '') !== (obj.type ?? '')) out.push({ type: 'Invalid value', field: 'type', value: obj.type ?? '', detail: 'field is immutable' });
  out.push(...immutableCauses(obj, old, ['data']));
  const data = asObj(obj.data);
  let size = 0;
  for (const k of keys(data)) {
    out.push(...keyCauses('data', k));
    size += base64Size(data[k]);
  }
  if (size > MAX_CONFIG_SIZE) out.push({ type: 'Too long', field: 'data', detail: `may not be more than ${MAX_CONFIG_SIZE} bytes` });
  const required = (k: string): FieldError => ({ type: 'Required value', field: `data[${k}]` });
  const bytes = (k: string) => (hasOwn(data, k) ? Buffer.from(String(data[k] ?? ''), 'base64') : undefined);
  switch (obj.type) {
    case 'kubernetes.io/service-account-token':
      if (!obj.metadata.annotations?.['kubernetes.io/service-account.name']) out.push({ type: 'Required value', field: 'metadata.annotations[kubernetes.io/service-account.name]' });
      break;
    case 'kubernetes.io/dockercfg':
      out.push(...jsonKeyCauses('.dockercfg', bytes('.dockercfg')));
      break;
    case 'kubernetes.io/dockerconfigjson':
      out.push(...jsonKeyCauses('.dockerconfigjson', bytes('.dockerconfigjson')));
      break;
    case 'kubernetes.io/basic-auth':
      // Either may be empty, but one of them must be there.
      if (!hasOwn(data, 'username') && !hasOwn(data, 'password')) out.push(required('username'), required('password'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!bytes('ssh-privatekey')?.length) out.push(required('ssh-privatekey'));
      break;
    case 'kubernetes.io/tls':
      if (!hasOwn(data, 'tls.crt')) out.push(required('tls.crt'));
      if (!hasOwn(data, 'tls.key')) out.push(required('tls.key'));
      break;
  }
  return out;
}

/** A docker config key must be there and hold a JSON object; the value is never echoed back. */
function jsonKeyCauses(key: string, value: Buffer | undefined): FieldError[] {
  if (value === undefined) return [{ type: 'Required value', field: `data[${key}]` }];
  const err = goJsonObjectError(value.toString('utf8'));
  return err ? [{ type: 'Invalid value', field: `data[${key}]`, value: '<secret contents redacted>', detail: err }] : [];
}

/** encoding/json's complaint when text is not a JSON object (json.Unmarshal into map[string]interface{}). */
function goJsonObjectError(text: string): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    const first = text.trimStart()[0];
    if (first === undefined || /end of JSON input/.test(String(e))) return 'unexpected end of JSON input';
    if (!/[-{["0-9tfn]/.test(first)) return `invalid character '${first}' looking for beginning of value`;
    return `invalid character '${first}' in JSON input`;
  }
  if (v === null || (typeof v === 'object' && !Array.isArray(v))) return undefined;
  const kind = Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v;
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}
