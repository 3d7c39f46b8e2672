// The simulated ingress-nginx install and its status writer. The default cluster gets the controller the
// moment the first Ingress is written (as if the workshop's `kubectl apply -f .../deploy/static/provider/
// kind/deploy.yaml` had run just before): created lazily so that a cluster without Ingresses keeps every name,
// address and random draw it had before. Then, as the controller's status sync does, every Ingress of class
// nginx gets the controller Service's load-balancer IP as its ADDRESS.
import type { Ingress, KubeObject, Service } from '../api/types.js';
import { getObject, listObjects, putObject } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import { createObject } from './apiserver.js';
import type { Ctx } from './context.js';
import { recordEvent } from './events.js';

export const INGRESS_NAMESPACE = 'ingress-nginx';
export const INGRESS_SERVICE = 'ingress-nginx-controller';
export const INGRESS_CLASS = 'nginx';
export const INGRESS_CONTROLLER = 'k8s.io/ingress-nginx';
const IMAGE = 'registry.k8s.io/ingress-nginx/controller:v1.12.1';

const LABELS = { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/part-of': 'ingress-nginx', 'app.kubernetes.io/version': '1.12.1' };
const SELECTOR = { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/name': 'ingress-nginx' };

/** The objects of the install, in the order the manifest creates them. */
function manifest(): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: INGRESS_NAMESPACE, labels: { 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/name': 'ingress-nginx' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ingress-nginx', namespace: INGRESS_NAMESPACE, labels: LABELS }, automountServiceAccountToken: true },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: INGRESS_CLASS, labels: LABELS, annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
      spec: { controller: INGRESS_CONTROLLER },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: INGRESS_SERVICE, namespace: INGRESS_NAMESPACE, labels: LABELS },
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        ipFamilyPolicy: 'SingleStack',
        ipFamilies: ['IPv4'],
        selector: SELECTOR,
        ports: [
          { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http', appProtocol: 'http' },
          { name: 'https', port: 443, protocol: 'TCP', targetPort: 'https', appProtocol: 'https' },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: INGRESS_SERVICE, namespace: INGRESS_NAMESPACE, labels: LABELS },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 10,
        minReadySeconds: 0,
        selector: { matchLabels: SELECTOR },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        template: {
          metadata: { labels: LABELS },
          spec: {
            serviceAccountName: 'ingress-nginx',
            terminationGracePeriodSeconds: 0,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: 'controller',
                image: IMAGE,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  '/nginx-ingress-controller',
                  '--election-id=ingress-nginx-leader',
                  `--controller-class=${INGRESS_CONTROLLER}`,
                  `--ingress-class=${INGRESS_CLASS}`,
                  '--configmap=$(POD_NAMESPACE)/ingress-nginx-controller',
                  '--watch-ingress-without-class=true',
                  '--publish-status-address=localhost',
                ],
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'LD_PRELOAD', value: '/usr/local/lib/libmimalloc.so' },
                ],
                ports: [
                  { name: 'http', containerPort: 80, protocol: 'TCP' },
                  { name: 'https', containerPort: 443, protocol: 'TCP' },
                  { name: 'webhook', containerPort: 8443, protocol: 'TCP' },
                ],
                resources: { requests: { cpu: '100m', memory: '90Mi' } },
              },
            ],
          },
        },
      },
    },
  ] as KubeObject[];
}

/** Whether an Ingress belongs to the nginx controller (its class, or no class: the default class is nginx). */
export function servedByNginx(ing: Ingress & KubeObject): boolean {
  const cls = ing.spec?.ingressClassName ?? ing.metadata.annotations?.['kubernetes.io/ingress.class'];
  return cls === undefined || cls === INGRESS_CLASS;
}

export function runIngressController(state: ClusterState, ctx: Ctx): void {
  if (state.objects.keys('ingresses').length === 0) return;
  if (!state.objects.has('namespaces', INGRESS_NAMESPACE) && !state.objects.has('ingressclasses', INGRESS_CLASS)) {
    for (const o of manifest()) createObject(state, ctx, o, { namespace: o.metadata.namespace ?? 'default' });
  }
  const svc = getObject<Service>(state, 'services', INGRESS_NAMESPACE, INGRESS_SERVICE);
  const ip = svc?.status?.loadBalancer?.ingress?.[0]?.ip;
  for (const ing of listObjects<Ingress>(state, 'ingresses')) {
    if (!servedByNginx(ing)) continue;
    const want = ip ? [{ ip }] : [];
    const have = ing.status?.loadBalancer?.ingress ?? [];
    if (JSON.stringify(have) === JSON.stringify(want)) continue;
    ing.status = { loadBalancer: want.length ? { ingress: want } : {} };
    putObject(state, 'ingresses', ing);
    // The controller's status sync announces itself on the Ingress.
    if (want.length) recordEvent(state, ctx, ing, { reason: 'Sync', message: 'Scheduled for sync', component: 'nginx-ingress-controller' });
  }
}
