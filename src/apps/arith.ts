// Shell arithmetic, $(( expr )), as busybox ash evaluates it: 64-bit signed integers, C precedence, bare
// names read as variables (unset or empty is 0), decimal, 0x hex and leading-0 octal constants.

export class ArithError extends Error {}

const MIN = -(1n << 63n);
const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Binary operators by precedence, lowest first. */
const LEVELS: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
const OPS = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '&', '|', '^', '!', '~', '(', ')', '?', ':', '=', ',', '++', '--', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|='];

function constant(text: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return BigInt(text);
  if (/^0[0-7]+$/.test(text)) return BigInt(`0o${text.slice(1)}`);
  if (/^[0-9]+$/.test(text)) return BigInt(text);
  return undefined;
}

/** Evaluates `expr` (variables already substituted for $name; bare names looked up with `lookup`). */
export function evalArith(expr: string, lookup: (name: string) => string | undefined, depth = 0, assign?: (name: string, value: string) => void): bigint {
  const tokens: string[] = [];
  const re = /\s*(0[xX][0-9a-fA-F]+|[0-9]+|[A-Za-z_][A-Za-z0-9_]*|<<=|>>=|\+\+|--|[-+*/%&^|]=|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%<>&|^!~()?:=,])/y;
  let at = 0;
  while (at < expr.length) {
    if (/^\s*$/.test(expr.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(expr);
    if (!m) throw new ArithError('arithmetic syntax error');
    tokens.push(m[1]);
    at = re.lastIndex;
  }
  let i = 0;
  const value = (tok: string): bigint => {
    const c = constant(tok);
    if (c !== undefined) return wrap(c);
    if (/^[0-9]/.test(tok)) throw new ArithError('arithmetic syntax error');
    // A variable's value is itself an expression (ash evaluates it), bounded so a=a cannot loop.
    const v = (lookup(tok) ?? '').trim();
    if (v === '') return 0n;
    if (depth > 32) throw new ArithError('expression recursion loop detected');
    return evalArith(v, lookup, depth + 1);
  };
  const isName = (t: string | undefined) => t !== undefined && /^[A-Za-z_]/.test(t);
  const set = (name: string, v: bigint): bigint => {
    if (!assign) throw new ArithError('arithmetic syntax error');
    assign(name, String(v));
    return v;
  };
  const unary = (): bigint => {
    const t = tokens[i++];
    if (t === undefined) throw new ArithError('arithmetic syntax error');
    if ((t === '++' || t === '--') && isName(tokens[i])) {
      const name = tokens[i++];
      return set(name, wrap(value(name) + (t === '++' ? 1n : -1n)));
    }
    if (isName(t) && (tokens[i] === '++' || tokens[i] === '--')) {
      const old = value(t);
      set(t, wrap(old + (tokens[i++] === '++' ? 1n : -1n)));
      return old;
    }
    if (t === '-') return wrap(-unary());
    if (t === '+') return unary();
    if (t === '!') return unary() === 0n ? 1n : 0n;
    if (t === '~') return wrap(~unary());
    if (t === '(') {
      const v = comma();
      if (tokens[i++] !== ')') throw new ArithError('arithmetic syntax error');
      return v;
    }
    if (OPS.includes(t)) throw new ArithError('arithmetic syntax error');
    return value(t);
  };
  const apply = (op: string, a: bigint, b: bigint): bigint => {
    switch (op) {
      case '||': return a !== 0n || b !== 0n ? 1n : 0n;
      case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
      case '|': return a | b;
      case '^': return a ^ b;
      case '&': return a & b;
      case '==': return a === b ? 1n : 0n;
      case '!=': return a !== b ? 1n : 0n;
      case '<': return a < b ? 1n : 0n;
      case '>': return a > b ? 1n : 0n;
      case '<=': return a <= b ? 1n : 0n;
      case '>=': return a >= b ? 1n : 0n;
      case '<<': return wrap(a << (b & 63n));
      case '>>': return a >> (b & 63n);
      case '+': return wrap(a + b);
      case '-': return wrap(a - b);
      case '*': return wrap(a * b);
      default: {
        if (b === 0n) throw new ArithError('divide by zero');
        if (a === MIN && b === -1n) return op === '/' ? MIN : 0n;
        return op === '/' ? a / b : a % b;
      }
    }
  };
  const binary = (level: number): bigint => {
    if (level >= LEVELS.length) return unary();
    let left = binary(level + 1);
    while (i < tokens.length && LEVELS[level].includes(tokens[i])) {
      const op = tokens[i++];
      left = apply(op, left, binary(level + 1));
    }
    return left;
  };
  const ASSIGN = ['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|='];
  const assignment = (): bigint => {
    if (isName(tokens[i]) && ASSIGN.includes(tokens[i + 1])) {
      const name = tokens[i];
      const op = tokens[i + 1];
      i += 2;
      const rhs = assignment();
      return set(name, op === '=' ? rhs : apply(op.slice(0, -1), value(name), rhs));
    }
    const cond = binary(0);
    if (tokens[i] !== '?') return cond;
    i++;
    const a = assignment();
    if (tokens[i++] !== ':') throw new ArithError('arithmetic syntax error');
    const b = assignment();
    return cond !== 0n ? a : b;
  };
  const comma = (): bigint => {
    let v = assignment();
    while (tokens[i] === ',') {
      i++;
      v = assignment();
    }
    return v;
  };
  if (!tokens.length) return 0n;
  const v = comma();
  if (i !== tokens.length) throw new ArithError('arithmetic syntax error');
  return v;
}
