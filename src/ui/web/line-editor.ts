// The page's terminal between the keyboard and the server: what a shell's line editor and a terminal's line
// discipline do, kept free of the DOM so that node tests drive it as the page does. At the prompt it edits a
// line (arrows, Home/End, Backspace/Delete, Ctrl-U, history on Up/Down, Tab completion) and runs it on Enter;
// while a command runs it edits a line of the command's input (Enter sends it, Ctrl-D ends the input) and
// Ctrl-C interrupts the command.

export const PROMPT = '$ ';

export type ToServer =
  | { t: 'run'; line: string }
  | { t: 'stdin'; data: string }
  | { t: 'eof' }
  | { t: 'interrupt' }
  | { t: 'complete'; id: number; line: string };

export type FromServer =
  | { t: 'ready'; namespace?: string }
  | { t: 'out' | 'err'; data: string }
  | { t: 'exit'; code: number }
  | { t: 'completions'; id: number; from: number; items: string[] }
  | { t: 'error'; message: string };

export interface EditorHost {
  /** Writes to the screen (text as a terminal takes it: \r\n ends a line). */
  write(text: string): void;
  send(m: ToServer): void;
  /** The screen's width in columns. */
  cols(): number;
}

const HISTORY_MAX = 500;

export class LineEditor {
  private line = '';
  private cursor = 0;
  /** The screen column where the edited line starts, and the column the screen's cursor is at. */
  private startCol = 0;
  private col = 0;
  private running = false;
  private connected = false;
  readonly history: string[] = [];
  /** Where Up/Down is in the history (history.length: the line being typed), and that line kept aside. */
  private at = 0;
  private draft = '';
  private completion = 0;
  private asked = '';
  /** An escape sequence split across two reads. */
  private pending = '';
  private lastWasCR = false;

  constructor(private readonly host: EditorHost) {}

  /** What the server says. */
  receive(m: FromServer): void {
    switch (m.t) {
      case 'ready':
        this.connected = true;
        this.prompt();
        return;
      case 'out':
      case 'err':
        return this.output(m.data);
      case 'exit':
        if (!this.running) return;
        this.running = false;
        this.line = '';
        this.cursor = 0;
        this.prompt();
        return;
      case 'completions':
        return this.completed(m);
      case 'error':
        this.output(`kubesim ui: ${m.message}\n`);
        return;
    }
  }

  /** The connection is gone: say so; keys do nothing until a new editor starts. */
  disconnected(): void {
    if (!this.connected) return;
    this.connected = false;
    this.output(`${this.col === 0 ? '' : '\n'}[connection to kubesim closed]\n`);
  }

