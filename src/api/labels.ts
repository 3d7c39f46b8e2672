// Label selectors as apimachinery parses and prints them: equality (=, ==, !=) and set-based (in, notin,
// exists, !exists) requirements, ANDed.
import { CommandError, StatusError } from './errors.js';
import type { LabelSelector } from './types.js';
import { hasOwn, own } from '../util/own.js';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export type Selector = Requirement[];

/** Parses a -l/--selector string. Throws kubectl's message on a malformed one. */
export function parseSelector(text: string): Selector {
  const out: Selector = [];
  const s = text.trim();
  if (s === '') return out;
  let i = 0;
  const fail = (why: string): never => {
    throw new CommandError(`unable to parse requirement: ${why}`);
  };
  const skipWs = () => {
    while (i < s.length && s[i] === ' ') i++;
  };
  const readKey = (): string => {
    skipWs();
    const start = i;
    while (i < s.length && !' ,=!()'.includes(s[i]) && !(s.startsWith(' in', i) || s.startsWith(' notin', i))) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipWs();
    if (s[i] === '!') {
      i++;
      const key = readKey();
      if (!key) fail('found \'!\', expected: identifier');
      out.push({ key, op: '!exists' });
    } else {
      const key = readKey();
      if (!key) fail(`found '${s[i] ?? ''}', expected: !, identifier, or 'end of string'`);
      skipWs();
      if (s.startsWith('!=', i)) {
        i += 2;
        out.push({ key, op: 'notin', values: [readValue()] });
      } else if (s.startsWith('==', i)) {
        i += 2;
        out.push({ key, op: 'in', values: [readValue()] });
      } else if (s[i] === '=') {
        i += 1;
        out.push({ key, op: 'in', values: [readValue()] });
      } else if (/^notin\s*\(/.test(s.slice(i))) {
        i += 5;
        out.push({ key, op: 'notin', values: readSet() });
      } else if (/^in\s*\(/.test(s.slice(i))) {
        i += 2;
        out.push({ key, op: 'in', values: readSet() });
      } else if (i >= s.length || s[i] === ',') {
        out.push({ key, op: 'exists' });
      } else {
        fail(`found '${s.slice(i).split(/[ ,]/)[0]}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    skipWs();
    if (i < s.length) {
      if (s[i] !== ',') fail(`found '${s[i]}', expected: ',' or 'end of string'`);
      i++;
    }
  }
  return out;

  function readValue(): string {
    skipWs();
    const start = i;
    while (i < s.length && s[i] !== ',' && s[i] !== ' ' && s[i] !== ')') i++;
    return s.slice(start, i);
  }
  function readSet(): string[] {
    skipWs();
    if (s[i] !== '(') fail(`found '${s[i] ?? ''}', expected: '('`);
    i++;
    const close = s.indexOf(')', i);
    if (close < 0) fail("found 'end of string', expected: ')'");
    const vals = s.slice(i, close).split(',').map((v) => v.trim()).filter((v) => v !== '');
    i = close + 1;
    return vals;
  }
}

export function matches(selector: Selector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of selector) {
    const has = hasOwn(l, r.key);
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(own(l, r.key)!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(own(l, r.key)!)) return false;
        break;
    }
  }
  return true;
}

/** A Service's or RC's map selector: every pair must match. An empty map selects nothing here (services). */
export function matchesMap(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector)) if (own(l, k) !== v) return false;
  return true;
}

/** metav1.LabelSelector semantics: an empty selector matches everything. */
export function matchesLabelSelector(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (own(l, k) !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = hasOwn(l, e.key);
    const vals = e.values ?? [];
    if (e.operator === 'In' && !(has && vals.includes(own(l, e.key)!))) return false;
    if (e.operator === 'NotIn' && has && vals.includes(own(l, e.key)!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** labels.FormatLabels: sorted k=v joined by ",", or <none>. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** metav1.FormatLabelSelector: matchLabels as k=v, then expressions; <none> when empty. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  if (!sel) return '<none>';
  const parts: string[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}).sort()) parts.push(`${k}=${sel.matchLabels![k]}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  const s = parts.join(',');
  return s === '' ? '<none>' : s;
}

/**
 * A list request's label selector, parsed as the API server parses it. A bad one is the server's BadRequest as
 * kubectl's resource visitor words it, naming the resource ("/v1, Resource=pods") and both selectors.
 */
export function parseListSelector(text: string | undefined, r: { group: string; version: string; resource: string }, fieldSelector = ''): Selector | undefined {
  if (!text) return undefined;
  try {
    return parseSelector(text);
  } catch (e) {
    if (e instanceof CommandError) throw listSelectorError(r, text, fieldSelector, e.message);
    throw e;
  }
}

/** The BadRequest kubectl prints when the API server refuses a list's selectors. */
export function listSelectorError(r: { group: string; version: string; resource: string }, label: string, field: string, why: string): StatusError {
  return new StatusError('BadRequest', 400, `Unable to find "${r.group ? `${r.group}/` : '/'}${r.version}, Resource=${r.resource}" that match label selector "${label}", field selector "${field}": ${why}`);
}
