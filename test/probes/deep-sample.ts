// `audit --deep --deep-sample K`: the choice of K peers per node (probes/deep/sample.ts), the agent's options and
// control targets under a sample, the mesh that keeps only the sampled pairs, and the matrix that marks the others
// "not sampled". The agent's sampled run over loopback is in test/probes/deep-probe-run.ts.
import t from 'tap';
import { buildMesh, type DeepNode, type DeepTask, type ProbeResult } from '../../probes/audit/mesh.js';
import { controlTargets, deepProbeOptions } from '../../probes/deep/result.js';
import { sampleMap, samplePeers } from '../../probes/deep/sample.js';
import { cellOf, indexPairs } from '../../reporters/html/mesh.js';
import { meshLines } from '../../reporters/mesh-text.js';
import { loadFacts } from '../../language/loader/facts.js';
import { factsDoc } from '../helpers/facts.js';

const ids = Array.from({ length: 10 }, (_, i) => `node${String(i)}`);

t.test('K peers per node: never itself, repeatable from the seed, different from another seed', (t) => {
  const a = samplePeers('s1', 'node3', ids, 3);
  t.equal(a.length, 3);
  t.notOk(a.includes('node3'), 'never itself');
  t.same(samplePeers('s1', 'node3', [...ids].reverse(), 3), a, 'the order of the IDs does not matter');
  t.same(samplePeers('s1', 'node3', ids, 3), a, 'the same seed picks the same peers');
  const seeds = Array.from({ length: 8 }, (_, i) => `seed${String(i)}`);
  t.ok(
    seeds.some((s) => samplePeers(s, 'node3', ids, 3).join() !== a.join()),
    'another seed picks other peers',
  );
  t.same(
    samplePeers('s1', 'node3', ids, 50),
    ids.filter((id) => id !== 'node3'),
    'K ≥ N − 1: every peer',
  );
  t.same(samplePeers('s1', 'node3', ['node3'], 2), [], 'alone: nobody');
  t.end();
});

t.test('runs with different seeds cover the whole mesh', (t) => {
  // 10 nodes, K = 2: 20 of the 90 ordered pairs per run. Count the runs (seeds run0, run1, …) until all 90 are seen.
  const seen = new Set<string>();
  let runs = 0;
  while (seen.size < ids.length * (ids.length - 1) && runs < 200) {
    for (const [from, to] of sampleMap(`run${String(runs)}`, ids, 2)) for (const b of to) seen.add(`${from}>${b}`);
    runs++;
  }
  t.equal(seen.size, 90, `every ordered pair sampled after ${String(runs)} runs`);
  // Each run picks 20 pairs of 90: about 90/20 × ln 90 ≈ 20 runs cover them all (coupon collector); far more is a bias.
  t.ok(runs < 60, `${String(runs)} runs: no pair is starved`);
  t.end();
});

t.test('the agent: --sample needs --seed and --ids; host kind: one ID per address, 7946 only to its sample', (t) => {
  const base = { kind: 'plain', service: 'svc', 'node-id': 'node0' };
  t.throws(() => deepProbeOptions({ ...base, seed: 'x' }), /--seed needs --sample/);
  t.throws(() => deepProbeOptions({ ...base, sample: '2', ids: 'a,b' }), /--sample needs --seed/);
  t.throws(() => deepProbeOptions({ ...base, sample: '2', seed: 'bad seed', ids: 'a' }), /--sample needs --seed/);
  t.throws(() => deepProbeOptions({ ...base, sample: '2', seed: 's' }), /--sample needs --ids/);
  t.throws(() => deepProbeOptions({ ...base, sample: '0', seed: 's', ids: 'a' }), /--sample must be an integer from 1/);
  t.same(deepProbeOptions({ ...base, sample: '2', seed: 's', ids: ['a,b', 'c'] }).sample, { peers: 2, seed: 's', ids: ['a', 'b', 'c'] });
  const addresses = ids.map((_, i) => `198.18.0.${String(101 + i)}`);
  t.throws(
    () => deepProbeOptions({ kind: 'host', sample: '2', seed: 's', ids: 'a', nodes: addresses.join(',') }),
    /--ids names 1 node\(s\) and --nodes 10/,
  );
  const host = deepProbeOptions({
    kind: 'host',
    'node-id': 'node0',
    sample: '3',
    seed: 's',
    ids: ids.join(','),
    nodes: addresses.join(','),
    managers: '198.18.0.101',
  });
  const targets = controlTargets(host, new Set(['198.18.0.101']));
  const picked = samplePeers('s', 'node0', ids, 3);
  t.same(
    targets.filter((c) => c.port === 7946).map((c) => c.to),
    picked.map((id) => addresses[ids.indexOf(id)]),
    '7946 to the three sampled nodes only',
  );
  t.same(
    targets.filter((c) => c.port === 2377),
    [],
    'no 2377 to itself (the manager)',
  );
  const worker = controlTargets({ ...host, node: { id: 'node1', hostname: '' } }, new Set(['198.18.0.102']));
  t.same(
    worker.filter((c) => c.port === 2377).map((c) => c.to),
    ['198.18.0.101'],
    'every manager is checked whatever the sample',
  );
  t.end();
});

