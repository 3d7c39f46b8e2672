// What `kubesim serve` and `kubesim ui` share about their listening socket: the errors a user can act on, and the
// host to print in the URL they open.
import { CommandError } from '../api/errors.js';

/** Starts a server, turning the usual bind failures into one line that says what to change. */
export async function listenOrExplain(start: () => Promise<number>, address: string, port: string | number): Promise<number> {
  try {
    return await start();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CommandError(`cannot listen on ${address}:${port}: the address is already in use`);
    if (code === 'EACCES') throw new CommandError(`cannot listen on ${address}:${port}: permission denied`);
    if (code === 'EADDRNOTAVAIL') throw new CommandError(`cannot listen on ${address}:${port}: the address is not one of this host's`);
    throw e;
  }
}

/** host:port for a URL: a wildcard address is reached on loopback; an IPv6 address goes in brackets. */
export function urlHost(address: string, port: number): string {
  const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
