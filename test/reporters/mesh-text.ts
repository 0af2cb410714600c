import t from 'tap';
import type { LintReport } from '../../engine/findings.js';
import { loadFacts } from '../../language/loader/facts.js';
import { prometheus } from '../../reporters/prometheus.js';
import { stylish } from '../../reporters/stylish.js';
import { meshLines } from '../../reporters/mesh-text.js';
import type { ReportContext } from '../../reporters/types.js';
import { LOST, meshDoc, meshNode, meshOf } from '../helpers/mesh.js';

const empty: LintReport = { findings: [], errors: [], files: [], rulesRun: [] };
const contextOf = (text: string): ReportContext => ({
  cwd: '/',
  rules: [],
  color: false,
  command: 'audit',
  documents: [{ name: 'audit', root: loadFacts(text, 'audit.json') }],
});
const unreachable = { verdict: 'unreachable' as const, small: LOST, large: null };

t.test('stylish: no matrix when every pair passes (quiet when clean)', (t) => {
  t.equal(stylish(empty, contextOf(meshDoc(meshOf()))), '');
  t.end();
});

t.test('stylish: the matrix when node 3 drops VXLAN, with the node not tested', (t) => {
  const mesh = meshOf((from, to) => (from === 'n3' || to === 'n3' ? unreachable : {}), {
    nodes: [meshNode('n1'), meshNode('n2'), meshNode('n3'), meshNode('n4', { ran: false, reason: 'drained', tasks: {} })],
  });
  const text = stylish(empty, contextOf(meshDoc(mesh)));
  t.equal(
    text,
    [
      'Mesh: node to node over swarmlint-deep-r1-plain',
      '              1   2   3   4  (to)',
      '  1 swl-n1    —   ✓   ✗   ·',
      '  2 swl-n2    ✓   —   ✗   ·',
      '  3 swl-n3    ✗   ✗   —   ·',
      '  4 swl-n4    ·   ·   ·   —',
      '  ✓ reachable  ✗ unreachable  MTU large packets lost  ESP encrypted overlay fails  · not tested  (rows: from)',
      '  not tested: swl-n4 (drained)',
      '',
      '',
    ].join('\n'),
  );
  t.end();
});

t.test('text: ESP and MTU cells, and the summary above 20 nodes', (t) => {
  const mesh = loadFacts(
    meshDoc(
      meshOf(
        (from, to, network) =>
          network === 'encrypted'
            ? unreachable
            : from === 'n1' && to === 'n2'
              ? { verdict: 'mtu-blackhole', large: { size: 1450, sent: 3, received: 0 } }
              : {},
        { nodes: [meshNode('n1'), meshNode('n2')], networks: ['plain', 'encrypted'] },
      ),
    ),
    'a.json',
  ).mesh;
  if (!mesh) throw new Error('no mesh');
  const lines = meshLines(mesh, (kind, text) => `${kind}:${text.trim()}`);
  t.match(lines[0], /over swarmlint-deep-r1-plain and swarmlint-deep-r1-enc \(encrypted\)/);
  t.match(lines[2], /self:— mtu:MTU/);
  t.match(lines[3], /esp:ESP self:—/);

  const ids = Array.from({ length: 25 }, (_v, i) => `n${String(i + 1)}`);
  const big = loadFacts(
    meshDoc(meshOf((from, to) => (from === 'n7' || to === 'n7' ? unreachable : {}), { nodes: ids.map((id) => meshNode(id)) })),
    'b.json',
  ).mesh;
  if (!big) throw new Error('no mesh');
  const summary = meshLines(big, (_k, text) => text);
  t.equal(summary[1], '  25 nodes, 552 of 600 tested pairs ✓ over the plain overlay');
  t.equal(summary[2], '  swl-n7: from it 0 ✓ 24 ✗, to it 0 ✓ 24 ✗  (at fault)');
  t.equal(summary.length, 3, 'its peers, which fail only with it, are not listed');
  t.end();
});

t.test('prometheus: pairs by verdict, nodes, a gauge per tested pair', (t) => {
  const mesh = meshOf((from, to) => (from === 'n1' && to === 'n3' ? unreachable : {}), {
    nodes: [meshNode('n1'), meshNode('n2'), meshNode('n3'), meshNode('n4', { ran: false, reason: 'drained', tasks: {} })],
  });
  const text = prometheus(empty, contextOf(meshDoc(mesh)));
  t.match(text, /# TYPE swarmlint_deep_pairs gauge/);
  t.match(text, /^swarmlint_deep_pairs\{network="plain",verdict="ok"\} 5$/m);
  t.match(text, /^swarmlint_deep_pairs\{network="plain",verdict="unreachable"\} 1$/m);
  t.match(text, /^swarmlint_deep_nodes\{state="not_tested"\} 1$/m);
  t.match(text, /^swarmlint_deep_pair_ok\{from="swl-n1",to="swl-n3",network="plain"\} 0$/m);
  t.match(text, /^swarmlint_deep_pair_ok\{from="swl-n3",to="swl-n1",network="plain"\} 1$/m);
  t.notMatch(prometheus(empty, { ...contextOf(meshDoc(mesh)), documents: [] }), /swarmlint_deep/, 'no mesh, no gauges');
  t.end();
});
