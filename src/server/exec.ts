// pods/exec over WebSocket (the v5.channel.k8s.io / v4.channel.k8s.io subprotocols kubectl 1.32 speaks by
// default): the command runs in the simulated shell, exactly as `kubesim exec` runs it, its output goes back
// on the stdout (1) and stderr (2) channels, and its exit status as a Status on the error channel (3).
// The `ws` package does the WebSocket framing; it is loaded only when an exec arrives.
// Not yet: a TTY session (resize channel, one line at a time); stdin is read whole, until the client closes it.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeObject, Pod } from '../api/types.js';
import type { Ctx } from '../cluster/context.js';
import type { ClusterState } from '../store/state.js';
import * as rest from './rest.js';

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
/** v5: a client's [255, channel] message closes that channel (stdin's end). */
const CLOSE = 255;

export interface ExecHost {
  current(): Promise<ClusterState>;
  write<T>(fn: (state: ClusterState, ctx: Ctx) => Promise<{ result: T; stored: boolean }>): Promise<T>;
  env: NodeJS.ProcessEnv;
}

/** An HTTP error before the upgrade: a Status body, as the API server answers a failed exec request. */
function refuse(socket: Duplex, e: unknown, target?: rest.Target): void {
  const status = rest.statusOf(e, target);
  const body = JSON.stringify(status);
  socket.end(`HTTP/1.1 ${status.code} ${status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export async function handleExec(host: ExecHost, req: IncomingMessage, socket: Duplex, head: Buffer, target: rest.Target, params: URLSearchParams): Promise<void> {
  try {
    if (target.info.resource !== 'pods' || target.sub !== 'exec') throw rest.pathNotFound();
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const protocol = PROTOCOLS.find((p) => offered.includes(p));
    if (!protocol) throw new (await import('../api/errors.js')).StatusError('BadRequest', 400, `kubesim serve speaks ${PROTOCOLS.join(' and ')} for exec, not SPDY`);
    const state = await host.current();
    const pod = rest.getOne(state, target) as KubeObject & Pod;
    const command = params.getAll('command');
    const { badRequest } = await import('../api/errors.js');
    if (!command.length) throw badRequest('you must specify at least 1 command');
    const containers = pod.spec?.containers ?? [];
    const name = params.get('container') || (containers.length === 1 ? containers[0].name : '');
    if (!name) throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`);
    if (!containers.some((c) => c.name === name)) throw badRequest(`container ${name} is not valid for pod ${pod.metadata.name}`);
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
    if (phase !== 'Running' || !pod.status?.podIP) throw badRequest(`container not found ("${name}")`);
    const tty = params.get('tty') === 'true' || params.get('tty') === '1';
    const wantStdin = params.get('stdin') === 'true' || params.get('stdin') === '1';
    const mod = (await import('ws')) as typeof import('ws') & { default?: typeof import('ws') };
    const WebSocketServer = mod.WebSocketServer ?? mod.default!.WebSocketServer;
    const wss = new WebSocketServer({ noServer: true, handleProtocols: () => protocol });
    wss.handleUpgrade(req, socket, head, (ws) => {
      const input: Buffer[] = [];
      let started = false;
      const send = (channel: number, data: string) => {
        if (data) ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
      };
      const start = () => {
        if (started) return;
        started = true;
        void run(Buffer.concat(input).toString('utf8'));
      };
      const run = async (stdin: string) => {
        try {
          const target2 = { namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name, container: name };
          const { openIn, loadUserImages } = await import('../cli/netcli.js');
          const { startArgv, KILLED_EXIT } = await import('../apps/process.js');
          const images = await loadUserImages(host.env);
          const r = await host.write(async (s, ctx) => {
            const { proc } = openIn(s, ctx, target2, images, { stdoutTTY: tty, tty });
            const res = startArgv(proc, command, stdin);
            return { result: res.kind === 'ran' ? { ...res, running: proc.host.blocked } : res, stored: res.kind === 'ran' };
          });
          if (r.kind === 'not-found') {
            const { notFoundError } = await import('../cli/exec.js');
            send(ERROR, JSON.stringify({ metadata: {}, status: 'Failure', message: notFoundError(command[0], state.random).message, reason: 'InternalError', code: 500 }));
          } else {
            for (const c of r.out.chunks) send(c.fd === 1 ? STDOUT : STDERR, tty ? c.text.replace(/\r?\n/g, '\r\n') : c.text);
            const code = (r as { running?: boolean }).running ? KILLED_EXIT : r.code;
            send(ERROR, JSON.stringify(code === 0
              ? { metadata: {}, status: 'Success' }
              : { metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } }));
          }
        } catch (e) {
          send(ERROR, JSON.stringify({ ...rest.statusOf(e), kind: undefined, apiVersion: undefined }));
        } finally {
          ws.close(1000);
        }
      };
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        const buf = isBinary ? data : Buffer.from(data.toString(), 'utf8');
        if (!buf.length) return;
        if (buf[0] === STDIN && wantStdin) input.push(buf.subarray(1));
        else if (buf[0] === CLOSE && buf[1] === STDIN) start();
      });
      ws.on('close', start);
      ws.on('error', () => undefined);
      // Without stdin (or with v4, which cannot say stdin ended) the command runs at once on what it has.
      if (!wantStdin || protocol !== 'v5.channel.k8s.io') start();
    });
  } catch (e) {
    refuse(socket, e, target);
  }
}
