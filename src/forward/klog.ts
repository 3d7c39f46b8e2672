// The error line client-go logs (klog, through runtime.HandleError) when the kubelet cannot connect inside the
// pod: format strings from client-go, the kubelet and containerd (reference §3.2).
import { createHash } from 'node:crypto';
import { klogLine } from '../util/klog.js';

/** containerd's sandbox id for a pod: 64 hex digits, stable for the pod's life (derived from its uid). */
export function sandboxID(podUID: string): string {
  return createHash('sha256').update(`sandbox:${podUID}`).digest('hex');
}

/** The CNI network namespace path containerd creates for the sandbox: /var/run/netns/cni-<uuid>. */
export function netnsPath(podUID: string): string {
  const h = createHash('sha256').update(`netns:${podUID}`).digest('hex');
  return `/var/run/netns/cni-${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Go's %q for the ASCII text these messages hold. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** The wrapped error text, from the innermost (containerd) out to client-go. */
export function forwardErrorText(podUID: string, localPort: number, remotePort: number): string {
  const sandbox = sandboxID(podUID);
  const inner = `failed to connect to localhost:${remotePort} inside namespace ${goQuote(sandbox)}, IPv4: dial tcp4 127.0.0.1:${remotePort}: connect: connection refused IPv6 dial tcp6 [::1]:${remotePort}: connect: connection refused `;
  const containerd = `failed to execute portforward in network namespace ${goQuote(netnsPath(podUID))}: ${inner}`;
  const kubelet = `error forwarding port ${remotePort} to pod ${sandbox}, uid : ${containerd}`;
  return `an error occurred forwarding ${localPort} -> ${remotePort}: ${kubelet}`;
}

/** The whole line runtime.HandleError logs for a failed forward. */
export function forwardErrorLine(at: Date, pid: number, podUID: string, localPort: number, remotePort: number): string {
  return klogLine('E', at, pid, 'portforward.go:424', `"Unhandled Error" err=${goQuote(forwardErrorText(podUID, localPort, remotePort))}`);
}
