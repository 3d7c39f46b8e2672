// Field validation with the API server's wording (reference §6). Throws InvalidError listing every cause.
import { InvalidError, type FieldError } from './errors.js';
import type { KubeObject } from './types.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

export function checkSubdomain(field: string, value: string): FieldError[] {
  const out: FieldError[] = [];
  if (value.length > 253) out.push({ type: 'Invalid value', field, value, detail: 'must be no more than 253 characters' });
  if (!DNS1123_SUBDOMAIN.test(value)) out.push({ type: 'Invalid value', field, value, detail: DNS1123_SUBDOMAIN_MSG });
  return out;
}

export function checkLabel(field: string, value: string): FieldError[] {
  const out: FieldError[] = [];
  if (value.length > 63) out.push({ type: 'Invalid value', field, value, detail: 'must be no more than 63 characters' });
  if (!DNS1123_LABEL.test(value)) out.push({ type: 'Invalid value', field, value, detail: DNS1123_SUBDOMAIN.test(value) ? 'must not contain dots' : DNS1123_LABEL_MSG });
  return out;
}

export function checkDns1035(field: string, value: string): FieldError[] {
  const out: FieldError[] = [];
  if (value.length > 63) out.push({ type: 'Invalid value', field, value, detail: 'must be no more than 63 characters' });
  if (!DNS1035_LABEL.test(value)) out.push({ type: 'Invalid value', field, value, detail: DNS1035_LABEL_MSG });
  return out;
}

/** Validates an object of any served kind; throws InvalidError when there are causes. */
export function validateObject(obj: KubeObject, _old?: KubeObject): void {
  const causes: FieldError[] = [];
  const name = obj.metadata?.name ?? '';
  if (!name) causes.push({ type: 'Required value', field: 'metadata.name', detail: 'name or generateName is required' });
  else if (obj.kind === 'Service') causes.push(...checkDns1035('metadata.name', name));
  else if (obj.kind === 'Namespace') causes.push(...checkLabel('metadata.name', name));
  else causes.push(...checkSubdomain('metadata.name', name));
  if (causes.length) throw new InvalidError(obj.kind, name, causes);
}
