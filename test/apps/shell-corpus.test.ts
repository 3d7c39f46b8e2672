// The simulated shell against a real one: each snippet of shell-corpus.json runs through kubesim's shell in a
// busybox pod, and must print what busybox ash printed for it (stdout, stderr, exit code), as recorded by
// scripts/record-shell-corpus.mjs at authoring time. Busybox is not needed to run this test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { shellIn, tools } from './helpers.js';

interface Snippet {
  name: string;
  script: string;
  stdin?: string;
  expected: { stdout: string; stderr: string; code: number };
}

const corpus = JSON.parse(readFileSync(new URL('../../../test/apps/shell-corpus.json', import.meta.url), 'utf8')) as { snippets: Snippet[] };

describe('shell corpus: kubesim\'s sh prints what busybox ash prints', () => {
  it('has at least 60 snippets', () => assert.ok(corpus.snippets.length >= 60));
  // Each snippet was recorded in a new container: it runs in a new instance of the container here too (files
  // written by one snippet are not seen by the next).
  const sh = shellIn(tools().f, 'bb', { fresh: true });
  for (const c of corpus.snippets) {
    it(c.name, () => {
      const r = sh(['sh', '-c', c.script], c.stdin ?? '');
      assert.deepEqual({ stdout: r.stdout, stderr: r.stderr, code: r.code }, c.expected, c.script);
    });
  }
});
