// pods/exec over WebSocket (the v5.channel.k8s.io / v4.channel.k8s.io subprotocols kubectl 1.32 speaks by
// default) or the legacy SPDY/3.1 upgrade (v5 to v2, each channel a SPDY stream; channels.ts): the command runs in the simulated shell, exactly as `kubesim exec` runs it, its output goes back
// on the stdout (1) and stderr (2) channels, and its exit status as a Status on the error channel (3).
// pods/attach joins the container's main process the way `kubesim attach` / `run -i` do: a container started
// with stdin runs its main command now, on the client's stdin, and the kubelet then reports it terminated
// with its exit code (kubectl run -i --rm reads that, then deletes the pod); any other container's later
// output is streamed until it stops or the pod goes.
// The `ws` package does the WebSocket framing; it is loaded only when a WebSocket exec arrives.
// With tty=true and stdin, a shell is an interactive terminal session (exec-tty.ts); otherwise stdin is read
// whole, until the client closes it.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Container, KubeObject, Pod } from '../api/types.js';
import type { Ctx } from '../cluster/context.js';
import type { ClusterState } from '../store/state.js';
import { getObject } from '../store/objects.js';
import * as rest from './rest.js';
import { ERROR, STDERR, STDIN, STDOUT, type ChannelConn } from './channels.js';

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
/** Over SPDY v5 is v4 (stdin's end is the stream's half-close); v3 adds resize to v2, v2 reports errors as text. */
const SPDY_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io'];

export interface ExecHost {
  current(): Promise<ClusterState>;
  write<T>(fn: (state: ClusterState, ctx: Ctx) => Promise<{ result: T; stored: boolean }>): Promise<T>;
  env: NodeJS.ProcessEnv;
  /** Calls back with each newly committed state until the returned function is called. */
  onCommit(listener: (state: ClusterState) => void): () => void;
}

