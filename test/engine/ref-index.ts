// The logical location of a finding: the index gives the answer a scan of every node gives.
import t from 'tap';
import fc from 'fast-check';
import { innermost, type RefEntry, type Span } from '../../engine/ref-index.js';
import type { BaseNode } from '../../language/model.js';

/** What engine/lint.ts did before the index: every entry for every span, the smallest, the last of equals. */
function scan(entries: readonly RefEntry[], span: Span): RefEntry | undefined {
  let best: RefEntry | undefined;
  for (const r of entries) {
    if (
      r.node.range[0] <= span.start &&
      span.end <= r.node.range[1] &&
      (!best || r.node.range[1] - r.node.range[0] <= best.node.range[1] - best.node.range[0])
    )
      best = r;
  }
  return best;
}

const entry = (start: number, end: number, name: string): RefEntry => ({
  node: { type: 'Service', range: [start, end] } as unknown as BaseNode,
  chain: [{ kind: 'service', name }],
});

t.test('examples', (t) => {
  const outer = entry(0, 100, 'outer');
  const inner = entry(10, 20, 'inner');
  const twin = entry(10, 20, 'twin');
  const entries = [outer, inner, twin];
  const found = innermost(entries, [
    { start: 12, end: 15 },
    { start: 5, end: 15 },
    { start: 50, end: 120 },
    { start: 0, end: 100 },
    { start: 20, end: 20 },
  ]);
  t.equal(found[0], twin, 'the smallest; of two equal ones, the later');
  t.equal(found[1], outer, 'a span that starts before the small one');
  t.equal(found[2], undefined, 'a span past every node');
  t.equal(found[3], outer, 'a span equal to a node');
  t.equal(found[4], twin, 'an empty span at the end of a node');
  t.same(innermost([], [{ start: 0, end: 0 }]), [undefined], 'no entries');
  t.same(innermost(entries, []), [], 'no spans');
  t.end();
});

t.test('the same as a scan, on arbitrary (also overlapping, not nested) ranges', (t) => {
  const range = fc.tuple(fc.nat(60), fc.nat(30)).map(([a, len]) => [a, a + len] as const);
  fc.assert(
    fc.property(fc.array(range, { maxLength: 25 }), fc.array(range, { maxLength: 25 }), (ranges, spans) => {
      const entries = ranges.map(([a, b], i) => entry(a, b, `e${String(i)}`));
      const queries = spans.map(([start, end]) => ({ start, end }));
      const found = innermost(entries, queries);
      return queries.every((q, i) => found[i] === scan(entries, q));
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 random cases agree');
  t.end();
});
