// The registries a simulated node pulls from: which references exist, and the errors containerd returns for
// those that do not. Known = the images kubesim simulates, the common public images tutorials use, and the
// user's images file; a tag must look like one the repository publishes (versions and the usual variant words).
import { createHash } from 'node:crypto';
import { BUILTIN_IMAGES, type ImageSpec } from './images.js';

/** Registries a kind node reaches (anything else fails the DNS lookup of its host). */
const REGISTRIES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.k8s.io', 'k8s.gcr.io', 'gcr.io', 'ghcr.io', 'quay.io', 'mcr.microsoft.com', 'public.ecr.aws', 'docker.elastic.co', 'cr.l5d.io', 'us-docker.pkg.dev']);

/** Public repositories tutorials pull, beyond the simulated ones (fully qualified, no tag). */
const PUBLIC_REPOSITORIES = [
  'docker.io/library/redis', 'docker.io/library/postgres', 'docker.io/library/mysql', 'docker.io/library/mariadb', 'docker.io/library/mongo',
  'docker.io/library/httpd', 'docker.io/library/python', 'docker.io/library/node', 'docker.io/library/golang', 'docker.io/library/ubuntu',
  'docker.io/library/debian', 'docker.io/library/centos', 'docker.io/library/fedora', 'docker.io/library/rabbitmq', 'docker.io/library/memcached',
  'docker.io/library/traefik', 'docker.io/library/haproxy', 'docker.io/library/registry', 'docker.io/library/hello-world', 'docker.io/library/openjdk',
  'docker.io/library/eclipse-temurin', 'docker.io/library/php', 'docker.io/library/wordpress', 'docker.io/library/caddy', 'docker.io/library/nats',
  'docker.io/library/consul', 'docker.io/library/vault', 'docker.io/library/elasticsearch', 'docker.io/library/kibana', 'docker.io/library/tomcat',
  'docker.io/library/ruby', 'docker.io/library/rust', 'docker.io/library/perl', 'docker.io/library/amazonlinux', 'docker.io/library/rockylinux',
  'docker.io/library/almalinux', 'docker.io/library/zookeeper', 'docker.io/library/cassandra', 'docker.io/library/influxdb', 'docker.io/library/telegraf',
  'docker.io/library/adminer', 'docker.io/library/ghost', 'docker.io/library/nextcloud', 'docker.io/library/sonarqube', 'docker.io/library/swarm',
  'docker.io/bitnami/redis', 'docker.io/bitnami/postgresql', 'docker.io/bitnami/nginx', 'docker.io/bitnami/kubectl', 'docker.io/bitnami/mysql',
  'docker.io/grafana/grafana', 'docker.io/prom/prometheus', 'docker.io/prom/alertmanager', 'docker.io/prom/node-exporter', 'docker.io/jenkins/jenkins',
  'docker.io/hashicorp/vault', 'docker.io/hashicorp/consul', 'docker.io/traefik/whoami', 'docker.io/containous/whoami', 'docker.io/nginxdemos/hello',
  'docker.io/kennethreitz/httpbin', 'docker.io/mccutchen/go-httpbin', 'docker.io/paulbouwer/hello-kubernetes', 'docker.io/stefanprodan/podinfo',
  'docker.io/jmalloc/echo-server', 'docker.io/ealen/echo-server', 'docker.io/mendhak/http-https-echo', 'docker.io/rancher/local-path-provisioner',
  'docker.io/kindest/kindnetd', 'docker.io/kindest/node', 'docker.io/kindest/local-path-provisioner', 'docker.io/kindest/local-path-helper', 'docker.io/calico/node', 'docker.io/calico/cni', 'docker.io/weaveworks/scope',
  'docker.io/bitnami/kafka', 'docker.io/confluentinc/cp-kafka', 'docker.io/minio/minio', 'docker.io/portainer/portainer-ce',
  'registry.k8s.io/pause', 'registry.k8s.io/echoserver', 'registry.k8s.io/kube-proxy', 'registry.k8s.io/kube-apiserver',
  'registry.k8s.io/kube-controller-manager', 'registry.k8s.io/kube-scheduler', 'registry.k8s.io/etcd', 'registry.k8s.io/metrics-server/metrics-server',
  'registry.k8s.io/ingress-nginx/controller', 'registry.k8s.io/ingress-nginx/kube-webhook-certgen', 'registry.k8s.io/busybox', 'registry.k8s.io/nginx-slim',
  'registry.k8s.io/hpa-example', 'registry.k8s.io/liveness', 'registry.k8s.io/goproxy', 'registry.k8s.io/e2e-test-images/*',
  'k8s.gcr.io/echoserver', 'k8s.gcr.io/pause', 'k8s.gcr.io/busybox', 'k8s.gcr.io/liveness', 'k8s.gcr.io/hpa-example', 'k8s.gcr.io/nginx-slim',
  'gcr.io/google-samples/hello-app', 'gcr.io/google-samples/gb-frontend', 'gcr.io/google-samples/node-hello', 'gcr.io/google-samples/kubernetes-bootcamp',
  'gcr.io/google-samples/microservices-demo/*', 'gcr.io/kuar-demo/kuard-amd64', 'gcr.io/google_containers/*', 'gcr.io/distroless/*',
  'ghcr.io/stefanprodan/podinfo', 'quay.io/prometheus/prometheus', 'quay.io/prometheus/node-exporter', 'quay.io/jetstack/cert-manager-controller',
  'quay.io/argoproj/argocd', 'quay.io/coreos/etcd', 'quay.io/metallb/controller', 'quay.io/metallb/speaker', 'mcr.microsoft.com/dotnet/aspnet',
  'mcr.microsoft.com/dotnet/samples', 'public.ecr.aws/nginx/nginx', 'public.ecr.aws/docker/library/*', 'docker.elastic.co/elasticsearch/elasticsearch',
];

