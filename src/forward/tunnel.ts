// `kubesim tunnel`: like `minikube tunnel`, a local port for every NodePort and LoadBalancer service port, kept
// in step with the services while it runs. A connection enters the simulated cluster where an outside client's
// would: at the load balancer's IP (which forwards to a node) or at a node's address on the nodePort, so
// kube-proxy's rules apply per connection (backend choice, affinity, externalTrafficPolicy, SNAT).
import type { Server } from 'node:http';
import type { Service } from '../api/types.js';
import { listObjects } from '../store/objects.js';
import type { ClusterState } from '../store/state.js';
import type { Engine } from './engine.js';
import { createBridgeServer } from './http-bridge.js';
import type { LiveCluster } from './live-state.js';
import { listenOn } from './port-forward.js';
import { joinHostPort, type ListenAddress } from './resolve.js';

export interface TunnelEntry {
  /** Identity: a change of any part (new nodePort, LB IP assigned) re-creates the listener. */
  id: string;
  namespace: string;
  service: string;
  type: string;
  portName: string;
  /** Where the connection enters the cluster. */
  dstIP: string;
  dstPort: number;
  /** The local port asked for first (the nodePort, or the LB port when it is not privileged). */
  preferredLocal: number;
}

/** Every TCP port of every NodePort and LoadBalancer service, in namespace/name order. */
export function tunnelEntries(state: ClusterState): TunnelEntry[] {
  const entryNode = state.cluster.nodes[0]?.internalIP;
  const out: TunnelEntry[] = [];
  for (const svc of listObjects<Service>(state, 'services')) {
    const type = svc.spec?.type ?? 'ClusterIP';
    if (type !== 'NodePort' && type !== 'LoadBalancer') continue;
    const lbIP = type === 'LoadBalancer' ? (svc.status?.loadBalancer?.ingress ?? []).find((i) => i.ip)?.ip : undefined;
    for (const p of svc.spec?.ports ?? []) {
      if ((p.protocol ?? 'TCP') !== 'TCP') continue;
      let dstIP: string | undefined;
      let dstPort: number;
      if (lbIP) {
        dstIP = lbIP;
        dstPort = p.port;
      } else if (p.nodePort && entryNode) {
        dstIP = entryNode;
        dstPort = p.nodePort;
      } else continue; // a NodePort service whose port is not allocated yet
      const ns = svc.metadata.namespace ?? 'default';
      out.push({
        id: `${ns}/${svc.metadata.name}|${p.name ?? ''}|${dstIP}:${dstPort}`,
        namespace: ns,
        service: svc.metadata.name,
        type,
        portName: p.name ?? '',
        dstIP,
        dstPort,
        preferredLocal: p.nodePort ?? (p.port >= 1024 ? p.port : 0),
      });
    }
  }
  return out;
}

export interface OpenTunnel {
  entry: TunnelEntry;
  servers: Server[];
  /** host:port for each bound address. */
  local: string[];
}

export interface TunnelIO {
  out(text: string): void;
  err(text: string): void;
}

export class Tunnel {
  private open = new Map<string, OpenTunnel>();
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly live: LiveCluster,
    private readonly engine: Engine,
    private readonly addresses: ListenAddress[],
    private readonly io: TunnelIO,
  ) {}

  /** Opens listeners for new entries, closes those whose service or port went away. Serialized. */
  sync(): Promise<{ added: OpenTunnel[]; removed: OpenTunnel[]; failed: string[] }> {
    const run = this.syncing.then(() => this.syncNow());
    this.syncing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async syncNow(): Promise<{ added: OpenTunnel[]; removed: OpenTunnel[]; failed: string[] }> {
    const wanted = tunnelEntries(this.live.view().state);
    const ids = new Set(wanted.map((e) => e.id));
    const removed: OpenTunnel[] = [];
    for (const [id, t] of this.open) {
      if (!ids.has(id)) {
        this.open.delete(id);
        await closeServers(t.servers);
        removed.push(t);
      }
    }
    const added: OpenTunnel[] = [];
    const failed: string[] = [];
    for (const entry of wanted) {
      if (this.open.has(entry.id)) continue;
      const t = await this.openEntry(entry, failed);
      if (t) {
        this.open.set(entry.id, t);
        added.push(t);
      }
    }
    return { added, removed, failed };
  }

  private async openEntry(entry: TunnelEntry, failed: string[]): Promise<OpenTunnel | undefined> {
    // The preferred port when free on every address, else one free port the OS picks.
    for (const first of entry.preferredLocal ? [entry.preferredLocal, 0] : [0]) {
      const servers: Server[] = [];
      const local: string[] = [];
      let port = first;
      let ok = true;
      for (const address of this.addresses) {
        const server = this.bridge(entry);
        try {
          port = await listenOn(server, address, port);
          servers.push(server);
          local.push(joinHostPort(address.address, port));
        } catch (e) {
          ok = false;
          if (first === 0) failed.push(`${entry.namespace}/${entry.service}: cannot listen on ${address.address}: ${(e as Error).message}`);
          break;
        }
      }
      if (ok) return { entry, servers, local };
      await closeServers(servers);
    }
    return undefined;
  }

  private bridge(entry: TunnelEntry): Server {
    return createBridgeServer({
      connect: (socket) => this.engine.connectFromWorkstation(this.live.view, entry.dstIP, entry.dstPort, socket.remotePort ?? 0),
      onConnectFailed: (_socket, result) => this.live.appendFlows(result.flows),
      onSent: (result) => {
        this.live.appendLogs(result.logs);
        this.live.appendFlows(result.flows);
      },
    });
  }

  entries(): OpenTunnel[] {
    return [...this.open.values()];
  }

  async close(): Promise<void> {
    await this.syncing;
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((t) => closeServers(t.servers)));
  }
}

async function closeServers(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (!s.listening) return resolve();
          s.close(() => resolve());
          s.closeAllConnections();
        }),
    ),
  );
}

/** The row a table shows for one tunnel. */
export function tunnelRow(t: OpenTunnel): string[] {
  const e = t.entry;
  return [e.namespace, e.service, e.type, e.portName || '-', joinHostPort(e.dstIP, e.dstPort), t.local.map((l) => `http://${l}`).join(' ')];
}

export const TUNNEL_HEAD = ['NAMESPACE', 'SERVICE', 'TYPE', 'PORT', 'CLUSTER ADDRESS', 'LOCAL ADDRESS'];
