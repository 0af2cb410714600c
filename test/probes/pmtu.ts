// The path MTU search against simulated paths: the answer is exact, found in few rounds, robust to a lost echo.
import t from 'tap';
import { candidates, COMMON_MTUS, searchPathMtu, type TryResult } from '../../probes/paths/pmtu.js';

/** A path that answers DF echoes up to `mtu` bytes and drops larger ones silently (the lab's 1300-MTU peer). */
const path = (mtu: number, options: { tooBigAbove?: number; lose?: Set<number> } = {}) => {
  const tried: number[][] = [];
  let round: number[] = [];
  const tryOne = (size: number): Promise<TryResult> => {
    round.push(size);
    if (options.lose?.has(size)) return Promise.resolve('no-reply');
    if (options.tooBigAbove !== undefined && size > options.tooBigAbove) return Promise.resolve('too-big');
    return Promise.resolve(size <= mtu ? 'reply' : 'no-reply');
  };
  const flush = (): void => {
    if (round.length) tried.push(round);
    round = [];
  };
  return { tryOne, tried, flush };
};

t.test('a full 1500 path answers in one round', async (t) => {
  const p = path(1500);
  const r = await searchPathMtu(p.tryOne, { low: 84, high: 1500 });
  t.same(r, { pathMtu: 1500, probedUpTo: 1500, rounds: 1, incomplete: false });
});

for (const mtu of [1304, 1300, 1450, 1280, 576, 85, 1499]) {
  t.test(`a path of ${String(mtu)} is found exactly`, async (t) => {
    const p = path(mtu);
    const r = await searchPathMtu(p.tryOne, { low: 84, high: 1500 });
    t.equal(r.pathMtu, mtu);
    t.equal(r.probedUpTo, 1500);
    t.ok(r.rounds <= 4, `${String(r.rounds)} rounds`);
  });
}

t.test('"too big" (refused locally, or fragmentation needed) counts as no', async (t) => {
  const r = await searchPathMtu(path(1500, { tooBigAbove: 1400 }).tryOne, { low: 84, high: 1500 });
  t.equal(r.pathMtu, 1400);
});

t.test('a lost echo below a size that passed does not lower the answer', async (t) => {
  const r = await searchPathMtu(path(1400, { lose: new Set([1300, 1350]) }).tryOne, { low: 84, high: 1500 });
  t.equal(r.pathMtu, 1400);
});

t.test('nothing to search when the top is not above the known size', async (t) => {
  t.same(await searchPathMtu(path(1500).tryOne, { low: 84, high: 84 }), { pathMtu: 84, probedUpTo: 84, rounds: 0, incomplete: false });
});

t.test('the deadline stops the search: what passed so far is a lower bound', async (t) => {
  const controller = new AbortController();
  const p = path(1300);
  const tryOne = async (size: number): Promise<TryResult> => {
    const r = await p.tryOne(size);
    controller.abort();
    return r;
  };
  const r = await searchPathMtu(tryOne, { low: 84, high: 1500, signal: controller.signal });
  t.equal(r.incomplete, true);
  t.equal(r.rounds, 1);
  t.ok(r.pathMtu > 84 && r.pathMtu <= 1300, `after one round: ${String(r.pathMtu)}, at most the real 1300`);
});

t.test('candidates: spread between the bounds, common MTUs first, never the bounds', (t) => {
  t.same(candidates(1300, 1304, 16), [1301, 1302, 1303], 'few enough: all of them');
  t.same(candidates(1300, 1301, 16), []);
  const c = candidates(84, 1500, 16);
  t.equal(c.length, 16);
  t.ok(c.every((s) => s > 84 && s < 1500));
  t.ok(c.includes(1492) && c.includes(1450), 'common MTUs');
  t.ok(COMMON_MTUS.includes(1500));
  t.end();
});
