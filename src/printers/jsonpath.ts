// kubectl's JSONPath template dialect (k8s.io/client-go/util/jsonpath): text with {actions}, fields, [i],
// [a:b:c], [*], unions [a,b], filters [?(@.x=="y")], recursive descent .., range/end blocks and quoted
// literals. Results of one action are joined with a space; maps and lists print as compact JSON.
import { marshalCompact, marshalIndent } from './format.js';
import { formatG } from './yaml.js';

type Node =
  | { t: 'text'; text: string }
  | { t: 'list'; nodes: Node[] }
  | { t: 'field'; name: string }
  | { t: 'wildcard' }
  | { t: 'recursive' }
  | { t: 'array'; params: [Param, Param, Param] }
  | { t: 'union'; lists: Node[][] }
  | { t: 'filter'; left: Node[]; right: Node[]; op: string }
  | { t: 'int'; value: number }
  | { t: 'float'; value: number }
  | { t: 'bool'; value: boolean }
  | { t: 'range' }
  | { t: 'end' }
  | { t: 'identifier'; name: string };

interface Param {
  value: number;
  known: boolean;
  derived: boolean;
}

export class JSONPathParseError extends Error {}
export class JSONPathExecError extends Error {}

// ---- parser (a port of client-go's jsonpath/parser.go) ----

class Parser {
  pos = 0;
  start = 0;
  constructor(readonly input: string) {}

  next(): string {
    if (this.pos >= this.input.length) {
      this.pos++;
      return '';
    }
    const cp = this.input.codePointAt(this.pos)!;
    const ch = String.fromCodePoint(cp);
    this.pos += ch.length;
    return ch;
  }
  backup(ch: string): void {
    this.pos -= ch === '' ? 1 : ch.length;
  }
  peek(): string {
    const ch = this.next();
    this.backup(ch);
    return ch;
  }
  consume(): string {
    const v = this.input.slice(this.start, Math.min(this.pos, this.input.length));
    this.start = this.pos;
    return v;
  }

  /** Top level: text and {actions}. */
  parseTemplate(): Node[] {
    const root: Node[] = [];
    while (this.pos < this.input.length) {
      const i = this.input.indexOf('{', this.pos);
      if (i < 0) {
        this.pos = this.input.length;
        root.push({ t: 'text', text: this.consume() });
        break;
      }
      if (i > this.pos) {
        this.pos = i;
        root.push({ t: 'text', text: this.consume() });
      }
      this.pos += 1;
      this.consume();
      const list: Node[] = [];
      this.parseInsideAction(list);
      root.push({ t: 'list', nodes: list });
    }
    return root;
  }

  parseInsideAction(cur: Node[]): void {
    for (;;) {
      if (this.input.startsWith('}', this.pos)) {
        this.pos += 1;
        this.consume();
        return;
      }
      const r = this.next();
      if (r === '' || r === '\n' || r === '\r') throw new JSONPathParseError('unclosed action');
      if (r === ' ') {
        this.consume();
      } else if (r === '@' || r === '$') {
        this.consume();
      } else if (r === '[') {
        this.backup(r);
        if (this.input.startsWith('[?(', this.pos)) this.parseFilter(cur);
        else this.parseArray(cur);
      } else if (r === '"' || r === "'") {
        this.parseQuote(cur, r);
      } else if (r === '.') {
        if (this.peek() === '.') {
          this.next();
          this.consume();
          cur.push({ t: 'recursive' });
          // `..name` continues with a field
          this.parseField(cur, true);
        } else this.parseField(cur, false);
      } else if (r === '+' || r === '-' || /[0-9]/.test(r)) {
        this.backup(r);
        this.parseNumber(cur);
      } else if (/[\p{L}\p{Nd}_]/u.test(r)) {
        this.backup(r);
        this.parseIdentifier(cur);
      } else {
        throw new JSONPathParseError(`unrecognized character in action: ${goRune(r)}`);
      }
    }
  }

  parseField(cur: Node[], afterRecursive: boolean): void {
    this.consume();
    for (;;) {
      const r = this.next();
      if (r === '\\') {
        this.next();
        continue;
      }
      if (r === '' || r === ' ' || r === '\t' || r === '\n' || r === '\r' || '.,[]$@{}'.includes(r)) {
        this.backup(r);
        break;
      }
    }
    const value = this.consume();
    if (value === '' && afterRecursive) return;
    if (value === '*') cur.push({ t: 'wildcard' });
    else cur.push({ t: 'field', name: value.replace(/\\/g, '') });
  }

