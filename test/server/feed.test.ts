// The watch cache on its own: committed states in, watch events out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/types.js';
import type { ClusterState } from '../../src/store/state.js';
import { ChangeFeed, type WatchEvent } from '../../src/server/feed.js';

const pod = (name: string, rv: number, uid = `uid-${name}`): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', resourceVersion: String(rv), uid } });

/** Just what the feed reads of a state: its resourceVersion and one resource's objects. */
function state(rv: number, pods: KubeObject[]): ClusterState {
  return { resourceVersion: rv, objects: { list: (r: string) => (r === 'pods' ? pods : []) } } as unknown as ClusterState;
}

test('the feed turns commits into ADDED, MODIFIED and DELETED events in resourceVersion order', () => {
  const feed = new ChangeFeed();
  assert.equal(feed.track('pods', state(10, [pod('a', 5)])), 10);
  const heard: WatchEvent[] = [];
  feed.subscribe((evs) => heard.push(...evs));
  feed.sync(state(13, [pod('a', 12), pod('b', 11)]));
  feed.sync(state(15, [pod('b', 11)]));
  // Deleted and created again between two looks: both events.
  feed.sync(state(18, [pod('b', 17, 'uid-b2')]));
  assert.deepEqual(heard.map((e) => [e.type, e.object.metadata.name, e.rv]), [
    ['ADDED', 'b', 11],
    ['MODIFIED', 'a', 12],
    ['DELETED', 'a', 15],
    ['DELETED', 'b', 16],
    ['ADDED', 'b', 17],
  ]);
  assert.equal(heard[2].object.metadata.resourceVersion, '15');
  // A commit that changed nothing tells nobody anything.
  feed.sync(state(18, [pod('b', 17, 'uid-b2')]));
  assert.equal(heard.length, 5);
});

test('a watch may resume from any version since tracking began; older ones are gone', () => {
  const feed = new ChangeFeed();
  feed.track('pods', state(10, []));
  feed.sync(state(12, [pod('a', 11)]));
  feed.sync(state(14, [pod('a', 13)]));
  const since = feed.since('pods', 11);
  assert.ok(Array.isArray(since));
  assert.deepEqual(since.map((e) => [e.type, e.rv]), [['MODIFIED', 13]]);
  assert.equal(feed.since('pods', 9), 'gone');
  assert.equal(feed.since('services', 20), 'gone');
  assert.equal(feed.oldest('pods'), 10);
});
