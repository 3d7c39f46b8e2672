// StatefulSets and DaemonSets, as kubectl's StatefulSetDescriber and DaemonSetDescriber print them.
import { formatLabels, matchesLabelSelector } from '../../api/labels.js';
import type { KubeObject, LabelSelector, Pod, PodTemplateSpec } from '../../api/types.js';
import { describePodTemplate } from './pod.js';
import { podStatusForController, selectorString } from './workloads.js';
import { describeEvents, LEVEL_0, LEVEL_1, printAnnotationsMultiline, printLabelsMultiline, tabbedString, type DescribeClock, type PrefixWriter } from './writer.js';

type PodObj = Pod & KubeObject;
/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

function podsStatus(w: PrefixWriter, selector: LabelSelector | undefined, pods: PodObj[], uid: string | undefined): void {
  const selected = pods.filter((p) => matchesLabelSelector(selector, p.metadata.labels));
  const c = podStatusForController(selected, uid);
  w.write(LEVEL_0, `Pods Status:\t${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed\n`);
}

/** describeVolumeClaimTemplates. */
function volumeClaims(w: PrefixWriter, templates: Any[] | undefined): void {
  if (!templates?.length) {
    w.write(LEVEL_0, 'Volume Claims:\t<none>\n');
    return;
  }
  w.write(LEVEL_0, 'Volume Claims:\n');
  for (const pvc of templates) {
    w.write(LEVEL_1, `Name:\t${pvc.metadata?.name ?? ''}\n`);
    const cls = pvc.spec?.storageClassName ?? pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
    w.write(LEVEL_1, `StorageClass:\t${cls}\n`);
    printLabelsMultiline(w, '  Labels', pvc.metadata?.labels);
    w.write(LEVEL_1, 'Annotations:\t');
    w.writeLine(formatLabels(pvc.metadata?.annotations));
    const storage = pvc.spec?.resources?.requests?.storage;
    w.write(LEVEL_1, `Capacity:\t${storage === undefined ? '<default>' : String(storage)}\n`);
    w.write(LEVEL_1, `Access Modes:\t[${(pvc.spec?.accessModes ?? []).join(' ')}]\n`);
  }
}

export function describeStatefulSet(s: KubeObject, pods: PodObj[], events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    const spec = (s.spec ?? {}) as Any;
    const status = (s.status ?? {}) as Any;
    w.write(LEVEL_0, `Name:\t${s.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${s.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `CreationTimestamp:\t${w.time(s.metadata.creationTimestamp)}\n`);
    w.write(LEVEL_0, `Selector:\t${selectorString(spec.selector)}\n`);
    printLabelsMultiline(w, 'Labels', s.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', s.metadata.annotations);
    w.write(LEVEL_0, `Replicas:\t${spec.replicas ?? 0} desired | ${status.replicas ?? 0} total\n`);
    w.write(LEVEL_0, `Update Strategy:\t${spec.updateStrategy?.type ?? ''}\n`);
    const ru = spec.updateStrategy?.rollingUpdate;
    if (ru && ru.partition !== undefined) {
      w.write(LEVEL_1, `Partition:\t${ru.partition}\n`);
      if (ru.maxUnavailable !== undefined) w.write(LEVEL_1, `MaxUnavailable:\t${ru.maxUnavailable}\n`);
    }
    podsStatus(w, spec.selector, pods, s.metadata.uid);
    describePodTemplate(spec.template as PodTemplateSpec, w);
    volumeClaims(w, spec.volumeClaimTemplates);
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

export function describeDaemonSet(d: KubeObject, pods: PodObj[], events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    const spec = (d.spec ?? {}) as Any;
    const status = (d.status ?? {}) as Any;
    // kubectl 1.32's DaemonSet describer prints no Namespace line.
    w.write(LEVEL_0, `Name:\t${d.metadata.name}\n`);
    w.write(LEVEL_0, `Selector:\t${selectorString(spec.selector)}\n`);
    w.write(LEVEL_0, `Node-Selector:\t${formatLabels(spec.template?.spec?.nodeSelector)}\n`);
    printLabelsMultiline(w, 'Labels', d.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', d.metadata.annotations);
    w.write(LEVEL_0, `Desired Number of Nodes Scheduled: ${status.desiredNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Current Number of Nodes Scheduled: ${status.currentNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Scheduled with Up-to-date Pods: ${status.updatedNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Scheduled with Available Pods: ${status.numberAvailable ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Misscheduled: ${status.numberMisscheduled ?? 0}\n`);
    podsStatus(w, spec.selector, pods, d.metadata.uid);
    describePodTemplate(spec.template as PodTemplateSpec, w);
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}
