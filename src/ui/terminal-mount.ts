// Where the page's terminal pane (src/ui/terminal.ts, its own WebSocket endpoint) joins the ui server.
import type { Server } from 'node:http';

export interface TerminalContext {
  statePath: string;
  env: NodeJS.ProcessEnv;
  token: string;
  namespace?: string;
}

export async function mountTerminal(_server: Server, _ctx: TerminalContext): Promise<void> {
  // The terminal pane is not part of this build yet.
}
