// Schema migrations, oldest first. Each takes a document at version N and returns it at N+1.
import { SCHEMA_VERSION, type ClusterState } from './state.js';

const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  // 1 -> 2 goes here when the shape changes.
};

export function migrate(doc: ClusterState): ClusterState {
  let d = doc as unknown as Record<string, unknown>;
  for (let v = doc.schemaVersion; v < SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new Error(`no migration from schema ${v}`);
    d = step(d);
    d.schemaVersion = v + 1;
  }
  return d as unknown as ClusterState;
}