  parseArray(cur: Node[]): void {
    this.next(); // [
    for (;;) {
      const r = this.next();
      if (r === '' || r === '\n') throw new JSONPathParseError('unterminated array');
      if (r === ']') break;
    }
    let text = this.consume();
    text = text.slice(1, -1);
    if (text === '*') text = ':';
    const parts = text.split(',');
    if (parts.length > 1) {
      const lists = parts.map((p) => {
        const sub = new Parser(`[${p.trim()}]`);
        const l: Node[] = [];
        sub.parseAction(l);
        return l;
      });
      cur.push({ t: 'union', lists });
      return;
    }
    const dict = /^'([^']*)'$/.exec(text);
    if (dict) {
      const sub = new Parser(`.${dict[1]}`);
      sub.parseAction(cur);
      return;
    }
    const m = /^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$/.exec(text);
    if (!m) throw new JSONPathParseError(`invalid array index ${text}`);
    const vals = [m[1] ?? '', m[2] ?? '', m[3] ?? ''];
    const params: Param[] = [];
    for (let i = 0; i < 3; i++) {
      let v = vals[i];
      if (v !== '') {
        if (i > 0) v = v.slice(1);
        if (i > 0 && v === '') params.push({ value: 0, known: false, derived: false });
        else {
          const n = Number(v);
          if (!Number.isInteger(n) || v === '-') throw new JSONPathParseError(`array index ${v} is not a number`);
          params.push({ value: n, known: true, derived: false });
        }
      } else if (i === 1) {
        params.push({ value: params[0].value + 1, known: true, derived: true });
      } else {
        params.push({ value: 0, known: false, derived: false });
      }
    }
    cur.push({ t: 'array', params: params as [Param, Param, Param] });
  }

  parseFilter(cur: Node[]): void {
    this.pos += 3;
    this.consume();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const r = this.next();
      if (r === '' || r === '\n') throw new JSONPathParseError('unterminated filter');
      if (r === '"' || r === "'") {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (this.input[this.pos - 2] !== '\\' && r === pair) end = true;
      } else if (r === ')') {
        if (begin === end) break;
      }
    }
    if (this.next() !== ']') throw new JSONPathParseError('unclosed array expect ]');
    let text = this.consume();
    text = text.slice(0, -2);
    const m = /^([^!<>=]+)([!<>=]+)(.+?)$/s.exec(text);
    if (!m) {
      const l: Node[] = [];
      new Parser(text).parseAction(l);
      cur.push({ t: 'filter', left: l, right: [], op: 'exists' });
    } else {
      const l: Node[] = [];
      const r: Node[] = [];
      new Parser(m[1]).parseAction(l);
      new Parser(m[3]).parseAction(r);
      cur.push({ t: 'filter', left: l, right: r, op: m[2] });
    }
  }

  parseQuote(cur: Node[], end: string): void {
    for (;;) {
      const r = this.next();
      if (r === '' || r === '\n') throw new JSONPathParseError('unterminated quoted string');
      if (r === '\\') {
        const n = this.next();
        if (n === '' || n === '\n') throw new JSONPathParseError('unterminated quoted string');
        continue;
      }
      if (r === end) break;
    }
    const value = this.consume();
    cur.push({ t: 'text', text: unquote(value) });
  }

  parseNumber(cur: Node[]): void {
    const r = this.next();
    if (r !== '+' && r !== '-') this.backup(r);
    for (;;) {
      const c = this.next();
      if (!/[0-9.eE]/.test(c) || c === '') {
        this.backup(c);
        break;
      }
    }
    const text = this.consume();
    if (/^[-+]?[0-9]+$/.test(text)) cur.push({ t: 'int', value: Number(text) });
    else if (!Number.isNaN(Number(text))) cur.push({ t: 'float', value: Number(text) });
    else throw new JSONPathParseError(`cannot parse number ${text}`);
  }

  parseIdentifier(cur: Node[]): void {
    for (;;) {
      const c = this.next();
      if (c === '' || !/[\p{L}\p{Nd}_]/u.test(c)) {
        this.backup(c);
        break;
      }
    }
    const value = this.consume();
    if (value === 'range') cur.push({ t: 'range' });
    else if (value === 'end') cur.push({ t: 'end' });
    else if (value === 'true' || value === 'false') cur.push({ t: 'bool', value: value === 'true' });
    // other words fail when run, not when parsed, as in client-go
    else cur.push({ t: 'identifier', name: value });
  }

  /** A sub-expression (filter sides, union members): inside-action syntax up to the end of input. */
  parseAction(cur: Node[]): void {
    new Parser(this.input + '}').parseInsideAction(cur);
  }
}

