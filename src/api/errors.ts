// Errors carry kubectl's wording; the CLI edge only prints them. One place decides each text.

/** The command name kubectl prints in its hints ("See 'kubectl run -h' ..."), kept for byte-equal output. */
export const CLI_NAME = 'kubectl';

/** A user-facing failure that ends the command: text for stderr and an exit code. */
export class KubeError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
  /** The exact text kubectl writes to stderr (without the final newline). */
  render(): string {
    return this.message;
  }
}

/** A client-side error: `error: <message>`, optionally followed by kubectl's help hint. */
export class CommandError extends KubeError {
  readonly usageOf?: string;
  constructor(message: string, opts: { usageOf?: string; exitCode?: number } = {}) {
    super(message, opts.exitCode ?? 1);
    this.usageOf = opts.usageOf;
  }
  override render(): string {
    const hint = this.usageOf ? `\nSee '${CLI_NAME} ${this.usageOf} -h' for help and examples` : '';
    return `error: ${this.message}${hint}`;
  }
}

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'InternalError'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'Unauthorized'
  | 'TooManyRequests';

/** An API Status error, printed as `Error from server (<Reason>): <message>`. */
export class StatusError extends KubeError {
  readonly reason: StatusReason;
  readonly code: number;
  constructor(reason: StatusReason, code: number, message: string) {
    super(message);
    this.reason = reason;
    this.code = code;
  }
  /** kubectl's AddSourceToErr: `error when creating "<file>": <message>` for -f sources. */
  withSource(verb: 'creating' | 'applying' | 'deleting' | 'patching' | 'retrieving', source: string): StatusError {
    return new StatusError(this.reason, this.code, `error when ${verb} "${source}": ${this.message}`);
  }
  override render(): string {
    return `Error from server (${this.reason}): ${this.message}`;
  }
}

/** `<resource>[.<group>] "<name>" not found`. */
export function notFound(qualifiedResource: string, name: string): StatusError {
  return new StatusError('NotFound', 404, `${qualifiedResource} "${name}" not found`);
}

export function alreadyExists(qualifiedResource: string, name: string): StatusError {
  return new StatusError('AlreadyExists', 409, `${qualifiedResource} "${name}" already exists`);
}

export function badRequest(message: string): StatusError {
  return new StatusError('BadRequest', 400, message);
}

export function internalError(message: string): StatusError {
  return new StatusError('InternalError', 500, `Internal error occurred: ${message}`);
}

export type FieldErrorType =
  | 'Invalid value'
  | 'Required value'
  | 'Unsupported value'
  | 'Forbidden'
  | 'Too long'
  | 'Duplicate value'
  | 'Not found'
  | 'Internal error'
  | 'Too many';

/** A field.Error: `<field>: <Type>: <value>: <detail>`. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  /** The value as Go's %#v prints it, when its Go type name matters ([]networking.PolicyType{...}). */
  goValue?: string;
  detail?: string;
}

/** Formats a value as field.Error does: ints and bools raw, strings %q, []string as Go's %#v. */
export function formatFieldValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  }
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function fieldErrorBody(e: FieldError): string {
  const omitValue = e.type === 'Required value' || e.type === 'Forbidden' || e.type === 'Too long' || e.type === 'Internal error' || e.value === undefined;
  let s = `${e.field}: ${e.type}`;
  if (!omitValue) s += `: ${e.goValue ?? formatFieldValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** The 422 Invalid error, printed as kubectl's checkErr does (one cause inline, several as a list). */
export class InvalidError extends KubeError {
  readonly kind: string;
  readonly objectName: string;
  readonly causes: FieldError[];
  constructor(kind: string, name: string, causes: FieldError[]) {
    super(`${kind} "${name}" is invalid`);
    this.kind = kind;
    this.objectName = name;
    this.causes = causes;
  }
  override render(): string {
    const bodies = [...new Set(this.causes.map(fieldErrorBody))];
    if (bodies.length === 1) return `The ${this.kind} "${this.objectName}" is invalid: ${bodies[0]}`;
    return `The ${this.kind} "${this.objectName}" is invalid: \n${bodies.map((b) => `* ${b}`).join('\n')}`;
  }
}

/** A command that ends with a given exit code and optional stderr text (exec, run). */
export class ExitError extends KubeError {
  readonly text: string;

  constructor(exitCode: number, text = '') {
    super(text, exitCode);
    this.text = text;
  }

  override render(): string {
    return this.text;
  }
}
