'use strict';
// Runs dist/main.cjs, and the chunks it requires, as Node's require() would (one module object per file, kept
// for the process; the CommonJS wrapper; built-ins and packages through Node's own require), except that each
// file is compiled with a V8 code cache: its parse and the compilation of the functions a command ran are read
// back instead of redone. Compiling is about a fifth of a write command's time above `node -e 0`.
//
// Why this is safe:
// - A cache is only ever a hint. V8 checks it against its own version, its flags and the source's length and
//   rejects a mismatch (cachedDataRejected), and the file is then compiled from source as without a cache.
// - It is never served to another Node or other options: the directory is named by Node's version, the
//   architecture and a hash of the process's own flags (execArgv, NODE_OPTIONS); a file's cache is named by its
//   size and modification time, so a rebuilt or edited file never meets an old cache (and the build empties dist/).
// - V8 does not check a cache's content (a damaged one crashes it), so each file carries a checksum of its cache,
//   checked before V8 sees it: a cache torn by a crash or damaged on disk is not used, and is written again.
// - Writing it can fail and nothing notices: it is written at exit, to a temporary file renamed into place (a
//   concurrent reader sees a whole cache or none), and only where dist/ is writable (an install owned by
//   someone else stays without one and costs nothing more than before).
//
// One cache per verb (`get`, `apply`, ...): a cache holds the functions its first command compiled, so each verb's
// first run writes the one that fits it; a mistyped verb shares one named "other".
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const dist = path.join(__dirname, '..', 'dist');

/** Flags that take the next word as their value (src/cli/dispatch.ts finds the verb the same way). */
const VALUE_FLAGS = new Set(['-n', '--namespace', '--state', '--context', '--kubeconfig', '--cluster', '--user']);

/** The verb this command line runs, as a cache name: a verb the build knows, or "other". */
function verbOf(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) {
      if (!/^[a-z][a-z-]*$/.test(a)) return 'other';
      const known = a === 'get' || a === 'version' || fs.existsSync(path.join(dist, 'chunks', `e.cli.${a}.cjs`));
      return known ? a : 'other';
    }
    if (!a.includes('=') && VALUE_FLAGS.has(a)) i++;
  }
  return 'help';
}

/** A short hash (FNV-1a) naming the options V8 was started with. */
function hash(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ').trim();
const cacheDir = path.join(dist, '.code-cache', `${process.version}-${process.arch}${flags ? `-${hash(flags)}` : ''}`);
const verb = verbOf(process.argv.slice(2));

// V8 checks a cache's header but not, in a release build, its content: a cache damaged on disk would crash the
// process. Each file is 8 bytes (a tag, then a checksum of the rest) and V8's cache, which stays 8-byte aligned.
// The checksum is plain JavaScript: loading node:crypto for a hash would cost `get` more than its cache saves.
const TAG = 0x3163736b; // "ksc1"
const HEAD = 8;

/** FNV-1a over 32-bit words, in four lanes: any one changed word changes it (each step is a bijection). */
function checksum(bytes) {
  if (bytes.byteOffset & 3) bytes = new Uint8Array(bytes);
  const n = bytes.length >>> 2;
  const w = new Int32Array(bytes.buffer, bytes.byteOffset, n);
  let a = 0x811c9dc5 ^ bytes.length;
  let b = 0x050c5d1f;
  let c = 0x2c1b3c6d;
  let d = 0x297a2d39;
  let i = 0;
  for (const end = n & ~3; i < end; i += 4) {
    a = Math.imul(a ^ w[i], 0x01000193);
    b = Math.imul(b ^ w[i + 1], 0x01000193);
    c = Math.imul(c ^ w[i + 2], 0x01000193);
    d = Math.imul(d ^ w[i + 3], 0x01000193);
  }
  for (; i < n; i++) a = Math.imul(a ^ w[i], 0x01000193);
  for (let k = n << 2; k < bytes.length; k++) a = Math.imul(a ^ bytes[k], 0x01000193);
  return (a ^ Math.imul(b, 3) ^ Math.imul(c, 5) ^ Math.imul(d, 7)) >>> 0;
}

/** The cache in a file, if it is there whole. */
function readCache(file) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined; // none yet
  }
  if (bytes.length <= HEAD || bytes.readUInt32LE(0) !== TAG) return undefined;
  const data = bytes.subarray(HEAD);
  return bytes.readUInt32LE(4) === checksum(data) ? data : undefined;
}

const modules = new Map();
/** Scripts compiled without a usable cache: their caches are written at exit. */
const uncached = [];

function load(file) {
  const known = modules.get(file);
  if (known) return known.exports;
  const module = { exports: {}, id: file, filename: file, loaded: false };
  modules.set(file, module);
  const source = fs.readFileSync(file, 'utf8');
  const { size, mtimeMs } = fs.statSync(file);
  const cacheFile = path.join(cacheDir, `${path.basename(file)}.${verb}.${size}-${Math.trunc(mtimeMs)}`);
  const cachedData = readCache(cacheFile);
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) uncached.push({ script, cacheFile });
  const dir = path.dirname(file);
  let outside;
  // The bundle's own files (./chunks/x.cjs, ../main.cjs) load here; anything else is Node's.
  const require = (id) => {
    if (id.startsWith('./') || id.startsWith('../')) return load(path.resolve(dir, id));
    if (id === 'node:v8' || id === 'v8') return watchedV8();
    return (outside ??= createRequire(file))(id);
  };
  script.runInThisContext().call(module.exports, module.exports, require, module, file, dir);
  module.loaded = true;
  return module.exports;
}

// A cache carries the hash of V8's flags as they are when it is made, and grep (src/apps/tools.ts) sets one:
// a cache made after that would be rejected by every later run, and written again by each.
let flagsChanged = false;
let v8;
function watchedV8() {
  if (v8) return v8;
  const real = require('node:v8');
  v8 = {
    ...real,
    setFlagsFromString(flags) {
      flagsChanged = true;
      return real.setFlagsFromString(flags);
    },
  };
  return v8;
}

process.on('exit', () => {
  if (uncached.length === 0 || flagsChanged) return;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.accessSync(cacheDir, fs.constants.W_OK);
  } catch {
    return; // read-only: the next command compiles from source, as it would without a cache
  }
  for (const { script, cacheFile } of uncached) {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      const data = script.createCachedData();
      const head = Buffer.alloc(HEAD);
      head.writeUInt32LE(TAG, 0);
      head.writeUInt32LE(checksum(data), 4);
      fs.writeFileSync(tmp, Buffer.concat([head, data]));
      fs.renameSync(tmp, cacheFile);
    } catch {
      fs.rmSync(tmp, { force: true }); // a full disk: no cache, and no half of one
    }
  }
});

load(path.join(dist, 'main.cjs'));
