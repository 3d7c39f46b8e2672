// Namespaces: phase Active on create; deleting one takes its contents with it (apiserver.ts).
import { validateObject } from '../api/validation.js';
import type { Strategy } from './strategies.js';

export const namespaceStrategy: Strategy = {
  validate(obj, _state, old) {
    validateObject(obj, old);
  },
  prepareForCreate(obj) {
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    obj.spec = { finalizers: ['kubernetes'] };
    obj.status = { phase: 'Active' };
  },
};

export function namespaceObject(name: string) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}
