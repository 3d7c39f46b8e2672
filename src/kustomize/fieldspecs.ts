// Where kustomize's built-in transformers write: the field paths it changes for labels, annotations and
// names, kind by kind (docs/kustomize-facts.md). A path walks maps by key and every element of a list it
// meets; `create` says whether missing maps on the way are made (else the field is changed only if present).

export interface FieldSpec {
  /** Kinds the spec applies to; undefined for every kind. */
  kinds?: readonly string[];
  /** Only for this API group (`apps`, `batch`, ...), when set. */
  group?: string;
  path: string;
  create: boolean;
}

const WORKLOADS = ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job'] as const;

const AFFINITY = [
  'podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm',
  'podAffinity/requiredDuringSchedulingIgnoredDuringExecution',
  'podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm',
  'podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution',
];

/** Labels on objects and pod templates (the `labels` field without selectors, and part of commonLabels). */
export const TEMPLATE_LABELS: FieldSpec[] = [
  { path: 'metadata/labels', create: true },
  { kinds: ['ReplicationController', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job'], path: 'spec/template/metadata/labels', create: true },
  { kinds: ['StatefulSet'], path: 'spec/volumeClaimTemplates/metadata/labels', create: true },
  { kinds: ['CronJob'], path: 'spec/jobTemplate/metadata/labels', create: true },
  { kinds: ['CronJob'], path: 'spec/jobTemplate/spec/template/metadata/labels', create: true },
];

/** commonLabels (and `labels` with includeSelectors): the template labels plus every selector. */
export const SELECTOR_LABELS: FieldSpec[] = [
  { kinds: ['Service', 'ReplicationController'], path: 'spec/selector', create: true },
  { kinds: ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'], path: 'spec/selector/matchLabels', create: true },
  ...['Deployment', 'StatefulSet'].flatMap((k) => [
    ...AFFINITY.map((a) => ({ kinds: [k], group: 'apps', path: `spec/template/spec/affinity/${a}/labelSelector/matchLabels`, create: false })),
    { kinds: [k], group: 'apps', path: 'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels', create: false },
  ]),
  { kinds: ['Job'], group: 'batch', path: 'spec/selector/matchLabels', create: false },
  { kinds: ['CronJob'], group: 'batch', path: 'spec/jobTemplate/spec/selector/matchLabels', create: false },
  { kinds: ['PodDisruptionBudget'], group: 'policy', path: 'spec/selector/matchLabels', create: false },
  { kinds: ['NetworkPolicy'], group: 'networking.k8s.io', path: 'spec/podSelector/matchLabels', create: false },
  { kinds: ['NetworkPolicy'], group: 'networking.k8s.io', path: 'spec/ingress/from/podSelector/matchLabels', create: false },
  { kinds: ['NetworkPolicy'], group: 'networking.k8s.io', path: 'spec/egress/to/podSelector/matchLabels', create: false },
];

export const ANNOTATIONS: FieldSpec[] = [
  { path: 'metadata/annotations', create: true },
  { kinds: ['ReplicationController', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job'], path: 'spec/template/metadata/annotations', create: true },
  { kinds: ['CronJob'], path: 'spec/jobTemplate/metadata/annotations', create: true },
  { kinds: ['CronJob'], path: 'spec/jobTemplate/spec/template/metadata/annotations', create: true },
];

export const REPLICA_KINDS = new Set(['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet']);

/** A name reference: fields of `referrers` kinds that hold the name of an object of kind `target`. */
export interface NameReference {
  target: string;
  fields: { kinds: readonly string[]; path: string }[];
}

/** Where a pod spec sits in each kind that carries one. */
const POD_SPEC_AT: [readonly string[], string][] = [
  [['Pod'], 'spec'],
  [['PodTemplate'], 'template/spec'],
  [['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'ReplicationController'], 'spec/template/spec'],
  [['CronJob'], 'spec/jobTemplate/spec/template/spec'],
];

function inPodSpecs(paths: string[], only?: readonly string[]): { kinds: readonly string[]; path: string }[] {
  const out: { kinds: readonly string[]; path: string }[] = [];
  for (const [kinds, at] of POD_SPEC_AT) {
    const ks = only ? kinds.filter((k) => only.includes(k)) : kinds;
    if (ks.length) for (const p of paths) out.push({ kinds: ks, path: `${at}/${p}` });
  }
  return out;
}

const CONTAINERS = ['containers', 'initContainers'];
const NOT_RC = ['Pod', 'PodTemplate', ...WORKLOADS, 'CronJob'];

export const NAME_REFERENCES: NameReference[] = [
  ...['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((t) => ({ target: t, fields: [{ kinds: ['HorizontalPodAutoscaler'], path: 'spec/scaleTargetRef/name' }] })),
  {
    target: 'ConfigMap',
    fields: [
      ...inPodSpecs(['volumes/configMap/name', 'volumes/projected/sources/configMap/name', ...CONTAINERS.flatMap((c) => [`${c}/env/valueFrom/configMapKeyRef/name`, `${c}/envFrom/configMapRef/name`])], NOT_RC),
      { kinds: ['Role', 'ClusterRole'], path: 'rules/resourceNames' },
    ],
  },
  {
    target: 'Secret',
    fields: [
      ...inPodSpecs(['volumes/secret/secretName', 'volumes/projected/sources/secret/name', 'imagePullSecrets/name', ...CONTAINERS.flatMap((c) => [`${c}/env/valueFrom/secretKeyRef/name`, `${c}/envFrom/secretRef/name`])], NOT_RC),
      { kinds: ['Ingress'], path: 'spec/tls/secretName' },
      { kinds: ['ServiceAccount'], path: 'imagePullSecrets/name' },
      { kinds: ['Role', 'ClusterRole'], path: 'rules/resourceNames' },
    ],
  },
  {
    target: 'Service',
    fields: [
      { kinds: ['StatefulSet'], path: 'spec/serviceName' },
      { kinds: ['Ingress'], path: 'spec/rules/http/paths/backend/service/name' },
      { kinds: ['Ingress'], path: 'spec/defaultBackend/service/name' },
    ],
  },
  { target: 'Role', fields: [{ kinds: ['RoleBinding'], path: 'roleRef/name' }] },
  { target: 'ClusterRole', fields: [{ kinds: ['RoleBinding', 'ClusterRoleBinding'], path: 'roleRef/name' }] },
  {
    target: 'ServiceAccount',
    fields: inPodSpecs(['serviceAccountName'], ['Pod', 'StatefulSet', 'Deployment', 'ReplicationController', 'CronJob', 'Job', 'DaemonSet']),
  },
  { target: 'PersistentVolumeClaim', fields: inPodSpecs(['volumes/persistentVolumeClaim/claimName'], ['Pod', 'StatefulSet', 'Deployment', 'ReplicationController', 'CronJob', 'Job', 'DaemonSet']) },
  { target: 'PersistentVolume', fields: [{ kinds: ['PersistentVolumeClaim'], path: 'spec/volumeName' }] },
  {
    target: 'StorageClass',
    fields: [
      { kinds: ['PersistentVolume', 'PersistentVolumeClaim'], path: 'spec/storageClassName' },
      { kinds: ['StatefulSet'], path: 'spec/volumeClaimTemplates/spec/storageClassName' },
    ],
  },
  { target: 'PriorityClass', fields: inPodSpecs(['priorityClassName'], ['Pod', 'StatefulSet', 'Deployment', 'ReplicationController', 'CronJob', 'Job', 'DaemonSet']) },
  { target: 'IngressClass', fields: [{ kinds: ['Ingress'], path: 'spec/ingressClassName' }] },
];

/** kustomize's output order ("legacy" sort): these kinds first, in this order; the webhooks last. */
export const ORDER_FIRST = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount', 'PodSecurityPolicy', 'Role',
  'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'Secret', 'Endpoints', 'Service', 'LimitRange',
  'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget',
];
export const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];
