// The files the page loads for its terminal, built by scripts/build.mjs into dist/ui/ and served by kubesim
// itself (the page works offline): the terminal's script with xterm.js inside, and xterm's stylesheet.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ASSETS = new Map([
  ['/terminal.js', { file: 'terminal.js', type: 'text/javascript; charset=utf-8' }],
  ['/xterm.css', { file: 'xterm.css', type: 'text/css; charset=utf-8' }],
]);

let folder: string | undefined;

/** dist/ui of the kubesim this module belongs to (found from here: dist/ or build/src/ui/ alike). */
function assetFolder(): string | undefined {
  if (folder) return folder;
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'dist', 'ui', 'terminal.js'))) return (folder = join(d, 'dist', 'ui'));
    if (dirname(d) === d) return undefined;
  }
}

/** The terminal's asset at a URL path (/terminal.js, /xterm.css), or undefined when the path is not one. */
export function terminalAsset(pathname: string): { type: string; body: Buffer } | undefined {
  const a = ASSETS.get(pathname);
  const dir = a && assetFolder();
  if (!a || !dir) return undefined;
  return { type: a.type, body: readFileSync(join(dir, a.file)) };
}
