// NetworkPolicy validation as the API server does it (pkg/apis/networking/validation, ValidateNetworkPolicySpec):
// every cause with its field path and words, in the server's order, and nothing stored.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { tempCluster, type TempCluster } from '../support/cli.js';

const BAD = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: bad
spec:
  podSelector: {}
  policyTypes: [Ingress, Sideways]
  ingress:
  - ports:
    - port: 70000
      protocol: ICMP
    - port: http
      endPort: 90
    - port: 90
      endPort: 80
    - endPort: 5
    from:
    - {}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8, 192.168.0.0/16, nope]}
      podSelector: {}
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/33}
    - ipBlock: {}
`;

describe('NetworkPolicy validation', () => {
  let t: TempCluster;
  before(() => {
    t = tempCluster();
    assert.equal(t.run(['cluster', 'create']).code, 0);
  });
  after(() => t.cleanup());

  it('lists every cause with the API server\'s paths and words', () => {
    const r = t.run(['apply', '-f', '-'], { input: BAD });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'The NetworkPolicy "bad" is invalid: \n' +
        '* spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"\n' +
        '* spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n' +
        '* spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric\n' +
        '* spec.ingress[0].ports[2].endPort: Invalid value: 90: must be greater than or equal to `port`\n' +
        '* spec.ingress[0].ports[3].endPort: Invalid value: 5: may not be specified when `port` is not specified\n' +
        '* spec.ingress[0].from[0]: Required value: must specify a peer\n' +
        '* spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`\n' +
        '* spec.ingress[0].from[1].ipBlock.except[1]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`\n' +
        '* spec.ingress[0].from[1].ipBlock.except[2]: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)\n' +
        '* spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer\n' +
        '* spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)\n' +
        '* spec.egress[0].to[1].ipBlock.cidr: Required value\n' +
        '* spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"\n',
    );
    assert.equal(t.run(['get', 'netpol']).stderr, 'No resources found in default namespace.\n');
  });

  it('more than two policyTypes, a port name that is not one, a selector operator', () => {
    const three = t.run(['apply', '-f', '-'], { input: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: three\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress, Ingress]\n' });
    assert.equal(three.stderr, 'The NetworkPolicy "three" is invalid: spec.policyTypes: Invalid value: []networking.PolicyType{"Ingress", "Egress", "Ingress"}: may not specify more than two policyTypes\n');
    const name = t.run(['apply', '-f', '-'], { input: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: pn\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: "80"\n' });
    assert.equal(name.stderr, 'The NetworkPolicy "pn" is invalid: spec.ingress[0].ports[0].port: Invalid value: "80": must contain at least one letter (a-z)\n');
  });

  it('a valid policy with ipBlock except, named ports and endPort is stored', () => {
    const ok = t.run(['apply', '-f', '-'], {
      input: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: good\nspec:\n  podSelector: {}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}\n    - podSelector: {}\n      namespaceSelector: {}\n    ports:\n    - port: 8000\n      endPort: 9000\n    - port: dns\n      protocol: UDP\n',
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'networkpolicy.networking.k8s.io/good created\n');
  });
});
