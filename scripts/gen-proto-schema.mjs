#!/usr/bin/env node
// Writes src/server/proto-schema.ts: the protobuf field numbers of the Kubernetes kinds kubesim serves, so that
// `kubesim serve` can read the protobuf bodies that client-go's typed clients send (kubectl create deployment,
// Helm's release Secrets). The numbers are the wire interface of the API; no npm package ships them, so they
// are read from the file descriptors that every client-go binary registers at start-up (gzipped
// FileDescriptorProto blobs): by default those of the installed kubectl.
//
//   node scripts/gen-proto-schema.mjs [path/to/kubectl]
//
// Each message becomes a list of fields [number, jsonName, protoType, typeRef, flags]: flags bit 1 repeated,
// bit 2 not nullable (a Go value, not a pointer: its zero value means "unset"), bit 4 a map (typeRef names the
// entry message, whose fields 1 and 2 are the key and the value), bit 8 embedded (its fields are inlined),
// bit 16 a number or boolean that JSON writes even when zero.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const binary = process.argv[2] ?? execFileSync('sh', ['-c', 'readlink -f "$(command -v kubectl)"']).toString().trim();
const data = readFileSync(binary);
const version = (() => {
  try {
    return JSON.parse(execFileSync(binary, ['version', '--client', '-o', 'json']).toString()).clientVersion.gitVersion;
  } catch {
    return 'unknown';
  }
})();

function varint(b, i) {
  let r = 0;
  let s = 0;
  let x;
  do {
    x = b[i++];
    r += (x & 127) * 2 ** s;
    s += 7;
  } while (x & 128);
  return [r, i];
}

/** The fields of one message as [number, wireType, value]: a number for varints, a Buffer for the others. */
function fields(b) {
  const out = [];
  let i = 0;
  while (i < b.length) {
    const [key, n] = varint(b, i);
    i = n;
    const f = Math.floor(key / 8);
    const w = key & 7;
    if (w === 0) {
      const [v, n2] = varint(b, i);
      i = n2;
      out.push([f, w, v]);
    } else if (w === 2) {
      const [l, n2] = varint(b, i);
      out.push([f, w, b.subarray(n2, n2 + l)]);
      i = n2 + l;
    } else if (w === 1) {
      out.push([f, w, b.subarray(i, i + 8)]);
      i += 8;
    } else if (w === 5) {
      out.push([f, w, b.subarray(i, i + 4)]);
      i += 4;
    } else throw new Error(`wire type ${w}`);
  }
  return out;
}

const str = (v) => v.toString('utf8');
const GOGO_NULLABLE = 65001;
// gogoproto.customname: the Go field's name. A Go field named as its type is an embedded struct, which JSON
// inlines (Volume's VolumeSource, Probe's ProbeHandler), when it is a value rather than a pointer; the
// descriptors do not tell the few struct values that are named as their types but not embedded (their JSON
// names are listed here).
const GOGO_CUSTOMNAME = 65004;
const NAMED_VALUES = new Set(['metadata', 'roleRef', 'podAffinityTerm', 'podSignature', 'time']);

/** Every message of a FileDescriptorProto, nested ones included, by its full name. */
function messagesOf(file, out) {
  let pkg = '';
  for (const [f, , v] of fields(file)) if (f === 2) pkg = str(v);
  const walk = (prefix, msg) => {
    let name = '';
    const list = [];
    let mapEntry = false;
    const nested = [];
    for (const [f, , v] of fields(msg)) {
      if (f === 1) name = str(v);
      else if (f === 2) list.push(v);
      else if (f === 3) nested.push(v);
      else if (f === 7) for (const [o, , ov] of fields(v)) if (o === 7 && ov) mapEntry = true;
    }
    const full = `${prefix}.${name}`;
    const entry = { fields: [], mapEntry };
    for (const fd of list) {
      const x = { name: '', number: 0, label: 1, type: 0, ref: '', jsonName: '', notNullable: false, goName: '' };
      for (const [f, , v] of fields(fd)) {
        if (f === 1) x.name = str(v);
        else if (f === 3) x.number = v;
        else if (f === 4) x.label = v;
        else if (f === 5) x.type = v;
        else if (f === 6) x.ref = str(v).replace(/^\./, '');
        else if (f === 10) x.jsonName = str(v);
        else if (f === 8) for (const [o, , ov] of fields(v)) {
          if (o === GOGO_NULLABLE && ov === 0) x.notNullable = true;
          if (o === GOGO_CUSTOMNAME) x.goName = str(ov);
        }
      }
      x.embedded = x.notNullable && !!x.ref && x.goName === x.ref.slice(x.ref.lastIndexOf('.') + 1) && !NAMED_VALUES.has(x.name);
      entry.fields.push(x);
    }
    out.set(full, entry);
    for (const n of nested) walk(full, n);
  };
  for (const [f, , v] of fields(file)) if (f === 4) walk(pkg, v);
}

