// Reads the protobuf request bodies of client-go's typed clients (`kubectl create deployment|job|secret|...`,
// Helm's release Secrets) into the JSON objects the rest of the server handles. client-go sends built-in kinds
// as protobuf and does not retry with JSON on a 415 (it does so only for CBOR), so a server that wants these
// clients must read protobuf.
//
// The body is the Kubernetes envelope: the 4 bytes "k8s\0", then a runtime.Unknown message (1: typeMeta
// {1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType) whose raw bytes are the object. The
// field numbers come from src/server/proto-schema.ts (generated); the wire format itself is a few lines, so it
// is read here rather than through a protobuf library, whose generic objects would need the same Kubernetes
// mapping afterwards (times, quantities, int-or-strings, raw JSON, Go zero values).
import { badRequest, StatusError } from '../api/errors.js';

/**
 * [number, jsonName, protoType, typeRef, flags]; flags: 1 repeated, 2 Go value (zero means unset), 4 map,
 * 8 inlined, 16 a Go value that JSON writes even when zero.
 */
export type ProtoField = [number, string, number, string, number];
export interface ProtoSchema {
  source: string;
  messages: Record<string, ProtoField[]>;
}

const REPEATED = 1;
const VALUE = 2;
const MAP = 4;
const INLINE = 8;
const ZERO_KEPT = 16;

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const MAX_DEPTH = 64;

class Malformed extends Error {}

/** A reader over one message's bytes. */
class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Malformed();
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (!(b & 0x80)) return result;
      scale *= 128;
    }
    throw new Malformed();
  }
  /** A length-delimited value's [start, end). */
  span(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    if (len > this.end - start) throw new Malformed();
    this.pos += len;
    return [start, this.pos];
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.advance(8);
    else if (wire === 5) this.advance(4);
    else if (wire === 2) this.span();
    else throw new Malformed();
  }
  advance(n: number): void {
    if (this.pos + n > this.end) throw new Malformed();
    this.pos += n;
  }
}

/** A varint as the signed 64-bit number it encodes (negative numbers are sent as 10-byte two's complement). */
function signed(v: number): number {
  return v >= 2 ** 63 ? v - 2 ** 64 : v;
}

