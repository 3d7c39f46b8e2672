// kubectl's table layout: github.com/liggitt/tabwriter with minwidth 6, padding 3, padchar ' '
// (cli-runtime printers.GetNewTabWriter). Every column but the last is padded to max(6, widest cell + 3);
// the last cell of a line is written as is, so lines carry no trailing spaces. Widths count characters
// (runes), as Go's tabwriter does for UTF-8 text.
// Written by hand rather than with cli-table3: that pads the last column too and costs far more per row.

const MIN_WIDTH = 6;
const PADDING = 3;

function runeLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // a surrogate pair is one rune
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** Lays out rows of cells (all rows of one table; they may differ in length) as kubectl prints them (crictl: minWidth 20). */
export function formatTable(rows: string[][], minWidth = MIN_WIDTH): string {
  const widths: number[] = [];
  for (const row of rows) {
    // the last cell of a row is not part of any column
    for (let c = 0; c < row.length - 1; c++) {
      const w = Math.max(minWidth, runeLength(row[c]) + PADDING);
      if (widths[c] === undefined || w > widths[c]) widths[c] = w;
    }
  }
  let out = '';
  for (const row of rows) {
    let line = '';
    for (let c = 0; c < row.length - 1; c++) {
      const cell = row[c];
      line += cell + ' '.repeat(widths[c] - runeLength(cell));
    }
    if (row.length) line += row[row.length - 1];
    out += line + '\n';
  }
  return out;
}

/**
 * Column widths of a table, for printing later rows in line with it (the tabwriter's RememberWidths, as
 * `get -w` relies on): widths only grow.
 */
export function rememberWidths(rows: string[][], widths: number[] = []): number[] {
  for (const row of rows) {
    for (let c = 0; c < row.length - 1; c++) {
      const w = Math.max(MIN_WIDTH, runeLength(row[c]) + PADDING);
      if (widths[c] === undefined || w > widths[c]) widths[c] = w;
    }
  }
  return widths;
}

/** Rows laid out with remembered widths (grown as needed). */
export function formatWithWidths(rows: string[][], widths: number[]): string {
  rememberWidths(rows, widths);
  let out = '';
  for (const row of rows) {
    let line = '';
    for (let c = 0; c < row.length - 1; c++) line += row[c] + ' '.repeat(widths[c] - runeLength(row[c]));
    if (row.length) line += row[row.length - 1];
    out += line + '\n';
  }
  return out;
}
