// kubesim's describe against the real kubectl's, for the same objects: the fixture cluster is served to
// kubectl by the stub API server, and every object (and a set of multi-object commands) must describe
// text-equal. kubectl takes ages from the wall clock, so the fixture's timestamps are relative to the current
// minute, no age in it is under ten minutes (those print seconds), and a mismatching comparison is retried
// (a minute boundary may fall during the kubectl run). One deliberate mask: kubectl 1.32 prints the projected volume sources'
// `Optional` as a Go pointer (a heap address that changes every run), shown as 0xc... on both sides.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeError } from '../../src/api/errors.js';
import { RESOURCES } from '../../src/api/resources.js';
import { runDescribe } from '../../src/printers/describe/select.js';
import { skipWithoutKubectl, withKubectl, type Kubectl } from '../support/stub-apiserver.js';
import { buildFixture, type Fixture } from './describe-fixtures.js';
import { listObjects } from '../../src/store/objects.js';

const mask = (s: string) => s.replace(/0xc[0-9a-f]+/g, '0xc...');

interface Parsed {
  args: string[];
  namespace: string;
  allNamespaces: boolean;
  selector?: string;
  showEvents: boolean;
}

function parse(argv: string[]): Parsed {
  const p: Parsed = { args: [], namespace: 'default', allNamespaces: false, showEvents: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-n') p.namespace = argv[++i];
    else if (a === '-A') p.allNamespaces = true;
    else if (a === '-l') p.selector = argv[++i];
    else if (a === '--show-events=false') p.showEvents = false;
    else p.args.push(a);
  }
  return p;
}

/**
 * kubectl describes a ConfigMap's data in Go's map order, which is random: each Data section's entries
 * ("key:\n----\nvalue") are put in key order on both sides before comparing.
 */
function dataOrder(text: string): string {
  return text.replace(/(Data\n====\n)([\s\S]*?)(?=\n\nBinaryData\n|\nBinaryData\n|\nEvents:|$)/g, (_m, head: string, body: string) => {
    const entries = body.split(/\n(?=[^\s\n][^\n]*:\n----\n)/);
    return head + entries.sort().join('\n');
  });
}

/**
 * Runs kubectl, then kubesim at the instant kubectl started. A mismatch is tried again (twice): a minute
 * boundary during the kubectl run, or a loaded machine, must not fail the test; a real difference persists.
 */
async function compare(kubectl: Kubectl, fixture: Fixture, argv: string[]): Promise<void> {
  const p = parse(argv);
  for (let attempt = 0; ; attempt++) {
    const t0 = Date.now();
    const real = await kubectl(['describe', ...argv]);
    let ours: { stdout: string; notice?: string; errors: KubeError[] };
    try {
      ours = runDescribe(fixture.state, { ...p, now: new Date(t0) });
    } catch (e) {
      if (!(e instanceof KubeError)) throw e;
      ours = { stdout: '', errors: [e] };
    }
    const stderr = (ours.notice ? `${ours.notice}\n` : '') + ours.errors.map((e) => `${e.render()}\n`).join('');
    if ((dataOrder(mask(ours.stdout)) === dataOrder(mask(real.stdout)) && stderr === real.stderr) || attempt === 2) {
      assert.equal(dataOrder(mask(ours.stdout)), dataOrder(mask(real.stdout)), `describe ${argv.join(' ')}`);
      assert.equal(stderr, real.stderr, `describe ${argv.join(' ')} (stderr)`);
      return;
    }
  }
}

const base = new Date(Math.floor(Date.now() / 60_000) * 60_000);

test('every object of the fixture cluster describes exactly as the real kubectl describes it', { skip: skipWithoutKubectl() }, async () => {
  const fixture = buildFixture(base);
  // The hand-made objects plus the default cluster's (nodes, leases, system services, CoreDNS, namespaces), events too.
  const all = fixture.state.objects.kindNames().filter((k) => k !== 'logs').flatMap((resource) => listObjects(fixture.state, resource).map((o) => [resource, o.metadata.namespace, o.metadata.name] as const));
  assert.ok(all.length >= 80, String(all.length));
  await withKubectl(fixture.state, async (kubectl) => {
    for (const [resource, ns, name] of all) {
      const info = RESOURCES.find((r) => r.resource === resource)!;
      await compare(kubectl, fixture, [resource, name, ...(info.namespaced ? ['-n', ns!] : [])]);
    }
  });
});

test('lists, prefixes, selectors, several types and missing names match the real kubectl', { skip: skipWithoutKubectl() }, async () => {
  const fixture = buildFixture(base);
  const commands = [
    ['pods', '-A'],
    ['nodes'],
    ['svc'],
    ['deploy,rs'],
    ['rs', '-l', 'app=kubia'],
    ['pods', '-l', 'app=kubia', '--show-events=false'],
    ['ep'],
    ['endpointslices'],
    ['ingress'],
    ['netpol'],
    ['ns'],
    ['events'],
    ['leases', '-n', 'kube-node-lease'],
    ['cm', '-A'],
    ['sa', '-A'],
    ['pods', 'kubia'],
    ['deploy', 'ku'],
    ['po/crashy', 'svc/kubia', 'no/kind-worker'],
    ['pods', 'crashy', 'kubia-rc-x1', 'nosuch'],
    ['pods', 'nosuch'],
    ['svc', '-n', 'kube-public'],
    ['pods', '-A', '-l', 'app=nothing'],
    ['nodes', '-l', 'x=y'],
    ['svc', 'kube-dns', '-n', 'kube-system'],
    ['deploy', 'demo', '-n', 'dev'],
    ['pods', 'crashy', '-A'],
    ['pods,svc', 'kia'],
    ['pods,nosuchtype'],
  ];
  await withKubectl(fixture.state, async (kubectl) => {
    for (const argv of commands) await compare(kubectl, fixture, argv);
  });
});
