// What the socket servers need from the simulated network: open a connection (to a pod's loopback for
// port-forward, to a node port or load-balancer IP from the workstation for tunnel) and send HTTP requests over
// it. The real engine (src/net) sits behind this small interface so that the servers can be tested with a fake
// and so that conntrack (a keep-alive connection keeps its backend) lives in one place: the Connection.
import type { FlowRecord } from '../net/flows.js';
import type { ClusterState, LogLine } from '../store/state.js';
import type { Ctx } from '../cluster/context.js';

export interface AppRequest {
  method: string;
  /** Request target as sent: "/path?query". */
  path: string;
  httpVersion: string;
  /** Lower-case names; repeated headers joined as Node does. */
  headers: Record<string, string | string[] | undefined>;
  /** Header lines as sent, name and value alternating (Node's rawHeaders). */
  rawHeaders?: string[];
  body: Buffer;
}

export interface AppResponse {
  status: number;
  statusText?: string;
  /** In order, repeats allowed; no hop-by-hop headers (the server frames the body itself). */
  headers: [string, string][];
  body: Buffer | string;
  /** The app streams its body (Transfer-Encoding: chunked, as Node apps do): no Content-Length is added. */
  chunked?: boolean;
}

/** New app log lines produced while serving a request: "namespace/pod/container" -> lines. */
export type NewLogs = { key: string; line: LogLine }[];

/** Connections the engine carried, for the state's flows ring (src/net/flows.ts); seq is given when written. */
export type NewFlows = Omit<FlowRecord, 'seq'>[];

export type SendResult =
  | { kind: 'answered'; response: AppResponse; logs?: NewLogs; flows?: NewFlows }
  /** The destination stopped accepting (pod gone, app stopped): the TCP connection is reset. */
  | { kind: 'refused'; logs?: NewLogs; flows?: NewFlows }
  | { kind: 'timeout'; logs?: NewLogs; flows?: NewFlows };

export interface Connection {
  send(req: AppRequest): SendResult;
}

export type ConnectResult =
  | { kind: 'connected'; conn: Connection }
  /** Nothing listens on that port and address inside the pod (RST). */
  | { kind: 'refused'; flows?: NewFlows }
  /** Dropped on the way (no route, policy, externalTrafficPolicy Local without local endpoints). */
  | { kind: 'timeout'; flows?: NewFlows };

/** The cluster as the server currently sees it: the last state read from disk, controllers run in memory. */
export interface ClusterView {
  state: ClusterState;
  ctx: Ctx;
}

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface Engine {
  /** kubelet's port-forward: a TCP connection to localhost:port inside the pod's network namespace. */
  connectPodLoopback(view: () => ClusterView, pod: PodRef, port: number): ConnectResult;
  /**
   * A connection from the workstation to a node address or load-balancer IP (tunnel); srcPort distinguishes
   * connections, so conntrack keeps one backend per connection.
   */
  connectFromWorkstation(view: () => ClusterView, dstIP: string, dstPort: number, srcPort: number): ConnectResult;
}
