// What a container's process does once started, as far as the kubelet can see: it keeps running (a server,
// `sleep infinity`) or exits after a while with a code. Images and commands decide (src/apps owns the data).
import type { Container, Pod } from '../api/types.js';

export type ContainerOutcome = { kind: 'runs' } | { kind: 'exits'; exitCode: number; afterMs: number };

export function containerOutcome(_pod: Pod, _container: Container): ContainerOutcome {
  return { kind: 'runs' };
}
