// NetworkPolicy truth tables: the cases of the upstream conformance suite (test/e2e/network/netpol) and of
// cyclonus, on their model cluster: namespaces x, y, z (labelled ns=<name>), pods a, b, c in each (labelled
// pod=<name>), each serving TCP 80 and 81 from containers whose ports are named serve-80-tcp and serve-81-tcp.
// Every case probes all 9 x 9 pod pairs on both ports through the engine (a new TCP connection, pod IP to pod
// IP) and compares with the expected reachability, printed as cyclonus prints its tables when they differ.
// A pod reaching its own IP never leaves its network namespace, so self-connections are always allowed (the
// upstream suite's AllowLoopback).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/types.js';
import { createObject } from '../../src/cluster/apiserver.js';
import { reconcile } from '../../src/cluster/controllers.js';
import { connect } from '../../src/net/engine.js';
import { listObjects, putObject, removeObject } from '../../src/store/objects.js';
import { fixture, type Fixture } from './fixture.js';

const NAMESPACES = ['x', 'y', 'z'];
const PODS = ['a', 'b', 'c'];
const PORTS = [80, 81];
const ALL = NAMESPACES.flatMap((ns) => PODS.map((pod) => ({ ns, pod, key: `${ns}/${pod}` })));
type P = (typeof ALL)[number];

function modelCluster(): Fixture {
  const f = fixture();
  for (const ns of NAMESPACES) createObject(f.state, f.ctx, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ns } } } as KubeObject, { namespace: 'default' });
  let i = 0;
  for (const p of ALL) {
    const containers = PORTS.map((port) => ({
      name: `cont-${port}-tcp`,
      image: 'registry.k8s.io/e2e-test-images/agnhost:2.47',
      args: ['serve-hostname', '--tcp', '--http=false', '--port', String(port)],
      ports: [{ name: `serve-${port}-tcp`, containerPort: port, protocol: 'TCP' }],
    }));
    const node = i++ % 2 === 0 ? 'kind-worker' : 'kind-worker2';
    createObject(f.state, f.ctx, { apiVersion: 'v1', kind: 'Pod', metadata: { name: p.pod, namespace: p.ns, labels: { pod: p.pod } }, spec: { nodeName: node, containers } } as unknown as KubeObject, { namespace: p.ns });
  }
  reconcile(f.state, f.ctx);
  return f;
}

/** A NetworkPolicy in namespace ns. */
function np(ns: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec } as KubeObject;
}

function setPolicies(f: Fixture, policies: KubeObject[]): void {
  for (const o of listObjects(f.state, 'networkpolicies')) removeObject(f.state, 'networkpolicies', o.metadata.namespace, o.metadata.name);
  for (const p of policies) putObject(f.state, 'networkpolicies', p);
}

function setLabels(f: Fixture, resource: 'pods' | 'namespaces', ns: string | undefined, name: string, labels: Record<string, string>): void {
  const o = listObjects(f.state, resource, ns).find((x) => x.metadata.name === name)!;
  putObject(f.state, resource, { ...o, metadata: { ...o.metadata, labels } });
}

type Expect = (from: P, to: P, port: number) => boolean;

function table(f: (from: P, to: P) => boolean): string {
  let s = `-\t${ALL.map((p) => p.key).join('\t')}\n`;
  for (const from of ALL) s += `${from.key}\t${ALL.map((to) => (f(from, to) ? '.' : 'X')).join('\t')}\n`;
  return s;
}

/** Probes every pair on every port and asserts the expected matrix (printed per port on a mismatch). */
function probe(f: Fixture, expect: Expect): void {
  const net = f.net({ trace: false });
  const pods = new Map(ALL.map((p) => [p.key, net.topo.podByKey.get(p.key)!]));
  for (const port of PORTS) {
    const got = new Map<string, boolean>();
    for (const from of ALL) {
      for (const to of ALL) {
        const r = connect(net, { kind: 'pod', pod: pods.get(from.key)! }, pods.get(to.key)!.ip, port, 'TCP');
        assert.notEqual(r.kind, 'refused', `${from.key} -> ${to.key}:${port} was refused (nothing listening?)`);
        got.set(`${from.key}>${to.key}`, r.kind === 'connected');
      }
    }
    const want = (a: P, b: P) => a.key === b.key || expect(a, b, port);
    const actual = table((a, b) => got.get(`${a.key}>${b.key}`)!);
    assert.equal(actual, table(want), `port ${port}: reachability (rows: from, columns: to; . connected, X blocked)`);
  }
}

