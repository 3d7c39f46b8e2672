// The archives the simulated tar reads and writes (src/util/ustar.ts): what the host's tar and Go's archive/tar
// (kubectl cp) make of them, long names both ways, and damage refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTar, TarFormatError, writeTar, type TarEntry } from '../../src/util/ustar.js';

const file = (name: string, data: string | Buffer): TarEntry => ({ name, type: 'file', mode: 0o644, mtime: 1_700_000_000, data: Buffer.from(data) });
const hostTar = spawnSync('tar', ['--version']).status === 0;

describe('ustar archives', () => {
  const long = `${'d'.repeat(120)}/${'e'.repeat(90)}`;
  const longer = `${'x/'.repeat(150)}f`;
  const entries = [file('a.txt', 'alpha\n'), file(long, 'split into prefix and name\n'), file(longer, Buffer.from([0, 255, 128])), { name: 'dir/', type: 'dir', mode: 0o755, mtime: 0, data: Buffer.alloc(0) } as TarEntry];

  it('reads back what it writes: names past 100 bytes (ustar prefix) and past 255 (GNU long name), bytes as they are', () => {
    const back = readTar(writeTar(entries));
    assert.deepEqual(back.map((e) => [e.name, e.type, e.data.toString('hex')]), entries.map((e) => [e.name, e.type, e.data.toString('hex')]));
  });

  it('the host tar lists and extracts it', { skip: !hostTar }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-ustar-'));
    try {
      writeFileSync(join(dir, 'a.tar'), writeTar(entries));
      const list = spawnSync('tar', ['tf', join(dir, 'a.tar')], { encoding: 'utf8' });
      assert.equal(list.status, 0, list.stderr);
      assert.deepEqual(list.stdout.trim().split('\n'), ['a.txt', long, longer, 'dir/']);
      assert.equal(spawnSync('tar', ['xf', join(dir, 'a.tar'), '-C', dir]).status, 0);
      assert.ok(readFileSync(join(dir, longer)).equals(Buffer.from([0, 255, 128])));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a pax path record (Go writes one for a long name)', () => {
    const name = `${'p'.repeat(300)}.txt`;
    const rec = (k: string, v: string) => {
      const body = ` ${k}=${v}\n`;
      let n = body.length + 1;
      while (`${n}${body}`.length !== n) n = `${n}${body}`.length;
      return `${n}${body}`;
    };
    const pax = Buffer.from(rec('path', name));
    const raw = writeTar([file('PaxHeaders/x', pax), file('short', 'data')]);
    raw[156] = 'x'.charCodeAt(0);
    // The type flag is part of the checksum: make it again.
    raw.fill(' ', 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += raw[i]!;
    raw.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    assert.deepEqual(readTar(raw).map((e) => [e.name, e.data.toString()]), [[name, 'data']]);
  });

  it('refuses a damaged header, a cut archive and a few stray bytes, keeping the entries before', () => {
    const good = writeTar([file('a', 'x'), file('b', 'y'.repeat(1000))]);
    const bad = Buffer.from(good);
    bad[1024 + 10] ^= 1;
    assert.throws(() => readTar(bad), (e: unknown) => e instanceof TarFormatError && e.entries.length === 1);
    assert.throws(() => readTar(good.subarray(0, 1200)), /Unexpected EOF in archive/);
    assert.throws(() => readTar(Buffer.from('garbage\n')), /This does not look like a tar archive/);
    assert.deepEqual(readTar(Buffer.alloc(0)), []);
  });
});
