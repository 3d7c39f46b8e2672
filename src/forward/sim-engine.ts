// The Engine the CLI's socket servers use: the simulated network (src/net) behind their small interface.
import { connect, exchange, openNet } from '../net/index.js';
import { makeEngine } from './net-adapter.js';

export const simEngine = makeEngine({ openNet, connect, exchange });
