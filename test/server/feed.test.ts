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

/** A state with the tombstones a commit writes (rv, resource, key, uid per deletion). */
function withTombstones(rv: number, pods: KubeObject[], from: number, list: [number, string, string, string][]): ClusterState {
  return { ...state(rv, pods), tombstones: { from, list } } as ClusterState;
}

test('objects deleted by one command reach a watcher with the resourceVersions their deletions took', () => {
  const feed = new ChangeFeed();
  feed.track('pods', withTombstones(10, [pod('a', 3), pod('b', 4), pod('c', 5)], 0, []));
  const heard: WatchEvent[] = [];
  feed.subscribe((evs) => heard.push(...evs));
  // `delete pods --all`: three deletions, 11 to 13, in one commit.
  feed.sync(withTombstones(13, [], 0, [[11, 'pods', 'default/a', 'uid-a'], [12, 'pods', 'default/b', 'uid-b'], [13, 'pods', 'default/c', 'uid-c']]));
  // b created again (15); another resource's deletion (14) is not the pods' business.
  feed.sync(withTombstones(15, [pod('b', 15, 'uid-b2')], 0, [[14, 'services', 'default/x', 'u']]));
  // Deleted (17) and created again (18) between two looks: both events, each with its own version.
  feed.sync(withTombstones(18, [pod('b', 18, 'uid-b3')], 0, [[17, 'pods', 'default/b', 'uid-b2']]));
  assert.deepEqual(heard.map((e) => [e.type, e.object.metadata.name, e.rv, e.object.metadata.resourceVersion]), [
    ['DELETED', 'a', 11, '11'],
    ['DELETED', 'b', 12, '12'],
    ['DELETED', 'c', 13, '13'],
    ['ADDED', 'b', 15, '15'],
    ['DELETED', 'b', 17, '17'],
    ['ADDED', 'b', 18, '18'],
  ]);
});

test('a deletion whose tombstone is no longer kept ends the resource\'s watches (410) instead of guessing', () => {
  const feed = new ChangeFeed();
  feed.track('pods', withTombstones(10, [pod('a', 3), pod('b', 4)], 0, []));
  const expired: string[] = [];
  const heard: WatchEvent[] = [];
  feed.subscribe((evs, gone) => {
    heard.push(...evs);
    expired.push(...gone);
  });
  feed.sync(withTombstones(20, [pod('b', 4)], 15, []));
  assert.deepEqual(expired, ['pods']);
  assert.equal(heard.length, 0);
  // The history restarts at the state that lost track: older resumes are gone, newer ones are served.
  assert.equal(feed.since('pods', 12), 'gone');
  assert.equal(feed.oldest('pods'), 20);
  feed.sync(withTombstones(22, [], 15, [[21, 'pods', 'default/b', 'uid-b']]));
  assert.deepEqual(heard.map((e) => [e.type, e.object.metadata.name, e.rv]), [['DELETED', 'b', 21]]);
});
