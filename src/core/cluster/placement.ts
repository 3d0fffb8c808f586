// Where new partitions live: each partition key of a table is owned by one data node, chosen
// when the key first receives data and never moved by placement itself. New keys go to the
// data nodes holding the fewest partitions (ties: the order of the nodes list), so data
// spreads evenly whatever order the keys arrive in.

import { assert } from '../assert.ts';

/** Owner of each partition key already placed, by key. */
export type PlacementMap = ReadonlyMap<string, string>;

/**
 * Owners for `keys`: known keys keep their owner; unknown keys are assigned to the least
 * loaded of `nodes` (by partitions owned in `placed`), one at a time, in `keys` order.
 * Returns only the new assignments. `nodes` must be non-empty and distinct.
 */
export function placePartitions(
  placed: PlacementMap,
  keys: readonly string[],
  nodes: readonly string[],
): Map<string, string> {
  assert(nodes.length > 0, 'placement needs at least one data node');
  assert(new Set(nodes).size === nodes.length, 'data node names are distinct');
  const load = new Map(nodes.map((node) => [node, 0]));
  for (const owner of placed.values()) {
    const count = load.get(owner);
    if (count !== undefined) load.set(owner, count + 1);
  }
  const added = new Map<string, string>();
  for (const key of keys) {
    if (placed.has(key) || added.has(key)) continue;
    const owner = leastLoaded(nodes, load);
    added.set(key, owner);
    load.set(owner, (load.get(owner) ?? 0) + 1);
  }
  return added;
}

function leastLoaded(nodes: readonly string[], load: ReadonlyMap<string, number>): string {
  let best = nodes[0] as string;
  for (const node of nodes) if ((load.get(node) ?? 0) < (load.get(best) ?? 0)) best = node;
  return best;
}