const all = new Map();
const magic = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
for (let at = data.indexOf(magic); at >= 0; at = data.indexOf(magic, at + 1)) {
  let file;
  try {
    file = gunzipSync(data.subarray(at, at + 4_000_000), { finishFlush: 2 });
  } catch {
    continue;
  }
  const head = file.subarray(0, 120).toString('latin1');
  if (!/k8s\.io\/(api|apimachinery)\/.*generated\.proto/.test(head)) continue;
  try {
    messagesOf(file, all);
  } catch {
    // Not a descriptor after all.
  }
}

// The group versions kubesim serves (src/api/resources.ts), and the apimachinery types they use.
const roots = ['core.v1', 'apps.v1', 'autoscaling.v1', 'autoscaling.v2', 'batch.v1', 'coordination.v1', 'discovery.v1', 'networking.v1', 'policy.v1', 'rbac.v1', 'scheduling.v1', 'storage.v1'].map((p) => `k8s.io.api.${p}.`);
const wanted = [...all.keys()].filter((n) => roots.some((r) => n.startsWith(r)) && !n.slice(n.lastIndexOf('.') + 1).endsWith('List'));
wanted.push('k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
const keep = new Set();
const visit = (n) => {
  if (keep.has(n) || !all.has(n)) return;
  keep.add(n);
  for (const f of all.get(n).fields) if (f.ref) visit(f.ref);
};
wanted.forEach(visit);
if (!keep.has('k8s.io.api.apps.v1.Deployment')) throw new Error(`no Kubernetes descriptors found in ${binary}`);

// Go struct tags name the numeric and boolean value fields that JSON writes even when zero (no omitempty):
// PriorityClass's value, a ServicePort's port. The tags carry the field's name and number, not its message,
// so a name and number pair is taken as one field wherever it occurs.
const keepZero = new Set();
const tagText = data.toString('latin1');
for (const m of tagText.matchAll(/json:"([A-Za-z]+)" protobuf:"(?:varint|fixed32|fixed64),(\d+),/g)) keepZero.add(`${m[1]},${m[2]}`);

const schema = {};
for (const n of [...keep].sort()) {
  schema[n] = all.get(n).fields.map((f) => {
    const isMap = !!f.ref && all.get(f.ref)?.mapEntry;
    const zeroKept = f.notNullable && ![9, 11, 12].includes(f.type) && keepZero.has(`${f.jsonName || f.name},${f.number}`);
    const flags = (f.label === 3 ? 1 : 0) | (f.notNullable ? 2 : 0) | (isMap ? 4 : 0) | (f.embedded ? 8 : 0) | (zeroKept ? 16 : 0);
    return [f.number, f.jsonName || f.name, f.type, f.ref, flags];
  });
}
const json = JSON.stringify({ source: `kubectl ${version}`, messages: schema });
const out = `// GENERATED by scripts/gen-proto-schema.mjs from the file descriptors in kubectl ${version}. Do not edit.
// The protobuf field numbers of the kinds kubesim serves; read by src/server/protobuf.ts, which describes the format.
import type { ProtoSchema } from './protobuf.js';

export const PROTO_SCHEMA: ProtoSchema = JSON.parse(${JSON.stringify(json)});
`;
writeFileSync(new URL('../src/server/proto-schema.ts', import.meta.url), out);
console.log(`wrote src/server/proto-schema.ts: ${keep.size} messages, ${out.length} bytes`);
