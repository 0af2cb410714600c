/**
 * `audit --deep --deep-sample K`: which K peers each node tests. The choice is a function of the seed, the node and
 * the other nodes' IDs only, so the orchestrator (which marks the other pairs "not sampled") and every node's agent
 * (which probes only its own K) make it alike without talking, and a run is repeated with the same seed.
 */
import { createHash } from 'node:crypto';

/** Each peer's rank is the SHA-256 of seed, node and peer; the K lowest are sampled. Sorted, without `self`. */
export function samplePeers(seed: string, self: string, ids: readonly string[], k: number): string[] {
  const others = [...new Set(ids)].filter((id) => id !== self);
  if (k >= others.length) return others.sort();
  const rank = (id: string): string => createHash('sha256').update(`${seed}\0${self}\0${id}`).digest('hex');
  return others
    .map((id) => [rank(id), id] as const)
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, k)
    .map(([, id]) => id)
    .sort();
}

/** Every node's sample: node ID → the set of node IDs it tests. */
export function sampleMap(seed: string, ids: readonly string[], k: number): Map<string, Set<string>> {
  return new Map(ids.map((id) => [id, new Set(samplePeers(seed, id, ids, k))]));
}

/** A seed (for `--deep-seed`): letters, digits, `-`, `_`, `.`, at most 64. */
export const SEED_PATTERN = /^[\w.-]{1,64}$/;
