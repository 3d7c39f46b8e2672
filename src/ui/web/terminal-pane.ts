/// <reference lib="dom" />
// The terminal pane beside the map (src/ui/web/terminal.ts), loaded after the map has painted.
import { initTerminal, type PageTerminal } from './terminal.js';

export function start(el: HTMLElement, token: string): PageTerminal {
  // xterm's stylesheet, served beside the page (dist/ui/xterm.css), is needed only once the pane opens.
  if (!document.querySelector('link[href="/xterm.css"]')) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/xterm.css';
    document.head.append(link);
  }
  return initTerminal(el, { token });
}
