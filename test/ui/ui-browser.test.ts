// `kubesim ui` driven in a real headless Chromium (Debian's chromium, through playwright-core): the lesson 002
// cluster on the map, a request made from the CLI appearing on it, describe on click and on Enter. One browser
// launch for the whole file: the machine is shared.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { BIN, ROOT, tempCluster, type TempCluster } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TOKEN = 'lesson-002-token';

interface UiProcess {
  child: ChildProcess;
  url: string;
  port: number;
  stderr: () => string;
}

/** Starts `kubesim ui` as a user does and waits for its URL line. */
async function startUi(c: TempCluster, args: string[] = []): Promise<UiProcess> {
  const child = spawn(process.execPath, [BIN, 'ui', '--port', '0', ...args], { env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ui did not start: ${err}`)), 15_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.split('\n')[0]);
      }
    });
    child.on('exit', () => reject(new Error(`ui exited: ${err}`)));
  });
  const m = /^Serving the kubesim map at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=\S+)$/.exec(line);
  assert.ok(m, `start line: ${line}`);
  return { child, url: m[1], port: Number(m[2]), stderr: () => err };
}

/** One Chromium for the file, with a fresh profile (playwright passes it as --user-data-dir). */
async function launchChromium(profile: string): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1600, height: 1000 } });
}

const skip = existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (apt-get install -y chromium)`;

let c: TempCluster;
let ui: UiProcess;
let browser: BrowserContext;
let page: Page;
let profile: string;

function ok(args: string[]): string {
  const r = c.run(args);
  assert.equal(r.code, 0, `kubesim ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  if (skip) return;
  c = tempCluster({ seed: 5 });
  ok(['apply', '-f', join(ROOT, 'manifests', 'lessons', 'pod-networking.yaml')]);
  ui = await startUi(c, ['--token', TOKEN]);
  profile = mkdtempSync(join(tmpdir(), 'kubesim-chromium-'));
  browser = await launchChromium(profile);
  page = browser.pages()[0] ?? (await browser.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(ui.url);
  await page.waitForSelector('g.obj[data-kind="pod"]');
  assert.deepEqual(errors, []);
});

after(async () => {
  if (skip) return;
  await browser?.close();
  ui?.child.kill('SIGINT');
  c?.cleanup();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** The box an element occupies on the page. */
async function box(sel: string) {
  const b = await page.locator(sel).first().boundingBox();
  assert.ok(b, `${sel} is drawn`);
  return b;
}

test('the map shows lesson 002: 5 demo pods inside their nodes with their IPs, demo-service with arrows, the jumpbox', { skip }, async () => {
  const demo = ok(['get', 'pods', '-n', 'dev', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.podIP}{"\\n"}{end}']).trim().split('\n');
  assert.equal(demo.length, 5);
  for (const line of demo) {
    const [name, node, ip] = line.split(' ');
    const pod = `g[data-id="pod/dev/${name}"]`;
    const p = await box(pod);
    const n = await box(`g[data-id="node/${node}"] rect.node`);
    assert.ok(p.x >= n.x && p.y >= n.y && p.x + p.width <= n.x + n.width && p.y + p.height <= n.y + n.height, `${name} is drawn inside ${node}`);
    assert.match((await page.locator(pod).textContent()) ?? '', new RegExp(`${ip.replace(/\./g, '\\.')}`));
  }
  // Each node box says its InternalIP and pod range.
  assert.match((await page.locator('g[data-id="node/kind-worker"]').textContent()) ?? '', /172\.18\.0\.3\s+pods 10\.244\.1\.0\/24/);
  const clusterIP = ok(['get', 'svc', 'demo-service', '-n', 'dev', '-o', 'jsonpath={.spec.clusterIP}']);
  assert.match((await page.locator('g[data-id="svc/dev/demo-service"]').textContent()) ?? '', new RegExp(`ClusterIP ${clusterIP.replace(/\./g, '\\.')}.*80/TCP`));
  // One arrow from the service to each demo pod, the jumpbox drawn too; no system pods unless asked.
  const s = await box('g[data-id="svc/dev/demo-service"]');
  const fromSvc = await page.locator('line.ep').evaluateAll((ls, x) => ls.filter((l) => Math.abs(Number(l.getAttribute('x1')) - x) < 1).length, Number(await page.locator('g[data-id="svc/dev/demo-service"] rect').getAttribute('x')) + 130);
  assert.equal(fromSvc, 5);
  assert.ok(s.width > 0);
  await box('g[data-id="pod/default/jumpbox"]');
  assert.equal(await page.locator('g[data-id^="pod/kube-system/"]').count(), 0);
  assert.match((await page.locator('#status').textContent()) ?? '', /live · 4 nodes · 6 pods · 2 services/);
});

test('a run --rm -i curl from the CLI shows its path on the open page within a second; its trace opens on click', { skip }, async () => {
  const r = c.run(['run', '--rm', '-i', '--restart=Never', 'c', '--image=curlimages/curl', '--', 'curl', '-s', 'http://demo-service.dev']);
  const done = Date.now();
  assert.equal(r.code, 0, r.stderr);
  const m = /^Hello from (demo-\S+) at /.exec(r.stdout);
  assert.ok(m, r.stdout);
  await page.waitForSelector('.flow-path', { state: 'attached', timeout: 1000 });
  assert.ok(Date.now() - done <= 1000, `path drawn ${Date.now() - done} ms after the command ended`);
  // The path runs from the client (the deleted pod's node) through the service to the top of the pod that answered.
  const d = (await page.locator('.flow-path path').first().getAttribute('d')) ?? '';
  const pts = d.split(/[ML]/).filter(Boolean).map((p) => p.trim().split(',').map(Number));
  const rect = async (sel: string) => page.locator(sel).evaluate((r) => ['x', 'y', 'width', 'height'].map((k) => Number(r.getAttribute(k))));
  const [sx, sy, sw, sh] = await rect('g[data-id="svc/dev/demo-service"] rect');
  const [px, py, pw] = await rect(`g[data-id="pod/dev/${m[1]}"] rect`);
  assert.ok(pts.some(([x, y]) => x === Math.round(sx + sw / 2) && (y === sy || y === sy + sh)), `through demo-service: ${d}`);
  assert.deepEqual(pts.at(-1), [Math.round(px + pw / 2), py], `ends at ${m[1]}: ${d}`);
  const item = page.locator('#flows button.flow').first();
  assert.match((await item.textContent()) ?? '', new RegExp(`curl http://demo-service\\.dev\\s*pod/default/c -> 10\\.\\d+\\.\\d+\\.\\d+:80 \\(ClusterIP\\) -> DNAT -> 10\\.244\\.\\d+\\.\\d+:8080 ${m[1]} \\(kind-worker\\d?\\) \\[200\\]$`));
  await item.click();
  await page.waitForSelector('#details:not([hidden]) #details-hops li');
  const hops = await page.locator('#details-hops li').allTextContents();
  assert.match(hops.join('\n'), /^dnat .* is the ClusterIP of service dev\/demo-service port 80\/TCP$/m);
  assert.match(hops.at(-1) ?? '', new RegExp(`^app demo in pod dev/${m[1]} answered 200 to GET /`));
});

test('clicking a pod shows the describe text kubesim describe prints; Enter on a focused service does too', { skip }, async () => {
  await page.locator('g[data-id="pod/default/jumpbox"]').click();
  await page.waitForFunction(() => document.getElementById('details-title')?.textContent === 'describe pods jumpbox');
  assert.equal(await page.locator('#details-text').textContent(), ok(['describe', 'pod', 'jumpbox']));
  await page.locator('g[data-id="svc/dev/demo-service"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('details-title')?.textContent === 'describe services demo-service');
  assert.equal(await page.locator('#details-text').textContent(), ok(['describe', 'svc', 'demo-service', '-n', 'dev']));
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#details').isHidden(), true);
});

test('without the token nothing of the cluster is served, page or push channel', { skip }, async () => {
  const base = `http://127.0.0.1:${ui.port}`;
  for (const path of ['/', '/api/view', '/api/describe?resource=pods&name=jumpbox', `/?token=${TOKEN}x`]) {
    const r = await fetch(base + path);
    assert.equal(r.status, 401, path);
  }
  const { WebSocket } = await import('ws');
  const code = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${ui.port}/updates`);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => undefined);
  });
  assert.equal(code, 401);
});

test('Ctrl-C stops the server cleanly: exit 0, the page reports it lost the server', { skip }, async () => {
  const exited = new Promise<number | null>((resolve) => ui.child.once('exit', (code) => resolve(code)));
  ui.child.kill('SIGINT');
  assert.equal(await exited, 0);
  assert.equal(ui.stderr(), 'kubesim ui: stopped\n');
  await page.waitForFunction(() => /disconnected/.test(document.getElementById('status')?.textContent ?? ''));
});
