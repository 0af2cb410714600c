import { checkRuleDocs } from '../helpers/rule-docs.js';
import { LOST, LOST_LARGE, meshDoc, meshNode, meshNodeLine, meshOf, pairLine } from '../helpers/mesh.js';
import { testRule } from '../helpers/tap.js';
import rule from '../../rules/overlay-reachability.js';

const unreachable = { verdict: 'unreachable' as const, small: LOST, large: null };

// 4789/udp dropped on n3: every pair touching n3 fails, n1 ↔ n2 passes.
const n3Drops = meshDoc(meshOf((from, to) => (from === 'n3' || to === 'n3' ? unreachable : {})));
// One direction of one pair fails, everything else passes.
const oneWay = meshDoc(meshOf((from, to) => (from === 'n1' && to === 'n2' ? unreachable : {})));
// Two nodes that cannot reach each other: nothing passes elsewhere, so no node is singled out.
const twoNodes = meshDoc(
  meshOf(() => unreachable, { nodes: [meshNode('n1'), meshNode('n2')] }),
  { swarm: { dataPathPort: 4790 } },
);
// Node n3 is at fault, and n4 did not run: its pairs are not tested, not failing.
const withSkipped = meshDoc(
  meshOf((from, to) => (from === 'n3' || to === 'n3' ? unreachable : {}), {
    nodes: [meshNode('n1'), meshNode('n2'), meshNode('n3'), meshNode('n4', { ran: false, reason: 'drained', tasks: {} })],
  }),
);

testRule(
  'overlay-reachability',
  rule,
  {
    valid: [
      { name: 'every pair answers', code: meshDoc(meshOf()) },
      {
        name: 'only the encrypted overlay fails (esp-blocked reports it)',
        code: meshDoc(meshOf((_f, _t, network) => (network === 'encrypted' ? unreachable : {}), { networks: ['plain', 'encrypted'] })),
      },
      {
        name: 'large echoes lost, small ones answered (path-mtu reports it)',
        code: meshDoc(meshOf((_f, to) => (to === 'n3' ? { verdict: 'mtu-blackhole', large: LOST_LARGE } : {}))),
      },
      { name: 'no deep audit', code: JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', nodes: [] }) },
    ],
    invalid: [
      {
        name: 'the node that drops VXLAN is named once',
        code: n3Drops,
        errors: [
          {
            messageId: 'node',
            line: meshNodeLine(n3Drops, 'n3'),
            data: { node: 'swl-n3', peers: '`swl-n1`, `swl-n2`', port: '4789' },
          },
        ],
      },
      {
        name: 'one pair, one way',
        code: oneWay,
        errors: [
          {
            messageId: 'pair',
            line: pairLine(oneWay, 'n1', 'n2', 'plain'),
            data: {
              from: 'swl-n1',
              to: 'swl-n2',
              network: 'swarmlint-deep-r1-plain',
              echo: '0 of 3 echoes of 92 bytes answered',
              port: '4789',
            },
          },
        ],
      },
      {
        name: 'two nodes: each pair, with the swarm data-path port',
        code: twoNodes,
        errors: [
          {
            messageId: 'pair',
            line: pairLine(twoNodes, 'n1', 'n2', 'plain'),
            data: {
              from: 'swl-n1',
              to: 'swl-n2',
              network: 'swarmlint-deep-r1-plain',
              echo: '0 of 3 echoes of 92 bytes answered',
              port: '4790',
            },
          },
          {
            messageId: 'pair',
            line: pairLine(twoNodes, 'n2', 'n1', 'plain'),
            data: {
              from: 'swl-n2',
              to: 'swl-n1',
              network: 'swarmlint-deep-r1-plain',
              echo: '0 of 3 echoes of 92 bytes answered',
              port: '4790',
            },
          },
        ],
      },
      {
        name: 'a node that did not run does not hide the one at fault',
        code: withSkipped,
        errors: [
          { messageId: 'node', line: meshNodeLine(withSkipped, 'n3'), data: { node: 'swl-n3', peers: '`swl-n1`, `swl-n2`', port: '4789' } },
        ],
      },
    ],
  },
  'facts',
);

checkRuleDocs('overlay-reachability', rule);
