// The deep audit's mesh (audit --deep) as path-mtu, esp-blocked, swarm-port-reachable and probe-skipped read it.
// overlay-reachability, a mesh-only rule, has its own file.
import { LOST, LOST_LARGE, meshDoc, meshNode, meshNodeLine, meshOf, pairLine } from '../helpers/mesh.js';
import type { FactsMeshLeak } from '../../language/facts-format.js';
import { testRule } from '../helpers/tap.js';
import pathMtu from '../../rules/path-mtu.js';
import espBlocked from '../../rules/esp-blocked.js';
import swarmPortReachable from '../../rules/swarm-port-reachable.js';
import probeSkipped from '../../rules/probe-skipped.js';

const blackhole = { verdict: 'mtu-blackhole' as const, large: LOST_LARGE };
const unreachable = { verdict: 'unreachable' as const, small: LOST, large: null };

// Underlay MTU 1300 on n3: large echoes to and from n3 are lost, small ones pass.
const n3Mtu = meshDoc(meshOf((from, to) => (from === 'n3' || to === 'n3' ? blackhole : {})));
const onePair = meshDoc(meshOf((from, to) => (from === 'n2' && to === 'n1' ? blackhole : {})));
const encryptedToo = meshDoc(
  meshOf((_f, to, network) => (network === 'encrypted' && to === 'n2' ? { ...blackhole, large: { ...LOST_LARGE, size: 1412 } } : {}), {
    nodes: [meshNode('n1'), meshNode('n2')],
    networks: ['plain', 'encrypted'],
  }),
);

testRule(
  'path-mtu',
  pathMtu,
  {
    valid: [
      { name: 'every pair carries full-size packets', code: meshDoc(meshOf()) },
      { name: 'unreachable is not an MTU problem', code: meshDoc(meshOf((_f, to) => (to === 'n3' ? unreachable : {}))) },
    ],
    invalid: [
      {
        name: 'the node with the small underlay is named once, with the sizes',
        code: n3Mtu,
        errors: [
          {
            messageId: 'meshNode',
            line: meshNodeLine(n3Mtu, 'n3'),
            data: { node: 'swl-n3', peers: '`swl-n1`, `swl-n2`', network: 'swarmlint-deep-r1-plain', small: '92', large: '1450' },
          },
        ],
      },
      {
        name: 'one pair',
        code: onePair,
        errors: [
          {
            messageId: 'meshPair',
            line: pairLine(onePair, 'n2', 'n1', 'plain'),
            data: {
              from: 'swl-n2',
              to: 'swl-n1',
              network: 'swarmlint-deep-r1-plain',
              small: '92',
              large: '1450',
              received: '0',
              sent: '3',
            },
          },
        ],
      },
      {
        name: 'over the encrypted overlay, with its own size',
        code: encryptedToo,
        errors: [
          {
            messageId: 'meshPair',
            line: pairLine(encryptedToo, 'n1', 'n2', 'encrypted'),
            data: {
              from: 'swl-n1',
              to: 'swl-n2',
              network: 'swarmlint-deep-r1-enc',
              small: '92',
              large: '1412',
              received: '0',
              sent: '3',
            },
          },
        ],
      },
    ],
  },
  'facts',
);

const noEsp = { verdict: 'unreachable' as const, small: LOST, large: null };
// This machine's kernel: every encrypted pair fails, every plain one passes.
const everywhere = meshOf((_f, _t, network) => (network === 'encrypted' ? noEsp : {}), { networks: ['plain', 'encrypted'] });
const everywhereDoc = meshDoc(everywhere);
const noted = meshDoc({
  ...everywhere,
  nodes: everywhere.nodes.map((n) => (n.id === 'n2' ? { ...n, notes: ['no ESP: xfrm state add failed', 'slow start'] } : n)),
});
const n2Esp = meshDoc(
  meshOf((from, to, network) => (network === 'encrypted' && (from === 'n2' || to === 'n2') ? noEsp : {}), {
    networks: ['plain', 'encrypted'],
  }),
);
const oneEsp = meshDoc(
  meshOf((from, to, network) => (network === 'encrypted' && from === 'n1' && to === 'n3' ? noEsp : {}), {
    networks: ['plain', 'encrypted'],
  }),
);
const both = meshDoc(meshOf(() => noEsp, { networks: ['plain', 'encrypted'] }));
/** The line of the mesh's encrypted network. */
const networkLine = (code: string): number => code.split('\n').findIndex((l) => l.includes('"key": "encrypted"'));
const everywhereData = {
  network: 'swarmlint-deep-r1-enc',
  count: '6',
  evidence: '',
};

/** The encryption-leak check: every node counted for 28 s; `from` what node 3 received. */
const leakMesh = (from: { from: string; packets: number }[], over: Partial<FactsMeshLeak> = {}): string =>
  meshDoc({
    ...meshOf(() => ({}), { networks: ['plain', 'encrypted'] }),
    leak: {
      network: 'encrypted',
      vni: 4097,
      port: 4789,
      nodes: ['n1', 'n2', 'n3'].map((node) => ({ node, window_ms: 28_000, from: node === 'n3' ? from : [] })),
      ...over,
    },
  });
const leaked = leakMesh([{ from: 'n1', packets: 12 }]);

