// The terminal line discipline kubesim serve plays for exec -it / run -it: what the screen shows for each
// keystroke, and what the shell is handed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineDiscipline, onlcr } from '../../src/apps/tty.js';

function typed(keys: (string | Buffer)[]): { shown: string; events: unknown[] } {
  const ld = new LineDiscipline();
  let shown = '';
  const events: unknown[] = [];
  for (const k of keys) events.push(...ld.feed(typeof k === 'string' ? Buffer.from(k, 'utf8') : k, (t) => (shown += t)));
  return { shown, events };
}

test('a typed line is echoed as typed and handed on at Enter (CR or LF), with CRLF on the screen', () => {
  assert.deepEqual(typed(['ec', 'ho hi\r', 'ls\n']), { shown: 'echo hi\r\nls\r\n', events: [{ kind: 'line', line: 'echo hi' }, { kind: 'line', line: 'ls' }] });
});

test('backspace (DEL or BS) rubs out the last character, a whole UTF-8 one, and nothing at the line\'s start', () => {
  const r = typed(['\x7fab\x7f', 'é', Buffer.from([0x08]), 'c\r']);
  assert.equal(r.shown, 'ab\b \bé\b \bc\r\n');
  assert.deepEqual(r.events, [{ kind: 'line', line: 'ac' }]);
});

test('a multi-byte character split across reads arrives whole', () => {
  const bytes = Buffer.from('ü', 'utf8');
  const r = typed([bytes.subarray(0, 1), bytes.subarray(1), '\r']);
  assert.deepEqual(r, { shown: 'ü\r\n', events: [{ kind: 'line', line: 'ü' }] });
});

test('Ctrl-C shows ^C, drops the line and interrupts; Ctrl-U rubs out the line; Ctrl-D ends input only on an empty line', () => {
  assert.deepEqual(typed(['sleep 1', '\x03']), { shown: 'sleep 1^C\r\n', events: [{ kind: 'interrupt' }] });
  assert.deepEqual(typed(['ab\x15c\r']), { shown: 'ab\b \b\b \bc\r\n', events: [{ kind: 'line', line: 'c' }] });
  assert.deepEqual(typed(['x\x04\r\x04']), { shown: 'x\r\n', events: [{ kind: 'line', line: 'x' }, { kind: 'eof' }] });
});

test('arrow keys and other escape sequences are neither shown nor kept', () => {
  assert.deepEqual(typed(['a\x1b[A\x1b[1;5Cb\x1bOHc\r']), { shown: 'abc\r\n', events: [{ kind: 'line', line: 'abc' }] });
});

test('output newlines become CRLF once', () => {
  assert.equal(onlcr('a\nb\r\nc'), 'a\r\nb\r\nc');
});
