// Remakes docs/ui-lesson-004.png: the lesson 004 cluster (kubia behind ClusterIP, NodePort and LoadBalancer
// Services, the hand-made kubia-manual pod, an external service) on the `kubesim ui` map, with a request from
// the workstation through the LoadBalancer drawn on it. Needs a build (node scripts/build.mjs) and /usr/bin/chromium.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('..', import.meta.url).pathname;
const lessons = join(root, 'manifests', 'lessons');
const dir = mkdtempSync(join(tmpdir(), 'kubesim-shot-'));
const env = { ...process.env, KUBESIM_STATE: join(dir, 'state.json'), KUBESIM_SEED: '9', KUBESIM_NOW: '2026-11-22T01:30:00Z', NO_COLOR: '1' };
const kubesim = (...args) => {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'kubesim'), ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubesim ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

try {
  kubesim('create', '-f', join(lessons, 'kubia-rc.yaml'));
  kubesim('create', '-f', join(lessons, 'kubia-manual.yaml'));
  kubesim('expose', 'rc', 'kubia', '--port=80', '--target-port=8080');
  kubesim('create', '-f', join(lessons, 'kubia-nodeport.yaml'));
  kubesim('create', '-f', join(lessons, 'kubia-loadbalancer.yaml'));
  const child = spawn(process.execPath, [join(root, 'bin', 'kubesim'), 'ui', '--port', '0', '--token', 'lesson-004-shot'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /(http:\S+)\n/.exec(out);
      if (m) resolve(m[1]);
    });
  });
  const profile = join(dir, 'profile');
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args, viewport: { width: 1600, height: 900 } });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await page.goto(url);
    await page.waitForSelector('g.obj[data-kind="pod"]');
    const lb = kubesim('get', 'svc', 'kubia-loadbalancer', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}');
    kubesim('curl', '-s', `http://${lb}`);
    await page.waitForSelector('.flow-path');
    await page.waitForTimeout(700);
    await page.locator('#flows button.flow').first().click();
    await page.waitForSelector('#details-hops li');
    await page.screenshot({ path: join(root, 'docs', 'ui-lesson-004.png') });
  } finally {
    await ctx.close();
    child.kill('SIGINT');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
