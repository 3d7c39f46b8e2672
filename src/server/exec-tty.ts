// An interactive shell over a tty=true exec or attach stream (kubectl exec -it POD -- sh, kubectl run -it -- sh).
// kubesim plays the container's terminal: the line discipline (src/apps/tty.ts) echoes and edits what is
// typed; each line runs in the simulated shell in its own state change (other clients go on meanwhile), and its
// output is shown when it was written in simulated time (`sleep 5` takes five seconds). Ctrl-C ends the
// foreground line at once ($? 130, the prompt again) without ending the session; a line still running past the
// shell's bounds (`sleep infinity`, `while true`) waits for it. The line's changes to the cluster (a request's
// log line) were made when it ran: an interrupted line keeps those it made, early or late.
import type { ImageSpec } from '../apps/images.js';
import { LineDiscipline, onlcr, type TtyEvent } from '../apps/tty.js';
import type { Chunk } from '../apps/sh-core.js';
import type { ProcessTarget, ShellCarry, Changer } from '../cli/netcli.js';
import { STDOUT, type ChannelConn } from './channels.js';

export interface TtyShellOptions {
  conn: ChannelConn;
  change: Changer;
  target: ProcessTarget;
  images: readonly ImageSpec[];
  /** The shell has exited with this code: report it and close the stream. */
  onExit(code: number): void | Promise<void>;
}

/** Starts the session; the returned function takes each stdin message (channel byte removed). */
export async function startTtyShell(o: TtyShellOptions): Promise<(data: Buffer) => void> {
  const { runLine, promptOf } = await import('../apps/process.js');
  const { stepIn } = await import('../cli/netcli.js');
  const { Output } = await import('../apps/sh-core.js');
  const popts = { stdoutTTY: true, tty: true };
  const carry: ShellCarry = { lastCode: 0, elapsedMs: 0, traces: [] };
  const ld = new LineDiscipline();
  const send = (text: string) => {
    if (text) o.conn.send(STDOUT, Buffer.from(onlcr(text)));
  };
  const prompt = await stepIn(o.change, o.target, o.images, popts, carry, (p) => promptOf(p));
  const queue: TtyEvent[] = [];
  let busy = false;
  let done = false;
  /** Ends the foreground line's wait (Ctrl-C, or the client left). */
  let cancel: (() => void) | undefined;
  /** Ctrl-C typed while the line was still being run (before its output is shown). */
  let interrupted = false;

  const finish = async (code: number) => {
    done = true;
    queue.length = 0;
    await o.onExit(code);
  };

  /** Waits until `ms` of wall time from `start`, or until interrupted (false then). */
  const waitUntil = (start: number, ms: number | undefined) =>
    new Promise<boolean>((resolve) => {
      if (interrupted) {
        interrupted = false;
        return resolve(false);
      }
      const delay = ms === undefined ? undefined : start + ms - Date.now();
      if (delay !== undefined && delay <= 0) return resolve(true);
      const timer = delay === undefined ? undefined : setTimeout(() => ((cancel = undefined), resolve(true)), delay);
      cancel = () => {
        if (timer) clearTimeout(timer);
        cancel = undefined;
        resolve(false);
      };
    });

  const runOne = async (line: string) => {
    const start = Date.now();
    const r = await stepIn(o.change, o.target, o.images, popts, carry, (p) => {
      const out = new Output();
      const from = p.session.elapsedMs;
      out.clock = () => p.session.elapsedMs - from;
      const res = runLine(p, line, out);
      return { ...res, chunks: out.chunks as Chunk[], tookMs: p.session.elapsedMs - from };
    });
    for (const c of r.chunks) {
      if (!(await waitUntil(start, c.atMs))) return false;
      send(c.text);
    }
    // The rest of its time (`sleep 100` writes nothing), or for ever when it is still running.
    if (!(await waitUntil(start, r.blocked ? undefined : r.tookMs))) return false;
    if (r.exited) await finish(carry.lastCode);
    return true;
  };

  const drain = async () => {
    if (busy) return;
    busy = true;
    try {
      while (queue.length && !done) {
        const ev = queue.shift()!;
        if (ev.kind === 'eof') return void (await finish(carry.lastCode));
        if (ev.kind === 'interrupt') {
          carry.lastCode = 130;
          send(prompt);
          continue;
        }
        const completed = await runOne(ev.line);
        if (done) return;
        if (!completed) {
          // Ctrl-C: the terminal has shown ^C; type-ahead is flushed, as a tty's input queue is on SIGINT.
          carry.lastCode = 130;
          queue.length = 0;
        }
        send(prompt);
      }
    } finally {
      busy = false;
    }
  };

  o.conn.onClose(() => {
    done = true;
    cancel?.();
  });
  send(prompt);
  return (data: Buffer) => {
    if (done) return;
    const events = ld.feed(data, send);
    for (const ev of events) {
      if (ev.kind === 'interrupt' && busy) {
        // The foreground line ends; drain prints the prompt.
        if (cancel) cancel();
        else interrupted = true;
        queue.length = 0;
        continue;
      }
      queue.push(ev);
    }
    // A line that cannot run (the pod was deleted meanwhile) ends the session as a failed shell would.
    void drain().catch(() => finish(1).catch(() => undefined));
  };
}
