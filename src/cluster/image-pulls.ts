// The kubelet's image manager: whether a container's image is on the node or can be pulled, under its
// imagePullPolicy, with the events a real kubelet records; and, for an image that cannot be pulled, the
// ErrImagePull / ImagePullBackOff cycle on the simulated clock (the pull back-off starts at 10 s and doubles
// to 5 min, as the kubelet's does).
import { createHash } from 'node:crypto';
import type { Container, KubeObject, Pod } from '../api/types.js';
import { pullImage } from '../apps/registry.js';
import type { ClusterState } from '../store/state.js';
import type { Ctx } from './context.js';
import { recordEvent, syncSeries } from './events.js';

type PodObj = Pod & KubeObject;
type NodeImage = { names: string[]; sizeBytes: number };

/** Waiting reasons of a container whose image is not there: it was never created. */
export const IMAGE_WAITING_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

const PULL_BACKOFF_START_MS = 10_000;
const PULL_BACKOFF_MAX_MS = 300_000;
/** How long ErrImagePull shows after a failed pull before the next sync reports the back-off. */
const ERR_SHOWN_MS = 5_000;
/** The pod worker's resync while a container cannot start: each one repeats the back-off events. */
const SYNC_MS = 10_000;

export type ImageStep = { kind: 'ready' } | { kind: 'failed'; reason: string; message: string };

/** The fully qualified reference containerd reports: docker.io/library/nginx:latest. */
export function normalizeImage(image: string): string {
  let ref = image;
  const first = ref.split('/')[0];
  const hasRegistry = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) ref = ref.includes('/') ? `docker.io/${ref}` : `docker.io/library/${ref}`;
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  if (!last.includes(':') && !ref.includes('@')) ref += ':latest';
  return ref;
}

/** The image's digest reference as containerd reports it (stable per repository). */
export function imageID(image: string): string {
  const ref = normalizeImage(image);
  const repo = ref.includes('@') ? ref.slice(0, ref.indexOf('@')) : ref.slice(0, ref.lastIndexOf(':'));
  return `${repo}@sha256:${createHash('sha256').update(`image:${repo}`).digest('hex')}`;
}

function formatPullDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s` : `${ms}ms`;
}

/**
 * EnsureImageExists for one container when the pod starts: "already present", a pull, or the reason the
 * container cannot be created. A pulled image joins the node's image list (node.status.images).
 */
export function ensureImage(state: ClusterState, ctx: Ctx, pod: PodObj, c: Container, nodeName: string, nodeImages: NodeImage[], fieldPath: string, at?: Date): ImageStep {
  const image = c.image ?? '';
  const ev = (type: 'Normal' | 'Warning', reason: string, message: string) => recordEvent(state, ctx, pod, { type, reason, message, fieldPath, component: 'kubelet', host: nodeName, at });
  const pulled = pullImage(image, ctx.images ?? []);
  if (!pulled.ok && pulled.reason === 'InvalidImageName') {
    ev('Warning', 'InspectFailed', pulled.message);
    ev('Warning', 'Failed', 'Error: InvalidImageName');
    return { kind: 'failed', reason: 'InvalidImageName', message: pulled.message };
  }
  const present = nodeImages.some((i) => i.names.includes(normalizeImage(image)));
  const policy = c.imagePullPolicy ?? 'IfNotPresent';
  if (present && policy !== 'Always') {
    ev('Normal', 'Pulled', `Container image "${image}" already present on machine`);
    return { kind: 'ready' };
  }
  if (policy === 'Never') {
    const message = `Container image "${image}" is not present with pull policy of Never`;
    ev('Warning', 'ErrImageNeverPull', message);
    ev('Warning', 'Failed', 'Error: ErrImageNeverPull');
    return { kind: 'failed', reason: 'ErrImageNeverPull', message };
  }
  ev('Normal', 'Pulling', `Pulling image "${image}"`);
  if (!pulled.ok) {
    // The first failure; later attempts and back-offs are counted by refreshImageBackOff as time passes.
    ev('Warning', 'Failed', `Failed to pull image "${image}": ${pulled.message}`);
    ev('Warning', 'Failed', 'Error: ErrImagePull');
    return { kind: 'failed', reason: 'ErrImagePull', message: pulled.message };
  }
  const secs = formatPullDuration(400 + ctx.random.int(5000));
  ev('Normal', 'Pulled', `Successfully pulled image "${image}" in ${secs} (${secs} including waiting). Image size: ${pulled.sizeBytes} bytes.`);
  if (!present) nodeImages.push({ names: [imageID(image), normalizeImage(image)], sizeBytes: pulled.sizeBytes });
  return { kind: 'ready' };
}

export interface PullBackOff {
  /** Pull attempts made by now (the first at the pod's start). */
  attempts: number;
  lastAttemptMs: number;
  /** ErrImagePull right after a failed attempt, then ImagePullBackOff until the next one. */
  reason: 'ErrImagePull' | 'ImagePullBackOff';
  /** Syncs that found the image in back-off, and when the first and last were. */
  backoffs: number;
  firstBackoffMs: number;
  lastBackoffMs: number;
}

/** Where the pull back-off of a container whose image cannot be pulled is at `nowMs`. */
export function pullBackOff(startMs: number, nowMs: number): PullBackOff {
  const out: PullBackOff = { attempts: 0, lastAttemptMs: startMs, reason: 'ErrImagePull', backoffs: 0, firstBackoffMs: 0, lastBackoffMs: 0 };
  let attempt = startMs;
  let backoff = PULL_BACKOFF_START_MS;
  while (attempt <= nowMs) {
    out.attempts += 1;
    out.lastAttemptMs = attempt;
    const next = attempt + backoff;
    const syncFrom = attempt + ERR_SHOWN_MS;
    if (nowMs < syncFrom) {
      out.reason = 'ErrImagePull';
      return out;
    }
    out.reason = 'ImagePullBackOff';
    const until = Math.min(next - 1, nowMs);
    const syncs = Math.floor((until - syncFrom) / SYNC_MS) + 1;
    if (out.backoffs === 0) out.firstBackoffMs = syncFrom;
    out.backoffs += syncs;
    out.lastBackoffMs = syncFrom + (syncs - 1) * SYNC_MS;
    attempt = next;
    backoff = Math.min(backoff * 2, PULL_BACKOFF_MAX_MS);
  }
  return out;
}

/**
 * The container's waiting state for an image that is not there, at `nowMs`, with the kubelet's events counted
 * up to then. Pull failures cycle through back-off; an invalid name or a Never policy repeat at each sync.
 */
export function refreshImageBackOff(state: ClusterState, ctx: Ctx, pod: PodObj, c: Container, fieldPath: string, startMs: number, nowMs: number, current: { reason: string; message?: string }): { reason: string; message?: string } {
  const image = c.image ?? '';
  const spec = (type: 'Normal' | 'Warning', reason: string, message: string) => ({ type, reason, message, fieldPath, component: 'kubelet', host: pod.spec?.nodeName });
  if (current.reason === 'InvalidImageName' || current.reason === 'ErrImageNeverPull') {
    const n = Math.floor((nowMs - startMs) / SYNC_MS) + 1;
    const last = startMs + (n - 1) * SYNC_MS;
    const first = current.reason === 'InvalidImageName' ? spec('Warning', 'InspectFailed', current.message ?? '') : spec('Warning', 'ErrImageNeverPull', current.message ?? '');
    syncSeries(state, ctx, pod, first, n, startMs, last);
    syncSeries(state, ctx, pod, spec('Warning', 'Failed', `Error: ${current.reason}`), n, startMs, last);
    return current;
  }
  const pulled = pullImage(image, ctx.images ?? []);
  const message = pulled.ok ? (current.message ?? '') : pulled.message;
  const b = pullBackOff(startMs, nowMs);
  syncSeries(state, ctx, pod, spec('Normal', 'Pulling', `Pulling image "${image}"`), b.attempts, startMs, b.lastAttemptMs);
  syncSeries(state, ctx, pod, spec('Warning', 'Failed', `Failed to pull image "${image}": ${message}`), b.attempts, startMs, b.lastAttemptMs);
  syncSeries(state, ctx, pod, spec('Warning', 'Failed', 'Error: ErrImagePull'), b.attempts, startMs, b.lastAttemptMs);
  syncSeries(state, ctx, pod, spec('Normal', 'BackOff', `Back-off pulling image "${image}"`), b.backoffs, b.firstBackoffMs, b.lastBackoffMs);
  syncSeries(state, ctx, pod, spec('Warning', 'Failed', 'Error: ImagePullBackOff'), b.backoffs, b.firstBackoffMs, b.lastBackoffMs);
  return b.reason === 'ErrImagePull' ? { reason: 'ErrImagePull', message } : { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
}
