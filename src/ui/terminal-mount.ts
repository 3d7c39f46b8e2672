// Where the page's terminal pane (src/ui/terminal.ts, its own WebSocket endpoint) joins the ui server.
export { mountTerminal, type TerminalContext } from './terminal.js';
