// `kubesim debug node/NAME`: from the node hosting the pod the app sees the node's pod-network gateway.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lessonCluster, lessonsSetup, type LessonCluster } from './netsupport.js';

describe('debug node', () => {
  let c: LessonCluster;
  before(() => {
    c = lessonCluster(lessonsSetup);
  });
  after(() => c.t.cleanup());

  it('curl from the node hosting kiada shows ::ffff:10.244.<n>.1', () => {
    const r = c.t.run(['debug', 'node/kind-worker2', '-it', '--image=curlimages/curl', '--', 'curl', '-s', `${c.ip('kiada')}:8080`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Creating debugging pod node-debugger-kind-worker2-\w{5} with container debugger on node kind-worker2\.\nKiada version 0\.1\. Request processed by "kiada"\. Client IP: ::ffff:10\.244\.2\.1\n$/);
  });

  it('from another node the app sees that node\'s InternalIP', () => {
    const r = c.t.run(['debug', 'node/kind-worker', '-i', '--image=busybox'], { input: `wget -qO- ${c.ip('kiada')}:8080\nhostname\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Client IP: ::ffff:172\.18\.0\.3\nkind-worker\n$/);
  });

  it('an unknown node', () => {
    const r = c.t.run(['debug', 'node/nope', '-it', '--image=busybox']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (NotFound): nodes "nope" not found\n');
  });
});
