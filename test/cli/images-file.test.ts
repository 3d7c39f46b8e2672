// $KUBESIM_IMAGES is checked against its schema when it is loaded: one error naming the file and the field.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRefused, inProcessCluster, type InProcessCluster } from '../support/inproc.js';

let c: InProcessCluster;
before(async () => {
  c = inProcessCluster();
  await c.run(['cluster', 'create']);
});
after(() => c.cleanup());

async function refusedWith(text: string, problem: string): Promise<void> {
  const path = join(c.dir, 'images.yaml');
  writeFileSync(path, text);
  await assertRefused(c, ['run', 'img', '--image=example/hello'], { stderr: `error: invalid images file "${path}": ${problem}\n` }, { env: { KUBESIM_IMAGES: path } });
}

test('fields of the wrong type or out of range', async () => {
  const entry = 'images:\n- name: example/hello\n';
  await refusedWith(`${entry}  ports: [9000]\n  response: 5\n`, 'images[0].response: must be a string, got 5');
  await refusedWith(`${entry}  binaries: 5\n`, 'images[0].binaries: must be a list of names, got 5');
  await refusedWith('images:\n- name: 5\n', 'images[0].name: must be a string, got 5');
  await refusedWith(`${entry}  ports: 5\n`, 'images[0].ports: must be a list of port numbers, got 5');
  await refusedWith(`${entry}  ports: [70000]\n`, 'images[0].ports[0]: must be a port number between 1 and 65535, got 70000');
  await refusedWith(`${entry}  respone: hi\n`, 'images[0]: unknown field "respone" (known fields: name, ports, bind, response, log, binaries, prompt)');
});

test('a file that is not an images file at all', async () => {
  await assertRefused(c, ['run', 'img', '--image=nginx'], {
    stderr: 'error: invalid images file "/etc/passwd": the file must be a mapping with an "images" list, got a string ("root:x:0:0:root:/root:/bin/bash daemon:x"...)\n',
  }, { env: { KUBESIM_IMAGES: '/etc/passwd' } });
  await assertRefused(c, ['run', 'img', '--image=nginx'], { stderr: 'error: images file "/dev/zero" is not a regular file\n' }, { env: { KUBESIM_IMAGES: '/dev/zero' } });
});

test('a valid file still works', async () => {
  const path = join(c.dir, 'good.yaml');
  writeFileSync(path, 'images:\n- name: example/hello\n  ports: [9000]\n  response: "hi\\n"\n');
  const r = await c.run(['run', 'img', '--image=example/hello'], { env: { KUBESIM_IMAGES: path } });
  assert.deepEqual(r, { code: 0, stdout: 'pod/img created\n', stderr: '' });
});
