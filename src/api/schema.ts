// The API server's decoding of a request body against the generated schema (src/api/schema-data.ts):
// Go's encoding/json type errors (the earliest one wins, as json.Unmarshal reports it), strict-decoding
// unknown fields (fieldValidation=Strict), and pruning of unknown fields (what the server stores). The walk
// itself is in decode.ts. Loaded only by commands that write objects (it pulls in the 40 KB schema table).
import { decodeWith, missingRequiredWith, type DecodeResult, type SchemaDefs } from './decode.js';
import { SCHEMA } from './schema-data.js';
import { own } from '../util/own.js';

export type { DecodeResult, SchemaDef, SchemaDefs } from './decode.js';

const GROUP_PREFIX: Record<string, string> = {
  '': 'IoK8sApiCoreV1',
  apps: 'IoK8sApiAppsV1',
  'networking.k8s.io': 'IoK8sApiNetworkingV1',
  'discovery.k8s.io': 'IoK8sApiDiscoveryV1',
  'coordination.k8s.io': 'IoK8sApiCoordinationV1',
  batch: 'IoK8sApiBatchV1',
  autoscaling: 'IoK8sApiAutoscalingV2',
  policy: 'IoK8sApiPolicyV1',
  'rbac.authorization.k8s.io': 'IoK8sApiRbacV1',
  'scheduling.k8s.io': 'IoK8sApiSchedulingV1',
};

/** The served version of a group when it is not v1. */
const GROUP_VERSION: Record<string, string> = { autoscaling: 'v2' };

/** The schema definition of a served kind ("apps/v1", "Deployment") or undefined. */
export function definitionFor(apiVersion: string, kind: string, defs: SchemaDefs = SCHEMA): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (version !== (own(GROUP_VERSION, group) ?? 'v1')) return undefined;
  const prefix = own(GROUP_PREFIX, group);
  const id = prefix && `${prefix}${kind}`;
  return id && own(defs, id) ? id : undefined;
}

/** Decodes `obj` against definition `rootId` (see decode.ts). */
export function decodeObject(obj: unknown, rootId: string, defs: SchemaDefs = SCHEMA): DecodeResult {
  return decodeWith(obj, rootId, defs);
}

/** Fields the schema requires that are absent, as paths (used for kinds without hand-written validation). */
export function missingRequired(obj: unknown, rootId: string, defs: SchemaDefs = SCHEMA): string[] {
  return missingRequiredWith(obj, rootId, defs);
}
