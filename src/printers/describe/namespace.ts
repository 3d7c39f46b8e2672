// describeNamespace, with the namespace's ResourceQuotas and LimitRanges at the end.
import type { KubeObject, Namespace } from '../../api/types.js';
import { namespaceQuotasAndLimits } from './policy.js';
import { LEVEL_0, LEVEL_1, printAnnotationsMultiline, printLabelsMultiline, tabbedString, type TimeZone } from './writer.js';

export function describeNamespace(ns: Namespace & KubeObject, zone: TimeZone, quotas: KubeObject[] = [], limitRanges: KubeObject[] = []): string {
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${ns.metadata.name}\n`);
    printLabelsMultiline(w, 'Labels', ns.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', ns.metadata.annotations);
    w.write(LEVEL_0, `Status:\t${ns.status?.phase ?? ''}\n`);
    const conditions = ns.status?.conditions ?? [];
    if (conditions.length) {
      w.write(LEVEL_0, 'Conditions:\n');
      w.write(LEVEL_1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t------------------\t------\t-------\n');
      for (const c of conditions) {
        w.write(LEVEL_1, `${c.type}\t${c.status}\t${w.time(c.lastTransitionTime)}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
      }
    }
    namespaceQuotasAndLimits(w, quotas, limitRanges);
  }, zone);
}
