/**
 * Path MTU search: the largest IP packet with DF set that still gets an echo reply. Where ICMP "fragmentation
 * needed" never comes back (a peer's own small interface drops the frame without a word), silence is the only
 * signal, so sizes are tried in parallel rounds that narrow the bracket between the largest size that got a reply
 * and the smallest that did not. Pure: the ping itself is passed in.
 */

/** What one DF echo of a size got: a reply, nothing in time, or "too big" (refused locally or by a router). */
export type TryResult = 'reply' | 'no-reply' | 'too-big';

export interface SearchOptions {
  /** A size known to get a reply (the small echo that was answered). */
  low: number;
  /** The largest size worth trying: the MTU of the interface (or route) towards the peer. */
  high: number;
  /** Sizes tried at once per round. */
  parallel?: number;
  /** Stop early (the deadline). */
  signal?: AbortSignal;
}

export interface SearchResult {
  /** The largest size that got a reply. */
  pathMtu: number;
  /** The largest size tried. */
  probedUpTo: number;
  /** Rounds of parallel tries (for the record). */
  rounds: number;
  /** True when the deadline stopped the search before it converged: `pathMtu` is then only a lower bound. */
  incomplete: boolean;
}

/** MTUs met in practice (PPPoE, VPNs, clouds, VXLAN-in-VXLAN): tried first, since the answer is often one of them. */
export const COMMON_MTUS: readonly number[] = [
  1500, 1492, 1480, 1472, 1460, 1450, 1440, 1420, 1400, 1380, 1360, 1350, 1300, 1280, 1200, 1000, 576,
];

/** Up to `count` sizes strictly between `lo` and `hi`, evenly spread, common MTUs first. */
export function candidates(lo: number, hi: number, count: number): number[] {
  const inside = hi - lo - 1;
  if (inside <= 0) return [];
  if (inside <= count) return Array.from({ length: inside }, (_, i) => lo + 1 + i);
  const picked = new Set<number>(COMMON_MTUS.filter((m) => m > lo && m < hi).slice(0, Math.floor(count / 2)));
  const spread = count - picked.size;
  for (let i = 1; i <= spread; i++) picked.add(lo + Math.round((i * (hi - lo)) / (spread + 1)));
  return [...picked].filter((s) => s > lo && s < hi).sort((a, b) => a - b);
}

export async function searchPathMtu(tryOne: (size: number) => Promise<TryResult>, options: SearchOptions): Promise<SearchResult> {
  const parallel = options.parallel ?? 16;
  let lo = options.low;
  let hi = options.high + 1;
  let rounds = 0;
  // The first round tries the top itself alongside sizes below it: one round when the whole MTU passes.
  let sizes = [options.high, ...candidates(lo, options.high, parallel - 1)].filter((s) => s > lo);
  while (sizes.length > 0) {
    if (options.signal?.aborted) return { pathMtu: lo, probedUpTo: options.high, rounds, incomplete: true };
    rounds++;
    const results = await Promise.all(sizes.map(async (size) => ({ size, result: await tryOne(size) })));
    const replied = results.filter((r) => r.result === 'reply').map((r) => r.size);
    // A lost echo must not hide a larger size that passed: the largest reply wins.
    if (replied.length > 0) lo = Math.max(lo, ...replied);
    const failed = results.filter((r) => r.result !== 'reply' && r.size > lo).map((r) => r.size);
    if (failed.length > 0) hi = Math.min(hi, ...failed);
    sizes = candidates(lo, hi, parallel);
  }
  return { pathMtu: lo, probedUpTo: options.high, rounds, incomplete: false };
}
