// The OpenAPI documents `kubesim serve` answers (/openapi/v3, its group/version documents, /openapi/v2), built
// from the generated definitions that `kubesim explain` reads (src/api/openapi.ts), so the real kubectl's
// explain through serve prints what `kubesim explain` prints. The data module is large (about 0.5 MB): it is
// imported on the first OpenAPI request, not when serve starts, and each document is serialized once.
import { createHash } from 'node:crypto';
import { groupVersionPath, loadOpenAPIData, openAPIV2Document, openAPIV3Document, type Schema } from '../api/openapi.js';
import { groupVersions, RESOURCES } from './discovery.js';

interface Serialized {
  text: string;
  hash: string;
}

const serialize = (doc: Schema): Serialized => {
  const text = JSON.stringify(doc);
  // kube-apiserver names each document by the SHA-512 of its bytes (upper-case hex); clients cache on it.
  return { text, hash: createHash('sha512').update(text).digest('hex').toUpperCase() };
};

let v3: Promise<Map<string, Serialized>> | undefined;
let v2: Promise<{ doc: Schema } & Serialized> | undefined;
let v2pb: Promise<{ bytes: Buffer; hash: string }> | undefined;

/** Every group/version document by its index path ("api/v1", "apis/apps/v1"). */
function v3Documents(): Promise<Map<string, Serialized>> {
  v3 ??= loadOpenAPIData().then((data) => {
    const out = new Map<string, Serialized>();
    for (const gv of groupVersions()) out.set(groupVersionPath(gv.group, gv.version), serialize(openAPIV3Document(data, gv.group, gv.version, RESOURCES)));
    return out;
  });
  return v3;
}

/** GET /openapi/v3: each group/version with its document's URL, the hash in the query. */
export async function openAPIV3Root(): Promise<string> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [p, doc] of await v3Documents()) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${doc.hash}` };
  return JSON.stringify({ paths });
}

/** GET /openapi/v3/api/v1 or /openapi/v3/apis/GROUP/VERSION: the document's JSON, or undefined. */
export async function openAPIV3For(path: string): Promise<Serialized | undefined> {
  return (await v3Documents()).get(path);
}

/** GET /openapi/v2 (JSON). */
export function openAPIV2(): Promise<{ doc: Schema } & Serialized> {
  v2 ??= loadOpenAPIData().then((data) => {
    const doc = openAPIV2Document(data, RESOURCES);
    return { doc, ...serialize(doc) };
  });
  return v2;
}

/** GET /openapi/v2 as protobuf (gnostic's openapi.v2.Document: what client-go reads). */
export function openAPIV2Protobuf(): Promise<{ bytes: Buffer; hash: string }> {
  v2pb ??= Promise.all([openAPIV2(), import('./openapi-v2-proto.js')]).then(([json, { openAPIV2Protobuf: encode }]) => {
    const bytes = encode(json.doc);
    return { bytes, hash: createHash('sha512').update(bytes).digest('hex').toUpperCase() };
  });
  return v2pb;
}