const node = (i: number): DeepNode => ({
  id: `node${String(i)}`,
  hostname: `h${String(i)}`,
  address: `198.18.0.${String(101 + i)}`,
  role: i === 0 ? 'manager' : 'worker',
  availability: 'active',
  state: 'ready',
  os: 'linux',
  arch: 'x86_64',
  labels: {},
  engineLabels: {},
});

/** Every node's plain result: each answered every peer (as if it had probed them all). */
function everyoneAnswers(nodes: DeepNode[]): { tasks: DeepTask[]; results: Map<'plain', Map<string, ProbeResult>> } {
  const overlay = (n: DeepNode): string => `10.1.0.${String(Number(n.id.slice(4)) + 2)}`;
  const tasks = nodes.map((n, i) => ({
    id: `t${String(i)}`,
    kind: 'plain' as const,
    nodeId: n.id,
    state: 'complete',
    addresses: [overlay(n)],
    version: 1,
  }));
  const results = new Map(
    nodes.map((n) => [
      n.id,
      {
        kind: 'plain' as const,
        node: { id: n.id, hostname: n.hostname },
        self: { address: overlay(n), mtu: 1450 },
        peers: nodes
          .filter((p) => p.id !== n.id)
          .map((p) => ({
            address: overlay(p),
            node: { id: p.id, hostname: p.hostname },
            small: { size: 92, sent: 3, received: 3 },
            large: { size: 1450, sent: 3, received: 3 },
          })),
        control: [],
        notes: [],
      },
    ]),
  );
  return { tasks, results: new Map([['plain', results]]) };
}

t.test('the mesh keeps the sampled pairs only; the matrix marks the others "not sampled" and says the seed', (t) => {
  const nodes = [0, 1, 2, 3, 4].map(node);
  const { tasks, results } = everyoneAnswers(nodes);
  const sample = { peers: 2, seed: 'abc123' };
  const mesh = buildMesh({
    run: 'r1',
    image: 'i',
    nodes,
    skipped: new Map(),
    tasks,
    results,
    networks: [{ key: 'plain', name: 'swarmlint-deep-r1-plain' }],
    sample,
  });
  t.same(mesh.sample, sample);
  const chosen = sampleMap(
    'abc123',
    nodes.map((n) => n.id),
    2,
  );
  t.same(
    mesh.pairs.map((p) => `${p.from}>${p.to}`).sort(),
    [...chosen].flatMap(([from, to]) => [...to].map((b) => `${from}>${b}`)).sort(),
    '10 pairs of 20: the sampled ones',
  );
  t.ok(
    mesh.pairs.every((p) => p.verdict === 'ok'),
    'each ok',
  );
  const index = indexPairs(mesh);
  const notSampled = nodes.flatMap((a) =>
    nodes.filter((b) => b.id !== a.id && !chosen.get(a.id)?.has(b.id)).map((b) => [a.id, b.id] as const),
  );
  t.equal(notSampled.length, 10);
  t.same(
    [...new Set(notSampled.map(([a, b]) => cellOf(mesh, a, b, index).kind))],
    ['unsampled'],
    'the other pairs are not sampled, neither passed nor failed',
  );
  // A pair absent from a mesh without a sample is untested, as before.
  const unsampledMesh = { ...mesh };
  delete unsampledMesh.sample;
  t.equal(cellOf(unsampledMesh, notSampled[0]?.[0] ?? '', notSampled[0]?.[1] ?? '', index).kind, 'untested');

  const model = loadFacts(factsDoc({ nodes: [], networks: [], services: [], outcomes: [], mesh }), 'audit.json').mesh;
  t.same(model?.sample, sample, 'the facts reader keeps the sample');
  const lines = model ? meshLines(model, (_kind, text) => text) : [];
  t.ok(
    lines.some((l) => l.includes('Sampled: 2 peer(s) per node, seed abc123 (--deep-sample 2 --deep-seed abc123')),
    'the matrix says how to repeat the run',
  );
  t.ok(
    lines.some((l) => l.includes('○ not sampled')),
    'and what ○ means',
  );
  t.equal(lines.join('\n').split('○').length - 1, 10 + 1, 'ten ○ cells (and the legend)');
  t.end();
});