/** An HTTP error before the upgrade: a Status body, as the API server answers a failed exec request. */
function refuse(socket: Duplex, e: unknown, target?: rest.Target): void {
  const status = rest.statusOf(e, target);
  const body = JSON.stringify(status);
  socket.end(`HTTP/1.1 ${status.code} ${status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export async function handleExec(host: ExecHost, req: IncomingMessage, socket: Duplex, head: Buffer, target: rest.Target, params: URLSearchParams): Promise<void> {
  try {
    if (target.info.resource !== 'pods' || (target.sub !== 'exec' && target.sub !== 'attach')) throw rest.pathNotFound();
    const attach = target.sub === 'attach';
    const { isSpdyUpgrade, negotiate } = await import('./spdy.js');
    const legacy = isSpdyUpgrade(req);
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const protocol = legacy ? await negotiate(req, SPDY_PROTOCOLS) : PROTOCOLS.find((p) => offered.includes(p));
    if (!protocol) throw new (await import('../api/errors.js')).StatusError('BadRequest', 400, `kubesim serve speaks ${PROTOCOLS.join(' and ')} for ${target.sub} over WebSocket, or a SPDY/3.1 upgrade`);
    const state = await host.current();
    const pod = rest.getOne(state, target) as KubeObject & Pod;
    const command = params.getAll('command');
    const { badRequest } = await import('../api/errors.js');
    if (!command.length && !attach) throw badRequest('you must specify at least 1 command');
    const containers = pod.spec?.containers ?? [];
    const name = params.get('container') || (containers.length === 1 ? containers[0].name : '');
    if (!name) throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`);
    if (!containers.some((c) => c.name === name)) throw badRequest(`container ${name} is not valid for pod ${pod.metadata.name}`);
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot ${attach ? 'attach to' : 'exec into'} a container in a completed pod; current phase is ${phase}`);
    if (phase !== 'Running' || !pod.status?.podIP) throw badRequest(`container not found ("${name}")`);
    const tty = params.get('tty') === 'true' || params.get('tty') === '1';
    const wantStdin = params.get('stdin') === 'true' || params.get('stdin') === '1';
    const want = { stdin: wantStdin, stdout: flag(params, 'stdout'), stderr: flag(params, 'stderr'), tty };
    /** Upgrades the connection, then runs `body` on the session's channels. */
    const accept = async (body: (conn: ChannelConn) => void) => {
      if (legacy) return (await import('./channels.js')).acceptSpdyChannels(socket, head, protocol, want, body);
      const [mod, { wsChannels }] = await Promise.all([import('ws') as Promise<typeof import('ws') & { default?: typeof import('ws') }>, import('./channels.js')]);
      const WebSocketServer = mod.WebSocketServer ?? mod.default!.WebSocketServer;
      const wss = new WebSocketServer({ noServer: true, handleProtocols: () => protocol });
      wss.handleUpgrade(req, socket, head, (ws) => body(wsChannels(ws, protocol)));
    };
    const container = containers.find((c) => c.name === name)!;
    if (attach && !container.stdin) {
      return await accept((conn) => followOutput(host, conn, pod, name, tty));
    }
    const { loadUserImages } = await import('../cli/netcli.js');
    const images = await loadUserImages(host.env);
    const { mainProcess } = await import('../apps/images.js');
    const main = attach ? mainProcess(container.image ?? '', container.command, container.args, images) : undefined;
    // A server's main process runs on; attaching to it shows nothing until it writes.
    if (main?.kind === 'server') {
      return await accept((conn) => followOutput(host, conn, pod, name, tty));
    }
    const argv = main?.kind === 'command' ? main.argv : command;
    const target2 = { namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name, container: name };
    const { isBareShell } = await import('../cli/netcli.js');
    await accept((conn) => {
      const send = (channel: number, data: string, bin?: boolean) => {
        if (data) conn.send(channel, Buffer.from(data, bin ? 'latin1' : 'utf8'));
      };
      /** The process has ended with `code`: kubectl learns it from the error channel (exec) or the pod (attach). */
      const ended = async (code: number, output?: string) => {
        // A pod deleted meanwhile has nothing to record; the client still hears how the process ended.
        if (attach) await recordEnd(host, target2, container, code, output).catch(() => undefined);
        send(ERROR, JSON.stringify(attach || code === 0 ? { metadata: {}, status: 'Success' } : exitStatus(command, code)));
        conn.close();
      };
      if (tty && wantStdin && isBareShell(argv)) {
        // A terminal session: one line at a time, echoed, with Ctrl-C.
        const change = <T>(fn: (state: ClusterState, ctx: Ctx) => T) => host.write(async (s, c) => ({ result: fn(s, c), stored: true }));
        const pending: Buffer[] = [];
        let feed: ((data: Buffer) => void) | undefined;
        conn.onInput((channel, bytes) => {
          // Resize messages (channel 4) are taken and need nothing: the simulated tools do not lay out by width.
          if (channel !== STDIN || !bytes.length) return;
          if (feed) feed(bytes);
          else pending.push(bytes);
        });
        void import('./exec-tty.js')
          .then(({ startTtyShell }) => startTtyShell({ conn, change, target: target2, images, onExit: (code) => ended(code) }))
          .then((f) => {
            feed = f;
            for (const b of pending.splice(0)) f(b);
          })
          .catch((e) => {
            send(ERROR, JSON.stringify({ ...rest.statusOf(e), kind: undefined, apiVersion: undefined }));
            conn.close();
          });
        return;
      }
      const input: Buffer[] = [];
      let started = false;
      const start = () => {
        if (started) return;
        started = true;
        void run(Buffer.concat(input));
      };
      const run = async (stdinBytes: Buffer) => {
        const stdin = stdinBytes.toString('utf8');
        try {
          const { openIn } = await import('../cli/netcli.js');
          const { startArgv, KILLED_EXIT } = await import('../apps/process.js');
          const r = await host.write(async (s, ctx) => {
            const { proc } = openIn(s, ctx, target2, images, { stdoutTTY: tty, tty });
            const res = startArgv(proc, argv, stdin, stdinBytes);
            return { result: res.kind === 'ran' ? { ...res, running: proc.host.blocked } : res, stored: res.kind === 'ran' };
          });
          if (r.kind === 'not-found' && !attach) {
            const { notFoundError } = await import('../cli/exec.js');
            send(ERROR, JSON.stringify({ metadata: {}, status: 'Failure', message: notFoundError(command[0], state.random).message, reason: 'InternalError', code: 500 }));
            conn.close();
            return;
          }
          if (r.kind === 'ran') for (const c of r.out.chunks) send(tty ? STDOUT : c.fd === 1 ? STDOUT : STDERR, tty && !c.bin ? c.text.replace(/\r?\n/g, '\r\n') : c.text, c.bin);
          const { START_ERROR_EXIT } = await import('../apps/runtime.js');
          const code = r.kind !== 'ran' ? START_ERROR_EXIT : (r as { running?: boolean }).running ? KILLED_EXIT : r.code;
          await ended(code, r.kind === 'ran' ? r.out.stdout + r.out.stderr : undefined);
        } catch (e) {
          send(ERROR, JSON.stringify({ ...rest.statusOf(e), kind: undefined, apiVersion: undefined }));
          conn.close();
        }
      };
      conn.onInput((channel, bytes) => {
        if (channel === STDIN && wantStdin) input.push(bytes);
      });
      conn.onStdinEnd(start);
      conn.onClose(start);
      // Without stdin (or with v4 over WebSocket, which cannot say stdin ended) the command runs at once on what
      // it has; on a terminal the client never ends stdin, and a command that is not a shell starts on none.
      if (!wantStdin || tty || !conn.stdinEnds) start();
    });
  } catch (e) {
    refuse(socket, e, target);
  }
}

function flag(params: URLSearchParams, name: string): boolean {
  return params.get(name) === 'true' || params.get(name) === '1';
}

function exitStatus(command: string[], code: number) {
  return { metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } };
}

/**
 * An attached main process has ended: its output is the container's log, its code the kubelet's report. The
 * session reconciles before this change: the kubelet sees the ended process now, so the pod a watcher
 * (kubectl run waiting for completion) is told of is already terminated.
 */
async function recordEnd(host: ExecHost, t: { namespace: string; pod: string }, container: Container, code: number, output?: string): Promise<void> {
  const { appendLog, recordProcess } = await import('../apps/runtime.js');
  const { reconcile } = await import('../cluster/controllers.js');
  await host.write(async (s, ctx) => {
    const now = getObject<Pod>(s, 'pods', t.namespace, t.pod);
    if (!now) return { result: undefined, stored: false };
    if (output) appendLog(s, now, container.name, output, ctx.clock.now());
    recordProcess(s, now, container, { exitCode: code, afterMs: 0 });
    const key = `pods/${t.namespace}/${t.pod}`;
    if (s.unsettled && !s.unsettled.includes(key)) s.unsettled.push(key);
    reconcile(s, ctx);
    return { result: undefined, stored: true };
  });
}

/**
 * What the container writes from now on (a server's line per request), until it stops, the pod goes, or the
 * client leaves: attach to a process that has no stdin to give.
 */
function followOutput(host: ExecHost, conn: ChannelConn, pod: KubeObject & Pod, container: string, tty: boolean): void {
  const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}/${container}`;
  let sent: number | undefined;
  let stop = () => undefined as void;
  const end = () => {
    stop();
    conn.close();
  };
  const look = (state: ClusterState) => {
    const now = getObject<Pod>(state, 'pods', pod.metadata.namespace, pod.metadata.name);
    const lines = state.logs[key] ?? [];
    if (sent === undefined) sent = lines.length;
    const text = lines.slice(sent).map((l) => `${l.line}\n`).join('');
    sent = lines.length;
    if (text) conn.send(STDOUT, Buffer.from(tty ? text.replace(/\n/g, '\r\n') : text));
    const status = now?.status?.containerStatuses?.find((c) => c.name === container);
    if (!now || now.metadata?.uid !== pod.metadata.uid || status?.state?.terminated) end();
  };
  void host.current().then((state) => {
    look(state);
    if (conn.open) stop = host.onCommit(look);
  });
  conn.onClose(() => stop());
}