const allowAll: Expect = () => true;
const inNs = (ns: string) => (p: P) => p.ns === ns;
const is = (key: string) => (p: P) => p.key === key;

interface Case {
  name: string;
  policies: KubeObject[];
  expect: Expect;
}

const CASES: Case[] = [
  {
    name: "should support a 'default-deny-ingress' policy",
    policies: [np('x', 'deny-ingress', { podSelector: {}, ingress: [] })],
    expect: (_f, to) => to.ns !== 'x',
  },
  {
    name: "should support a 'default-deny-all' policy",
    policies: [np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
    expect: (from, to) => from.ns !== 'x' && to.ns !== 'x',
  },
  {
    name: 'should enforce policy to allow traffic from pods within server namespace based on PodSelector',
    policies: [np('x', 'x-a-allows-x-b', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] })],
    expect: (from, to) => to.key !== 'x/a' || from.key === 'x/b',
  },
  {
    name: 'should enforce policy to allow ingress traffic for a target',
    policies: [np('x', 'deny-all', { podSelector: {}, ingress: [] }), np('x', 'allow-all-to-a', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{}] })],
    expect: (_f, to) => to.ns !== 'x' || to.pod === 'a',
  },
  {
    name: 'should enforce policy to allow ingress traffic from pods in all namespaces',
    policies: [np('x', 'allow-from-all-ns', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] })],
    expect: allowAll,
  },
  {
    name: 'should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector',
    policies: [np('x', 'allow-ns-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] })],
    expect: (from, to) => to.key !== 'x/a' || from.ns === 'y',
  },
  {
    name: 'should enforce policy based on PodSelector with MatchExpressions',
    policies: [np('x', 'allow-pod-b-expr', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] } }] }] })],
    expect: (from, to) => to.key !== 'x/a' || from.key === 'x/b',
  },
  {
    name: 'should enforce policy based on NamespaceSelector with MatchExpressions',
    policies: [np('x', 'allow-ns-y-expr', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'In', values: ['y'] }] } }] }] })],
    expect: (from, to) => to.key !== 'x/a' || from.ns === 'y',
  },
  {
    name: 'should enforce policy based on PodSelector or NamespaceSelector',
    policies: [
      np('x', 'pod-or-ns', {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x'] }] } }, { podSelector: { matchLabels: { pod: 'b' } } }] }],
      }),
    ],
    expect: (from, to) => to.key !== 'x/a' || from.ns !== 'x' || from.key === 'x/b',
  },
  {
    name: 'should enforce policy based on PodSelector and NamespaceSelector (both in one peer)',
    policies: [
      np('x', 'pod-and-ns', {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x'] }] }, podSelector: { matchLabels: { pod: 'b' } } }] }],
      }),
    ],
    expect: (from, to) => to.key !== 'x/a' || (from.ns !== 'x' && from.pod === 'b'),
  },
  {
    name: 'should enforce policy based on Multiple PodSelectors and NamespaceSelectors',
    policies: [
      np('x', 'multi', {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x'] }] }, podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] } }] }],
      }),
    ],
    expect: (from, to) => to.key !== 'x/a' || (from.ns !== 'x' && from.pod !== 'a'),
  },
  {
    name: 'should enforce policy based on any PodSelectors',
    policies: [np('x', 'any-pods', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }, { podSelector: { matchLabels: { pod: 'c' } } }] }] })],
    expect: (from, to) => to.key !== 'x/a' || from.key === 'x/b' || from.key === 'x/c',
  },
  {
    name: 'should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector',
    policies: [np('x', 'y-a-only', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'a' } } }] }] })],
    expect: (from, to) => to.key !== 'x/a' || from.key === 'y/a',
  },
  {
    name: 'should enforce policy based on Ports',
    policies: [np('x', 'port-81-from-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 81, protocol: 'TCP' }] }] })],
    expect: (from, to, port) => to.key !== 'x/a' || (from.ns === 'y' && port === 81),
  },
  {
    name: 'should enforce multiple, stacked policies with overlapping podSelectors',
    policies: [
      np('x', 'port-81-from-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 81 }] }] }),
      np('x', 'port-80-from-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 80 }] }] }),
    ],
    expect: (from, to) => to.key !== 'x/a' || from.ns === 'y',
  },
  {
    name: 'should support allow-all policy',
    policies: [np('x', 'allow-all', { podSelector: {}, ingress: [{}] })],
    expect: allowAll,
  },
  {
    name: 'should allow ingress access on one named port',
    policies: [np('x', 'named-81', { podSelector: {}, ingress: [{ ports: [{ port: 'serve-81-tcp' }] }] })],
    expect: (_f, to, port) => to.ns !== 'x' || port === 81,
  },
  {
    name: 'should allow ingress access from namespace on one named port',
    policies: [np('x', 'named-80-from-y', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 'serve-80-tcp' }] }] })],
    expect: (from, to, port) => to.ns !== 'x' || (from.ns === 'y' && port === 80),
  },
  {
    name: 'should allow egress access on one named port (named ports resolve on the destination pod)',
    policies: [np('x', 'egress-named-80', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'serve-80-tcp' }] }] })],
    expect: (from, _t, port) => from.ns !== 'x' || port === 80,
  },
  {
    name: 'should not match a named port that no container of the destination declares',
    policies: [np('x', 'named-missing', { podSelector: {}, ingress: [{ ports: [{ port: 'serve-82-tcp' }] }] })],
    expect: (_f, to) => to.ns !== 'x',
  },
  {
    name: 'should deny ingress from pods on other namespaces',
    policies: [np('x', 'same-ns-only', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })],
    expect: (from, to) => to.ns !== 'x' || from.ns === 'x',
  },
  {
    name: 'should deny egress from pods based on PodSelector',
    policies: [np('x', 'deny-egress-a', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'] })],
    expect: (from) => from.key !== 'x/a',
  },
  {
    name: 'should deny egress from all pods in a namespace',
    policies: [np('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] })],
    expect: (from) => from.ns !== 'x',
  },
  {
    name: 'should work with Ingress, Egress specified together',
    policies: [
      np('x', 'in-and-out', {
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 80 }] }],
      }),
    ],
    expect: (from, to, port) => (to.key !== 'x/a' || from.key === 'x/b') && (from.key !== 'x/a' || (to.ns === 'y' && port === 80)),
  },
  {
    name: 'should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)',
    policies: [
      np('x', 'deny-egress-a', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [] }),
      np('y', 'allow-all-in', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
    ],
    expect: (from) => from.key !== 'x/a',
  },
  {
    name: 'should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector',
    policies: [
      np('x', 'allow-egress-all', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }),
      np('x', 'deny-ingress-a', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Ingress'] }),
    ],
    expect: (_f, to) => to.key !== 'x/a',
  },
  {
    name: 'should enforce egress policy allowing traffic to a server in a CIDR block (ipBlock /32 of y/b)',
    policies: [],
    expect: (from, to) => from.key !== 'x/a' || to.key === 'y/b',
  },
  {
    name: 'should enforce except clause while egress access to server in CIDR block',
    policies: [],
    expect: (from, to) => from.key !== 'x/a' || to.key !== 'y/b',
  },
  {
    name: 'should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed (another peer allows it)',
    policies: [],
    expect: allowAll,
  },
  {
    name: 'should allow ingress from an ipBlock of pod IPs (ipBlock matches pods too)',
    policies: [],
    expect: (from, to) => to.key !== 'x/a' || from.key === 'z/c',
  },
  {
    name: 'should not treat protocol UDP as TCP (a UDP-only rule still isolates)',
    policies: [np('x', 'udp-only', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 80, protocol: 'UDP' }] }] })],
    expect: (_f, to) => to.key !== 'x/a',
  },
  {
    name: 'should enforce ingress policy allowing any port traffic to a server on a specific protocol',
    policies: [np('x', 'any-tcp', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ protocol: 'TCP' }] }] })],
    expect: allowAll,
  },
  {
    name: 'allow-port-range: endPort 80-81 opens both ports',
    policies: [np('x', 'range', { podSelector: {}, ingress: [{ ports: [{ port: 80, endPort: 81 }] }] })],
    expect: allowAll,
  },
  {
    name: 'allow-port-range: endPort 81-90 opens 81 only',
    policies: [np('x', 'range', { podSelector: {}, ingress: [{ ports: [{ port: 81, endPort: 90 }] }] })],
    expect: (_f, to, port) => to.ns !== 'x' || port === 81,
  },
  {
    name: 'egress rules without policyTypes make the policy isolate egress too (API defaulting)',
    policies: [np('x', 'egress-implied', { podSelector: { matchLabels: { pod: 'a' } }, egress: [{ to: [{ podSelector: {} }] }] })],
    expect: (from, to) => to.key !== 'x/a' && (from.key !== 'x/a' || to.ns === 'x'),
  },
  {
    name: 'policyTypes [Egress] leaves ingress open even with ingress rules listed',
    policies: [np('x', 'egress-only', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }], egress: [{}] })],
    expect: allowAll,
  },
  {
    name: 'a policy selects pods only in its own namespace',
    policies: [np('y', 'deny-a-in-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [] })],
    expect: (_f, to) => to.key !== 'y/a',
  },
  {
    name: 'egress to a namespace by its kubernetes.io/metadata.name label',
    policies: [np('x', 'to-z', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'z' } } }] }] })],
    expect: (from, to) => from.ns !== 'x' || to.ns === 'z',
  },
];