function scalar(r: Reader, wire: number, type: number): unknown {
  switch (type) {
    case 8: // bool
      return r.varint() !== 0;
    case 3: // int64
    case 5: // int32
    case 14: // enum
      return signed(r.varint());
    case 4: // uint64
    case 13: // uint32
      return r.varint();
    case 17: // sint32
    case 18: {
      // sint64
      const v = r.varint();
      return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
    }
    case 1: // double
    case 6: // fixed64
    case 16: {
      // sfixed64
      if (wire !== 1) throw new Malformed();
      const at = r.pos;
      r.advance(8);
      return type === 1 ? r.buf.readDoubleLE(at) : type === 6 ? Number(r.buf.readBigUInt64LE(at)) : Number(r.buf.readBigInt64LE(at));
    }
    case 2: // float
    case 7: // fixed32
    case 15: {
      // sfixed32
      if (wire !== 5) throw new Malformed();
      const at = r.pos;
      r.advance(4);
      return type === 2 ? r.buf.readFloatLE(at) : type === 7 ? r.buf.readUInt32LE(at) : r.buf.readInt32LE(at);
    }
    case 9: {
      // string
      const [s, e] = r.span();
      return r.buf.toString('utf8', s, e);
    }
    case 12: {
      // bytes: base64, as JSON carries []byte
      const [s, e] = r.span();
      return r.buf.toString('base64', s, e);
    }
    default:
      throw new Malformed();
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function rfc3339(seconds: number, nanos: number, micro: boolean): string {
  const d = new Date(seconds * 1000);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

/** A Go time.Duration (nanoseconds) as Go prints it: 1h2m3.5s, 1.5s, 300ms, 0s. */
function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let n = Math.abs(ns);
  if (n < 1e9) {
    const [unit, div] = n < 1e3 ? ['ns', 1] : n < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${n / (div as number)}${unit}`;
  }
  const h = Math.floor(n / 3.6e12);
  n -= h * 3.6e12;
  const m = Math.floor(n / 6e10);
  n -= m * 6e10;
  const s = `${n / 1e9}s`;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}`;
}

/** Messages that JSON writes as one value rather than an object. */
function special(type: string, fields: Map<number, unknown>): unknown {
  switch (type) {
    case `${META}.Time`:
    case `${META}.MicroTime`: {
      const seconds = Number(fields.get(1) ?? 0);
      const nanos = Number(fields.get(2) ?? 0);
      return seconds === 0 && nanos === 0 ? undefined : rfc3339(seconds, nanos, type.endsWith('MicroTime'));
    }
    case `${META}.Duration`:
      return goDuration(Number(fields.get(1) ?? 0));
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
      return fields.get(1) ?? '0';
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return Number(fields.get(1) ?? 0) === 1 ? (fields.get(3) ?? '') : Number(fields.get(2) ?? 0);
    case 'k8s.io.apimachinery.pkg.runtime.RawExtension':
    case `${META}.FieldsV1`: {
      const raw = fields.get(1);
      if (typeof raw !== 'string' || raw === '') return undefined;
      try {
        return JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
      } catch {
        throw new Malformed();
      }
    }
    default:
      return null;
  }
}

const SPECIAL = new Set([`${META}.Time`, `${META}.MicroTime`, `${META}.Duration`, 'k8s.io.apimachinery.pkg.api.resource.Quantity', 'k8s.io.apimachinery.pkg.util.intstr.IntOrString', 'k8s.io.apimachinery.pkg.runtime.RawExtension', `${META}.FieldsV1`]);

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || v === undefined;
}

class Decoder {
  constructor(private readonly schema: ProtoSchema) {}

  /** One message of the given type as its JSON value. */
  message(type: string, r: Reader, depth: number): unknown {
    if (depth > MAX_DEPTH) throw new Malformed();
    if (SPECIAL.has(type)) {
      const raw = new Map<number, unknown>();
      const types: Record<number, number> = type.endsWith('IntOrString') ? { 1: 3, 2: 5, 3: 9 } : type.endsWith('Quantity') ? { 1: 9 } : type.endsWith('RawExtension') || type.endsWith('FieldsV1') ? { 1: 12 } : { 1: 3, 2: 5 };
      while (!r.done) {
        const key = r.varint();
        const f = Math.floor(key / 8);
        const t = types[f];
        if (t === undefined) r.skip(key & 7);
        else raw.set(f, scalar(r, key & 7, t));
      }
      return special(type, raw);
    }
    const fields = this.schema.messages[type];
    if (!fields) throw new Unsupported(type);
    const out: Record<string, unknown> = {};
    const byNumber = new Map(fields.map((f) => [f[0], f]));
    while (!r.done) {
      const key = r.varint();
      const wire = key & 7;
      const field = byNumber.get(Math.floor(key / 8));
      // A field this schema does not know was added after it: the API server would drop it too.
      if (!field) {
        r.skip(wire);
        continue;
      }
      const [, name, ptype, ref, flags] = field;
      if (flags & MAP) {
        if (wire !== 2) throw new Malformed();
        const [s, e] = r.span();
        const [k, v] = this.entry(ref, new Reader(r.buf, s, e), depth + 1);
        const map = (out[name] ??= {}) as Record<string, unknown>;
        map[String(k)] = v;
        continue;
      }
      let value: unknown;
      if (ptype === 11) {
        if (wire !== 2) throw new Malformed();
        const [s, e] = r.span();
        value = this.message(ref, new Reader(r.buf, s, e), depth + 1);
      } else if (flags & REPEATED && wire === 2 && ptype !== 9 && ptype !== 12) {
        // A packed repeated scalar.
        const [s, e] = r.span();
        const inner = new Reader(r.buf, s, e);
        const list = (out[name] ??= []) as unknown[];
        while (!inner.done) list.push(scalar(inner, ptype === 1 || ptype === 6 || ptype === 16 ? 1 : ptype === 2 || ptype === 7 || ptype === 15 ? 5 : 0, ptype));
        continue;
      } else {
        value = scalar(r, wire, ptype);
      }
      if (flags & REPEATED) {
        ((out[name] ??= []) as unknown[]).push(value ?? null);
      } else if (flags & INLINE && value && typeof value === 'object') {
        Object.assign(out, value);
      } else if (value === undefined || (flags & VALUE && !(flags & ZERO_KEPT) && isZero(value))) {
        delete out[name];
      } else {
        out[name] = value;
      }
    }
    return out;
  }

  private entry(type: string, r: Reader, depth: number): [unknown, unknown] {
    const fields = this.schema.messages[type];
    if (!fields) throw new Unsupported(type);
    const [kf, vf] = [fields.find((f) => f[0] === 1), fields.find((f) => f[0] === 2)];
    if (!kf || !vf) throw new Malformed();
    let key: unknown = '';
    let value: unknown = vf[2] === 11 ? undefined : vf[2] === 9 || vf[2] === 12 ? '' : 0;
    while (!r.done) {
      const k = r.varint();
      const f = Math.floor(k / 8);
      if (f === 1) key = scalar(r, k & 7, kf[2]);
      else if (f === 2) {
        if (vf[2] === 11) {
          const [s, e] = r.span();
          value = this.message(vf[3], new Reader(r.buf, s, e), depth + 1);
        } else value = scalar(r, k & 7, vf[2]);
      } else r.skip(k & 7);
    }
    return [key, value ?? {}];
  }
}

class Unsupported extends Error {
  constructor(readonly type: string) {
    super(type);
  }
}

/** The proto package of an API group version: core/v1 for "", apps/v1, networking/v1 for networking.k8s.io. */
function protoPackage(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return `k8s.io.api.${group === '' ? 'core' : group.split('.')[0]}.${version}`;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/**
 * Decodes a protobuf request body into its JSON object (apiVersion and kind set); `fallback` names the kind
 * the URL expects when the envelope carries none. A malformed body or a kind with no schema is a 400/415 Status.
 */
export async function decodeProtobufBody(body: Buffer, fallback: { apiVersion: string; kind: string }): Promise<Record<string, unknown>> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest('the protobuf body does not start with the Kubernetes envelope ("k8s\\x00")');
  const { PROTO_SCHEMA } = await import('./proto-schema.js');
  try {
    const r = new Reader(body, 4);
    let apiVersion = '';
    let kind = '';
    let raw: [number, number] | undefined;
    let contentEncoding = '';
    while (!r.done) {
      const key = r.varint();
      const f = Math.floor(key / 8);
      if (f === 1 && (key & 7) === 2) {
        const [s, e] = r.span();
        const tm = new Reader(body, s, e);
        while (!tm.done) {
          const k = tm.varint();
          if (Math.floor(k / 8) === 1) apiVersion = String(scalar(tm, k & 7, 9));
          else if (Math.floor(k / 8) === 2) kind = String(scalar(tm, k & 7, 9));
          else tm.skip(k & 7);
        }
      } else if (f === 2 && (key & 7) === 2) raw = r.span();
      else if (f === 3 && (key & 7) === 2) contentEncoding = String(scalar(r, 2, 9));
      else r.skip(key & 7);
    }
    if (contentEncoding !== '') throw new StatusErrorLike(`the protobuf body's content encoding ${JSON.stringify(contentEncoding)} is not supported`);
    apiVersion ||= fallback.apiVersion;
    kind ||= fallback.kind;
    const type = `${protoPackage(apiVersion)}.${kind}`;
    const obj = new Decoder(PROTO_SCHEMA).message(type, new Reader(body, raw?.[0] ?? 0, raw?.[1] ?? 0), 0) as Record<string, unknown>;
    return { apiVersion, kind, ...obj };
  } catch (e) {
    // 415, as the API server answers a media type it cannot read for a kind.
    if (e instanceof Unsupported) throw new StatusError('UnsupportedMediaType', 415, `kubesim serve cannot read protobuf bodies of ${e.type}; send it as JSON`);
    if (e instanceof StatusErrorLike) throw badRequest(e.message);
    if (e instanceof Malformed || e instanceof RangeError) throw badRequest('the protobuf body is malformed');
    throw e;
  }
}

class StatusErrorLike extends Error {}
