// Builds the CLI bundle (dist/) and, with --tests, a file-per-file transpile of src/ and test/ into build/.
// esbuild earns its place: one bundled, code-split entry keeps start-up close to `node -e 0`,
// where resolving a few hundred files from node_modules on every command would not.
import { build } from 'esbuild';
import { copyFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleCli } from './bundle-cli.mjs';

const root = new URL('..', import.meta.url).pathname;
const withTests = process.argv.includes('--tests');

function files(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
// dist/main.cjs (the core commands in one file) and dist/chunks/ (the rest, code-split): see bundle-cli.mjs.
await bundleCli(root);

// The `kubesim ui` page: one browser bundle (its terminal pane a lazily loaded chunk) and its CSS, served by
// src/ui/server.ts from dist/ui. Minified: the page's weight is what a projector's laptop downloads.
await build({
  entryPoints: [join(root, 'src/ui/web/app.ts')],
  outdir: join(root, 'dist/ui'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
copyFileSync(join(root, 'src/ui/web/index.html'), join(root, 'dist/ui/index.html'));
// xterm's own stylesheet for the terminal pane, which links it when it opens.
copyFileSync(join(root, 'node_modules/@xterm/xterm/css/xterm.css'), join(root, 'dist/ui/xterm.css'));

if (withTests) {
  rmSync(join(root, 'build'), { recursive: true, force: true });
  await build({
    entryPoints: [...files(join(root, 'src')), ...files(join(root, 'test'))],
    outdir: join(root, 'build'),
    outbase: root,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}
