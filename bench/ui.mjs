// `npm run bench` (via bench/run.mjs): the `kubesim ui` page in headless Chromium at 50 and 500 pods (BENCH_UI_SCALES):
// time to the first painted map (from navigation start, median of runs), JS heap in use once painted (after a
// GC), the cost of one repaint, the size of one pushed view, and how long after a `scale` the page shows it.
// Skipped without /usr/bin/chromium.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { bin, kubesim, median } from './measure.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCALES = (process.env.BENCH_UI_SCALES ?? '50,500').split(',').map(Number);
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 5);
const TOKEN = 'bench-token-0001';

if (!existsSync(CHROMIUM)) {
  process.stdout.write(`skipped: no ${CHROMIUM}\n`);
  process.exit(0);
}
const { chromium } = await import('playwright-core');
const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-ui-'));
const style = process.stdout.isTTY && !process.env.NO_COLOR ? {} : { style: { head: [], border: [] } };
const table = new Table({ head: ['pods', 'first render (ms)', 'JS heap (MB)', 'repaint (ms)', 'view (KB)', 'scale -> page (ms)', 'goal'], ...style });

function startUi(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'ui', '--port', '0', '--token', TOKEN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /(http:\S+)\n/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', () => reject(new Error('kubesim ui exited')));
  });
}

try {
  for (const pods of SCALES) {
    const env = { ...process.env, KUBESIM_STATE: join(dir, `ui-${pods}.json`), KUBESIM_SEED: '1', KUBESIM_NOW: '2026-11-22T01:30:00Z', NO_COLOR: '1' };
    kubesim(['cluster', 'create', '--workers', String(Math.ceil(pods / 100) + 1), '--seed', '1'], env);
    kubesim(['create', 'deployment', 'web', '--image=nginx', `--replicas=${pods}`, '--port=80'], env);
    kubesim(['expose', 'deployment', 'web', '--port=80'], env);
    const ui = await startUi(env);
    const profile = mkdtempSync(join(dir, 'profile-'));
    const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1600, height: 1000 } });
    try {
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      const firsts = [];
      for (let i = 0; i < RUNS; i++) {
        await page.goto(ui.url);
        await page.waitForFunction(() => window.kubesimFirstRender !== undefined);
        firsts.push(await page.evaluate(() => window.kubesimFirstRender));
      }
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('Performance.enable');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize').value / 1024 / 1024;
      const repaint = await page.evaluate(() => window.kubesimPaintMs);
      const view = await page.evaluate(async (t) => (await (await fetch(`/api/view?token=${t}`)).text()).length, TOKEN);
      const rv = await page.evaluate(() => document.body.dataset.rv);
      const t0 = Date.now();
      kubesim(['scale', 'deployment', 'web', `--replicas=${pods + 1}`], env);
      const cmdMs = Date.now() - t0;
      await page.waitForFunction((before) => document.body.dataset.rv !== before, rv, { timeout: 10_000 });
      const lag = Date.now() - t0 - cmdMs;
      const f = median(firsts);
      table.push([pods, f.toFixed(0), heap.toFixed(1), repaint.toFixed(1), (view / 1024).toFixed(0), lag.toFixed(0), f <= 1000 && lag <= 1000 ? 'met (<= 1 s)' : 'NOT met (<= 1 s)']);
    } finally {
      await ctx.close();
      ui.child.kill('SIGINT');
    }
  }
  process.stdout.write(`${table.toString()}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
