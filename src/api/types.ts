// Object types. Field shapes come from kubernetes-types, made mutable: controllers update objects in place
// inside a state that is saved as a whole.
import type * as core from 'kubernetes-types/core/v1.js';
import type * as apps from 'kubernetes-types/apps/v1.js';
import type * as discovery from 'kubernetes-types/discovery/v1.js';
import type * as networking from 'kubernetes-types/networking/v1.js';
import type * as meta from 'kubernetes-types/meta/v1.js';

/** Removes kubernetes-types' readonly markers, deeply. */
export type Mutable<T> = T extends (infer U)[]
  ? Mutable<U>[]
  : T extends readonly (infer U)[]
    ? Mutable<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Mutable<T[K]> }
      : T;

export type ObjectMeta = Mutable<meta.ObjectMeta>;
export type LabelSelector = Mutable<meta.LabelSelector>;
export type Pod = Mutable<core.Pod>;
export type PodSpec = Mutable<core.PodSpec>;
export type PodStatus = Mutable<core.PodStatus>;
export type Container = Mutable<core.Container>;
export type ContainerPort = Mutable<core.ContainerPort>;
export type ContainerStatus = Mutable<core.ContainerStatus>;
export type Probe = Mutable<core.Probe>;
export type Service = Mutable<core.Service>;
export type ServiceSpec = Mutable<core.ServiceSpec>;
export type ServicePort = Mutable<core.ServicePort>;
export type Endpoints = Mutable<core.Endpoints>;
export type EndpointSubset = Mutable<core.EndpointSubset>;
export type EndpointAddress = Mutable<core.EndpointAddress>;
export type EndpointPort = Mutable<core.EndpointPort>;
export type Node = Mutable<core.Node>;
export type Namespace = Mutable<core.Namespace>;
export type Event = Mutable<core.Event>;
export type ReplicationController = Mutable<core.ReplicationController>;
export type PodTemplateSpec = Mutable<core.PodTemplateSpec>;
export type Deployment = Mutable<apps.Deployment>;
export type ReplicaSet = Mutable<apps.ReplicaSet>;
export type EndpointSlice = Mutable<discovery.EndpointSlice>;
export type Ingress = Mutable<networking.Ingress>;
export type NetworkPolicy = Mutable<networking.NetworkPolicy>;

/** Any stored object: apiVersion, kind and metadata always present. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string };
  [field: string]: unknown;
}

/** Narrow a stored object to its kubernetes-types shape. */
export function as<T>(o: KubeObject): T & KubeObject {
  return o as unknown as T & KubeObject;
}
