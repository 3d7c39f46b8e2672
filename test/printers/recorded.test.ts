// Structured output (-o yaml|json|jsonpath|jsonpath-as-json|custom-columns) compared with what the real
// kubectl 1.32 printed for the same objects (recorded through a stub API server, test/printers/recorded/).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { structuredPrinter } from '../../src/printers/get.js';
import type { KubeObject } from '../../src/api/types.js';
import { KubeError } from '../../src/api/errors.js';
import { ROOT } from '../support/cli.js';

interface Case {
  name: string;
  input: KubeObject;
  output: string;
  stdout: string;
  stderr?: string;
  code?: number;
}

const cases = JSON.parse(readFileSync(join(ROOT, 'test/printers/recorded/kubectl-output.json'), 'utf8')) as Case[];

for (const c of cases) {
  test(`as kubectl: ${c.name}`, async () => {
    const eq = c.output.indexOf('=');
    const format = eq < 0 ? c.output : c.output.slice(0, eq);
    const arg = eq < 0 ? '' : c.output.slice(eq + 1);
    let stdout = '';
    let stderr = '';
    try {
      const printer = await structuredPrinter(format, arg, {});
      stdout = await printer!(c.input);
    } catch (e) {
      if (!(e instanceof KubeError)) throw e;
      stderr = `${e.render()}${e.render().endsWith('\n') ? '' : '\n'}`;
    }
    assert.equal(stdout, c.stdout);
    if (c.stderr !== undefined) assert.equal(stderr, c.stderr);
  });
}
