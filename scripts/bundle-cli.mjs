// The CLI bundle in two builds, so that the commands people type most load one file.
//
// Node 20 loads an ES module graph file by file (resolve, an asynchronous read, compile, link): with esbuild's
// code splitting alone, `get pods` loaded some 35 small chunks, and that per-file cost was most of what it spent
// above `node -e 0`. esbuild cannot be told to merge chunks, so:
//
//   1. dist/main.cjs: main.ts and everything the core commands (CORE_ROOTS) import statically, as ONE CommonJS
//      file, which bin/kubesim (CommonJS too, see bin/package.json) requires: those commands never start Node's
//      ES module loader, which alone costs about 5% of `node -e 0`. It also exports, per module, a function
//      (m<i>) that initializes the module and returns its exports, so a command runs only the modules it reaches.
//   2. dist/chunks/: every other module, code-split by esbuild as ES modules and then converted to CommonJS
//      (.cjs), so that no command starts the ES module loader either. An import of a module that is in main.cjs
//      becomes a call of its function there, so each module still exists once per process (one KubeError class,
//      one managed-fields switch); a dynamic import in main.cjs of a module outside it requires the entry chunk
//      built for that module.
//
// Compiling the unused part of main.cjs costs less than loading a few files: `version --client` reads all of it.
import { build, transform } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';

/** The commands whose whole static import graph goes into dist/main.cjs. */
const CORE_ROOTS = ['src/main.ts', 'src/cli/get.ts', 'src/cli/version.ts', 'src/cli/context.ts'];

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  // commander is required at run time, only by the command lines that need its full parser (src/cli/common.ts).
  external: ['commander'],
  // CommonJS dependencies, and the built-ins below, call require(): give the ESM bundle one. A built-in comes from
  // process.getBuiltinModule (Node 20.16+), anything else (an optional dependency) from createRequire as before.
  banner: {
    js: "const require = globalThis.process.getBuiltinModule ? ((get) => (id) => get(id) ?? get('node:module').createRequire(import.meta.url)(id))(process.getBuiltinModule) : (await import('node:module')).createRequire(import.meta.url);",
  },
  plugins: [builtinsByRequire()],
  logLevel: 'warning',
};

/**
 * `import { readFileSync } from 'node:fs'` becomes a require(): Node 20 gives an ES module importing a built-in
 * a facade with a copy of every export, which reads fs's lazy ones too (its streams: a dozen more internal
 * modules) and node:module's source-map support, on every command.
 */
function builtinsByRequire() {
  return {
    name: 'builtins-by-require',
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (a) => (a.kind === 'import-statement' ? { path: a.path, namespace: 'builtin' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'builtin' }, (a) => ({ contents: `module.exports = require(${JSON.stringify(a.path)});`, loader: 'js' }));
    },
  };
}

