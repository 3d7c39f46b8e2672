// Maps keyed by user data (label keys, annotation keys, field names, command words) as plain objects, safely:
// a key is only ever an object's own property, so '__proto__', 'constructor' or 'toString' are keys like any
// other. Objects decoded from JSON or YAML already hold such keys as own properties; these helpers read and
// write them without touching the prototype chain.

/** The own property `key` of `m`, or undefined (never an inherited one such as Object.prototype.constructor). */
export function own<T>(m: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return m != null && Object.hasOwn(m, key) ? m[key] : undefined;
}

/** Whether `m` has `key` as its own property. */
export function hasOwn(m: object | null | undefined, key: string): boolean {
  return m != null && Object.hasOwn(m, key);
}

/** Sets `m[key] = value` as an own data property, even for '__proto__' (plain assignment would set the prototype). */
export function setOwn<T>(m: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(m, key, { value, writable: true, enumerable: true, configurable: true });
}

