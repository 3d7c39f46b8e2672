// Go's text/tabwriter as describe configures it: Init(buf, minwidth 0, tabwidth 8, padding 2, padchar ' ', flags 0).
// Text is cut into cells at '\t'; every cell but a line's last is tab-terminated and takes part in alignment.
// A column block is a run of consecutive lines that all have a cell in that column; each of its cells is padded
// to the widest cell of the block plus the padding. Widths count runes, as Go does.

/** Formats tab-separated text exactly as Go's tabwriter (flags 0, padchar ' ') would on Flush. */
export function formatTabbed(text: string, padding = 2, minwidth = 0): string {
  const lines = text.split('\n').map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const runeLength = (s: string) => {
    let n = 0;
    for (const _ of s) n++;
    return n;
  };

  const writeLines = (line0: number, line1: number) => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i];
      for (let j = 0; j < line.length; j++) {
        const cell = line[j];
        out.push(cell);
        if (j < widths.length && j < line.length - 1) out.push(' '.repeat(Math.max(0, widths[j] - runeLength(cell))));
      }
      // The last buffered line has no newline of its own.
      if (i + 1 < lines.length) out.push('\n');
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i].length - 1) continue;
      // A cell exists in this column: print the lines before the block, then size the block.
      writeLines(line0, i);
      line0 = i;
      let width = minwidth;
      for (; i < line1; i++) {
        const line = lines[i];
        if (column >= line.length - 1) break;
        const w = runeLength(line[column]) + padding;
        if (w > width) width = w;
      }
      widths.push(width);
      format(line0, i);
      widths.pop();
      line0 = i;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('');
}

/** A buffer with Go tabwriter semantics: Flush formats what was written since the previous Flush. */
export class TabWriter {
  private pending = '';
  private done: string[] = [];

  write(s: string): void {
    this.pending += s;
  }

  /** Formats buffered complete lines; a trailing partial line stays buffered, as Go keeps the open cell. */
  flush(): void {
    const cut = this.pending.lastIndexOf('\n');
    if (cut < 0) return;
    this.done.push(formatTabbed(this.pending.slice(0, cut + 1)));
    this.pending = this.pending.slice(cut + 1);
  }

  /** Everything written, formatted. */
  toString(): string {
    return this.done.join('') + formatTabbed(this.pending);
  }
}
