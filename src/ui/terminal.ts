// The page's terminal, server side: a WebSocket at /terminal (the page's token required) on which each typed
// line runs as a kubesim command inside this process, through the CLI core (runCli with streams of our own),
// never a host shell or program. Output streams back as it is written; typed input while a command runs is
// its stdin; Ctrl-C reaches the command's interrupt handler if it set one, else ends it.
//
// Messages are JSON text frames. From the page: {t:'run', line}, {t:'stdin', data}, {t:'eof'},
// {t:'interrupt'}, {t:'complete', id, line}. To the page: {t:'ready', namespace?}, {t:'out'|'err', data},
// {t:'exit', code}, {t:'completions', id, from, items}, {t:'error', message} (a message it could not use).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PassThrough, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { WebSocket, WebSocketServer } from 'ws';
import { runCli } from '../cli/dispatch.js';
import type { CliIO } from '../cli/io.js';
import { completeLine } from './terminal-complete.js';
import { typedCommand } from './terminal-line.js';

export interface TerminalContext {
  statePath: string;
  env: NodeJS.ProcessEnv;
  token: string;
  /** Every command without -n/-A runs in it (a workshop's per-student namespace). */
  namespace?: string;
}

export const TERMINAL_PATH = '/terminal';
/** The largest message the page may send: a pasted manifest fits, a flood does not. */
const MAX_MESSAGE = 1 << 20;

/**
 * Answers WebSocket upgrades to /terminal on server; other paths are left to other listeners. close() hangs
 * up on every open terminal (an upgraded socket would keep server.close() waiting).
 */
export function mountTerminal(server: Server, ctx: TerminalContext): { close(): void } {
  let wss: WebSocketServer | undefined;
  let loading: Promise<WebSocketServer> | undefined;
  // ws is loaded with the first terminal, not with the page.
  const sockets = () =>
    (loading ??= import('ws').then((m) => {
      wss = new m.WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
      return wss;
    }));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://terminal');
    if (url.pathname !== TERMINAL_PATH) return;
    if (!tokenMatches(url.searchParams.get('token'), ctx.token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\nContent-Length: 22\r\nConnection: close\r\n\r\nmissing or wrong token');
      return;
    }
    void sockets().then((s) =>
      s.handleUpgrade(req, socket, head, (ws) => {
        new TerminalConnection(ws, ctx).start();
      }),
    );
  });
  return {
    close() {
      for (const ws of wss?.clients ?? []) ws.terminate();
      wss?.close();
    },
  };
}

function tokenMatches(given: string | null, token: string): boolean {
  if (given === null || token === '') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

type FromPage =
  | { t: 'run'; line: string }
  | { t: 'stdin'; data: string }
  | { t: 'eof' }
  | { t: 'interrupt' }
  | { t: 'complete'; id: number; line: string };

/** A message from the page, checked field by field; undefined when it is not one we know. */
export function pageMessage(raw: string): FromPage | undefined {
  let m: unknown;
  try {
    m = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  switch (o.t) {
    case 'run':
      return typeof o.line === 'string' ? { t: 'run', line: o.line } : undefined;
    case 'stdin':
      return typeof o.data === 'string' ? { t: 'stdin', data: o.data } : undefined;
    case 'eof':
    case 'interrupt':
      return { t: o.t };
    case 'complete':
      return typeof o.line === 'string' && Number.isSafeInteger(o.id) ? { t: 'complete', id: o.id as number, line: o.line } : undefined;
    default:
      return undefined;
  }
}

/** The command a connection is running: its input, its interrupt handlers, and whether it still owns the screen. */
interface Running {
  stdin: PassThrough;
  abort: AbortController;
  handlers: Set<() => void>;
  live: boolean;
}

class TerminalConnection {
  private running?: Running;

  constructor(
    private readonly ws: WebSocket,
    private readonly ctx: TerminalContext,
  ) {}

  start(): void {
    this.send({ t: 'ready', ...(this.ctx.namespace ? { namespace: this.ctx.namespace } : {}) });
    this.ws.on('message', (data, isBinary) => {
      const m = isBinary ? undefined : pageMessage(data.toString());
      if (!m) return this.send({ t: 'error', message: 'not a terminal message' });
      this.handle(m);
    });
    // A closed page ends what it was running, as a closed terminal hangs up on its processes.
    this.ws.on('close', () => this.interrupt(true));
  }

  private send(m: object): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(m));
  }

  private handle(m: FromPage): void {
    switch (m.t) {
      case 'run':
        if (this.running) return this.send({ t: 'error', message: 'a command is still running' });
        return void this.run(m.line);
      case 'stdin':
        if (this.running && !this.running.stdin.writableEnded) this.running.stdin.write(m.data);
        return;
      case 'eof':
        if (this.running && !this.running.stdin.writableEnded) this.running.stdin.end();
        return;
      case 'interrupt':
        return this.interrupt(false);
      case 'complete':
        return void completeLine(m.line, this.env(), this.ctx.namespace).then(
          (c) => this.send({ t: 'completions', id: m.id, ...c }),
          () => this.send({ t: 'completions', id: m.id, from: m.line.length, items: [] }),
        );
    }
  }

  /** Every command's environment: the page's, with the page's state file. */
  private env(): NodeJS.ProcessEnv {
    return { ...this.ctx.env, KUBESIM_STATE: this.ctx.statePath };
  }

  private async run(line: string): Promise<void> {
    const typed = typedCommand(line, this.ctx.namespace);
    if (typed.kind === 'empty') return this.send({ t: 'exit', code: 0 });
    if (typed.kind === 'refused') {
      this.send({ t: 'err', data: typed.message });
      return this.send({ t: 'exit', code: typed.code });
    }
    const r: Running = { stdin: new PassThrough(), abort: new AbortController(), handlers: new Set(), live: true };
    this.running = r;
    const stream = (t: 'out' | 'err') => {
      const decoder = new StringDecoder('utf8');
      const w = new Writable({
        write: (chunk: Buffer | string, _enc, done) => {
          const data = typeof chunk === 'string' ? chunk : decoder.write(chunk);
          if (r.live && data) this.send({ t, data });
          done();
        },
      });
      // The page is a terminal: commands print as they would to one.
      return Object.assign(w, { isTTY: true });
    };
    const io: CliIO = {
      stdout: stream('out'),
      stderr: stream('err'),
      stdin: Object.assign(r.stdin, { isTTY: true }),
      env: this.env(),
      signal: r.abort.signal,
      onInterrupt: (fn) => {
        r.handlers.add(fn);
        return () => r.handlers.delete(fn);
      },
    };
    let code: number;
    try {
      code = await runCli(typed.argv, io);
    } catch {
      code = 70;
    }
    if (!r.live) return;
    r.live = false;
    this.running = undefined;
    this.send({ t: 'exit', code });
  }

  /**
   * Ctrl-C: the command's own handler when it set one (an attached shell drops the line), else the command
   * is ended: it stops at its next look at the cluster, its input closes, and the prompt is back at once
   * (exit 130; the page has shown ^C).
   */
  private interrupt(hangup: boolean): void {
    const r = this.running;
    if (!r) return;
    if (!hangup && r.handlers.size > 0) {
      for (const fn of [...r.handlers]) fn();
      return;
    }
    r.live = false;
    this.running = undefined;
    r.abort.abort();
    r.stdin.destroy();
    this.send({ t: 'exit', code: 130 });
  }
}
