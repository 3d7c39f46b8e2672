// The HTTP bridge buffers each request body before the simulated app sees it: the bytes held across all
// connections are bounded, and a request past the bound is answered 413 (on real loopback sockets).
import assert from 'node:assert/strict';
import { connect as tcpConnect, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { BodyBudget, createBridgeServer, MAX_BUFFERED_BODIES, PROCESS_BODY_BUDGET, type BridgeHooks } from '../../src/forward/http-bridge.js';

async function withBridge(budget: BodyBudget | undefined, fn: (port: number) => Promise<void>): Promise<void> {
  const hooks: BridgeHooks = {
    connect: () => ({ kind: 'connected', conn: { send: (req) => ({ kind: 'answered', response: { status: 200, headers: [], body: `got ${req.body.length}` } }) } }),
    bodyBudget: budget,
  };
  const server = createBridgeServer(hooks);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** A POST whose body is sent in two parts: `first` bytes now, the rest when finish() is called. */
function upload(port: number, length: number, first: number): { socket: Socket; received(): string; finish(): Promise<string> } {
  const socket = tcpConnect(port, '127.0.0.1');
  let reply = '';
  socket.on('data', (d) => (reply += d));
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  socket.on('error', () => undefined);
  socket.write(`POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`);
  socket.write(Buffer.alloc(first, 1));
  return {
    socket,
    received: () => reply,
    async finish() {
      socket.write(Buffer.alloc(length - first, 2));
      await closed;
      return reply;
    },
  };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), what);
}

const status = (reply: string) => reply.split('\r\n')[0];

test('bodies held at once are bounded across connections: the one past the bound gets 413, the others their answer', async () => {
  // Room for the first two bodies whole (1.2 MB), not for a third half-sent one on top of them.
  const budget = new BodyBudget(1_250_000);
  await withBridge(budget, async (port) => {
    const a = upload(port, 600_000, 500_000);
    await until(() => budget.used === 500_000, 'first upload held');
    const b = upload(port, 600_000, 500_000);
    await until(() => budget.used === 1_000_000, 'second upload held');
    const c = upload(port, 600_000, 500_000);
    // The third does not fit: it is dropped as it arrives, nothing more is held.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(budget.used, 1_000_000);
    const third = await c.finish();
    assert.equal(status(third), 'HTTP/1.1 413 Request Entity Too Large');
    assert.match(third, /\r\nRequest Entity Too Large\n/);
    const [first, second] = await Promise.all([a.finish(), b.finish()]);
    assert.deepEqual([status(first), first.endsWith('got 600000'), status(second), second.endsWith('got 600000')], ['HTTP/1.1 200 OK', true, 'HTTP/1.1 200 OK', true]);
    assert.equal(budget.used, 0);
  });
});

test('an upload abandoned halfway gives its share back', async () => {
  const budget = new BodyBudget(1 << 20);
  await withBridge(budget, async (port) => {
    const a = upload(port, 900_000, 800_000);
    await until(() => budget.used === 800_000, 'upload held');
    a.socket.destroy();
    await until(() => budget.used === 0, 'released after the client left');
    const b = upload(port, 900_000, 100);
    assert.equal(status(await b.finish()), 'HTTP/1.1 200 OK');
  });
});

test('the process-wide bound is 64 MiB: two concurrent 40 MB uploads, the second is refused', async () => {
  assert.equal(MAX_BUFFERED_BODIES, 64 * 1024 * 1024);
  await withBridge(undefined, async (port) => {
    const mb40 = 40 * 1000 * 1000;
    // The first body is held (all but its last byte) before the second starts, so the order is fixed.
    const a = upload(port, mb40, mb40 - 1);
    await until(() => PROCESS_BODY_BUDGET.used === mb40 - 1, 'first upload held');
    const b = upload(port, mb40, mb40 - 1);
    const rb = await b.finish();
    const ra = await a.finish();
    assert.deepEqual([status(ra), status(rb)], ['HTTP/1.1 200 OK', 'HTTP/1.1 413 Request Entity Too Large']);
    assert.equal(PROCESS_BODY_BUDGET.used, 0);
  });
});
