import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forwardErrorLine, netnsPath, sandboxID } from '../../src/forward/klog.js';

test('the forwarding error line has klog\'s header and the kubelet/containerd wording', () => {
  const uid = '0f3e1c9a-1111-4222-8333-444455556666';
  const line = forwardErrorLine(new Date('2026-11-22T01:30:00.123Z'), 12345, uid, 8080, 80);
  const sandbox = sandboxID(uid);
  assert.match(sandbox, /^[0-9a-f]{64}$/);
  assert.match(netnsPath(uid), /^\/var\/run\/netns\/cni-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(
    line,
    `E1122 01:30:00.123000   12345 portforward.go:424] "Unhandled Error" err="an error occurred forwarding 8080 -> 80: error forwarding port 80 to pod ${sandbox}, uid : failed to execute portforward in network namespace \\"${netnsPath(uid)}\\": failed to connect to localhost:80 inside namespace \\"${sandbox}\\", IPv4: dial tcp4 127.0.0.1:80: connect: connection refused IPv6 dial tcp6 [::1]:80: connect: connection refused "`,
  );
});
