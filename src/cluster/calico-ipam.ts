// Calico-like IPAM: the pod range is cut into blocks (/26 by default, 64 addresses). A node claims a block when
// it needs addresses and has none free: first the blocks the cluster config pins to it, then a free block
// chosen from a random starting point in the pool (calico walks the pool from a random block, so nodes end up
// with blocks like 10.244.167.192/26 rather than 10.244.1.0/24). The node's tunnel interface takes the first
// address of its first block; pods get the rest, moving forward as host-local does.
import { createHash } from 'node:crypto';
import type { ClusterState } from '../store/state.js';
import { addToIPv4, intToIPv4, ipv4ToInt } from '../util/ip.js';
import { Random } from '../util/random.js';
import type { PodInformer } from './informer.js';

function blockSizeOf(state: ClusterState): number {
  return state.cluster.cni?.blockSize ?? 26;
}

/** The blocks a node holds, claiming its first one (pinned, else random) when it holds none. */
export function nodeBlocks(state: ClusterState, nodeName: string): string[] {
  const blocks = ((state.ipamBlocks ??= {})[nodeName] ??= []);
  if (blocks.length === 0) {
    const b = claimBlock(state, nodeName);
    if (b) blocks.push(b);
  }
  return blocks;
}

function claimed(state: ClusterState): Set<string> {
  return new Set(Object.values(state.ipamBlocks ?? {}).flat());
}

/** A free block for the node, or undefined when the pool has none left. Draws from a stream of its own. */
function claimBlock(state: ClusterState, nodeName: string): string | undefined {
  const taken = claimed(state);
  const node = state.cluster.nodes.find((n) => n.name === nodeName);
  for (const pinned of node?.ipamBlocks ?? []) if (!taken.has(pinned)) return pinned;
  const size = blockSizeOf(state);
  const [base, bits] = state.cluster.clusterCIDR.split('/');
  const count = 2 ** (size - Number(bits));
  const have = (state.ipamBlocks?.[nodeName] ?? []).length;
  const h = createHash('sha256').update(`${state.cluster.seed}/calico-ipam/${nodeName}/${have}`).digest('hex');
  const start = Random.fromSeed(parseInt(h.slice(0, 8), 16) | 0).int(count);
  const step = 2 ** (32 - size);
  for (let i = 0; i < count; i++) {
    const cidr = `${intToIPv4((ipv4ToInt(base) + ((start + i) % count) * step) >>> 0)}/${size}`;
    if (!taken.has(cidr)) return cidr;
  }
  return undefined;
}

/** The next free pod address on the node: forward from the last one handed out, across its blocks, claiming more. */
export function allocateCalicoIP(state: ClusterState, nodeName: string, pods: PodInformer): string | undefined {
  const blocks = nodeBlocks(state, nodeName);
  if (blocks.length === 0) return undefined;
  const per = 2 ** (32 - blockSizeOf(state));
  for (;;) {
    const total = blocks.length * per;
    // Offset 0 is the tunnel address; host-local-style, the search starts after the last address given.
    const last = state.ipam[nodeName] ?? 0;
    for (let step = 1; step < total; step++) {
      const offset = ((last + step - 1) % (total - 1)) + 1;
      const ip = addToIPv4(blocks[Math.floor(offset / per)].split('/')[0], offset % per);
      if (!pods.ipInUse(nodeName, ip)) {
        state.ipam[nodeName] = offset;
        return ip;
      }
    }
    const more = claimBlock(state, nodeName);
    if (!more) return undefined;
    blocks.push(more);
  }
}
