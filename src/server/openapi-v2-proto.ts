// The Swagger 2.0 document in the protobuf form client-go asks for (`Accept:
// application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): gnostic's openapi.v2.Document. Only the parts
// the JSON document (src/api/openapi.ts openAPIV2Document) has are written. Field numbers are those of
// gnostic-models' OpenAPIv2.proto as compiled into kubectl 1.32. Values of `enum`, `default` and vendor
// extensions are openapi.v2.Any messages holding YAML text; JSON is YAML, so they hold the value's JSON.
type Json = { [key: string]: unknown };
type Part = Buffer | Part[];

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 127) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

const flat = (parts: Part[]): Buffer => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : flat(p))));
const bytes = (f: number, b: Buffer): Part => [varint(f * 8 + 2), varint(b.length), b];
const str = (f: number, s: unknown): Part => (typeof s === 'string' ? bytes(f, Buffer.from(s, 'utf8')) : []);
const strs = (f: number, list: unknown): Part => (Array.isArray(list) ? list.map((s) => str(f, String(s))) : []);
const msg = (f: number, parts: Part[]): Part => bytes(f, flat(parts));
const bool = (f: number, b: unknown): Part => (b === true ? [varint(f * 8), varint(1)] : []);
/** openapi.v2.Any {2: yaml}. */
const any = (f: number, v: unknown): Part => msg(f, [str(2, JSON.stringify(v))]);
const isMap = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** Vendor extensions (x-...) as NamedAny {1: name, 2: Any}. */
function extensions(f: number, o: Json): Part[] {
  return Object.keys(o)
    .filter((k) => k.startsWith('x-'))
    .map((k) => msg(f, [str(1, k), any(2, o[k])]));
}

/** openapi.v2.Schema. */
function schema(s: Json): Part[] {
  const props = isMap(s.properties) ? s.properties : undefined;
  const items = isMap(s.items) ? s.items : undefined;
  const additional = s.additionalProperties;
  return [
    str(1, s.$ref),
    str(2, s.format),
    str(4, s.description),
    s.default !== undefined ? any(5, s.default) : [],
    bool(16, s.uniqueItems),
    strs(19, s.required),
    Array.isArray(s.enum) ? s.enum.map((v) => any(20, v)) : [],
    isMap(additional) ? msg(21, [msg(1, schema(additional))]) : typeof additional === 'boolean' ? msg(21, [[varint(2 * 8), varint(additional ? 1 : 0)]]) : [],
    typeof s.type === 'string' ? msg(22, [str(1, s.type)]) : [],
    items ? msg(23, [msg(1, schema(items))]) : [],
    Array.isArray(s.allOf) ? s.allOf.map((x) => msg(24, schema(x as Json))) : [],
    props ? msg(25, Object.entries(props).map(([n, p]) => msg(1, [str(1, n), msg(2, schema(p as Json))]))) : [],
    extensions(31, s),
  ];
}

/** A query parameter: ParametersItem {1: Parameter {2: NonBodyParameter {3: QueryParameterSubSchema}}}. */
function parameter(p: Json): Part {
  return msg(8, [msg(1, [msg(2, [msg(3, [str(2, p.in), str(4, p.name), str(6, p.type), bool(20, p.uniqueItems)])])])]);
}

/** openapi.v2.Operation. */
function operation(o: Json): Part[] {
  return [
    str(5, o.operationId),
    strs(6, o.produces),
    strs(7, o.consumes),
    Array.isArray(o.parameters) ? o.parameters.map((p) => parameter(p as Json)) : [],
    msg(9, []),
    extensions(13, o),
  ];
}

const METHODS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, patch: 8 };

/** The openapi.v2.Document of a Swagger 2.0 JSON document. */
export function openAPIV2Protobuf(doc: Json): Buffer {
  const info = isMap(doc.info) ? doc.info : {};
  const paths = isMap(doc.paths) ? doc.paths : {};
  const defs = isMap(doc.definitions) ? doc.definitions : {};
  return flat([
    str(1, doc.swagger),
    msg(2, [str(1, info.title), str(2, info.version)]),
    msg(
      8,
      Object.entries(paths).map(([p, item]) =>
        msg(2, [str(1, p), msg(2, Object.entries(item as Json).filter(([m]) => METHODS[m]).map(([m, op]) => msg(METHODS[m], operation(op as Json))))]),
      ),
    ),
    msg(9, Object.entries(defs).map(([n, s]) => msg(1, [str(1, n), msg(2, schema(s as Json))]))),
  ]);
}
