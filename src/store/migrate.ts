// Schema migrations, oldest first. Each takes a document at version N and returns it at N+1.
import { SCHEMA_VERSION } from './state.js';

const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  // 1 -> 2: the objects and logs move out of the document into the data directory. The document keeps them
  // inline until the first save (store.ts opens such a head as an in-memory store), so this step is the identity.
  1: (d) => d,
  // 2 -> 3: the data directory gains the pod summary (store.podSummary, src/store/pod-summary.ts), derived from
  // the pods; a version 2 store has none, and the next save computes it from every pod, so this step too is the identity.
  2: (d) => d,
  // 3 -> 4: a sharded kind's shard count is the length of its list in store.kinds (doubled as the kind grows,
  // layout.ts); a version 3 store has 32 for every kind, which version 4 reads as it is. The version marks that
  // an older kubesim, which assumes 32, must not read a state whose shards have doubled.
  3: (d) => d,
};

export function migrate(doc: Record<string, unknown>): Record<string, unknown> {
  let d = doc;
  for (let v = doc.schemaVersion as number; v < SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new Error(`no migration from schema ${v}`);
    d = step(d);
    d.schemaVersion = v + 1;
  }
  return d;
}
