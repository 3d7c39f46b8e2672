// PersistentVolumeClaims, PersistentVolumes and StorageClasses, as kubectl's describers print them
// (describePersistentVolumeClaim, describePersistentVolume, StorageClassDescriber).
import { formatLabels } from '../../api/labels.js';
import type { KubeObject } from '../../api/types.js';
import { describeEvents, LEVEL_0, LEVEL_1, LEVEL_2, printAnnotationsMultiline, printLabelsMultiline, since, tabbedString, type DescribeClock } from './writer.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** storageutil.GetAccessModesAsString. */
function accessModes(modes: unknown): string {
  const list = Array.isArray(modes) ? modes : [];
  return [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']]
    .filter(([m]) => list.includes(m))
    .map(([, s]) => s)
    .join(',');
}

/** Go's %v of a []string. */
const goList = (xs: unknown): string => `[${(Array.isArray(xs) ? xs : []).join(' ')}]`;

function storageClassOf(o: Any): string {
  return o.spec?.storageClassName ?? o.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
}

/** The pods of the claim's namespace that mount it, by name. */
export function podsUsingClaim(claim: KubeObject, pods: KubeObject[]): string[] {
  return pods
    .filter((p) => ((p as Any).spec?.volumes ?? []).some((v: Any) => v.persistentVolumeClaim?.claimName === claim.metadata.name))
    .map((p) => p.metadata.name)
    .sort();
}

export function describePersistentVolumeClaim(pvc: KubeObject, usedBy: string[], events: KubeObject[] | undefined, clock: DescribeClock): string {
  const c = pvc as Any;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${c.metadata.name}\n`);
    w.write(LEVEL_0, `Namespace:\t${c.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `StorageClass:\t${storageClassOf(c)}\n`);
    if (c.metadata.deletionTimestamp) w.write(LEVEL_0, `Status:\tTerminating (lasts ${since(c.metadata.deletionTimestamp, clock.now)})\n`);
    else w.write(LEVEL_0, `Status:\t${c.status?.phase ?? ''}\n`);
    w.write(LEVEL_0, `Volume:\t${c.spec?.volumeName ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', c.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', c.metadata.annotations);
    w.write(LEVEL_0, `Finalizers:\t${goList(c.metadata.finalizers)}\n`);
    const bound = !!c.spec?.volumeName;
    w.write(LEVEL_0, `Capacity:\t${bound ? c.status?.capacity?.storage ?? '0' : ''}\n`);
    w.write(LEVEL_0, `Access Modes:\t${bound ? accessModes(c.status?.accessModes) : ''}\n`);
    if (c.spec?.volumeMode) w.write(LEVEL_0, `VolumeMode:\t${c.spec.volumeMode}\n`);
    w.write(LEVEL_0, 'Used By:\t');
    if (usedBy.length === 0) w.writeLine('<none>');
    usedBy.forEach((name, i) => {
      if (i !== 0) w.write(LEVEL_0, '\t');
      w.write(LEVEL_0, `${name}\n`);
    });
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

export function describePersistentVolume(pv: KubeObject, events: KubeObject[] | undefined, clock: DescribeClock): string {
  const v = pv as Any;
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${v.metadata.name}\n`);
    printLabelsMultiline(w, 'Labels', v.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', v.metadata.annotations);
    w.write(LEVEL_0, `Finalizers:\t${goList(v.metadata.finalizers)}\n`);
    w.write(LEVEL_0, `StorageClass:\t${storageClassOf(v)}\n`);
    if (v.metadata.deletionTimestamp) w.write(LEVEL_0, `Status:\tTerminating (lasts ${since(v.metadata.deletionTimestamp, clock.now)})\n`);
    else w.write(LEVEL_0, `Status:\t${v.status?.phase ?? ''}\n`);
    const ref = v.spec?.claimRef;
    w.write(LEVEL_0, `Claim:\t${ref ? `${ref.namespace ?? ''}/${ref.name ?? ''}` : ''}\n`);
    w.write(LEVEL_0, `Reclaim Policy:\t${v.spec?.persistentVolumeReclaimPolicy ?? ''}\n`);
    w.write(LEVEL_0, `Access Modes:\t${accessModes(v.spec?.accessModes)}\n`);
    if (v.spec?.volumeMode) w.write(LEVEL_0, `VolumeMode:\t${v.spec.volumeMode}\n`);
    w.write(LEVEL_0, `Capacity:\t${v.spec?.capacity?.storage ?? '0'}\n`);
    // printVolumeNodeAffinity
    w.write(LEVEL_0, 'Node Affinity:\t');
    const required = v.spec?.nodeAffinity?.required;
    if (!required) w.writeLine('<none>');
    else {
      w.writeLine('');
      w.write(LEVEL_1, 'Required Terms:\t');
      const terms: Any[] = required.nodeSelectorTerms ?? [];
      if (terms.length === 0) w.writeLine('<none>');
      else {
        w.writeLine('');
        terms.forEach((term, i) => {
          w.write(LEVEL_2, `Term ${i}:\t`);
          const reqs: Any[] = term.matchExpressions ?? [];
          if (reqs.length === 0) w.writeLine('<none>');
          reqs.forEach((req, j) => {
            if (j !== 0) w.write(LEVEL_2, '\t');
            const values: string[] = req.values ?? [];
            w.write(LEVEL_0, `${req.key} ${String(req.operator ?? '').toLowerCase()}${values.length ? ` [${values.join(', ')}]` : ''}\n`);
          });
        });
      }
    }
    w.write(LEVEL_0, `Message:\t${v.status?.message ?? ''}\n`);
    w.write(LEVEL_0, 'Source:\n');
    if (v.spec?.hostPath) {
      w.write(LEVEL_2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${v.spec.hostPath.path ?? ''}\n    HostPathType:\t${v.spec.hostPath.type ?? '<none>'}\n`);
    } else if (v.spec?.local) {
      w.write(LEVEL_2, `Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t${v.spec.local.path ?? ''}\n`);
    } else {
      w.write(LEVEL_2, 'Type:\t<unknown>\n');
    }
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

export function describeStorageClass(sc: KubeObject, events: KubeObject[] | undefined, clock: DescribeClock): string {
  const s = sc as Any;
  return tabbedString((w) => {
    const ann = s.metadata.annotations ?? {};
    const isDefault = ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    w.write(LEVEL_0, `Name:\t${s.metadata.name}\n`);
    w.write(LEVEL_0, `IsDefaultClass:\t${isDefault ? 'Yes' : 'No'}\n`);
    w.write(LEVEL_0, `Annotations:\t${formatLabels(ann)}\n`);
    w.write(LEVEL_0, `Provisioner:\t${s.provisioner ?? ''}\n`);
    w.write(LEVEL_0, `Parameters:\t${formatLabels(s.parameters)}\n`);
    w.write(LEVEL_0, `AllowVolumeExpansion:\t${s.allowVolumeExpansion === undefined || s.allowVolumeExpansion === null ? '<unset>' : s.allowVolumeExpansion ? 'True' : 'False'}\n`);
    const opts: string[] = s.mountOptions ?? [];
    if (opts.length === 0) w.write(LEVEL_0, 'MountOptions:\t<none>\n');
    else {
      w.write(LEVEL_0, 'MountOptions:\n');
      for (const o of opts) w.write(LEVEL_1, `${o}\n`);
    }
    if (s.reclaimPolicy) w.write(LEVEL_0, `ReclaimPolicy:\t${s.reclaimPolicy}\n`);
    if (s.volumeBindingMode) w.write(LEVEL_0, `VolumeBindingMode:\t${s.volumeBindingMode}\n`);
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}
