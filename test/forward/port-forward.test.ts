// The forwarder in-process, on real loopback sockets, with a fake network behind it.
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { Agent } from 'node:http';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LiveCluster } from '../../src/forward/live-state.js';
import { PortForwarder } from '../../src/forward/port-forward.js';
import { parseAddresses } from '../../src/forward/resolve.js';
import { sandboxID } from '../../src/forward/klog.js';
import { fixedClock } from '../../src/util/clock.js';
import { FIXED_NOW, savedState } from '../support/cli.js';
import { fakeEngine, kiadaApp } from './fake-engine.js';
import { buildState, httpGet, pod, stateDir } from './support.js';
import { cloneState } from '../../src/store/store.js';

async function setup(opts: { ports?: { local: number; remote: number }[]; addresses?: string[] } = {}) {
  const state = buildState([pod('kiada')]);
  const dir = stateDir(state);
  const live = new LiveCluster(dir.path, fixedClock(FIXED_NOW), state);
  const engine = fakeEngine({ 8080: kiadaApp, 80: { loopback: false, answer: kiadaApp.answer } });
  const out: string[] = [];
  const err: string[] = [];
  const p = state.objects.view<any>('pods')['default/kiada'];
  const fw = new PortForwarder(live, engine, { namespace: 'default', name: 'kiada', uid: p.metadata.uid! }, opts.ports ?? [{ local: 0, remote: 8080 }], parseAddresses(opts.addresses ?? ['localhost']), {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: () => new Date(FIXED_NOW),
    pid: 4242,
  });
  const listening = await fw.listen();
  await live.start();
  const port = () => Number(/:(\d+) ->/.exec(out[0] ?? '')?.[1]);
  const close = async () => {
    fw.interrupt();
    await fw.close();
    await live.stop();
    dir.cleanup();
  };
  return { state, dir, live, engine, out, err, fw, listening, port, close, uid: p.metadata.uid! };
}

test(':8080 picks one free port for both loopbacks; kiada answers with the loopback client', async () => {
  const s = await setup();
  try {
    assert.equal(s.listening, true);
    const port = s.port();
    assert.ok(port > 0);
    assert.deepEqual(s.out, [`Forwarding from 127.0.0.1:${port} -> 8080`, `Forwarding from [::1]:${port} -> 8080`]);
    const r = await httpGet(port);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'Kiada version 0.1. Request processed by "kiada". Client IP: ::ffff:127.0.0.1\n');
    assert.equal(r.headers['transfer-encoding'], 'chunked');
    const r6 = await httpGet(port, { host: '::1' });
    assert.equal(r6.status, 200);
    assert.deepEqual(s.out.slice(2), [`Handling connection for ${port}`, `Handling connection for ${port}`]);
  } finally {
    await s.close();
  }
});

test('50 concurrent keep-alive connections with 5 requests each all succeed, one simulated connection per socket', async () => {
  const s = await setup();
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  try {
    const port = s.port();
    const results = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const seen: string[] = [];
        for (let i = 0; i < 5; i++) {
          const r = await httpGet(port, { agent });
          assert.equal(r.status, 200);
          assert.match(r.body, /Client IP: ::ffff:127\.0\.0\.1/);
          seen.push(String(r.headers['x-conn']));
        }
        return seen;
      }),
    );
    assert.equal(results.flat().length, 250);
    // keep-alive: far fewer connections than requests, each reused
    assert.ok(s.engine.connections <= 50, `connections: ${s.engine.connections}`);
    assert.equal(s.out.filter((l) => l.startsWith('Handling connection')).length, s.engine.connections);
  } finally {
    agent.destroy();
    await s.close();
  }
});