describe('NetworkPolicy reachability matrices (upstream netpol suite and cyclonus cases)', () => {
  const f = modelCluster();
  const ip = (key: string) => f.net().topo.podByKey.get(key)!.ip;
  // The ipBlock cases need the model's pod IPs.
  const byName = new Map(CASES.map((c) => [c.name, c]));
  byName.get('should enforce egress policy allowing traffic to a server in a CIDR block (ipBlock /32 of y/b)')!.policies = [
    np('x', 'egress-cidr', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: `${ip('y/b')}/32` } }] }] }),
  ];
  byName.get('should enforce except clause while egress access to server in CIDR block')!.policies = [
    np('x', 'egress-except', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.244.0.0/16', except: [`${ip('y/b')}/32`] } }] }] }),
  ];
  byName.get('should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed (another peer allows it)')!.policies = [
    np('x', 'egress-overlap', {
      podSelector: { matchLabels: { pod: 'a' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.244.0.0/16', except: [`${ip('y/b')}/32`] } }, { ipBlock: { cidr: `${ip('y/b')}/32` } }] }],
    }),
  ];
  byName.get('should allow ingress from an ipBlock of pod IPs (ipBlock matches pods too)')!.policies = [
    np('x', 'from-cidr', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ ipBlock: { cidr: `${ip('z/c')}/32` } }] }] }),
  ];

  it('without policies every pod reaches every pod on both ports', () => {
    setPolicies(f, []);
    probe(f, allowAll);
  });
  for (const c of CASES) {
    it(c.name, () => {
      setPolicies(f, c.policies);
      probe(f, c.expect);
    });
  }

  it('should enforce updated policy (ports changed from 81 to 80)', () => {
    setPolicies(f, [np('x', 'upd', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 81 }] }] })]);
    probe(f, (_f, to, port) => to.key !== 'x/a' || port === 81);
    setPolicies(f, [np('x', 'upd', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 80 }] }] })]);
    probe(f, (_f, to, port) => to.key !== 'x/a' || port === 80);
  });

  it('should allow ingress access from updated namespace (namespace labels are read at connection time)', () => {
    setPolicies(f, [np('x', 'from-ns2', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns2: 'updated' } } }] }] })]);
    probe(f, (_f, to) => to.key !== 'x/a');
    setLabels(f, 'namespaces', undefined, 'y', { ns: 'y', ns2: 'updated', 'kubernetes.io/metadata.name': 'y' });
    try {
      probe(f, (from, to) => to.key !== 'x/a' || from.ns === 'y');
    } finally {
      setLabels(f, 'namespaces', undefined, 'y', { ns: 'y', 'kubernetes.io/metadata.name': 'y' });
    }
  });

  it('should allow ingress access from updated pod, and deny ingress access to updated pod', () => {
    setPolicies(f, [np('x', 'from-b-updated', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b', updated: 'true' } } }] }] })]);
    setLabels(f, 'pods', 'x', 'b', { pod: 'b', updated: 'true' });
    try {
      probe(f, (from, to) => to.key !== 'x/a' || from.key === 'x/b');
    } finally {
      setLabels(f, 'pods', 'x', 'b', { pod: 'b' });
    }
    setPolicies(f, [np('x', 'deny-target', { podSelector: { matchLabels: { target: 'true' } }, ingress: [] })]);
    probe(f, allowAll);
    setLabels(f, 'pods', 'x', 'c', { pod: 'c', target: 'true' });
    try {
      probe(f, (_f, to) => to.key !== 'x/c');
    } finally {
      setLabels(f, 'pods', 'x', 'c', { pod: 'c' });
    }
  });

  it('has at least 30 cases', () => assert.ok(CASES.length + 3 >= 30));
});
