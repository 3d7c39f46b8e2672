// A stand-in for the simulated network in in-process tests: apps keyed by port, loopback or pod-IP-only
// listeners, a connection counter (to see keep-alive reuse) and log lines like the real apps write.
import type { AppRequest, AppResponse, ConnectResult, Engine } from '../../src/forward/engine.js';

export interface FakeApp {
  loopback: boolean;
  answer(req: AppRequest, client: string): AppResponse;
}

export function fakeEngine(apps: Record<number, FakeApp>): Engine & { connections: number } {
  const engine = {
    connections: 0,
    connectPodLoopback(view: Parameters<Engine['connectPodLoopback']>[0], pod: { namespace: string; name: string }, port: number): ConnectResult {
      const app = apps[port];
      if (!app || !app.loopback) return { kind: 'refused' };
      const id = ++engine.connections;
      return {
        kind: 'connected',
        conn: {
          send(req) {
            if (!view().state.objects.view<any>('pods')?.[`${pod.namespace}/${pod.name}`]) return { kind: 'refused' };
            const response = app.answer(req, '127.0.0.1');
            response.headers.push(['X-Conn', String(id)]);
            return { kind: 'answered', response, logs: [{ key: `${pod.namespace}/${pod.name}/app`, line: { time: '2026-11-22T01:30:00.000000000Z', line: `Received request for ${req.path} from ::ffff:127.0.0.1` } }] };
          },
        },
      };
    },
    connectFromWorkstation(_view: unknown, dstIP: string, dstPort: number): ConnectResult {
      const id = ++engine.connections;
      return { kind: 'connected', conn: { send: (req) => ({ kind: 'answered', response: { status: 200, headers: [], body: `${req.method} ${req.path} via ${dstIP}:${dstPort} conn ${id}` } }) } };
    },
  };
  return engine;
}

export const kiadaApp: FakeApp = {
  loopback: true,
  answer: (req, client): AppResponse => {
    if (req.path === '/big') return { status: 200, headers: [['Content-Type', 'application/octet-stream']], body: Buffer.alloc(5 * 1024 * 1024, 7) };
    if (req.path === '/echo') return { status: 200, headers: [], body: `${req.method} ${req.body.length} ${req.body.toString('utf8').slice(0, 20)}` };
    return { status: 200, headers: [], chunked: true, body: `Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:${client}\n` };
  },
};