/** Tags every repository of the catalogue is taken to publish: versions and variant words, as registries list them. */
const VERSION_TAG = /^v?\d+(\.\d+){0,3}([-_.+][A-Za-z0-9]+)*$/;
const WORD_TAG = /^(latest|stable|mainline|lts|edge|current|alpine|slim|bookworm|bullseye|buster|trixie|jammy|noble|focal|bionic|management|perl|otel|windowsservercore|nanoserver|nightly|main|master|dev|debug|nonroot|static|base|jdk|jre|fpm|apache|cli|rc)([-.]?[A-Za-z0-9.]+)*$/;

export interface ParsedReference {
  /** What the image name normalises to: docker.io/library/nginx. */
  repository: string;
  /** The registry host (docker.io for Docker Hub). */
  registry: string;
  /** The path in the registry: library/nginx. */
  path: string;
  tag?: string;
  digest?: string;
}

/**
 * The reference as containerd reads it, or the parse error the kubelet reports (InvalidImageName). Names are
 * lowercase path components of [a-z0-9] separated by '.', '_', '__' or '-'; tags are [\w][\w.-]{0,127}.
 */
export function parseReference(image: string): ParsedReference | { error: string } {
  const invalid = { error: 'invalid reference format' };
  const m = /^([^@]+?)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/.exec(image);
  if (!m || image !== image.trim() || image === '') return invalid;
  const name = m[1];
  const parts = name.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) registry = parts.shift()!;
  if (registry.includes(':') && !/^[A-Za-z0-9.-]+:\d+$/.test(registry)) return invalid;
  if (parts.some((p) => p !== p.toLowerCase())) return { error: `invalid reference format: repository name (${registry === 'docker.io' && parts.length === 1 ? `library/${parts[0]}` : parts.join('/')}) must be lowercase` };
  if (!parts.every((p) => /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/.test(p))) return invalid;
  if (registry === 'index.docker.io') registry = 'docker.io';
  const path = registry === 'docker.io' && parts.length === 1 ? `library/${parts[0]}` : parts.join('/');
  return { repository: `${registry}/${path}`, registry, path, tag: m[2] ?? (m[3] ? undefined : 'latest'), digest: m[3] };
}

/** The full reference containerd pulls: docker.io/library/nginx:latest, or with @digest. */
export function fullReference(r: ParsedReference): string {
  return `${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

export type PullResult = { ok: true; sizeBytes: number } | { ok: false; reason: 'ErrImagePull' | 'InvalidImageName'; message: string };

function builtinRepositories(): string[] {
  return BUILTIN_IMAGES.map((s) => (s.repo.includes('.') && s.repo.split('/')[0].includes('.') ? s.repo : s.repo.includes('/') ? `docker.io/${s.repo}` : `docker.io/library/${s.repo}`));
}

function knownRepository(repository: string, extra: readonly ImageSpec[]): boolean {
  const matches = (pattern: string) => (pattern.endsWith('/*') ? repository.startsWith(pattern.slice(0, -1)) : repository === pattern);
  return PUBLIC_REPOSITORIES.some(matches) || builtinRepositories().some(matches) || userImage(repository, extra);
}

/** Images of the user's file pull with any tag: they stand for the user's own builds. */
function userImage(repository: string, extra: readonly ImageSpec[]): boolean {
  return extra.some((s) => {
    const p = parseReference(s.repo);
    return !('error' in p) && p.repository === repository;
  });
}

/**
 * What pulling the image gives: its size, or containerd's error as the kubelet reports it (the ErrImagePull
 * message, also the text after `Failed to pull image "x": `).
 */
export function pullImage(image: string, extra: readonly ImageSpec[] = []): PullResult {
  const r = parseReference(image);
  if ('error' in r) return { ok: false, reason: 'InvalidImageName', message: `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${r.error}` };
  const ref = fullReference(r);
  const head = `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}"`;
  if (!REGISTRIES.has(r.registry) && !userImage(r.repository, extra)) {
    const host = r.registry.split(':')[0];
    const port = r.registry.includes(':') ? `:${r.registry.split(':')[1]}` : '';
    const manifest = `https://${host}${port}/v2/${r.path}/manifests/${r.digest ?? r.tag}`;
    return { ok: false, reason: 'ErrImagePull', message: `rpc error: code = Unknown desc = ${head}: failed to do request: Head "${manifest}": dial tcp: lookup ${host} on 172.18.0.1:53: no such host` };
  }
  if (!knownRepository(r.repository, extra)) {
    return { ok: false, reason: 'ErrImagePull', message: `rpc error: code = Unknown desc = ${head}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed` };
  }
  if (r.tag && !r.digest && !userImage(r.repository, extra) && !VERSION_TAG.test(r.tag) && !WORD_TAG.test(r.tag)) {
    return { ok: false, reason: 'ErrImagePull', message: `rpc error: code = NotFound desc = ${head}: ${ref}: not found` };
  }
  return { ok: true, sizeBytes: imageSize(ref) };
}

/** A stable, plausible compressed size for the reference (2 MB to 200 MB). */
export function imageSize(ref: string): number {
  return 2_000_000 + (parseInt(createHash('sha256').update(`size:${ref}`).digest('hex').slice(0, 8), 16) % 200_000_000);
}
