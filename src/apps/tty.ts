// A terminal's line discipline (canonical mode, as a container's pty is set up for an interactive shell): the
// bytes a user types are echoed, edited (backspace, Ctrl-U) and handed on a line at a time; Ctrl-C and Ctrl-D
// are signals, not input; output's "\n" becomes "\r\n" (onlcr). Used where kubesim plays the container's
// terminal itself (kubesim serve's exec and attach with tty=true).
import { StringDecoder } from 'node:string_decoder';

export type TtyEvent = { kind: 'line'; line: string } | { kind: 'interrupt' } | { kind: 'eof' };

const CTRL_C = 0x03;
const CTRL_D = 0x04;
const BS = 0x08;
const LF = 0x0a;
const CR = 0x0d;
const CTRL_U = 0x15;
const ESC = 0x1b;
const DEL = 0x7f;

/** A line longer than this is cut, as a pty's 4 KiB input buffer stops taking bytes. */
const MAX_LINE = 4095;

export class LineDiscipline {
  private line = '';
  private decoder = new StringDecoder('utf8');
  /** Inside an escape sequence (an arrow key's ESC [ A): its bytes are neither echoed nor kept. */
  private escape: 'none' | 'esc' | 'csi' = 'none';

  /** Feeds typed bytes; `echo` receives what the terminal shows, the events what the process gets. */
  feed(data: Buffer, echo: (text: string) => void): TtyEvent[] {
    const events: TtyEvent[] = [];
    let shown = '';
    for (const b of data) {
      if (this.escape !== 'none') {
        // ESC then '[' starts a CSI sequence, which ends with a byte in 0x40..0x7e.
        if (this.escape === 'esc') this.escape = b === 0x5b || b === 0x4f ? 'csi' : 'none';
        else if (b >= 0x40 && b <= 0x7e) this.escape = 'none';
        continue;
      }
      if (b === ESC) this.escape = 'esc';
      else if (b === CTRL_C) {
        shown += '^C\r\n';
        this.line = '';
        events.push({ kind: 'interrupt' });
      } else if (b === CTRL_D) {
        // At the start of a line Ctrl-D is end of input; inside one it hands the line on as it is (ash ignores).
        if (!this.line) events.push({ kind: 'eof' });
      } else if (b === CR || b === LF) {
        shown += '\r\n';
        events.push({ kind: 'line', line: this.line + this.decoder.end() });
        this.line = '';
        this.decoder = new StringDecoder('utf8');
      } else if (b === DEL || b === BS) {
        if (this.line) {
          const chars = [...this.line];
          chars.pop();
          this.line = chars.join('');
          shown += '\b \b';
        }
      } else if (b === CTRL_U) {
        shown += '\b \b'.repeat([...this.line].length);
        this.line = '';
      } else if (b >= 0x20 || b === 0x09) {
        const text = this.decoder.write(Buffer.from([b]));
        if (text && this.line.length < MAX_LINE) {
          this.line += text;
          shown += text;
        }
      }
    }
    if (shown) echo(shown);
    return events;
  }
}

/** Output through the terminal: a newline moves to the start of the next line (onlcr). */
export function onlcr(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
