// Go's strconv number parsing as pflag uses it for flag values (ParseInt(s, 0, bits)), so a bad value gets
// the message kubectl prints: `strconv.ParseInt: parsing "abc": invalid syntax` or `... value out of range`.

/** strconv.ParseInt(s, 0, bits): the value, or the error text after "strconv.ParseInt: ". */
export function goParseInt(s: string, bits: 32 | 64 = 64): { value: number } | { error: string } {
  const fail = (why: 'invalid syntax' | 'value out of range') => ({ error: `strconv.ParseInt: parsing ${goQuote(s)}: ${why}` });
  let rest = s;
  let negative = false;
  if (rest.startsWith('+') || rest.startsWith('-')) {
    negative = rest[0] === '-';
    rest = rest.slice(1);
  }
  let base = 10;
  let prefixed = false;
  if (/^0[xX]/.test(rest)) [base, rest, prefixed] = [16, rest.slice(2), true];
  else if (/^0[bB]/.test(rest)) [base, rest, prefixed] = [2, rest.slice(2), true];
  else if (/^0[oO]/.test(rest)) [base, rest, prefixed] = [8, rest.slice(2), true];
  else if (/^0\d/.test(rest) || /^0_/.test(rest)) [base, rest, prefixed] = [8, rest.slice(1), true];
  // Base 0 allows underscores between digits (and after a base prefix), never at the ends or doubled.
  if (rest.includes('_')) {
    if (!prefixed && !/^\d/.test(s.replace(/^[+-]/, ''))) return fail('invalid syntax');
    if (/__|_$/.test(rest) || (!prefixed && rest.startsWith('_'))) return fail('invalid syntax');
    rest = rest.replaceAll('_', '');
  }
  const digits = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!digits.test(rest)) {
    // "0" alone was consumed as an octal prefix with nothing after it.
    if (rest === '' && base === 8 && /^[+-]?0$/.test(s)) return { value: 0 };
    return fail('invalid syntax');
  }
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  let n = BigInt(prefix + rest);
  if (negative) n = -n;
  const max = (1n << BigInt(bits - 1)) - 1n;
  if (n > max || n < -max - 1n) return fail('value out of range');
  return { value: Number(n) };
}

/** Go's %q of a string (ASCII printable as is, the rest escaped), as strconv's errors quote their input. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };

/** time.ParseDuration: milliseconds, or the error text ("time: invalid duration \"abc\""). */
export function goParseDuration(s: string): { ms: number } | { error: string } {
  const invalid = { error: `time: invalid duration ${goQuote(s)}` };
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return { ms: 0 };
  if (rest === '') return invalid;
  let total = 0;
  while (rest.length) {
    const num = /^(\d*)(\.\d*)?/.exec(rest)!;
    if (num[0] === '' || num[0] === '.') return invalid;
    rest = rest.slice(num[0].length);
    const unit = /^[^0-9.]*/.exec(rest)![0];
    if (unit === '') return { error: `time: missing unit in duration ${goQuote(s)}` };
    if (!Object.hasOwn(DURATION_UNITS, unit)) return { error: `time: unknown unit ${goQuote(unit)} in duration ${goQuote(s)}` };
    rest = rest.slice(unit.length);
    total += Number(num[0]) * DURATION_UNITS[unit];
    // Go's Duration is an int64 of nanoseconds.
    if (total * 1e6 > 9223372036854775807) return invalid;
  }
  return { ms: sign * total };
}

/** strconv.Atoi(s): base 10 only; the error text is Atoi's ("strconv.Atoi: parsing \"abc\": invalid syntax"). */
export function goAtoi(s: string): { value: number } | { error: string } {
  if (!/^[-+]?\d+$/.test(s)) return { error: `strconv.Atoi: parsing ${goQuote(s)}: invalid syntax` };
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return { error: `strconv.Atoi: parsing ${goQuote(s)}: value out of range` };
  return { value: Number(n) };
}

/** time.Duration's String() for a whole number of milliseconds: "0s", "1.5s", "1m0s", "2h3m4s", "500ms". */
export function goDurationString(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) out = `${rest}ms`;
  else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const s = (rest / 1000).toFixed(3).replace(/\.?0+$/, '');
    out = h ? `${h}h${m}m${s}s` : m ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? `-${out}` : out;
}