export async function bundleCli(root) {
  const abs = (p) => (isAbsolute(p) ? p : join(root, p));
  const rel = (p) => relative(root, p);

  // The import graph, from a build that writes nothing.
  const probe = await build({ ...common, absWorkingDir: root, entryPoints: ['src/main.ts'], outdir: 'dist', splitting: true, write: false, metafile: true });
  const inputs = probe.metafile.inputs;
  const core = new Set();
  const walk = (f) => {
    if (core.has(f) || !inputs[f]) return;
    core.add(f);
    for (const i of inputs[f].imports) if (!i.external && i.kind !== 'dynamic-import') walk(i.path);
  };
  for (const r of CORE_ROOTS) walk(r);
  // Only our own modules are shared through main.cjs; a library that the chunks also use is bundled again there.
  const coreSrc = [...core].filter((f) => f.startsWith('src/'));

  // A chunk sees a core module's bindings as they were when it first ran, and only the names it declares itself.
  for (const f of coreSrc) {
    const bad = /^export (let|var|\*)/m.exec(readFileSync(abs(f), 'utf8'));
    if (bad) throw new Error(`${f}: \`${bad[0]}\` cannot be shared from main.cjs; export functions or constants by name`);
  }

  // Each core module's exported names (a file-by-file transpile reports them).
  const names = await build({ absWorkingDir: root, entryPoints: coreSrc, outdir: 'probe', outbase: '.', format: 'esm', platform: 'node', bundle: false, write: false, metafile: true, logLevel: 'warning' });
  const exportsOf = new Map();
  for (const out of Object.values(names.metafile.outputs)) if (out.entryPoint) exportsOf.set(out.entryPoint, out.exports);
  // main.ts exports nothing and nothing imports it.
  const alias = new Map(coreSrc.filter((f) => f !== 'src/main.ts').map((f, i) => [f, `m${i}`]));
  // A function per module that initializes it on first call (esbuild turns the require() of a bundled ES module
  // into a lazy init): a command evaluates only the modules it reaches, not all of main.cjs.
  const coreEntry = [
    ...[...alias].map(([f, m]) => `export const ${m} = () => require(${JSON.stringify(abs(f))});`),
    // main.ts runs the command line: last, so that every core module has been evaluated first.
    `import ${JSON.stringify(abs('src/main.ts'))};`,
  ].join('\n');

  // Modules outside main.cjs that it imports dynamically: each becomes an entry chunk with a fixed name.
  const lazyEntries = new Map();
  const entryName = (file) => `e.${rel(file).replace(/^src\//, '').replace(/\.[cm]?[jt]s$/, '').replace(/[^A-Za-z0-9]+/g, '.')}`;

  await build({
    ...common,
    absWorkingDir: root,
    stdin: { contents: coreEntry, resolveDir: root, sourcefile: 'kubesim-core.js', loader: 'js' },
    outfile: 'dist/main.cjs',
    format: 'cjs',
    // The chunks are CommonJS too (below): import() of one becomes a require() in a promise.
    supported: { 'dynamic-import': false },
    // common.ts finds commander from import.meta.url.
    banner: { js: 'const __kubesimUrl = require("node:url").pathToFileURL(__filename).href;' },
    define: { 'import.meta.url': '__kubesimUrl' },
    plugins: [
      {
        name: 'lazy-outside-core',
        setup(b) {
          b.onResolve({ filter: /.*/ }, async (a) => {
            if (a.kind !== 'dynamic-import' || a.pluginData === 'inner') return undefined;
            const r = await b.resolve(a.path, { kind: a.kind, resolveDir: a.resolveDir, importer: a.importer, pluginData: 'inner' });
            if (r.errors.length || r.external || core.has(rel(r.path))) return undefined;
            const name = entryName(r.path);
            lazyEntries.set(name, r.path);
            return { path: `./chunks/${name}.cjs`, external: true };
          });
        },
      },
    ],
  });

  // A chunk is CommonJS with ES module exports (__esModule and getters, a `default` among them): its module.exports
  // is what import() of it must give. esbuild's node-mode __toESM(..., 1) would make `default` the whole object.
  const main = join(root, 'dist/main.cjs');
  writeFileSync(main, noImport(main, readFileSync(main, 'utf8').replace(/__toESM\((require\("\.\/chunks\/[^"]+\.cjs"\)), 1\)/g, '$1')));

  const chunks = await build({
    ...common,
    // The chunks' require() is CommonJS's own once they are converted (below).
    banner: {},
    write: false,
    absWorkingDir: root,
    entryPoints: [...lazyEntries].map(([name, file]) => ({ in: file, out: `chunks/${name}` })),
    outdir: 'dist',
    outExtension: { '.js': '.cjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [
      ...common.plugins,
      {
        name: 'core-from-main',
        setup(b) {
          b.onResolve({ filter: /^kubesim:main$/ }, () => ({ path: '../main.cjs', external: true }));
          b.onResolve({ filter: /.*/ }, async (a) => {
            if (a.namespace === 'core' || a.pluginData === 'inner' || a.kind === 'entry-point') return undefined;
            const r = await b.resolve(a.path, { kind: a.kind, resolveDir: a.resolveDir, importer: a.importer, pluginData: 'inner' });
            if (r.errors.length || r.external || !alias.has(rel(r.path))) return undefined;
            return { path: rel(r.path), namespace: 'core' };
          });
          // The module's bindings as they are once it has run (no core module reassigns an exported let).
          b.onLoad({ filter: /.*/, namespace: 'core' }, (a) => {
            const ex = exportsOf.get(a.path) ?? [];
            const m = alias.get(a.path);
            // require(), not import: an ES import of a CommonJS file has Node lex all of main.cjs for its export names.
            return { contents: `const { ${m} } = require('kubesim:main');\nexport const { ${ex.join(', ')} } = ${m}();`, loader: 'js' };
          });
        },
      },
    ],
  });

  // esbuild splits ES modules only: each chunk is converted to CommonJS here, its imports of other chunks becoming
  // require()s, so that no command starts Node's ES module loader (resolve, an asynchronous read, compile and
  // link per file: some 10% of a write command). Each chunk is still one module in the process (require's cache),
  // and a chunk's exports are getters, so bindings stay live across the cycles an ES module graph may have.
  for (const f of chunks.outputFiles) {
    const out = await transform(f.text, {
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      supported: { 'dynamic-import': false },
      // Strict, as the ES module it was: a CommonJS file is not, and esbuild adds no directive when converting.
      // src/cli/common.ts finds commander, and alias-dir and the ui server their package, from import.meta.url.
      banner: '"use strict";\nconst __kubesimUrl = require("node:url").pathToFileURL(__filename).href;',
      define: { 'import.meta.url': '__kubesimUrl' },
      logLevel: 'warning',
    });
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, noImport(f.path, out.code));
  }
}

/** bin/code-cache.cjs compiles the bundle as scripts, where an import() would throw: the build refuses one. */
function noImport(file, code) {
  const m = /\bimport\s*\(|\bimport\.meta\b/.exec(code);
  if (m) throw new Error(`${file}: \`${m[0]}\` left in the CommonJS bundle (bin/code-cache.cjs runs it as a script)`);
  return code;
}
