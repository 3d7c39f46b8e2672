// The terminal pane in a real headless Chromium (Debian's chromium through playwright-core): `kubesim ui` as a
// user starts it, the lesson 002 cluster, and the lesson's curl line typed into the page's terminal.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { BIN, ROOT, tempCluster, type TempCluster } from '../support/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (apt-get install -y chromium)`;
const TOKEN = 'terminal-pane-token';

let c: TempCluster;
let child: ChildProcess;
let browser: BrowserContext;
let profile: string;
let url: string;

before(async () => {
  if (skip) return;
  c = tempCluster({ seed: 5 });
  const applied = c.run(['apply', '-f', join(ROOT, 'manifests', 'lessons', 'pod-networking.yaml')]);
  assert.equal(applied.code, 0, applied.stderr);
  child = spawn(process.execPath, [BIN, 'ui', '--port', '0', '--token', TOKEN], { env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('kubesim ui did not start')), 15_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^Serving the kubesim map at (\S+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  profile = mkdtempSync(join(tmpdir(), 'kubesim-chromium-'));
  const { chromium } = await import('playwright-core');
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1600, height: 1000 },
  });
});

after(async () => {
  if (skip) return;
  await browser?.close();
  child?.kill('SIGINT');
  rmSync(profile, { recursive: true, force: true });
  c.cleanup();
});

test('typing the lesson 002 curl line into the page terminal shows the answer', { skip }, async () => {
  const page = browser.pages()[0] ?? (await browser.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('#terminal .xterm-rows');
  // The prompt is there once the terminal's socket is open.
  await page.waitForFunction(() => document.querySelector('#terminal .xterm-rows')?.textContent?.includes('$'));
  await page.click('#terminal');
  await page.keyboard.type('kubectl run --rm -i --restart=Never c --image=curlimages/curl -- curl -s http://demo-service.dev');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#terminal .xterm-rows')?.textContent?.includes('pod "c" deleted'), undefined, { timeout: 15_000 });
  const rows = await page.$$eval('#terminal .xterm-rows > div', (ds) => ds.map((d) => (d.textContent ?? '').replace(/\s+$/, '')));
  const text = rows.join('\n');
  assert.match(text, /Hello from demo-\w+-\w+ at 10\.244\.\d+\.\d+ back to 10\.244\.\d+\.\d+\npod "c" deleted\n\$/);
  // The map draws the request the terminal made: its path, and its line under Recent requests naming the pod.
  const pod = /Hello from (demo-\w+-\w+) at /.exec(text)![1];
  await page.waitForSelector('.flow-path', { state: 'attached', timeout: 2000 });
  await page.waitForFunction((name) => Array.from(document.querySelectorAll("#flows button.flow")).some((b) => b.textContent?.includes(`curl http://demo-service.dev`) && b.textContent.includes(name)), pod, { timeout: 2000 });
  assert.deepEqual(errors, []);
});