test('HEAD has headers and no body; bodies in (chunked) and out (5 MiB) arrive whole; Content-Length is right', async () => {
  const s = await setup();
  try {
    const port = s.port();
    const head = await httpGet(port, { method: 'HEAD', path: '/echo' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const big = await httpGet(port, { path: '/big' });
    assert.equal(big.headers['content-length'], String(5 * 1024 * 1024));
    assert.equal(big.body.length, 5 * 1024 * 1024);
    const post = await httpGet(port, { method: 'POST', path: '/echo', body: 'hello world', headers: { 'Transfer-Encoding': 'chunked' } });
    assert.equal(post.body, 'POST 11 hello world');
    assert.equal(post.headers['content-length'], '19');
  } finally {
    await s.close();
  }
});

test('pipelined requests on one connection are answered in order', async () => {
  const s = await setup();
  try {
    const port = s.port();
    const text = await new Promise<string>((resolve, reject) => {
      const sock = connect(port, '127.0.0.1');
      let data = '';
      sock.on('data', (d) => {
        data += d;
        if ((data.match(/HTTP\/1\.1 200 OK/g) ?? []).length === 3 && data.endsWith('\r\n\r\n')) sock.end();
      });
      sock.on('end', () => resolve(data));
      sock.on('error', reject);
      sock.write('GET /echo HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    const bodies = text.split(/HTTP\/1\.1 200 OK/).slice(1);
    assert.equal(bodies.length, 3);
    assert.match(bodies[0], /\r\n\r\nGET 0 $/);
    assert.match(bodies[1], /\r\n\r\nPOST 3 abc$/);
    assert.match(bodies[2], /Kiada version 0\.1/);
    assert.equal(s.engine.connections, 1);
  } finally {
    await s.close();
  }
});

function occupy(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ host, port, ipv6Only: host.includes(':') }, () => resolve(srv));
  });
}

test('a port in use on both loopbacks: kubectl\'s listener errors, nothing listens', async () => {
  const a = await occupy('127.0.0.1', 0);
  const port = (a.address() as { port: number }).port;
  const b = await occupy('::1', port).catch(() => undefined);
  try {
    const s = await setup({ ports: [{ local: port, remote: 8080 }] });
    try {
      assert.equal(s.listening, false);
      assert.deepEqual(s.out, []);
      const v6 = b ? ` unable to create listener: Error listen tcp6 [::1]:${port}: bind: address already in use` : '';
      if (b) {
        assert.deepEqual(s.err, [`Unable to listen on port ${port}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:${port}: bind: address already in use${v6}]`]);
      }
    } finally {
      await s.close();
    }
  } finally {
    a.close();
    b?.close();
  }
});

test('only the IPv4 loopback busy: no error, the IPv6 listener serves', async () => {
  const a = await occupy('127.0.0.1', 0);
  const port = (a.address() as { port: number }).port;
  try {
    const s = await setup({ ports: [{ local: port, remote: 8080 }] });
    try {
      assert.equal(s.listening, true);
      assert.deepEqual(s.out, [`Forwarding from [::1]:${port} -> 8080`]);
      assert.deepEqual(s.err, []);
    } finally {
      await s.close();
    }
  } finally {
    a.close();
  }
});

test('an app not listening on loopback: the kubelet error line, then the forwarder ends (lost connection)', async () => {
  const s = await setup({ ports: [{ local: 0, remote: 80 }] });
  try {
    const port = s.port();
    await assert.rejects(httpGet(port));
    const end = await s.fw.done;
    assert.deepEqual(end, { kind: 'lost' });
    assert.equal(s.out[2], `Handling connection for ${port}`);
    assert.equal(s.err.length, 1);
    assert.ok(s.err[0].startsWith(`E1122 01:30:00.000000    4242 portforward.go:424] "Unhandled Error" err="an error occurred forwarding ${port} -> 80: error forwarding port 80 to pod ${sandboxID(s.uid)}, uid : failed to execute portforward`), s.err[0]);
  } finally {
    await s.close();
  }
});

test('the pod deleted by another command: the forwarder notices through the state file and ends', async () => {
  const s = await setup();
  try {
    const without = cloneState(s.state);
    delete without.objects.view<any>('pods')['default/kiada'];
    s.dir.write(without);
    const end = await s.fw.done;
    assert.deepEqual(end, { kind: 'lost' });
  } finally {
    await s.close();
  }
});

test('app log lines reach the state file in batches, under the lock', async () => {
  const s = await setup();
  try {
    const port = s.port();
    for (let i = 0; i < 3; i++) await httpGet(port, { path: `/n${i}` });
    await s.live.flush();
    const saved = savedState(s.dir.path);
    assert.deepEqual(saved.logs['default/kiada/app'].map((l: { line: string }) => l.line), ['/n0', '/n1', '/n2'].map((p) => `Received request for ${p} from ::ffff:127.0.0.1`));
  } finally {
    await s.close();
  }
});

test('after close no port stays bound', async () => {
  const s = await setup();
  const port = s.port();
  await s.close();
  const again = await occupy('127.0.0.1', port);
  again.close();
  await assert.rejects(httpGet(port));
});

test('one port busy, another free: the busy one is reported and the forwarder keeps running', async () => {
  const a = await occupy('127.0.0.1', 0);
  const busy = (a.address() as { port: number }).port;
  const b = await occupy('::1', busy);
  try {
    const s = await setup({ ports: [{ local: busy, remote: 8080 }, { local: 0, remote: 8080 }] });
    try {
      assert.equal(s.listening, true);
      assert.equal(s.err.length, 1);
      assert.match(s.err[0], new RegExp(`^Unable to listen on port ${busy}: Listeners failed to create`));
      assert.equal(s.out.length, 2);
      assert.match(s.out[0], /^Forwarding from 127\.0\.0\.1:\d+ -> 8080$/);
      const port = Number(/:(\d+) ->/.exec(s.out[0])![1]);
      assert.equal((await httpGet(port)).status, 200);
    } finally {
      await s.close();
    }
  } finally {
    a.close();
    b.close();
  }
});

test('explicit addresses must all bind: ::1 busy with --address 127.0.0.1,::1 fails the port', async () => {
  const b = await occupy('::1', 0);
  const port = (b.address() as { port: number }).port;
  try {
    const s = await setup({ ports: [{ local: port, remote: 8080 }], addresses: ['127.0.0.1', '::1'] });
    try {
      assert.equal(s.listening, false);
      assert.deepEqual(s.out, [`Forwarding from 127.0.0.1:${port} -> 8080`]);
      assert.deepEqual(s.err, [`Unable to listen on port ${port}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp6 [::1]:${port}: bind: address already in use]`]);
    } finally {
      await s.close();
    }
  } finally {
    b.close();
  }
});