function goRune(r: string): string {
  const cp = r.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${r}'`;
}

/** strconv.Unquote extended to single-quoted strings of any length (jsonpath's UnquoteExtend). */
function unquote(s: string): string {
  if (s.length < 2) throw new JSONPathParseError(`unquote string ${s} error invalid syntax`);
  const q = s[0];
  let body = s.slice(1, -1);
  if (q === "'") body = body.replace(/\\'/g, "'").replace(/"/g, '\\"');
  try {
    return JSON.parse(`"${body.replace(/\\([abvx0-7])/g, (m) => m)}"`) as string;
  } catch {
    // Go escapes JSON lacks (\a, \v, \x41, octal)
    return body.replace(/\\(.)/g, (_m, c: string) => ({ a: '\x07', v: '\x0b', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' })[c] ?? c);
  }
}

// ---- evaluation ----

export interface JSONPathOptions {
  /** kubectl get's --allow-missing-template-keys (default true). */
  allowMissingKeys?: boolean;
}

export class JSONPath {
  private readonly root: Node[];
  private readonly allowMissing: boolean;

  constructor(readonly template: string, opts: JSONPathOptions = {}) {
    this.root = new Parser(template).parseTemplate();
    this.allowMissing = opts.allowMissingKeys ?? true;
  }

  /** Every result set, in order: one per text node or action, range bodies repeated per item. */
  findResults(data: unknown): unknown[][] {
    return this.run(this.root, data).results;
  }

  private run(nodes: Node[], data: unknown): { results: unknown[][]; consumed: number } {
    const out: unknown[][] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (node.t === 'list' && node.nodes[0]?.t === 'end') return { results: out, consumed: i + 1 };
      if (node.t === 'list' && node.nodes[0]?.t === 'range') {
        const items = this.evalList([data], node.nodes.slice(1));
        const body = nodes.slice(i + 1);
        let consumed = body.length;
        if (items.length === 0) consumed = this.run(body, null).consumed;
        for (const item of items) {
          const r = this.run(body, item);
          out.push(...r.results);
          consumed = r.consumed;
        }
        i += consumed;
        continue;
      }
      if (node.t === 'text') out.push([node.text]);
      else if (node.t === 'list') out.push(this.evalList([data], node.nodes));
    }
    return { results: out, consumed: nodes.length };
  }

  private evalList(input: unknown[], nodes: Node[]): unknown[] {
    let cur = input;
    for (const n of nodes) cur = this.walk(cur, n);
    return cur;
  }

  private walk(input: unknown[], node: Node): unknown[] {
    switch (node.t) {
      case 'list':
        return this.evalList(input, node.nodes);
      case 'text':
        return [node.text];
      case 'int':
      case 'float':
      case 'bool':
        return [node.value];
      case 'field':
        return this.evalField(input, node.name);
      case 'array':
        return this.evalArray(input, node.params);
      case 'wildcard':
        return input.flatMap((v) => (Array.isArray(v) ? v : isMap(v) ? sortedKeys(v).map((k) => v[k]) : []));
      case 'recursive':
        return input.flatMap((v) => descend(v));
      case 'union':
        return node.lists.flatMap((l) => this.evalList(input, l));
      case 'filter':
        return this.evalFilter(input, node);
      case 'range':
      case 'end':
        return input;
      case 'identifier':
        throw new JSONPathExecError(`unrecognized identifier ${node.name}`);
    }
  }

  private evalField(input: unknown[], name: string): unknown[] {
    const out: unknown[] = [];
    if (input.length === 0) return out;
    for (const v of input) {
      if (isMap(v) && Object.prototype.hasOwnProperty.call(v, name)) out.push(v[name]);
    }
    if (out.length === 0 && !this.allowMissing) throw new JSONPathExecError(`${name} is not found`);
    return out;
  }

  private evalArray(input: unknown[], p: [Param, Param, Param]): unknown[] {
    const out: unknown[] = [];
    for (const v of input) {
      if (v === null || v === undefined) continue;
      if (!Array.isArray(v)) throw new JSONPathExecError(`${goTypeName(v)} is not array or slice`);
      const len = v.length;
      let start = p[0].known ? p[0].value : 0;
      if (start < 0) start += len;
      let end = p[1].known ? p[1].value : len;
      if (end < 0 || (end === 0 && p[1].derived)) end += len;
      if (end === start) return out;
      if (start >= len || start < 0) throw new JSONPathExecError(`array index out of bounds: index ${start}, length ${len}`);
      if (end > len || end < 0) throw new JSONPathExecError(`array index out of bounds: index ${end - 1}, length ${len}`);
      if (start > end) throw new JSONPathExecError(`starting index ${start} is greater than ending index ${end}`);
      let step = 1;
      if (p[2].known) {
        if (p[2].value <= 0) throw new JSONPathExecError('step must be > 0');
        step = p[2].value;
      }
      for (let i = start; i < end; i += step) out.push(v[i]);
    }
    return out;
  }

  private evalFilter(input: unknown[], node: Extract<Node, { t: 'filter' }>): unknown[] {
    const out: unknown[] = [];
    for (const v of input) {
      if (!Array.isArray(v)) throw new JSONPathExecError(`${goValue(v)} is not array or slice and cannot be filtered`);
      for (const item of v) {
        const lefts = this.evalListMissingOk([item], node.left);
        if (node.op === 'exists') {
          if (lefts.length > 0) out.push(item);
          continue;
        }
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new JSONPathExecError('can only compare one element at a time');
        const rights = this.evalListMissingOk([item], node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new JSONPathExecError('can only compare one element at a time');
        if (compare(lefts[0], rights[0], node.op)) out.push(item);
      }
    }
    return out;
  }

  /** Filters look fields up leniently: an item lacking the field is simply not selected. */
  private evalListMissingOk(input: unknown[], nodes: Node[]): unknown[] {
    try {
      return this.evalList(input, nodes);
    } catch (e) {
      if (e instanceof JSONPathExecError && / is not found$/.test(e.message)) return [];
      throw e;
    }
  }

  /** kubectl's JSONPath printing: each result set's values joined by a space. */
  execute(data: unknown, asJSON = false): string {
    let out = '';
    for (const results of this.findResults(data)) {
      if (asJSON) {
        out += marshalIndent(results, '    ', '') + '\n';
        continue;
      }
      out += results.map(printValue).join(' ');
    }
    return out;
  }
}

function compare(a: unknown, b: unknown, op: string): boolean {
  const num = typeof a === 'number' && typeof b === 'number';
  if (!num && typeof a !== typeof b && op !== '==' && op !== '!=') throw new JSONPathExecError('incompatible types for comparison');
  switch (op) {
    case '==':
      if (typeof a !== typeof b) throw new JSONPathExecError('incompatible types for comparison');
      return a === b;
    case '!=':
      if (typeof a !== typeof b) throw new JSONPathExecError('incompatible types for comparison');
      return a !== b;
    case '<':
      return (a as number) < (b as number);
    case '>':
      return (a as number) > (b as number);
    case '<=':
      return (a as number) <= (b as number);
    case '>=':
      return (a as number) >= (b as number);
  }
  throw new JSONPathExecError(`unrecognized filter operator ${op}`);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function sortedKeys(v: Record<string, unknown>): string[] {
  return Object.keys(v).sort();
}

/** evalRecursive: the value itself (when it has children) and all its descendants, depth first. */
function descend(v: unknown): unknown[] {
  // a string's elements are its bytes (Go indexes a string by byte), which have no children
  const kids = Array.isArray(v) ? v : isMap(v) ? sortedKeys(v).map((k) => v[k]) : typeof v === 'string' ? [...Buffer.from(v)] : [];
  if (kids.length === 0) return [];
  return [v, ...kids.flatMap((k) => descend(k))];
}

/** PrintResults: maps and lists as compact JSON, other values as fmt.Print shows them (null as "null"). */
export function printValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return marshalCompact(v);
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v).toString() : formatG(v);
  return String(v);
}

/** fmt.Sprint of a decoded JSON value, as custom-columns prints cells (map[k:v], [a b]). */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goValue(o[k])}`).join(' ')}]`;
  }
  return printValue(v);
}

function goTypeName(v: unknown): string {
  if (isMap(v)) return 'map[string]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'interface {}';
}

/** fmt's %#v of a decoded JSON value, as kubectl's jsonpath error shows the object it was given. */
export function goSyntax(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSyntax).join(', ')}}`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[string]interface {}{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${goSyntax(o[k])}`).join(', ')}}`;
  }
  if (typeof v === 'string') return JSON.stringify(v);
  return printValue(v);
}

/** The text kubectl prints (after "error: ") when a template fails to run. */
export function execErrorText(template: string, err: Error, data: unknown): string {
  return (
    `error executing jsonpath ${JSON.stringify(template)}: Error executing template: ${err.message}. Printing more information for debugging the template:\n` +
    `\ttemplate was:\n\t\t${template}\n\tobject given to jsonpath engine was:\n\t\t${goSyntax(data)}\n\n\n`
  );
}
