import { visitorKeys, type BaseNode, type LogicalRef, type Root } from '../language/model.js';

/** A node with a logical location, and the chain of logical locations down to it. */
export interface RefEntry {
  node: BaseNode;
  chain: LogicalRef[];
}

/** Nodes with a logical location, in walk order, for finding the one a message is about. */
export function refNodes(root: Root): RefEntry[] {
  const out: RefEntry[] = [];
  const walk = (node: BaseNode, chain: LogicalRef[]): void => {
    const here = node.ref ? [...chain, node.ref] : chain;
    if (node.ref) out.push({ node, chain: here });
    for (const key of visitorKeys[node.type] ?? []) {
      const child = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(child)) for (const c of child as BaseNode[]) walk(c, here);
      else if (child && typeof child === 'object') walk(child as BaseNode, here);
    }
  };
  walk(root, []);
  return out;
}

/** A span of the linted text (offsets). */
export interface Span {
  start: number;
  end: number;
}

/**
 * For each span, the entry whose node's range contains it and is the smallest; of equally small ones the last in
 * walk order (`undefined` when none contains it). The same answer as looking at every entry for every span, in
 * O((entries + spans) log entries) instead of O(entries × spans): spans are taken in order of their start, the
 * entries that start at or before it are added to a Fenwick tree keyed by where they end, which keeps the best
 * entry of each suffix of ends.
 */
export function innermost(entries: readonly RefEntry[], spans: readonly Span[]): (RefEntry | undefined)[] {
  const result: (RefEntry | undefined)[] = new Array<RefEntry | undefined>(spans.length).fill(undefined);
  if (entries.length === 0 || spans.length === 0) return result;
  const ends = [...new Set(entries.map((e) => e.node.range[1]))].sort((a, b) => a - b);
  const m = ends.length;
  // Fenwick tree over reversed end positions (a prefix of it is a suffix of ends): the best entry index, or -1.
  const tree = new Int32Array(m + 1).fill(-1);
  const size = (i: number): number => {
    const range = (entries[i] as RefEntry).node.range;
    return range[1] - range[0];
  };
  // Smaller wins; of equal size, the later entry (as `<=` in a scan in walk order).
  const better = (a: number, b: number): boolean => b === -1 || size(a) < size(b) || (size(a) === size(b) && a > b);
  const lowerBound = (value: number): number => {
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ends[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const insert = (entry: number): void => {
    for (let p = m - lowerBound((entries[entry] as RefEntry).node.range[1]); p <= m; p += p & -p) {
      if (better(entry, tree[p] as number)) tree[p] = entry;
    }
  };
  const query = (end: number): number => {
    let best = -1;
    for (let p = m - lowerBound(end); p > 0; p -= p & -p) {
      const candidate = tree[p] as number;
      if (candidate !== -1 && better(candidate, best)) best = candidate;
    }
    return best;
  };
  const byStart = entries.map((_, i) => i).sort((a, b) => (entries[a] as RefEntry).node.range[0] - (entries[b] as RefEntry).node.range[0]);
  const order = spans.map((_, i) => i).sort((a, b) => (spans[a] as Span).start - (spans[b] as Span).start);
  let next = 0;
  for (const q of order) {
    const span = spans[q] as Span;
    while (next < byStart.length && (entries[byStart[next] as number] as RefEntry).node.range[0] <= span.start)
      insert(byStart[next++] as number);
    const best = query(span.end);
    if (best !== -1) result[q] = entries[best];
  }
  return result;
}
