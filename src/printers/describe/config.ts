// ConfigMaps, Secrets, ServiceAccounts and IngressClasses. Go ranges over the data maps in random order;
// kubesim prints their keys sorted.
import type { KubeObject } from '../../api/types.js';
import { describeEvents, LEVEL_0, LEVEL_1, printAnnotationsMultiline, printLabelsMultiline, sortedKeys, tabbedString, type DescribeClock, type TimeZone } from './writer.js';

function header(w: { write(level: number, s: string): void }, obj: KubeObject): void {
  w.write(LEVEL_0, `Name:\t${obj.metadata.name}\n`);
  w.write(LEVEL_0, `Namespace:\t${obj.metadata.namespace ?? ''}\n`);
}

export function describeConfigMap(cm: KubeObject, events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    header(w, cm);
    printLabelsMultiline(w, 'Labels', cm.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', cm.metadata.annotations);
    const data = (cm.data ?? {}) as Record<string, string>;
    const binary = (cm.binaryData ?? {}) as Record<string, string>;
    w.write(LEVEL_0, '\nData\n====\n');
    for (const k of sortedKeys(data)) {
      w.write(LEVEL_0, `${k}:\n----\n`);
      w.write(LEVEL_0, `${data[k]}\n`);
      w.write(LEVEL_0, '\n');
    }
    w.write(LEVEL_0, '\nBinaryData\n====\n');
    for (const k of sortedKeys(binary)) w.write(LEVEL_0, `${k}: ${Buffer.from(binary[k], 'base64').length} bytes\n`);
    w.write(LEVEL_0, '\n');
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

export function describeSecret(secret: KubeObject, zone: TimeZone): string {
  return tabbedString((w) => {
    header(w, secret);
    printLabelsMultiline(w, 'Labels', secret.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', secret.metadata.annotations);
    const type = String(secret.type ?? '');
    w.write(LEVEL_0, `\nType:\t${type}\n`);
    w.write(LEVEL_0, '\nData\n====\n');
    const data = (secret.data ?? {}) as Record<string, string>;
    for (const k of sortedKeys(data)) {
      const bytes = Buffer.from(data[k], 'base64');
      if (k === 'token' && type === 'kubernetes.io/service-account-token') w.write(LEVEL_0, `${k}:\t${bytes.toString('utf8')}\n`);
      else w.write(LEVEL_0, `${k}:\t${bytes.length} bytes\n`);
    }
  }, zone);
}

/** describeServiceAccount: the secret lists, marking names that do not exist, and the SA's token secrets. */
export function describeServiceAccount(sa: KubeObject, secrets: KubeObject[], events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    header(w, sa);
    printLabelsMultiline(w, 'Labels', sa.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', sa.metadata.annotations);
    const existing = new Set(secrets.map((s) => s.metadata.name));
    const tokens = secrets.filter(
      (s) => s.type === 'kubernetes.io/service-account-token' && s.metadata.annotations?.['kubernetes.io/service-account.name'] === sa.metadata.name && s.metadata.annotations?.['kubernetes.io/service-account.uid'] === sa.metadata.uid,
    );
    const names = (list: unknown) => ((list ?? []) as { name: string }[]).map((r) => r.name);
    const pull = names(sa.imagePullSecrets);
    const mount = names(sa.secrets);
    const missing = new Set([...pull, ...mount].filter((n) => !existing.has(n)));
    const groups: [string, string[]][] = [
      ['Image pull secrets:', pull],
      ['Mountable secrets: ', mount],
      ['Tokens:            ', tokens.map((t) => t.metadata.name)],
    ];
    for (const [h, list] of groups) {
      if (list.length === 0) {
        w.write(LEVEL_0, `${h}\t<none>\n`);
        continue;
      }
      let prefix = h;
      for (const n of list) {
        w.write(LEVEL_0, `${prefix}\t${n}${missing.has(n) ? ' (not found)' : ''}\n`);
        prefix = '                   ';
      }
    }
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}

export function describeIngressClass(ic: KubeObject, events: KubeObject[] | undefined, clock: DescribeClock): string {
  return tabbedString((w) => {
    const spec = (ic.spec ?? {}) as { controller?: string; parameters?: { apiGroup?: string; kind?: string; name?: string } };
    w.write(LEVEL_0, `Name:\t${ic.metadata.name}\n`);
    printLabelsMultiline(w, 'Labels', ic.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', ic.metadata.annotations);
    w.write(LEVEL_0, `Controller:\t${spec.controller ?? ''}\n`);
    if (spec.parameters) {
      w.write(LEVEL_0, 'Parameters:\n');
      if (spec.parameters.apiGroup !== undefined) w.write(LEVEL_1, `APIGroup:\t${spec.parameters.apiGroup}\n`);
      w.write(LEVEL_1, `Kind:\t${spec.parameters.kind ?? ''}\n`);
      w.write(LEVEL_1, `Name:\t${spec.parameters.name ?? ''}\n`);
    }
    if (events) describeEvents(events, w, clock.now);
  }, clock.zone);
}