testRule(
  'esp-blocked',
  espBlocked,
  {
    valid: [
      { name: 'both overlays answer', code: meshDoc(meshOf(() => ({}), { networks: ['plain', 'encrypted'] })) },
      { name: 'the plain overlay fails too: overlay-reachability reports it', code: both },
      { name: 'no encrypted overlay (--deep-no-encrypted)', code: meshDoc(meshOf()) },
      { name: 'the leak check counted nothing', code: leakMesh([]) },
      {
        name: 'the leak check untested (no VNI): no finding, never a pass either (the facts say untested)',
        code: leakMesh([], { vni: undefined, untested: 'no VNI' }),
      },
    ],
    invalid: [
      {
        name: 'no pair crosses encrypted: one finding, at the network',
        code: everywhereDoc,
        errors: [{ messageId: 'meshEverywhere', line: networkLine(everywhereDoc), data: everywhereData }],
      },
      {
        name: 'with what the tasks noted about ESP',
        code: noted,
        errors: [
          {
            messageId: 'meshEverywhere',
            data: { ...everywhereData, evidence: '; the tasks noted: swl-n2: no ESP: xfrm state add failed' },
          },
        ],
      },
      {
        name: 'the node without ESP is named once',
        code: n2Esp,
        errors: [
          {
            messageId: 'meshNode',
            line: meshNodeLine(n2Esp, 'n2'),
            data: { node: 'swl-n2', peers: '`swl-n1`, `swl-n3`', network: 'swarmlint-deep-r1-enc', evidence: '' },
          },
        ],
      },
      {
        name: 'plaintext VXLAN of the encrypted VNI from node 1 accepted by node 3',
        code: leaked,
        errors: [
          {
            messageId: 'meshLeak',
            line: meshNodeLine(leaked, 'n3'),
            data: {
              to: 'swl-n3',
              from: 'swl-n1',
              count: '12',
              network: 'swarmlint-deep-r1-enc',
              vni: '4097',
              port: '4789',
              seconds: '28',
            },
          },
        ],
      },
      {
        name: 'one pair',
        code: oneEsp,
        errors: [
          {
            messageId: 'meshPair',
            line: pairLine(oneEsp, 'n1', 'n3', 'encrypted'),
            data: {
              from: 'swl-n1',
              to: 'swl-n3',
              network: 'swarmlint-deep-r1-enc',
              echo: '0 of 3 echoes of 92 bytes answered',
              evidence: '',
            },
          },
        ],
      },
    ],
  },
  'facts',
);

const control = meshDoc(
  meshOf(() => ({}), {
    control: [
      { from: 'n2', to: 'n1', port: 2377, verdict: 'open' },
      { from: 'n3', to: 'n1', port: 2377, verdict: 'filtered', error: 'no answer in 3 s' },
      { from: 'n3', to: 'n2', port: 7946, verdict: 'closed' },
      { from: 'n1', to: 'n2', port: 7946, verdict: 'open' },
    ],
  }),
);

testRule(
  'swarm-port-reachable',
  swarmPortReachable,
  {
    valid: [
      { name: 'every port open', code: meshDoc(meshOf(() => ({}), { control: [{ from: 'n2', to: 'n1', port: 2377, verdict: 'open' }] })) },
    ],
    invalid: [
      {
        name: 'control plane filtered, gossip refused',
        code: control,
        errors: [
          {
            messageId: 'meshControl',
            line: pairLine(control, 'n3', 'n1'),
            data: {
              from: 'swl-n3',
              to: 'swl-n1',
              port: '2377',
              result: 'did not answer the connection (filtered) (no answer in 3 s)',
            },
          },
          {
            messageId: 'meshGossip',
            line: pairLine(control, 'n3', 'n2'),
            data: { from: 'swl-n3', to: 'swl-n2', port: '7946', result: 'refused the connection' },
          },
        ],
      },
    ],
  },
  'facts',
);

const skipped = meshDoc(
  meshOf(() => ({}), {
    nodes: [
      meshNode('n1'),
      meshNode('n2', {
        tasks: {
          plain: { state: 'complete', reported: true },
          encrypted: { state: 'rejected', error: 'No such image: swarmlint/deep:0.1.0' },
          host: { state: 'complete', reported: true },
        },
      }),
      meshNode('n3', { ran: false, availability: 'drain', reason: 'drained (availability drain): swarm starts no tasks on it', tasks: {} }),
      meshNode('n4', { ran: false, tasks: { plain: { state: 'failed', error: 'task: non-zero exit (1)' } } }),
      meshNode('n5', { ran: false, tasks: {} }),
    ],
  }),
);

testRule(
  'probe-skipped',
  probeSkipped,
  {
    valid: [{ name: 'every node ran', code: meshDoc(meshOf()) }],
    invalid: [
      {
        name: 'a failed task, a drained node, a node whose task failed, a node with no task',
        code: skipped,
        errors: [
          {
            messageId: 'meshTask',
            line: meshNodeLine(skipped, 'n2'),
            data: { node: 'swl-n2', kind: 'encrypted', state: 'rejected', why: ' (No such image: swarmlint/deep:0.1.0)' },
          },
          {
            messageId: 'meshSkipped',
            line: meshNodeLine(skipped, 'n3'),
            data: { node: 'swl-n3', reason: 'drained (availability drain): swarm starts no tasks on it' },
          },
          {
            messageId: 'meshNotRun',
            line: meshNodeLine(skipped, 'n4'),
            data: { node: 'swl-n4', tasks: 'plain: failed (task: non-zero exit (1))' },
          },
          { messageId: 'meshNotRun', line: meshNodeLine(skipped, 'n5'), data: { node: 'swl-n5', tasks: 'no task was seen on it' } },
        ],
      },
    ],
  },
  'facts',
);
