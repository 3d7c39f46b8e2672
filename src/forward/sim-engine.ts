// The Engine the CLI uses: the simulated network (src/net) behind the socket servers' small interface.
// Provisional until src/net lands on main: every connection is refused.
import type { Engine } from './engine.js';

export const simEngine: Engine = {
  connectPodLoopback: () => ({ kind: 'refused' }),
  connectFromWorkstation: () => ({ kind: 'refused' }),
};
