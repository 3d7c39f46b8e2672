// The running port-forward: listeners on the local addresses (client-go's rules for which must succeed and what
// is printed), one HTTP bridge per listener into the pod's loopback, and the end conditions kubectl has:
// Ctrl-C (exit 0), or the connection to the pod lost (a forwarding error, the pod gone) -> error, exit 1.
import type { Server } from 'node:http';
import { CommandError } from '../api/errors.js';
import type { Pod, KubeObject } from '../api/types.js';
import { getObject } from '../store/objects.js';
import { createBridgeServer } from './http-bridge.js';
import type { Engine, PodRef } from './engine.js';
import { forwardErrorLine } from './klog.js';
import { POLL_MS, type LiveCluster } from './live-state.js';
import { attachablePod, findTarget, joinHostPort, type ForwardedPort, type ListenAddress, type Target } from './resolve.js';

export interface ForwardIO {
  out(line: string): void;
  err(line: string): void;
  now(): Date;
  pid: number;
}

/** Go's syscall error strings for the bind failures a user meets. */
function bindErrorText(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'EADDRINUSE':
      return 'bind: address already in use';
    case 'EADDRNOTAVAIL':
      return 'bind: cannot assign requested address';
    case 'EACCES':
      return 'bind: permission denied';
    case 'EAFNOSUPPORT':
      return 'socket: address family not supported by protocol';
    default:
      return e.message;
  }
}

/** Listens on host:port; resolves with the server or rejects with the Node error. */
export function listenOn(server: Server, address: ListenAddress, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: address.address, port, ipv6Only: address.protocol === 'tcp6', exclusive: true });
  });
}

export type ForwardEnd = { kind: 'interrupted' } | { kind: 'lost' };

export class PortForwarder {
  private servers: Server[] = [];
  private ended: ((end: ForwardEnd) => void) | undefined;
  readonly done: Promise<ForwardEnd>;
  private finished = false;

  constructor(
    private readonly live: LiveCluster,
    private readonly engine: Engine,
    private readonly pod: PodRef,
    private readonly ports: ForwardedPort[],
    private readonly addresses: ListenAddress[],
    private readonly io: ForwardIO,
  ) {
    this.done = new Promise((resolve) => (this.ended = resolve));
    live.onChange(() => this.checkPod());
  }

  /**
   * client-go ForwardPorts: every port on every address; per port, "Unable to listen on port" when its group
   * fails; true when at least one port listens.
   */
  async listen(): Promise<boolean> {
    let any = false;
    for (const port of this.ports) {
      const errors: string[] = [];
      const fail = { all: 0, any: 0 };
      const ok = { all: 0, any: 0 };
      for (const address of this.addresses) {
        const server = this.bridgeFor(port);
        try {
          const bound = await listenOn(server, address, port.local);
          if (port.local === 0) port.local = bound; // the same chosen port is used for the next address
          this.servers.push(server);
          ok[address.failureMode]++;
          this.io.out(`Forwarding from ${joinHostPort(address.address, bound)} -> ${port.remote}`);
        } catch (e) {
          fail[address.failureMode]++;
          errors.push(`unable to create listener: Error listen ${address.protocol} ${joinHostPort(address.address, port.local)}: ${bindErrorText(e as NodeJS.ErrnoException)}`);
        }
      }
      if ((ok.all === 0 && fail.all > 0) || fail.any > 0) {
        this.io.err(`Unable to listen on port ${port.local}: Listeners failed to create with the following errors: [${errors.join(' ')}]`);
      } else {
        any = true;
      }
    }
    return any;
  }

  private bridgeFor(port: ForwardedPort): Server {
    return createBridgeServer({
      refuse: 'close',
      connect: () => {
        this.io.out(`Handling connection for ${port.local}`);
        return this.engine.connectPodLoopback(this.live.view, this.pod, port.remote);
      },
      onConnectFailed: (_socket, result) => {
        this.live.appendFlows(result.flows);
        this.io.err(forwardErrorLine(this.io.now(), this.io.pid, this.pod.uid, port.local, port.remote));
        // client-go closes the whole stream connection after a forwarding error.
        setImmediate(() => this.finish({ kind: 'lost' }));
      },
      onSent: (result) => {
        this.live.appendLogs(result.logs);
        this.live.appendFlows(result.flows);
        if (result.kind === 'refused') setImmediate(() => this.finish({ kind: 'lost' }));
      },
    });
  }

  /** The kubelet's stream ends when the pod is gone (deleted, replaced under the same name, or stopped). */
  private checkPod(): void {
    const p = getObject<Pod>(this.live.view().state, 'pods', this.pod.namespace, this.pod.name) as (Pod & KubeObject) | undefined;
    const gone = !p || p.metadata.uid !== this.pod.uid || (p.status?.phase !== undefined && p.status.phase !== 'Running' && p.status.phase !== 'Pending' && p.status.phase !== 'Unknown');
    const terminated = p?.metadata.deletionTimestamp !== undefined && Date.parse(p.metadata.deletionTimestamp) <= this.io.now().getTime();
    if (gone || terminated) this.finish({ kind: 'lost' });
  }

  interrupt(): void {
    this.finish({ kind: 'interrupted' });
  }

  private finish(end: ForwardEnd): void {
    if (this.finished) return;
    this.finished = true;
    this.ended?.(end);
  }

  /** Closes every listener and connection: no port stays bound. */
  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
    this.servers = [];
  }
}

/** GetFirstPod: the chosen pod now, or the first to appear within the timeout (the file is polled, no lock). */
export async function waitForPod(live: LiveCluster, target: Target, timeoutMs: number): Promise<Pod & KubeObject> {
  const deadline = Date.now() + timeoutMs;
  let current = target;
  for (;;) {
    const choice = attachablePod(live.view().state, current);
    if (choice.kind === 'pod') return choice.pod;
    if (Date.now() >= deadline) throw new CommandError('timed out waiting for the condition');
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
    live.reload();
    current = { info: target.info, obj: findTarget(live.view().state, target.obj.metadata.namespace ?? 'default', `${target.info.resource}/${target.obj.metadata.name}`).obj };
  }
}
