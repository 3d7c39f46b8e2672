// `kubesim logs`: the app's start-up lines and one line per request served; --tail, --timestamps.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lessonCluster, lessonsSetup, type LessonCluster } from './netsupport.js';

describe('logs', () => {
  let c: LessonCluster;
  before(() => {
    c = lessonCluster(lessonsSetup);
  });
  after(() => c.t.cleanup());

  it('kiada logs its start-up and each request with the client address', () => {
    c.t.run(['exec', 'bb', '--', 'wget', '-qO-', `http://${c.ip('kiada')}:8080/hello`]);
    const r = c.t.run(['logs', 'kiada']);
    assert.equal(
      r.stdout,
      `Kiada - Kubernetes in Action Demo Application\n---------------------------------------------\nKiada 0.1 starting...\nLocal hostname is kiada\nListening on port 8080\nReceived request for /hello from ::ffff:${c.ip('bb')}\n`,
    );
    const t = c.t.run(['logs', 'kiada', '--tail', '1', '--timestamps']);
    assert.equal(t.stdout, `2026-11-22T01:30:00.000000000Z Received request for /hello from ::ffff:${c.ip('bb')}\n`);
  });

  it('a pod created again under the same name starts with an empty log', () => {
    c.t.run(['run', 'again', '--image=nginx']);
    c.t.run(['exec', 'again', '--', 'curl', '-s', '-o', '/dev/null', 'localhost']);
    assert.match(c.t.run(['logs', 'again', '--tail=1']).stdout, /^127\.0\.0\.1 - - .*"GET \/ HTTP\/1\.1" 200 615/);
    c.t.run(['delete', 'pod', 'again']);
    c.t.run(['run', 'again', '--image=nginx']);
    assert.equal(c.t.run(['logs', 'again', '--tail=1']).stdout, '/docker-entrypoint.sh: Configuration complete; ready for start up\n');
  });

  it('nginx writes its access log line', () => {
    c.t.run(['curl', '--from', 'pod/bb', '-s', '-o', '/dev/null', `http://${c.ip('jumpbox')}/`]);
    const r = c.t.run(['logs', 'jumpbox', '--tail=1']);
    assert.equal(r.stdout, `${c.ip('bb')} - - [22/Nov/2026:01:30:00 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0" "-"\n`);
  });

  it('a node\'s curl is the one Debian bookworm ships (kind\'s node image)', () => {
    const node = c.t.run(['get', 'pod', 'jumpbox', '-o', 'jsonpath={.spec.nodeName}']).stdout;
    c.t.run(['curl', '--from', `node/${node}`, '-s', '-o', '/dev/null', `http://${c.ip('jumpbox')}/`]);
    const r = c.t.run(['logs', 'jumpbox', '--tail=1']);
    assert.match(r.stdout, / "GET \/ HTTP\/1\.1" 200 615 "-" "curl\/7\.88\.1" "-"\n$/);
  });

  it('errors', () => {
    assert.equal(c.t.run(['logs', 'nosuch']).stderr, 'Error from server (NotFound): pods "nosuch" not found\n');
    assert.equal(c.t.run(['logs']).stderr, "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n");
    assert.equal(c.t.run(['logs', 'kiada', '-p']).stderr, 'Error from server (BadRequest): previous terminated container "kiada" in pod "kiada" not found\n');
  });
});
