/** Limits that keep hostile input from exhausting time or memory. Each has a clear error when exceeded. */
export interface LoadLimits {
  /** Largest stack file read, in bytes. */
  maxFileBytes: number;
  /** Largest facts document read, in bytes (a saved audit of a thousand-node swarm is several MiB). */
  maxFactsBytes: number;
  /** Deepest nesting of mappings and sequences (stack files need about ten). */
  maxDepth: number;
  /** Most nodes that aliases may add by expansion (a "billion laughs" file adds billions). */
  maxAliasNodes: number;
}

export const defaultLimits: LoadLimits = {
  maxFileBytes: 4 * 1024 * 1024,
  maxFactsBytes: 256 * 1024 * 1024,
  maxDepth: 100,
  maxAliasNodes: 100_000,
};
