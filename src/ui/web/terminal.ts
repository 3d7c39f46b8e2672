/// <reference lib="dom" />
// The page's terminal: xterm.js drawing, the line editor (line-editor.ts) between keys and the server, and the
// WebSocket to /terminal (src/ui/terminal.ts), where each line runs as a kubesim command. Large type and high
// contrast: it is read from the back of a room on a projector.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { LineEditor, type FromServer } from './line-editor.js';

export interface TerminalOptions {
  /** The page's token (the server refuses a connection without it). */
  token: string;
  /** The WebSocket's address; by default /terminal on the page's own host. */
  url?: string;
  /** The font size in pixels (default 20). */
  fontSize?: number;
}

export interface PageTerminal {
  terminal: Terminal;
  editor: LineEditor;
  socket: WebSocket;
  dispose(): void;
}

export function initTerminal(el: HTMLElement, opts: TerminalOptions): PageTerminal {
  const terminal = new Terminal({
    fontSize: opts.fontSize ?? 20,
    fontFamily: '"DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace',
    fontWeight: '500',
    fontWeightBold: '800',
    lineHeight: 1.15,
    cursorBlink: true,
    scrollback: 5000,
    // White on black at full contrast; the ANSI colours from the Okabe-Ito palette, which colour-blind
    // viewers tell apart.
    theme: {
      background: '#000000',
      foreground: '#ffffff',
      cursor: '#ffffff',
      selectionBackground: '#56b4e9',
      black: '#000000',
      red: '#d55e00',
      green: '#009e73',
      yellow: '#f0e442',
      blue: '#0072b2',
      magenta: '#cc79a7',
      cyan: '#56b4e9',
      white: '#ffffff',
      brightBlack: '#999999',
      brightRed: '#ff8c4a',
      brightGreen: '#3fd6a8',
      brightYellow: '#fff48a',
      brightBlue: '#4aa8ff',
      brightMagenta: '#ffa6d9',
      brightCyan: '#9fd8ff',
      brightWhite: '#ffffff',
    },
  });
  const fit = new FitAddon();
  terminal.loadAddon(fit);
  terminal.open(el);
  fit.fit();

  const url = new URL(opts.url ?? '/terminal', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  url.searchParams.set('token', opts.token);
  const socket = new WebSocket(url);
  const editor = new LineEditor({
    write: (text) => terminal.write(text),
    send: (m) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(m));
    },
    cols: () => terminal.cols,
  });
  socket.addEventListener('message', (e) => {
    try {
      editor.receive(JSON.parse(String(e.data)) as FromServer);
    } catch {
      // a frame that is not ours: nothing to show
    }
  });
  socket.addEventListener('close', () => editor.disconnected());
  const keys = terminal.onData((data) => editor.key(data));
  const resize = new ResizeObserver(() => fit.fit());
  resize.observe(el);
  terminal.focus();
  return {
    terminal,
    editor,
    socket,
    dispose() {
      resize.disconnect();
      keys.dispose();
      socket.close();
      terminal.dispose();
    },
  };
}