  /** Keys as the terminal reports them (one key, an escape sequence, or a paste). */
  key(data: string): void {
    if (!this.connected) return;
    let s = this.pending + data;
    this.pending = '';
    while (s.length > 0) {
      if (s[0] === '\x1b') {
        const m = /^\x1b(?:\[[0-9;]*[~A-Za-z]|O[A-Za-z])/.exec(s);
        if (m) {
          this.escape(m[0]);
          s = s.slice(m[0].length);
        } else if (s.length > 1 && /^\x1b(\[[0-9;]*|O)$/.test(s)) {
          // the start of a sequence whose end comes with the next read
          this.pending = s;
          return;
        } else s = s.slice(1); // a lone Escape does nothing
        continue;
      }
      const c = s[0];
      s = s.slice(1);
      // A pasted CRLF is one Enter.
      if (c === '\n' && this.lastWasCR) {
        this.lastWasCR = false;
        continue;
      }
      this.lastWasCR = c === '\r';
      this.control(c);
    }
  }

  private escape(seq: string): void {
    const last = seq[seq.length - 1];
    if (last === 'A') return this.historyStep(-1);
    if (last === 'B') return this.historyStep(1);
    if (last === 'C') return this.moveTo(this.cursor + 1);
    if (last === 'D') return this.moveTo(this.cursor - 1);
    if (last === 'H' || seq === '\x1b[1~') return this.moveTo(0);
    if (last === 'F' || seq === '\x1b[4~') return this.moveTo(this.line.length);
    if (seq === '\x1b[3~') {
      if (this.cursor < this.line.length) this.edit(this.line.slice(0, this.cursor) + this.line.slice(this.cursor + 1), this.cursor);
    }
  }

  private control(c: string): void {
    switch (c) {
      case '\r':
      case '\n':
        return this.enter();
      case '\x7f':
      case '\b':
        if (this.cursor > 0) this.edit(this.line.slice(0, this.cursor - 1) + this.line.slice(this.cursor), this.cursor - 1);
        return;
      case '\x03':
        return this.interrupt();
      case '\x04':
        if (this.running && this.line === '') this.host.send({ t: 'eof' });
        return;
      case '\x01':
        return this.moveTo(0);
      case '\x05':
        return this.moveTo(this.line.length);
      case '\x15':
        return this.edit(this.line.slice(this.cursor), 0);
      case '\x0c':
        // Ctrl-L: a clear screen, the line being typed kept.
        this.host.write('\x1b[H\x1b[2J');
        this.col = 0;
        if (!this.running) this.show(PROMPT);
        this.startCol = this.col;
        this.show(this.line);
        return this.moveCursor(this.line.length, this.cursor);
      case '\t':
        return this.tab();
      default:
        if (c >= ' ') this.edit(this.line.slice(0, this.cursor) + c + this.line.slice(this.cursor), this.cursor + 1);
    }
  }

  private enter(): void {
    const line = this.line;
    this.moveCursor(this.cursor, line.length);
    this.show('\n');
    this.line = '';
    this.cursor = 0;
    this.startCol = 0;
    if (this.running) {
      this.host.send({ t: 'stdin', data: `${line}\n` });
      return;
    }
    if (line.trim() !== '' && this.history[this.history.length - 1] !== line) {
      this.history.push(line);
      if (this.history.length > HISTORY_MAX) this.history.shift();
    }
    this.at = this.history.length;
    this.draft = '';
    this.running = true;
    this.host.send({ t: 'run', line });
  }

  private interrupt(): void {
    this.moveCursor(this.cursor, this.line.length);
    this.show('^C');
    this.line = '';
    this.cursor = 0;
    if (this.running) {
      // The command answers: an attached shell with its next prompt, any other with its end.
      this.startCol = this.col;
      this.host.send({ t: 'interrupt' });
      return;
    }
    this.at = this.history.length;
    this.prompt();
  }

  private historyStep(dir: number): void {
    if (this.running) return;
    const next = this.at + dir;
    if (next < 0 || next > this.history.length) return;
    if (this.at === this.history.length) this.draft = this.line;
    this.at = next;
    const text = next === this.history.length ? this.draft : this.history[next];
    this.edit(text, text.length);
  }

  private tab(): void {
    if (this.running) return;
    this.completion += 1;
    this.asked = this.line.slice(0, this.cursor);
    this.host.send({ t: 'complete', id: this.completion, line: this.asked });
  }

  private completed(m: { id: number; from: number; items: string[] }): void {
    // Only the answer to the latest Tab, while the line is as it was asked about.
    const before = this.line.slice(0, this.cursor);
    if (this.running || m.id !== this.completion || before !== this.asked || m.from > before.length) return;
    this.completion += 1;
    const partial = before.slice(m.from);
    const items = [...new Set(m.items)].filter((i) => i.startsWith(partial));
    if (items.length === 0) return this.host.write('\x07');
    const common = items.reduce((a, b) => {
      let i = 0;
      while (i < a.length && i < b.length && a[i] === b[i]) i++;
      return a.slice(0, i);
    });
    const insert = items.length === 1 ? `${common}${/[/=]$/.test(common) ? '' : ' '}` : common;
    if (insert.length > partial.length) {
      const rest = this.line.slice(this.cursor);
      const head = before.slice(0, m.from) + insert;
      return this.edit(head + rest, head.length);
    }
    // Nothing more in common: list the choices under the line, then the line again.
    this.moveCursor(this.cursor, this.line.length);
    this.show(`\n${columns(items, this.host.cols())}`);
    this.show(PROMPT);
    this.startCol = this.col;
    this.show(this.line);
    this.moveCursor(this.line.length, this.cursor);
  }

  private prompt(): void {
    if (this.col !== 0) this.show('\n');
    this.show(PROMPT);
    this.startCol = this.col;
  }

  /** Output from the command: shown as it comes; a line being typed meanwhile is drawn again after it. */
  private output(text: string): void {
    if (this.line === '') {
      this.show(text);
      this.startCol = this.col;
      return;
    }
    this.moveCursor(this.cursor, 0);
    this.host.write('\x1b[J');
    this.col = this.startCol;
    this.show(text);
    this.startCol = this.col;
    this.show(this.line);
    this.moveCursor(this.line.length, this.cursor);
  }

  /** Replaces the line and puts the cursor at `cursor`, drawing only from the first changed character on. */
  private edit(line: string, cursor: number): void {
    let same = 0;
    while (same < line.length && same < this.line.length && line[same] === this.line[same]) same++;
    if (same === this.line.length && same === line.length) return this.moveTo(cursor);
    this.moveCursor(this.cursor, same);
    const tail = line.slice(same);
    this.show(tail);
    if (line.length < this.line.length) this.host.write('\x1b[J');
    this.line = line;
    this.cursor = line.length;
    this.moveTo(cursor);
  }

  private moveTo(cursor: number): void {
    const to = Math.max(0, Math.min(this.line.length, cursor));
    this.moveCursor(this.cursor, to);
    this.cursor = to;
  }

  /** Moves the screen's cursor from the line's position `from` to `to`, across wrapped rows. */
  private moveCursor(from: number, to: number): void {
    if (from === to) return;
    const cols = Math.max(1, this.host.cols());
    const a = this.startCol + from;
    const b = this.startCol + to;
    const rows = Math.floor(b / cols) - Math.floor(a / cols);
    let seq = rows < 0 ? `\x1b[${-rows}A` : rows > 0 ? `\x1b[${rows}B` : '';
    seq += '\r';
    if (b % cols > 0) seq += `\x1b[${b % cols}C`;
    this.host.write(seq);
    this.col = b;
  }

  /**
   * Writes text and follows the column it leaves the cursor at (the line's start counts from the row the
   * line began on). A line that fills the row exactly is moved to the next row, where the count has it.
   */
  private show(text: string): void {
    if (text === '') return;
    this.host.write(text.replace(/\r?\n/g, '\r\n'));
    const cols = Math.max(1, this.host.cols());
    const plain = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    const nl = Math.max(plain.lastIndexOf('\n'), plain.lastIndexOf('\r'));
    this.col = nl >= 0 ? [...plain.slice(nl + 1)].length : this.col + [...plain].length;
    if (this.col > 0 && this.col % cols === 0) this.host.write('\r\n');
  }
}

/** Names in columns across the screen, as a shell lists completions. */
export function columns(items: string[], cols: number): string {
  const width = Math.max(...items.map((i) => i.length)) + 2;
  const per = Math.max(1, Math.floor(cols / width));
  const rows = Math.ceil(items.length / per);
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const row: string[] = [];
    for (let c = 0; c < per; c++) {
      const i = c * rows + r;
      if (i < items.length) row.push(items[i].padEnd(width));
    }
    out.push(row.join('').trimEnd());
  }
  return `${out.join('\n')}\n`;
}
